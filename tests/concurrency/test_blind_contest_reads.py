"""Registrations for a blind contest arrive while the hall's scoreboard and the judge's list
are read, under gunicorn: no request fails (GETs used to write blind codes and met
"database is locked" on SQLite), and every entry has its code when the burst is over."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from eventsys.extensions import db
from eventsys.models import Registration
from eventsys.services import contests
from tests.concurrency import harness
from tests.concurrency.harness import Browser, all_at_once, served_world
from tests.factories import hall, members, open_event, person

PEOPLE = 60
READS = 60

pytestmark = pytest.mark.slow


@dataclass
class World(harness.World):
    contest_id: int


def _seed(app: Flask) -> tuple[int, list[str], int]:
    organizer = person("组织者", "organizer", "organizer")
    judge = person("评委", "judge", "judge")
    logins = members(PEOPLE, "p", "诗人")
    event = open_event(
        organizer, hall().id, "poetry_contest", "重阳诗会", 3, registration_mode="individual"
    )
    contest = contests.set_up_contest(
        event,
        contests.ContestSettings(
            criteria=(contests.CriterionData("立意", Decimal(50)),), blind=True
        ),
        actor=organizer,
    )
    contests.appoint_panel(contest, [judge.id], actor=organizer)
    db.session.commit()
    return event.id, logins, contest.id


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    with served_world(request.param, tmp_path, _seed, workers=4) as (app, server, seeded):
        yield World(app, server.base, *seeded)


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
