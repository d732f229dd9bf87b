"""Live pages pushed by Server-Sent Events: the hall's scoreboard, the tournament's standings,
big screen and order of play.

``GET /contests/<id>/stream`` and ``GET /tournaments/<id>/stream`` answer ``text/event-stream``
to anyone who may see the page (the same rule as the page: 404 otherwise). The format is stable
(the benchmarks read it)::

    retry: 2000                       once, first: reconnect after 2 s

    id: 17                            the aggregate's version (eventsys.versions)
    event: update
    data: {"key": "contest:3", "version": 17, "html": {"board": "<p ..."}}

    : heartbeat                       a comment every STREAM_HEARTBEAT_SECONDS (15) when quiet

    event: gone                       the contest or tournament was deleted: the stream ends
    data: {"key": "contest:3"}

``data`` is one line of JSON. ``html`` holds one fragment per live region of the pages: a
contest's ``board`` (the inside of the scoreboard's ``#board``), a tournament's ``standings``,
``screen`` and ``schedule`` (the insides of the pages' ``[data-live]`` regions), rendered as the
public sees them. A client that reconnects sends ``Last-Event-ID``: older than the current
version, the current state comes at once; the same, nothing until the next change; missing,
from the future or not a number, it counts as none (the current state at once). A stream ends
after STREAM_MAX_SECONDS (the browser reconnects with its Last-Event-ID), so a thread held by a
vanished client comes back and visibility is checked again.

How a commit reaches an open stream (one listener thread per process, started with the first
stream): the committing process tells its own streams at once (``versions.on_commit``); other
processes and servers hear it through PostgreSQL ``LISTEN/NOTIFY`` (``pg_notify`` is sent inside
the transaction by ``versions.on_bump``, delivered at commit) or Redis pub/sub when a bus URL is
configured (STREAM_BUS_URL, else CACHE_URL); on SQLite the listener reads the watched versions
every STREAM_POLL_SECONDS. When Redis or the LISTEN connection is down, the listener says so
once in the log and reads the versions from the database every STREAM_FALLBACK_POLL_SECONDS
until it is back.

A stream holds no database connection while it waits: when a newer version arrives, the first
stream of the aggregate in the process renders the payload in a short request context of its
own and releases it; the payload is kept per (aggregate, language) and shared by every stream
of that aggregate in the process. At most STREAM_CAP streams are open per process; beyond it
the answer is 503 with Retry-After and the page keeps polling (static/js/live.js).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, Response, current_app, has_app_context, render_template
from flask import request as flask_request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import text
from sqlalchemy.orm import Session

from eventsys import versions
from eventsys.extensions import db

bp = Blueprint("streams", __name__)
log = logging.getLogger("eventsys.streams")

EXTENSION = "eventsys.streams"
PG_CHANNEL = "eventsys_versions"
REDIS_CHANNEL = "eventsys:versions"
MAX_EVENT_ID = 10**15  # longer "ids" are garbage, not versions


# ---- what each kind of stream shows --------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of live aggregate: its version key, who may open it, what its pages show."""

    name: str
    key: Callable[[int], str]
    load: Callable[[int], Any]  # in the request: the row, or abort(404) as the page does
    fragments: Callable[[int], dict[str, str] | None]  # {region: html}; None when it is gone


def _contest_load(contest_id: int) -> Any:
    from eventsys.web.contests import _visible_results

    return _visible_results(contest_id)


def _contest_fragments(contest_id: int) -> dict[str, str] | None:
    from eventsys.models.contests import Contest
    from eventsys.web.contests import scoreboard_context

    contest = db.session.get(Contest, contest_id)
    if contest is None:
        return None
    return {"board": render_template("contests/_board.html", **scoreboard_context(contest))}


def _tournament_load(tournament_id: int) -> Any:
    from eventsys.web.tournaments import _load

    return _load(tournament_id)


def _tournament_fragments(tournament_id: int) -> dict[str, str] | None:
    from eventsys.models.tournaments import Tournament
    from eventsys.web.tournaments import schedule_context, screen_context, standings_context

    tournament = db.session.get(Tournament, tournament_id)
    if tournament is None:
        return None
    standings = standings_context(tournament)
    return {
        "standings": render_template("tournaments/_live_standings.html", **standings),
        "screen": render_template(
            "tournaments/_live_screen.html", **screen_context(tournament, standings["tables"])
        ),
        "schedule": render_template(
            "tournaments/_live_schedule.html", **schedule_context(tournament)
        ),
    }


CONTEST = Kind("contest", versions.contest, _contest_load, _contest_fragments)
TOURNAMENT = Kind("tournament", versions.tournament, _tournament_load, _tournament_fragments)


# ---- the per-process hub -------------------------------------------------------------------------


