"""Judges' pages: late entries coded in blind contests; the score sheet's keyboard flow."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask

from eventsys.extensions import db
from eventsys.models import Event, Registration
from eventsys.models.contests import Contest
from tests.conftest import csrf
from tests.services.test_contests import score
from tests.web.test_contests_get_writes_nothing import register_late
from tests.web.test_contests_pages import contest_world, first_sheet, login_as, post_sheet

__all__ = ["contest_world"]  # the fixture, imported for the tests below


def test_an_entry_registered_after_the_panel_shows_its_code_to_the_judge(
    app: Flask, contest_world: Callable[..., Any], make_user: Callable[..., int]
) -> None:
    w, contest_id = contest_world(blind=True)
    late = register_late(app, w, make_user, 1)
    judge = login_as(app, w.judge_ids[1])
    listing = judge.get(f"/judging/{contest_id}").get_data(as_text=True)
    sheet = judge.get(f"/judging/{contest_id}/entries/{late}")
    assert sheet.status_code == 200
    with app.app_context():
        code = db.session.get(Registration, late).blind_code
    assert code is not None
    page = sheet.get_data(as_text=True)
    assert code in listing and code in page
    assert f"Entry {late}" not in listing and "迟到诗人1" not in listing + page


def test_the_score_sheet_is_ready_for_the_keyboard(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world()
    judge = login_as(app, w.judge_ids[0])
    page = judge.get(f"/judging/{contest_id}/entries/{w.entry_ids[0]}").get_data(as_text=True)
    fields = re.findall(r"<input id=\"(mark_\d+)\"[^>]*>", page, flags=re.S)
    tags = re.findall(r"<input id=\"mark_\d+\"[^>]*>", page, flags=re.S)
    assert len(fields) == 4
    for name, tag in zip(fields, tags, strict=True):
        assert 'inputmode="decimal"' in tag and 'type="text"' in tag
        assert f'aria-describedby="{name}-range' in tag
        assert f'id="{name}-range"' in page  # the range the field is described by exists
        assert 'data-min="0"' in tag and "data-max=" in tag
    assert 'enterkeyhint="next"' in tags[0] and 'enterkeyhint="done"' in tags[-1]
    assert "autofocus" in tags[0] and not any("autofocus" in tag for tag in tags[1:])
    # No positive tabindex: the order of the page is the order of the keyboard.
    assert re.search(r'tabindex="[1-9]', page) is None
    assert "<output data-total>" in page and "data-enter-next" in page
    # Scripts come from files only (the CSP forbids inline script and handlers).
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    assert re.search(r"\son[a-z]+=", page) is None
    # The submit button comes before the draft button, so Enter in the last field submits.
    assert page.index('value="submit"') < page.index('value="draft"')


def test_a_server_error_keeps_the_field_described_by_its_range_and_its_error(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world()
    judge, url = first_sheet(app, w, contest_id)
    response, ids = post_sheet(judge, url, ["8,5", "２７．５", "18", ""])
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'aria-describedby="{ids[0]}-range {ids[0]}-error"' in page
    assert 'value="8,5"' in page and 'value="２７．５"' in page


def test_places_typed_with_full_width_digits_are_accepted(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(
        entries=3, aggregation="skating", dances=("华尔兹",), criteria=(), tiers=()
    )
    judge = login_as(app, w.judge_ids[0])
    url = f"/judging/{contest_id}/dances/0"
    page = judge.get(url).get_data(as_text=True)
    assert 'aria-describedby="places-hint' in page and 'id="places-hint"' in page
    ids = re.findall(r'name="(place_\d+)"', page)
    data = {"csrf_token": csrf(judge, url), "version": "0", "action": "submit"}
    data.update(dict(zip(ids, ["２", "１", " 3 "], strict=True)))
    assert judge.post(url, data=data).status_code == 302


def test_a_certificate_does_not_quote_a_title_that_brings_its_own_quotes(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(entries=3, judges=1)
    with app.app_context():
        event = db.session.get(Event, w.event_id)
        event.title = "“诗歌抒情怀”原创诗词比赛"
        db.session.commit()
        contest = db.session.get(Contest, contest_id)
        for index, entry_id in enumerate(w.entry_ids):
            score(contest, w.judge_ids[0], entry_id, [20 + index, 20, 15, 15])
    organizer = login_as(app, w.organizer_id)
    organizer.post(
        f"/contests/{contest_id}/publish",
        data={"csrf_token": csrf(organizer, f"/contests/{contest_id}")},
    )
    page = organizer.get(f"/contests/{contest_id}/certificates").get_data(as_text=True)
    assert "在“诗歌抒情怀”原创诗词比赛中荣获" in page and "““" not in page
