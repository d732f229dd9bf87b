"""At the door: undo a mistaken check-in, the running count, walk-in guests, a member's own
code (issue 14)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeSerializer
from sqlalchemy import select
from werkzeug.test import TestResponse

from eventsys.extensions import db
from eventsys.models import Attendance, AuditRecord, Event, Occurrence, User
from eventsys.services import attendance as attendance_service
from eventsys.services import registrations as registration_service
from eventsys.timeutil import local_midnight, local_today, utcnow
from tests.conftest import csrf, publish_with

ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def door(app: Flask, make_event: Callable[..., int]) -> Callable[..., tuple[int, int]]:
    """An event starting in two hours with *settings*; returns (event id, sitting id)."""

    def make(**settings: object) -> tuple[int, int]:
        event_id = make_event(start=utcnow() + timedelta(hours=2), status="draft")
        publish_with(app, event_id, **settings)
        with app.app_context():
            sitting = db.session.scalars(
                select(Occurrence.id).where(Occurrence.event_id == event_id)
            ).one()
        return event_id, sitting

    return make


def _register(app: Flask, event_id: int, *user_ids: int) -> list[int]:
    with app.app_context():
        event = db.session.get(Event, event_id)
        ids = []
        for user_id in user_ids:
            person = db.session.get(User, user_id)
            ids.append(registration_service.register(event, person, by=person, now=utcnow()).id)
        db.session.commit()
        return ids


def _check_in(staff: FlaskClient, event_id: int, sitting: int, user_id: int) -> None:
    url = f"/manage/events/{event_id}/checkin"
    response = staff.post(
        url,
        data={"csrf_token": csrf(staff, url), "user_id": str(user_id), "sitting": str(sitting)},
    )
    assert response.status_code == 302


def _add_guest(
    staff: FlaskClient, event_id: int, sitting: int, name: str, phone: str, **options: object
) -> TestResponse:
    """The check-in page's walk-in guest form, posted."""
    url = f"/manage/events/{event_id}/checkin"
    data = {"csrf_token": csrf(staff, url), "sitting": str(sitting)}
    return staff.post(
        f"{url}/guest", data={**data, "guest_name": name, "guest_phone": phone}, **options
    )


def test_the_door_page_counts_checked_in_against_expected(
    app: Flask,
    door: Callable[..., tuple[int, int]],
    signed_in: Callable[..., FlaskClient],
    make_user: Callable[..., int],
) -> None:
    event, sitting = door(registration_mode="individual")
    people = [make_user(name=name) for name in ("张和顺", "李秀英", "王建国")]
    _register(app, event, *people)
    staff = signed_in("organizer")
    url = f"/manage/events/{event}/checkin"
    assert "已签到 0 / 3" in staff.get(url, headers=ZH).get_data(as_text=True)
    _check_in(staff, event, sitting, people[0])
    assert "已签到 1 / 3" in staff.get(url, headers=ZH).get_data(as_text=True)


def test_a_mistaken_check_in_is_undone_with_a_post_and_audited(
    app: Flask,
    door: Callable[..., tuple[int, int]],
    signed_in: Callable[..., FlaskClient],
    make_user: Callable[..., int],
) -> None:
    event, sitting = door(registration_mode="individual")
    zhang = make_user(name="张和顺")
    _register(app, event, zhang)
    staff = signed_in("organizer")
    _check_in(staff, event, sitting, zhang)
    url = f"/manage/events/{event}/checkin"
    page = staff.get(f"{url}?q=zhs", headers=ZH).get_data(as_text=True)
    assert "撤销张和顺的签到" in page
    with app.app_context():
        attendance_id = db.session.scalars(select(Attendance.id)).one()
    assert f'name="attendance_id" value="{attendance_id}"' in page
    undo = f"/manage/events/{event}/checkin/undo"
    assert staff.post(undo, data={"attendance_id": str(attendance_id)}).status_code == 400
    response = staff.post(
        undo, data={"csrf_token": csrf(staff, url), "attendance_id": str(attendance_id)}
    )
    assert response.status_code == 302 and f"sitting={sitting}" in response.location
    with app.app_context():
        assert db.session.scalars(select(Attendance)).all() == []
        record = db.session.scalars(
            select(AuditRecord).where(AuditRecord.action == "attendance.undo")
        ).one()
        assert record.object_id == attendance_id and record.before["user_id"] == zhang
    assert "已签到 0 / 1" in staff.get(url, headers=ZH).get_data(as_text=True)
    again = staff.post(
        undo,
        data={"csrf_token": csrf(staff, url), "attendance_id": str(attendance_id)},
        follow_redirects=True,
        headers=ZH,
    )
    assert "这次签到已经撤销了" in again.get_data(as_text=True)


