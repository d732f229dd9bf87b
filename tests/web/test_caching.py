"""Pages and feeds kept under the versions of what they show (eventsys.web.caching, #17.2).

Every test here fails with a cache that serves stale pages (the freshness tests), with one that
throws away more than changed (the "never evicts" tests count the statements of the other
page: one, the versions' read, when it is served from the cache) or with no cache at all."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from eventsys import versions
from eventsys.database import write_intent
from eventsys.extensions import db, login_manager
from eventsys.models import Event, Occurrence, Registration, User
from eventsys.models.contests import Contest
from eventsys.services import calendar as feeds
from eventsys.services import events as event_service
from eventsys.timeutil import local_today, to_local, utcnow
from eventsys.web import caching
from tests.conftest import (
    CSRF_RE,
    away_from_a_minute_boundary,
    csrf,
    csrf_from,
    make_app,
    postgresql_required,
    publish_with,
)
from tests.querycount import count_queries as statements
from tests.services.racing import in_threads
from tests.services.test_contests import score
from tests.web.test_contests_pages import contest_world, score_everything

__all__ = ["contest_world"]  # the fixture, imported for the tests below

EN = {"Accept-Language": "en"}
REDIS_URL = "redis://127.0.0.1:6379/11"
NOBODY_LISTENS = "redis://127.0.0.1:6399/0"


@pytest.fixture(autouse=True)
def _whole_minute() -> None:
    away_from_a_minute_boundary()


def published(app: Flask, make_event: Callable[..., int], **settings: Any) -> int:
    event_id = make_event(start=utcnow() + timedelta(days=5), status="draft", title="门球友谊赛")
    publish_with(app, event_id, **{"registration_mode": "individual", **settings})
    return event_id


def _register_from_another_thread(client: FlaskClient, event_id: int, token: str) -> int:
    """*client* registers for the event now, from a thread of its own (another connection, as
    another worker's would be): the answer's status."""
    statuses: list[int] = []
    url = f"/events/{event_id}/register"
    thread = threading.Thread(
        target=lambda: statuses.append(client.post(url, data={"csrf_token": token}).status_code)
    )
    thread.start()
    thread.join(timeout=60)
    return statuses[0]


def served_from_the_cache(app: Flask, client: FlaskClient, url: str, **kwargs: Any) -> bool:
    """Whether *url* was answered with the versions' read alone (one statement; and the
    signed-in visitor's own, the device's record with its person)."""
    with statements(app) as seen:
        response = client.get(url, **kwargs)
    assert response.status_code in (200, 304), response.status_code
    rest = [statement for statement in seen if "login_session" not in statement]
    return len(rest) == 1 and "aggregate_version" in rest[0]


def warmed_up(client: FlaskClient) -> FlaskClient:
    """A visitor past their first two requests: the first gives them a CSRF token, the second
    marks their session "not fresh" (Flask-Login): answers that change the session are not
    kept, so a test counting what is served from the cache starts after them."""
    client.get("/venues", headers=EN)
    client.get("/venues", headers=EN)
    return client


def _without_token(page: str) -> str:
    return CSRF_RE.sub("csrf", page)


# ---- a repeated page ------------------------------------------------------------------------


def test_a_repeated_page_costs_one_read_of_the_versions_and_is_the_same_page(
    app: Flask, make_event: Callable[..., int]
) -> None:
    event_id = published(app, make_event, capacity=40)
    client = app.test_client()
    first = client.get(f"/events/{event_id}", headers=EN)
    with statements(app) as seen:
        second = client.get(f"/events/{event_id}", headers=EN)
    assert second.status_code == 200 and len(seen) == 1, seen.listing()
    assert "aggregate_version" in seen[0]
    # The same page; its CSRF token is signed with the second it was issued in, so it is masked.
    assert _without_token(second.get_data(True)) == _without_token(first.get_data(True))
    assert caching.store(app).hits == 1


def test_screens_asking_at_once_after_a_change_get_one_build_of_the_page(
    app: Flask, make_event: Callable[..., int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a mark, every screen polling a page misses at once: one builds it, the others
    wait for that build and take its page (a stampede of builds starved the judges' saves)."""
    import threading
    import time

    from eventsys.web import public

    event_id = published(app, make_event, capacity=40)
    builds: list[int] = []
    real = public.render_template

    def slow_render(*args: Any, **kwargs: Any) -> str:
        builds.append(1)
        time.sleep(0.3)  # long enough for every other screen to ask meanwhile
        return real(*args, **kwargs)

    monkeypatch.setattr(public, "render_template", slow_render)
    screens = 6
    start = threading.Barrier(screens)
    pages: list[str] = []
    problems: list[BaseException] = []

    def screen() -> None:
        try:
            client = app.test_client()
            start.wait()
            response = client.get(f"/events/{event_id}", headers=EN)
            assert response.status_code == 200
            pages.append(_without_token(response.get_data(True)))
        except BaseException as error:  # reported below
            problems.append(error)

    in_threads(screen, screens)
    assert problems == []
    assert len(builds) == 1 and len(pages) == screens and len(set(pages)) == 1
    assert caching.store(app).hits == screens - 1


