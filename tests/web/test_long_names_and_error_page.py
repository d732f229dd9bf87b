"""Long Chinese names are saved or refused with a message, never a 500; and the 500 page itself
renders, styled and with the help line, when the database is what failed (issue 15, item 10)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, text

from eventsys.extensions import db
from eventsys.models import User
from eventsys.services import accounts
from tests.conftest import PASSWORD, csrf, login, make_app

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
HELP = "010-6381 2345"


def _sign_up(client, name: str, login_name: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/signup",
        data={
            "csrf_token": csrf(client, "/signup"),
            "name": name,
            "login": login_name,
            "password": PASSWORD,
            "organisation_id": "",
        },
    )


@pytest.mark.parametrize("length", [31, 80])
def test_a_long_chinese_name_signs_up(app: Flask, length: int) -> None:
    response = _sign_up(app.test_client(), "双" * length, f"shuang{length}")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    with app.app_context():
        user = db.session.scalars(select(User).where(User.login == f"shuang{length}")).one()
        assert user.name == "双" * length and user.name_pinyin.endswith("s" * length)


def test_a_name_longer_than_the_limit_is_refused_next_to_the_field(app: Flask) -> None:
    response = _sign_up(app.test_client(), "双" * 81, "shuang81")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="name-error"' in page
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.login == "shuang81")) is None


def test_a_long_name_typed_on_my_page_is_saved(
    app: Flask, signed_in: Callable[..., object]
) -> None:
    client = signed_in()
    data = {
        "csrf_token": csrf(client, "/me/"),  # type: ignore[arg-type]
        "profile-name": "双" * 80,
        "profile-language": "zh_CN",
        "profile-submit": "1",
    }
    response = client.post("/me/", data=data)  # type: ignore[attr-defined]
    assert response.status_code == 302, response.status_code
    with app.app_context():
        assert db.session.get(User, client.user_id).name == "双" * 80  # type: ignore[attr-defined]


@pytest.fixture
def fragile_app(tmp_path: Path) -> Flask:
    """An app of its own, so it can have a route that fails, and a database that can vanish."""
    app = make_app(f"sqlite:///{tmp_path}/fragile.sqlite3", str(tmp_path))
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production: the 500 page

    @app.route("/boom")
    def boom() -> str:
        db.session.execute(text("SELECT 1"))
        raise RuntimeError("a bug")

    @app.route("/broken-session")
    def broken_session() -> str:
        user = db.session.scalars(select(User)).first()
        db.session.add(User(login=user.login, name="重复", password_hash="x"))  # type: ignore[union-attr]
        db.session.flush()  # IntegrityError: the session now needs a rollback
        return "unreachable"

    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="heads")
        accounts.create_user(
            accounts.NewUser(
                name="王老师", login="wanglaoshi", password=PASSWORD, roles=("organizer",)
            ),
            actor=None,
        )
        db.session.commit()
    return app


def _assert_styled_error_page(response) -> None:  # type: ignore[no-untyped-def]
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "css/app.css" in page and HELP in page
    assert "系统出了点问题" in page or "Something went wrong" in page


@pytest.mark.parametrize("signed_in_first", [False, True])
def test_the_error_page_renders_when_the_database_is_gone(
    fragile_app: Flask, tmp_path: Path, signed_in_first: bool
) -> None:
    client = fragile_app.test_client()
    if signed_in_first:
        login(client, "wanglaoshi")
    with fragile_app.app_context():
        db.engine.dispose()
    database = tmp_path / "fragile.sqlite3"
    os.rename(database, tmp_path / "moved-away.sqlite3")
    database.mkdir()  # now the database cannot even be opened
    try:
        _assert_styled_error_page(client.get("/boom"))
    finally:
        database.rmdir()
        os.rename(tmp_path / "moved-away.sqlite3", database)
        with fragile_app.app_context():
            db.engine.dispose()


def test_the_error_page_renders_for_a_signed_in_member_after_a_failed_flush(
    fragile_app: Flask,
) -> None:
    client = fragile_app.test_client()
    login(client, "wanglaoshi")
    response = client.get("/broken-session")
    _assert_styled_error_page(response)
