"""Places freed by any change go to the waiting list in order (issue 15.9), team-mates confirm
their place before it counts (issue 15.5), and a cancelled event reads cancelled (issue 14.1)."""

# ruff: noqa: F811

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsys.errors import NotFound
from eventsys.extensions import db
from eventsys.models import Event, Notice, Registration, RegistrationMember, User
from eventsys.services import events as event_service
from eventsys.services import registrations as service

# The fixtures of the registration tests, shared (test arguments of the same names use them).
from tests.services.test_registrations import OPEN, make_open_event, people  # noqa: F401


def _changed(event: Event, **changes: object) -> event_service.EventData:
    """The event's own data with *changes*, as the edit form would send it."""
    names = {f.name for f in dataclasses.fields(event_service.EventData)}
    values = {name: getattr(event, name) for name in names if hasattr(event, name)}
    values["weekdays"] = event.weekdays
    return event_service.EventData(**{**values, **changes})  # type: ignore[arg-type]


def _statuses(event: Event) -> list[str]:
    return list(
        db.session.scalars(
            select(Registration.status)
            .where(Registration.event_id == event.id)
            .order_by(Registration.id)
        )
    )


def _fill(event: Event, persons: list[User]) -> None:
    for minute, person in enumerate(persons):
        service.register(event, person, by=person, now=OPEN + timedelta(minutes=minute))
    db.session.commit()


# ---- 15.9: the waiting list cannot be jumped -------------------------------------------------


def test_raising_the_capacity_promotes_the_waiting_in_order_before_any_newcomer(
    make_open_event,
    people,
) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(capacity=5)
    *crowd, newcomer = people(9)
    _fill(event, crowd)
    assert _statuses(event) == ["confirmed"] * 5 + ["waiting"] * 3
    organizer = db.session.get(User, event.organizer_id)
    event_service.update_event(event, _changed(event, capacity=8), actor=organizer)
    db.session.commit()
    assert _statuses(event) == ["confirmed"] * 8
    promoted = db.session.scalars(select(Notice.user_id).where(Notice.kind == "promoted")).all()
    assert sorted(promoted) == sorted(p.id for p in crowd[5:])
    late = service.register(event, newcomer, by=newcomer, now=OPEN + timedelta(hours=1))
    assert late.status == "waiting"


def test_removing_the_limit_or_counting_entries_promotes_everyone_who_waits(
    make_open_event,
    people,
) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(capacity=2)
    _fill(event, people(4))
    organizer = db.session.get(User, event.organizer_id)
    event_service.update_event(event, _changed(event, capacity=None), actor=organizer)
    assert _statuses(event) == ["confirmed"] * 4


def test_switching_approval_off_lets_the_waiting_in_as_confirmed(
    make_open_event,
    people,
) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(capacity=1, requires_approval=True)
    _fill(event, people(2))
    assert _statuses(event) == ["pending", "waiting"]
    organizer = db.session.get(User, event.organizer_id)
    event_service.update_event(
        event, _changed(event, requires_approval=False, capacity=2), actor=organizer
    )
    assert _statuses(event) == ["pending", "confirmed"]


def test_places_freed_behind_the_apps_back_go_to_the_queue_not_to_the_newcomer(
    make_open_event,
    people,
) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(capacity=1)
    first, second, newcomer = people(3)
    _fill(event, [first, second])
    event.capacity = 2  # e.g. raised by hand in the database
    db.session.commit()
    late = service.register(event, newcomer, by=newcomer, now=OPEN + timedelta(hours=1))
    assert _statuses(event) == ["confirmed", "confirmed", "waiting"]
    assert late.status == "waiting"


# ---- 15.5: a named team-mate confirms before the roster counts -------------------------------


@pytest.fixture
def team_event(make_open_event):  # type: ignore[no-untyped-def]
    return make_open_event(registration_mode="team", capacity=6, roster_max=3)


def test_a_named_team_mate_is_only_invited_and_may_enter_a_team_of_their_own(
    team_event,
    people,
) -> None:  # type: ignore[no-untyped-def]
    captain, victim, friend = people(3)
    hostile = service.register_team(
        team_event, captain, service.TeamEntry("冒名队", (victim.id,)), by=captain, now=OPEN
    )
    assert [m.user_id for m in hostile.members] == [captain.id]
    assert [i.user_id for i in service.open_invitations(victim)] == [victim.id]
    assert hostile.size == 2  # the place is held for the invited person meanwhile
    own = service.register_team(
        team_event, victim, service.TeamEntry("自己的队", (friend.id,)), by=victim, now=OPEN
    )
    assert own.status == "confirmed"
    # Entering a team of their own withdraws the invitation and gives its place back.
    assert service.open_invitations(victim) == []
    db.session.refresh(hostile)
    assert hostile.size == 1