def test_it_can_be_turned_off_and_the_etag_still_answers(
    app: Flask, make_event: Callable[..., int], monkeypatch: pytest.MonkeyPatch
) -> None:
    event_id = published(app, make_event)
    client = app.test_client()
    monkeypatch.setitem(app.config, "PAGE_CACHE", False)
    first = client.get(f"/events/{event_id}", headers=EN)
    with statements(app) as seen:
        again = client.get(
            f"/events/{event_id}", headers={**EN, "If-None-Match": first.headers["ETag"]}
        )
    assert len(seen) > 1 and again.status_code == 304


# ---- what a change evicts, and what it does not ---------------------------------------------


def test_a_mark_in_one_contest_leaves_another_contests_pages_kept_and_its_own_fresh(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    """The page cache's old failure (#17): every saved mark threw away every contest's pages."""
    a, contest_a = contest_world(entries=2, judges=1, tiers=())
    _b, contest_b = contest_world(entries=2, judges=1, tiers=())
    hall = warmed_up(app.test_client())
    pages = ("scoreboard", "results")
    for contest_id in (contest_a, contest_b):
        for page in pages:
            assert hall.get(f"/contests/{contest_id}/{page}", headers=EN).status_code == 200
    before_a = hall.get(f"/contests/{contest_a}/scoreboard", headers=EN).get_data(True)
    with app.app_context():
        score(db.session.get(Contest, contest_a), a.judge_ids[0], a.entry_ids[0], [30, 30, 20, 20])
    for page in pages:
        assert served_from_the_cache(app, hall, f"/contests/{contest_b}/{page}", headers=EN)
        assert not served_from_the_cache(app, hall, f"/contests/{contest_a}/{page}", headers=EN)
    after_a = hall.get(f"/contests/{contest_a}/scoreboard", headers=EN).get_data(True)
    assert "No scores yet." in before_a and "100.00" in after_a and "100.00" not in before_a
    assert served_from_the_cache(app, hall, f"/contests/{contest_a}/scoreboard", headers=EN)


def test_a_withdrawn_entry_updates_its_contests_pages(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    """Entries are registrations of the contest's event: the pages key on the event too."""
    w, contest_id = contest_world(entries=3, judges=1, tiers=(), show_running_results=True)
    score_everything(app, w, contest_id)
    hall = app.test_client()
    assert "诗人1" in hall.get(f"/contests/{contest_id}/scoreboard", headers=EN).get_data(True)
    with app.app_context():
        registration = db.session.get(Registration, w.entry_ids[0])
        registration.status = "cancelled"
        db.session.commit()
    page = hall.get(f"/contests/{contest_id}/scoreboard", headers=EN).get_data(True)
    assert "诗人1" not in page and "诗人2" in page


def test_a_registration_for_one_event_updates_it_the_programme_and_the_feed_not_another_event(
    app: Flask,
    make_event: Callable[..., int],
    signed_in: Callable[..., FlaskClient],
) -> None:
    event_x = published(app, make_event, capacity=40)
    event_y = published(app, make_event, capacity=40)
    person = signed_in("participant")
    with app.app_context():
        me = db.session.get(User, person.user_id)  # type: ignore[attr-defined]
        token = feeds.new_token(me, actor=me)
        db.session.commit()
    feed = f"/calendar/u/{person.user_id}/{token}.ics"  # type: ignore[attr-defined]
    visitor = warmed_up(app.test_client())
    assert "Places left: 40." in visitor.get(f"/events/{event_x}", headers=EN).get_data(True)
    assert "Places left: 40." in visitor.get(f"/events/{event_y}", headers=EN).get_data(True)
    assert visitor.get("/", headers=EN).status_code == 200
    assert "BEGIN:VEVENT" not in visitor.get(feed).get_data(True)
    form_token = csrf(person, f"/events/{event_x}/register")
    answer = person.post(f"/events/{event_x}/register", data={"csrf_token": form_token})
    assert answer.status_code == 302
    assert served_from_the_cache(app, visitor, f"/events/{event_y}", headers=EN)
    assert "Places left: 39." in visitor.get(f"/events/{event_x}", headers=EN).get_data(True)
    assert not served_from_the_cache(app, visitor, "/", headers=EN)  # the programme moved on
    assert "BEGIN:VEVENT" in visitor.get(feed).get_data(True)


def test_a_moved_sitting_updates_both_weeks_and_both_rooms(
    app: Flask, make_event: Callable[..., int], make_venue: Callable[..., int]
) -> None:
    hall, studio = make_venue(name="多功能厅"), make_venue(name="书画室")
    start = utcnow() + timedelta(days=3)
    event_id = make_event(venue_id=hall, start=start, title="太极拳晨练")
    this_week = to_local(start).date()
    next_week = this_week + timedelta(days=7)
    client = app.test_client()

    def week(venue_id: int, day: Any) -> str:
        url = f"/venues/{venue_id}?week={day.isoformat()}"
        return client.get(url, headers=EN).get_data(as_text=True)

    assert "太极拳晨练" in week(hall, this_week) and "太极拳晨练" not in week(hall, next_week)
    assert "太极拳晨练" not in week(studio, next_week)
    with app.app_context():
        occurrence = db.session.scalars(
            select(Occurrence).where(Occurrence.event_id == event_id)
        ).one()
        event_service.move_occurrence(
            occurrence,
            occurrence.starts_at + timedelta(days=7),
            occurrence.ends_at + timedelta(days=7),
            actor=db.session.get(Event, event_id).organizer,
        )
        db.session.commit()
    assert "太极拳晨练" not in week(hall, this_week) and "太极拳晨练" in week(hall, next_week)
    with app.app_context():  # to another room (what the keys say, whatever the service allows)
        occurrence = db.session.scalars(
            select(Occurrence).where(Occurrence.event_id == event_id)
        ).one()
        occurrence.venue_id = studio
        db.session.commit()
    assert "太极拳晨练" not in week(hall, next_week) and "太极拳晨练" in week(studio, next_week)


def test_an_organizers_change_shows_at_once_on_the_kept_programme_and_room_week(
    app: Flask, make_event: Callable[..., int]
) -> None:
    event_id = published(app, make_event)
    visitor = app.test_client()
    with app.app_context():
        venue_id = db.session.get(Event, event_id).venue_id
        day = to_local(db.session.get(Event, event_id).starts_at).date().isoformat()
    room = f"/venues/{venue_id}?week={day}"
    assert "门球友谊赛" in visitor.get("/", headers=EN).get_data(True)
    assert "门球友谊赛" in visitor.get(room, headers=EN).get_data(True)
    with app.app_context():
        db.session.get(Event, event_id).title = "门球邀请赛"
        db.session.commit()
    for url in ("/", room, f"/events/{event_id}"):
        page = visitor.get(url, headers=EN).get_data(as_text=True)
        assert "门球邀请赛" in page and "门球友谊赛" not in page, url


def test_a_renamed_room_shows_at_once_on_every_page_naming_it(
    app: Flask, make_event: Callable[..., int]
) -> None:
    event_id = published(app, make_event)
    visitor = app.test_client()
    with app.app_context():
        venue = db.session.get(Event, event_id).venue
        old = venue.name
    for url in ("/", "/venues", f"/events/{event_id}"):
        assert old in visitor.get(url, headers=EN).get_data(True), url
    with app.app_context():
        db.session.get(Event, event_id).venue.name = "新名字的大厅"
        db.session.commit()
    for url in ("/", "/venues", f"/events/{event_id}"):
        assert "新名字的大厅" in visitor.get(url, headers=EN).get_data(True), url


def test_another_worker_sees_the_change_too(
    app: Flask, make_event: Callable[..., int], tmp_path: Any
) -> None:
    """Two applications on one database stand for two workers, each with its own memory."""
    event_id = published(app, make_event)
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path))
    try:
        mine, theirs = app.test_client(), other.test_client()
        assert "门球友谊赛" in theirs.get(f"/events/{event_id}", headers=EN).get_data(True)
        with app.app_context():
            db.session.get(Event, event_id).title = "门球邀请赛"
            db.session.commit()
        assert "门球邀请赛" in mine.get(f"/events/{event_id}", headers=EN).get_data(True)
        assert "门球邀请赛" in theirs.get(f"/events/{event_id}", headers=EN).get_data(True)
    finally:
        with other.app_context():
            db.engine.dispose()


