"""The print-outs on paper (issue 18.6), as the desk prints them: Chromium prints each page to a
PDF with the page's own @page size (A4, the programme landscape), and the PDF is read back with
pypdf: its pages, their size, the Chinese (or English) words on them, the sign-in sheet's header
on every page. Page 1 of each is also photographed as printed (print media, an A4-sized window)
into screenshots/print-*.png for a person to look at."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.checks import SCREENSHOTS, check_page
from tests.browser.conftest import LiveServer
from tests.browser.world import ORGANIZER, PARTICIPANT

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

A4_PT = (595, 842)  # 210 × 297 mm in PDF points, rounded
A4_PX = (794, 1123)  # the same at the CSS 96 px per inch
SURNAMES = "单曾解区张王李赵刘陈杨黄周吴徐孙马朱胡郭"
GIVEN = ("丽华", "国庆")
MEMBERS = 60
CLASS = {"kind": "lecture", "title": "老年大学书法班", "registration_mode": "individual"}
LONG_UNIT = "卢沟桥街道离退休干部党支部第三党小组"


def _pdf(page: Page) -> Any:
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))


def _size(pdf_page: Any) -> tuple[int, int]:
    box = pdf_page.mediabox
    return round(float(box.width)), round(float(box.height))


def _words(pdf_page: Any) -> str:
    """The page's text without blanks; NFKC, as the CJK fonts' glyphs read back as Kangxi
    radicals (⽼ for 老)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", pdf_page.extract_text()))


def _printed(open_page: Callable[..., Page], lang: str, path: str) -> tuple[Page, Any]:
    """Open *path* as an organizer, check the page on screen, print it: the page and its PDF."""
    page = open_page("desktop", lang, ORGANIZER)
    page.goto(path)
    check_page(page, lang=lang)
    return page, _pdf(page)


def _photograph(page: Page, name: str, *, landscape: bool = False) -> None:
    """Page 1 as printed: print media in a window of one A4 sheet."""
    width, height = A4_PX[::-1] if landscape else A4_PX
    page.emulate_media(media="print")
    page.set_viewport_size({"width": width, "height": height})
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"print-{name}.png"))
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture(scope="module")
def long_class(live_server: LiveServer) -> Iterator[int]:
    """A draft class (so no other page shows it) with 60 confirmed members and 2 waiting."""
    from sqlalchemy import select

    from eventsys.extensions import db
    from eventsys.models import Event, Registration, RegistrationMember, User, Venue
    from eventsys.services import accounts, places
    from eventsys.services import events as event_service
    from eventsys.timeutil import utcnow

    app = live_server.app
    with app.app_context():
        organizer = db.session.get(User, live_server.world.ids["organizer"])
        venue = db.session.scalars(select(Venue).where(Venue.name == "阅览室")).one()
        start = utcnow().replace(microsecond=0) + timedelta(days=40)
        hours = timedelta(hours=2)
        data = event_service.EventData(
            venue_id=venue.id, starts_at=start, ends_at=start + hours, **CLASS
        )
        event = event_service.create_event(data, organizer=organizer)
        # Units as long as the bureau's (they wrap in their column), a short one, none.
        long_unit = places.save_organisation(LONG_UNIT, None, actor=organizer)
        units = (live_server.world.ids["centre"], long_unit.id, None)
        names = [s + g for g in GIVEN for s in SURNAMES] + [f"会员{n:02d}" for n in range(22)]
        for number, name in enumerate(names[: MEMBERS + 2]):
            person = accounts.create_user(
                accounts.NewUser(
                    name=name,
                    login=f"sheet{number}",
                    password="x" * 12,
                    phone=f"1378{number:07d}",  # a prefix no other browser world uses
                    organisation_id=units[number % 3],
                ),
                actor=None,
            )
            status = "confirmed" if number < MEMBERS else "waiting"
            registration = Registration(event_id=event.id, captain_id=person.id, status=status)
            db.session.add(registration)
            db.session.flush()
            db.session.add(
                RegistrationMember(
                    registration_id=registration.id, event_id=event.id, user_id=person.id
                )
            )
        db.session.commit()
        event_id = event.id
        assert db.session.get(Event, event_id).status == "draft"
        db.session.remove()
    yield event_id


def test_the_long_sign_in_sheet_prints_on_three_pages_each_with_its_header(
    open_page: Callable[..., Page], long_class: int
) -> None:
    page, pdf = _printed(open_page, "zh-CN", f"/manage/print/events/{long_class}/sign-in")
    # 60 members and 5 blank rows of 10.5 mm under a heading: about 24 rows on a page.
    assert len(pdf.pages) == 3
    for number, sheet in enumerate(pdf.pages, start=1):
        assert _size(sheet) == A4_PT, number
        assert "序号姓名单位电话签名" in _words(sheet), f"page {number} lacks the header row"
    first = _words(pdf.pages[0])
    assert "签到表:老年大学书法班" in first and "丰台区老干部活动中心" in first
    # Pinyin order, surnames read as surnames: 陈 chen before 单 shan before 曾 zeng.
    everything = "".join(_words(sheet) for sheet in pdf.pages)
    assert everything.index("陈丽华") < everything.index("单丽华") < everything.index("曾丽华")
    assert LONG_UNIT in everything
    assert "137****0000" in everything and "13780000000" not in everything
    assert "已报名60人。另有2人在候补名单上,未列入本表。" in everything
    _photograph(page, "sign-in-zh")


