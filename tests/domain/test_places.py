"""Places: the registration window, places taken and left, the waiting list and promotion."""

from __future__ import annotations

from datetime import datetime

import pytest

from eventsys.domain.places import (
    Decision,
    Entry,
    Rules,
    Window,
    decide,
    is_open,
    places_left,
    places_taken,
    queue_position,
    refusal,
)

OPENS = datetime(2026, 12, 1, 1, 0)
CLOSES = datetime(2026, 12, 5, 1, 0)
STARTS = datetime(2026, 12, 10, 1, 0)
WINDOW = Window("published", "individual", STARTS, opens_at=OPENS, closes_at=CLOSES)


def c(rid: int, size: int = 1) -> Entry:
    return Entry(rid, size, "confirmed")


def p(rid: int, size: int = 1) -> Entry:
    return Entry(rid, size, "pending")


def w(rid: int, size: int = 1) -> Entry:
    return Entry(rid, size, "waiting")


# ---- the registration window --------------------------------------------------------------------


def test_the_window_is_open_from_its_opening_up_to_but_not_at_its_close() -> None:
    assert not is_open(WINDOW, now=datetime(2026, 12, 1, 0, 59, 59))
    assert is_open(WINDOW, now=OPENS)
    assert is_open(WINDOW, now=datetime(2026, 12, 5, 0, 59, 59))
    assert not is_open(WINDOW, now=CLOSES)
    assert refusal(WINDOW, datetime(2026, 11, 30, 23, 0)) == "not_open_yet"
    assert refusal(WINDOW, CLOSES) == "closed"


def test_without_a_closing_time_registration_closes_when_the_event_starts() -> None:
    window = Window("published", "team", STARTS)
    assert window.closes == STARTS
    assert is_open(window, now=datetime(2026, 1, 1))  # no opening time: open at once
    assert is_open(window, now=datetime(2026, 12, 10, 0, 59))
    assert not is_open(window, now=STARTS)


@pytest.mark.parametrize(
    ("status", "mode", "member", "staff"),
    [
        ("cancelled", "individual", "cancelled", "cancelled"),
        ("draft", "individual", "hidden", "unpublished"),
        ("published", "none", "no_registration", "no_registration"),
        ("cancelled", "none", "cancelled", "cancelled"),  # cancelled is said first
    ],
)
def test_a_dead_event_refuses_members_and_staff_alike(
    status: str, mode: str, member: str, staff: str
) -> None:
    window = Window(status, mode, STARTS, opens_at=OPENS, closes_at=CLOSES)
    assert refusal(window, OPENS) == member
    assert refusal(window, OPENS, staff=True) == staff


def test_staff_register_a_member_who_phoned_outside_the_dates() -> None:
    assert refusal(WINDOW, datetime(2026, 11, 1), staff=True) is None
    assert refusal(WINDOW, STARTS, staff=True) is None
    assert refusal(WINDOW, datetime(2026, 11, 1)) == "not_open_yet"


# ---- places taken and left ----------------------------------------------------------------------


def test_places_count_people_or_entries_as_the_event_says() -> None:
    entries = [c(1, 4), p(2, 2), w(3, 5)]  # a team of 4, a pair awaiting approval, 5 waiting
    assert places_taken(Rules(10, "people"), entries) == 6
    assert places_taken(Rules(10, "entries"), entries) == 2
    assert places_left(Rules(10, "people"), entries) == 4
    assert places_left(Rules(10, "entries"), entries) == 8


def test_an_event_without_a_limit_has_no_places_left_to_count() -> None:
    assert places_left(Rules(None), [c(1, 30)]) is None


def test_places_left_never_go_below_zero_when_the_capacity_is_lowered() -> None:
    assert places_left(Rules(2), [c(1), c(2), c(3)]) == 0


def test_registrations_awaiting_approval_hold_their_place() -> None:
    rules = Rules(1, requires_approval=True)
    assert decide(rules, [], 1) == Decision((), "pending", "pending")
    assert decide(rules, [p(1)], 1) == Decision((), "pending", "waiting")