# ---- who sees what -------------------------------------------------------------------------


def test_each_visitor_gets_their_own_working_csrf_token_from_a_kept_page(
    app: Flask, make_event: Callable[..., int]
) -> None:
    published(app, make_event)
    first, second = app.test_client(), app.test_client()
    token_one = csrf_from(first.get("/", headers=EN).get_data(as_text=True))
    assert served_from_the_cache(app, second, "/", headers=EN)
    token_two = csrf_from(second.get("/", headers=EN).get_data(as_text=True))
    assert token_one != token_two
    answer = second.post("/language", data={"csrf_token": token_two, "lang": "en", "next": "/"})
    assert answer.status_code == 302
    assert second.post("/language", data={"csrf_token": token_one, "lang": "en"}).status_code == 400


def test_signed_in_people_never_see_someone_elses_page(
    app: Flask, make_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    event_id = published(app, make_event)
    anna = signed_in("participant", name="安娜")
    bo = signed_in("participant", name="柏波")
    assert "安娜" in anna.get(f"/events/{event_id}", headers=EN).get_data(True)
    page = bo.get(f"/events/{event_id}", headers=EN).get_data(as_text=True)
    assert "柏波" in page and "安娜" not in page
    anonymous = app.test_client().get(f"/events/{event_id}", headers=EN).get_data(as_text=True)
    assert "柏波" not in anonymous and "安娜" not in anonymous


def test_a_new_role_changes_the_visitors_page_at_once(
    app: Flask, make_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    """A draft shows in a room's week to organizers only: the role is part of the key."""
    event_id = make_event(start=utcnow() + timedelta(days=2), status="draft", title="草稿活动")
    person = signed_in("participant")
    with app.app_context():
        event = db.session.get(Event, event_id)
        room = f"/venues/{event.venue_id}?week={to_local(event.starts_at).date().isoformat()}"
    assert "草稿活动" not in person.get(room, headers=EN).get_data(True)
    with app.app_context():
        db.session.get(User, person.user_id).is_organizer = True  # type: ignore[attr-defined]
        db.session.commit()
    assert "草稿活动" in person.get(room, headers=EN).get_data(True)


def test_a_change_to_the_visitors_own_things_renews_their_pages_only(
    app: Flask, make_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    """person:<id> (their registrations, teams, groups) is part of a signed-in visitor's key."""
    event_id = published(app, make_event)
    anna, bo = signed_in("participant"), signed_in("participant")
    url = f"/events/{event_id}"
    for person in (anna, bo):
        for _ in range(2):
            person.get(url, headers=EN)
        assert served_from_the_cache(app, person, url, headers=EN)
    with app.app_context():
        versions.touch(db.session, versions.person(anna.user_id))  # type: ignore[attr-defined]
        db.session.commit()
    assert not served_from_the_cache(app, anna, url, headers=EN)
    assert served_from_the_cache(app, bo, url, headers=EN)


def test_a_flash_message_is_never_swallowed_by_a_kept_page(
    app: Flask, make_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    event_id = published(app, make_event, capacity=40)
    person = signed_in("participant")
    person.get(f"/events/{event_id}", headers=EN)  # kept for this person
    with person.session_transaction() as session:
        session["_flashes"] = [("success", "消息一定要看到")]
    assert "消息一定要看到" in person.get(f"/events/{event_id}", headers=EN).get_data(True)


def test_a_retired_calendar_address_stops_at_once_even_when_its_feed_was_kept(
    app: Flask, make_user: Callable[..., int]
) -> None:
    user_id = make_user()
    with app.app_context():
        user = db.session.get(User, user_id)
        token = feeds.new_token(user, actor=user)
        db.session.commit()
    client = app.test_client()
    url = f"/calendar/u/{user_id}/{token}.ics"
    assert client.get(url).status_code == 200
    assert served_from_the_cache(app, client, url)
    with app.app_context():
        user = db.session.get(User, user_id)
        feeds.revoke_token(user, actor=user)
        db.session.commit()
    assert client.get(url).status_code == 404


# ---- the clock and conditional requests ----------------------------------------------------


def test_a_page_that_read_the_clock_is_built_again_the_next_minute(
    app: Flask, make_event: Callable[..., int], monkeypatch: pytest.MonkeyPatch
) -> None:
    published(app, make_event)
    client = app.test_client()
    client.get("/", headers=EN)
    assert served_from_the_cache(app, client, "/", headers=EN)
    later = utcnow() + timedelta(minutes=1)
    monkeypatch.setattr(caching, "utcnow", lambda: later)
    assert not served_from_the_cache(app, client, "/", headers=EN)


def test_the_programme_keys_on_today(
    app: Flask, make_event: Callable[..., int], monkeypatch: pytest.MonkeyPatch
) -> None:
    published(app, make_event)
    client = app.test_client()
    client.get("/calendar/programme.ics")
    assert served_from_the_cache(app, client, "/calendar/programme.ics")
    tomorrow = local_today() + timedelta(days=1)
    monkeypatch.setattr(caching, "local_today", lambda: tomorrow)
    assert not served_from_the_cache(app, client, "/calendar/programme.ics")


def test_the_etag_is_the_versions_and_a_current_copy_gets_304(
    app: Flask, make_event: Callable[..., int], contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(entries=2, judges=1, tiers=(), show_running_results=True)
    client = app.test_client()
    url = f"/contests/{contest_id}/scoreboard"
    first = client.get(url)
    etag = first.get_etag()[0]
    assert first.status_code == 200 and etag
    again = client.get(url, headers={"If-None-Match": f'"{etag}"'})
    assert again.status_code == 304 and again.get_data() == b""
    with app.app_context():
        score(db.session.get(Contest, contest_id), w.judge_ids[0], w.entry_ids[0], [30, 30, 20, 20])
    changed = client.get(url, headers={"If-None-Match": f'"{etag}"'})
    assert changed.status_code == 200 and changed.get_etag()[0] != etag
    assert (
        client.get(url, headers={"If-None-Match": f'W/"{changed.get_etag()[0]}"'}).status_code
        == 304
    )


def test_a_feed_asked_again_gets_304_from_the_kept_copy(
    app: Flask, make_event: Callable[..., int]
) -> None:
    event_id = published(app, make_event)
    client = app.test_client(use_cookies=False)
    response = client.get(f"/events/{event_id}.ics")
    etag = response.headers["ETag"]
    assert response.status_code == 200 and etag
    assert served_from_the_cache(
        app, client, f"/events/{event_id}.ics", headers={"If-None-Match": etag}
    )
    assert client.get(f"/events/{event_id}.ics", headers={"If-None-Match": etag}).status_code == 304
    with app.app_context():
        db.session.get(Event, event_id).title = "门球邀请赛"
        db.session.commit()
    changed = client.get(f"/events/{event_id}.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "门球邀请赛" in changed.get_data(as_text=True)


# ---- never a page older than its versions (#15.7) ---------------------------------------------


def test_a_write_landing_after_the_user_is_loaded_never_leaves_a_stale_page_kept(
    app: Flask,
    make_event: Callable[..., int],
    signed_in: Callable[..., FlaskClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another person registers between this visitor's sign-in check and the page: the page
    may show the places as they were, but never be kept under the newer versions."""
    event_id = published(app, make_event, capacity=40)
    visitor, other = signed_in("participant"), signed_in("participant")
    token = csrf(other, f"/events/{event_id}/register")
    assert "Places left: 40." in visitor.get(f"/events/{event_id}", headers=EN).get_data(True)
    with app.app_context():  # nothing kept under the current versions: the next visit builds
        db.session.get(Event, event_id).title = "门球邀请赛"
        db.session.commit()

    loader = login_manager._user_callback
    written: list[int] = []
    injected: list[bool] = []

    def load_then_someone_registers(user_id: str) -> Any:
        user = loader(user_id)
        if not injected:  # once, and from another connection, as another worker would
            injected.append(True)
            written.append(_register_from_another_thread(other, event_id, token))
        return user

    monkeypatch.setattr(login_manager, "_user_callback", load_then_someone_registers)
    visitor.get(f"/events/{event_id}", headers=EN)
    assert written == [302]
    monkeypatch.setattr(login_manager, "_user_callback", loader)
    assert "Places left: 39." in visitor.get(f"/events/{event_id}", headers=EN).get_data(True)


@contextmanager
def as_a_read() -> Iterator[None]:
    """What a GET request does on SQLite: a deferred (shared) transaction, no write lock."""
    token = write_intent.set(False)
    try:
        yield
    finally:
        write_intent.reset(token)


def test_a_write_between_the_versions_and_the_data_never_leaves_a_stale_page_kept(
    app: Flask, make_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    """The versions are read first; a registration committed right after them (before the
    page's data) must not leave the older page filed under the newer versions."""
    event_id = published(app, make_event, capacity=40)
    other = signed_in("participant")
    token = csrf(other, f"/events/{event_id}/register")
    real_read = versions.read
    posted: list[int] = []

    injected: list[bool] = []

    def read_then_someone_registers(session: Any, keys: Any) -> dict[str, int]:
        seen = real_read(session, keys)
        if not injected:  # from another thread: a request here would share this session
            injected.append(True)
            posted.append(_register_from_another_thread(other, event_id, token))
        return seen

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(versions, "read", read_then_someone_registers)
        first = app.test_client().get(f"/events/{event_id}", headers=EN).get_data(True)
    assert posted == [302]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert "Places left: 40." in first  # its snapshot, begun with the versions' read
    assert "Places left: 39." in app.test_client().get(f"/events/{event_id}", headers=EN).get_data(
        True
    )


def test_a_page_whose_request_read_before_the_cache_files_it_under_what_that_read_saw(
    app: Flask, make_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    """Should anything read before @cached does, the versions come from the same transaction."""
    event_id = published(app, make_event, capacity=40)
    other = signed_in("participant")
    token = csrf(other, f"/events/{event_id}/register")
    with app.test_request_context(f"/events/{event_id}", headers=EN), as_a_read():
        db.session.scalars(select(Event.id)).all()  # the request's first read, its snapshot
        posted: list[int] = []
        thread = threading.Thread(
            target=lambda: posted.append(
                other.post(f"/events/{event_id}/register", data={"csrf_token": token}).status_code
            )
        )
        thread.start()
        thread.join(timeout=60)
        assert posted == [302]
        view = app.view_functions["public.event_detail"]
        page = view(event_id=event_id).get_data(as_text=True)
        db.session.rollback()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert "Places left: 40." in page  # what its snapshot saw, and so filed as older
    assert "Places left: 39." in app.test_client().get(f"/events/{event_id}", headers=EN).get_data(
        True
    )


# ---- Redis: shared, and survived ----------------------------------------------------------------


def _redis_or_skip() -> None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except Exception as error:
        if postgresql_required():  # CI and the lead's runs: the services must be there
            pytest.fail(f"Redis is not reachable at {REDIS_URL}: {error}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")


@pytest.fixture
def two_servers_on_redis(app: Flask, tmp_path: Any) -> Iterator[tuple[Flask, Flask]]:
    _redis_or_skip()
    prefix = f"eventsys-test-{uuid.uuid4().hex[:8]}:"
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    first = make_app(url, str(tmp_path / "one"), CACHE_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix)
    second = make_app(url, str(tmp_path / "two"), CACHE_URL=REDIS_URL, CACHE_KEY_PREFIX=prefix)
    try:
        yield first, second
    finally:
        caching.store(first).clear()
        for one in (first, second):
            with one.app_context():
                db.engine.dispose()


def test_with_redis_two_servers_share_one_cache(
    app: Flask, make_event: Callable[..., int], two_servers_on_redis: tuple[Flask, Flask]
) -> None:
    first, second = two_servers_on_redis
    event_id = published(app, make_event, capacity=40)
    url = f"/events/{event_id}"
    page = first.test_client().get(url, headers=EN).get_data(True)
    assert "Places left: 40." in page
    # Built by the first server, served by the second from the shared store.
    assert served_from_the_cache(second, second.test_client(), url, headers=EN)
    assert caching.store(second).hits == 1 and caching.store(second).where.startswith("redis://")
    with app.app_context():
        db.session.get(Event, event_id).title = "门球邀请赛"
        db.session.commit()
    assert "门球邀请赛" in second.test_client().get(url, headers=EN).get_data(True)
    assert served_from_the_cache(first, first.test_client(), url, headers=EN)


def test_with_redis_down_the_pages_come_from_the_database_and_the_log_says_so_once(
    app: Flask, make_event: Callable[..., int], tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    event_id = published(app, make_event, capacity=40)
    down = make_app(app.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path), CACHE_URL=NOBODY_LISTENS)
    try:
        client = down.test_client()
        with caplog.at_level(logging.WARNING, logger="eventsys.web.caching"):
            pages = [client.get(f"/events/{event_id}", headers=EN) for _ in range(3)]
            caching.store(down)._down_until = 0.0  # the next request asks Redis again
            pages.append(client.get(f"/events/{event_id}", headers=EN))
        assert all(p.status_code == 200 and "Places left: 40." in p.get_data(True) for p in pages)
        warnings = [r for r in caplog.records if r.name == "eventsys.web.caching"]
        assert len(warnings) == 1 and "does not answer" in warnings[0].getMessage()
        assert "127.0.0.1:6399" in warnings[0].getMessage()
        assert caching.store(down).hits == 0
    finally:
        with down.app_context():
            db.engine.dispose()


def test_the_memory_is_bounded_and_the_oldest_pages_go_first() -> None:
    memory = caching.BoundedMemory(threshold=100, default_timeout=600, max_bytes=8000)

    def entry(size: int) -> caching.Entry:
        return caching.Entry((b"x" * size,), 200, (), "etag", None)

    for n in range(10):
        memory.set(f"page:{n}", entry(700), timeout=600 + n)
    assert memory.size() <= 8000
    assert memory.get("page:0") is None and memory.get("page:9") is not None
    memory.set("huge", entry(1500))  # more than an eighth of the memory: not kept
    assert memory.get("huge") is None and memory.get("page:9") is not None