def test_accepting_puts_the_team_mate_on_the_roster_once(team_event, people) -> None:  # type: ignore[no-untyped-def]
    a, b, mate = people(3)
    first = service.register_team(
        team_event, a, service.TeamEntry("甲", (mate.id,)), by=a, now=OPEN
    )
    second = service.register_team(
        team_event, b, service.TeamEntry("乙", (mate.id,)), by=b, now=OPEN
    )
    invitation = next(i for i in service.open_invitations(mate) if i.registration_id == first.id)
    service.accept_invitation(invitation.id, by=mate, now=OPEN)
    db.session.commit()
    on_rosters = db.session.scalars(
        select(RegistrationMember.registration_id).where(RegistrationMember.user_id == mate.id)
    ).all()
    assert on_rosters == [first.id]
    assert service.open_invitations(mate) == []  # the other invitation was withdrawn
    db.session.refresh(second)
    assert second.size == 1


def test_only_the_invited_person_may_answer(team_event, people) -> None:  # type: ignore[no-untyped-def]
    captain, mate, stranger = people(3)
    team = service.register_team(
        team_event, captain, service.TeamEntry("丙", (mate.id,)), by=captain, now=OPEN
    )
    (invitation,) = service.invitations_of(team)
    for who in (stranger, captain):
        with pytest.raises(NotFound):
            service.accept_invitation(invitation.id, by=who, now=OPEN)
    with pytest.raises(NotFound):
        service.decline_invitation(invitation.id, by=stranger, now=OPEN)


def test_declining_or_leaving_gives_the_place_to_the_waiting_list(
    make_open_event,
    people,
) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(registration_mode="team", capacity=3, roster_max=3)
    captain, mate, other, waiting_captain = people(4)
    team = service.register_team(
        event, captain, service.TeamEntry("丁", (mate.id, other.id)), by=captain, now=OPEN
    )
    queued = service.register_team(
        event, waiting_captain, service.TeamEntry("戊", ()), by=waiting_captain, now=OPEN
    )
    assert (team.size, queued.status) == (3, "waiting")
    first, second = service.invitations_of(team)
    service.accept_invitation(first.id, by=mate, now=OPEN)
    promoted = service.decline_invitation(second.id, by=other, now=OPEN)
    assert promoted == [queued] and queued.status == "confirmed" and team.size == 2
    with pytest.raises(NotFound):
        service.accept_invitation(second.id, by=other, now=OPEN)  # answered already
    service.leave_team(team, by=mate, now=OPEN)
    assert [m.user_id for m in team.members] == [captain.id] and team.size == 1
    kinds = db.session.scalars(
        select(Notice.kind).where(Notice.user_id == captain.id).order_by(Notice.id)
    ).all()
    assert kinds == ["team_changed", "team_changed"]


def test_a_pending_invitation_does_not_block_registering_alone(
    make_open_event,
    people,
) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(registration_mode="team", roster_max=2)
    captain, mate = people(2)
    service.register_team(event, captain, service.TeamEntry("己", (mate.id,)), by=captain, now=OPEN)
    alone = service.register_team(event, mate, service.TeamEntry("单人", ()), by=mate, now=OPEN)
    assert alone.status == "confirmed"


# ---- 14.1: a cancelled event reads cancelled --------------------------------------------------


def test_cancelling_an_event_tells_every_registrant_and_keeps_their_registrations(
    make_open_event,
    people,
) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(capacity=1)
    first, second = people(2)
    _fill(event, [first, second])
    organizer = db.session.get(User, event.organizer_id)
    event_service.set_status(
        event, "cancelled", actor=organizer, reason="礼堂维修", now=OPEN + timedelta(days=2)
    )
    db.session.commit()
    assert (event.cancel_reason, event.cancelled_at) == ("礼堂维修", OPEN + timedelta(days=2))
    assert _statuses(event) == ["confirmed", "waiting"]  # kept: the display derives
    regs = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    assert [r.shown_status for r in regs] == ["event_cancelled", "event_cancelled"]
    told = db.session.scalars(select(Notice.user_id).where(Notice.kind == "event_cancelled"))
    assert sorted(told) == sorted([first.id, second.id])
