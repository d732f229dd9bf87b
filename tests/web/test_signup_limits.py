"""Sign-up without user enumeration (issue 8): a taken name is said plainly, probing is limited.

Sign-up cannot hide that a login name or phone number is taken (the account is refused); with no
out-of-band channel (the members have no e-mail) the mitigation is a limit: sign-ups refused for
a taken name count per client address, in the database, and past the limit every sign-up from
that address is refused whatever the name. Free names do not count (the centre's Wi-Fi is one
address on a sign-up morning). Taken and free names cost the same: the password is hashed in both
cases."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from eventsys.errors import Conflict, TooManyAttempts
from eventsys.extensions import db
from eventsys.models import SignupRefusal, User
from eventsys.models import users as user_models
from eventsys.services import accounts
from eventsys.timeutil import utcnow
from tests.conftest import csrf

HERE = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
TOO_MANY = "Too many sign-ups"
TAKEN = "already taken"


def sign_up(
    app: Flask,
    login_name: str,
    *,
    address: str = HERE,
    phone: str = "",
    client: FlaskClient | None = None,
) -> Any:
    client = client or app.test_client()
    return client.post(
        "/signup",
        data={
            "csrf_token": csrf(client, "/signup"),
            "name": "朱淑珍",
            "login": login_name,
            "phone": phone,
            "password": "long enough 1",
        },
        headers={"Accept-Language": "en"},
        environ_base={"REMOTE_ADDR": address},
    )


def users(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User)) or 0


def exists(app: Flask, login_name: str) -> bool:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.login == login_name)) is not None


@pytest.fixture
def taken(make_user: Callable[..., int]) -> list[str]:
    names = [f"laoren{n}" for n in range(1, 8)]
    for name in names:
        make_user(login=name)
    return names


def test_probing_taken_names_is_refused_after_five_tries_whatever_the_name(
    app: Flask, taken: list[str]
) -> None:
    for name in taken[:5]:
        response = sign_up(app, name)
        assert response.status_code == 422
        assert TAKEN in response.get_data(as_text=True)
    before = users(app)
    # The sixth try is refused before any name is looked up: a free name and a taken one get
    # the same answer, and the free one is not created.
    for name in ("freename", taken[5]):
        response = sign_up(app, name)
        page = response.get_data(as_text=True)
        assert response.status_code == 429
        assert TOO_MANY in page and "60 minutes" in page
        assert TAKEN not in page
    assert users(app) == before
    assert not exists(app, "freename")


def test_the_limit_counts_per_address(app: Flask, taken: list[str]) -> None:
    for name in taken[:5]:
        sign_up(app, name)
    assert sign_up(app, "freename").status_code == 429
    response = sign_up(app, "freename", address=ELSEWHERE)
    assert response.status_code == 302
    assert exists(app, "freename")


def test_one_ipv6_network_is_one_address(app: Flask, taken: list[str]) -> None:
    for n, name in enumerate(taken[:5]):
        sign_up(app, name, address=f"2001:db8:5:6::{n + 1:x}")
    assert sign_up(app, "freename", address="2001:db8:5:6:ffff::1").status_code == 429
    assert sign_up(app, "freename", address="2001:db8:5:7::1").status_code == 302


def test_a_taken_phone_number_counts_like_a_taken_name(
    app: Flask, make_user: Callable[..., int]
) -> None:
    make_user(login="caiyl", phone="13900001111")
    for n in range(5):
        response = sign_up(app, f"newname{n}", phone="13900001111")
        assert response.status_code == 422
        assert "phone number is already registered" in response.get_data(as_text=True)
    assert sign_up(app, "freename").status_code == 429


def test_free_names_do_not_count_so_a_busy_morning_on_one_address_can_sign_up(
    app: Flask, taken: list[str]
) -> None:
    for name in taken[:4]:
        assert sign_up(app, name).status_code == 422
    for n in range(8):
        assert sign_up(app, f"newcomer{n}").status_code == 302
    assert all(exists(app, f"newcomer{n}") for n in range(8))
    # A real person who mistyped once more is still let through to the helpful answer.
    assert sign_up(app, taken[4]).status_code == 422


def test_a_real_sign_up_after_a_taken_name_works(app: Flask, taken: list[str]) -> None:
    client = app.test_client()
    assert sign_up(app, taken[0], client=client).status_code == 422
    response = sign_up(app, "zhushuzhen", client=client)
    assert response.status_code == 302
    assert exists(app, "zhushuzhen")
    assert client.get("/me/").status_code == 200


def test_a_taken_name_comes_with_free_names_to_choose(
    app: Flask, make_user: Callable[..., int]
) -> None:
    make_user(login="zhusz")
    for n in range(10, 30):  # 20 of 90 taken: 3 of the 12 drawn are free but once in 600,000
        make_user(login=f"zhusz{n}")
    page = sign_up(app, "zhusz").get_data(as_text=True)
    assert TAKEN in page and "mobile number" in page
    suggested = re.findall(r"\bzhusz\d+\b", page.split("These are free:", 1)[1][:200])
    assert len(suggested) == 3
    # Free, and drawn at random rather than counted up, so no gap tells of a taken name.
    assert all(not exists(app, name) and 30 <= int(name[5:]) <= 99 for name in suggested)
    assert sign_up(app, suggested[0], address=ELSEWHERE).status_code == 302


def test_the_limit_is_in_the_database_and_ends_with_its_window(
    ctx: Flask, make_user: Callable[..., int]
) -> None:
    make_user(login="wangli")
    now = utcnow()

    def attempt(login_name: str, at: Any) -> User:
        return accounts.sign_up(
            accounts.NewUser(name="王丽", login=login_name, password="long enough 1"),
            address=HERE,
            now=at,
        )

    for _ in range(5):
        with pytest.raises(Conflict):
            attempt("wangli", now)
    assert db.session.scalar(select(func.count()).select_from(SignupRefusal)) == 5
    with pytest.raises(TooManyAttempts):
        attempt("wanglifree", now + timedelta(minutes=59))
    assert attempt("wanglifree", now + timedelta(minutes=61)).login == "wanglifree"


def test_taken_and_free_names_both_hash_the_password(
    ctx: Flask, make_user: Callable[..., int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Timing parity, checked by structure: the slow step happens on both paths."""
    make_user(login="liuyl")
    calls: list[str] = []
    real = user_models.generate_password_hash

    def counting(password: str, *args: Any, **kwargs: Any) -> str:
        calls.append(password)
        return real(password, *args, **kwargs)

    monkeypatch.setattr(user_models, "generate_password_hash", counting)
    with pytest.raises(Conflict):
        accounts.sign_up(
            accounts.NewUser(name="刘玉兰", login="LiuYL", password="taken path 1"),
            address=HERE,
            now=utcnow(),
        )
    assert calls == ["taken path 1"]
    accounts.sign_up(
        accounts.NewUser(name="刘玉兰", login="liuyulan", password="free path 1"),
        address=HERE,
        now=utcnow(),
    )
    assert calls == ["taken path 1", "free path 1"]


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_addresses_are_counted_by_host_or_ipv6_network(address: str | None, key: str) -> None:
    assert accounts.client_key(address) == key


def test_behind_the_tls_proxy_the_forwarded_address_is_the_one_counted(
    app: Flask, taken: list[str]
) -> None:
    """With PROXY_COUNT = 1 every request comes from the proxy; X-Forwarded-For tells people
    apart, so one prober does not lock the whole centre out."""
    from eventsys import wrap_wsgi

    original = app.wsgi_app
    app.config["PROXY_COUNT"] = 1
    wrap_wsgi(app)
    try:
        proxy = "10.0.0.2"
        for name in taken[:5]:
            client = app.test_client()
            client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
            sign_up(app, name, address=proxy, client=client)
        prober = app.test_client()
        prober.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
        assert sign_up(app, "freename", address=proxy, client=prober).status_code == 429
        neighbour = app.test_client()
        neighbour.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.10"
        assert sign_up(app, "freename", address=proxy, client=neighbour).status_code == 302
    finally:
        app.wsgi_app = original  # type: ignore[method-assign]
        app.config["PROXY_COUNT"] = 0
