"""Every public page and every /manage page passes check_page, in both languages, at both widths.

The main pages are also photographed into screenshots/ (e.g. home-zh-phone.png) for a person to
look at."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

from tests.browser.checks import check_page
from tests.browser.conftest import LiveServer, _new_page
from tests.browser.world import JUDGE, ORGANIZER, PARTICIPANT, World

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


class Visit(NamedTuple):
    name: str
    path: str  # formatted with the world's ids
    user: str | None = None
    status: int = 200
    screenshot: bool = False
    views: str = "all"  # "all": both languages at both widths; "two": zh-CN phone, en desktop
    known: tuple[tuple[str, str], ...] = ()  # (view, violation): strict xfail, e.g. "zh-phone"


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
    Visit("forgot-password", "/forgot-password", screenshot=True),
    Visit("reset-password", "/reset-password"),
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
    Visit("person-record", "/manage/people/{participant}/record", ORGANIZER),
    Visit("audit", "/manage/audit", ORGANIZER, screenshot=True),
    # Registrations and check-in.
    Visit("my-registrations", "/me/registrations", PARTICIPANT, screenshot=True, views="two"),
    Visit(
        "registration",
        "/me/registrations/{registration}",
        PARTICIPANT,
        screenshot=True,
        views="two",
    ),
    Visit("register", "/events/{open}/register", PARTICIPANT, screenshot=True, views="two"),
    Visit("team-new", "/events/{teamcup}/teams/new", PARTICIPANT, screenshot=True, views="two"),
    Visit(
        "registrations",
        "/manage/events/{class}/registrations",
        ORGANIZER,
        screenshot=True,
        views="two",
    ),
    Visit("checkin", "/manage/events/{class}/checkin", ORGANIZER, screenshot=True, views="two"),
    Visit("event-notice", "/manage/events/{class}/notice", ORGANIZER, screenshot=True, views="two"),
    Visit("group-notice", "/manage/groups/{group}/notice", ORGANIZER, views="two"),
    # An open activity: the door page also takes walk-in guests without an account.
    Visit("checkin-open", "/manage/events/{weekly}/checkin", ORGANIZER, views="two"),
    Visit("attendance", "/manage/attendance", ORGANIZER, views="two"),
    # Calendars.
    Visit("calendar", "/calendar/", screenshot=True, views="two"),
    Visit("calendar-event", "/calendar/events/{show}", views="two"),
    Visit("calendar-venue", "/calendar/venues/{hall}", views="two"),
    Visit("calendar-mine", "/calendar/me", PARTICIPANT, screenshot=True, views="two"),
    # Judged contests.
    Visit(
        "contest-setup", "/contests/events/{marking}/setup", ORGANIZER, screenshot=True, views="two"
    ),
    Visit("contest", "/contests/{contest}", ORGANIZER, views="two"),
    Visit("contest-panel", "/contests/{marking_contest}/panel", ORGANIZER, views="two"),
    Visit("judging", "/judging/", JUDGE, views="two"),
    Visit("judging-list", "/judging/{marking_contest}", JUDGE, views="two"),
    Visit(
        "score-sheet",
        "/judging/{marking_contest}/entries/{marking_entry}",
        JUDGE,
        screenshot=True,
        views="two",
    ),
    Visit(
        "contest-matrix",
        "/contests/{contest}/matrix",
        ORGANIZER,
        views="two",
    ),
    Visit("contest-results", "/contests/{contest}/results", screenshot=True, views="two"),
    Visit("contest-not-yet", "/contests/{marking_contest}/results", views="two"),
    Visit(
        "certificates",
        "/contests/{contest}/certificates",
        ORGANIZER,
        views="two",
    ),
    # Tournaments.
    Visit("tournaments", "/tournaments/", views="two"),
    Visit("tournament", "/tournaments/{tournament}", screenshot=True, views="two"),
    Visit("bracket", "/tournaments/{tournament}/bracket", screenshot=True, views="two"),
    Visit("standings", "/tournaments/{tournament}/standings", screenshot=True, views="two"),
    Visit("schedule", "/tournaments/{tournament}/schedule", views="two"),
    Visit("tournament-team", "/tournaments/{tournament}/teams/{cup_team}", views="two"),
    Visit(
        "match-result",
        "/tournaments/matches/{match}/result",
        ORGANIZER,
        screenshot=True,
        views="two",
    ),
    Visit("tournament-manage", "/tournaments/{tournament}/manage", ORGANIZER, views="two"),
)
VIEWS = {
    "all": [("zh-CN", "phone"), ("zh-CN", "desktop"), ("en", "phone"), ("en", "desktop")],
    # Both languages and both widths, in two runs instead of four (keeps the suite quick).
    "two": [("zh-CN", "phone"), ("en", "desktop")],
}


def _cases() -> list[Any]:
    cases = []
    for visit in PAGES:
        for lang, device in VIEWS[visit.views]:
            view = f"{lang[:2]}-{device}"
            known = dict(visit.known).get(view)
            marks = [pytest.mark.xfail(strict=True, reason=known)] if known else []
            cases.append(pytest.param(visit, lang, device, marks=marks, id=f"{visit.name}-{view}"))
    return cases


@pytest.mark.parametrize(("visit", "lang", "device"), _cases())
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


@pytest.mark.parametrize(("lang", "device"), VIEWS["two"], ids=["zh-phone", "en-desktop"])
def test_the_scoreboard_meets_the_checklist(
    browser: Browser, live_server: LiveServer, world: World, lang: str, device: str
) -> None:
    """The scoreboard page's console errors are asserted here, not in a fixture's teardown, so
    that its known failure is one expected failure."""
    errors: list[str] = []
    page = _new_page(browser, live_server, device, lang, None, errors)
    try:
        page.goto(f"/contests/{world.ids['contest']}/scoreboard")
        check_page(page, lang=lang)
        assert errors == [], errors
    finally:
        page.context.close()
