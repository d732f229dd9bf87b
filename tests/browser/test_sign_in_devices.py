"""Signing up after a long pause, and the list of signed-in devices, in a real browser.

(a) a member fills in the sign-up form, her session is lost meanwhile (the browser was closed,
    the token expired): the form comes back as she typed it, with a message at the top, and goes
    through once she types the password again;
(b) the "where you are signed in" page meets the checklist in both languages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.checks import check_page
from tests.browser.world import PARTICIPANT

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_a_sign_up_sent_after_the_session_was_lost_comes_back_as_typed(
    open_page: Callable[..., Page], expect: Any
) -> None:
    page = open_page("phone", "zh-CN")
    page.goto("/signup")
    page.get_by_label("姓名").fill("李淑芬")
    page.locator("#login").fill("lishufen")
    page.locator("#phone").fill("13912340000")
    page.locator("#password").fill("jinqiu-2026")
    page.context.clear_cookies()  # the session (and the token's secret) is gone
    page.locator("#password").press("Enter")

    expect(page).to_have_url(re.compile(r"/signup$"))
    expect(page.get_by_role("alert").first).to_contain_text("没有保存")
    expect(page.get_by_role("alert").first).to_contain_text("密码需要重新输入")
    expect(page.get_by_label("姓名")).to_have_value("李淑芬")
    expect(page.locator("#login")).to_have_value("lishufen")
    expect(page.locator("#phone")).to_have_value("13912340000")
    expect(page.locator("#password")).to_have_value("")
    check_page(page, lang="zh-CN")

    page.locator("#password").fill("jinqiu-2026")
    page.locator("#password").press("Enter")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text("欢迎您，李淑芬")


@pytest.mark.parametrize(("lang", "device"), [("zh-CN", "phone"), ("en", "desktop")])
def test_the_signed_in_devices_page_meets_the_checklist(
    open_page: Callable[..., Page], expect: Any, lang: str, device: str
) -> None:
    page = open_page(device, lang, PARTICIPANT)
    page.goto("/me/devices")
    expect(page.locator(".card").first).to_be_visible()
    check_page(page, lang=lang, screenshot=f"devices-{lang[:2]}-{device}")
