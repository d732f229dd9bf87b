"""`flask backup` and `flask restore` on SQLite and PostgreSQL.

Each test gets a database of its own (a restore replaces every table): data made through the
services, a backup, changes, a restore, and exactly the original data back. Files that are not
eventsys backups are refused with a clear message and change nothing."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from eventsys.extensions import db
from eventsys.models import AuditRecord, Event, Occurrence, User, Venue
from eventsys.services import accounts, places
from eventsys.timeutil import utcnow
from tests.conftest import PASSWORD, create_postgresql_database, make_app
from tests.factories import new_event

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    from flask_migrate import upgrade

    instance = tmp_path / "instance"
    instance.mkdir()
    if request.param == "sqlite":
        url, drop = f"sqlite:///{instance}/live.sqlite3", (lambda: None)
    else:
        url, drop = create_postgresql_database()
    app = make_app(url, str(instance))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        _seed()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop()


def _seed() -> None:
    organizer = accounts.create_user(
        accounts.NewUser(
            name="王秀英", login="wangxy", password=PASSWORD, roles=("organizer", "participant")
        ),
        actor=None,
    )
    venue = places.save_venue(
        places.VenueData(name="多功能厅", kind="hall", capacity=120), actor=organizer
    )
    start = (utcnow() + timedelta(days=10)).replace(microsecond=0)
    new_event(
        organizer,
        venue.id,
        "activity",
        "金秋艺术团排练",
        start,
        2,
        weekdays=(start.weekday(),),
        repeat_until=(start + timedelta(days=21)).date(),
        capacity=30,
    )
    db.session.commit()


def _snapshot(app: Flask) -> dict[str, Any]:
    with app.app_context():
        db.session.remove()
        result = {
            "counts": {
                model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                for model in (User, Venue, Event, Occurrence, AuditRecord)
            },
            "users": db.session.execute(
                select(User.id, User.login, User.name).order_by(User.id)
            ).all(),
            "venues": db.session.execute(
                select(Venue.id, Venue.name, Venue.capacity).order_by(Venue.id)
            ).all(),
            "events": db.session.execute(
                select(Event.id, Event.title, Event.status, Event.capacity, Event.starts_at)
            ).all(),
            "occurrences": db.session.execute(
                select(Occurrence.id, Occurrence.starts_at).order_by(Occurrence.id)
            ).all(),
            "audit": db.session.execute(
                select(AuditRecord.id, AuditRecord.action).order_by(AuditRecord.id)
            ).all(),
        }
        db.session.remove()
    return result


def _change_everything(app: Flask) -> None:
    with app.app_context():
        organizer = db.session.scalars(select(User).where(User.login == "wangxy")).one()
        accounts.create_user(
            accounts.NewUser(name="李建国", login="lijg", password=PASSWORD), actor=organizer
        )
        event = db.session.scalars(select(Event)).one()
        event.title = "改过的标题"
        db.session.execute(text("DELETE FROM audit_record"))
        db.session.execute(text("UPDATE venue SET capacity = 7"))
        db.session.commit()
        db.session.remove()


def _cli(app: Flask, *args: str, **kwargs: Any) -> Any:
    return app.test_cli_runner().invoke(args=list(args), **kwargs)


def test_backup_then_restore_brings_back_exactly_the_data(fresh_app: Flask, tmp_path: Path) -> None:
    original = _snapshot(fresh_app)
    assert original["counts"]["user_account"] == 1 and original["counts"]["occurrence"] == 4
    path = tmp_path / "eventsys.backup"

    result = _cli(fresh_app, "backup", str(path))
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output and path.stat().st_size > 0

    _change_everything(fresh_app)
    changed = _snapshot(fresh_app)
    assert changed["counts"]["user_account"] == 2 and changed["counts"]["audit_record"] == 0

    # Without --yes (and no answer) nothing happens.
    refused = _cli(fresh_app, "restore", str(path), input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    assert _snapshot(fresh_app) == changed

    result = _cli(fresh_app, "restore", str(path), "--yes")
    assert result.exit_code == 0, result.output
    assert "Database restored" in result.output
    assert _snapshot(fresh_app) == original

    # The restored database takes writes again, with fresh ids (sequences restored too).
    with fresh_app.app_context():
        user = accounts.create_user(
            accounts.NewUser(name="张和顺", login="zhanghs", password=PASSWORD), actor=None
        )
        db.session.commit()
        assert user.id > max(row.id for row in original["users"])
        db.session.remove()


def _not_backups(tmp_path: Path, good: Path) -> dict[str, Path]:
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(os.urandom(4096))
    truncated = tmp_path / "truncated.backup"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    foreign = tmp_path / "foreign.sqlite3"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    connection.commit()
    connection.close()
    empty = tmp_path / "empty.backup"
    empty.write_bytes(b"")
    return {
        "garbage": garbage,
        "truncated": truncated,
        "foreign": foreign,
        "empty": empty,
        "missing": tmp_path / "missing.backup",
    }


def test_files_that_are_not_backups_are_refused(fresh_app: Flask, tmp_path: Path) -> None:
    good = tmp_path / "good.backup"
    assert _cli(fresh_app, "backup", str(good)).exit_code == 0
    _change_everything(fresh_app)
    before = _snapshot(fresh_app)
    for name, path in _not_backups(tmp_path, good).items():
        result = _cli(fresh_app, "restore", str(path), "--yes")
        assert result.exit_code == 1, (name, result.output)
        assert "Error:" in result.output, (name, result.output)
        assert "Traceback" not in result.output, (name, result.output)
        assert "Refused" in result.output and "Nothing was changed" in result.output, (
            name,
            result.output,
        )
        assert _snapshot(fresh_app) == before, name


@pytest.mark.parametrize("fresh_app", ["sqlite"], indirect=True)  # PostgreSQL has no file
def test_backup_refuses_to_overwrite_the_live_database(fresh_app: Flask) -> None:
    url = fresh_app.config["SQLALCHEMY_DATABASE_URI"]
    before = _snapshot(fresh_app)
    result = _cli(fresh_app, "backup", url.removeprefix("sqlite:///"))
    assert result.exit_code == 1 and "over the database itself" in result.output
    assert _snapshot(fresh_app) == before


@pytest.mark.parametrize("fresh_app", ["postgresql"], indirect=True)
def test_missing_pg_dump_is_a_clear_error(
    fresh_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = _cli(fresh_app, "backup", str(tmp_path / "x.backup"))
    assert result.exit_code == 1
    assert "pg_dump was not found" in result.output and "postgresql-client" in result.output
    assert not (tmp_path / "x.backup").exists()


def test_libpq_form_of_a_psycopg_url() -> None:
    from sqlalchemy.engine import make_url

    from eventsys.backup import _libpq

    dsn, env = _libpq(make_url("postgresql+psycopg://ev:s3cret@db.example:6543/eventsys"))
    assert dsn == "postgresql://ev@db.example:6543/eventsys"
    assert env["PGPASSWORD"] == "s3cret"
