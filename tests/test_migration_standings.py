"""Migration 0008r: a database with contests gets their stored results on `flask db upgrade`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, func, select

from eventsys.extensions import db
from eventsys.models import Registration, User, Venue
from eventsys.models.contests import Contest, ContestOutcome, ContestStanding
from eventsys.services import accounts, contests, events, judging, results
from tests.conftest import at, make_app

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(f"sqlite:///{tmp_path}/standings.sqlite3", str(tmp_path))
    yield app
    with app.app_context():
        db.engine.dispose()


def _scored_contest() -> int:
    def person(login: str, *roles: str) -> User:
        return accounts.create_user(
            accounts.NewUser(name=login, login=login, password="pw-123456789", roles=roles),
            actor=None,
        )

    organizer, judge = person("organiser", "organizer"), person("judge", "judge")
    venue = Venue(name="礼堂", capacity=100, kind="hall")
    db.session.add(venue)
    db.session.flush()
    start = at(3, 14)
    event = events.create_event(
        events.EventData("poetry_contest", "诗词大赛", venue.id, start, start + timedelta(hours=2)),
        organizer=organizer,
    )
    entries = [
        Registration(
            event_id=event.id,
            kind="individual",
            captain_id=organizer.id,
            status="confirmed",
            size=1,
        )
        for _ in range(2)
    ]
    db.session.add_all(entries)
    contest = contests.set_up_contest(
        event,
        contests.ContestSettings(criteria=(contests.CriterionData("立意", Decimal(10)),)),
        actor=organizer,
    )
    contests.appoint_panel(contest, [judge.id], actor=organizer)
    db.session.commit()
    for entry, mark in zip(entries, ("8", "9"), strict=True):
        criterion = contest.criteria[0]
        judging.save_sheet(contest, judge, entry, {criterion.id: mark}, version=0, submit=True)
    contest_id: int = contest.id
    db.session.commit()
    return contest_id


def test_upgrade_stores_the_results_of_existing_contests(sqlite_app: Flask) -> None:
    with sqlite_app.app_context():
        upgrade(directory=MIGRATIONS, revision="heads")
        contest_id = _scored_contest()
        db.session.remove()  # the migration needs the database to itself
        # As a database from before 0008r: no stored results.
        downgrade(directory=MIGRATIONS, revision="0008v")
        upgrade(directory=MIGRATIONS, revision="heads")
        db.session.expire_all()
        assert db.session.get(ContestOutcome, contest_id) is not None
        places = db.session.execute(
            select(ContestStanding.registration_id, ContestStanding.place).order_by(
                ContestStanding.place
            )
        ).all()
        assert [place for _entry, place in places] == [1, 2]
        contest = db.session.get(Contest, contest_id)
        assert [r.place for r in results.ordered(results.stored(contest))] == [1, 2]


def test_a_contest_without_stored_rows_is_computed_on_reading_and_nothing_is_written(
    sqlite_app: Flask,
) -> None:
    with sqlite_app.app_context():
        upgrade(directory=MIGRATIONS, revision="heads")
        contest_id = _scored_contest()
        db.session.execute(delete(ContestStanding))
        db.session.execute(delete(ContestOutcome))
        db.session.commit()
        contest = db.session.get(Contest, contest_id)
        assert [r.place for r in results.ordered(results.stored(contest))] == [1, 2]
        assert db.session.scalar(select(func.count()).select_from(ContestStanding)) == 0
