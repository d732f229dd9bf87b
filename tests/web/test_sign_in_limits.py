"""Sign-in limits: counted per person and per address, never per typed text; the guesser is
slowed with growing waits, the owner from another address still gets in (issue 15, 1 and 3)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from eventsys.errors import EventsysError, TooManyAttempts
from eventsys.extensions import db
from eventsys.services import accounts
from eventsys.timeutil import utcnow
from tests.conftest import PASSWORD, csrf

GUESSER = "203.0.113.5"
OWNER = "198.51.100.7"
TOO_MANY = "Too many failed attempts"
SPELLINGS = ("138-0013-8000", "x13800138000", "138--00138000", "１３８００１３８０００")


def _try(client: FlaskClient, login: str, password: str, address: str = GUESSER) -> tuple[int, str]:
    token = csrf(client)
    response = client.post(
        "/login",
        data={"csrf_token": token, "login": login, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers={"Accept-Language": "en"},
    )
    return response.status_code, response.get_data(as_text=True)


@pytest.fixture
def member(make_user: Callable[..., int]) -> int:
    return make_user(login="zhanghs", phone="13800138000", name="张和顺")


@pytest.fixture
def limits(app: Flask) -> Iterator[dict[str, int]]:
    """The configured limits, restored after the test changed them."""
    keys = ("LOGIN_MAX_FAILURES", "LOGIN_ADDRESS_MAX_FAILURES", "LOGIN_ACCOUNT_MAX_FAILURES")
    saved = {key: app.config[key] for key in keys}
    yield app.config  # type: ignore[misc]
    app.config.update(saved)


def test_five_wrong_passwords_leave_no_fresh_tries_under_another_spelling(
    app: Flask, member: int
) -> None:
    client = app.test_client()
    for _ in range(5):
        status, page = _try(client, "13800138000", "wrong password")
        assert status == 422 and TOO_MANY not in page
    for spelling in (*SPELLINGS, "ZHANGHS", " zhanghs "):
        status, page = _try(client, spelling, "wrong password")
        assert status == 429 and TOO_MANY in page, spelling
    # The right password from the guesser's address waits too: the wait is for that address.
    status, page = _try(client, "zhanghs", PASSWORD)
    assert status == 429


def test_spellings_of_an_unknown_number_share_one_limit(app: Flask) -> None:
    client = app.test_client()
    for _ in range(5):
        assert _try(client, "13900139000", "wrong password")[0] == 422
    for spelling in ("139-0013-9000", "１３９００１３９０００", "x13900139000"):
        status, page = _try(client, spelling, "wrong password")
        assert status == 429 and TOO_MANY in page, spelling


def test_the_owner_signs_in_from_an_address_that_has_not_failed(app: Flask, member: int) -> None:
    guesser = app.test_client()
    for _ in range(8):
        _try(guesser, "13800138000", "wrong password")
    assert _try(guesser, "zhanghs", PASSWORD)[0] == 429
    owner = app.test_client()
    status, _page = _try(owner, "138 0013 8000", PASSWORD, address=OWNER)
    assert status == 302


def _fail(login: str, now, address: str = GUESSER) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EventsysError) as refusal:
        accounts.authenticate(login, "wrong password", now=now, address=address)
    assert not isinstance(refusal.value, TooManyAttempts)
    db.session.commit()


def _refused(login: str, now, password: str = "wrong password") -> None:  # type: ignore[no-untyped-def]  # noqa: S107
    with pytest.raises(TooManyAttempts):
        accounts.authenticate(login, password, now=now, address=GUESSER)
    db.session.commit()


def test_the_wait_doubles_with_every_further_failure(ctx: Flask, member: int) -> None:
    start = utcnow()
    for _ in range(5):
        _fail("zhanghs", start)
    _refused("zhanghs", start + timedelta(seconds=59))
    later = start + timedelta(seconds=61)  # the first wait: one minute
    _fail("zhanghs", later)
    _refused("zhanghs", later + timedelta(seconds=119))
    later += timedelta(seconds=121)  # then two minutes
    _fail("zhanghs", later)
    _refused("zhanghs", later + timedelta(seconds=239), password=PASSWORD)
    later += timedelta(seconds=241)  # then four; the right password then clears the wait
    assert accounts.authenticate("zhanghs", PASSWORD, now=later, address=GUESSER).id == member
    db.session.commit()
    for _ in range(4):
        _fail("zhanghs", later)


def test_one_address_trying_many_people_is_slowed(
    ctx: Flask, make_user: Callable[..., int], limits: dict[str, int]
) -> None:
    limits["LOGIN_ADDRESS_MAX_FAILURES"] = 6
    for n in range(6):
        make_user(login=f"member{n}")
    now = utcnow()
    for n in range(6):
        _fail(f"member{n}", now)
    _refused("member0", now)
    _refused("nobody-at-all", now)
    # Another address is not slowed by it.
    _fail("member0", now, address=OWNER)


def test_many_addresses_against_one_person_stop_at_the_person_limit_and_the_desk_lifts_it(
    ctx: Flask, member: int, make_user: Callable[..., int], limits: dict[str, int]
) -> None:
    from eventsys.models import User

    limits["LOGIN_ACCOUNT_MAX_FAILURES"] = 8
    now = utcnow()
    for n in range(8):
        _fail("13800138000", now, address=f"192.0.2.{n + 1}")
    with pytest.raises(TooManyAttempts):
        accounts.authenticate("zhanghs", PASSWORD, now=now, address=OWNER)
    db.session.commit()
    person = db.session.get(User, member)
    assert accounts.sign_in_paused_until(person, now=now) is not None
    organizer = db.session.get(User, make_user(roles=("organizer",)))
    accounts.unlock_sign_in(person, actor=organizer, now=now)
    db.session.commit()
    assert accounts.sign_in_paused_until(person, now=now) is None
    assert accounts.authenticate("zhanghs", PASSWORD, now=now, address=OWNER).id == member