def test_the_programme_prints_on_one_landscape_page_with_its_marks(
    open_page: Callable[..., Page], world: Any
) -> None:
    from eventsys.timeutil import local_today

    today = local_today()
    # The world's third week of rehearsals: Monday's skipped, Thursday's moved by five hours
    # (on the same day: the mark says the time it was planned for).
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=2)
    for lang, marks in (
        ("zh-CN", ("【暂停】", "【调整】原定09:00")),
        ("en", ("【Nosession】", "【Moved】was09:00")),
    ):
        page, pdf = _printed(open_page, lang, f"/manage/print/programme?week={monday}")
        assert len(pdf.pages) == 1
        assert _size(pdf.pages[0]) == A4_PT[::-1]
        words = _words(pdf.pages[0])
        assert "金秋艺术团舞蹈排练" in words and "舞蹈排练室" in words
        for mark in marks:
            assert mark in words, (lang, mark)
        _photograph(page, f"programme-{lang}", landscape=True)


def test_the_poster_prints_on_one_page_with_its_qr_code(
    open_page: Callable[..., Page], world: Any
) -> None:
    page, pdf = _printed(open_page, "zh-CN", f"/manage/print/events/{world.ids['class']}/poster")
    assert page.locator(".poster-qr svg").count() == 1
    # The whole code is drawn inside its box: a code cut off at the edge does not scan.
    drawn, box = page.locator(".poster-qr svg").evaluate(
        "s => [s.querySelector('path').getBoundingClientRect().toJSON(),"
        " s.getBoundingClientRect().toJSON()]"
    )
    assert box["width"] > 150 and drawn["width"] > 0.8 * box["width"]
    assert drawn["right"] <= box["right"] + 1 and drawn["bottom"] <= box["bottom"] + 1
    assert len(pdf.pages) == 1 and _size(pdf.pages[0]) == A4_PT
    words = _words(pdf.pages[0])
    assert "智能手机使用课" in words and "阅览室" in words and "报名方式" in words
    assert f"/events/{world.ids['class']}" in words and "服务台电话:010-63812345" in words
    _photograph(page, "poster-zh")
    weekly, pdf = _printed(open_page, "en", f"/manage/print/events/{world.ids['weekly']}/poster")
    assert len(pdf.pages) == 1
    words = _words(pdf.pages[0])
    assert "EveryMonday,Thursday" in words and "Noregistrationneeded" in words
    _photograph(weekly, "poster-weekly-en")


def test_a_sittings_sheet_and_the_reset_slip_print_on_a4(
    open_page: Callable[..., Page], world: Any, live_server: LiveServer
) -> None:
    sitting = f"/manage/print/sittings/{world.ids['occurrence']}/sign-in"
    page, pdf = _printed(open_page, "en", sitting)
    assert len(pdf.pages) == 1 and _size(pdf.pages[0]) == A4_PT
    assert "No.FullnameUnitPhoneSignature" in _words(pdf.pages[0])
    _photograph(page, "sitting-sign-in-en")
    desk = open_page("desktop", "zh-CN", ORGANIZER)
    desk.goto(f"/manage/people/{_new_member(live_server)}")
    desk.get_by_label(re.compile("我已确认")).check()
    with desk.expect_navigation():  # print the slip, not the page before it
        desk.get_by_role("button", name="给一个设新密码用的一次性验证码").click()
    pdf = _pdf(desk)
    assert len(pdf.pages) == 1 and _size(pdf.pages[0]) == A4_PT
    assert "郑玉兰" in _words(pdf.pages[0]) and "一次性验证码" in _words(pdf.pages[0])
    _photograph(desk, "reset-slip-zh")


def _new_member(live_server: LiveServer) -> int:
    """A member of their own: a desk code signs the member out everywhere."""
    from eventsys.extensions import db
    from eventsys.services import accounts

    with live_server.app.app_context():
        user = accounts.create_user(
            accounts.NewUser(name="郑玉兰", login="zhengyulan", password="x" * 12), actor=None
        )
        db.session.commit()
        return user.id


def test_members_cannot_open_the_print_outs(open_page: Callable[..., Page], world: Any) -> None:
    page = open_page("desktop", "zh-CN", PARTICIPANT)
    response = page.goto("/manage/print/programme")
    assert response is not None and response.status == 403
