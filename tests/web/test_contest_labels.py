"""Words of the contest pages in Chinese: each context its own msgid (pgettext), not the
event's "活动名称" for a poem's title nor a match's "比分" for a judged score."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf
from tests.web.test_contests_pages import contest_world, login_as, score_everything

__all__ = ["contest_world"]  # the fixture, imported for the tests below


def chinese(client: FlaskClient) -> FlaskClient:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9"
    return client


def published(app: Flask, contest_world: Callable[..., Any]) -> tuple[Any, int]:
    w, contest_id = contest_world(entries=3, judges=1, tiers=())
    score_everything(app, w, contest_id)
    organizer = login_as(app, w.organizer_id)
    organizer.post(
        f"/contests/{contest_id}/publish",
        data={"csrf_token": csrf(organizer, f"/contests/{contest_id}")},
    )
    return w, contest_id


def test_the_results_card_calls_the_poet_an_entrant_and_the_mark_a_score(
    app: Flask, client: FlaskClient, contest_world: Callable[..., Any]
) -> None:
    _w, contest_id = published(app, contest_world)
    page = chinese(client).get(f"/contests/{contest_id}/results").get_data(as_text=True)
    assert '<th scope="col">参赛者</th>' in page and 'data-label="参赛者"' in page
    assert '<th scope="col">得分</th>' in page and 'data-label="得分"' in page
    assert "比分" not in page and "参赛作品" not in page
    board = chinese(client).get(f"/contests/{contest_id}/scoreboard").get_data(as_text=True)
    assert "参赛者" in board and "得分" in board and "比分" not in board


def test_the_matrix_and_the_export_use_the_same_words(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = published(app, contest_world)
    organizer = chinese(login_as(app, w.organizer_id))
    page = organizer.get(f"/contests/{contest_id}/matrix").get_data(as_text=True)
    assert "参赛者" in page and '<th scope="col">得分</th>' in page and "比分" not in page
    csv = organizer.get(f"/contests/{contest_id}/export/results.csv").data.decode("utf-8-sig")
    header = csv.splitlines()[0].split(",")
    assert "参赛者" in header and "作品名称" in header and "得分" in header
    assert "活动名称" not in header and "比分" not in header


def test_the_judges_list_heads_the_poem_title_column_as_the_works_title(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(entries=2, judges=1, tiers=())
    judge = chinese(login_as(app, w.judge_ids[0]))
    page = judge.get(f"/judging/{contest_id}").get_data(as_text=True)
    assert '<th scope="col">作品名称</th>' in page and "活动名称" not in page
