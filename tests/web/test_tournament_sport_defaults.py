"""A new tournament's settings follow the sport chosen, with or without JavaScript."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from eventsys.extensions import db
from eventsys.models.tournaments import Tournament
from eventsys.services import tournaments as service
from tests.conftest import csrf_from


@pytest.fixture
def organizer_client(signed_in: Callable[..., FlaskClient]) -> FlaskClient:
    return signed_in("organizer")


def _selected(html: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
    assert select is not None, name
    chosen = re.search(
        r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected',
        select.group(0),
    )
    return None if chosen is None else (chosen.group(1) or chosen.group(2) or "")


def _value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match is not None, name
    value = re.search(r'value="([^"]*)"', match.group(0))
    return "" if value is None else value.group(1)


def test_the_defaults_table_gives_table_tennis_best_of_five_without_draws() -> None:
    tt = service.TournamentSettings.for_sport("table_tennis")
    assert (tt.best_of, tt.points_draw) == (5, None)
    billiards = service.TournamentSettings.for_sport("billiards")
    assert billiards.race_to is not None and billiards.points_draw is None
    gateball = service.TournamentSettings.for_sport("gateball")
    assert gateball.points_draw == 1 and gateball.best_of is None


def test_the_form_opened_for_table_tennis_shows_its_defaults(
    organizer_client: FlaskClient, make_event: Callable[..., int]
) -> None:
    event_id = make_event(kind="ball_game", title="乒乓球赛", organizer_id=organizer_client.user_id)  # type: ignore[attr-defined]
    html = organizer_client.get(f"/tournaments/new/{event_id}?sport=table_tennis").get_data(
        as_text=True
    )
    assert _selected(html, "sport") == "table_tennis"
    assert _selected(html, "best_of") == "5"
    assert _value(html, "points_draw") == ""
    assert _value(html, "points_loss") == "1"


def test_the_form_carries_every_sports_defaults_for_the_script_that_swaps_them(
    organizer_client: FlaskClient, make_event: Callable[..., int]
) -> None:
    event_id = make_event(kind="ball_game", organizer_id=organizer_client.user_id)  # type: ignore[attr-defined]
    html = organizer_client.get(f"/tournaments/new/{event_id}").get_data(as_text=True)
    assert 'src="/static/js/tournament_settings.js"' in html
    raw = re.search(r"data-sport-defaults='([^']*)'", html)
    assert raw is not None
    table = json.loads(raw.group(1))
    assert table["table_tennis"]["best_of"] == "5"
    assert table["table_tennis"]["points_draw"] == ""
    assert table["gateball"]["points_draw"] == "1"
    assert table["gateball"]["criterion_4"] == "points_scored"
    assert _value(html, "defaults_for") == "gateball"


def test_choosing_table_tennis_without_javascript_replaces_the_gateball_defaults_left_alone(
    app: Flask, organizer_client: FlaskClient, make_event: Callable[..., int]
) -> None:
    event_id = make_event(kind="ball_game", title="乒乓球赛", organizer_id=organizer_client.user_id)  # type: ignore[attr-defined]
    url = f"/tournaments/new/{event_id}"
    html = organizer_client.get(url).get_data(as_text=True)
    # Post the form as it was shown (gateball defaults), with only the sport changed.
    form = {
        "csrf_token": csrf_from(html),
        "defaults_for": _value(html, "defaults_for"),
        "sport": "table_tennis",
        "best_of": _selected(html, "best_of") or "",
        "race_to": _value(html, "race_to"),
        "points_win": _value(html, "points_win"),
        "points_draw": _value(html, "points_draw"),
        "points_loss": _value(html, "points_loss"),
        "points_walkover_loss": _value(html, "points_walkover_loss"),
        **{f"criterion_{n}": _selected(html, f"criterion_{n}") or "" for n in range(1, 6)},
        "first_slot_at": _value(html, "first_slot_at"),
        "slot_minutes": _value(html, "slot_minutes"),
        "min_rest_slots": _value(html, "min_rest_slots"),
    }
    response = organizer_client.post(url, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    with app.app_context():
        tournament = db.session.scalar(db.select(Tournament).where(Tournament.event_id == event_id))
        assert tournament is not None
        assert tournament.sport == "table_tennis"
        assert tournament.best_of == 5
        assert tournament.points_draw is None
        assert tournament.points_loss == 1
        assert tournament.criteria_list == ["match_points", "head_to_head"]


def test_a_value_the_organizer_changed_is_kept_when_the_sport_changes(
    app: Flask, organizer_client: FlaskClient, make_event: Callable[..., int]
) -> None:
    event_id = make_event(kind="ball_game", organizer_id=organizer_client.user_id)  # type: ignore[attr-defined]
    url = f"/tournaments/new/{event_id}"
    html = organizer_client.get(url).get_data(as_text=True)
    form = {
        "csrf_token": csrf_from(html),
        "defaults_for": "gateball",
        "sport": "billiards",
        "best_of": "",
        "race_to": "",
        "points_win": "3",
        "points_draw": "1",
        "points_loss": "0",
        "points_walkover_loss": "0",
        "criterion_1": "match_points",
        "criterion_2": "wins",
        "first_slot_at": "2026-12-03 14:00",
        "slot_minutes": "30",
        "min_rest_slots": "0",
    }
    response = organizer_client.post(url, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    with app.app_context():
        tournament = db.session.scalar(db.select(Tournament).where(Tournament.event_id == event_id))
        assert tournament is not None
        assert tournament.race_to == service.SPORT_DEFAULTS["billiards"]["race_to"]
        assert tournament.points_win == 3  # changed by hand: kept
        assert tournament.points_draw is None  # left at gateball's 1: billiards has no draws
        assert tournament.criteria_list == ["match_points", "wins"]
