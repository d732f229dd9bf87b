"""Calendar downloads, feeds and subscription pages as clients and people use them."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import vobject
from flask import Flask
from flask.testing import FlaskClient

from eventsys.extensions import db
from eventsys.models import Event, Occurrence, User, Venue
from eventsys.services import calendar as feeds
from eventsys.services import events as event_service
from eventsys.web.calendar import TokenMaskingFilter
from tests.conftest import at, away_from_a_minute_boundary, csrf, csrf_from
from tests.querycount import count_queries
from tests.services.test_calendar_feeds import register as feeds_register

FROM = "from=2026-11-01"
TOKEN_URL = re.compile(r"https?://[^/\"]+/calendar/u/(\d+)/([A-Za-z0-9_\-]+)\.ics")


@pytest.fixture(autouse=True)
def _whole_minute() -> None:
    away_from_a_minute_boundary()


def parse_both(body: bytes) -> tuple[icalendar.Calendar, vobject.base.Component]:
    return icalendar.Calendar.from_ical(body), vobject.readOne(body.decode("utf-8"))


def uids(body: bytes) -> set[str]:
    return {str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def register(app: Flask, event_id: int, user_id: int, status: str = "confirmed") -> None:
    with app.app_context():
        feeds_register(event_id, user_id, status)


# ---- downloads and feeds ----------------------------------------------------------------------


def test_an_event_downloads_as_a_calendar_file_both_parsers_read(
    client: FlaskClient, make_event: Callable[..., int], make_venue: Callable[..., int]
) -> None:
    venue = make_venue(name="多功能厅")
    event_id = make_event(venue_id=venue, start=at(3, 14), title="重阳节慰问演出, 第一场")
    response = client.get(f"/events/{event_id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    ours, theirs = parse_both(response.data)
    assert theirs.vevent.summary.value == "重阳节慰问演出, 第一场"
    assert theirs.vevent.location.value == "多功能厅"
    assert theirs.vevent.uid.value == f"event-{event_id}@eventsys.fengtai.local"
    assert theirs.vevent.dtstart.value == at(3, 14)
    assert theirs.vevent.url.value == f"http://localhost/events/{event_id}"
    # The calendar's name is written unescaped: its comma goes full-width (vobject cut it).
    assert str(ours["X-WR-CALNAME"]) == "重阳节慰问演出， 第一场"
    assert theirs.contents["x-wr-calname"][0].value == "重阳节慰问演出， 第一场"


def test_a_draft_download_is_a_404_for_the_public_and_allowed_for_organizers(
    client: FlaskClient, make_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    draft = make_event(status="draft")
    assert client.get(f"/events/{draft}.ics").status_code == 404
    assert signed_in("organizer").get(f"/events/{draft}.ics").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/events/99999.ics",
        "/venues/99999.ics",
        "/calendar/contests/99999.ics",
        "/calendar/venues/99999",
        "/calendar/events/99999",
        "/calendar/u/1/abc.ics",
        "/calendar/u/abc/abc.ics",
        "/calendar/u/99999999999999999999/abc.ics",
    ],
)
def test_unknown_feeds_are_404(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404


def test_a_venue_feed_and_a_filtered_programme_have_the_right_events(
    client: FlaskClient, make_event: Callable[..., int], make_venue: Callable[..., int]
) -> None:
    hall, court = make_venue(name="多功能厅"), make_venue(name="门球场", kind="court")
    clinic = make_event(venue_id=hall, start=at(3, 9), title="义诊", kind="health_clinic")
    game = make_event(venue_id=court, start=at(3, 9), title="门球比赛", kind="ball_game")
    host = "eventsys.fengtai.local"
    assert uids(client.get(f"/venues/{hall}.ics?{FROM}").data) == {f"event-{clinic}@{host}"}
    programme = client.get(f"/calendar/programme.ics?{FROM}&kind=ball_game").data
    assert uids(programme) == {f"event-{game}@{host}"}
    both = client.get(f"/calendar/programme.ics?{FROM}&kind=ball_game,health_clinic").data
    assert uids(both) == {f"event-{clinic}@{host}", f"event-{game}@{host}"}


def test_a_contest_schedule_has_the_contest_itself(
    client: FlaskClient, make_event: Callable[..., int]
) -> None:
    contest = make_event(start=at(5, 9), title="晓月诗社诗词大赛", kind="poetry_contest")
    body = client.get(f"/calendar/contests/{contest}.ics").data
    assert uids(body) == {f"event-{contest}@eventsys.fengtai.local"}


@pytest.mark.parametrize(
    "query",
    [
        "kind=party",
        "kind=lecture,party",
        "from=2026-13-01",
        "from=yesterday",
        "to=2026-02-30",
        "from=2026-12-01&to=2026-11-01",
        "from=2020-01-01&to=2026-01-01",
        "from=1900-01-01",
        "from=" + "9" * 300,
    ],
)
def test_odd_feed_parameters_get_a_400_with_a_message(
    client: FlaskClient, make_venue: Callable[..., int], query: str
) -> None:
    venue = make_venue()
    for url in (f"/calendar/programme.ics?{query}", f"/venues/{venue}.ics?{query}"):
        response = client.get(url, headers={"Accept-Language": "en"})
        assert response.status_code == 400, url
        assert response.mimetype == "text/plain"
        text = response.get_data(as_text=True)
        assert "kind of event" in text or "date" in text


def test_a_bad_kind_on_the_subscribe_page_is_a_400_page(client: FlaskClient) -> None:
    response = client.get("/calendar/?kind=party")
    assert response.status_code == 400 and "<h1>" in response.get_data(as_text=True)


# ---- conditional requests ---------------------------------------------------------------------


def test_a_current_copy_gets_304_without_the_feed_being_built(
    app: Flask,
    client: FlaskClient,
    make_event: Callable[..., int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_event(start=at(3, 9))
    url = f"/calendar/programme.ics?{FROM}"
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]

    def never(*_args: object) -> bytes:
        raise AssertionError("the feed was built for a conditional request")

    monkeypatch.setattr(feeds, "render_feed", never)
    with count_queries(app) as statements:
        by_etag = client.get(url, headers={"If-None-Match": etag})
    assert by_etag.status_code == 304 and by_etag.data == b""
    assert by_etag.headers["ETag"] == etag
    assert len(statements) <= 3, statements
    by_date = client.get(url, headers={"If-Modified-Since": modified})
    assert by_date.status_code == 304
    weak = client.get(url, headers={"If-None-Match": f'W/{etag}, "other"'})
    assert weak.status_code == 304


def test_a_changed_event_changes_the_etag_and_the_feed_says_so(
    app: Flask, client: FlaskClient, make_event: Callable[..., int]
) -> None:
    event_id = make_event(start=at(3, 9), title="书法讲座")
    url = f"/events/{event_id}.ics"
    first = client.get(url)
    with app.app_context():
        event = db.session.get(Event, event_id)
        event_service.set_status(event, "cancelled", actor=event.organizer)
        db.session.commit()
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]
    before = icalendar.Calendar.from_ical(first.data).walk("VEVENT")[0]
    after = icalendar.Calendar.from_ical(again.data).walk("VEVENT")[0]
    assert str(after["STATUS"]) == "CANCELLED"
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert str(after["UID"]) == str(before["UID"])
    # An old If-Modified-Since no longer matches either.
    stale = client.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})
    assert stale.status_code == 200


def test_a_programme_of_five_hundred_events_takes_a_fixed_number_of_queries(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    organizer = make_user(roles=("organizer",))
    with app.app_context():
        hall, room = Venue(name="大礼堂", capacity=300), Venue(name="活动室", capacity=40)
        db.session.add_all([hall, room])
        db.session.flush()
        start = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
        for i in range(500):
            begins = start + timedelta(hours=3 * i)
            event = Event(
                kind="lecture" if i % 2 else "activity",
                title=f"讲座 第{i}期",
                venue_id=hall.id,
                organizer_id=organizer,
                starts_at=begins,
                ends_at=begins + timedelta(hours=2),
                status="published",
                sequence=1,
            )
            event.occurrences.append(
                Occurrence(
                    venue_id=hall.id,
                    starts_at=begins,
                    ends_at=begins + timedelta(hours=2),
                    original_start=begins,
                )
            )
            db.session.add(event)
        for i in range(21):  # weekly activities, three a weekday, ten weeks each
            first = at(7 + i % 7, 7 + 3 * (i // 7))
            weekly = Event(
                kind="activity",
                title=f"每周活动{i}",
                venue_id=room.id,
                organizer_id=organizer,
                starts_at=first,
                ends_at=first + timedelta(hours=2),
                repeat_weekdays=str(first.weekday()),
                repeat_until=(first + timedelta(weeks=9)).date(),
                status="published",
            )
            for week in range(10):
                sitting = first + timedelta(weeks=week)
                weekly.occurrences.append(
                    Occurrence(
                        venue_id=room.id,
                        starts_at=sitting,
                        ends_at=sitting + timedelta(hours=2),
                        original_start=sitting,
                        skipped=week == 3,
                        blocks_venue=week != 3,
                    )
                )
            db.session.add(weekly)
        db.session.commit()
    with count_queries(app) as statements:
        response = client.get(f"/calendar/programme.ics?{FROM}")
    assert response.status_code == 200
    assert len(statements) <= 8, len(statements)
    calendar = vobject.readOne(response.get_data(as_text=True))
    assert len(calendar.vevent_list) == 521
    assert sum(1 for e in calendar.vevent_list if hasattr(e, "exdate")) == 21


# ---- the personal feed ------------------------------------------------------------------------


def make_address(client: FlaskClient) -> tuple[str, str]:
    """Make (or, confirmed, replace) the address as the page offers it; return it and the page."""
    form = client.get("/calendar/me").get_data(as_text=True)
    current = TOKEN_URL.search(form)
    data = {"csrf_token": csrf_from(form)}
    if current is not None:
        data |= {"replacing": current.group(2), "confirm": "y"}
    made = client.post("/calendar/me/address", data=data)
    assert made.status_code == 303 and made.headers["Location"].endswith("/calendar/me")
    html = client.get("/calendar/me").get_data(as_text=True)
    match = TOKEN_URL.search(html)
    assert match is not None, html
    return match.group(0), html


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_the_personal_address_page_offers_https_webcal_and_a_qr_code_privately(
    signed_in: Callable[..., FlaskClient],
) -> None:
    client = signed_in("participant")
    url, html = make_address(client)
    assert url.startswith("http://")  # https:// behind the TLS proxy
    assert url.replace("http://", "webcal://") in html
    assert 'src="data:image/svg+xml' in html
    page = client.get("/calendar/me")
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_my_feed_shows_my_registrations_and_a_new_address_retires_the_old(
    app: Flask,
    signed_in: Callable[..., FlaskClient],
    make_event: Callable[..., int],
) -> None:
    client = signed_in("participant")
    event_id = make_event(start=at(3, 9), title="合唱比赛")
    waiting = make_event(start=at(4, 9), title="书法展")
    register(app, event_id, client.user_id)  # type: ignore[attr-defined]
    register(app, waiting, client.user_id, "waiting")  # type: ignore[attr-defined]
    old, _html = make_address(client)
    outsider = app.test_client()
    response = outsider.get(path_of(old) + f"?{FROM}")
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "private" in response.headers["Cache-Control"]
    events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}
    assert set(events) == {
        f"event-{event_id}@eventsys.fengtai.local",
        f"event-{waiting}@eventsys.fengtai.local",
    }
    assert str(events[f"event-{waiting}@eventsys.fengtai.local"]["STATUS"]) == "TENTATIVE"
    vobject.readOne(response.get_data(as_text=True))
    new, _html = make_address(client)
    assert outsider.get(path_of(old)).status_code == 404
    assert outsider.get(path_of(new)).status_code == 200
    stop = client.post(
        "/calendar/me/address/stop", data={"csrf_token": csrf(client, "/calendar/me")}
    )
    assert stop.status_code in (302, 303)
    assert outsider.get(path_of(new)).status_code == 404


def secret_of(client: FlaskClient) -> str | None:
    with client.application.app_context():
        return db.session.get(User, client.user_id).calendar_secret  # type: ignore[attr-defined]


def test_making_the_address_redirects_and_says_so_once_and_a_reload_changes_nothing(
    signed_in: Callable[..., FlaskClient],
) -> None:
    """Issue 14.5: post, redirect, get; the message is a one-time notice, not the page."""
    client = signed_in("participant")
    made = client.post(
        "/calendar/me/address",
        data={"csrf_token": csrf(client, "/calendar/me")},
        headers={"Accept-Language": "en"},
    )
    assert made.status_code == 303 and made.headers["Location"].endswith("/calendar/me")
    secret = secret_of(client)
    assert secret is not None
    first = client.get("/calendar/me", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Your calendar address is ready." in first
    again = client.get("/calendar/me", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "is ready" not in again and "no longer works" not in again
    assert TOKEN_URL.search(again).group(0) == TOKEN_URL.search(first).group(0)  # type: ignore[union-attr]
    assert secret_of(client) == secret


def test_the_address_page_says_what_is_true_the_address_is_shown_again_here(
    signed_in: Callable[..., FlaskClient],
) -> None:
    client = signed_in("participant")
    url, _html = make_address(client)
    for language, shown_again, wrong in (
        ("en", "You find it here again whenever you need it", ("shown only", "Done:")),
        ("zh", "以后随时可以在这里再次查看", ("只显示", "已完成")),
    ):
        page = client.get("/calendar/me", headers={"Accept-Language": language})
        html = page.get_data(as_text=True)
        assert url in html and shown_again in html
        assert not any(text in html for text in wrong), language


def test_replacing_the_address_needs_an_explicit_yes_and_a_refusal_changes_nothing(
    signed_in: Callable[..., FlaskClient],
) -> None:
    client = signed_in("participant")
    old, _html = make_address(client)
    secret = secret_of(client)
    token = TOKEN_URL.search(old).group(2)  # type: ignore[union-attr]
    refused = client.post(
        "/calendar/me/address",
        data={"csrf_token": csrf(client, "/calendar/me"), "replacing": token},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="confirm-error"' in html and 'aria-describedby="confirm-error"' in html
    assert old in html  # the address still in use, still shown
    assert secret_of(client) == secret
    replaced = client.post(
        "/calendar/me/address",
        data={"csrf_token": csrf(client, "/calendar/me"), "replacing": token, "confirm": "y"},
        headers={"Accept-Language": "en"},
    )
    assert replaced.status_code == 303
    assert secret_of(client) not in (None, secret)
    page = client.get("/calendar/me", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Your new calendar address is ready. Any older address no longer works." in page
    assert old not in page


def test_a_replacement_sent_twice_replaces_the_address_once(
    signed_in: Callable[..., FlaskClient],
) -> None:
    """The browser's "send again?", a double tap, or a second tab: nothing changes twice."""
    client = signed_in("participant")
    old, _html = make_address(client)
    data = {
        "csrf_token": csrf(client, "/calendar/me"),
        "replacing": TOKEN_URL.search(old).group(2),  # type: ignore[union-attr]
        "confirm": "y",
    }
    assert client.post("/calendar/me/address", data=data).status_code == 303
    replaced = secret_of(client)
    client.get("/calendar/me")  # the notice is read
    again = client.post("/calendar/me/address", data=data, headers={"Accept-Language": "en"})
    assert again.status_code == 303 and secret_of(client) == replaced
    page = client.get("/calendar/me", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "already" in page and "no longer works" not in page
    # A second tap on "make my address" after the first one made it changes nothing either.
    fresh = signed_in("participant")
    token = csrf(fresh, "/calendar/me")
    assert fresh.post("/calendar/me/address", data={"csrf_token": token}).status_code == 303
    made = secret_of(fresh)
    assert fresh.post("/calendar/me/address", data={"csrf_token": token}).status_code == 303
    assert secret_of(fresh) == made


def test_stopping_the_address_redirects_and_says_so_once(
    signed_in: Callable[..., FlaskClient],
) -> None:
    client = signed_in("participant")
    make_address(client)
    stop = client.post(
        "/calendar/me/address/stop",
        data={"csrf_token": csrf(client, "/calendar/me")},
        headers={"Accept-Language": "en"},
    )
    assert stop.status_code in (302, 303) and secret_of(client) is None
    page = client.get("/calendar/me", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Your calendar address is stopped." in page
    assert "is stopped" not in client.get("/calendar/me").get_data(as_text=True)


def test_a_wrong_token_for_a_real_user_is_the_same_404_as_an_unknown_user(
    signed_in: Callable[..., FlaskClient], client: FlaskClient
) -> None:
    owner = signed_in("participant")
    make_address(owner)
    user_id = owner.user_id  # type: ignore[attr-defined]
    wrong = client.get(f"/calendar/u/{user_id}/{'x' * 43}.ics")
    unknown = client.get(f"/calendar/u/{user_id + 1000}/{'x' * 43}.ics")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.data == unknown.data


def test_the_address_page_needs_sign_in_and_making_one_needs_the_form_token(
    client: FlaskClient, signed_in: Callable[..., FlaskClient]
) -> None:
    response = client.get("/calendar/me")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/calendar/me/address").status_code in (302, 400)
    member = signed_in("participant")
    assert member.post("/calendar/me/address").status_code == 400
    with member.application.app_context():
        user = db.session.get(User, member.user_id)  # type: ignore[attr-defined]
        assert user.calendar_secret is None


def test_tokens_are_masked_in_access_logs() -> None:
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - "%s" %s',
        ("127.0.0.1", "GET /calendar/u/12/s3cr3t-T0ken_x.ics?from=2026-01-01 HTTP/1.1", "200"),
        None,
    )
    assert TokenMaskingFilter().filter(record)
    message = record.getMessage()
    assert "s3cr3t" not in message and "/calendar/u/12/***.ics" in message


# ---- pages ------------------------------------------------------------------------------------


def test_subscribe_pages_offer_https_and_webcal_links_and_a_qr_code(
    client: FlaskClient, make_event: Callable[..., int], make_venue: Callable[..., int]
) -> None:
    venue = make_venue(name="多功能厅")
    event_id = make_event(venue_id=venue, start=at(3, 9))
    for url, feed in [
        ("/calendar/?kind=lecture", "/calendar/programme.ics?kind=lecture"),
        (f"/calendar/venues/{venue}", f"/venues/{venue}.ics"),
        (f"/calendar/events/{event_id}", f"/events/{event_id}.ics"),
    ]:
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert f"http://localhost{feed}" in html and f"webcal://localhost{feed}" in html
        assert 'src="data:image/svg+xml' in html
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_my_page_leads_to_the_calendar_address(signed_in: Callable[..., FlaskClient]) -> None:
    html = signed_in("participant").get("/me/").get_data(as_text=True)
    assert "/calendar/me" in html and "/calendar/me/address" in html