# ---- a newcomer ---------------------------------------------------------------------------------


def test_a_newcomer_is_confirmed_while_places_are_left_then_waits() -> None:
    rules = Rules(2)
    assert decide(rules, [], 1).status == "confirmed"
    assert decide(rules, [c(1)], 1).status == "confirmed"
    assert decide(rules, [c(1), c(2)], 1).status == "waiting"
    assert decide(Rules(None), [c(i) for i in range(1, 500)], 1).status == "confirmed"


def test_a_team_larger_than_the_places_left_waits_and_a_smaller_later_one_is_placed() -> None:
    rules = Rules(6, "people")
    held = [c(1, 4)]  # 2 places left
    assert decide(rules, held, 5).status == "waiting"
    # The team of 5 waits; a team of 1 entered after it fits and is placed at once.
    assert decide(rules, [*held, w(2, 5)], 1) == Decision((), "confirmed", "confirmed")
    # Counting entries, the same team of 5 takes one place and is confirmed.
    assert decide(Rules(6, "entries"), held, 5).status == "confirmed"


def test_places_freed_go_to_those_waiting_before_the_newcomer() -> None:
    # The capacity was raised from 1 to 2 behind the app's back: the waiting one moves up first.
    assert decide(Rules(2), [c(1), w(2)], 1) == Decision((2,), "confirmed", "waiting")


# ---- promotion ----------------------------------------------------------------------------------


def test_the_waiting_move_up_in_order_of_id_not_of_the_list_given() -> None:
    entries = [w(9), c(1), w(4), w(7)]
    assert decide(Rules(2), entries).promoted == (4,)
    assert decide(Rules(3), entries).promoted == (4, 7)


def test_nobody_moves_up_while_no_place_is_free() -> None:
    assert decide(Rules(1), [c(1), w(2)]) == Decision((), "confirmed", None)
    assert decide(Rules(1), [c(1, 3), w(2)]).promoted == ()  # over capacity


def test_the_first_waiting_entry_that_fits_moves_up_and_the_big_team_keeps_waiting() -> None:
    # 6 places counting people: a team of 4 holds 4; a team of 5 waits, then a team of 1.
    entries = [c(1, 4), w(2, 5), w(3, 1), w(4, 2)]
    assert decide(Rules(6), entries).promoted == (3,)  # 1 fits, then 1 place is left for 2
    assert decide(Rules(7), entries).promoted == (3, 4)
    assert decide(Rules(9), entries).promoted == (2,)  # 5 fit exactly: nothing is left after
    assert decide(Rules(10), entries).promoted == (2, 3)


def test_raising_the_capacity_promotes_several_in_order() -> None:
    entries = [c(1), c(2), c(3), c(4), c(5), w(6), w(7), w(8)]
    assert decide(Rules(5), entries).promoted == ()
    assert decide(Rules(7), entries).promoted == (6, 7)
    assert decide(Rules(8), entries).promoted == (6, 7, 8)


def test_removing_the_limit_promotes_everyone_who_waits() -> None:
    entries = [c(1), c(2), w(3, 5), w(4)]
    assert decide(Rules(None), entries).promoted == (3, 4)


def test_with_approval_the_promoted_await_an_organizer() -> None:
    decision = decide(Rules(2, requires_approval=True), [p(1), w(2), w(3)])
    assert decision == Decision((2,), "pending", None)


def test_counting_entries_a_whole_team_moves_up_into_one_place() -> None:
    entries = [c(1, 5), w(2, 6), w(3, 2)]
    assert decide(Rules(2, "entries"), entries).promoted == (2,)
    assert decide(Rules(2, "people"), entries).promoted == ()


def test_the_queue_position_counts_the_waiting_ahead_by_id() -> None:
    entries = [w(9), c(1), w(4), p(2), w(7)]
    assert [queue_position(entries, rid) for rid in (4, 7, 9)] == [1, 2, 3]
    assert queue_position(entries, 1) is None  # holds a place: not in the queue
