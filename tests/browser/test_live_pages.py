"""Live pages in a real browser: the hall's scoreboard takes a saved mark from its stream without a
reload, and polls the page instead when the server refuses the stream (503, the cap)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from eventsys.extensions import db
from eventsys.models import Registration, User
from eventsys.models.contests import Contest
from eventsys.services import accounts, contests, judging
from tests.browser.conftest import LiveServer
from tests.browser.world import PASSWORD, poets_contest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def small_contest(live_server: LiveServer) -> dict[str, int]:
    """Two poems, one judge, nothing marked yet; running results shown on the screen."""
    with live_server.app.app_context():
        organizer, event, entries = poets_contest(
            "小寒诗会", 41, ("钱小寒", "孙大寒"), "live", "1399876", "小寒"
        )
        judge = accounts.create_user(
            accounts.NewUser(
                name="评委甲", login="livejudge", password=PASSWORD, roles=("judge", "participant")
            ),
            actor=organizer,
        )
        contest = contests.set_up_contest(
            event,
            contests.ContestSettings(
                criteria=(contests.CriterionData("立意", Decimal(50)),), tiers=()
            ),
            actor=organizer,
        )
        contests.appoint_panel(contest, [judge.id], actor=organizer)
        db.session.commit()
        return {
            "contest": contest.id,
            "judge": judge.id,
            "first": entries[0].id,
            "second": entries[1].id,
        }


def _save(
    live_server: LiveServer, contest_id: int, judge_id: int, entry_id: int, mark: str
) -> None:
    """A judge's sheet saved and committed in the server's process (as its form would)."""
    with live_server.app.app_context():
        contest = db.session.get(Contest, contest_id)
        judge = db.session.get(User, judge_id)
        entry = db.session.get(Registration, entry_id)
        raw = {contest.criteria[0].id: mark}
        judging.save_sheet(contest, judge, entry, raw, version=0, submit=True)
        db.session.commit()


@pytest.fixture
def screen(browser: Browser, live_server: LiveServer) -> Iterator[Callable[[], Page]]:
    """A hall screen's page; console errors other than the refused stream's 503 are failures."""
    contexts: list[Any] = []
    errors: list[str] = []

    def open_() -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 900},
            extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda m: m.type == "error" and "503" not in m.text and errors.append(m.text),
        )
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield open_
    for context in contexts:
        context.close()
    assert errors == []


def test_the_scoreboard_shows_a_saved_mark_from_its_stream_without_a_reload(
    screen: Callable[[], Page],
    live_server: LiveServer,
    small_contest: dict[str, int],
    expect: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(live_server.app.config, "STREAM_MAX_SECONDS", 20)
    page = screen()
    page.goto(f"/contests/{small_contest['contest']}/scoreboard")
    expect(page.locator("html")).to_have_attribute("data-live", "stream")
    page.evaluate("() => { window.notReloaded = true; }")
    expect(page.locator("#board")).not_to_contain_text("41.00")
    _save(
        live_server, small_contest["contest"], small_contest["judge"], small_contest["first"], "41"
    )
    expect(page.locator("#board")).to_contain_text("41.00", timeout=5_000)
    expect(page.locator("#board")).to_contain_text("钱小寒")
    assert page.evaluate("() => window.notReloaded === true")
    assert page.locator("html").get_attribute("data-live") == "stream"


def test_the_scoreboard_polls_when_the_stream_is_refused(
    screen: Callable[[], Page],
    live_server: LiveServer,
    small_contest: dict[str, int],
    expect: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(live_server.app.config, "STREAM_CAP", 0)  # every stream: 503
    page = screen()
    page.clock.install()
    page.goto(f"/contests/{small_contest['contest']}/scoreboard")
    expect(page.locator("html")).to_have_attribute("data-live", "polling")
    page.evaluate("() => { window.notReloaded = true; }")
    _save(
        live_server, small_contest["contest"], small_contest["judge"], small_contest["second"], "37"
    )
    page.clock.run_for(15_000)  # the scoreboard's polling interval
    expect(page.locator("#board")).to_contain_text("37.00")
    expect(page.locator("#board")).to_contain_text("孙大寒")
    assert page.evaluate("() => window.notReloaded === true")
