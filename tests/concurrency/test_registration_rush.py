"""The registration rush, for real: gunicorn with several workers, 200 people at once.

Run on SQLite and on PostgreSQL. Exactly the capacity is confirmed, the rest wait in one
consistent order, no request fails with a 5xx, nobody is registered twice; concurrent
cancellations promote exactly the first people in the queue; team entries fill exactly their
slots. The measured outcome is printed and written to bench/out/registration-rush-<db>.json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from eventsys.extensions import db
from eventsys.models import Registration, RegistrationMember, TeamInvitation, User
from eventsys.services import accounts
from eventsys.services import events as event_service
from eventsys.timeutil import utcnow
from tests.concurrency.harness import Browser, all_at_once, database, serving
from tests.conftest import PASSWORD, make_app

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 200
CAPACITY = 50
CANCELLING = 20
TEAMS = 40
TEAM_SLOTS = 16
WORKERS = 4

pytestmark = pytest.mark.slow


@dataclass
class World:
    app: Flask
    base: str
    event_id: int
    team_event_id: int
    logins: list[str]


def _seed(app: Flask) -> tuple[int, int, list[str]]:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        organizer = accounts.create_user(
            accounts.NewUser(
                name="组织者", login="organizer", password=PASSWORD, roles=("organizer",)
            ),
            actor=None,
        )
        logins = []
        for index in range(PEOPLE):
            user = accounts.create_user(
                accounts.NewUser(name=f"会员{index:03d}", login=f"m{index:03d}", password=PASSWORD),
                actor=None,
            )
            logins.append(user.login)
        venue_id = _venue(app)
        start = utcnow() + timedelta(days=7)
        ids = []
        for offset, settings in enumerate(
            (
                {"capacity": CAPACITY, "registration_mode": "individual"},
                {
                    "capacity": TEAM_SLOTS,
                    "registration_mode": "team",
                    "capacity_counts": "entries",
                    "roster_min": 5,
                    "roster_max": 5,
                },
            )
        ):
            event = event_service.create_event(
                event_service.EventData(
                    kind="health_clinic",
                    title=f"健康义诊{offset}",
                    venue_id=venue_id,
                    starts_at=start + timedelta(hours=3 * offset),
                    ends_at=start + timedelta(hours=3 * offset + 2),
                    registration_opens_at=utcnow() - timedelta(hours=1),
                    **settings,
                ),
                organizer=organizer,
            )
            event_service.set_status(event, "published", actor=organizer)
            ids.append(event.id)
        db.session.commit()
        return ids[0], ids[1], logins


def _venue(app: Flask) -> int:
    from eventsys.models import Venue

    venue = Venue(name="多功能厅", kind="hall", capacity=300)
    db.session.add(venue)
    db.session.flush()
    return venue.id


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    url, drop = database(request.param, tmp_path)
    app = make_app(url, str(tmp_path))
    event_id, team_event_id, logins = _seed(app)
    with serving(app, url, drop, workers=WORKERS) as server:
        yield World(app, server.base, event_id, team_event_id, logins)


def _signed_in(world: World, logins: list[str]) -> list[Browser]:
    browsers = [Browser(world.base) for _ in logins]
    jobs = [
        lambda b=b, login=login: (b.sign_in(login), 200)[1]
        for b, login in zip(browsers, logins, strict=True)
    ]
    statuses, _seconds = all_at_once(jobs)
    assert statuses == [200] * len(logins)
    return browsers


def test_two_hundred_people_rush_fifty_places(world: World, request: pytest.FixtureRequest) -> None:
    browsers = _signed_in(world, world.logins)
    path = f"/events/{world.event_id}/register"
    tokens = [b.token(path) for b in browsers]
    statuses, seconds = all_at_once(
        [
            lambda b=b, t=t: b.post(path, {"csrf_token": t})[0]
            for b, t in zip(browsers, tokens, strict=True)
        ]
    )
    assert statuses == [200] * PEOPLE, sorted(set(statuses))

    with world.app.app_context():
        rows = db.session.execute(
            select(User.login, Registration.status, Registration.id)
            .join(Registration, Registration.captain_id == User.id)
            .where(Registration.event_id == world.event_id)
            .order_by(Registration.id)
        ).all()
        assert len(rows) == PEOPLE and len({login for login, _s, _i in rows}) == PEOPLE
        confirmed = [login for login, status, _i in rows if status == "confirmed"]
        waiting = [login for login, status, _i in rows if status == "waiting"]
        assert (len(confirmed), len(waiting)) == (CAPACITY, PEOPLE - CAPACITY)
        # One consistent order: everyone confirmed came before everyone waiting.
        assert [s for _l, s, _i in rows] == ["confirmed"] * CAPACITY + ["waiting"] * (
            PEOPLE - CAPACITY
        )
        reg_ids = {login: reg_id for login, _s, reg_id in rows}

    # Twenty confirmed people cancel at the same moment.
    leaving = confirmed[:CANCELLING]
    by_login = dict(zip(world.logins, browsers, strict=True))
    cancel_jobs = []
    for login in leaving:
        browser = by_login[login]
        token = browser.token(f"/me/registrations/{reg_ids[login]}")
        cancel_jobs.append(
            lambda b=browser, t=token, r=reg_ids[login]: b.post(
                f"/registrations/{r}/cancel", {"csrf_token": t}
            )[0]
        )
    cancel_statuses, cancel_seconds = all_at_once(cancel_jobs)
    assert cancel_statuses == [200] * CANCELLING

    with world.app.app_context():
        now_confirmed = set(
            db.session.scalars(
                select(User.login)
                .join(Registration, Registration.captain_id == User.id)
                .where(Registration.event_id == world.event_id, Registration.status == "confirmed")
            )
        )
        assert now_confirmed == set(confirmed[CANCELLING:]) | set(waiting[:CANCELLING])
        assert (
            db.session.scalar(
                select(func.count()).where(
                    Registration.event_id == world.event_id, Registration.status == "waiting"
                )
            )
            == PEOPLE - CAPACITY - CANCELLING
        )

    # Forty teams of five race for sixteen slots.
    team_path = f"/events/{world.team_event_id}/teams/new"
    captains = browsers[::5]
    jobs = []
    for index, captain in enumerate(captains):
        mates = world.logins[index * 5 + 1 : index * 5 + 5]
        token = captain.token(team_path)
        jobs.append(
            lambda c=captain, t=token, i=index, m=mates: c.post(
                team_path, {"csrf_token": t, "team_name": f"门球{i:02d}队", "players": "\n".join(m)}
            )[0]
        )
    team_statuses, team_seconds = all_at_once(jobs)
    assert team_statuses == [200] * TEAMS, sorted(set(team_statuses))
    with world.app.app_context():
        counts = dict(
            db.session.execute(
                select(Registration.status, func.count())
                .where(Registration.event_id == world.team_event_id)
                .group_by(Registration.status)
            ).all()
        )
        assert counts == {"confirmed": TEAM_SLOTS, "waiting": TEAMS - TEAM_SLOTS}
        # Each captain is on their roster; the four team-mates they named are invited.
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(RegistrationMember)
                .where(RegistrationMember.event_id == world.team_event_id)
            )
            == TEAMS
        )
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(TeamInvitation)
                .where(TeamInvitation.event_id == world.team_event_id)
            )
            == TEAMS * 4
        )

    backend = world.app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0].split("+")[0]
    summary = {
        "database": backend,
        "gunicorn_workers": WORKERS,
        "threads_per_worker": 8,
        "registrations": PEOPLE,
        "capacity": CAPACITY,
        "confirmed": CAPACITY,
        "waiting": PEOPLE - CAPACITY,
        "registration_burst_seconds": round(seconds, 2),
        "cancellations": CANCELLING,
        "cancellation_burst_seconds": round(cancel_seconds, 2),
        "teams": TEAMS,
        "team_slots": TEAM_SLOTS,
        "team_burst_seconds": round(team_seconds, 2),
        "http_5xx": 0,
    }
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"registration-rush-{backend}.json").write_text(json.dumps(summary, indent=2))
    print("\nregistration rush:", json.dumps(summary, ensure_ascii=False))
