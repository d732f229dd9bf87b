"""Accounts: sign-up, sign-in limits shared through the database, roles, passwords."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask

from eventsys.errors import Conflict, EventsysError
from eventsys.extensions import db
from eventsys.models import User
from eventsys.pinyin import name_pinyin
from eventsys.services import accounts
from eventsys.timeutil import utcnow
from tests.conftest import PASSWORD


def test_a_phone_number_used_as_login_is_also_stored_as_the_phone(ctx: Flask) -> None:
    user = accounts.create_user(
        accounts.NewUser(name="张和顺", login="138 0013 8000", password=PASSWORD), actor=None
    )
    assert user.phone == "13800138000"
    assert accounts.authenticate("13800138000", PASSWORD, now=utcnow()) is user


def test_sign_in_accepts_the_phone_number_typed_with_full_width_digits(
    ctx: Flask, make_user: Callable[..., int]
) -> None:
    make_user(login="zhanghs", phone="13800138000")
    assert (
        accounts.authenticate("１３８００１３８０００", PASSWORD, now=utcnow()).login == "zhanghs"
    )


def test_login_names_are_unique_regardless_of_case(
    ctx: Flask, make_user: Callable[..., int]
) -> None:
    make_user(login="LiMing")
    with pytest.raises(Conflict) as refusal:
        accounts.create_user(
            accounts.NewUser(name="李明", login="liming", password=PASSWORD), actor=None
        )
    assert refusal.value.field == "login"


def test_wrong_password_and_unknown_login_get_the_same_message(
    ctx: Flask, make_user: Callable[..., int]
) -> None:
    make_user(login="wangsf")
    with pytest.raises(EventsysError) as wrong:
        accounts.authenticate("wangsf", "not the password", now=utcnow())
    with pytest.raises(EventsysError) as unknown:
        accounts.authenticate("nobody", "not the password", now=utcnow())
    assert str(wrong.value) == str(unknown.value)


def test_sign_in_is_refused_after_five_failures_until_the_wait_passes(
    ctx: Flask, make_user: Callable[..., int]
) -> None:
    make_user(login="zhaowh")
    now = utcnow()
    for _ in range(5):
        with pytest.raises(EventsysError):
            accounts.authenticate("zhaowh", "wrong", now=now)
    with pytest.raises(EventsysError, match="wait 1 minute or"):
        accounts.authenticate("zhaowh", PASSWORD, now=now)
    later = now + timedelta(minutes=1, seconds=1)
    assert accounts.authenticate("zhaowh", PASSWORD, now=later).login == "zhaowh"


def test_the_current_password_must_be_right_to_change_it(
    ctx: Flask, make_user: Callable[..., int]
) -> None:
    user = db.session.get(User, make_user())
    with pytest.raises(EventsysError) as refusal:
        accounts.change_password(user, "wrong", "a new password 7")
    assert refusal.value.field == "current_password"


def test_an_organizer_cannot_remove_their_own_organizer_role(
    ctx: Flask, make_user: Callable[..., int], organizer: User
) -> None:
    with pytest.raises(EventsysError):
        accounts.set_roles(organizer, ("participant",), actor=organizer)
    other = db.session.get(User, make_user())
    accounts.set_roles(other, ("judge", "participant"), actor=organizer)
    assert other.roles == ("judge", "participant")


def test_forged_session_ids_load_nobody(ctx: Flask, make_user: Callable[..., int]) -> None:
    user_id = make_user()
    for forged in ("", "abc", f"{user_id}", f"{user_id}:x", f"{user_id}:99", "99999:1"):
        assert accounts.load_user_by_session_id(forged) is None


@pytest.mark.parametrize(
    ("name", "reading"),
    [
        ("张和顺", "zhang he shun zhs"),
        ("单雄信", "shan xiong xin sxx"),
        ("曾国藩", "zeng guo fan zgf"),
        ("解缙", "xie jin xj"),
        ("区志刚", "ou zhi gang ozg"),
        ("仇英", "qiu ying qy"),
        ("尉迟恭", "yu chi gong ycg"),
    ],
)
def test_names_are_read_in_pinyin_with_surnames_read_as_surnames(name: str, reading: str) -> None:
    assert name_pinyin(name) == reading
