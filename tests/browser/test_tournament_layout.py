"""Tournament pages on a 390 px phone: names and headers on one line, titles as 44 px targets.

Also proves that the target check no longer takes a card's details for running text around
its title link (why the tournament links under 44 px were missed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.browser.checks import MIN_TARGET_PX, _in_page, check_page
from tests.browser.world import World

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

# The number of lines each element's text takes (distinct tops of its text's line boxes).
LINES = """(selector) => [...document.querySelectorAll(selector)].map((el) => {
  const tops = new Set();
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
  }
  return [el.innerText.trim(), tops.size];
})"""


def _phone_390(open_page: Callable[..., Page], lang: str) -> Page:
    page = open_page("phone", lang)
    page.set_viewport_size({"width": 390, "height": 844})
    return page


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_standings_on_a_390_px_phone_keep_names_and_headers_on_one_line(
    open_page: Callable[..., Page], world: World, lang: str
) -> None:
    page = _phone_390(open_page, lang)
    page.goto(f"/tournaments/{world.ids['tournament']}/standings")
    names = page.evaluate(LINES, "main table tbody td:nth-child(2)")
    assert names and all(lines == 1 for _name, lines in names), names
    headers = page.evaluate(LINES, "main table thead th")
    assert headers and all(lines == 1 for _header, lines in headers), headers
    # A wide table scrolls in its own box; the page itself does not scroll sideways.
    assert page.evaluate(
        "() => document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"
    )
    check_page(page, lang=lang)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_tournament_names_in_the_list_are_44_px_targets(
    open_page: Callable[..., Page], world: World, lang: str
) -> None:
    page = _phone_390(open_page, lang)
    page.goto("/tournaments/")
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('main .card a[href]')].map((a) => {
          const r = a.getBoundingClientRect();
          return [a.innerText, r.width, r.height];
        })"""
    )
    assert sizes
    assert all(h >= MIN_TARGET_PX - 0.5 and w >= MIN_TARGET_PX - 0.5 for _t, w, h in sizes), sizes
    check_page(page, lang=lang)


def test_the_target_check_counts_only_the_words_on_the_links_own_lines(
    open_page: Callable[..., Page],
) -> None:
    page = open_page("phone", "en")
    page.set_content(
        '<ul><li id="card"><a href="#a">Cup</a><p>Gateball · 3 Dec</p></li></ul>'
        '<p>Read <a href="#b">the rules</a> first.</p>'
    )
    problems = _in_page(
        page,
        "measure",
        {"minText": 0, "minLineHeight": 0, "minTarget": MIN_TARGET_PX, "minMainAction": 0},
    )
    targets = [problem for problem in problems if problem.startswith("target ")]
    assert any('"Cup"' in problem for problem in targets), problems
    assert not any("the rules" in problem for problem in targets), problems


def test_choosing_the_sport_swaps_the_defaults_left_alone_in_the_settings_form(
    open_page: Callable[..., Page], world: World
) -> None:
    from tests.browser.world import ORGANIZER

    page = open_page("desktop", "en", ORGANIZER)
    page.goto(f"/tournaments/new/{world.ids['long']}")
    value = lambda name: page.locator(f"[name={name}]").input_value()  # noqa: E731
    assert (value("sport"), value("points_draw"), value("best_of")) == ("gateball", "1", "")
    page.locator("#sport").select_option("table_tennis")
    assert (value("best_of"), value("points_draw"), value("points_loss")) == ("5", "", "1")
    assert value("criterion_2") == "head_to_head" and value("criterion_3") == ""
    assert value("defaults_for") == "table_tennis"
    page.locator("#points_win").fill("3")  # typed by the organizer: kept
    page.locator("#sport").select_option("billiards")
    assert (value("race_to"), value("points_win"), value("points_loss")) == ("5", "3", "0")
    check_page(page, lang="en")
