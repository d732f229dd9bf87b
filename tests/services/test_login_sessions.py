"""Signed-in devices: each sign-in is a login_session row, named by its id and a secret key."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from eventsys.extensions import db
from eventsys.models import LoginSession, User
from eventsys.services import accounts
from eventsys.timeutil import utcnow
from tests.conftest import PASSWORD


def _two_devices(user: User) -> tuple[str, str]:
    accounts.start_session(user, device="Chrome, Android", now=utcnow())
    phone = user.get_id()
    accounts.start_session(user, device="Safari, iPad", now=utcnow())
    return phone, user.get_id()


def test_a_new_password_ends_the_other_devices_but_not_this_one(
    ctx: Flask, make_user: Callable[..., int]
) -> None:
    user = db.session.get(User, make_user())
    phone, here = _two_devices(user)
    accounts.change_password(user, PASSWORD, "a new password 7", now=utcnow())
    db.session.commit()
    assert accounts.load_user_by_session_id(phone) is None
    assert accounts.load_user_by_session_id(here) is user


def test_signing_out_ends_this_device_and_everywhere_ends_all(
    ctx: Flask, make_user: Callable[..., int]
) -> None:
    user = db.session.get(User, make_user())
    phone, here = _two_devices(user)
    accounts.sign_out(user, now=utcnow())
    db.session.commit()
    assert accounts.load_user_by_session_id(here) is None
    phone_user = accounts.load_user_by_session_id(phone)
    assert phone_user is user and user.get_id() == phone
    accounts.sign_out_everywhere(user, now=utcnow())
    db.session.commit()
    assert accounts.load_user_by_session_id(phone) is None
    assert all(row.revoked_at is not None for row in db.session.query(LoginSession))


def test_forged_session_ids_load_nobody(ctx: Flask, make_user: Callable[..., int]) -> None:
    user = db.session.get(User, make_user())
    accounts.start_session(user, device="", now=utcnow())
    db.session.commit()
    real = user.get_id()
    record_id, key = real.split(":")
    for forged in (
        "",
        "abc",
        record_id,
        f"{record_id}:",
        f"{record_id}:{key[:-1]}",
        f"{record_id}:{key}x",
        f"{record_id}:{'x' * 65}",
        f"{user.id}:1",  # the former "id:session_version"
        f"²:{key}",
        f"{2**31}:{key}",
        f"{10**30}:{key}",
        f"-{record_id}:{key}",
    ):
        assert accounts.load_user_by_session_id(forged) is None, forged
    assert accounts.load_user_by_session_id(real) is user


def test_a_deactivated_person_is_signed_out_everywhere(
    ctx: Flask, make_user: Callable[..., int]
) -> None:
    user = db.session.get(User, make_user())
    accounts.start_session(user, device="", now=utcnow())
    token = user.get_id()
    user.active = False
    db.session.commit()
    assert accounts.load_user_by_session_id(token) is None
