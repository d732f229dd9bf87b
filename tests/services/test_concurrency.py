"""Concurrent bookings of one room: exactly one wins, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from eventsys.database import write_intent
from eventsys.errors import Clash
from eventsys.extensions import db
from eventsys.models import Occurrence, User
from eventsys.services import events
from tests.conftest import at

WORKERS = 8


def test_concurrent_requests_for_one_room_book_it_exactly_once(
    app: Flask, make_user: Callable[..., int], make_venue: Callable[..., int]
) -> None:
    venue = make_venue()
    organizers = [make_user(roles=("organizer",)) for _ in range(WORKERS)]
    barrier = threading.Barrier(WORKERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(index: int) -> None:
        write_intent.set(True)
        with app.app_context():
            organizer = db.session.get(User, organizers[index])
            db.session.commit()  # end the read so that every worker starts its write together
            barrier.wait()
            # Each worker wants a slightly different, overlapping two hours.
            start = at(10, 9) + timedelta(minutes=5 * index)
            try:
                events.create_event(
                    events.EventData(
                        kind="activity",
                        title=f"活动{index}",
                        venue_id=venue,
                        starts_at=start,
                        ends_at=start + timedelta(hours=2),
                    ),
                    organizer=organizer,
                )
                db.session.commit()
                result = "booked"
            except Clash:
                db.session.rollback()
                result = "clash"
            except Exception as error:
                db.session.rollback()
                result = f"error: {type(error).__name__}: {error}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=book, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["booked"] + ["clash"] * (WORKERS - 1), outcomes
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Occurrence)) == 1
