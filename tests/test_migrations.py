"""`flask db upgrade` from empty builds exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from eventsys.extensions import db
from tests.conftest import create_postgresql_database, make_app

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    yield from _empty_app(request.param, tmp_path)


@pytest.fixture
def empty_postgresql_app(tmp_path: Path) -> Iterator[Flask]:
    yield from _empty_app("postgresql", tmp_path)


def _empty_app(backend: str, tmp_path: Path) -> Iterator[Flask]:
    if backend == "sqlite":
        url, drop = f"sqlite:///{tmp_path}/empty.sqlite3", (lambda: None)
    else:
        url, drop = create_postgresql_database()
    app = make_app(url, str(tmp_path))
    yield app
    with app.app_context():
        db.engine.dispose()
    drop()


def _differences(app: Flask) -> list[object]:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, db.metadata))


def test_upgrade_from_empty_matches_the_models_exactly(empty_app: Flask) -> None:
    with empty_app.app_context():
        upgrade(directory=MIGRATIONS, revision="heads")
    assert _differences(empty_app) == []


def test_downgrade_to_empty_and_upgrade_again(empty_app: Flask) -> None:
    with empty_app.app_context():
        upgrade(directory=MIGRATIONS, revision="heads")
        downgrade(directory=MIGRATIONS, revision="base")
        names = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert names == set()
        upgrade(directory=MIGRATIONS, revision="heads")
    assert _differences(empty_app) == []


def test_postgresql_refuses_overlapping_bookings_even_without_the_application(
    empty_postgresql_app: Flask,
) -> None:
    """The exclusion constraint is the last line of defence against double-booked rooms.

    (SQLite has none; there immediate write transactions serialise bookings, see
    tests/services/test_concurrency.py.)"""
    with empty_postgresql_app.app_context():
        upgrade(directory=MIGRATIONS, revision="heads")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO venue (id, name, kind, capacity, location, description, active,"
                    " created_at) VALUES (1, 'hall', 'hall', 10, '', '', true, now())"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO event (id, kind, title, description, venue_id, starts_at, ends_at,"
                    " repeat_weekdays, status, sequence, created_at, updated_at) VALUES"
                    " (1, 'other', 'a', '', 1, '2026-12-01 01:00', '2026-12-01 03:00', '',"
                    " 'draft', 0, now(), now())"
                )
            )
            insert = text(
                "INSERT INTO occurrence (event_id, venue_id, starts_at, ends_at, original_start,"
                " skipped, blocks_venue) VALUES (1, 1, :s, :e, :s, false, :b)"
            )
            connection.execute(
                insert, {"s": "2026-12-01 01:00", "e": "2026-12-01 03:00", "b": True}
            )
            # A skipped sitting does not hold the room...
            connection.execute(
                insert, {"s": "2026-12-01 02:00", "e": "2026-12-01 02:30", "b": False}
            )
            # ...and back-to-back is fine.
            connection.execute(
                insert, {"s": "2026-12-01 03:00", "e": "2026-12-01 04:00", "b": True}
            )
        with (
            pytest.raises(Exception, match="ex_occurrence_no_overlap"),
            db.engine.begin() as connection,
        ):
            connection.execute(
                insert, {"s": "2026-12-01 02:59", "e": "2026-12-01 05:00", "b": True}
            )
