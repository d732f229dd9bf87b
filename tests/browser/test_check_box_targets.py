"""The "keep me signed in" box on /login is a 44 × 44 px target, and the checklist's target
check measures a check box itself, not only its label (issue 14, item 10)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.browser.checks import (
    MIN_LINE_HEIGHT,
    MIN_MAIN_ACTION_PX,
    MIN_TARGET_PX,
    MIN_TEXT_PX,
    _in_page,
    check_page,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

SIZES = {
    "minText": MIN_TEXT_PX,
    "minLineHeight": MIN_LINE_HEIGHT,
    "minTarget": MIN_TARGET_PX,
    "minMainAction": MIN_MAIN_ACTION_PX,
}


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box


@pytest.mark.parametrize(("lang", "device"), [("zh-CN", "phone"), ("en", "desktop")])
def test_the_remember_me_box_and_its_label_are_44_px_targets(
    open_page: Callable[..., Page], lang: str, device: str
) -> None:
    page = open_page(device, lang)
    page.goto("/login")
    box = _box(page, "#remember")
    assert box["width"] >= MIN_TARGET_PX and box["height"] >= MIN_TARGET_PX, box
    label = _box(page, "label:has(#remember)")
    assert label["width"] >= MIN_TARGET_PX and label["height"] >= MIN_TARGET_PX, label
    page.locator("label:has(#remember)").click()  # the words toggle the box too
    assert not page.locator("#remember").is_checked()
    check_page(page, lang=lang)


def test_the_target_check_reports_a_small_box_inside_a_big_label(
    open_page: Callable[..., Page],
) -> None:
    page = open_page("phone", "zh-CN")
    page.goto("/login")
    assert _in_page(page, "measure", SIZES) == []
    page.evaluate(  # through the CSSOM: the Content-Security-Policy refuses a style tag
        """() => { const box = document.querySelector('#remember');
                   box.style.setProperty('width', '28px', 'important');
                   box.style.setProperty('height', '28px', 'important'); }"""
    )
    problems = _in_page(page, "measure", SIZES)
    assert any("28×28" in p and "input#remember" in p for p in problems), problems
