"""The desk corrects a member found by pinyin initials, then switches the account off, in the
browser as the staff would (issue 18 item 1). Every page on the way meets the checklist."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.checks import check_page
from tests.browser.world import ORGANIZER, new_member

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_the_desk_finds_a_member_by_initials_corrects_the_phone_and_switches_them_off(
    open_page: Callable[..., Page], expect: Any, live_server: Any
) -> None:
    member = new_member(
        live_server,
        name="曾秀兰",
        login="zengxiulan",
        phone="13522223333",
        password="old-password-1",
    )
    desk = open_page("desktop", "zh-CN", ORGANIZER)
    desk.goto("/manage/people")
    desk.get_by_label("按姓名、拼音、首字母、电话或单位查找").fill("zxl")
    desk.get_by_role("button", name="查找").click()
    check_page(desk, lang="zh-CN", screenshot="desk-people-search-zh-desktop")
    desk.get_by_role("link", name="曾秀兰").click()
    expect(desk).to_have_url(re.compile(rf"/manage/people/{member}$"))
    check_page(desk, lang="zh-CN", screenshot="desk-member-file-zh-desktop")

    desk.get_by_role("link", name="更正姓名、电话或单位").click()
    desk.locator("#phone").fill("135-2222-4444")
    desk.get_by_role("button", name="保存更正").click()
    expect(desk.locator("dl.facts").first).to_contain_text("13522224444")

    desk.get_by_role("button", name="停用这个账户").click()
    expect(desk.get_by_role("status").first).to_contain_text("账户已停用")
    expect(desk.locator(".message-warning").first).to_contain_text("这个账户已停用")
    check_page(desk, lang="zh-CN", screenshot="desk-member-switched-off-zh-desktop")

    phone = open_page("phone", "zh-CN")
    phone.goto("/login")
    phone.locator("#login").fill("13522224444")
    phone.locator("#password").fill("old-password-1")
    phone.locator("button.main-action").click()
    expect(phone.locator("body")).to_contain_text("这个账户已停用")
