"""Merging two records of one person: worked examples of what moves and what wins."""

from __future__ import annotations

import pytest

from eventsys.domain.merge import (
    EventConflict,
    Keyed,
    MergeRefused,
    Person,
    Rows,
    Seat,
    filled_fields,
    plan,
)

# 王秀英 was entered twice: once by the desk from the bureau's list (record 1, kept), once when
# her daughter signed her up on the phone (record 2, the duplicate).
KEPT = 1
DUPLICATE = 2


def seat(
    member: int,
    registration: int,
    event: int,
    status: str = "confirmed",
    *,
    role: str = "captain",
    size: int = 1,
) -> Seat:
    return Seat(member, registration, event, status, role, roster_size=size)


def test_nothing_in_common_moves_everything() -> None:
    kept = Person(KEPT, seats=(seat(10, 100, 7),), groups=(Keyed(1, 5),))
    duplicate = Person(
        DUPLICATE,
        seats=(seat(20, 200, 8, "waiting"),),
        groups=(Keyed(2, 6),),
        attendance=(Keyed(30, 77),),
        referees=(Keyed(40, 3),),
    )
    result = plan(kept, duplicate)
    assert result.seats == Rows(move=(20,), drop=())
    assert result.groups == Rows(move=(2,), drop=())
    assert result.attendance == Rows(move=(30,), drop=())
    assert result.referees == Rows(move=(40,), drop=())
    assert result.conflicts == () and result.cancel_registrations == ()


def test_both_registered_the_confirmed_place_is_kept_and_the_waiting_one_cancelled() -> None:
    # The kept record waits (registration 100); the duplicate holds a confirmed place (200):
    # the confirmed place is kept (moved to the kept record), the waiting one cancelled.
    kept = Person(KEPT, seats=(seat(10, 100, 7, "waiting"),))
    duplicate = Person(DUPLICATE, seats=(seat(20, 200, 7, "confirmed"),))
    result = plan(kept, duplicate)
    assert result.seats == Rows(move=(20,), drop=(10,))
    assert result.cancel_registrations == (100,)
    assert result.conflicts == (EventConflict(7, 200, "confirmed", 100, "waiting", False),)
    assert result.freed_events == (7,)


def test_both_confirmed_the_earlier_registration_is_kept() -> None:
    # Two confirmed places: the earlier registration (lower id, earlier in the queue) stays and
    # the other is cancelled, so the event holds one place fewer and nothing is oversold.
    kept = Person(KEPT, seats=(seat(10, 300, 7),))
    duplicate = Person(DUPLICATE, seats=(seat(20, 250, 7),))
    result = plan(kept, duplicate)
    assert result.seats == Rows(move=(20,), drop=(10,))
    assert result.cancel_registrations == (300,)


def test_pending_beats_waiting_and_the_kept_records_place_stays() -> None:
    kept = Person(KEPT, seats=(seat(10, 300, 7, "pending"),))
    duplicate = Person(DUPLICATE, seats=(seat(20, 100, 7, "waiting"),))
    result = plan(kept, duplicate)
    assert result.seats == Rows(move=(), drop=(20,))
    assert result.cancel_registrations == (100,)
    assert result.conflicts[0].kept_registration == 300


def test_a_team_that_loses_its_place_keeps_its_other_members() -> None:
    # The duplicate plays in another team (of 3) of the same tournament: the person leaves that
    # team, which shrinks by one instead of being cancelled.
    kept = Person(KEPT, seats=(seat(10, 100, 7),))
    duplicate = Person(DUPLICATE, seats=(seat(20, 200, 7, role="player", size=3),))
    result = plan(kept, duplicate)
    assert result.seats == Rows(move=(), drop=(20,))
    assert result.shrink_registrations == (200,)
    assert result.cancel_registrations == ()


