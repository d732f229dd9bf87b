"""Journeys as the centre's people take them, by keyboard where that is natural, with every page
on the way held to the checklist (check_page).

(a) a member signs up in Chinese on a phone, then finds an event on the programme and opens it;
(b) an organizer signs in, creates a room and an event, publishes it, and is refused a clashing
    booking of the same room with an error that names the other event;
(c) switching the language keeps the reader on the page they were reading."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from eventsys.timeutil import local_today
from tests.browser.checks import check_page
from tests.browser.world import World

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser


def activate(target: Locator) -> None:
    """Move the keyboard focus to a link or button and press Enter, as a keyboard user does."""
    target.focus()
    target.press("Enter")


def rendered_fonts(page: Page, selector: str) -> list[str]:
    """The fonts Chromium actually drew the element's text with (not the CSS wish list)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")
        node = cdp.send(
            "DOM.querySelector", {"nodeId": root["root"]["nodeId"], "selector": selector}
        )
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    finally:
        cdp.detach()
    return [font["familyName"] for font in fonts["fonts"]]


def field_error(page: Page, field_id: str) -> Locator:
    """The error message of a field, checked to be tied to the field by aria-describedby."""
    described = page.locator(f"#{field_id}").get_attribute("aria-describedby") or ""
    assert f"{field_id}-error" in described.split(), f"#{field_id} is not described by its error"
    assert page.locator(f"#{field_id}").get_attribute("aria-invalid") == "true"
    return page.locator(f"#{field_id}-error")


