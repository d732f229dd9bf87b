"""Tournament pages as organizers, referees and spectators use them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from eventsys.extensions import db
from eventsys.models import User
from eventsys.models.tournaments import Tournament, TournamentMatch
from eventsys.services import tournaments as service
from tests.conftest import csrf_from
from tests.services.test_tournaments_helpers import play_score, setup_tournament

TEAMS16 = [f"队{n:02d}" for n in range(1, 17)]


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _gateball16(
    app: Flask,
    make_user: Callable[..., int],
    make_event: Callable[..., int],
    organizer_id: int,
    *,
    play_groups: bool = True,
) -> int:
    with app.app_context():
        organizer = db.session.get(User, organizer_id)
        tournament, teams = setup_tournament(
            make_event, organizer, "gateball", TEAMS16, courts=3, min_rest_slots=1
        )
        service.make_draw(tournament, "groups_knockout", groups=4, qualifiers=2, actor=organizer)
        service.make_schedule(tournament, actor=organizer)
        if play_groups:
            for match in service.all_matches(tournament):
                if match.pool_id is not None:
                    a, b = (
                        (10, 5)
                        if teams.index(match.side_a_id) < teams.index(match.side_b_id)
                        else (5, 10)
                    )
                    play_score(tournament, match, a, b, organizer)
        db.session.commit()
        return tournament.id


@pytest.fixture
def organizer_client(signed_in: Callable[..., FlaskClient]) -> FlaskClient:
    return signed_in("organizer")


def test_the_pages_of_a_sixteen_team_gateball_tournament_show_draw_bracket_standings_and_schedule(
    app: Flask,
    client: FlaskClient,
    organizer_client: FlaskClient,
    make_user: Callable[..., int],
    make_event: Callable[..., int],
) -> None:
    tid = _gateball16(app, make_user, make_event, organizer_client.user_id)  # type: ignore[attr-defined]
    headers = {"Accept-Language": "en"}
    overview = client.get(f"/tournaments/{tid}", headers=headers).get_data(as_text=True)
    assert "Group A" in overview and "队16" in overview
    bracket = client.get(f"/tournaments/{tid}/bracket", headers=headers).get_data(as_text=True)
    assert "队06" in bracket and "Semi-finals" in bracket and "Final" in bracket
    standings = client.get(f"/tournaments/{tid}/standings", headers=headers).get_data(as_text=True)
    assert "match points" in standings and "队01" in standings
    schedule = client.get(f"/tournaments/{tid}/schedule", headers=headers).get_data(as_text=True)
    assert "1号场" in schedule and "3号场" in schedule
    screen = client.get(f"/tournaments/{tid}/screen", headers=headers).get_data(as_text=True)
    assert '<meta http-equiv="refresh"' in screen
    with app.app_context():
        tournament = db.session.get(Tournament, tid)
        team_id = tournament.entries[0].registration_id
    team = client.get(f"/tournaments/{tid}/teams/{team_id}", headers=headers).get_data(as_text=True)
    assert "Next match" in team and "号场" in team


@pytest.mark.parametrize("page", ["", "/bracket", "/standings", "/schedule", "/screen"])
def test_tournament_pages_use_a_bounded_number_of_queries(
    app: Flask,
    client: FlaskClient,
    organizer_client: FlaskClient,
    make_user: Callable[..., int],
    make_event: Callable[..., int],
    page: str,
) -> None:
    tid = _gateball16(app, make_user, make_event, organizer_client.user_id)  # type: ignore[attr-defined]
    with counted(app) as statements:
        response = client.get(f"/tournaments/{tid}{page}")
    assert response.status_code == 200
    assert len(statements) <= 25, statements


def test_result_entry_needs_an_organizer_or_referee(
    app: Flask,
    client: FlaskClient,
    organizer_client: FlaskClient,
    signed_in: Callable[..., FlaskClient],
    make_user: Callable[..., int],
    make_event: Callable[..., int],
) -> None:
    tid = _gateball16(app, make_user, make_event, organizer_client.user_id, play_groups=False)  # type: ignore[attr-defined]
    with app.app_context():
        match_id = db.session.scalar(
            db.select(TournamentMatch.id)
            .where(TournamentMatch.tournament_id == tid, TournamentMatch.pool_id.is_not(None))
            .limit(1)
        )
    url = f"/tournaments/matches/{match_id}/result"
    assert client.get(url).status_code == 302
    assert signed_in("participant").get(url).status_code == 403
    assert organizer_client.get(url).status_code == 200
    assert organizer_client.get("/tournaments/matches/999999/result").status_code == 404
    assert client.get("/tournaments/999999").status_code == 404
    assert signed_in("participant").get(f"/tournaments/{tid}/manage").status_code == 403


def test_an_organizer_enters_a_gateball_result_and_bad_scores_come_back_with_a_message(
    app: Flask,
    organizer_client: FlaskClient,
    make_user: Callable[..., int],
    make_event: Callable[..., int],
) -> None:
    tid = _gateball16(app, make_user, make_event, organizer_client.user_id, play_groups=False)  # type: ignore[attr-defined]
    with app.app_context():
        match = db.session.scalars(
            db.select(TournamentMatch)
            .where(TournamentMatch.tournament_id == tid, TournamentMatch.pool_id.is_not(None))
            .limit(1)
        ).one()
        match_id, version = match.id, match.version
    url = f"/tournaments/matches/{match_id}/result"
    page = organizer_client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    token = csrf_from(page)
    base = {"csrf_token": token, "outcome": "played", "version": str(version)}
    bad = organizer_client.post(
        url, data={**base, "score_a": "30", "score_b": "3"}, headers={"Accept-Language": "en"}
    )
    assert bad.status_code == 422 and "0 to 25" in bad.get_data(as_text=True)
    level = organizer_client.post(
        url, data={**base, "score_a": "9", "score_b": "9"}, headers={"Accept-Language": "en"}
    )
    assert level.status_code == 422 and "level" in level.get_data(as_text=True)
    odd = organizer_client.post(
        url, data={**base, "score_a": "9", "score_b": "9", "balls_a": "x y", "balls_b": "5 4"}
    )
    assert odd.status_code in (200, 422)
    good = organizer_client.post(url, data={**base, "score_a": "１２", "score_b": "7"})
    assert good.status_code == 302
    with app.app_context():
        saved = db.session.get(TournamentMatch, match_id)
        assert saved.status == "played" and saved.score_a == 12


def test_an_organizer_sets_up_a_table_tennis_tournament_through_the_forms(
    app: Flask,
    organizer_client: FlaskClient,
    make_event: Callable[..., int],
) -> None:
    from tests.services.test_tournaments_helpers import add_teams

    event_id = make_event(kind="ball_game", title="乒乓球赛", organizer_id=organizer_client.user_id)  # type: ignore[attr-defined]
    with app.app_context():
        teams = add_teams(event_id, ["甲", "乙", "丙", "丁", "戊", "己"])
        db.session.commit()
    url = f"/tournaments/new/{event_id}"
    token = csrf_from(organizer_client.get(url).get_data(as_text=True))
    form = {
        "csrf_token": token,
        "sport": "table_tennis",
        "best_of": "5",
        "criterion_1": "match_points",
        "first_slot_at": "2026-12-03 14:00",
        "slot_minutes": "20",
        "min_rest_slots": "0",
    }
    response = organizer_client.post(url, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    with app.app_context():
        tid = db.session.scalar(db.select(Tournament.id).where(Tournament.event_id == event_id))
    seeds = {f"seed-{team}": str(n) for n, team in enumerate(teams, start=1)}
    seeds["csrf_token"] = token
    bad = organizer_client.post(
        f"/tournaments/{tid}/entries", data={**seeds, f"seed-{teams[0]}": "9"}
    )
    assert bad.status_code == 422
    assert organizer_client.post(f"/tournaments/{tid}/entries", data=seeds).status_code == 302
    organizer_client.post(f"/tournaments/{tid}/courts", data={"csrf_token": token, "name": "1号台"})
    response = organizer_client.post(
        f"/tournaments/{tid}/draw", data={"csrf_token": token, "format": "round_robin"}
    )
    assert response.status_code == 302
    organizer_client.post(f"/tournaments/{tid}/schedule/make", data={"csrf_token": token})
    with app.app_context():
        match = db.session.scalars(
            db.select(TournamentMatch).where(TournamentMatch.tournament_id == tid).limit(1)
        ).one()
        match_id = match.id
    url = f"/tournaments/matches/{match_id}/result"
    games = {
        "game_1_a": "11",
        "game_1_b": "10",
        "game_2_a": "11",
        "game_2_b": "5",
        "game_3_a": "11",
        "game_3_b": "5",
    }
    bad = organizer_client.post(
        url,
        data={"csrf_token": token, "outcome": "played", **games},
        headers={"Accept-Language": "en"},
    )
    assert bad.status_code == 422 and "11-10" in bad.get_data(as_text=True)
    games["game_1_b"] = "9"
    good = organizer_client.post(url, data={"csrf_token": token, "outcome": "played", **games})
    assert good.status_code == 302
    standings = organizer_client.get(f"/tournaments/{tid}/standings").get_data(as_text=True)
    assert "甲" in standings


@pytest.mark.parametrize(
    "data",
    [
        {"format": "nonsense"},
        {"format": "groups_knockout", "groups": "abc"},
        {"format": "groups_knockout", "groups": "99", "qualifiers": "2"},
    ],
)
def test_bad_draw_input_is_refused_with_a_message_not_a_500(
    app: Flask,
    organizer_client: FlaskClient,
    make_user: Callable[..., int],
    make_event: Callable[..., int],
    data: dict[str, str],
) -> None:
    with app.app_context():
        organizer = db.session.get(User, organizer_client.user_id)  # type: ignore[attr-defined]
        tournament, _teams = setup_tournament(
            make_event, organizer, "score", ["甲", "乙", "丙", "丁"]
        )
        db.session.commit()
        tid = tournament.id
    token = csrf_from(organizer_client.get(f"/tournaments/{tid}/manage").get_data(as_text=True))
    response = organizer_client.post(f"/tournaments/{tid}/draw", data={"csrf_token": token, **data})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(TournamentMatch)) == 0
