"""The event form warns before saving and lists every clashing date of a series (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from eventsys.extensions import db
from eventsys.models import Event, Occurrence
from eventsys.timeutil import LOCAL_TZ, local_today
from tests.conftest import csrf

ZH = {"Accept-Language": "zh-CN"}


def _day(offset: int) -> str:
    return (local_today() + timedelta(days=offset)).isoformat()


def _form(venue: int, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "title": "健康义诊",
        "kind": "health_clinic",
        "venue_id": str(venue),
        "starts_at": f"{_day(7)}T08:30",
        "ends_at": f"{_day(7)}T11:30",
        "capacity": "30",
        "description": "请带医保卡。",
    }
    form.update(changes)
    return form


def _weekly(first: date, weeks: int) -> dict[str, object]:
    """The form's fields for a weekly series from *first*, 08:30 to 11:30, *weeks* weeks on."""
    return {
        "starts_at": f"{first.isoformat()}T08:30",
        "ends_at": f"{first.isoformat()}T11:30",
        "weekdays": [str(first.weekday())],
        "repeat_until": (first + timedelta(days=7 * weeks)).isoformat(),
    }


def _book(make_event: Callable[..., int], venue: int, day: date, hour: int, title: str) -> None:
    make_event(venue_id=venue, start=datetime.combine(day, time(hour), LOCAL_TZ), title=title)


def _events(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Event)) or 0)


def test_more_places_than_seats_asks_to_confirm_and_keeps_the_input(
    app: Flask, signed_in: Callable[..., FlaskClient], make_venue: Callable[..., int]
) -> None:
    organizer = signed_in("organizer")
    form = _form(make_venue(name="多功能厅", capacity=40), capacity="60")
    form["csrf_token"] = csrf(organizer, "/manage/events/new")
    response = organizer.post("/manage/events/new", data=form, headers=ZH)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "60个名额，但场地只有40个座位。" in page
    assert 'name="confirm_warnings"' in page and "仍然保存" in page
    assert 'value="健康义诊"' in page and "请带医保卡。" in page
    assert _events(app) == 0
    response = organizer.post(
        "/manage/events/new", data={**form, "confirm_warnings": "y"}, headers=ZH
    )
    assert response.status_code == 302
    assert _events(app) == 1


def test_an_event_dated_in_the_past_asks_to_confirm(
    app: Flask, signed_in: Callable[..., FlaskClient], make_venue: Callable[..., int]
) -> None:
    organizer = signed_in("organizer")
    form = _form(
        make_venue(), starts_at=f"{_day(-3)}T08:30", ends_at=f"{_day(-3)}T11:30"
    )
    form["csrf_token"] = csrf(organizer, "/manage/events/new")
    page = organizer.post("/manage/events/new", data=form, headers=ZH).get_data(as_text=True)
    assert "活动开始时间已经过去" in page and _events(app) == 0
    organizer.post("/manage/events/new", data={**form, "confirm_warnings": "y"})
    assert _events(app) == 1


def test_a_series_lists_every_clashing_date_and_can_skip_them_in_one_go(
    app: Flask,
    signed_in: Callable[..., FlaskClient],
    make_venue: Callable[..., int],
    make_event: Callable[..., int],
) -> None:
    venue = make_venue(name="多功能厅")
    first = local_today() + timedelta(days=7)
    _book(make_event, venue, first + timedelta(days=7), 9, "形势报告会")
    _book(make_event, venue, first + timedelta(days=21), 10, "摄影讲座")
    organizer = signed_in("organizer")
    form = _form(venue, title="太极拳晨练", **_weekly(first, 4))
    form["csrf_token"] = csrf(organizer, "/manage/events/new")
    response = organizer.post("/manage/events/new", data=form, headers=ZH)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "形势报告会" in page and "摄影讲座" in page  # both clashes, not only the first
    assert "共有2个日期冲突" in page
    assert 'name="skip_clashes"' in page and "跳过冲突的日期" in page
    assert 'value="太极拳晨练"' in page
    assert _events(app) == 2
    response = organizer.post(
        "/manage/events/new", data={**form, "skip_clashes": "y"}, headers=ZH
    )
    assert response.status_code == 302
    with app.app_context():
        event = db.session.scalars(select(Event).where(Event.title == "太极拳晨练")).one()
        skipped = db.session.scalars(
            select(Occurrence.starts_at)
            .where(Occurrence.event_id == event.id, Occurrence.skipped.is_(True))
            .order_by(Occurrence.starts_at)
        ).all()
        assert [s.astimezone(LOCAL_TZ).date() for s in skipped] == [
            first + timedelta(days=7),
            first + timedelta(days=21),
        ]
    page = organizer.get(f"/events/{event.id}", headers=ZH).get_data(as_text=True)
    assert page.count("本次暂停（场地冲突）</strong>") == 2  # the two sittings in the list
    assert "2个冲突的日期已标为“本次暂停（场地冲突）”。" in page  # the message after saving


def test_warnings_and_clashes_are_shown_together_in_one_answer(
    app: Flask,
    signed_in: Callable[..., FlaskClient],
    make_venue: Callable[..., int],
    make_event: Callable[..., int],
) -> None:
    venue = make_venue(capacity=20)
    first = local_today() + timedelta(days=7)
    _book(make_event, venue, first + timedelta(days=7), 9, "形势报告会")
    organizer = signed_in("organizer")
    form = _form(venue, capacity="30", **_weekly(first, 2))
    form["csrf_token"] = csrf(organizer, "/manage/events/new")
    page = organizer.post("/manage/events/new", data=form, headers=ZH).get_data(as_text=True)
    assert "30个名额" in page and "形势报告会" in page
    assert 'name="confirm_warnings"' in page and 'name="skip_clashes"' in page
    response = organizer.post(
        "/manage/events/new",
        data={**form, "skip_clashes": "y", "confirm_warnings": "y"},
        headers=ZH,
    )
    assert response.status_code == 302
    assert _events(app) == 2


def test_editing_an_event_that_already_started_does_not_warn_about_the_past(
    app: Flask,
    signed_in: Callable[..., FlaskClient],
    make_venue: Callable[..., int],
    make_event: Callable[..., int],
) -> None:
    venue = make_venue()
    start = datetime.combine(local_today() - timedelta(days=3), time(9), LOCAL_TZ)
    event = make_event(venue_id=venue, start=start, title="书法班")
    organizer = signed_in("organizer")
    url = f"/manage/events/{event}/edit"
    form = _form(
        venue,
        title="书法班（改）",
        starts_at=start.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    )
    form["csrf_token"] = csrf(organizer, url)
    response = organizer.post(url, data=form, headers=ZH)
    assert response.status_code == 302