def test_a_member_signs_up_in_chinese_on_a_phone_and_opens_an_event(
    open_page: Callable[..., Page], world: World, expect: Any
) -> None:
    page = open_page("phone", "zh-CN")
    page.goto("/")
    check_page(page, lang="zh-CN")
    fonts = rendered_fonts(page, "h1")
    assert any("CJK" in font or "Han Sans" in font for font in fonts), (
        f"Chinese is drawn with {fonts}; install fonts-noto-cjk"
    )

    activate(
        page.get_by_role("navigation", name="主菜单").get_by_role("link", name="注册", exact=True)
    )
    expect(page).to_have_url(re.compile(r"/signup$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("注册")
    check_page(page, lang="zh-CN")

    # Typed with a Chinese input method: full-width digits and spaces; a password too short.
    page.get_by_label("姓名").fill("王秀英")
    page.locator("#login").fill("wangxiuying")
    page.locator("#phone").fill("１３９ １２３４ ５６７８")
    page.locator("#organisation_id").select_option(label="卢沟桥街道离退休干部党支部")
    page.locator("#password").fill("qiu2026")
    page.locator("#password").press("Enter")
    expect(field_error(page, "password")).to_contain_text("错误")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("姓名")).to_have_value("王秀英")
    expect(page.locator("#organisation_id")).to_have_value(re.compile(r"\d+"))
    check_page(page, lang="zh-CN")

    # The show-password toggle lets her see what she types.
    toggle = page.get_by_role("button", name=re.compile(r"^查看 密码"))
    activate(toggle)
    expect(page.locator("#password")).to_have_attribute("type", "text")
    expect(page.get_by_role("button", name=re.compile(r"^隐藏 密码"))).to_be_focused()
    page.locator("#password").fill("jinqiu-2026")
    page.locator("#password").press("Enter")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text("欢迎您，王秀英")
    expect(page.get_by_role("navigation", name="主菜单")).to_contain_text("退出登录")
    check_page(page, lang="zh-CN")

    # The programme, narrowed to performances, then the event itself.
    page.get_by_label("类型").select_option(label="演出")
    activate(page.get_by_role("button", name="查看"))
    expect(page).to_have_url(re.compile(r"kind=performance"))
    title = world.titles["show"]
    card = page.locator(".card", has_text=title)
    expect(card).to_contain_text(re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 星期. \d\d:\d\d"))
    expect(card).to_contain_text(world.venues["show"])
    check_page(page, lang="zh-CN")
    activate(card.get_by_role("link", name=title))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("main")).to_contain_text(world.venues["show"])
    expect(page.locator("main")).to_contain_text(re.compile(r"星期. 14:30"))
    check_page(page, lang="zh-CN")

    # Her phone number was stored as digits.
    activate(page.get_by_role("link", name="我的", exact=True))
    expect(page.locator("main")).to_contain_text("13912345678")
    check_page(page, lang="zh-CN")


ORGANIZER_TEXT = {
    "en": {
        "menu": "Main menu",
        "manage": "Manage",
        "rooms": "Rooms and courts",
        "new venue": "New venue",
        "room kind": "Room",
        "venue saved": "The venue is saved.",
        "new event": "New event",
        "kind": "Lecture",
        "draft saved": "saved as a draft",
        "publish": "Publish",
        "published": "The event is published.",
        "booked": "is already booked by",
        "welcome": "Welcome, 李卫东",
    },
    "zh-CN": {
        "menu": "主菜单",
        "manage": "管理",
        "rooms": "活动室和球场",
        "new venue": "新建场地",
        "room kind": "活动室",
        "venue saved": "场地已保存。",
        "new event": "新建活动",
        "kind": "讲座",
        "draft saved": "活动已存为草稿",
        "publish": "发布",
        "published": "活动已发布。",
        "booked": "已被",
        "welcome": "欢迎您，李卫东",
    },
}


@pytest.mark.parametrize(("lang", "device"), [("en", "desktop"), ("zh-CN", "phone")])
def test_an_organizer_books_a_room_and_is_told_which_event_holds_it(
    open_page: Callable[..., Page], world: World, expect: Any, lang: str, device: str
) -> None:
    text = ORGANIZER_TEXT[lang]
    venue, first, second = (f"书画室{device}", f"书法讲座{device}", f"象棋友谊赛{device}")
    day = (local_today() + timedelta(days=30)).isoformat()
    page = open_page(device, lang)
    page.goto("/login")
    check_page(page, lang=lang)
    page.locator("#login").fill("organizer")
    page.locator("#password").fill(world.password)
    page.locator("#password").press("Enter")
    expect(page.get_by_role("status")).to_contain_text(text["welcome"])

    menu = page.get_by_role("navigation", name=text["menu"])
    activate(menu.get_by_role("link", name=text["manage"], exact=True))
    expect(page).to_have_url(re.compile(r"/manage/$"))
    check_page(page, lang=lang)

    # A new room, its capacity typed with full-width digits.
    activate(page.locator("main").get_by_role("link", name=text["rooms"], exact=True))
    check_page(page, lang=lang)
    activate(page.get_by_role("link", name=text["new venue"], exact=True))
    check_page(page, lang=lang)
    page.locator("#name").fill(venue)
    page.locator("#kind").select_option(label=text["room kind"])
    page.locator("#capacity").press_sequentially("２４")  # Chromium reads them as 24
    page.locator("#location").fill("活动中心二层")
    activate(page.locator("button.main-action"))
    expect(page.get_by_role("status")).to_contain_text(text["venue saved"])
    expect(page.locator("main table")).to_contain_text(venue)
    check_page(page, lang=lang)

    # A new event in it: saved as a draft, then published.
    activate(menu.get_by_role("link", name=text["manage"], exact=True))
    activate(page.get_by_role("link", name=text["new event"], exact=True))
    check_page(page, lang=lang)
    page.locator("#title").fill(first)
    page.locator("#kind").select_option(label=text["kind"])
    page.locator("#venue_id").select_option(label=venue)
    page.locator("#starts_at").fill(f"{day}T14:00")
    page.locator("#ends_at").fill(f"{day}T16:00")
    activate(page.locator("button.main-action"))
    expect(page.get_by_role("heading", level=1)).to_have_text(first)
    expect(page.get_by_role("status")).to_contain_text(text["draft saved"])
    check_page(page, lang=lang)
    activate(page.get_by_role("button", name=text["publish"], exact=True))
    expect(page.get_by_role("status")).to_contain_text(text["published"])
    check_page(page, lang=lang)

    # Another event in the same room, overlapping: refused, and the error says by what.
    activate(menu.get_by_role("link", name=text["manage"], exact=True))
    activate(page.get_by_role("link", name=text["new event"], exact=True))
    page.locator("#title").fill(second)
    page.locator("#venue_id").select_option(label=venue)
    page.locator("#starts_at").fill(f"{day}T15:00")
    page.locator("#ends_at").fill(f"{day}T17:00")
    activate(page.locator("button.main-action"))
    error = field_error(page, "starts_at")
    expect(error).to_contain_text(f"“{first}”")
    expect(error).to_contain_text(venue)
    expect(error).to_contain_text(text["booked"])
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("#title")).to_have_value(second)
    expect(page.locator("#starts_at")).to_have_value(f"{day}T15:00")
    check_page(page, lang=lang)


def test_switching_the_language_keeps_the_reader_on_the_same_page(
    open_page: Callable[..., Page], world: World, expect: Any
) -> None:
    page = open_page("phone", "zh-CN")
    page.goto("/venues")
    check_page(page, lang="zh-CN")
    activate(page.get_by_role("button", name="English"))
    expect(page).to_have_url(re.compile(r"/venues$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rooms and courts")
    check_page(page, lang="en")

    # A filtered programme keeps its filter; the choice sticks for the next page.
    page.goto(f"/?kind=performance&venue={world.ids['hall']}")
    activate(page.get_by_role("button", name="中文"))
    expect(page).to_have_url(re.compile(rf"/\?kind=performance&venue={world.ids['hall']}$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_label("类型")).to_have_value("performance")
    check_page(page, lang="zh-CN")
    page.goto(f"/events/{world.ids['show']}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    check_page(page, lang="zh-CN")
    activate(page.get_by_role("button", name="English"))
    expect(page).to_have_url(re.compile(rf"/events/{world.ids['show']}$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_page(page, lang="en")

    # After a refused form, the switch brings the same form back in the other language.
    page.goto("/signup")
    activate(page.locator("button.main-action"))
    expect(page.get_by_role("alert")).to_be_visible()
    check_page(page, lang="en")
    activate(page.get_by_role("button", name="中文"))
    expect(page).to_have_url(re.compile(r"/signup$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("注册")
    check_page(page, lang="zh-CN")
