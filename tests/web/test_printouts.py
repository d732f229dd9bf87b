"""Print-outs (issue 18.6): the week's programme, a poster, the sign-in sheet; organizers only.

What a person reads on the paper is checked in tests/browser/test_printouts_pdf.py (PDFs)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from eventsys.extensions import db
from eventsys.models import Event, Occurrence, User
from eventsys.services import events as event_service
from eventsys.services import registrations as registration_service
from eventsys.timeutil import utcnow
from tests.conftest import at

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


def _text(html: str) -> str:
    """The page's words, tags dropped and blanks folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def organizer(signed_in: Callable[..., FlaskClient]) -> FlaskClient:
    return signed_in("organizer", "participant")


def _weekly(app: Flask, make_event: Callable[..., int], organizer_id: int) -> int:
    """Rehearsals every Monday and Thursday 9:00 from 7 to 24 December 2026: Monday 14th skipped
    (春节 stands in for a reason), Thursday 17th moved to Friday 18th, Thursday 24th moved into
    the next week (Monday 28th)."""
    event_id = make_event(
        start=at(7, 9),
        title="金秋艺术团舞蹈排练",
        weekdays=(0, 3),
        until=at(24, 9).date(),
        organizer_id=organizer_id,
    )
    with app.app_context():
        organizer = db.session.get(User, organizer_id)
        sittings = {
            o.starts_at.astimezone(at(1, 0).tzinfo).day: o
            for o in db.session.scalars(select(Occurrence).where(Occurrence.event_id == event_id))
        }
        event_service.skip_occurrence(sittings[14], True, actor=organizer, reason="场地检修")
        for day, days in ((17, 1), (24, 4)):
            sitting = sittings[day]
            event_service.move_occurrence(
                sitting,
                sitting.starts_at + timedelta(days=days),
                sitting.ends_at + timedelta(days=days),
                actor=organizer,
            )
        db.session.commit()
    return event_id


@pytest.fixture
def week_page(
    app: Flask, organizer: FlaskClient, make_event: Callable[..., int]
) -> Callable[[str, dict[str, str]], str]:
    """The words of the programme of ?week=..., in the language asked, of the rehearsals."""
    _weekly(app, make_event, organizer.user_id)  # type: ignore[attr-defined]
    return lambda week, headers: _text(
        organizer.get(f"/manage/print/programme?week={week}", headers=headers).text
    )


def test_the_week_shows_skipped_and_moved_sittings_marked_in_their_rooms(
    week_page: Callable[[str, dict[str, str]], str],
) -> None:
    page = week_page("2026-W51", ZH)
    assert "2026-W51" in page
    assert "活动安排表 2026年12月14日 – 2026年12月20日" in page
    assert "星期一 12月14日" in page and "星期日 12月20日" in page
    assert "【暂停】 场地检修" in page
    # The Thursday says where the sitting went; the Friday holds it, saying when it was planned.
    assert "【调整】 改到 2026年12月18日 星期五 09:00" in page
    assert "09:00–11:00 金秋艺术团舞蹈排练 【调整】 原定 2026年12月17日 星期四 09:00" in page


def test_a_sitting_moved_out_of_the_week_leaves_a_note_on_its_day(
    week_page: Callable[[str, dict[str, str]], str],
) -> None:
    page = week_page("2026-12-23", EN)
    assert "Programme of the week 21 Dec 2026 – 27 Dec 2026" in page
    assert "[Moved] now 28 Dec 2026, Mon 09:00" in page.replace("【", "[").replace("】", "]")
    assert "09:00–11:00" in page  # Monday 21st is held as planned


def test_any_day_or_iso_week_names_the_same_week_and_no_week_is_this_week(
    organizer: FlaskClient,
) -> None:
    by_day = organizer.get("/manage/print/programme?week=2026-12-10")
    by_week = organizer.get("/manage/print/programme?week=2026-W50")
    assert by_day.status_code == by_week.status_code == 200
    assert "2026-W50" in by_day.text and "2026-W50" in by_week.text
    assert organizer.get("/manage/print/programme").status_code == 200


@pytest.mark.parametrize("week", ["next-week", "2026-W54", "2026-02-30", "３０００-01-01"])
def test_a_week_that_is_not_one_is_refused_with_a_message_next_to_the_field(
    organizer: FlaskClient, week: str
) -> None:
    response = organizer.get("/manage/print/programme", query_string={"week": week}, headers=EN)
    assert response.status_code == 400
    assert "is not a week; choose a day, e.g. 2026-12-07." in response.text
    assert 'aria-describedby="week-error"' in response.text
    zh = organizer.get("/manage/print/programme", query_string={"week": week}, headers=ZH)
    assert "不是一周" in zh.text