def test_both_on_one_team_one_row_goes_and_the_captaincy_stays() -> None:
    # The duplicate is the captain of the team the kept record plays in: its row goes, the kept
    # row becomes the captain's, and the team is one place smaller.
    kept = Person(KEPT, seats=(seat(10, 100, 7, role="player", size=4),))
    duplicate = Person(DUPLICATE, seats=(seat(20, 100, 7, role="captain", size=4),))
    result = plan(kept, duplicate)
    assert result.seats == Rows(move=(), drop=(20,))
    assert result.shrink_registrations == (100,)
    assert result.set_roles == ((10, "captain"),)
    assert result.conflicts == (EventConflict(7, 100, "confirmed", 100, "confirmed", True),)


def test_shared_groups_sittings_and_tournaments_keep_the_kept_row() -> None:
    kept = Person(
        KEPT,
        groups=(Keyed(1, 5),),
        attendance=(Keyed(3, 77),),
        referees=(Keyed(5, 9),),
    )
    duplicate = Person(
        DUPLICATE,
        groups=(Keyed(2, 5), Keyed(4, 6)),
        attendance=(Keyed(6, 77), Keyed(8, 78)),
        referees=(Keyed(7, 9),),
    )
    result = plan(kept, duplicate)
    assert result.groups == Rows(move=(4,), drop=(2,))
    assert result.attendance == Rows(move=(8,), drop=(6,))
    assert result.referees == Rows(move=(), drop=(7,))


def test_an_invitation_to_a_team_the_kept_record_is_on_gives_up_its_place() -> None:
    kept = Person(
        KEPT, seats=(seat(10, 100, 7, role="player", size=3),), invitations=(Keyed(1, 300),)
    )
    duplicate = Person(DUPLICATE, invitations=(Keyed(2, 100), Keyed(3, 300), Keyed(4, 400)))
    result = plan(kept, duplicate)
    assert result.invitations == Rows(move=(4,), drop=(2, 3))
    assert result.shrink_for_invitations == (100, 300)


def test_empty_fields_are_filled_from_the_duplicate_and_roles_are_joined() -> None:
    kept = Person(
        KEPT,
        fields={"phone": None, "member_number": "FT-0012", "organisation_id": None},
        roles=("participant",),
    )
    duplicate = Person(
        DUPLICATE,
        fields={"phone": "13800138000", "member_number": "FT-9999", "organisation_id": 4},
        roles=("judge", "participant"),
    )
    result = plan(kept, duplicate)
    assert result.fields == {"phone": "13800138000", "organisation_id": 4}
    assert result.roles == ("judge", "participant")


def test_filled_fields_never_overwrite_a_value() -> None:
    assert filled_fields({"phone": "13900000000"}, {"phone": "13800138000"}) == {}
    assert filled_fields({"phone": ""}, {"phone": "13800138000"}) == {"phone": "13800138000"}


@pytest.mark.parametrize(
    ("kept", "duplicate", "code"),
    [
        (Person(KEPT), Person(KEPT), "same_record"),
        (Person(KEPT, merged=True), Person(DUPLICATE), "kept_was_merged"),
        (Person(KEPT), Person(DUPLICATE, merged=True), "already_merged"),
        (
            Person(KEPT, judged_contests=(3,)),
            Person(DUPLICATE, judged_contests=(3, 4)),
            "both_judge",
        ),
        (
            Person(KEPT, judged_contests=(3,), judged_events=(7,)),
            Person(DUPLICATE, seats=(seat(20, 200, 7),)),
            "judges_own_contest",
        ),
        (
            Person(KEPT, seats=(seat(10, 100, 7),)),
            Person(DUPLICATE, judged_contests=(3,), judged_events=(7,)),
            "judges_own_contest",
        ),
    ],
)
def test_refusals(kept: Person, duplicate: Person, code: str) -> None:
    with pytest.raises(MergeRefused) as refused:
        plan(kept, duplicate)
    assert refused.value.code == code


def test_judges_of_different_contests_merge() -> None:
    kept = Person(KEPT, judged_contests=(3,), judged_events=(7,))
    duplicate = Person(DUPLICATE, judged_contests=(4,), judged_events=(8,))
    assert plan(kept, duplicate).conflicts == ()
