"""The demo world builds on an empty database, through the services, once."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from eventsys.demo import DEMO_LOGINS, GATEBALL, PASSWORD_FILE, POETRY
from eventsys.extensions import db
from eventsys.models import Event, Organisation, Registration, User
from eventsys.models.contests import Contest
from eventsys.models.tournaments import Tournament
from eventsys.services import results
from eventsys.services import tournaments as tournament_service
from eventsys.services.tournament_standings import tournament_tables
from tests.conftest import login


@pytest.fixture
def app(app: Flask) -> Iterator[Flask]:
    """The database's app; afterwards the unit tree is cut, so that the tables can be emptied.

    (SQLite checks ON DELETE RESTRICT row by row, so deleting every organisation in one
    statement fails while units still point at the bureau.)"""
    yield app
    with app.app_context():
        db.session.execute(update(Organisation).values(parent_id=None))
        db.session.commit()


def build(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exception is None, result.output
    return result.output


def test_the_demo_world_builds_quickly_and_only_once(app: Flask) -> None:
    started = time.monotonic()
    first = build(app)
    assert time.monotonic() - started < 15
    passwords = json.loads((Path(app.instance_path) / PASSWORD_FILE).read_text())
    assert set(passwords) == set(DEMO_LOGINS)
    with app.app_context():
        people = db.session.scalar(select(func.count()).select_from(User))
        entries = db.session.scalar(select(func.count()).select_from(Registration))
    second = build(app)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == people
        assert db.session.scalar(select(func.count()).select_from(Registration)) == entries
    # Both runs print the same accounts and passwords.
    assert first.splitlines()[-3:] == second.splitlines()[-3:]
    for login_name in DEMO_LOGINS:
        assert passwords[login_name] in first
        client = app.test_client()
        login(client, login_name, passwords[login_name])
        assert client.get("/").status_code == 200


def test_the_poetry_contest_is_judged_blind_and_its_results_are_published(app: Flask) -> None:
    build(app)
    with app.app_context():
        event = db.session.scalars(select(Event).where(Event.title == POETRY)).one()
        contest = db.session.scalars(select(Contest).where(Contest.event_id == event.id)).one()
        assert contest.is_published and contest.blind
        assert [c.name for c in contest.criteria] == ["立意", "格律", "语言", "意境"]
        outcome = results.compute(contest)
        assert len(outcome.rows) == 30 and len(outcome.judges) == 7
        assert outcome.missing_sheets == 0 and outcome.problem is None
        tiers = Counter(row.tier for row in outcome.rows)
        assert [tiers[name] for name in ("一等奖", "二等奖", "三等奖", "优秀奖")] == [3, 6, 7, 8]
        # One judge stands aside for the entries of their own organisation (回避).
        standing_aside = {judge for row in outcome.rows for judge in row.excluded}
        assert len(standing_aside) == 1
        assert db.session.get(User, standing_aside.pop()).login == "judge"
        codes = [row.entry.blind_code for row in outcome.rows]
        assert all(codes) and len(set(codes)) == 30
        assert len({row.entry.organisation_id for row in outcome.rows}) >= 5
        assert outcome.orgs and sum(org.points for org in outcome.orgs) == 3 * 7 + 6 * 5 + 7 * 3 + 8
        contest_id = contest.id
    visitor = app.test_client()
    page = visitor.get(f"/contests/{contest_id}/results").get_data(as_text=True)
    assert "一等奖" in page and "优秀奖" in page


def test_the_gateball_tournament_has_sixteen_teams_in_four_groups_and_a_first_round(
    app: Flask,
) -> None:
    build(app)
    with app.app_context():
        event = db.session.scalars(select(Event).where(Event.title == GATEBALL)).one()
        teams = db.session.scalars(
            select(Registration).where(
                Registration.event_id == event.id, Registration.status == "confirmed"
            )
        ).all()
        assert len(teams) == 16
        assert max(Counter(team.organisation_id for team in teams).values()) <= 2
        assert all(5 <= len(team.members) <= 8 for team in teams)
        tournament = db.session.scalars(
            select(Tournament).where(Tournament.event_id == event.id)
        ).one()
        groups, knockout = tournament.stages
        assert [len(pool.members) for pool in groups.pools] == [4, 4, 4, 4]
        assert knockout.kind == "knockout" and len(tournament.courts) == 3
        matches = tournament_service.all_matches(tournament)
        assert all(match.starts_at is not None for match in matches if match.status != "bye")
        played = [match for match in matches if match.status == "played"]
        assert len(played) == 8 and all(match.pool_id is not None for match in played)
        tables = tournament_tables(tournament)
        assert all(sum(line.points for line in table.lines) > 0 for table in tables[:4])


def test_the_honours_board_shows_the_poetry_societys_prizes_and_the_troupes_award(
    app: Flask,
) -> None:
    build(app)
    page = app.test_client().get("/honours?year=2017", headers={"Accept-Language": "zh-CN"})
    text = page.get_data(as_text=True)
    for award in ("一等奖（3名）", "二等奖（6名）", "三等奖（7名）", "优秀奖（8名）"):
        assert award in text
    assert "金奖" not in text  # the troupe's award is of 2018
    with app.app_context():
        rehearsal = db.session.scalars(
            select(Event).where(Event.title == "金秋艺术团舞蹈排练")
        ).one()
        troupe = rehearsal.group_id
    group_page = app.test_client().get(f"/groups/{troupe}").get_data(as_text=True)
    assert "金奖" in group_page and "金秋艺术团舞蹈排练" in group_page
