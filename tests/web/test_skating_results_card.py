"""The results card of a Skating System final: the rule that broke a tie, in words, only where
a tie was broken; each dance's places on the card."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from tests.conftest import csrf
from tests.web.test_contests_pages import login_as
from tests.web.test_contests_skating_page import cells, skating_world

# Couples 1 and 2 tie on 3 (1 + 2, 2 + 1); rule 10 cannot part them, rule 11 over all six
# marks does (couple 1 has four 1sts). Couple 3 (3 + 3) is third by rule 9 alone.
SHEETS = {"华尔兹": [[1, 2, 3]] * 3, "探戈": [[2, 1, 3], [2, 1, 3], [1, 2, 3]]}


def published_final(
    app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> tuple[Flask, int]:
    w, contest_id = skating_world(
        app, make_event, make_user, ["华尔兹", "探戈"], SHEETS, couples=3, judges=3
    )
    organizer = login_as(app, w.organizer_id)
    response = organizer.post(
        f"/contests/{contest_id}/publish",
        data={"csrf_token": csrf(organizer, f"/contests/{contest_id}")},
    )
    assert response.status_code == 302
    return app, contest_id


def rows_of(page: str) -> list[str]:
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return body.split("<tr>")[1:]


def test_only_the_places_decided_by_breaking_a_tie_name_the_rule_in_chinese(
    app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    _app, contest_id = published_final(app, make_event, make_user)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9"
    page = cells(client.get(f"/contests/{contest_id}/results").get_data(as_text=True))
    first, second, third = rows_of(page)
    rule11 = "按第11条规则（所有舞项的全部裁判名次合并计算）决出"
    assert rule11 in first and rule11 in second
    assert "决出" not in third and "R9" not in page and "R11" not in page
    # Each dance's places on the card.
    assert "华尔兹 1" in first and "探戈 2" in first
    assert "华尔兹 3" in third and "探戈 3" in third


def test_the_english_card_says_rule_11_in_words(
    app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    _app, contest_id = published_final(app, make_event, make_user)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = cells(client.get(f"/contests/{contest_id}/results").get_data(as_text=True))
    first, _second, third = rows_of(page)
    assert "Tie decided by Rule 11 (all judges&#39; marks of all dances counted together)" in first
    assert "Rule" not in third and "tie broken" not in page
