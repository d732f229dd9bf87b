"""Skipped and moved sittings say so in the programme and on the event page (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from eventsys.extensions import db
from eventsys.models import Occurrence, User
from eventsys.services import events as event_service
from eventsys.timeutil import LOCAL_TZ, local_today, to_local
from tests.conftest import csrf

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


def _weekly(app: Flask, make_event: Callable[..., int]) -> tuple[int, list[int]]:
    """A weekly rehearsal starting next week, three sittings; returns event and sitting ids."""
    first = local_today() + timedelta(days=7)
    start = datetime.combine(first, time(9), LOCAL_TZ)
    event_id = make_event(
        start=start,
        title="太极拳晨练",
        weekdays=(first.weekday(),),
        until=first + timedelta(days=14),
    )
    with app.app_context():
        ids = list(
            db.session.scalars(
                select(Occurrence.id)
                .where(Occurrence.event_id == event_id)
                .order_by(Occurrence.starts_at)
            )
        )
    return event_id, ids


def _skip_and_move(app: Flask, skipped: int, moved: int, reason: str | None) -> datetime:
    with app.app_context():
        organizer = db.session.scalars(select(User)).first()
        event_service.skip_occurrence(
            db.session.get(Occurrence, skipped), True, actor=organizer, reason=reason
        )
        sitting = db.session.get(Occurrence, moved)
        event_service.move_occurrence(
            sitting,
            sitting.starts_at + timedelta(hours=5),
            sitting.ends_at + timedelta(hours=5),
            actor=organizer,
        )
        original = sitting.original_start
        db.session.commit()
    return original


def _today() -> str:
    return date.isoformat(local_today())


def test_the_programme_shows_a_skipped_sitting_with_its_reason_and_a_moved_one_with_its_old_time(
    app: Flask, client: FlaskClient, make_event: Callable[..., int]
) -> None:
    _event, (_first, second, third) = _weekly(app, make_event)
    original = _skip_and_move(app, second, third, "春节")
    page = client.get(f"/?from={_today()}", headers=ZH).get_data(as_text=True)
    assert "本次暂停（春节）" in page
    local = to_local(original)
    weekday = "一二三四五六日"[local.weekday()]
    assert f"已调整：原定{local.year}年{local.month}月{local.day}日 星期{weekday} 09:00" in page
    english = client.get(f"/?from={_today()}", headers=EN).get_data(as_text=True)
    assert "No session this time (春节)" in english
    assert f"Moved: was {local.day} {local.strftime('%b')} {local.year}, " in english


def test_a_skipped_sitting_without_a_reason_still_says_there_is_no_session(
    app: Flask, client: FlaskClient, make_event: Callable[..., int]
) -> None:
    _event, (_first, second, third) = _weekly(app, make_event)
    _skip_and_move(app, second, third, None)
    page = client.get(f"/?from={_today()}", headers=ZH).get_data(as_text=True)
    assert "本次暂停" in page and "本次暂停（" not in page


def test_the_event_page_marks_skipped_and_moved_sittings_in_its_list(
    app: Flask, client: FlaskClient, make_event: Callable[..., int]
) -> None:
    event, (_first, second, third) = _weekly(app, make_event)
    original = _skip_and_move(app, second, third, "场馆检修")
    page = client.get(f"/events/{event}", headers=ZH).get_data(as_text=True)
    assert "本次暂停（场馆检修）" in page
    assert "已调整：原定" in page and f"{to_local(original).day}日" in page


def test_an_organizer_gives_the_reason_when_skipping_a_sitting(
    app: Flask,
    signed_in: Callable[..., FlaskClient],
    client: FlaskClient,
    make_event: Callable[..., int],
) -> None:
    event, (_first, second, _third) = _weekly(app, make_event)
    organizer = signed_in("organizer")
    token = csrf(organizer, f"/manage/events/{event}/sittings")
    response = organizer.post(
        f"/manage/sittings/{second}/skip", data={"csrf_token": token, "reason": "元旦放假"}
    )
    assert response.status_code == 302
    with app.app_context():
        sitting = db.session.get(Occurrence, second)
        assert sitting.skipped and sitting.skip_reason == "元旦放假"
    page = client.get(f"/?from={_today()}", headers=ZH).get_data(as_text=True)
    assert "本次暂停（元旦放假）" in page
    token = csrf(organizer, f"/manage/events/{event}/sittings")
    organizer.post(f"/manage/sittings/{second}/skip?undo=1", data={"csrf_token": token})
    with app.app_context():
        sitting = db.session.get(Occurrence, second)
        assert not sitting.skipped and sitting.skip_reason is None