def test_a_check_in_of_another_event_cannot_be_undone_from_this_one(
    app: Flask,
    door: Callable[..., tuple[int, int]],
    signed_in: Callable[..., FlaskClient],
    make_user: Callable[..., int],
) -> None:
    event, sitting = door(registration_mode="individual")
    other, _other_sitting = door(registration_mode="individual")
    zhang = make_user(name="张和顺")
    _register(app, event, zhang)
    staff = signed_in("organizer")
    _check_in(staff, event, sitting, zhang)
    with app.app_context():
        attendance_id = db.session.scalars(select(Attendance.id)).one()
    staff.post(
        f"/manage/events/{other}/checkin/undo",
        data={"csrf_token": csrf(staff, "/"), "attendance_id": str(attendance_id)},
    )
    with app.app_context():
        assert db.session.get(Attendance, attendance_id) is not None


def test_a_walk_in_guest_without_an_account_is_checked_in_listed_and_counted(
    app: Flask, door: Callable[..., tuple[int, int]], signed_in: Callable[..., FlaskClient]
) -> None:
    event, sitting = door(registration_mode="none", walk_ins=True)
    staff = signed_in("organizer")
    url = f"/manage/events/{event}/checkin"
    page = staff.get(url, headers=ZH).get_data(as_text=True)
    assert 'name="guest_name"' in page and 'name="guest_phone"' in page
    response = _add_guest(staff, event, sitting, "赵大妈", "１３９ １２３４-５６７８")
    assert response.status_code == 302
    with app.app_context():
        guest = db.session.scalars(select(Attendance)).one()
        assert (guest.user_id, guest.guest_name, guest.guest_phone) == (
            None,
            "赵大妈",
            "13912345678",
        )
        assert db.session.scalars(
            select(AuditRecord.action).where(
                AuditRecord.object_type == "attendance", AuditRecord.object_id == guest.id
            )
        ).all() == ["attendance.guest"]
        start = local_midnight(local_today() - timedelta(days=1))
        stats = attendance_service.statistics(start, start + timedelta(days=4))
        assert stats.total == 1 and sum(c for _n, c in stats.by_organisation) == 1
    page = staff.get(url, headers=ZH).get_data(as_text=True)
    assert "赵大妈" in page and "13912345678" in page and "已签到 1" in page
    assert "撤销赵大妈的签到" in page
    found = staff.get(f"{url}?q=5678", headers=ZH).get_data(as_text=True)
    assert "赵大妈" in found
    export = staff.get(f"/manage/events/{event}/export/attendance.csv")
    assert export.status_code == 200 and "赵大妈" in export.get_data(as_text=True)


def test_a_guest_without_a_phone_number_is_refused_next_to_the_field_keeping_the_name(
    app: Flask, door: Callable[..., tuple[int, int]], signed_in: Callable[..., FlaskClient]
) -> None:
    event, sitting = door(registration_mode="none")
    staff = signed_in("organizer")
    response = _add_guest(staff, event, sitting, "赵大妈", "12", headers=ZH)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写来宾的电话号码" in page and 'value="赵大妈"' in page
    invalid = r'aria-invalid="true"[^>]*id="guest_phone"|id="guest_phone"[^>]*aria-invalid'
    assert re.search(invalid, page)
    with app.app_context():
        assert db.session.scalars(select(Attendance)).all() == []


def test_an_event_for_registered_people_only_takes_no_guests(
    app: Flask, door: Callable[..., tuple[int, int]], signed_in: Callable[..., FlaskClient]
) -> None:
    event, sitting = door(registration_mode="individual")
    staff = signed_in("organizer")
    url = f"/manage/events/{event}/checkin"
    assert 'name="guest_name"' not in staff.get(url).get_data(as_text=True)
    response = _add_guest(staff, event, sitting, "赵大妈", "13912345678", headers=ZH)
    assert response.status_code == 422
    assert "不登记临时来宾" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Attendance)).all() == []


def test_a_member_who_scans_their_own_code_is_told_to_show_it_to_the_staff(
    app: Flask,
    door: Callable[..., tuple[int, int]],
    signed_in: Callable[..., FlaskClient],
) -> None:
    event, _sitting = door(registration_mode="individual")
    member = signed_in("participant")
    [registration] = _register(app, event, member.user_id)  # type: ignore[attr-defined]
    token = URLSafeSerializer(app.config["SECRET_KEY"], salt="eventsys-checkin").dumps(registration)
    zh = member.get(f"/checkin/{token}", headers=ZH)
    assert zh.status_code == 200
    assert "请把这个二维码给工作人员扫描" in zh.get_data(as_text=True)
    en = member.get(f"/checkin/{token}", headers={"Accept-Language": "en"})
    assert "Show this code to the staff at the door" in en.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Attendance)).all() == []
