"""Aggregate versions (eventsys.versions): raised once per transaction that changes the
aggregate, not at all when it rolls back, told to listeners after the commit only."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from datetime import date

import pytest
from flask import Flask

from eventsys import versions
from eventsys.extensions import db
from eventsys.models import Venue
from tests.services.racing import in_threads


@pytest.fixture
def heard() -> Iterator[list[dict[str, int]]]:
    calls: list[dict[str, int]] = []

    def listener(values: Mapping[str, int]) -> None:
        calls.append(dict(values))

    versions.on_commit(listener)
    yield calls
    versions._on_commit.remove(listener)


def test_a_touched_key_goes_up_by_one_per_committed_transaction(ctx: Flask, heard: list) -> None:
    assert versions.read(db.session, ["contest:1"]) == {"contest:1": 0}
    versions.touch(db.session, "contest:1", "contest:1")
    db.session.commit()
    versions.touch(db.session, "contest:1", versions.PROGRAMME)
    db.session.commit()
    assert versions.read(db.session, ["contest:1", "contest:2", "programme"]) == {
        "contest:1": 2,
        "contest:2": 0,
        "programme": 1,
    }
    assert heard == [{"contest:1": 1}, {"contest:1": 2, "programme": 1}]


def test_a_rolled_back_transaction_raises_nothing_and_tells_nobody(ctx: Flask, heard: list) -> None:
    versions.touch(db.session, "contest:7")
    db.session.rollback()
    db.session.commit()
    assert versions.read(db.session, ["contest:7"]) == {"contest:7": 0}
    assert heard == []


def test_a_flushed_row_raises_the_keys_its_model_names(
    ctx: Flask, heard: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        Venue,
        "version_keys",
        lambda self: [versions.venue_week(self.id, date(2026, 12, 3))],
        raising=False,
    )
    venue = Venue(name="多功能厅", kind="hall")
    db.session.add(venue)
    db.session.commit()
    key = versions.venue_week(venue.id, date(2026, 12, 3))
    assert key == f"venue:{venue.id}:2026-W49"
    venue.name = "多功能厅"  # unchanged: not a change
    db.session.commit()
    assert versions.read(db.session, [key]) == {key: 1}
    venue.name = "小剧场"
    db.session.commit()
    db.session.delete(venue)
    db.session.commit()
    assert versions.read(db.session, [key]) == {key: 3}
    assert [call[key] for call in heard] == [1, 2, 3]


def test_writers_at_once_lose_no_raise(app: Flask) -> None:
    rounds, writers = 15, 3
    problems: list[BaseException] = []
    start = threading.Barrier(writers)

    def write() -> None:
        try:
            with app.app_context():
                start.wait()
                for _ in range(rounds):
                    versions.touch(db.session, "tournament:1", "programme")
                    for attempt in range(50):
                        try:
                            db.session.commit()
                            break
                        except Exception:  # SQLite: database is locked, try again
                            db.session.rollback()
                            versions.touch(db.session, "tournament:1", "programme")
                            if attempt == 49:
                                raise
        except BaseException as error:
            problems.append(error)

    in_threads(write, writers)
    assert problems == []
    with app.app_context():
        assert versions.read(db.session, ["tournament:1", "programme"]) == {
            "programme": rounds * writers,
            "tournament:1": rounds * writers,
        }


def test_a_refresher_sees_the_touched_keys_once_and_its_own_writes_are_raised_too(
    ctx: Flask,
) -> None:
    seen: list[frozenset[str]] = []

    def refresher(session: object, keys: frozenset[str]) -> None:
        seen.append(keys)
        if "contest:3" in keys:
            versions.touch(db.session, "contest:3:standings")

    versions.before_bump(refresher)
    try:
        versions.touch(db.session, "contest:3")
        db.session.commit()
    finally:
        versions._before_bump.remove(refresher)
    assert seen == [frozenset({"contest:3"}), frozenset({"contest:3:standings"})]
    assert versions.read(db.session, ["contest:3", "contest:3:standings"]) == {
        "contest:3": 1,
        "contest:3:standings": 1,
    }


def test_a_savepoint_released_inside_a_transaction_raises_and_tells_only_at_the_commit(
    ctx: Flask, heard: list
) -> None:
    """A service's savepoint (begin_nested) is not the commit: a listener told at its release
    would read the old data (the streams then missed the change), and the key went up twice."""
    with db.session.begin_nested():
        versions.touch(db.session, "contest:5")
    assert heard == []
    assert versions.read(db.session, ["contest:5"]) == {"contest:5": 0}
    db.session.commit()
    assert heard == [{"contest:5": 1}]
    assert versions.read(db.session, ["contest:5"]) == {"contest:5": 1}


def test_keys_touched_inside_a_savepoint_are_raised_once_at_the_commit(
    ctx: Flask, heard: list
) -> None:
    # SQLAlchemy tells before_commit for a released savepoint too: the counters must wait for
    # the transaction itself, and be raised once however many savepoints it released.
    for _ in range(2):
        savepoint = db.session.begin_nested()
        versions.touch(db.session, "tournament:4")
        savepoint.commit()
    assert versions.read(db.session, ["tournament:4"]) == {"tournament:4": 0}
    assert "tournament:4" in versions.pending(db.session)
    db.session.commit()
    assert versions.read(db.session, ["tournament:4"]) == {"tournament:4": 1}
    assert heard == [{"tournament:4": 1}]
    assert versions.pending(db.session) == frozenset()
