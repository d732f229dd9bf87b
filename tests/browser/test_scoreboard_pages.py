"""The hall's scoreboard pages through a long field on a 1280×900 screen; the score matrix keeps
names on one line at 1280 px. A contest of 24 poets marked by 7 judges on 4 criteria, added to
the world for these tests only."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from eventsys.extensions import db
from eventsys.services import accounts, contests, judging
from tests.browser.checks import check_page
from tests.browser.conftest import LiveServer
from tests.browser.world import ORGANIZER, PASSWORD, poets_contest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢"
GIVEN = ("秀兰", "桂英", "建国", "玉梅", "德胜", "振华")
POETS = [SURNAMES[i] + GIVEN[i % len(GIVEN)] for i in range(24)]


@pytest.fixture(scope="module")
def long_contest(live_server: LiveServer) -> int:
    """A published-later contest: 24 entries, every sheet in, running results shown."""
    with live_server.app.app_context():
        organizer, event, entries = poets_contest(
            "冬至诗词擂台赛", 40, POETS, "board", "1350000", "冬至"
        )
        judges = [
            accounts.create_user(
                accounts.NewUser(
                    name=f"评委{n}",
                    login=f"boardjudge{n}",
                    password=PASSWORD,
                    roles=("judge", "participant"),
                ),
                actor=organizer,
            )
            for n in range(1, 8)
        ]
        contest = contests.set_up_contest(
            event,
            contests.ContestSettings(
                aggregation="mean",
                criteria=tuple(
                    contests.CriterionData(name, Decimal(25))
                    for name in ("立意", "格律", "语言", "意境")
                ),
                tiers=(),
            ),
            actor=organizer,
        )
        contests.appoint_panel(contest, [j.id for j in judges], actor=organizer)
        db.session.flush()
        for number, entry in enumerate(entries):
            for j, judge in enumerate(judges):
                raw = {
                    c.id: str(10 + (number + j + k) % 15) for k, c in enumerate(contest.criteria)
                }
                judging.save_sheet(contest, judge, entry, raw, version=0, submit=True)
        db.session.commit()
        return int(contest.id)


def _visible_rows(page: Page) -> list[dict[str, Any]]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.board tbody tr'))
            .filter((row) => !row.hidden && row.getClientRects().length)
            .map((row) => ({text: row.cells[1].textContent.trim(),
                            bottom: row.getBoundingClientRect().bottom}))"""
    )


def test_the_scoreboard_pages_through_every_row_on_a_1280_by_900_screen(
    open_page: Callable[..., Page], long_contest: int, expect: Any
) -> None:
    page = open_page("desktop", "zh-CN")
    page.clock.install()
    page.goto(f"/contests/{long_contest}/scoreboard")
    label = page.locator("#board-page")
    expect(label).to_have_text(re.compile(r"^第 1/\d+ 页$"))
    check_page(page, lang="zh-CN", screenshot="scoreboard-paged-zh-desktop")
    pages = int(re.search(r"/(\d+)", label.inner_text())[1])  # type: ignore[index]
    assert pages >= 2
    seen: list[str] = []
    for number in range(1, pages + 1):
        expect(label).to_have_text(f"第 {number}/{pages} 页")
        rows = _visible_rows(page)
        assert rows, f"page {number} shows no rows"
        # Every row shown fits on the screen, above the page number.
        assert max(row["bottom"] for row in rows) <= 900
        assert label.bounding_box()["y"] + label.bounding_box()["height"] <= 900  # type: ignore[index]
        seen += [row["text"] for row in rows]
        page.clock.run_for(8_000)
    assert sorted(seen) == sorted(POETS)  # every row once, over the pages
    expect(label).to_have_text(f"第 1/{pages} 页")  # and round again
    # Stopping the turning shows every row again, on a page that scrolls.
    page.get_by_role("button", name="停止翻页").click()
    assert len(_visible_rows(page)) == len(POETS)
    expect(page.get_by_role("button", name="继续翻页")).to_be_visible()


def test_without_javascript_the_scoreboard_shows_every_row_and_scrolls(
    browser: Browser, live_server: LiveServer, long_contest: int
) -> None:
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": 1280, "height": 900},
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
    )
    try:
        page = context.new_page()
        page.goto(f"/contests/{long_contest}/scoreboard")
        assert len(_visible_rows(page)) == len(POETS)
        assert page.evaluate("() => document.documentElement.scrollHeight > window.innerHeight")
        assert page.evaluate("() => getComputedStyle(document.body).overflowY") != "hidden"
    finally:
        context.close()


def test_the_score_matrix_keeps_a_three_character_name_on_one_line_at_1280_px(
    open_page: Callable[..., Page], long_contest: int
) -> None:
    page = open_page("desktop", "zh-CN", ORGANIZER)
    page.goto(f"/contests/{long_contest}/matrix")
    lines = page.evaluate(
        """(names) => names.map((name) => {
            const cell = Array.from(document.querySelectorAll('.matrix tbody th[scope=row]'))
              .find((th) => th.textContent.includes(name));
            const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode()) && !node.data.includes(name)) {}
            const range = document.createRange();
            const start = node.data.indexOf(name);
            range.setStart(node, start);
            range.setEnd(node, start + name.length);
            const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
            return [name, tops.size];
        })""",
        POETS[:3],
    )
    assert lines == [[name, 1] for name in POETS[:3]]
