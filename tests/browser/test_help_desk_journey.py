"""A forgotten password, end to end in the browser: the desk gives a code on a slip, the member
follows the sign-in page's "forgot" link and sets a new password with it. Every page on the way
meets the checklist (issue 14, item 6)."""

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


def test_the_desk_gives_a_code_and_the_member_sets_a_new_password(
    open_page: Callable[..., Page], expect: Any, live_server: Any
) -> None:
    member = new_member(
        live_server,
        name="郭秀兰",
        login="guoxiulan",
        phone="13611112222",
        password="old-password-1",
    )
    desk = open_page("desktop", "zh-CN", ORGANIZER)
    desk.goto(f"/manage/people/{member}")
    check_page(desk, lang="zh-CN", screenshot="desk-person-zh-desktop")
    desk.get_by_role("link", name="更正姓名、电话或单位").click()
    desk.get_by_label("姓名").fill("郭秀芝")
    check_page(desk, lang="zh-CN")
    desk.get_by_role("button", name="保存更正").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("郭秀芝")
    desk.get_by_label(re.compile("我已确认")).check()
    desk.get_by_role("button", name="给一个设新密码用的一次性验证码").click()
    expect(desk).to_have_url(re.compile(r"/reset-slip$"))
    code = desk.locator(".slip-code").inner_text()
    assert re.fullmatch(r"\d{4} \d{4}", code), code
    check_page(desk, lang="zh-CN", screenshot="desk-reset-slip-zh-desktop")

    phone = open_page("phone", "zh-CN")
    phone.goto("/login")
    phone.get_by_role("link", name="看看怎样设置新密码").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("忘记密码了？")
    check_page(phone, lang="zh-CN", screenshot="forgot-password-zh-phone")
    phone.get_by_role("link", name="我有验证码：设置新密码").click()
    phone.get_by_label("登录名或手机号").fill("136 1111 2222")
    phone.get_by_label("活动中心给的验证码（8位数字）").fill(code)
    phone.locator("#new_password").fill("new-password-2")
    phone.locator("#repeat_password").fill("new-password-2")
    check_page(phone, lang="zh-CN", screenshot="reset-password-zh-phone")
    phone.get_by_role("button", name="设置我的新密码").click()
    expect(phone).to_have_url(re.compile(r"/$"))
    expect(phone.get_by_role("status")).to_contain_text("新密码已设好")
