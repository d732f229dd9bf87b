"""Cookies and sessions: secure defaults, signing out, signing out everywhere, new passwords.

A session and a remember-me cookie both carry User.get_id() = "<login_session.id>:<key>": one
signed-in device, recorded in the database. Signing out revokes that device's record, so a copy
of its cookies stops working too; signing out everywhere and a new password revoke them all."""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import encode_cookie
from sqlalchemy import event, select, update

from eventsys import create_app
from eventsys.config import Defaults
from eventsys.extensions import db
from eventsys.models import AuditRecord, LoginSession, User
from eventsys.services import accounts
from eventsys.timeutil import utcnow
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


def session_only(app: Flask, client: FlaskClient) -> FlaskClient:
    """A fresh client holding nothing but a copy of *client*'s session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None, "no session cookie was set"
    other = app.test_client()
    other.set_cookie("session", cookie.value)
    return other


def devices(app: Flask, user_id: int) -> list[LoginSession]:
    with app.app_context():
        rows = db.session.scalars(
            select(LoginSession).where(LoginSession.user_id == user_id).order_by(LoginSession.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


def remembered_only(app: Flask, client: FlaskClient) -> FlaskClient:
    """A fresh client holding nothing but a copy of *client*'s remember-me cookie."""
    cookie = client.get_cookie(REMEMBER)
    assert cookie is not None, "no remember-me cookie was set"
    other = app.test_client()
    other.set_cookie(REMEMBER, cookie.value)
    return other


def two_devices(app: Flask, login_name: str) -> tuple[FlaskClient, FlaskClient]:
    """Two clients ("here" and a phone), each signed in as *login_name*."""
    here, phone = app.test_client(), app.test_client()
    sign_in(here, login_name)
    sign_in(phone, login_name)
    return here, phone


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
    here, phone = two_devices(app, login_name)
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
    here, phone = two_devices(app, login_name)
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


# --- one record per signed-in device ------------------------------------------------------------


def sign_out(client: FlaskClient) -> None:
    response = client.post("/logout", data={"csrf_token": csrf(client, "/me/")})
    assert response.status_code == 302


def test_a_plain_sign_out_ends_copies_of_this_devices_cookies_and_no_other_device(
    app: Flask, member: tuple[int, str]
) -> None:
    user_id, login_name = member
    here, phone = two_devices(app, login_name)
    session_copy, remember_copy = session_only(app, here), remembered_only(app, here)
    assert signed_in_as(session_copy) and signed_in_as(remember_copy)

    sign_out(here)

    assert not signed_in_as(here)
    assert not signed_in_as(session_copy)
    assert not signed_in_as(remember_copy)
    assert signed_in_as(phone)
    assert signed_in_as(remembered_only(app, phone))
    first, second = devices(app, user_id)
    assert first.revoked_at is not None and second.revoked_at is None


def test_signing_out_everywhere_revokes_every_device(app: Flask, member: tuple[int, str]) -> None:
    user_id, login_name = member
    clients = [app.test_client() for _ in range(3)]
    for client in clients:
        sign_in(client, login_name)
    copies = [session_only(app, clients[1]), remembered_only(app, clients[2])]
    page = clients[0].get("/me/").get_data(as_text=True)
    clients[0].post("/me/sign-out-everywhere", data={"csrf_token": csrf_from(page)})
    assert not any(signed_in_as(client) for client in [*clients, *copies])
    assert all(row.revoked_at is not None for row in devices(app, user_id))


def test_a_revoked_device_is_never_revived(app: Flask, member: tuple[int, str]) -> None:
    user_id, login_name = member
    client = app.test_client()
    sign_in(client, login_name)
    copies = [session_only(app, client), remembered_only(app, client)]
    sign_out(client)
    [revoked] = devices(app, user_id)
    # Signing in again on the same browser makes a new record; the old one stays revoked and
    # the copies of its cookies stay refused, however often they are tried.
    sign_in(client, login_name)
    for copy in copies:
        assert not signed_in_as(copy)
        assert not signed_in_as(copy)
    old, new = devices(app, user_id)
    assert old.id == revoked.id and old.revoked_at == revoked.revoked_at
    assert new.id != old.id and new.revoked_at is None
    assert signed_in_as(client)


def _forged_remember_cookie(app: Flask, session_id: str) -> FlaskClient:
    with app.test_request_context():
        value = encode_cookie(session_id)  # signed with the app's own key, as Flask-Login does
    client = app.test_client()
    client.set_cookie(REMEMBER, value)
    return client


def _forged_session_cookie(app: Flask, session_id: str) -> FlaskClient:
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    client = app.test_client()
    client.set_cookie("session", serializer.dumps({"_user_id": session_id, "_fresh": True}))
    return client