@dataclass
class Channel:
    """One aggregate's open streams in this process."""

    key: str
    kind: Kind
    ident: int
    version: int = 0  # the newest version this process knows of
    listeners: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)
    rendering: threading.Lock = field(default_factory=threading.Lock)
    rendered: dict[str, tuple[int, bytes]] = field(default_factory=dict)  # language -> payload
    renders: int = 0


def parse_event_id(raw: str | None) -> int | None:
    """A Last-Event-ID as a version, or None when it is missing or not a plain number."""
    if raw is None:
        return None
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 15:
        return None
    value = int(raw)
    return value if value < MAX_EVENT_ID else None


def _event(name: str, data: Mapping[str, Any], ident: int | None = None) -> bytes:
    lines = [] if ident is None else [f"id: {ident}"]
    lines += [f"event: {name}", "data: " + json.dumps(data, ensure_ascii=False)]
    return ("\n".join(lines) + "\n\n").encode()


class Hub:
    """The open streams of one application in one process, and its one listener thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.channels: dict[str, Channel] = {}
        self.open = 0
        self.mode = bus_mode(app)
        self.redis_url = _redis_url(app) if self.mode == "redis" else None
        self.listening = threading.Event()  # the bus is connected (set) or being replaced
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None
        self._publisher: Any = None
        self._publish_down_until = 0.0
        self._down_said: set[str] = set()

    # -- streams come and go --

    def admit(self) -> bool:
        """Take one of the STREAM_CAP places; False when all are taken."""
        cap = int(self.app.config.get("STREAM_CAP", 80))
        with self.lock:
            if self.open >= cap:
                return False
            self.open += 1
            if self.thread is None:
                self.thread = threading.Thread(
                    target=self._listen, name="eventsys-stream-listener", daemon=True
                )
                self.thread.start()
            return True

    def leave(self) -> None:
        with self.lock:
            self.open -= 1

    def join(self, kind: Kind, ident: int, version: int) -> Channel:
        key = kind.key(ident)
        with self.lock:
            channel = self.channels.get(key)
            if channel is None:
                channel = self.channels[key] = Channel(key, kind, ident)
            channel.listeners += 1
        self._raise(channel, version)
        return channel

    def part(self, channel: Channel) -> None:
        with self.lock:
            channel.listeners -= 1
            if channel.listeners <= 0 and self.channels.get(channel.key) is channel:
                del self.channels[channel.key]

    def watched(self) -> list[str]:
        with self.lock:
            return sorted(self.channels)

    # -- notices --

    def notice(self, values: Mapping[str, Any]) -> None:
        """New versions {key: value} from any source; wakes the streams that have older ones."""
        for key, value in values.items():
            with self.lock:
                channel = self.channels.get(key)
            if channel is not None:
                try:
                    self._raise(channel, int(value))
                except (TypeError, ValueError):
                    continue

    @staticmethod
    def _raise(channel: Channel, version: int) -> None:
        with channel.changed:
            if version > channel.version:
                channel.version = version
                channel.changed.notify_all()

    # -- payloads --

    def payload(self, channel: Channel, language: str) -> tuple[int, bytes | None]:
        """The channel's newest payload in *language*: rendered once per version per process,
        in a request context of its own whose database session is closed before returning."""
        with channel.rendering:
            kept = channel.rendered.get(language)
            if kept is not None and kept[0] >= channel.version:
                return kept
            with self.app.test_request_context("/"), force_locale(language):
                try:
                    # The version first, then the data: newer data may come under this version
                    # (sent again under the next), never older data under a newer version.
                    version = versions.read(db.session(), [channel.key])[channel.key]
                    fragments = channel.kind.fragments(channel.ident)
                finally:
                    db.session.remove()
            channel.renders += 1
            if fragments is None:
                return version, None
            body = {"key": channel.key, "version": version, "html": fragments}
            kept = (version, _event("update", body, ident=version))
            channel.rendered[language] = kept
        self._raise(channel, version)
        return kept

    # -- the bus between processes --

    def publish(self, values: Mapping[str, int]) -> None:
        """Tell the other processes through Redis (PostgreSQL's NOTIFY is sent in the
        transaction, see _pg_notify). A Redis that is down costs one log line, never a request."""
        if self.mode != "redis" or time.monotonic() < self._publish_down_until:
            return
        try:
            if self._publisher is None:
                self._publisher = _redis_client(self.redis_url)
            self._publisher.publish(REDIS_CHANNEL, json.dumps(dict(values)))
            self._down_said.discard("publish")
        except Exception as error:  # redis.ConnectionError, TimeoutError, ...
            self._publish_down_until = time.monotonic() + 5
            self._publisher = None
            self._say_down("publish", error)

    def _say_down(self, what: str, error: BaseException) -> None:
        if what in self._down_said:
            return
        self._down_said.add(what)
        log.warning(
            "live streams: the %s bus is unreachable (%s: %s); reading versions from the "
            "database every %s s until it is back",
            self.mode,
            type(error).__name__,
            str(error).splitlines()[0] if str(error) else "",
            self.app.config.get("STREAM_FALLBACK_POLL_SECONDS", 1.0),
        )

    def _say_back(self, what: str) -> None:
        if what in self._down_said:
            self._down_said.discard(what)
            log.warning("live streams: the %s bus is reachable again", self.mode)

    def close(self) -> None:
        self.stopped.set()

    def _listen(self) -> None:
        """The listener thread: LISTEN, SUBSCRIBE or poll until the process ends."""
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        with self.app.app_context():
            url = db.engine.url
        # Its own engine, outside the app's pool: the pool's checked-out count stays that of
        # the requests.
        self._poll_engine = create_engine(url, poolclass=NullPool)
        while not self.stopped.is_set():
            try:
                if self.mode == "postgresql":
                    self._listen_postgresql(url)
                elif self.mode == "redis":
                    self._listen_redis()
                else:
                    self._poll_for(float(self.app.config.get("STREAM_POLL_SECONDS", 0.25)), 3600)
            except Exception as error:
                self.listening.clear()
                self._say_down("listen", error)
                self._poll_for(float(self.app.config.get("STREAM_FALLBACK_POLL_SECONDS", 1.0)), 5)

    def _poll_for(self, interval: float, seconds: float) -> None:
        """Read the watched versions from the database every *interval* s for *seconds* s."""
        until = time.monotonic() + seconds
        while not self.stopped.is_set() and time.monotonic() < until:
            self._poll_once()
            self.stopped.wait(interval)

    def _poll_once(self) -> None:
        keys = self.watched()
        if not keys:
            return
        try:
            with self._poll_engine.connect() as connection:
                current = versions.read(connection, keys)
        except Exception as error:  # the database restarting: try again next tick
            log.debug("live streams: reading versions failed: %s", error)
            return
        self.notice({key: value for key, value in current.items() if value})

    def _listen_postgresql(self, url: Any) -> None:
        import psycopg

        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f"LISTEN {PG_CHANNEL}")
            self.listening.set()
            self._say_back("listen")
            self._catch_up()
            while not self.stopped.is_set():
                for notice in connection.notifies(timeout=1.0):
                    self._heard(notice.payload)

    def _listen_redis(self) -> None:
        client = _redis_client(self.redis_url, reading=True)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(REDIS_CHANNEL)
            self.listening.set()
            self._say_back("listen")
            self._catch_up()
            checked = time.monotonic()
            while not self.stopped.is_set():
                message = pubsub.get_message(timeout=1.0)
                if message is not None and message.get("type") == "message":
                    self._heard(message["data"])
                # Pub/sub forgets what is sent while a subscriber or a publisher is away (a
                # NOTIFY does not): read the versions now and then, so that a lost notice costs
                # seconds, not the rest of the day.
                if time.monotonic() - checked > float(
                    self.app.config.get("STREAM_REDIS_CHECK_SECONDS", 5)
                ):
                    self._poll_once()
                    checked = time.monotonic()
        finally:
            pubsub.close()
            client.close()

    def _catch_up(self) -> None:
        """After (re)connecting: what changed while nobody was listening."""
        self._poll_once()

    def _heard(self, payload: str | bytes) -> None:
        try:
            values = json.loads(payload)
        except ValueError:
            return
        if isinstance(values, dict):
            self.notice(values)


def bus_mode(app: Flask) -> str:
    """How commits reach the other processes: "postgresql", "redis" or "poll" (STREAM_BUS)."""
    chosen = str(app.config.get("STREAM_BUS") or "auto").lower()
    if chosen in ("postgresql", "redis", "poll"):
        return chosen
    if str(app.config.get("STREAM_BUS_URL") or "").startswith(("redis://", "rediss://")):
        return "redis"
    if str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        return "postgresql"
    if _redis_url(app):
        return "redis"
    return "poll"


def _redis_url(app: Flask) -> str | None:
    for name in ("STREAM_BUS_URL", "CACHE_URL"):
        value = str(app.config.get(name) or "")
        if value.startswith(("redis://", "rediss://", "unix://")):
            return value
    return None


def _redis_client(url: str | None, reading: bool = False) -> Any:
    import redis

    return redis.Redis.from_url(
        url or "redis://127.0.0.1:6379/0",
        socket_connect_timeout=0.5,
        socket_timeout=None if reading else 0.5,
        health_check_interval=10 if reading else 0,
    )


def hub(app: Flask) -> Hub:
    found = app.extensions.get(EXTENSION)
    if found is None:
        with _hub_lock:
            found = app.extensions.get(EXTENSION)
            if found is None:
                found = app.extensions[EXTENSION] = Hub(app)
    return found


_hub_lock = threading.Lock()


# ---- commits tell the hub ------------------------------------------------------------------------


def _told_after_commit(values: Mapping[str, int]) -> None:
    if not has_app_context():
        return
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        return
    found.notice(values)
    found.publish(values)


def _pg_notify(session: Session, values: Mapping[str, int]) -> None:
    """NOTIFY the other servers inside the transaction: PostgreSQL delivers it at commit."""
    if session.get_bind().dialect.name != "postgresql":
        return
    if has_app_context() and bus_mode(current_app) != "postgresql":
        return
    items = sorted(values.items())
    for start in range(0, len(items), 100):  # a NOTIFY payload is under 8000 bytes
        payload = json.dumps(dict(items[start : start + 100]), separators=(",", ":"))
        session.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {
                "channel": PG_CHANNEL,
                "payload": payload,
            },
        )


versions.on_commit(_told_after_commit)
versions.on_bump(_pg_notify)


# ---- the routes ----------------------------------------------------------------------------------


def _refused() -> Response:
    seconds = int(current_app.config.get("STREAM_RETRY_AFTER_SECONDS", 30))
    message = _("Too many live pages are open on this server; the page checks again by itself.")
    return Response(message, 503, {"Retry-After": str(seconds)}, mimetype="text/plain")


def _stream(kind: Kind, ident: int) -> Any:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = hub(app)
    if not found.admit():
        return _refused()
    try:
        kind.load(ident)  # 404 as the page would
        key = kind.key(ident)
        current = versions.read(db.session(), [key])[key]
    except BaseException:
        found.leave()
        raise
    last = parse_event_id(flask_request.headers.get("Last-Event-ID"))
    if last is not None and last > current:
        last = None  # from the future: another database, or made up
    language = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
    channel = found.join(kind, ident, current)
    config = app.config
    events = _events(
        found,
        channel,
        language,
        last,
        heartbeat=float(config.get("STREAM_HEARTBEAT_SECONDS", 15)),
        lifetime=float(config.get("STREAM_MAX_SECONDS", 600)),
        retry_ms=int(config.get("STREAM_RETRY_MILLISECONDS", 2000)),
    )

    def finished() -> None:
        found.part(channel)
        found.leave()

    done = _Once(finished)
    response = Response(_closing(events, done), mimetype="text/event-stream")
    response.call_on_close(done)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


class _Once:
    def __init__(self, action: Callable[[], object]) -> None:
        self.action: Callable[[], object] | None = action
        self.lock = threading.Lock()

    def __call__(self) -> None:
        with self.lock:
            action, self.action = self.action, None
        if action is not None:
            action()


def _closing(events: Iterator[bytes], done: _Once) -> Iterator[bytes]:
    try:
        yield from events
    finally:
        done()


def _events(
    found: Hub,
    channel: Channel,
    language: str,
    last: int | None,
    *,
    heartbeat: float,
    lifetime: float,
    retry_ms: int,
) -> Iterator[bytes]:
    yield f"retry: {retry_ms}\n\n".encode()
    sent = last
    started = written = time.monotonic()
    while True:
        with channel.changed:
            if sent is not None and channel.version <= sent:
                wait = min(written + heartbeat, started + lifetime) - time.monotonic()
                if wait > 0:
                    channel.changed.wait(wait)
            newer = sent is None or channel.version > sent
        now = time.monotonic()
        if newer:
            target = channel.version
            try:
                version, payload = found.payload(channel, language)
            except Exception:  # the database away: end; the browser reconnects in a moment
                log.exception("live streams: rendering %s failed", channel.key)
                return
            if payload is None:
                yield _event("gone", {"key": channel.key})
                return
            if sent is None or version > sent:
                yield payload
                written = now
            # What was asked for is answered (a notice newer than the database, say from
            # another database on the same Redis, costs one render, never a busy loop).
            sent = max(version, target, sent or 0)
            continue
        if now >= started + lifetime:
            return
        if now >= written + heartbeat:
            yield b": heartbeat\n\n"
            written = now


@bp.route("/contests/<int:contest_id>/stream")
def contest(contest_id: int) -> Any:
    """The hall scoreboard's live stream (public as the scoreboard is)."""
    return _stream(CONTEST, contest_id)


@bp.route("/tournaments/<int:tournament_id>/stream")
def tournament(tournament_id: int) -> Any:
    """The tournament's standings, big screen and order of play, live (public as they are)."""
    return _stream(TOURNAMENT, tournament_id)
