"""Before saving an event: warnings to confirm, and every clashing date of a series (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from flask import Flask

from eventsys.errors import Clash
from eventsys.extensions import db
from eventsys.models import User
from eventsys.services import events
from tests.conftest import at
from tests.services.test_events import data


def _weekly_across_two_talks(make_event: Callable[..., int], venue: int) -> events.EventData:
    """Talks booked on 8 December at 9:30 and 22 December at 8:00; a Tuesday series at 9:00
    through December in the same room (it clashes with both)."""
    make_event(venue_id=venue, start=at(8, 9, 30), title="形势报告会")
    make_event(venue_id=venue, start=at(22, 8), title="健康讲座")
    return data(venue, at(1, 9), weekdays=(1,), repeat_until=date(2026, 12, 29))


NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def test_more_places_than_seats_is_a_warning_only_when_the_places_count_people(ctx: Flask) -> None:
    people = data(1, at(3, 14), capacity=60)
    [warning] = events.booking_warnings(people, seats=40, now=NOW)
    assert "60" in warning and "40" in warning
    assert events.booking_warnings(data(1, at(3, 14), capacity=40), seats=40, now=NOW) == []
    teams = data(1, at(3, 14), capacity=60, capacity_counts="entries")
    assert events.booking_warnings(teams, seats=40, now=NOW) == []


def test_a_start_in_the_past_is_a_warning_unless_an_edit_left_it_where_it_was(ctx: Flask) -> None:
    past = data(1, datetime(2026, 11, 19, 6, tzinfo=UTC))
    assert len(events.booking_warnings(past, seats=None, now=NOW)) == 1
    assert events.booking_warnings(past, seats=None, now=NOW, previous_start=past.starts_at) == []
    assert events.booking_warnings(data(1, at(3, 14)), seats=None, now=NOW) == []


def test_a_series_lists_every_clashing_date_with_what_it_clashes_with(
    make_event: Callable[..., int], venue: int, organizer: User
) -> None:
    weekly = _weekly_across_two_talks(make_event, venue)
    with pytest.raises(events.SeriesClash) as refusal:
        events.create_event(weekly, organizer=organizer)
    assert isinstance(refusal.value, Clash)
    assert [(c.starts_at, c.title) for c in refusal.value.clashes] == [
        (at(8, 9), "形势报告会"),
        (at(22, 9), "健康讲座"),
    ]
    assert refusal.value.clashes[1].other_starts_at == at(22, 8)


def test_skipping_the_clashing_dates_saves_the_series_with_those_sittings_skipped(
    make_event: Callable[..., int], venue: int, organizer: User
) -> None:
    weekly = _weekly_across_two_talks(make_event, venue)
    event = events.create_event(weekly, organizer=organizer, skip_clashes=True)
    state = [(o.starts_at, o.skipped, o.blocks_venue, o.skip_reason) for o in event.occurrences]
    assert state == [
        (at(1, 9), False, True, None),
        (at(8, 9), True, False, events.ROOM_TAKEN),
        (at(15, 9), False, True, None),
        (at(22, 9), True, False, events.ROOM_TAKEN),
        (at(29, 9), False, True, None),
    ]


def test_an_edit_keeps_reasons_of_skipped_days_and_can_skip_new_clashes(
    make_event: Callable[..., int], venue: int, organizer: User
) -> None:
    event = events.create_event(
        data(venue, at(1, 9), weekdays=(1,), repeat_until=date(2026, 12, 15)), organizer=organizer
    )
    events.skip_occurrence(event.occurrences[1], True, actor=organizer, reason="春节")
    make_event(venue_id=venue, start=at(15, 11, 30), title="形势报告会")
    longer = data(venue, at(1, 9), hours=3, weekdays=(1,), repeat_until=date(2026, 12, 15))
    with pytest.raises(events.SeriesClash):
        events.update_event(event, longer, actor=organizer)
    db.session.rollback()
    event = db.session.get(type(event), event.id)
    events.update_event(event, longer, actor=organizer, skip_clashes=True)
    assert [o.skip_reason for o in event.occurrences] == [None, "春节", events.ROOM_TAKEN]


def test_a_one_off_event_still_names_its_clash_and_cannot_be_skipped_away(
    make_event: Callable[..., int], venue: int, organizer: User
) -> None:
    make_event(venue_id=venue, start=at(3, 14), title="金秋艺术团排练")
    with pytest.raises(Clash, match="金秋艺术团排练") as refusal:
        events.create_event(data(venue, at(3, 15)), organizer=organizer, skip_clashes=True)
    assert not isinstance(refusal.value, events.SeriesClash)
