"""Pages and feeds kept in memory: served again only while nothing they read has changed.

Every test here would fail with a cache that served stale pages (the invalidation tests) or with
no cache at all (the tests that count the statements of a repeated request)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from eventsys.models.cache import TableGeneration
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from eventsys import generations
from eventsys.database import write_intent
from eventsys.extensions import db, login_manager
from eventsys.models import Event, Occurrence, User
from eventsys.services import calendar as feeds
from eventsys.timeutil import utcnow
from eventsys.web import pagecache
from tests.conftest import CSRF_RE, away_from_a_minute_boundary, csrf, csrf_from, make_app
from tests.querycount import count_queries

EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def _whole_minute() -> None:
    away_from_a_minute_boundary()


statements = count_queries


def generation(app: Flask, table: str) -> int | None:
    with app.app_context():
        return db.session.scalar(select(TableGeneration.value).where(TableGeneration.name == table))


def published(app: Flask, make_event: Callable[..., int], **settings: Any) -> int:
    event_id = make_event(start=utcnow() + timedelta(days=5), status="draft", title="门球友谊赛")
    with app.app_context():
        event = db.session.get(Event, event_id)
        for name, value in {"registration_mode": "individual", **settings}.items():
            setattr(event, name, value)
        event.status = "published"
        db.session.commit()
    return event_id


# ---- generations ------------------------------------------------------------------------------


def test_a_commit_renews_the_generation_of_each_table_it_wrote_and_no_other(
    app: Flask, make_user: Callable[..., int]
) -> None:
    user_id = make_user()
    before_user, before_event = generation(app, "user_account"), generation(app, "event")
    assert before_user is not None
    with app.app_context():
        db.session.get(User, user_id).name = "改了名字"
        db.session.commit()
    assert generation(app, "user_account") not in (None, before_user)
    assert generation(app, "event") == before_event


def test_a_rolled_back_change_renews_nothing(app: Flask, make_user: Callable[..., int]) -> None:
    user_id = make_user()
    before = generation(app, "user_account")
    with app.app_context():
        db.session.get(User, user_id).name = "不会保存"
        db.session.flush()
        db.session.rollback()
        db.session.commit()
    assert generation(app, "user_account") == before


def test_an_update_statement_run_on_the_session_renews_its_table(
    app: Flask, make_user: Callable[..., int]
) -> None:
    make_user()
    before = generation(app, "user_account")
    with app.app_context():
        db.session.execute(update(User).values(language="en"))
        db.session.commit()
    assert generation(app, "user_account") != before


def test_an_insert_of_many_rows_in_one_statement_renews_its_table(
    app: Flask, make_event: Callable[..., int]
) -> None:
    before = generation(app, "occurrence")
    make_event(weekdays=(0, 2), until=utcnow().date() + timedelta(days=60))
    assert generation(app, "occurrence") not in (None, before)


def test_the_tables_a_block_reads_are_recorded_joins_subqueries_and_raw_sql_included(
    app: Flask,
) -> None:
    with app.app_context():
        with generations.record_tables() as recording:
            db.session.scalars(select(Event).join(Event.venue)).all()
        assert recording.tables == {"event", "venue"}
        with generations.record_tables() as nested:
            db.session.scalars(select(Event).where(Event.id.in_(select(Occurrence.event_id)))).all()
        assert nested.tables == {"event", "occurrence"}
        with generations.record_tables() as raw:
            db.session.connection().exec_driver_sql('SELECT count(*) FROM "registration"')
        assert raw.tables == {"registration"}


# ---- pages ------------------------------------------------------------------------------------


def test_a_repeated_page_costs_only_the_generations_read_and_is_the_same_page(
    app: Flask, make_event: Callable[..., int], monkeypatch: pytest.MonkeyPatch
) -> None:
    event_id = published(app, make_event, capacity=40)
    client = app.test_client()
    reads: list[int] = []
    latest = generations.latest
    monkeypatch.setattr(generations, "latest", lambda engine: reads.append(1) or latest(engine))
    first = client.get(f"/events/{event_id}", headers=EN)
    with statements(app) as seen:
        second = client.get(f"/events/{event_id}", headers=EN)
    # The generations are read on a connection of their own, outside the engine's events.
    assert second.status_code == 200 and seen == [] and len(reads) == 2
    # The same page; its CSRF token is signed with the second it was issued in, so it is masked.
    assert _without_token(second.get_data(True)) == _without_token(first.get_data(True))
    assert app.extensions["eventsys.pagecache"].hits == 1


def _without_token(page: str) -> str:
    return CSRF_RE.sub("csrf", page)


def test_a_registration_through_the_site_shows_at_once_on_the_kept_event_page(
    app: Flask, make_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    event_id = published(app, make_event, capacity=40)
    visitor = app.test_client()
    assert "Places left: 40." in visitor.get(f"/events/{event_id}", headers=EN).get_data(True)
    person = signed_in("participant")
    token = csrf(person, f"/events/{event_id}/register")
    assert (
        person.post(f"/events/{event_id}/register", data={"csrf_token": token}).status_code == 302
    )
    assert "Places left: 39." in visitor.get(f"/events/{event_id}", headers=EN).get_data(True)


def test_an_organizers_change_shows_at_once_on_the_kept_programme(
    app: Flask, make_event: Callable[..., int]
) -> None:
    event_id = published(app, make_event)
    visitor = app.test_client()
    assert "门球友谊赛" in visitor.get("/", headers=EN).get_data(True)
    with app.app_context():
        db.session.get(Event, event_id).title = "门球邀请赛"
        db.session.commit()
    page = visitor.get("/", headers=EN).get_data(as_text=True)
    assert "门球邀请赛" in page and "门球友谊赛" not in page


def test_another_worker_sees_the_change_too(
    app: Flask, make_event: Callable[..., int], tmp_path: Any
) -> None:
    """Two applications on one database stand for two gunicorn workers, each with its memory."""
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


def test_each_visitor_gets_their_own_working_csrf_token_from_a_kept_page(
    app: Flask, make_event: Callable[..., int]
) -> None:
    published(app, make_event)
    first, second = app.test_client(), app.test_client()
    token_one = csrf_from(first.get("/", headers=EN).get_data(as_text=True))
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


def test_a_flash_message_is_never_swallowed_by_a_kept_page(
    app: Flask, make_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    event_id = published(app, make_event, capacity=40)
    person = signed_in("participant")
    person.get(f"/events/{event_id}", headers=EN)  # kept for this person
    with person.session_transaction() as session:
        session["_flashes"] = [("success", "消息一定要看到")]
    assert "消息一定要看到" in person.get(f"/events/{event_id}", headers=EN).get_data(True)


def test_a_page_that_read_the_clock_is_built_again_the_next_minute(
    app: Flask, make_event: Callable[..., int], monkeypatch: pytest.MonkeyPatch
) -> None:
    published(app, make_event)
    client = app.test_client()
    client.get("/", headers=EN)
    with statements(app) as seen:
        client.get("/", headers=EN)
    assert seen == []
    later = utcnow() + timedelta(minutes=1)
    monkeypatch.setattr(pagecache, "utcnow", lambda: later)
    with statements(app) as rebuilt:
        client.get("/", headers=EN)
    assert len(rebuilt) > 1


def test_conditional_requests_get_304_from_a_kept_page(
    app: Flask, make_event: Callable[..., int]
) -> None:
    event_id = published(app, make_event)
    client = app.test_client()
    response = client.get(f"/events/{event_id}.ics")
    etag = response.headers["ETag"]
    assert response.status_code == 200 and etag
    again = client.get(f"/events/{event_id}.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    with app.app_context():
        db.session.get(Event, event_id).title = "门球邀请赛"
        db.session.commit()
    changed = client.get(f"/events/{event_id}.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "门球邀请赛" in changed.get_data(as_text=True)


def test_a_retired_calendar_address_stops_at_once_even_when_its_feed_was_kept(
    app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    user_id = make_user()
    with app.app_context():
        user = db.session.get(User, user_id)
        token = feeds.new_token(user, actor=user)
        db.session.commit()
    client = app.test_client()
    url = f"/calendar/u/{user_id}/{token}.ics"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    with app.app_context():
        user = db.session.get(User, user_id)
        feeds.revoke_token(user, actor=user)
        db.session.commit()
    assert client.get(url).status_code == 404


def test_a_write_landing_after_the_user_is_loaded_never_leaves_a_stale_page_kept(
    app: Flask,
    make_event: Callable[..., int],
    signed_in: Callable[..., FlaskClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 15.7: another person registers between this visitor's sign-in check and the page.

    The page built then may show the places as they were when the request began, but it must
    not be kept under the newer table generations: the next visit shows the registration."""
    event_id = published(app, make_event, capacity=40)
    visitor, other = signed_in("participant"), signed_in("participant")
    token = csrf(other, f"/events/{event_id}/register")
    assert "Places left: 40." in visitor.get(f"/events/{event_id}", headers=EN).get_data(True)
    with app.app_context():  # nothing kept yet, so that the next visit builds the page
        db.session.get(Event, event_id).title = "门球邀请赛"
        db.session.commit()

    loader = login_manager._user_callback
    written: list[int] = []
    injected: list[bool] = []

    def load_then_someone_registers(user_id: str) -> Any:
        user = loader(user_id)
        if not injected:  # once, and from another connection, as another worker would
            injected.append(True)
            thread = threading.Thread(
                target=lambda: written.append(
                    other.post(
                        f"/events/{event_id}/register", data={"csrf_token": token}
                    ).status_code
                )
            )
            thread.start()
            thread.join(timeout=60)
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


