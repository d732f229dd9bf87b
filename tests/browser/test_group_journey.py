"""Joining an interest group, end to end in the browser: a member asks on the group's page
(on a phone), the group's leader accepts on theirs, and the member finds the notice on My page.
Every page on the way meets the checklist (shared/UX.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.checks import check_page

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def _society(live_server: Any) -> int:
    """A society led by 王诗韵 (login shiyun), and 李新 (login lixin), not yet in it."""
    from eventsys.extensions import db
    from eventsys.services import accounts, places

    def person(name: str, login: str) -> int:
        user = accounts.create_user(
            accounts.NewUser(name=name, login=login, password=live_server.world.password),
            actor=None,
        )
        return user.id

    with live_server.app.app_context():
        leader = person("王诗韵", "shiyun")
        person("李新", "lixin")
        group = places.save_group(
            places.GroupData(name="卢沟诗友会", kind="society", leader_id=leader), actor=None
        )
        db.session.commit()
        return group.id


def _press(page: Page, expect: Any, group: int, button: str, says: str, shot: str) -> None:
    """On the group's page (checked against the checklist), press *button*; it *says* so."""
    page.goto(f"/groups/{group}")
    check_page(page, lang="zh-CN", screenshot=shot)
    page.get_by_role("button", name=button).click()
    expect(page.locator(".messages")).to_contain_text(says)


def test_a_member_asks_to_join_and_the_leader_accepts(
    open_page: Callable[..., Page], expect: Any, live_server: Any
) -> None:
    group = _society(live_server)
    member = open_page("phone", "zh-CN", "lixin")
    _press(member, expect, group, "申请加入这个团队", "申请已提交", "group-zh-phone")
    expect(member.get_by_text("您已申请加入")).to_be_visible()

    leader = open_page("desktop", "zh-CN", "shiyun")
    _press(leader, expect, group, "同意 李新 加入", "已同意", "group-leader-zh-desktop")
    expect(leader.get_by_text("没有待答复的申请。")).to_be_visible()
    expect(leader.locator(".members")).to_contain_text("李新")

    member.goto("/me/")
    expect(member.get_by_text("您已成为“卢沟诗友会”的成员。")).to_be_visible()
    check_page(member, lang="zh-CN")
