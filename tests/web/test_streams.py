"""Live pages' streams (eventsys.web.streams): a saved mark or result reaches an open stream with
its version as the event id; reconnecting with Last-Event-ID; heartbeats; the cap; 404 as the
page; no database connection held while a stream waits; a commit from another process; Redis
down."""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from eventsys import versions
from eventsys.extensions import db
from eventsys.models import Event, User
from eventsys.models.contests import Contest
from eventsys.models.tournaments import Tournament
from eventsys.services import tournaments as tournament_service
from eventsys.web import streams
from tests.services.test_contests import score
from tests.services.test_tournaments_helpers import play_score, scheduled_round_robin
from tests.web.test_contests_pages import contest_world, login_as

__all__ = ["contest_world"]  # the fixture, imported for the tests below

WAIT = 10.0  # seconds a test waits for what must come (a bound on hanging, not a speed)


def parse(body: str) -> list[dict[str, Any]]:
    """The events and comments of a stream's text, in order."""
    found: list[dict[str, Any]] = []
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        item: dict[str, Any] = {}
        for line in block.split("\n"):
            name, _, value = line.partition(":")
            if name == "":
                item["comment"] = value.strip()
            else:
                item[name] = value.removeprefix(" ")
        if "data" in item:
            item["data"] = json.loads(item["data"])
        found.append(item)
    return found


def updates(body: str) -> list[dict[str, Any]]:
    return [item for item in parse(body) if item.get("event") == "update"]


class Reader:
    """A stream read in a thread of its own, its events handed over one by one."""

    def __init__(self, app: Flask, path: str, **headers: str) -> None:
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.status = 0
        self.started = threading.Event()
        client = app.test_client()
        self.thread = threading.Thread(target=self._read, args=(client, path, headers))
        self.thread.start()

    def _read(self, client: Any, path: str, headers: dict[str, str]) -> None:
        response = client.get(path, headers=headers)
        self.status = response.status_code
        self.started.set()
        text = ""
        for chunk in response.response:
            text += chunk.decode() if isinstance(chunk, bytes) else chunk
            while "\n\n" in text:
                block, text = text.split("\n\n", 1)
                for item in parse(block + "\n\n"):
                    self.events.put(item)
        response.close()

    def next(self, kind: str = "update") -> dict[str, Any]:
        deadline = time.monotonic() + WAIT
        while True:
            item = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            if item.get("event") == kind or (kind == "comment" and "comment" in item):
                return item

    def join(self) -> None:
        self.thread.join(timeout=WAIT + 30)
        assert not self.thread.is_alive()


