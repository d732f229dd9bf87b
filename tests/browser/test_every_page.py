"""Every public page and every /manage page passes check_page, in both languages, at both widths.

The main pages are also photographed into screenshots/ (e.g. home-zh-phone.png) for a person to
look at."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

import pytest

from tests.browser.checks import check_page
from tests.browser.world import ORGANIZER, PARTICIPANT, World

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


class Visit(NamedTuple):
    name: str
    path: str  # formatted with the world's ids
    user: str | None = None
    status: int = 200
    screenshot: bool = False


PAGES = (
    Visit("home", "/", screenshot=True),
    Visit("home-filtered", "/?kind=performance&venue={hall}"),
    Visit("home-empty", "/?kind=troupe_competition"),
    Visit("event", "/events/{show}", screenshot=True),
    Visit("event-weekly", "/events/{weekly}"),
    Visit("event-long-title", "/events/{long}"),
    Visit("event-cancelled", "/events/{cancelled}"),
    Visit("venues", "/venues", screenshot=True),
    Visit("venue-week", "/venues/{studio}", screenshot=True),
    Visit("login", "/login", screenshot=True),
    Visit("signup", "/signup", screenshot=True),
    Visit("not-found", "/nowhere", status=404, screenshot=True),
    Visit("bad-request", "/?from=yesterday", status=400),
    Visit("my-page", "/me/", PARTICIPANT, screenshot=True),
    Visit("event-organizer", "/events/{draft}", ORGANIZER, screenshot=True),
    Visit("venue-week-organizer", "/venues/{hall}", ORGANIZER),
    Visit("manage", "/manage/", ORGANIZER, screenshot=True),
    Visit("manage-forbidden", "/manage/", PARTICIPANT, status=403),
    Visit("manage-events", "/manage/events", ORGANIZER, screenshot=True),
    Visit("event-new", "/manage/events/new", ORGANIZER, screenshot=True),
    Visit("event-edit", "/manage/events/{show}/edit", ORGANIZER),
    Visit("sittings", "/manage/events/{weekly}/sittings", ORGANIZER, screenshot=True),
    Visit("sitting-move", "/manage/sittings/{occurrence}/move", ORGANIZER),
    Visit("manage-venues", "/manage/venues", ORGANIZER),
    Visit("venue-new", "/manage/venues/new", ORGANIZER, screenshot=True),
    Visit("venue-edit", "/manage/venues/{hall}/edit", ORGANIZER),
    Visit("organisations", "/manage/organisations", ORGANIZER),
    Visit("organisation-new", "/manage/organisations/new", ORGANIZER),
    Visit("organisation-edit", "/manage/organisations/{centre}/edit", ORGANIZER),
    Visit("groups", "/manage/groups", ORGANIZER),
    Visit("group-new", "/manage/groups/new", ORGANIZER),
    Visit("group", "/manage/groups/{group}", ORGANIZER, screenshot=True),
    Visit("people", "/manage/people", ORGANIZER, screenshot=True),
    Visit("people-search", "/manage/people?q=shan", ORGANIZER),
    Visit("person-new", "/manage/people/new", ORGANIZER),
    Visit("person", "/manage/people/{participant}", ORGANIZER),
    Visit("audit", "/manage/audit", ORGANIZER, screenshot=True),
)
VIEWS = [("zh-CN", "phone"), ("zh-CN", "desktop"), ("en", "phone"), ("en", "desktop")]


@pytest.mark.parametrize(
    ("visit", "lang", "device"),
    [(visit, lang, device) for visit in PAGES for lang, device in VIEWS],
    ids=[f"{visit.name}-{lang[:2]}-{device}" for visit in PAGES for lang, device in VIEWS],
)
def test_page_meets_the_checklist(
    shared_page: Callable[..., Page], world: World, visit: Visit, lang: str, device: str
) -> None:
    page = shared_page(device, lang, visit.user)
    response = page.goto(visit.path.format(**world.ids))
    assert response is not None and response.status == visit.status, (
        f"{visit.path}: HTTP {response and response.status}"
    )
    check_page(
        page,
        lang=lang,
        screenshot=f"{visit.name}-{lang[:2]}-{device}" if visit.screenshot else None,
    )
