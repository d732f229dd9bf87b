"""The set-up form: criteria and prizes as rows of labelled inputs, tie-breaks by name, and
numbers refused next to their own input when they do not fit their column."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from eventsys.extensions import db
from eventsys.models.contests import Contest
from tests.conftest import csrf
from tests.web.test_contests_pages import criteria_rows, login_as, setup_form, tier_rows


@pytest.fixture
def organizer(
    app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> tuple[FlaskClient, str]:
    organizer_id = make_user(roles=("organizer",))
    event_id = make_event(kind="poetry_contest", organizer_id=organizer_id)
    return login_as(app, organizer_id), f"/contests/events/{event_id}/setup"


def post(client: FlaskClient, url: str, **overrides: str) -> tuple[int, str]:
    response = client.post(url, data={"csrf_token": csrf(client, url), **setup_form(**overrides)})
    return response.status_code, response.get_data(as_text=True)


def test_the_form_offers_labelled_rows_and_named_tie_breaks(
    organizer: tuple[FlaskClient, str],
) -> None:
    client, url = organizer
    page = client.get(url).get_data(as_text=True)
    # Four criteria and four prizes to start with, plus empty rows to fill in.
    for index, name in enumerate(["立意", "格律", "语言", "意境"]):
        assert re.search(rf'<label for="criteria-{index}-name">Criterion</label>', page)
        assert f'id="criteria-{index}-name"' in page and f'value="{name}"' in page
    assert 'id="criteria-5-name"' in page and 'id="criteria-6-name"' not in page
    assert '<label for="tiers-0-amount">Winners, share (%) or minimum score</label>' in page
    assert 'name="add_criteria"' in page and 'name="remove_criteria" value="0"' in page
    # No code to type: a list of tie-breaks in words.
    assert 'name="tiebreaks"' not in page and "criterion:1" in page
    select = re.search(r'<select id="tiebreaks-0".*?</select>', page, re.S)
    assert select is not None
    assert "higher score for 立意" in select.group(0)
    assert "mean of all judges&#39; totals" in select.group(0)
    # Enter in a field saves rather than removing the first row.
    form = page.split('<form method="post" class="stack" novalidate>', 1)[1]
    first_button = re.search(r"<button[^>]*>", form)
    assert first_button is not None and "name=" not in first_button.group(0)


def test_a_contest_saved_from_rows_keeps_them_and_its_tie_breaks(
    app: Flask, organizer: tuple[FlaskClient, str]
) -> None:
    client, url = organizer
    status, _page = post(
        client,
        url,
        **{"tiebreaks-0": "criterion:2", "tiebreaks-1": "lower_spread", "tiebreaks-2": ""},
    )
    assert status == 302
    with app.app_context():
        contest = db.session.query(Contest).one()
        assert [(c.name, c.max_mark, c.weight) for c in contest.criteria] == [
            ("立意", 30, 1),
            ("格律", 30, 1),
            ("语言", 20, 1),
            ("意境", 20, 1),
        ]
        assert contest.tiebreaks == "criterion:2,lower_spread"
        assert [(t.name, t.quota, t.points) for t in contest.tiers] == [
            ("一等奖", 1, 7),
            ("二等奖", 1, 5),
        ]
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'<option selected value="criterion:2">', page)
    assert re.search(r'<option selected value="lower_spread">', page)
    assert 'value="格律"' in page


def test_add_a_row_and_remove_a_row_change_the_form_only(
    app: Flask, organizer: tuple[FlaskClient, str]
) -> None:
    client, url = organizer
    status, page = post(client, url, add_criteria="1")
    assert status == 200
    assert 'id="criteria-4-name"' in page and 'value="意境"' in page
    status, page = post(client, url, remove_criteria="1")
    assert status == 200
    assert 'value="格律"' not in page and 'value="立意"' in page and 'value="语言"' in page
    with app.app_context():
        assert db.session.query(Contest).count() == 0


def test_empty_rows_are_left_out(app: Flask, organizer: tuple[FlaskClient, str]) -> None:
    client, url = organizer
    data = {**criteria_rows(("立意", "30", "1"), ("", "", ""), ("格律", "20", "2"))}
    data.update({"criteria-3-name": "", "criteria-3-max_mark": "", "criteria-3-weight": ""})
    response = client.post(
        url,
        data={
            "csrf_token": csrf(client, url),
            **{k: v for k, v in setup_form().items() if not k.startswith("criteria-")},
            **data,
        },
    )
    assert response.status_code == 302
    with app.app_context():
        contest = db.session.query(Contest).one()
        assert [(c.name, c.weight) for c in contest.criteria] == [("立意", 1), ("格律", 2)]


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"criteria-0-weight": "1e20"}, "criteria-0-weight", "from 0 to 1000"),
        ({"criteria-1-weight": "0.00001"}, "criteria-1-weight", "at most 4 decimals"),
        ({"criteria-2-max_mark": "100000"}, "criteria-2-max_mark", "from 0 to 99999.99"),
        ({"tiers-0-points": "1e20"}, "tiers-0-points", "from 0 to 100000"),
        ({"tiers-1-points": "0.001"}, "tiers-1-points", "at most 2 decimals"),
        ({"tiers-0-amount": "1e20"}, "tiers-0-amount", "whole number from 0 to 10000"),
        (
            {
                "prize_mode": "threshold",
                **tier_rows(("一等奖", "1e20", "7"), ("二等奖", "80", "5")),
            },
            "tiers-0-amount",
            "from 0 to 999999.9999",
        ),
        (
            {"prize_mode": "share", **tier_rows(("一等奖", "10.001%", "7"), ("二等奖", "20", "5"))},
            "tiers-0-amount",
            "at most 2 decimals",
        ),
        ({"criteria-0-name": ""}, "criteria-0-name", "Every criterion needs a name"),
    ],
)
def test_a_number_that_does_not_fit_is_refused_next_to_its_input(
    app: Flask,
    organizer: tuple[FlaskClient, str],
    overrides: dict[str, str],
    field_id: str,
    message: str,
) -> None:
    client, url = organizer
    status, page = post(client, url, **overrides)
    assert status == 422
    error = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', page, re.S)
    assert error is not None and message in error.group(1)
    assert re.search(rf'<input[^>]*aria-describedby="{field_id}-error"', page)
    with app.app_context():
        assert db.session.query(Contest).count() == 0
