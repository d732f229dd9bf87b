"""Tournament pages as organizers, referees and spectators use them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from eventsys.extensions import db
from eventsys.models import AuditRecord, User
from eventsys.models.tournaments import Tournament, TournamentMatch, TournamentReferee
from eventsys.services import tournaments as service
from eventsys.services.tournament_standings import tournament_tables
from tests.conftest import csrf_from
from tests.querycount import clear_caches
from tests.querycount import count_queries as counted
from tests.services.test_tournaments_helpers import play_score, setup_tournament

TEAMS16 = [f"队{n:02d}" for n in range(1, 17)]


def rows(name: str, field: str, values: dict[int, str]) -> dict[str, str]:
    """A repeated part of a form as posted: one row per registration, with its id."""
    posted: dict[str, str] = {}
    for index, (registration_id, value) in enumerate(values.items()):
        posted[f"{name}-{index}-registration_id"] = str(registration_id)
        posted[f"{name}-{index}-{field}"] = value
    return posted


def _gateball16(
    app: Flask,
    make_user: Callable[..., int],
    make_event: Callable[..., int],
    organizer_id: int,
    *,
    play_groups: bool = True,
    groups: int = 4,
) -> int:
    with app.app_context():
        organizer = db.session.get(User, organizer_id)
        tournament, teams = setup_tournament(
            make_event, organizer, "gateball", TEAMS16[: groups * 4], courts=3, min_rest_slots=1
        )
        service.make_draw(
            tournament, "groups_knockout", groups=groups, qualifiers=2, actor=organizer
        )
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


@pytest.fixture
def gateball16(
    app: Flask,
    make_user: Callable[..., int],
    make_event: Callable[..., int],
    organizer_client: FlaskClient,
) -> Callable[..., int]:
    """The sixteen-team gateball tournament of the signed-in organiser: gateball16(**options)."""
    organizer_id = organizer_client.user_id  # type: ignore[attr-defined]

    def make(**options: Any) -> int:
        return _gateball16(app, make_user, make_event, organizer_id, **options)

    return make


def test_the_pages_of_a_sixteen_team_gateball_tournament_show_draw_bracket_standings_and_schedule(
    app: Flask,
    gateball16: Callable[..., int],
    client: FlaskClient,
) -> None:
    tid = gateball16()
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
    gateball16: Callable[..., int],
    client: FlaskClient,
    page: str,
) -> None:
    tid = gateball16()
    with counted(app) as statements:
        response = client.get(f"/tournaments/{tid}{page}")
    assert response.status_code == 200
    assert len(statements) <= 25, statements


def test_result_entry_needs_an_organizer_or_referee(
    app: Flask,
    gateball16: Callable[..., int],
    client: FlaskClient,
    organizer_client: FlaskClient,
    signed_in: Callable[..., FlaskClient],
) -> None:
    tid = gateball16(play_groups=False)
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
    gateball16: Callable[..., int],
    organizer_client: FlaskClient,
) -> None:
    tid = gateball16(play_groups=False)
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
    seeds = rows("seeds", "seed", {team: str(n) for n, team in enumerate(teams, start=1)})
    seeds["csrf_token"] = token
    bad = organizer_client.post(f"/tournaments/{tid}/entries", data={**seeds, "seeds-0-seed": "9"})
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
        "game_scores-0-a": "11",
        "game_scores-0-b": "10",
        "game_scores-1-a": "11",
        "game_scores-1-b": "5",
        "game_scores-2-a": "11",
        "game_scores-2-b": "5",
    }
    bad = organizer_client.post(
        url,
        data={"csrf_token": token, "outcome": "played", **games},
        headers={"Accept-Language": "en"},
    )
    assert bad.status_code == 422 and "11-10" in bad.get_data(as_text=True)
    games["game_scores-0-b"] = "9"
    good = organizer_client.post(url, data={"csrf_token": token, "outcome": "played", **games})
    assert good.status_code == 302
    with app.app_context():
        detail = db.session.get(TournamentMatch, match_id).detail
        assert [tuple(game) for game in detail["games"]] == [(11, 9), (11, 5), (11, 5)]
    # The correction form shows each game in its row, the games not played empty.
    again = organizer_client.get(url).get_data(as_text=True)
    for name, value in (("0-a", "11"), ("0-b", "9"), ("2-b", "5")):
        assert re.search(rf'name="game_scores-{name}"[^>]*value="{value}"', again), name
    assert re.search(r'name="game_scores-3-a"[^>]*value=""', again)
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


def _three_way_tie(
    app: Flask, organizer_id: int, make_event: Callable[..., int]
) -> tuple[int, int, list[int]]:
    """A table tennis round robin of three where each beat the next 3-0 with the same games."""
    from tests.services.test_tournaments_helpers import play_tt

    with app.app_context():
        organizer = db.session.get(User, organizer_id)
        tournament, players = setup_tournament(
            make_event, organizer, "table_tennis", ["甲", "乙", "丙"], best_of=5
        )
        service.make_draw(tournament, "round_robin", actor=organizer)
        easy = ((11, 5), (11, 5), (11, 5))
        p1, p2, p3 = players
        for winner, loser in ((p1, p2), (p2, p3), (p3, p1)):
            play_tt(tournament, winner, loser, easy, organizer)
        pool_id = tournament.stages[0].pools[0].id
        db.session.commit()
        return tournament.id, pool_id, players


def test_an_organizer_records_a_lot_and_the_standings_show_the_order_decided_by_lot(
    app: Flask,
    client: FlaskClient,
    organizer_client: FlaskClient,
    signed_in: Callable[..., FlaskClient],
    make_event: Callable[..., int],
) -> None:
    tid, pool_id, (p1, p2, p3) = _three_way_tie(
        app,
        organizer_client.user_id,  # type: ignore[attr-defined]
        make_event,
    )
    en = {"Accept-Language": "en"}
    standings = organizer_client.get(f"/tournaments/{tid}/standings", headers=en)
    html = standings.get_data(as_text=True)
    assert "a lot is needed" in html and f"/tournaments/pools/{pool_id}/lot" in html
    url = f"/tournaments/pools/{pool_id}/lot"
    assert client.get(url).status_code == 302
    assert signed_in("participant").get(url).status_code == 403
    assert organizer_client.get("/tournaments/pools/999999/lot").status_code == 404
    page = organizer_client.get(url, headers=en)
    assert page.status_code == 200 and "Tied for place 1" in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    draw = rows("lots", "number", {p1: "3", p2: "1", p3: "2"})
    assert organizer_client.post(url, data=draw).status_code == 400  # no CSRF token
    twice = organizer_client.post(
        url, data={"csrf_token": token, **draw, "lots-0-number": "1"}, headers=en
    )
    assert twice.status_code == 422 and "1 to 3" in twice.get_data(as_text=True)
    junk = organizer_client.post(url, data={"csrf_token": token, **draw, "lots-2-number": "x"})
    assert junk.status_code == 422
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(db.func.count())
                .select_from(AuditRecord)
                .where(AuditRecord.action == "pool.lot")
            )
            == 0
        )
    saved = organizer_client.post(
        url, data={"csrf_token": token, **rows("lots", "number", {p1: "３", p2: "1", p3: "2"})}
    )
    assert saved.status_code == 302
    with app.app_context():
        table = tournament_tables(db.session.get(Tournament, tid))[0]
        assert [(line.registration_id, line.place) for line in table.lines] == [
            (p2, 1),
            (p3, 2),
            (p1, 3),
        ]
        assert [line.decided_by for line in table.lines] == ["lot_drawn"] * 3
        actions = db.session.scalars(db.select(AuditRecord.action)).all()
        assert "pool.lot" in actions
    after = organizer_client.get(f"/tournaments/{tid}/standings", headers=en).get_data(as_text=True)
    assert "by lot" in after and "a lot is needed" not in after and "Change the lot" in after
    again = organizer_client.get(url).get_data(as_text=True)
    row = re.search(rf'name="lots-(\d+)-registration_id" type="hidden" value="{p2}"', again)
    assert row is not None
    assert f'inputmode="numeric" name="lots-{row[1]}-number" type="text" value="1"' in again


def test_a_group_without_ties_has_no_lot_to_record(
    app: Flask, organizer_client: FlaskClient, make_event: Callable[..., int]
) -> None:
    with app.app_context():
        organizer = db.session.get(User, organizer_client.user_id)  # type: ignore[attr-defined]
        tournament, _teams = setup_tournament(make_event, organizer, "score", ["甲", "乙"])
        service.make_draw(tournament, "round_robin", actor=organizer)
        (match,) = service.all_matches(tournament)
        play_score(tournament, match, 3, 1, organizer)
        pool_id, tid = tournament.stages[0].pools[0].id, tournament.id
        db.session.commit()
    url = f"/tournaments/pools/{pool_id}/lot"
    page = organizer_client.get(url, headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "No tie in this group needs a lot" in page.get_data(
        as_text=True
    )
    token = csrf_from(organizer_client.get(f"/tournaments/{tid}/manage").get_data(as_text=True))
    assert organizer_client.post(url, data={"csrf_token": token}).status_code == 302


def test_the_standings_page_names_balls_through_gate_3_as_deciding_a_place(
    app: Flask, client: FlaskClient, organizer_client: FlaskClient, make_event: Callable[..., int]
) -> None:
    from eventsys.services.tournament_results import ResultInput, record_result

    with app.app_context():
        organizer = db.session.get(User, organizer_client.user_id)  # type: ignore[attr-defined]
        tournament, (x, y, z) = setup_tournament(
            make_event,
            organizer,
            "gateball",
            ["红队", "白队", "蓝队"],
            criteria=("match_points", "score_difference", "finished_balls", "through_gate_3"),
        )
        service.make_draw(tournament, "round_robin", actor=organizer)
        balls = {x: (5, 3, 2, 0, 0), y: (5, 2, 1, 1, 1), z: (3, 2, 2, 0, 0)}
        for match in service.all_matches(tournament):
            if set(match.sides) == {x, y}:
                a = b = (3, 3, 0, 0, 0)
            else:
                a, b = balls[match.side_a_id], balls[match.side_b_id]
            record_result(
                match,
                ResultInput(score_a=sum(a), score_b=sum(b), balls_a=a, balls_b=b),
                actor=organizer,
            )
        db.session.commit()
        tid = tournament.id
    html = client.get(f"/tournaments/{tid}/standings", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "balls through gate 3" in html
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr")[1:]
    assert "红队" in rows[0] and "balls through gate 3" in rows[0]
    assert "白队" in rows[1] and "match points" in rows[1]
    zh = client.get(f"/tournaments/{tid}/standings", headers={"Accept-Language": "zh"})
    assert zh.status_code == 200


def test_a_captain_or_player_finds_the_next_match_from_the_registration_page(
    app: Flask,
    client: FlaskClient,
    organizer_client: FlaskClient,
    signed_in: Callable[..., FlaskClient],
    make_event: Callable[..., int],
) -> None:
    from eventsys.models import RegistrationMember

    player = signed_in("participant")
    with app.app_context():
        organizer = db.session.get(User, organizer_client.user_id)  # type: ignore[attr-defined]
        tournament, (team, other, late) = setup_tournament(
            make_event, organizer, "gateball", ["红队", "白队", "蓝队"], courts=2
        )
        service.set_entries(tournament, {team: 1, other: 2}, actor=organizer)
        service.make_draw(tournament, "round_robin", actor=organizer)
        service.make_schedule(tournament, actor=organizer)
        db.session.add(
            RegistrationMember(
                registration_id=team,
                event_id=tournament.event_id,
                user_id=player.user_id,  # type: ignore[attr-defined]
                role="player",
                position=2,
            )
        )
        db.session.commit()
        tid = tournament.id
    detail = player.get(f"/me/registrations/{team}", headers={"Accept-Language": "en"})
    assert f"/tournaments/my-team/{team}" in detail.get_data(as_text=True)
    to_team = player.get(f"/tournaments/my-team/{team}")
    assert to_team.status_code == 302
    assert to_team.headers["Location"].endswith(f"/tournaments/{tid}/teams/{team}")
    page = player.get(to_team.headers["Location"], headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert "Next match" in html and "1号场" in html and "白队" in html
    # The organizers may look at any team's page; this one was left out of the draw.
    waiting = organizer_client.get(
        f"/tournaments/my-team/{late}", headers={"Accept-Language": "en"}
    )
    assert waiting.status_code == 200 and "not put your team in the draw" in waiting.get_data(
        as_text=True
    )
    assert client.get(f"/tournaments/my-team/{team}").status_code == 302
    assert signed_in("participant").get(f"/tournaments/my-team/{team}").status_code == 404
    assert player.get(f"/tournaments/my-team/{late}").status_code == 404
    assert player.get("/tournaments/my-team/999999").status_code == 404


def test_an_organizer_deletes_a_draw_without_results_to_change_the_sport(
    app: Flask, organizer_client: FlaskClient, make_event: Callable[..., int]
) -> None:
    with app.app_context():
        organizer = db.session.get(User, organizer_client.user_id)  # type: ignore[attr-defined]
        tournament, _teams = setup_tournament(make_event, organizer, "score", ["甲", "乙"])
        service.make_draw(tournament, "round_robin", actor=organizer)
        db.session.commit()
        tid = tournament.id
    manage = organizer_client.get(f"/tournaments/{tid}/manage", headers={"Accept-Language": "en"})
    html = manage.get_data(as_text=True)
    assert f"/tournaments/{tid}/draw/delete" in html
    url = f"/tournaments/{tid}/draw/delete"
    assert organizer_client.post(url).status_code == 400
    assert organizer_client.post(url, data={"csrf_token": csrf_from(html)}).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(TournamentMatch)) == 0
        assert db.session.get(Tournament, tid).stages == []


def test_teams_level_before_their_group_is_finished_are_not_sent_to_draw_lots(
    app: Flask, client: FlaskClient, make_user: Callable[..., int], make_event: Callable[..., int]
) -> None:
    with app.app_context():
        organizer = db.session.get(User, make_user(roles=("organizer",)))
        tournament, _teams = setup_tournament(
            make_event, organizer, "gateball", ["甲队", "乙队", "丙队", "丁队"]
        )
        service.make_draw(tournament, "round_robin", actor=organizer)
        db.session.commit()
        tournament_id = tournament.id
    page = client.get(
        f"/tournaments/{tournament_id}/standings", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "level so far" in page and "a lot is needed" not in page


@pytest.mark.parametrize("page", ["", "/bracket", "/standings", "/schedule", "/screen"])
def test_tournament_pages_query_the_same_however_many_groups(
    app: Flask,
    gateball16: Callable[..., int],
    client: FlaskClient,
    page: str,
) -> None:
    """A query per group (or per match) would make the larger draw cost more statements."""
    counts = []
    for groups in (2, 4):
        tid = gateball16(play_groups=False, groups=groups)
        client.get(f"/tournaments/{tid}{page}")  # warm: the first request loads the catalog
        clear_caches(app)  # count the page being built, not served from memory
        with counted(app) as statements:
            assert client.get(f"/tournaments/{tid}{page}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_a_referee_is_appointed_by_a_phone_number_written_as_people_write_it(
    app: Flask,
    organizer_client: FlaskClient,
    make_user: Callable[..., int],
    make_event: Callable[..., int],
) -> None:
    with app.app_context():
        organizer = db.session.get(User, organizer_client.user_id)  # type: ignore[attr-defined]
        tournament, _teams = setup_tournament(make_event, organizer, "gateball", ["甲", "乙", "丙"])
        db.session.commit()
        tid = tournament.id
    referee = make_user(name="周裁判", phone="13912345678")
    token = csrf_from(organizer_client.get(f"/tournaments/{tid}/manage").get_data(as_text=True))
    organizer_client.post(
        f"/tournaments/{tid}/referees", data={"csrf_token": token, "person": "139-1234-5678"}
    )
    with app.app_context():
        appointed = db.session.scalars(
            db.select(TournamentReferee.user_id).where(TournamentReferee.tournament_id == tid)
        ).all()
    assert appointed == [referee]


def test_seeds_are_read_by_entry_and_a_bad_seed_is_refused_with_its_message(
    app: Flask, organizer_client: FlaskClient, make_event: Callable[..., int]
) -> None:
    with app.app_context():
        organizer = db.session.get(User, organizer_client.user_id)  # type: ignore[attr-defined]
        tournament, (t1, t2, t3) = setup_tournament(
            make_event, organizer, "score", ["甲", "乙", "丙"]
        )
        db.session.commit()
        tid = tournament.id
    url = f"/tournaments/{tid}/entries"
    en = {"Accept-Language": "en"}
    page = organizer_client.get(url, headers=en).get_data(as_text=True)
    token = csrf_from(page)
    for junk in ("x", "0", "1000", "-1"):
        posted = rows("seeds", "seed", {t1: "1", t2: junk, t3: "3"})
        refused = organizer_client.post(url, data={"csrf_token": token, **posted}, headers=en)
        html = refused.get_data(as_text=True)
        assert refused.status_code == 422 and "A seed is a whole number from 1." in html, junk
        assert f'value="{junk}"' in html  # what was typed is shown again
    with app.app_context():
        seeds = {e.registration_id: e.seed for e in db.session.get(Tournament, tid).entries}
        assert seeds == {t1: 1, t2: 2, t3: 3}
    # Rows in another order than the page's, full-width digits, a team left out, a row for an
    # id that is no entry: each seed goes to its own entry.
    posted = rows("seeds", "seed", {t3: "１", 999999: "7", t1: "2"})
    saved = organizer_client.post(url, data={"csrf_token": token, **posted})
    assert saved.status_code == 302
    with app.app_context():
        seeds = {e.registration_id: e.seed for e in db.session.get(Tournament, tid).entries}
        assert seeds == {t3: 1, t1: 2}


def test_rows_with_odd_numbers_in_their_names_are_ignored_not_a_server_error(
    app: Flask, organizer_client: FlaskClient, make_event: Callable[..., int]
) -> None:
    _tid, pool_id, (p1, _p2, _p3) = _three_way_tie(
        app,
        organizer_client.user_id,  # type: ignore[attr-defined]
        make_event,
    )
    url = f"/tournaments/pools/{pool_id}/lot"
    token = csrf_from(organizer_client.get(url).get_data(as_text=True))
    for index in ("²", "٣", "9" * 5000):
        response = organizer_client.post(
            url,
            data={
                "csrf_token": token,
                f"lots-{index}-registration_id": str(p1),
                f"lots-{index}-number": "1",
            },
        )
        assert response.status_code == 422, index