@pytest.fixture
def live(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """Streams that stay open a few seconds (tests elsewhere get the state and an end)."""
    monkeypatch.setitem(app.config, "STREAM_MAX_SECONDS", 3)
    return app


def unscored(contest_world: Callable[..., Any]) -> tuple[Any, int]:
    return contest_world(entries=3, judges=1, tiers=())  # type: ignore[no-any-return]


def save_mark(app: Flask, w: Any, contest_id: int, entry: int = 0) -> int:
    """Score one sheet (committed); return the contest's new version."""
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        score(contest, w.judge_ids[0], w.entry_ids[entry], [20, 22, 15, 15])
        key = versions.contest(contest_id)
        return versions.read(db.session, [key])[key]


def current(app: Flask, key: str) -> int:
    with app.app_context():
        return versions.read(db.session, [key])[key]


# ---- a change reaches an open stream --------------------------------------------------------


def test_a_saved_mark_reaches_an_open_stream_under_its_new_version(
    live: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = unscored(contest_world)
    before = current(live, versions.contest(contest_id))
    reader = Reader(live, f"/contests/{contest_id}/stream")
    first = reader.next()
    assert reader.status == 200
    assert first["id"] == str(before) and first["data"]["version"] == before
    assert first["data"]["key"] == f"contest:{contest_id}"
    assert "72.00" not in first["data"]["html"]["board"]
    after = save_mark(live, w, contest_id)
    assert after > before
    pushed = reader.next()
    assert pushed["id"] == str(after) and pushed["data"]["version"] == after
    assert "72.00" in pushed["data"]["html"]["board"]
    reader.join()


def test_the_board_pushed_is_the_board_the_page_shows(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = unscored(contest_world)
    save_mark(app, w, contest_id)
    client = app.test_client()
    page = client.get(f"/contests/{contest_id}/scoreboard").get_data(as_text=True)
    (event,) = updates(client.get(f"/contests/{contest_id}/stream").get_data(as_text=True))
    board = event["data"]["html"]["board"]
    assert "诗人1" in board and board.strip() in page


def test_two_streams_of_one_contest_share_one_render_per_version(
    live: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = unscored(contest_world)
    readers = [Reader(live, f"/contests/{contest_id}/stream") for _ in range(2)]
    for reader in readers:
        reader.next()
    channel = streams.hub(live).channels[versions.contest(contest_id)]
    renders = channel.renders
    after = save_mark(live, w, contest_id)
    for reader in readers:
        assert reader.next()["id"] == str(after)
    assert channel.renders == renders + 1
    for reader in readers:
        reader.join()


def test_a_match_result_reaches_the_tournament_stream_for_all_three_pages(
    live: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    with live.app_context():
        organizer = db.session.get(User, make_user(roles=("organizer",)))
        tournament, _teams = scheduled_round_robin(
            make_event, organizer, "gateball", ["甲队", "乙队", "丙队", "丁队"], courts=1
        )
        db.session.commit()
        tournament_id, organizer_id = tournament.id, organizer.id
    reader = Reader(live, f"/tournaments/{tournament_id}/stream")
    first = reader.next()
    assert set(first["data"]["html"]) == {"standings", "screen", "schedule"}
    with live.app_context():
        tournament = db.session.get(Tournament, tournament_id)
        match = next(m for m in tournament_service.all_matches(tournament) if m.pool_id)
        play_score(tournament, match, 10, 3, db.session.get(User, organizer_id))
        db.session.commit()
    after = current(live, versions.tournament(tournament_id))
    pushed = reader.next()
    assert pushed["id"] == str(after) and int(pushed["id"]) > int(first["id"])
    assert "10 : 3" in pushed["data"]["html"]["schedule"]
    reader.join()


def test_a_commit_in_another_process_reaches_the_stream(
    live: Flask, contest_world: Callable[..., Any]
) -> None:
    """Another server raises the version: PostgreSQL tells by NOTIFY, SQLite by reading it."""
    _w, contest_id = unscored(contest_world)
    key = versions.contest(contest_id)
    reader = Reader(live, f"/contests/{contest_id}/stream")
    reader.next()
    with live.app_context():
        engine = db.engine
    # A plain session: none of this process's after-commit listeners hear it.
    with Session(engine) as elsewhere:
        values = versions.bump(elsewhere, [key])
        streams._pg_notify(elsewhere, values)
        elsewhere.commit()
    pushed = reader.next()
    assert pushed["id"] == str(values[key])
    reader.join()


# ---- Last-Event-ID ---------------------------------------------------------------------------


def test_a_reconnect_gets_exactly_what_it_missed(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = unscored(contest_world)
    older = current(app, versions.contest(contest_id))
    now = save_mark(app, w, contest_id)
    client = app.test_client()
    path = f"/contests/{contest_id}/stream"

    def ask(last: str | None) -> list[dict[str, Any]]:
        headers = {} if last is None else {"Last-Event-ID": last}
        response = client.get(path, headers=headers)
        assert response.status_code == 200, last
        return updates(response.get_data(as_text=True))

    # Older: the current state at once.
    (missed,) = ask(str(older))
    assert missed["id"] == str(now) and "72.00" in missed["data"]["html"]["board"]
    # The same: nothing until the next change.
    assert ask(str(now)) == []
    # None, from the future or garbage: as none, the current state at once, never a 500.
    for last in (None, str(now + 1), "99999999999999999999", "abc", "-1", "1e3", "７", " ", ""):
        (state,) = ask(last)
        assert state["id"] == str(now), last


def test_a_quiet_stream_sends_a_heartbeat_comment(
    app: Flask, contest_world: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _w, contest_id = unscored(contest_world)
    monkeypatch.setitem(app.config, "STREAM_HEARTBEAT_SECONDS", 0.1)
    monkeypatch.setitem(app.config, "STREAM_MAX_SECONDS", 0.45)
    now = current(app, versions.contest(contest_id))
    response = app.test_client().get(
        f"/contests/{contest_id}/stream", headers={"Last-Event-ID": str(now)}
    )
    items = parse(response.get_data(as_text=True))
    assert [i for i in items if i.get("event")] == []
    assert items[0] == {"retry": "2000"}
    assert len([i for i in items if i.get("comment") == "heartbeat"]) >= 3


# ---- who may open one, how many --------------------------------------------------------------


def test_a_stream_of_a_missing_or_unpublished_contest_or_tournament_is_404(
    app: Flask, contest_world: Callable[..., Any], make_event: Callable[..., int]
) -> None:
    w, contest_id = unscored(contest_world)
    client = app.test_client()
    assert client.get("/contests/987654/stream").status_code == 404
    assert client.get("/tournaments/987654/stream").status_code == 404
    assert client.get(f"/contests/{contest_id}/stream").status_code == 200
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        db.session.get(Event, contest.event_id).status = "draft"
        db.session.commit()
    assert client.get(f"/contests/{contest_id}/stream").status_code == 404
    assert client.get(f"/contests/{contest_id}/scoreboard").status_code == 404
    # The organizer sees the page, and so the stream.
    organizer = login_as(app, w.organizer_id)
    assert organizer.get(f"/contests/{contest_id}/stream").status_code == 200
    assert streams.hub(app).open == 0  # every refused or finished stream gave its place back


def test_beyond_the_cap_a_stream_is_refused_with_503_and_retry_after(
    live: Flask, contest_world: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _w, contest_id = unscored(contest_world)
    monkeypatch.setitem(live.config, "STREAM_CAP", 2)
    path = f"/contests/{contest_id}/stream"
    readers = [Reader(live, path) for _ in range(2)]
    for reader in readers:
        reader.next()
    client = live.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    refused = client.get(path)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "30"
    assert "Too many live pages" in refused.get_data(as_text=True)
    chinese = live.test_client().get(path)
    assert chinese.status_code == 503 and "实时页面太多" in chinese.get_data(as_text=True)
    # The rest of the site keeps answering.
    assert client.get(f"/contests/{contest_id}/scoreboard").status_code == 200
    for reader in readers:
        reader.join()
    monkeypatch.setitem(live.config, "STREAM_MAX_SECONDS", 0)
    assert client.get(path).status_code == 200  # the places came back


def test_a_waiting_stream_holds_no_database_connection(
    live: Flask, contest_world: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    w, contest_id = unscored(contest_world)
    monkeypatch.setitem(live.config, "STREAM_HEARTBEAT_SECONDS", 0.2)
    with live.app_context():
        pool = db.engine.pool
    assert pool.checkedout() == 0
    reader = Reader(live, f"/contests/{contest_id}/stream")
    reader.next()
    seen = []
    for _ in range(8):
        time.sleep(0.1)
        seen.append(pool.checkedout())
    after = save_mark(live, w, contest_id)
    assert reader.next()["id"] == str(after)
    time.sleep(0.1)
    seen.append(pool.checkedout())
    assert seen == [0] * len(seen)
    reader.join()


# ---- Redis down --------------------------------------------------------------------------------


def _own_hub(live: Flask) -> Iterator[Flask]:
    """For a fixture: *live* with a stream hub of the test's own (built from the config changed
    before), closed afterwards and the hub it had put back."""
    kept = live.extensions.pop(streams.EXTENSION, None)
    yield live
    replaced = live.extensions.pop(streams.EXTENSION, None)
    if replaced is not None:
        replaced.close()
    if kept is not None:
        live.extensions[streams.EXTENSION] = kept


@pytest.fixture
def redis_down(live: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The bus configured as Redis at an address where nothing answers."""
    monkeypatch.setitem(live.config, "STREAM_BUS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(live.config, "STREAM_FALLBACK_POLL_SECONDS", 0.2)
    yield from _own_hub(live)


def test_with_redis_down_streams_read_versions_from_the_database_and_say_so_once(
    redis_down: Flask,
    contest_world: Callable[..., Any],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = redis_down
    w, contest_id = unscored(contest_world)
    key = versions.contest(contest_id)
    caplog.set_level(logging.WARNING, logger="eventsys.streams")
    # The migrations' logging set-up (alembic's fileConfig, run by the app fixture in this
    # process) disables the loggers that existed before it; a server never runs it.
    monkeypatch.setattr(streams.log, "disabled", False)
    assert streams.hub(app).mode == "redis"
    reader = Reader(app, f"/contests/{contest_id}/stream")
    reader.next()
    # This process's own commit: told at once, the failed publish costs nothing but a line.
    after = save_mark(app, w, contest_id)
    assert reader.next()["id"] == str(after)
    # Another server's commit (no notice reaches us): found by reading the versions.
    with app.app_context():
        engine = db.engine
    with Session(engine) as elsewhere:
        values = versions.bump(elsewhere, [key])
        elsewhere.commit()
    assert reader.next()["id"] == str(values[key])
    save_mark(app, w, contest_id, entry=1)
    reader.next()
    reader.join()
    said = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert 1 <= len(said) <= 2  # once for the listener, once for publishing
    assert len({r.getMessage().split("(")[0] for r in said}) == 1
    assert all("redis" in r.getMessage() for r in said)


# ---- Redis up ----------------------------------------------------------------------------------

REDIS_URL = os.environ.get("EVENTSYS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_bus(live: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The bus on the Redis of the test machine (fails, never skips, when it is not there)."""
    import redis

    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    monkeypatch.setitem(live.config, "STREAM_BUS_URL", REDIS_URL)
    monkeypatch.setitem(live.config, "STREAM_REDIS_CHECK_SECONDS", 3600)  # Redis alone tells
    yield from _own_hub(live)


def test_a_commit_told_through_redis_reaches_the_stream(
    redis_bus: Flask, contest_world: Callable[..., Any]
) -> None:
    import redis

    app = redis_bus
    _w, contest_id = unscored(contest_world)
    key = versions.contest(contest_id)
    found = streams.hub(app)
    assert found.mode == "redis"
    reader = Reader(app, f"/contests/{contest_id}/stream")
    reader.next()
    assert found.listening.wait(WAIT)
    with app.app_context():
        engine = db.engine
    with Session(engine) as elsewhere:  # another server's commit...
        values = versions.bump(elsewhere, [key])
        elsewhere.commit()
    # ... told by its publish (the same message eventsys.web.streams.Hub.publish sends)
    redis.Redis.from_url(REDIS_URL).publish(streams.REDIS_CHANNEL, json.dumps(values))
    assert reader.next()["id"] == str(values[key])
    reader.join()
