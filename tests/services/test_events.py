"""Booking rooms: clashes refused, recurrence, skipped and moved sittings, cancellation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from eventsys.errors import Clash, EventsysError, NotFound
from eventsys.extensions import db
from eventsys.models import AuditRecord, Event, Occurrence, User
from eventsys.services import events
from tests.conftest import at


def data(venue_id: int, start, hours: float = 2, **kwargs) -> events.EventData:  # type: ignore[no-untyped-def]
    return events.EventData(
        kind=kwargs.pop("kind", "activity"),
        title=kwargs.pop("title", "新活动"),
        venue_id=venue_id,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        **kwargs,
    )


def test_an_overlapping_booking_is_refused_with_the_clashing_event_and_its_time(
    ctx: Flask, make_event: Callable[..., int], make_venue: Callable[..., int], organizer: User
) -> None:
    venue = make_venue(name="舞蹈排练室")
    make_event(venue_id=venue, start=at(3, 14), title="金秋艺术团排练")
    with pytest.raises(Clash) as refusal:
        events.create_event(data(venue, at(3, 15)), organizer=organizer)
    message = str(refusal.value)
    assert "金秋艺术团排练" in message and "舞蹈排练室" in message and "14:00" in message
    assert db.session.scalar(select(Event).where(Event.title == "新活动")) is None


def test_back_to_back_bookings_of_one_room_are_accepted(
    make_event: Callable[..., int], venue: int, organizer: User
) -> None:
    make_event(venue_id=venue, start=at(3, 14), hours=2)
    event = events.create_event(data(venue, at(3, 16)), organizer=organizer)
    assert event.id is not None


def test_the_same_time_in_another_room_is_fine(
    ctx: Flask, make_event: Callable[..., int], make_venue: Callable[..., int], organizer: User
) -> None:
    make_event(venue_id=make_venue(), start=at(3, 14))
    assert events.create_event(data(make_venue(), at(3, 14)), organizer=organizer).id


def test_a_weekly_activity_clashes_with_a_one_off_event_in_a_later_week(
    make_event: Callable[..., int], venue: int, organizer: User
) -> None:
    make_event(venue_id=venue, start=at(17, 9, 30), title="形势报告会")  # a Thursday
    with pytest.raises(Clash, match="形势报告会"):
        events.create_event(
            data(venue, at(1, 9), weekdays=(1, 3), repeat_until=date(2026, 12, 31)),
            organizer=organizer,
        )


def test_a_weekly_activity_books_every_sitting(
    ctx: Flask, make_venue: Callable[..., int], organizer: User
) -> None:
    event = events.create_event(
        data(make_venue(), at(1, 9), weekdays=(1, 3), repeat_until=date(2026, 12, 17)),
        organizer=organizer,
    )
    assert [o.starts_at.astimezone(at(1, 0).tzinfo).day for o in event.occurrences] == [
        1,
        3,
        8,
        10,
        15,
        17,
    ]


def test_a_skipped_sitting_frees_the_room_and_restoring_it_checks_again(
    venue: int, organizer: User
) -> None:
    weekly = events.create_event(
        data(venue, at(1, 9), weekdays=(1,), repeat_until=date(2026, 12, 15)), organizer=organizer
    )
    second = weekly.occurrences[1]
    events.skip_occurrence(second, True, actor=organizer)
    guest = events.create_event(data(venue, at(8, 9), title="健康义诊"), organizer=organizer)
    assert guest.id
    with pytest.raises(Clash, match="健康义诊"):
        events.skip_occurrence(second, False, actor=organizer)


def test_moving_a_sitting_keeps_its_original_start_and_refuses_a_clash(
    venue: int, organizer: User
) -> None:
    weekly = events.create_event(
        data(venue, at(1, 9), weekdays=(1,), repeat_until=date(2026, 12, 15)), organizer=organizer
    )
    events.create_event(data(venue, at(9, 9), title="摄影讲座"), organizer=organizer)
    sitting = weekly.occurrences[1]
    with pytest.raises(Clash, match="摄影讲座"):
        events.move_occurrence(sitting, at(9, 10), at(9, 12), actor=organizer)
    events.move_occurrence(sitting, at(9, 14), at(9, 16), actor=organizer)
    assert sitting.moved and sitting.original_start == at(8, 9)
    assert weekly.sequence == 1  # the refused move changed nothing; the accepted one counts once


def test_cancelling_an_event_frees_its_room_and_raises_its_sequence(
    make_event: Callable[..., int], venue: int, organizer: User
) -> None:
    event = db.session.get(Event, make_event(venue_id=venue, start=at(3, 14)))
    sequence = event.sequence
    events.set_status(event, "cancelled", actor=organizer)
    assert event.sequence == sequence + 1
    assert events.create_event(data(venue, at(3, 14)), organizer=organizer).id
    with pytest.raises(EventsysError):
        events.set_status(event, "published", actor=organizer)


def test_changing_the_time_rebooks_and_ignores_the_event_itself(
    make_event: Callable[..., int], venue: int, organizer: User
) -> None:
    event = db.session.get(Event, make_event(venue_id=venue, start=at(3, 14)))
    events.update_event(event, data(venue, at(3, 15), title=event.title), actor=organizer)
    assert [o.starts_at for o in event.occurrences] == [at(3, 15)]


def test_bad_event_data_is_refused_with_the_field_named(venue: int, organizer: User) -> None:
    cases = [
        (data(venue, at(3, 14), hours=-1), "ends_at"),
        (data(venue, at(3, 14), capacity=-1), "capacity"),
        (data(venue, at(3, 14), kind="party"), "kind"),
        (data(venue, at(3, 14), weekdays=(1,)), "repeat_until"),
        (
            data(
                venue, at(3, 14), registration_opens_at=at(2, 10), registration_closes_at=at(1, 10)
            ),
            "registration_closes_at",
        ),
    ]
    for bad, field in cases:
        with pytest.raises(EventsysError) as refusal:
            events.create_event(bad, organizer=organizer)
        assert refusal.value.field == field
    with pytest.raises(NotFound):
        events.create_event(data(99999, at(3, 14)), organizer=organizer)
    assert db.session.scalar(select(Event.id)) is None


def test_every_change_writes_an_audit_record(
    ctx: Flask, make_venue: Callable[..., int], organizer: User
) -> None:
    event = events.create_event(data(make_venue(), at(3, 14)), organizer=organizer)
    events.set_status(event, "published", actor=organizer)
    actions = db.session.scalars(
        select(AuditRecord.action)
        .where(AuditRecord.object_type == "event")
        .order_by(AuditRecord.id)
    ).all()
    assert actions == ["event.create", "event.published"]


def test_drafts_are_hidden_from_everyone_but_organizers(
    ctx: Flask, make_event: Callable[..., int], make_user: Callable[..., int], organizer: User
) -> None:
    draft = make_event(status="draft")
    participant = db.session.get(User, make_user())
    with pytest.raises(NotFound):
        events.get_event(draft, viewer=None)
    with pytest.raises(NotFound):
        events.get_event(draft, viewer=participant)
    assert events.get_event(draft, viewer=organizer).id == draft


def test_occurrences_table_never_holds_two_blocking_rows_for_one_room_and_time(
    ctx: Flask, make_event: Callable[..., int], venue: int
) -> None:
    make_event(venue_id=venue, start=at(3, 14))
    rows = db.session.scalars(select(Occurrence).where(Occurrence.venue_id == venue)).all()
    assert len(rows) == 1 and rows[0].blocks_venue
