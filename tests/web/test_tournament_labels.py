"""Singles players are 选手 and tables 球台; teams are 参赛队 and gateball courts 场地."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from eventsys.extensions import db
from eventsys.labels import tournament_labels
from eventsys.models import Event, User
from eventsys.services import tournaments as service
from tests.services.test_tournaments_helpers import setup_tournament


@pytest.mark.parametrize(
    ("sport", "entry_kind", "entrant", "place"),
    [
        ("table_tennis", "individual", "选手", "球台"),
        ("table_tennis", "team", "参赛队", "球台"),
        ("billiards", "individual", "选手", "球台"),
        ("gateball", "team", "参赛队", "场地"),
    ],
)
def test_each_sport_and_entry_kind_has_its_own_words(
    app: Flask, sport: str, entry_kind: str, entrant: str, place: str
) -> None:
    with app.test_request_context(), force_locale("zh_CN"):
        labels = tournament_labels(sport, entry_kind)
        assert (labels.entrant, labels.place) == (entrant, place)
    with app.test_request_context(), force_locale("en"):
        labels = tournament_labels(sport, entry_kind)
        assert labels.entrant == ("Player" if entry_kind == "individual" else "Team")
        assert labels.place == ("Court" if sport == "gateball" else "Table")


def _tournament(
    app: Flask, make_event: Callable[..., int], make_user: Callable[..., int], sport: str, mode: str
) -> int:
    organizer_id = make_user(roles=("organizer",))
    with app.app_context():
        organizer = db.session.get(User, organizer_id)
        tournament, _teams = setup_tournament(
            make_event, organizer, sport, ["甲", "乙", "丙", "丁"], courts=2
        )
        db.session.get(Event, tournament.event_id).registration_mode = mode
        service.make_draw(tournament, "round_robin", actor=organizer)
        service.make_schedule(tournament, actor=organizer)
        db.session.commit()
        return tournament.id


def test_a_table_tennis_singles_tournament_speaks_of_players_and_tables(
    app: Flask, client: FlaskClient, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    tid = _tournament(app, make_event, make_user, "table_tennis", "individual")
    standings = client.get(f"/tournaments/{tid}/standings").get_data(as_text=True)
    assert '<th scope="col">选手</th>' in standings
    assert "队伍" not in standings and "参赛队" not in standings
    schedule = client.get(f"/tournaments/{tid}/schedule").get_data(as_text=True)
    assert '<th scope="col">球台</th>' in schedule and "球场" not in schedule
    overview = client.get(f"/tournaments/{tid}").get_data(as_text=True)
    assert "<dt>选手</dt>" in overview and "球场" not in overview


def test_a_gateball_team_tournament_speaks_of_teams_and_courts(
    app: Flask, client: FlaskClient, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    tid = _tournament(app, make_event, make_user, "gateball", "team")
    standings = client.get(f"/tournaments/{tid}/standings").get_data(as_text=True)
    assert '<th scope="col">参赛队</th>' in standings
    schedule = client.get(f"/tournaments/{tid}/schedule").get_data(as_text=True)
    assert '<th scope="col">场地</th>' in schedule