def test_a_page_whose_request_read_before_the_cache_files_it_under_what_that_read_saw(
    app: Flask, make_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    """Should anything read before @cached_page does, the generations come from the session."""
    event_id = published(app, make_event, capacity=40)
    other = signed_in("participant")
    token = csrf(other, f"/events/{event_id}/register")
    with app.test_request_context(f"/events/{event_id}", headers=EN), as_a_read():
        db.session.scalars(select(Event.id)).all()  # the request's first read, its snapshot
        posted: list[int] = []  # from another thread: a request here would share this session
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


def test_the_memory_is_bounded_and_least_recently_used_pages_go_first() -> None:
    cache = pagecache.PageCache(max_bytes=4000)
    made = utcnow()

    def entry(size: int) -> pagecache.Entry:
        return pagecache.Entry((b"x" * size,), 200, (), (), made, None, None)

    for n in range(10):
        cache.put(("page", n), entry(700))
    assert cache.bytes <= 4000
    assert cache.get(("page", 0)) is None and cache.get(("page", 9)) is not None
    cache.put(("huge",), entry(3000))  # more than a quarter of the memory: not kept
    assert cache.get(("huge",)) is None


def test_it_can_be_turned_off(app: Flask, make_event: Callable[..., int]) -> None:
    published(app, make_event)
    client = app.test_client()
    app.config["PAGE_CACHE"] = False
    try:
        client.get("/", headers=EN)
        with statements(app) as seen:
            client.get("/", headers=EN)
        assert len(seen) > 1
    finally:
        app.config["PAGE_CACHE"] = True


# ---- the fast path (no cookie, no Flask) --------------------------------------------------------


def test_a_calendar_app_asking_again_is_answered_before_flask_with_the_same_headers(
    app: Flask, make_event: Callable[..., int], monkeypatch: pytest.MonkeyPatch
) -> None:
    event_id = published(app, make_event)
    client = app.test_client(use_cookies=False)
    first = client.get(f"/events/{event_id}.ics")
    etag = first.headers["ETag"]
    entered: list[str] = []
    monkeypatch.setattr(app, "full_dispatch_request", lambda: entered.append("flask"))
    again = client.get(f"/events/{event_id}.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and entered == []
    full = client.get(f"/events/{event_id}.ics")
    assert full.status_code == 200 and full.get_data() == first.get_data() and entered == []
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"):
        assert again.headers[name] == first.headers[name] == full.headers[name]
    assert full.headers["Content-Type"] == first.headers["Content-Type"]
    assert client.head(f"/events/{event_id}.ics").get_data() == b""
    assert app.extensions["eventsys.pagecache"].fast_hits == 3


def test_the_fast_path_never_answers_with_a_changed_table_or_a_cookie(
    app: Flask, make_event: Callable[..., int]
) -> None:
    event_id = published(app, make_event)
    client = app.test_client(use_cookies=False)
    etag = client.get(f"/events/{event_id}.ics").headers["ETag"]
    with app.app_context():
        db.session.get(Event, event_id).title = "门球邀请赛"
        db.session.commit()
    changed = client.get(f"/events/{event_id}.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "门球邀请赛" in changed.get_data(as_text=True)
    cache = app.extensions["eventsys.pagecache"]
    before = cache.fast_hits
    client.get(f"/events/{event_id}.ics", headers={"Cookie": "session=x"})
    assert cache.fast_hits == before
