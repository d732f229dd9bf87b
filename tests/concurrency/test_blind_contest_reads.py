"""Registrations for a blind contest arrive while the hall's scoreboard and the judge's list
are read, under gunicorn: no request fails (GETs used to write blind codes and met
"database is locked" on SQLite), and every entry has its code when the burst is over."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from eventsys.extensions import db
from eventsys.models import Registration, Venue
from eventsys.services import accounts, contests
from eventsys.services import events as event_service
from eventsys.timeutil import utcnow
from tests.concurrency.harness import Browser, all_at_once, database, serving
from tests.conftest import PASSWORD, make_app

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 60
READS = 60

pytestmark = pytest.mark.slow


@dataclass
class World:
    app: Flask
    base: str
    event_id: int
    contest_id: int
    logins: list[str]


def _seed(app: Flask) -> tuple[int, int, list[str]]:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")

        def person(name: str, login: str, *roles: str) -> accounts.User:
            return accounts.create_user(
                accounts.NewUser(
                    name=name, login=login, password=PASSWORD, roles=roles or ("participant",)
                ),
                actor=None,
            )

        organizer = person("组织者", "organizer", "organizer")
        judge = person("评委", "judge", "judge")
        logins = [person(f"诗人{n:03d}", f"p{n:03d}").login for n in range(PEOPLE)]
        venue = Venue(name="多功能厅", kind="hall", capacity=300)
        db.session.add(venue)
        db.session.flush()
        start = utcnow() + timedelta(days=7)
        event = event_service.create_event(
            event_service.EventData(
                kind="poetry_contest",
                title="重阳诗会",
                venue_id=venue.id,
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                registration_opens_at=utcnow() - timedelta(hours=1),
                registration_mode="individual",
            ),
            organizer=organizer,
        )
        event_service.set_status(event, "published", actor=organizer)
        contest = contests.set_up_contest(
            event,
            contests.ContestSettings(
                criteria=(contests.CriterionData("立意", Decimal(50)),), blind=True
            ),
            actor=organizer,
        )
        contests.appoint_panel(contest, [judge.id], actor=organizer)
        db.session.commit()
        return event.id, contest.id, logins


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    url, drop = database(request.param, tmp_path)
    app = make_app(url, str(tmp_path))
    event_id, contest_id, logins = _seed(app)
    with serving(app, url, drop, workers=4) as server:
        yield World(app, server.base, event_id, contest_id, logins)


def test_registrations_and_scoreboard_reads_at_once_never_fail(world: World) -> None:
    members = [Browser(world.base) for _ in world.logins]
    for browser, login in zip(members, world.logins, strict=True):
        browser.sign_in(login)
    judge = Browser(world.base)
    judge.sign_in("judge")
    path = f"/events/{world.event_id}/register"
    tokens = [b.token(path) for b in members]
    # Public readers carry no cookie: each must be a fresh request, not a page kept by the
    # browser; the judge's list is never kept.
    jobs = [
        lambda b=b, t=t: b.post(path, {"csrf_token": t})[0]
        for b, t in zip(members, tokens, strict=True)
    ]
    for n in range(READS):
        if n % 2:
            jobs.append(lambda: judge.get(f"/judging/{world.contest_id}")[0])
        else:
            jobs.append(
                lambda n=n: Browser(world.base).get(
                    f"/contests/{world.contest_id}/scoreboard?n={n}"
                )[0]
            )
    statuses, _seconds = all_at_once(jobs)
    assert statuses == [200] * len(jobs), sorted(set(statuses))
    with world.app.app_context():
        codes = db.session.scalars(
            select(Registration.blind_code).where(Registration.event_id == world.event_id)
        ).all()
        assert len(codes) == PEOPLE and all(codes) and len(set(codes)) == PEOPLE