def test_a_forged_key_for_a_real_device_is_refused_in_constant_time(
    app: Flask, member: tuple[int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    user_id, login_name = member
    client = app.test_client()
    sign_in(client, login_name)
    [record] = devices(app, user_id)
    compared: list[tuple[str, str]] = []
    real = hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    for forged in (
        f"{record.id}:{'A' * 32}",
        f"{record.id}:",
        f"{user_id}:1",  # the old "id:session_version" form
        f"{record.id + 1}:{'A' * 32}",
    ):
        assert not signed_in_as(_forged_remember_cookie(app, forged)), forged
        assert not signed_in_as(_forged_session_cookie(app, forged)), forged
    assert any(record.key_digest in pair for pair in compared)
    # The same forgery tools do sign in with the real id: the refusal is the key's.
    cookie = client.get_cookie(REMEMBER)
    assert cookie is not None
    real_id = cookie.value.rsplit("|", 1)[0]
    assert real_id.startswith(f"{record.id}:")
    assert signed_in_as(_forged_remember_cookie(app, real_id))
    assert signed_in_as(_forged_session_cookie(app, real_id))


def test_the_user_loader_reads_the_person_and_the_device_in_one_query(
    app: Flask, member: tuple[int, str]
) -> None:
    user_id, login_name = member
    client = app.test_client()
    sign_in(client, login_name)
    cookie = client.get_cookie(REMEMBER)
    assert cookie is not None
    session_id = cookie.value.rsplit("|", 1)[0]
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA")):
            statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            user = accounts.load_user_by_session_id(session_id)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert user is not None and user.id == user_id
        assert user.get_id() == session_id
        db.session.rollback()
    assert len(statements) == 1, statements
    assert "JOIN login_session" in statements[0]


def _set_last_seen(app: Flask, record_id: int, ago: timedelta) -> None:
    with app.app_context():
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.id == record_id)
            .values(last_seen_at=utcnow() - ago)
        )
        db.session.commit()


def test_last_seen_is_written_at_most_every_few_minutes(
    app: Flask, member: tuple[int, str]
) -> None:
    user_id, login_name = member
    client = app.test_client()
    sign_in(client, login_name)
    [record] = devices(app, user_id)
    _set_last_seen(app, record.id, timedelta(minutes=2))
    [before] = devices(app, user_id)
    assert signed_in_as(client)  # a read
    assert devices(app, user_id)[0].last_seen_at == before.last_seen_at
    _set_last_seen(app, record.id, timedelta(minutes=10))
    assert signed_in_as(client)
    [after] = devices(app, user_id)
    assert utcnow() - after.last_seen_at < timedelta(minutes=1)


def test_a_device_unused_for_longer_than_remember_me_lasts_is_signed_out(
    app: Flask, member: tuple[int, str]
) -> None:
    user_id, login_name = member
    client = app.test_client()
    sign_in(client, login_name)
    copy = remembered_only(app, client)
    [record] = devices(app, user_id)
    _set_last_seen(app, record.id, app.config["REMEMBER_COOKIE_DURATION"] + timedelta(minutes=1))
    assert not signed_in_as(client)
    assert not signed_in_as(copy)


def test_signing_in_names_the_device_for_its_owner(app: Flask, member: tuple[int, str]) -> None:
    user_id, login_name = member
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = (
        "Mozilla/5.0 (Linux; Android 13; V2219A) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0 Mobile Safari/537.36"
    )
    sign_in(client, login_name)
    [record] = devices(app, user_id)
    assert record.device == "Chrome, Android"
    assert len(record.key_digest) == 64
    cookie = client.get_cookie(REMEMBER)
    assert cookie is not None
    key = cookie.value.rsplit("|", 1)[0].split(":", 1)[1]
    assert key not in record.key_digest  # only a digest of the key is stored


# --- the list of signed-in devices -------------------------------------------------------------

ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; V2219A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Mobile Safari/537.36"
)
IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Mobile/15E148 Safari/604.1"
)


def test_my_devices_lists_each_browser_and_signs_out_a_lost_one(
    app: Flask, member: tuple[int, str]
) -> None:
    user_id, login_name = member
    here, lost = app.test_client(), app.test_client()
    here.environ_base["HTTP_USER_AGENT"] = IPAD
    lost.environ_base["HTTP_USER_AGENT"] = ANDROID
    sign_in(here, login_name)
    sign_in(lost, login_name)
    copy = remembered_only(app, lost)
    assert "/me/devices" in here.get("/me/", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    page = here.get("/me/devices", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Safari, iPad" in page and "Chrome, Android" in page and "This device" in page
    mine, theirs = devices(app, user_id)
    # One button, for the other device only.
    assert f'name="device" value="{theirs.id}"' in page
    assert f'name="device" value="{mine.id}"' not in page

    response = here.post("/me/devices", data={"csrf_token": csrf_from(page), "device": theirs.id})
    assert response.status_code == 302
    assert not signed_in_as(lost) and not signed_in_as(copy)
    assert signed_in_as(here)
    assert devices(app, user_id)[1].revoked_at is not None
    assert "Chrome, Android" not in here.get("/me/devices").get_data(as_text=True)


def test_nobody_signs_out_someone_elses_device_or_their_own_by_a_forged_form(
    app: Flask, member: tuple[int, str], make_user: Callable[..., int]
) -> None:
    user_id, login_name = member
    owner = app.test_client()
    sign_in(owner, login_name)
    [record] = devices(app, user_id)
    make_user(login="stranger")
    stranger = app.test_client()
    sign_in(stranger, "stranger")
    token = csrf(stranger, "/me/devices")
    for value in (str(record.id), "abc", "-1", "0", "99999999999999999999", "１", ""):
        response = stranger.post("/me/devices", data={"csrf_token": token, "device": value})
        assert response.status_code == 302, value
    assert stranger.post("/me/devices", data={"device": str(record.id)}).status_code == 400
    # The current device is signed out with "Sign out", not from this list.
    own = owner.post("/me/devices", data={"csrf_token": csrf(owner, "/"), "device": record.id})
    assert own.status_code == 302
    assert devices(app, user_id)[0].revoked_at is None
    assert signed_in_as(owner)
    assert app.test_client().get("/me/devices").status_code == 302  # to sign in
