"""The judge's sheet: read-only once published (said once), and submit goes to the next entry."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from eventsys.extensions import db
from eventsys.models import User
from eventsys.models.contests import Contest
from eventsys.services import results
from tests.conftest import csrf
from tests.services.test_contests import World, build_world, score, set_up
from tests.web.test_contests_pages import first_sheet, login_as, post_sheet

LOCKED = "The results are published, so the marks are locked."


@pytest.fixture
def contest_world(
    app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> Callable[..., tuple[World, int]]:
    def make(entries: int = 3, judges: int = 1, **settings: Any) -> tuple[World, int]:
        w = build_world(app, make_event, make_user, entries=entries, judges=judges)
        with app.app_context():
            return w, set_up(w, tiers=(), **settings).id

    return make


def publish_all(app: Flask, w: World, contest_id: int) -> None:
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        for judge_id in w.judge_ids:
            for n, entry_id in enumerate(w.entry_ids):
                score(contest, judge_id, entry_id, [20 + n, 20, 15, 15])
        results.publish(contest, actor=db.session.get(User, w.organizer_id))
        db.session.commit()


def submit(client: FlaskClient, url: str, marks: list[str], version: str = "0") -> Any:
    return post_sheet(client, url, marks, version=version)[0]


def test_a_sheet_after_publication_is_shown_read_only_with_the_reason(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world()
    publish_all(app, w, contest_id)
    judge = login_as(app, w.judge_ids[0])
    url = f"/judging/{contest_id}/entries/{w.entry_ids[1]}"
    response = judge.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count(LOCKED) == 1
    assert 'name="mark_' not in page and 'value="submit"' not in page
    # The saved marks are there to read: 21, 20, 15, 15.
    assert re.search(r">\s*21\s*<", page) and page.count(">15<") >= 2


def test_a_save_sent_after_publication_is_refused_once_on_a_read_only_sheet(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world()
    judge, url = first_sheet(app, w, contest_id)
    token = csrf(judge, url)
    ids = re.findall(r'name="(mark_\d+)"', judge.get(url).get_data(as_text=True))
    publish_all(app, w, contest_id)  # while the form was open
    data = {"csrf_token": token, "version": "1", "action": "submit"}
    data.update(dict(zip(ids, ["30", "30", "20", "20"], strict=True)))
    response = judge.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert page.count(LOCKED) == 1
    assert 'name="mark_' not in page


def test_a_stale_save_says_so_once(app: Flask, contest_world: Callable[..., Any]) -> None:
    w, contest_id = contest_world()
    with app.app_context():
        score(db.session.get(Contest, contest_id), w.judge_ids[0], w.entry_ids[0], [1, 1, 1, 1])
    judge, url = first_sheet(app, w, contest_id)
    response = submit(judge, url, ["2", "2", "2", "2"], version="0")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert page.count("Someone saved this sheet after you opened it") == 1


def test_submitting_goes_to_the_next_entry_to_score_and_says_what_was_saved(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(entries=3)
    judge = login_as(app, w.judge_ids[0])
    first, second, third = w.entry_ids
    # The second entry is already done: from the first, the next to score is the third.
    with app.app_context():
        score(db.session.get(Contest, contest_id), w.judge_ids[0], second, [9, 9, 9, 9])
    response = submit(judge, f"/judging/{contest_id}/entries/{first}", ["28", "25", "18", "17"])
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/judging/{contest_id}/entries/{third}")
    page = judge.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your marks for 诗人1 are submitted" in page
    assert "立意 28" in page and "意境 17" in page and "88" in page
    # The last one: back to the list, all done.
    response = submit(judge, f"/judging/{contest_id}/entries/{third}", ["20", "20", "15", "15"])
    assert response.headers["Location"].endswith(f"/judging/{contest_id}")
    listing = judge.get(response.headers["Location"]).get_data(as_text=True)
    assert "All your sheets are submitted" in listing


def test_the_next_entry_follows_the_code_order_of_a_blind_contest(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(entries=4, blind=True)
    judge = login_as(app, w.judge_ids[0])
    listing = judge.get(f"/judging/{contest_id}").get_data(as_text=True)
    order = [int(n) for n in re.findall(rf"/judging/{contest_id}/entries/(\d+)", listing)]
    assert sorted(order) == sorted(w.entry_ids)
    response = submit(judge, f"/judging/{contest_id}/entries/{order[0]}", ["1", "1", "1", "1"])
    assert response.headers["Location"].endswith(f"/entries/{order[1]}")


def test_placings_go_to_the_next_dance_and_are_read_only_once_published(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(
        entries=3, aggregation="skating", dances=("华尔兹", "探戈"), criteria=()
    )
    judge = login_as(app, w.judge_ids[0])

    def place(index: int) -> Any:
        url = f"/judging/{contest_id}/dances/{index}"
        ids = re.findall(r'name="(place_\d+)"', judge.get(url).get_data(as_text=True))
        data = {"csrf_token": csrf(judge, url), "version": "0", "action": "submit"}
        data.update(dict(zip(ids, ["1", "2", "3"], strict=True)))
        return judge.post(url, data=data)

    assert place(0).headers["Location"].endswith(f"/judging/{contest_id}/dances/1")
    assert place(1).headers["Location"].endswith(f"/judging/{contest_id}")
    with app.app_context():
        results.publish(
            db.session.get(Contest, contest_id), actor=db.session.get(User, w.organizer_id)
        )
        db.session.commit()
    page = judge.get(f"/judging/{contest_id}/dances/0").get_data(as_text=True)
    assert page.count(LOCKED) == 1 and 'name="place_' not in page
