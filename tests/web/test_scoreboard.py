"""The hall's scoreboard: its ETag follows what it shows; running results hidden while judged."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from eventsys.extensions import db
from eventsys.models import Registration, User
from eventsys.models.contests import Contest
from eventsys.services import registrations
from eventsys.timeutil import utcnow
from tests.conftest import csrf
from tests.web.test_contests_pages import contest_world, login_as, score_everything

__all__ = ["contest_world"]  # the fixture, imported for the tests below


def board(client: FlaskClient, contest_id: int, etag: str | None = None) -> Any:
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(f"/contests/{contest_id}/scoreboard", headers=headers)


def withdraw(app: Flask, organizer_id: int, entry_id: int) -> None:
    with app.app_context():
        registrations.cancel(
            db.session.get(Registration, entry_id),
            by=db.session.get(User, organizer_id),
            now=utcnow(),
        )
        db.session.commit()


def rename(app: Flask, user_id: int, name: str) -> None:
    with app.app_context():
        db.session.get(User, user_id).name = name
        db.session.commit()


@pytest.fixture(params=["page cache", "no page cache"])
def cache_mode(request: pytest.FixtureRequest, app: Flask, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(app.config, "PAGE_CACHE", request.param == "page cache")
    return str(request.param)


# ---- the ETag follows every field shown (#15.8) -------------------------------------------


def test_a_withdrawn_entry_leaves_the_screen_even_for_a_conditional_request(
    app: Flask, client: FlaskClient, contest_world: Callable[..., Any], cache_mode: str
) -> None:
    w, contest_id = contest_world(entries=3, judges=1, tiers=())
    score_everything(app, w, contest_id)
    first = board(client, contest_id)
    assert first.status_code == 200 and "诗人1" in first.get_data(as_text=True)
    etag = first.headers["ETag"]
    assert board(client, contest_id, etag).status_code == 304
    withdraw(app, w.organizer_id, w.entry_ids[0])
    again = board(client, contest_id, etag)
    assert again.status_code == 200
    page = again.get_data(as_text=True)
    assert "诗人1" not in page and "诗人2" in page
    assert again.headers["ETag"] != etag


def test_a_renamed_entrant_is_shown_by_the_new_name_after_a_conditional_request(
    app: Flask, client: FlaskClient, contest_world: Callable[..., Any], cache_mode: str
) -> None:
    w, contest_id = contest_world(entries=2, judges=1, tiers=())
    score_everything(app, w, contest_id)
    first = board(client, contest_id)
    etag = first.headers["ETag"]
    with app.app_context():
        author_id = db.session.get(Registration, w.entry_ids[1]).captain_id
    rename(app, author_id, "王秋月")
    again = board(client, contest_id, etag)
    assert again.status_code == 200
    page = again.get_data(as_text=True)
    assert "王秋月" in page and "诗人2" not in page
    # Unchanged again: the new ETag is honoured.
    assert board(client, contest_id, again.headers["ETag"]).status_code == 304


# ---- running results hidden until published (#14.8) ----------------------------------------


def publish(app: Flask, w: Any, contest_id: int) -> None:
    organizer = login_as(app, w.organizer_id)
    response = organizer.post(
        f"/contests/{contest_id}/publish",
        data={"csrf_token": csrf(organizer, f"/contests/{contest_id}")},
    )
    assert response.status_code == 302


def english(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_a_blind_contest_being_marked_shows_the_hall_only_how_many_sheets_are_in(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(entries=3, judges=2, blind=True, tiers=())
    with app.app_context():
        assert db.session.get(Contest, contest_id).show_running_results is False
        codes = [db.session.get(Registration, e).blind_code for e in w.entry_ids]
    score_everything(app, w, contest_id)
    client = english(app)
    page = board(client, contest_id).get_data(as_text=True)
    assert "Score sheets in: 6 of 6" in page
    assert "<table" not in page and "<td" not in page
    for number in (1, 2, 3):
        assert f"诗人{number}" not in page and f"咏秋{number}" not in page
    assert all(code and code not in page for code in codes)
    assert not re.search(r"\d+\.\d\d", page)  # no score anywhere
    # The polling request (the same address, conditional) gets the same: progress only.
    again = board(client, contest_id, "stale")
    assert again.status_code == 200 and "<td" not in again.get_data(as_text=True)
    # Published, the screen shows the results with the names.
    publish(app, w, contest_id)
    published = board(client, contest_id).get_data(as_text=True)
    assert "诗人1" in published and "<td" in published


def test_progress_counts_the_sheets_in_as_they_arrive(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(entries=2, judges=2, blind=True, tiers=())
    client = english(app)
    first = board(client, contest_id)
    assert "Score sheets in: 0 of 4" in first.get_data(as_text=True)
    score_everything(app, w, contest_id)
    again = board(client, contest_id, first.headers["ETag"])
    assert again.status_code == 200
    assert "Score sheets in: 4 of 4" in again.get_data(as_text=True)


def test_public_results_of_a_hidden_contest_show_no_order_before_publication(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(entries=3, judges=1, blind=True, tiers=())
    score_everything(app, w, contest_id)
    page = english(app).get(f"/contests/{contest_id}/results").get_data(as_text=True)
    assert "诗人1" not in page and "<td" not in page


def test_a_contest_that_is_not_blind_shows_its_running_order_by_default(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(entries=2, judges=1, tiers=())
    score_everything(app, w, contest_id)
    page = board(english(app), contest_id).get_data(as_text=True)
    assert "诗人1" in page and "Provisional" in page


def setup_url(w: Any) -> str:
    return f"/contests/events/{w.event_id}/setup"


def chosen(page: str) -> str:
    select = re.search(r'<select[^>]*name="running_results".*?</select>', page, re.S)
    assert select is not None
    option = re.search(r'<option selected value="(\w+)"|<option value="(\w+)" selected', select[0])
    assert option is not None
    return option[1] or option[2]


def test_the_set_up_form_hides_the_running_results_when_blind_is_chosen_and_can_show_them(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    from tests.web.test_contests_pages import setup_form

    w, contest_id = contest_world(entries=2, judges=1, tiers=())
    organizer = login_as(app, w.organizer_id)
    url = setup_url(w)
    assert chosen(organizer.get(url).get_data(as_text=True)) == "shown"
    # Ticking blind (the hall setting left as it was) hides the running results.
    form = setup_form(tiers="", running_results="shown")
    response = organizer.post(url, data={"csrf_token": csrf(organizer, url), **form})
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    with app.app_context():
        assert db.session.get(Contest, contest_id).show_running_results is False
    assert chosen(organizer.get(url).get_data(as_text=True)) == "hidden"
    # The organizer may show them again on purpose.
    form = setup_form(tiers="", running_results="shown")
    organizer.post(url, data={"csrf_token": csrf(organizer, url), **form})
    with app.app_context():
        assert db.session.get(Contest, contest_id).show_running_results is True
    # A form without the field (an older page) keeps the setting; a made-up value is refused.
    organizer.post(url, data={"csrf_token": csrf(organizer, url), **setup_form(tiers="")})
    with app.app_context():
        assert db.session.get(Contest, contest_id).show_running_results is True
    bad = setup_form(tiers="", running_results="sometimes")
    response = organizer.post(url, data={"csrf_token": csrf(organizer, url), **bad})
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)


def test_the_set_up_page_says_hall_screen_in_chinese(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, _contest_id = contest_world(entries=2, judges=1, tiers=())
    organizer = login_as(app, w.organizer_id)
    organizer.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    page = organizer.get(setup_url(w)).get_data(as_text=True)
    assert "大厅成绩屏" in page and "公布前隐藏" in page