def test_drafts_are_not_on_the_notice_board(
    organizer: FlaskClient, make_event: Callable[..., int]
) -> None:
    make_event(start=at(8, 14), title="尚未发布的讲座", status="draft")
    make_event(start=at(9, 14), title="书法讲座")
    page = organizer.get("/manage/print/programme?week=2026-W50").text
    assert "书法讲座" in page and "尚未发布的讲座" not in page


@pytest.fixture
def class_with_people(app: Flask, make_event: Callable[..., int], make_user: Any) -> int:
    """A class of four places: four registered, the fifth waiting."""
    event_id = make_event(start=at(9, 9), title="智能手机使用课", capacity=4)
    with app.app_context():
        event = db.session.get(Event, event_id)
        event.registration_mode = "individual"
        db.session.commit()
        # Surnames read as surnames: 单 Shan, 曾 Zeng; the fifth person waits.
        for n, name in enumerate(("张和顺", "曾国庆", "安秀英", "单丽华", "王桂兰"), start=1):
            person = db.session.get(User, make_user(name=name, phone=f"1390000000{n}"))
            registration_service.register(event, person, by=person, now=utcnow())
        db.session.commit()
    return event_id


def test_the_sign_in_sheet_lists_confirmed_members_in_pinyin_order_with_short_phones(
    organizer: FlaskClient, class_with_people: int
) -> None:
    sheet = organizer.get(f"/manage/print/events/{class_with_people}/sign-in", headers=ZH)
    page = _text(sheet.text)
    names = re.findall(r"(安秀英|单丽华|曾国庆|张和顺|王桂兰)", page.split("签名", 1)[1])
    assert names == ["安秀英", "单丽华", "曾国庆", "张和顺"]
    assert "139****0001" in page and "13900000001" not in page
    assert "1 人在候补名单上，未列入本表" in page
    assert "2026年12月9日 星期三 09:00–11:00" in page


def test_a_sittings_sheet_names_its_date(
    app: Flask, organizer: FlaskClient, make_event: Callable[..., int]
) -> None:
    event_id = _weekly(app, make_event, organizer.user_id)  # type: ignore[attr-defined]
    with app.app_context():
        sitting = db.session.scalars(
            select(Occurrence).where(Occurrence.event_id == event_id).order_by(Occurrence.id)
        ).all()[3]
        sitting_id, day = sitting.id, sitting.starts_at
    html = organizer.get(f"/manage/print/sittings/{sitting_id}/sign-in", headers=EN).text
    page = _text(html)
    assert f"{day.astimezone(at(1, 0).tzinfo).day} Dec 2026" in page
    assert "Sign-in sheet: 金秋艺术团舞蹈排练" in page
    # A drop-in activity: no one registered, a page of blank rows for who comes.
    assert html.count("<tr") == 1 + 20 and html.count('<tr class="blank">') == 20
    assert "members registered" not in page


def test_the_poster_says_when_where_how_to_register_with_a_qr_code(
    app: Flask, organizer: FlaskClient, make_event: Callable[..., int]
) -> None:
    event_id = make_event(start=at(9, 14, 30), title="重阳节慰问演出", capacity=300)
    with app.app_context():
        db.session.get(Event, event_id).registration_mode = "individual"
        db.session.commit()
    html = organizer.get(f"/manage/print/events/{event_id}/poster", headers=ZH).text
    page = _text(html)
    assert "重阳节慰问演出" in page and "2026年12月9日 星期三" in page and "14:30–16:30" in page
    assert f"http://localhost/events/{event_id}" in page
    assert "服务台电话：010-6381 2345" in page
    assert "<svg" in html and "活动页面的二维码" in html
    assert '<svg viewBox="0 0 ' in html  # scaled to its box, not a fixed size cut off by it


@pytest.mark.parametrize(
    "path",
    [
        "/manage/print/programme",
        "/manage/print/events/{event}/poster",
        "/manage/print/events/{event}/sign-in",
    ],
)
def test_only_organizers_print(
    signed_in: Callable[..., FlaskClient],
    client: FlaskClient,
    make_event: Callable[..., int],
    path: str,
) -> None:
    url = path.format(event=make_event())
    assert signed_in("participant", "judge").get(url).status_code == 403
    answer = client.get(url)
    assert answer.status_code == 302 and "/login" in answer.location
