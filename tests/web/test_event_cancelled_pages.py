"""Issue 14.1: after an organizer cancels an event its registrants read 已取消 with the date and
the reason, no check-in code or cancel offer; the event page says cancelled; each registrant has
a notice; the cancel page lists the people with their phones and a printable list."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from eventsys.extensions import db
from eventsys.models import Event, Registration
from eventsys.timeutil import utcnow
from tests.conftest import csrf

ZH = {"Accept-Language": "zh-CN"}


def _open_event(app: Flask, make_event: Callable[..., int]) -> int:
    event_id = make_event(start=utcnow() + timedelta(days=5), status="draft")
    with app.app_context():
        event = db.session.get(Event, event_id)
        event.registration_mode = "individual"
        event.capacity = 1
        event.status = "published"
        db.session.commit()
    return event_id


def _register(client: FlaskClient, event_id: int) -> int:
    url = f"/events/{event_id}/register"
    response = client.post(url, data={"csrf_token": csrf(client, url)})
    return int(response.location.rstrip("/").rsplit("/", 1)[1])


def test_registrants_read_cancelled_with_date_and_reason_and_no_qr_after_cancelling(
    app: Flask, make_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    event = _open_event(app, make_event)
    confirmed = signed_in("participant", name="钱秀英")
    waiting = signed_in("participant", name="孙桂兰", phone="13712345678")
    first, second = _register(confirmed, event), _register(waiting, event)
    staff = signed_in("organizer")
    ask = staff.get(f"/manage/events/{event}/cancel", headers=ZH).get_data(as_text=True)
    assert "钱秀英" in ask and "13712345678" in ask
    assert f'href="/manage/events/{event}/registrants/print"' in ask
    done = staff.post(
        f"/manage/events/{event}/status/cancelled",
        data={"csrf_token": csrf(staff, f"/manage/events/{event}/cancel"), "reason": "礼堂维修"},
    )
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Event, event).cancel_reason == "礼堂维修"
        statuses = db.session.scalars(select(Registration.status).order_by(Registration.id))
        assert list(statuses) == ["confirmed", "waiting"]  # derived, not rewritten
    for client, registration_id in ((confirmed, first), (waiting, second)):
        mine = client.get("/me/registrations", headers=ZH).get_data(as_text=True)
        assert "已取消" in mine and "礼堂维修" in mine and "已确认" not in mine
        detail = client.get(f"/me/registrations/{registration_id}", headers=ZH).get_data(
            as_text=True
        )
        assert "已取消" in detail and "礼堂维修" in detail and "年" in detail
        assert "已确认" not in detail and "<svg" not in detail
        assert f"/registrations/{registration_id}/cancel" not in detail
    page = confirmed.get(f"/events/{event}", headers=ZH).get_data(as_text=True)
    assert "礼堂维修" in page
    assert f"/events/{event}/register" not in page and "候补" not in page
    printable = staff.get(f"/manage/events/{event}/registrants/print", headers=ZH)
    assert printable.status_code == 200 and "13712345678" in printable.get_data(as_text=True)
    assert "ring-list.css" in printable.get_data(as_text=True)
    after = staff.get(f"/manage/events/{event}/cancel", headers=ZH)
    assert after.status_code == 200 and "孙桂兰" in after.get_data(as_text=True)


def test_each_registrant_finds_a_notice_once(
    app: Flask, make_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    event = _open_event(app, make_event)
    person = signed_in("participant")
    _register(person, event)
    staff = signed_in("organizer")
    staff.post(
        f"/manage/events/{event}/status/cancelled",
        data={"csrf_token": csrf(staff, f"/manage/events/{event}/cancel"), "reason": "暴雪"},
    )
    my_page = person.get("/me/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "will not take place" in my_page and "暴雪" in my_page
    first = person.get("/me/registrations", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "will not take place" in first
    # Read until the person says so ("I have read these", a POST: a GET writes nothing).
    upto = re.search(r"upto=(\d+)", first)
    assert upto is not None
    read = person.post(
        f"/me/notices/seen?upto={upto.group(1)}&back=registrations",
        data={"csrf_token": csrf(person, "/me/registrations")},
    )
    assert read.status_code == 302
    again = person.get("/me/registrations", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "will not take place" not in again
