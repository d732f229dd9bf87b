"""Cookies and sessions: secure defaults, signing out, signing out everywhere, new passwords.

A session and a remember-me cookie both carry User.get_id() = "id:session_version"; bumping the
version ends every one of them, on every device."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from eventsys import create_app
from eventsys.config import Defaults
from eventsys.extensions import db
from eventsys.models import AuditRecord, User
from tests.conftest import PASSWORD, csrf, csrf_from

REMEMBER = "remember_token"
HTTPS = "https://localhost"


def sign_in(client: FlaskClient, login_name: str, *, remember: bool = True) -> None:
    data = {"csrf_token": csrf(client), "login": login_name, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def signed_in_as(client: FlaskClient) -> bool:
    response = client.get("/me/")
    if response.status_code == 302:
        assert "/login" in (response.location or "")
        return False
    assert response.status_code == 200
    return True


def remembered_only(app: Flask, client: FlaskClient) -> FlaskClient:
    """A fresh client holding nothing but a copy of *client*'s remember-me cookie."""
    cookie = client.get_cookie(REMEMBER)
    assert cookie is not None, "no remember-me cookie was set"
    other = app.test_client()
    other.set_cookie(REMEMBER, cookie.value)
    return other


@pytest.fixture
def member(app: Flask, make_user: Callable[..., int]) -> tuple[int, str]:
    user_id = make_user(login="wanglaoshi")
    return user_id, "wanglaoshi"


def session_version(app: Flask, user_id: int) -> int:
    with app.app_context():
        return db.session.get(User, user_id).session_version


# --- secure defaults ---------------------------------------------------------------------------


@pytest.fixture
def default_cookie_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """An app with the shipped cookie settings (no test override of them), on SQLite."""
    from flask_migrate import upgrade

    for name in list(os.environ):
        if name.startswith("EVENTSYS_") and "COOKIE" in name:
            monkeypatch.delenv(name)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-not-for-production",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/cookies.sqlite3",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    app.instance_path = str(tmp_path)
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parents[2] / "migrations"), revision="heads")
        from eventsys.services import accounts

        accounts.create_user(
            accounts.NewUser(name="王老师", login="wanglaoshi", password=PASSWORD), actor=None
        )
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_shipped_cookies_are_secure_httponly_and_same_site_lax(
    default_cookie_app: Flask,
) -> None:
    app = default_cookie_app
    assert Defaults.SESSION_COOKIE_SECURE is True and Defaults.REMEMBER_COOKIE_SECURE is True
    assert app.config["SESSION_COOKIE_NAME"] == "session"
    assert timedelta(days=7) <= app.config["REMEMBER_COOKIE_DURATION"] <= timedelta(days=90)
    client = app.test_client()
    page = client.get("/login", base_url=HTTPS)
    response = client.post(
        "/login",
        base_url=HTTPS,
        headers={"Referer": f"{HTTPS}/login"},  # Flask-WTF checks it over https
        data={
            "csrf_token": csrf_from(page.get_data(as_text=True)),
            "login": "wanglaoshi",
            "password": PASSWORD,
            "remember": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    assert set(cookies) >= {"session", REMEMBER}
    for name in ("session", REMEMBER):
        attributes = [part.strip().lower() for part in cookies[name].split(";")]
        assert "secure" in attributes, cookies[name]
        assert "httponly" in attributes, cookies[name]
        assert "samesite=lax" in attributes, cookies[name]
    expires = next(
        part.split("=", 1)[1]
        for part in cookies[REMEMBER].split(";")
        if part.strip().lower().startswith("expires=")
    )
    lasts = parsedate_to_datetime(expires) - datetime.now(UTC)
    assert timedelta(days=29) < lasts <= timedelta(days=30, minutes=1)


# --- signing out -------------------------------------------------------------------------------


def test_signing_out_everywhere_ends_every_session_and_remember_me_cookie(
    app: Flask, member: tuple[int, str]
) -> None:
    user_id, login_name = member
    here, phone = app.test_client(), app.test_client()
    sign_in(here, login_name)
    sign_in(phone, login_name)
    copy = remembered_only(app, phone)
    assert signed_in_as(here) and signed_in_as(phone) and signed_in_as(copy)
    version = session_version(app, user_id)

    page = here.get("/me/").get_data(as_text=True)
    assert "/me/sign-out-everywhere" in page
    response = here.post("/me/sign-out-everywhere", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302 and "/login" in (response.location or "")

    assert session_version(app, user_id) == version + 1
    assert not signed_in_as(here)
    assert not signed_in_as(phone)
    assert not signed_in_as(copy)
    assert here.get_cookie(REMEMBER) is None
    with app.app_context():
        record = db.session.scalars(
            select(AuditRecord).where(AuditRecord.action == "user.sign_out_everywhere")
        ).one()
        assert (record.actor_id, record.object_id) == (user_id, user_id)
    # Signing in again works, everywhere.
    sign_in(phone, login_name)
    assert signed_in_as(phone)


def test_signing_out_everywhere_needs_the_csrf_token_and_a_signed_in_user(
    app: Flask, member: tuple[int, str]
) -> None:
    user_id, login_name = member
    anonymous = app.test_client()
    response = anonymous.post("/me/sign-out-everywhere", data={"csrf_token": csrf(anonymous)})
    assert response.status_code == 302 and "/login" in (response.location or "")
    client = app.test_client()
    sign_in(client, login_name)
    version = session_version(app, user_id)
    assert client.post("/me/sign-out-everywhere").status_code == 400
    assert session_version(app, user_id) == version
    assert signed_in_as(client)


def test_signing_out_deletes_the_remember_me_cookie(app: Flask, member: tuple[int, str]) -> None:
    _user_id, login_name = member
    client = app.test_client()
    sign_in(client, login_name)
    assert client.get_cookie(REMEMBER) is not None
    response = client.post("/logout", data={"csrf_token": csrf(client, "/me/")})
    assert response.status_code == 302
    assert client.get_cookie(REMEMBER) is None
    # The next request is anonymous: the browser's cookie did not sign it back in.
    assert not signed_in_as(client)


def test_a_new_password_ends_the_other_devices_remember_me_cookies(
    app: Flask, member: tuple[int, str]
) -> None:
    user_id, login_name = member
    here, phone = app.test_client(), app.test_client()
    sign_in(here, login_name)
    sign_in(phone, login_name)
    copy = remembered_only(app, phone)
    assert signed_in_as(copy)
    response = here.post(
        "/me/",
        data={
            "password-csrf_token": csrf(here, "/me/"),
            "password-current_password": PASSWORD,
            "password-new_password": "a new password 7",
            "password-submit": "1",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert not signed_in_as(phone)
    assert not signed_in_as(copy)
    # This device stays in, and its new remember-me cookie carries the new version.
    assert signed_in_as(here)
    assert signed_in_as(remembered_only(app, here))
    assert session_version(app, user_id) >= 1
