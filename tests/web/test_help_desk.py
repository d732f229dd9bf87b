"""The help desk (issue 14 item 6, issue 18 items 1-2): staff correct a member's record with an
audit record, give a one-time code (shown once on a slip, stored as a hash, one per member,
valid a day, signing the member out everywhere) with which the member sets a new password on a
public page, limited like sign-in; staff unlock sign-in; /login links to how it works."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from eventsys.extensions import db
from eventsys.models import AuditRecord, Organisation, PasswordResetCode, User
from eventsys.timeutil import utcnow
from tests.conftest import PASSWORD, csrf, login

NEW_PASSWORD = "jinqiu-2026-new"
CODE = re.compile(r'class="slip-code">(\d{4} \d{4})<')
HERE = "203.0.113.9"
ELSEWHERE = "198.51.100.20"


@pytest.fixture
def member(make_user: Callable[..., int]) -> int:
    return make_user(login="lishufen", phone="13912340000", name="李淑芬")


@pytest.fixture
def desk(signed_in: Callable[..., FlaskClient]) -> FlaskClient:
    return signed_in("organizer")


def _issue(desk: FlaskClient, member: int) -> str:
    url = f"/manage/people/{member}"
    response = desk.post(f"{url}/reset-code", data={"csrf_token": csrf(desk, url), "checked": "y"})
    assert response.status_code == 302 and response.location.endswith(f"{url}/reset-slip")
    page = desk.get(f"{url}/reset-slip").get_data(as_text=True)
    match = CODE.search(page)
    assert match is not None, page[:2000]
    assert "/reset-password" in page and "010-6381 2345" in page
    return match.group(1)


def _reset(
    client: FlaskClient,
    code: str,
    *,
    login_name: str = "139-1234-0000",
    password: str = NEW_PASSWORD,
    again: str | None = None,
    address: str = HERE,
) -> tuple[int, str]:
    response = client.post(
        "/reset-password",
        data={
            "csrf_token": csrf(client, "/reset-password"),
            "login": login_name,
            "code": code,
            "new_password": password,
            "repeat_password": again if again is not None else password,
        },
        environ_base={"REMOTE_ADDR": address},
        headers={"Accept-Language": "en"},
    )
    return response.status_code, response.get_data(as_text=True)


def _signs_in(app: Flask, login_name: str, password: str) -> bool:
    client = app.test_client()
    response = client.post(
        "/login",
        data={"csrf_token": csrf(client), "login": login_name, "password": password},
        environ_base={"REMOTE_ADDR": ELSEWHERE},
    )
    return response.status_code == 302


def test_staff_correct_name_phone_and_unit_and_the_audit_says_who_what_before_after(
    app: Flask, desk: FlaskClient, member: int
) -> None:
    with app.app_context():
        unit = Organisation(name="丰台区财政局")
        db.session.add(unit)
        db.session.commit()
        unit_id = unit.id
    url = f"/manage/people/{member}/record"
    response = desk.post(
        url,
        data={
            "csrf_token": csrf(desk, url),
            "name": "李淑芳",
            "phone": "１３９ １２３４ ００１１",
            "organisation_id": str(unit_id),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        person = db.session.get(User, member)
        assert (person.name, person.phone, person.organisation_id) == (
            "李淑芳",
            "13912340011",
            unit_id,
        )
        assert person.name_pinyin.startswith("li shu fang")
        record = db.session.scalars(
            select(AuditRecord).where(AuditRecord.action == "user.record")
        ).one()
        assert record.actor_id == desk.user_id  # type: ignore[attr-defined]
        assert (record.object_type, record.object_id) == ("user", member)
        assert record.before == {"name": "李淑芬", "phone": "13912340000", "organisation_id": None}
        assert record.after == {
            "name": "李淑芳",
            "phone": "13912340011",
            "organisation_id": unit_id,
        }


def test_a_phone_of_another_member_and_an_overlong_name_are_refused_next_to_the_field(
    app: Flask, desk: FlaskClient, member: int, make_user: Callable[..., int]
) -> None:
    make_user(login="other", phone="13700000000")
    url = f"/manage/people/{member}/record"
    response = desk.post(
        url,
        data={"csrf_token": csrf(desk, url), "name": "李淑芬", "phone": "13700000000"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert 'id="phone-error"' in response.get_data(as_text=True)
    response = desk.post(url, data={"csrf_token": csrf(desk, url), "name": "双" * 81})
    assert response.status_code == 422
    assert 'id="name-error"' in response.get_data(as_text=True)
    with app.app_context():
        person = db.session.get(User, member)
        assert (person.name, person.phone) == ("李淑芬", "13912340000")


def test_a_code_is_shown_once_stored_only_as_a_hash_and_signs_the_member_out(
    app: Flask, desk: FlaskClient, member: int
) -> None:
    phone = app.test_client()
    login(phone, "lishufen")
    assert phone.get("/me/").status_code == 200
    code = _issue(desk, member)
    again = desk.get(f"/manage/people/{member}/reset-slip").get_data(as_text=True)
    assert CODE.search(again) is None and code not in again
    # The member's devices are signed out.
    response = phone.get("/me/")
    assert response.status_code == 302 and "/login" in response.location
    with app.app_context():
        row = db.session.scalars(select(PasswordResetCode)).one()
        digits = code.replace(" ", "")
        assert digits not in row.code_digest and len(row.code_digest) == 64
        assert timedelta(hours=23, minutes=59) < row.expires_at - utcnow() <= timedelta(hours=24)
        audit = db.session.scalars(
            select(AuditRecord).where(AuditRecord.action == "user.reset_code")
        ).one()
        assert audit.actor_id == desk.user_id  # type: ignore[attr-defined]
        assert digits not in repr(audit.after)
    page = desk.get(f"/manage/people/{member}").get_data(as_text=True)
    assert digits not in page and code not in page


def test_no_code_is_given_without_the_tick_that_the_caller_was_checked(
    app: Flask, desk: FlaskClient, member: int
) -> None:
    url = f"/manage/people/{member}"
    response = desk.post(f"{url}/reset-code", data={"csrf_token": csrf(desk, url)})
    assert response.status_code == 302 and response.location.endswith(url)
    with app.app_context():
        assert db.session.scalars(select(PasswordResetCode)).first() is None


def test_the_member_sets_a_new_password_with_the_code_once(
    app: Flask, desk: FlaskClient, member: int
) -> None:
    code = _issue(desk, member)
    client = app.test_client()
    status, _page = _reset(client, code.replace(" ", " ").replace("1", "１"))
    assert status == 302
    assert client.get("/me/").status_code == 200  # signed in on this device
    assert not _signs_in(app, "lishufen", PASSWORD)
    assert _signs_in(app, "lishufen", NEW_PASSWORD)
    status, page = _reset(app.test_client(), code, password="another-password-1")
    assert status == 422 and "not right, was used already" in page
    with app.app_context():
        assert db.session.scalars(select(PasswordResetCode)).first() is None
        assert db.session.scalar(
            select(AuditRecord.id).where(AuditRecord.action == "user.password_reset")
        )


def test_an_expired_code_a_replaced_code_and_mismatched_passwords_are_refused(
    app: Flask, desk: FlaskClient, member: int
) -> None:
    first = _issue(desk, member)
    second = _issue(desk, member)
    status, page = _reset(app.test_client(), first)
    assert status == 422 and "not right, was used already" in page
    status, page = _reset(app.test_client(), second, again="something-else-9")
    assert status == 422 and "The two passwords are not the same." in page
    with app.app_context():
        db.session.execute(update(PasswordResetCode).values(expires_at=utcnow()))
        db.session.commit()
    status, page = _reset(app.test_client(), second)
    assert status == 422 and "not right, was used already" in page
    assert _signs_in(app, "lishufen", PASSWORD)


def test_wrong_codes_are_limited_like_sign_in(app: Flask, desk: FlaskClient, member: int) -> None:
    code = _issue(desk, member)
    guesser = app.test_client()
    for n in range(5):
        assert _reset(guesser, f"0000 000{n}")[0] == 422
    status, page = _reset(guesser, code)
    assert status == 429 and "Too many failed attempts" in page
    # The member, from another address, still uses the code.
    assert _reset(app.test_client(), code, address=ELSEWHERE)[0] == 302


def test_staff_see_a_paused_sign_in_and_unlock_it(
    app: Flask, desk: FlaskClient, member: int
) -> None:
    client = app.test_client()
    for _ in range(5):
        client.post(
            "/login",
            data={"csrf_token": csrf(client), "login": "lishufen", "password": "wrong"},
            environ_base={"REMOTE_ADDR": HERE},
        )
    url = f"/manage/people/{member}"
    page = desk.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Paused after wrong passwords" in page
    response = desk.post(f"{url}/unlock", data={"csrf_token": csrf(desk, url)})
    assert response.status_code == 302
    page = desk.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Paused after wrong passwords" not in page and "Not paused" in page
    response = client.post(
        "/login",
        data={"csrf_token": csrf(client), "login": "lishufen", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": HERE},
    )
    assert response.status_code == 302
    with app.app_context():
        audit = db.session.scalars(
            select(AuditRecord).where(AuditRecord.action == "user.unlock")
        ).one()
        assert audit.actor_id == desk.user_id and audit.before["paused_until"]  # type: ignore[attr-defined]


def test_the_login_page_leads_to_how_a_forgotten_password_is_replaced(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/forgot-password"' in page
    page = client.get("/forgot-password").get_data(as_text=True)
    assert 'href="/reset-password"' in page and "010-6381 2345" in page
    assert "一次性" in page  # Chinese by default
    assert client.get("/reset-password").status_code == 200
