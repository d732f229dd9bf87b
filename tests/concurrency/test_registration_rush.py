"""The registration rush, for real: gunicorn with several workers, 200 people at once.

Run on SQLite and on PostgreSQL. Exactly the capacity is confirmed, the rest wait in one
consistent order, no request fails with a 5xx, nobody is registered twice; concurrent
cancellations promote exactly the first people in the queue; team entries fill exactly their
slots. The measured outcome is printed and written to bench/out/registration-rush-<db>.json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from eventsys.extensions import db
from eventsys.models import Registration, RegistrationMember, TeamInvitation, User
from tests.concurrency import harness
from tests.concurrency.harness import (
    ROOT,
    Browser,
    all_at_once,
    post_at_once,
    served_world,
    sign_in_at_once,
    status_counts,
)
from tests.factories import hall, members, open_event, person

PEOPLE = 200
CAPACITY = 50
CANCELLING = 20
TEAMS = 40
TEAM_SLOTS = 16
WORKERS = 4

pytestmark = pytest.mark.slow


@dataclass
class World(harness.World):
    team_event_id: int


def _seed(app: Flask) -> tuple[int, list[str], int]:
    organizer = person("组织者", "organizer", "organizer")
    logins = members(PEOPLE, "m")
    venue_id = hall().id
    clinic = open_event(
        organizer,
        venue_id,
        "health_clinic",
        "健康义诊0",
        2,
        capacity=CAPACITY,
        registration_mode="individual",
    )
    teams = open_event(
        organizer,
        venue_id,
        "health_clinic",
        "健康义诊1",
        2,
        later=3,
        capacity=TEAM_SLOTS,
        registration_mode="team",
        capacity_counts="entries",
        roster_min=5,
        roster_max=5,
    )
    db.session.commit()
    return clinic.id, logins, teams.id


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    with served_world(request.param, tmp_path, _seed, workers=WORKERS) as (app, server, seeded):
        yield World(app, server.base, *seeded)


def test_two_hundred_people_rush_fifty_places(world: World, request: pytest.FixtureRequest) -> None:
    browsers = sign_in_at_once([Browser(world.base) for _ in world.logins], world.logins)
    statuses, seconds = post_at_once(browsers, f"/events/{world.event_id}/register")
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
    counts = status_counts(world.app, world.team_event_id)
    assert counts == {"confirmed": TEAM_SLOTS, "waiting": TEAMS - TEAM_SLOTS}
    with world.app.app_context():
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
