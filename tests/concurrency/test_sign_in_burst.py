"""Forty wrong passwords for one person at one instant, under gunicorn (issue 15, item 2).

The try is reserved in the database before the password is checked, so of any number of
simultaneous tries at most the limit (5) are checked, whichever spelling of the login each
uses; nothing answers with a 5xx; and the owner, from an address that has not failed, signs in
right after. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from eventsys.extensions import db
from eventsys.models import LoginThrottle
from eventsys.services import accounts
from tests.concurrency.harness import CSRF, ROOT, Browser, Server, all_at_once, database, serving
from tests.conftest import PASSWORD, make_app

LIMIT = 5
TRIES = 40
GUESSER = "203.0.113.5"
OWNER = "198.51.100.7"
SPELLINGS = (
    "13800138000",
    "138-0013-8000",
    "x13800138000",
    "138--00138000",
    "１３８００１３８０００",
)
WRONG = "The login name or password is not right"
TOO_MANY = "Too many failed attempts"

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Flask, Server]]:
    from flask_migrate import upgrade

    url, drop = database(request.param, tmp_path)
    app = make_app(url, str(tmp_path))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        accounts.create_user(
            accounts.NewUser(
                name="张和顺", login="zhanghs", phone="13800138000", password=PASSWORD
            ),
            actor=None,
        )
        db.session.commit()
    # Behind one trusted proxy the client's address comes from X-Forwarded-For.
    settings = {"LOGIN_MAX_FAILURES": str(LIMIT), "PROXY_COUNT": "1"}
    with serving(app, url, drop, workers=2, **settings) as server:
        yield app, server


def _post_login(
    browser: Browser, token: str, login: str, password: str, address: str
) -> tuple[int, str]:
    body = urllib.parse.urlencode({"csrf_token": token, "login": login, "password": password})
    request = urllib.request.Request(
        browser.base + "/login",
        data=body.encode(),
        method="POST",
        headers={"X-Forwarded-For": address, "Accept-Language": "en"},
    )
    return browser._open(request)


def _token(browser: Browser) -> str:
    status, page = browser.get("/login")
    match = CSRF.search(page)
    assert status == 200 and match
    return match.group(1) or match.group(2)


def test_forty_simultaneous_wrong_passwords_get_at_most_the_limit_checked(
    served: tuple[Flask, Server],
) -> None:
    app, server = served
    browsers = [Browser(server.base) for _ in range(TRIES)]
    tokens = [_token(browser) for browser in browsers]
    answers: list[tuple[int, str]] = [(0, "")] * TRIES

    def attempt(index: int) -> int:
        answers[index] = _post_login(
            browsers[index], tokens[index], SPELLINGS[index % len(SPELLINGS)], "wrong!", GUESSER
        )
        return answers[index][0]

    statuses, _seconds = all_at_once([lambda i=i: attempt(i) for i in range(TRIES)])
    assert all(status in (422, 429) for status in statuses), sorted(set(statuses))
    checked = sum(1 for status, page in answers if status == 422 and WRONG in page)
    slowed = sum(1 for status, page in answers if status == 429 and TOO_MANY in page)
    assert checked == LIMIT and slowed == TRIES - LIMIT, (checked, slowed)

    with app.app_context():
        failures = dict(db.session.execute(select(LoginThrottle.key, LoginThrottle.failures)).all())
    assert failures == {
        f"pair:user:1@{GUESSER}": LIMIT,
        f"address:{GUESSER}": LIMIT,
        "account:user:1": LIMIT,
    }

    # The owner, from an address that has not failed, signs in at once.
    owner = Browser(server.base)
    status, page = _post_login(owner, _token(owner), "138 0013 8000", PASSWORD, OWNER)
    assert status == 200 and "Welcome" in page, page[:300]
