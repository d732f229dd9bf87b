"""Concurrent bookings of one room: exactly one wins, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from eventsys.errors import Clash
from eventsys.extensions import db
from eventsys.models import Occurrence, User
from eventsys.services import events
from tests.conftest import at
from tests.services.racing import race

WORKERS = 8


def test_concurrent_requests_for_one_room_book_it_exactly_once(
    app: Flask, make_user: Callable[..., int], make_venue: Callable[..., int]
) -> None:
    venue = make_venue()
    organizers = [make_user(roles=("organizer",)) for _ in range(WORKERS)]

    def book(index: int, barrier: threading.Barrier) -> None:
        organizer = db.session.get(User, organizers[index])
        db.session.commit()  # end the read so that every worker starts its write together
        barrier.wait()
        # Each worker wants a slightly different, overlapping two hours.
        start = at(10, 9) + timedelta(minutes=5 * index)
        data = events.EventData(
            kind="activity",
            title=f"活动{index}",
            venue_id=venue,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
        events.create_event(data, organizer=organizer)

    outcomes = list(
        race(app, WORKERS, book, done="booked", refused=Clash, refusal=lambda _e: "clash").values()
    )
    assert sorted(outcomes) == ["booked"] + ["clash"] * (WORKERS - 1), outcomes
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Occurrence)) == 1
