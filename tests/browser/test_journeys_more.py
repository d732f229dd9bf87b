"""Journeys through registration, check-in, judged contests and tournaments, by keyboard where
that is natural: participants on a phone in Chinese, organizers and judges at a desktop.

(a) the last place is taken, the next person is wait-listed, the first cancels, the second moves
    up, sees the good news and subscribes to her own calendar, whose feed holds the event;
(b) a captain enters a gateball team: a roster too small is refused next to the field with the
    input kept, then the team is entered and its roster shown;
(c) staff at the door find 张和顺 by his initials and check him in;
(d) an organizer sets up a judged poetry contest and its panel, a judge marks by keyboard alone,
    the organizer publishes and the public results show places and prizes;
(e) an organizer makes a tournament's draw and order of play; standings and bracket read on a
    phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.checks import check_page
from tests.browser.test_journeys import activate, field_error
from tests.browser.world import JUDGE, ORGANIZER, PARTICIPANT, World

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_a_freed_place_goes_to_the_wait_list_which_then_subscribes_to_its_calendar(
    open_page: Callable[..., Page], world: World, expect: Any
) -> None:
    event_id = world.ids["onespot"]
    title = world.titles["onespot"]

    # 王桂兰 takes the only place.
    first = open_page("phone", "zh-CN", "first")
    first.goto(f"/events/{event_id}")
    activate(first.locator("main").get_by_role("link", name="报名", exact=True))
    expect(first).to_have_url(re.compile(rf"/events/{event_id}/register$"))
    expect(first.locator("main")).to_contain_text("1")
    check_page(first, lang="zh-CN")
    activate(first.get_by_role("button", name="报名", exact=True))
    expect(first).to_have_url(re.compile(r"/me/registrations/\d+$"))
    expect(first.get_by_role("status")).to_contain_text("已确认")
    check_page(first, lang="zh-CN")

    # 赵福海 comes too late: the button says so, and he is wait-listed.
    second = open_page("phone", "zh-CN", "second")
    second.goto(f"/events/{event_id}/register")
    join = second.get_by_role("button", name="加入候补名单")
    expect(join).to_be_visible()
    check_page(second, lang="zh-CN")
    activate(join)
    expect(second.get_by_role("status")).to_contain_text("候补")
    check_page(second, lang="zh-CN")

    # 王桂兰 cannot come after all and cancels from her registration page.
    activate(first.get_by_role("link", name="取消我的报名"))
    check_page(first, lang="zh-CN")  # the page asks first: the place goes to the waiting list
    activate(first.get_by_role("button", name="确定取消报名"))
    expect(first).to_have_url(re.compile(r"/me/registrations$"))
    expect(first.get_by_role("status").first).to_contain_text("报名已取消")

    # 赵福海 finds the good news on his registrations.
    menu = second.get_by_role("navigation", name="主菜单")
    activate(menu.get_by_role("link", name="我的报名"))
    expect(second).to_have_url(re.compile(r"/me/registrations$"))
    expect(second.get_by_role("status").first).to_contain_text("有名额空出：您已报上“八段锦体验课”")
    expect(second.get_by_role("status").first).to_contain_text(title)
    card = second.locator(".card", has_text=title)
    expect(card).to_contain_text("已确认")
    check_page(second, lang="zh-CN")

    # He makes his calendar address: both addresses and a QR code are shown.
    second.goto("/calendar/me")
    check_page(second, lang="zh-CN")
    activate(second.get_by_role("button", name="生成我的日历地址"))
    expect(second.get_by_role("status").first).to_contain_text("日历地址")
    feed_url = second.locator("#feed-https").input_value()
    assert re.match(r"^https?://", feed_url), feed_url
    expect(second.locator("#feed-webcal")).to_have_value(re.compile(r"^webcal://"))
    expect(second.locator(f'main a[href="{feed_url}"]')).to_have_count(1)
    expect(second.locator('main a[href^="webcal://"]').first).to_be_visible()
    qr = second.locator("main .qr svg, main .qr img[src^='data:image/svg+xml']")
    expect(qr.first).to_be_visible()
    check_page(second, lang="zh-CN")

    # The calendar app fetches the feed: it holds his event.
    response = second.request.get(feed_url)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert title in response.text()


def test_a_captain_enters_a_gateball_team_and_a_small_roster_is_refused_in_words(
    open_page: Callable[..., Page], world: World, expect: Any
) -> None:
    page = open_page("phone", "zh-CN", "captain")
    page.goto(f"/events/{world.ids['teamcup']}")
    activate(page.locator("main").get_by_role("link", name="报名队伍"))
    expect(page).to_have_url(re.compile(r"/teams/new$"))
    check_page(page, lang="zh-CN")

    # Himself and one player: one too few.
    page.locator("#team_name").fill("夕阳红门球队")
    page.locator("#players").fill("player1")
    activate(page.locator("button.main-action"))
    expect(field_error(page, "players")).to_contain_text("至少要有 3 名队员")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("#team_name")).to_have_value("夕阳红门球队")
    expect(page.locator("#players")).to_have_value("player1")
    check_page(page, lang="zh-CN")

    # A second player, given by phone number on a line of its own (typed full-width).
    page.locator("#players").fill("player1\n１３６０００００００５")
    activate(page.locator("button.main-action"))
    expect(page).to_have_url(re.compile(r"/me/registrations/\d+$"))
    expect(page.locator("main")).to_contain_text("夕阳红门球队")
    roster = page.locator("main ul.plain")
    for name in ("刘振国", "陈玉梅", "杨德胜"):
        expect(roster).to_contain_text(name)
    check_page(page, lang="zh-CN")


def test_staff_find_a_member_by_initials_and_check_him_in(
    open_page: Callable[..., Page], world: World, expect: Any
) -> None:
    page = open_page("desktop", "zh-CN", ORGANIZER)
    page.goto(f"/manage/events/{world.ids['class']}/checkin")
    check_page(page, lang="zh-CN")
    page.locator("#q").fill("zhs")
    page.locator("#q").press("Enter")
    expect(page).to_have_url(re.compile(r"q=zhs"))
    rows = page.locator("main .door-row")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("张和顺")
    check_page(page, lang="zh-CN")
    activate(page.get_by_role("button", name="为 张和顺 签到"))
    expect(page.get_by_role("status").first).to_contain_text("张和顺")
    expect(page.locator("main .door-row", has_text="张和顺")).to_contain_text("已签到")
    expect(page.get_by_role("button", name="为 张和顺 签到")).to_have_count(0)
    check_page(page, lang="zh-CN")


def test_a_poetry_contest_is_set_up_marked_by_keyboard_and_published(
    open_page: Callable[..., Page], world: World, expect: Any
) -> None:
    title = world.titles["judged"]
    organizer = open_page("desktop", "zh-CN", ORGANIZER)
    organizer.goto(f"/contests/events/{world.ids['judged']}/setup")
    check_page(organizer, lang="zh-CN")
    organizer.locator("#aggregation").select_option("mean")
    # Prizes are rows: two prizes of one winner each, the other two rows removed.
    activate(organizer.get_by_role("button", name="移除 第4个奖项"))
    activate(organizer.get_by_role("button", name="移除 第3个奖项"))
    expect(organizer.locator("#tiers-2-name")).to_have_value("")
    check_page(organizer, lang="zh-CN")
    organizer.locator("#tiers-0-amount").fill("1")
    organizer.locator("#tiers-1-amount").fill("1")
    # Tie-breaks are chosen by name, not typed as codes.
    expect(organizer.locator("#tiebreaks-0 option").nth(1)).to_contain_text("立意")
    organizer.locator("#tiebreaks-0").select_option("criterion:1")
    activate(organizer.get_by_role("button", name="保存比赛设置"))
    expect(organizer).to_have_url(re.compile(r"/contests/\d+$"))
    overview = organizer.url
    check_page(organizer, lang="zh-CN")

    activate(organizer.locator("main").get_by_role("link", name="评委组"))
    check_page(organizer, lang="zh-CN")
    judge_box = organizer.get_by_label(re.compile("吴雅琴"))
    judge_box.focus()
    organizer.keyboard.press("Space")
    expect(judge_box).to_be_checked()
    activate(organizer.get_by_role("button", name="保存评委组"))
    expect(organizer).to_have_url(overview)
    expect(organizer.locator("main")).to_contain_text("吴雅琴")

    # The judge marks both entries with the keyboard alone.
    judge = open_page("desktop", "zh-CN", JUDGE)
    judge.goto("/judging/")
    check_page(judge, lang="zh-CN")
    activate(judge.locator("main").get_by_role("link", name=title))
    check_page(judge, lang="zh-CN")
    activate(judge.locator("main tbody a").first)
    for number, marks in enumerate((("28", "27", "18", "19"), ("25", "24", "17", "16"))):
        expect(judge).to_have_url(re.compile(r"/entries/\d+$"))
        inputs = judge.locator("input[name^='mark_']")
        expect(inputs).to_have_count(4)
        if number == 0:
            check_page(judge, lang="zh-CN")
            inputs.first.focus()
        expect(inputs.first).to_be_focused()  # autofocus, or back there after the check
        for index, mark in enumerate(marks):
            expect(inputs.nth(index)).to_be_focused()
            judge.keyboard.type(mark)
            if index < len(marks) - 1 or number == 0:
                judge.keyboard.press("Tab")
        if number == 0:
            expect(judge.locator("output[data-total]")).to_have_text("92.00")
            expect(judge.get_by_role("button", name="提交评分")).to_be_focused()
        judge.keyboard.press("Enter")  # on the button, or in the last field
        # The first sheet opens the next entry, the last goes back to the list: all done.
        expect(judge).to_have_url(re.compile(r"/entries/\d+$" if number == 0 else r"/judging/\d+$"))
        expect(judge.get_by_role("status").first).to_contain_text("提交")
    expect(judge.get_by_role("status").last).to_contain_text("全部提交")
    expect(judge.locator("main")).to_contain_text("2")
    check_page(judge, lang="zh-CN")

    # Publication; the public results show places and prizes.
    organizer.goto(overview)
    activate(organizer.get_by_role("button", name="公布成绩"))
    expect(organizer.get_by_role("status").first).to_contain_text("公布")
    activate(organizer.get_by_role("link", name="成绩页面"))
    results_url = organizer.url
    reader = open_page("phone", "zh-CN")
    reader.goto(results_url)
    table = reader.locator("main table.results")
    first_row, second_row = table.locator("tbody tr").nth(0), table.locator("tbody tr").nth(1)
    expect(first_row).to_contain_text("1")
    expect(first_row).to_contain_text("咏秋")
    expect(first_row).to_contain_text("92")
    expect(first_row).to_contain_text("一等奖")
    expect(second_row).to_contain_text("登高")
    expect(second_row).to_contain_text("二等奖")
    check_page(reader, lang="zh-CN")


def test_an_organizer_draws_and_schedules_a_tournament_read_on_a_phone(
    open_page: Callable[..., Page], world: World, expect: Any
) -> None:
    tournament = world.ids["league"]
    page = open_page("desktop", "zh-CN", ORGANIZER)
    page.goto(f"/tournaments/{tournament}/manage")
    check_page(page, lang="zh-CN")
    page.locator("#format").select_option("groups_knockout")
    page.locator("#groups").fill("2")
    page.locator("#qualifiers").fill("1")  # the two group winners meet in the final
    activate(page.get_by_role("button", name="抽签", exact=True))
    expect(page).to_have_url(re.compile(rf"/tournaments/{tournament}$"))
    expect(page.get_by_role("status").first).to_be_visible()
    check_page(page, lang="zh-CN")
    page.goto(f"/tournaments/{tournament}/manage")
    activate(page.get_by_role("button", name="编排赛程"))
    expect(page).to_have_url(re.compile(rf"/tournaments/{tournament}/schedule$"))
    expect(page.locator("main")).to_contain_text("1号场")
    check_page(page, lang="zh-CN")

    # A player reads the standings and the bracket on a phone.
    phone = open_page("phone", "zh-CN", PARTICIPANT)
    phone.goto(f"/tournaments/{tournament}/standings")
    for team in ("卢沟桥一队", "卢沟桥二队", "长辛店队", "丰台镇队"):
        expect(phone.locator("main")).to_contain_text(team)
    check_page(phone, lang="zh-CN")
    phone.goto(f"/tournaments/{tournament}/bracket")
    expect(phone.get_by_role("heading", name="决赛")).to_be_visible()
    check_page(phone, lang="zh-CN")
