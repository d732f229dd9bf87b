"""Issue 14.1 / 14.2 in the browser: the list of people to ring (cancel page and printable list)
and the staff's "register a member who phoned in" search meet the elderly-user checklist, and
the printable list prints in large type (a print stylesheet, which no web test can see)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.checks import check_page
from tests.browser.world import ORGANIZER, World

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PT = 96 / 72  # CSS pixels per point


def test_the_printable_ring_list_prints_names_and_phones_in_large_type(
    open_page: Callable[..., Page], world: World, expect: Any
) -> None:
    page = open_page("desktop", "zh-CN", ORGANIZER)
    page.goto(f"/manage/events/{world.ids['class']}/cancel")
    expect(page.locator("table.ring-list tbody tr").first).to_be_visible()
    check_page(page, lang="zh-CN", screenshot="event-cancel-ring-list-zh-desktop")
    page.goto(f"/manage/events/{world.ids['class']}/registrants/print")
    check_page(page, lang="zh-CN")
    page.emulate_media(media="print")
    sizes = page.evaluate(
        """() => {
            const style = (selector) => getComputedStyle(document.querySelector(selector));
            return {
                cell: parseFloat(style('.ring-list td').fontSize),
                phone: parseFloat(style('.ring-list .phone').fontSize),
                nav: style('.site-header').display,
            };
        }"""
    )
    assert sizes["cell"] >= 16 * PT - 0.5, sizes
    assert sizes["phone"] >= 18 * PT - 0.5, sizes
    assert sizes["nav"] == "none", sizes  # only the list goes on paper


def test_staff_search_for_a_caller_by_initials_meets_the_checklist(
    open_page: Callable[..., Page], world: World, expect: Any
) -> None:
    page = open_page("phone", "zh-CN", ORGANIZER)
    page.goto(f"/manage/events/{world.ids['class']}/registrations")
    page.locator("#behalf-q").fill("shan")
    page.locator("#behalf-q").press("Enter")
    expect(page.locator("main")).to_contain_text("单")
    check_page(page, lang="zh-CN")
    page.locator("main ul.plain a.button").first.click()
    expect(page.locator("main")).to_contain_text("为这位成员报名")
    check_page(page, lang="zh-CN")
