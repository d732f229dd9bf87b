"""Pages and feeds kept under the versions of what they show (issue #17.2).

``@cached(keys)`` under a route keeps its answer under a key made of

* the versions of the aggregates the page shows (``keys(**view_args)`` names them, e.g.
  ``contest:12`` and ``event:5``; eventsys.versions raises them in the transaction that changes
  them), plus ``names`` (a room, organisation or person renamed), read in ONE query before the
  page's data: a page is never filed under versions newer than its data;
* the address (scheme, host, path and query), the language, today's date;
* the visitor: nobody, or the signed-in person's id with what pages show of them (name,
  roles, organisation) and the version of their own things (``person:<id>``: their
  registrations, teams, groups), so no one is ever served someone else's page.

A mark in contest A raises ``contest:A`` only: contest B's pages keep their key and stay. A page
that read the clock while it was built (the programme starts "today", registration opens at a
minute) is kept until the end of that minute. Answers that are not a 200, that changed the
session (a flash message, a sign-in) or set a cookie are not kept, and a request carrying
flash messages is never served from the cache.

The ETag of a kept answer is a digest of its key, so of the versions (a feed keeps its own,
made from its sources' versions); If-None-Match gets a 304 (Werkzeug's ``make_conditional``).
The visitor's CSRF token is cut out of the kept text and the visitor's own is put back when it
is served.

The store is Flask-Caching's: a SimpleCache per process by default (nothing to install), a
RedisCache shared by every process and server when ``EVENTSYS_CACHE_URL`` is set (e.g.
``redis://127.0.0.1:6379/0``). Redis down: pages are built from the database (slower), a
warning is logged once, and the cache is asked again every few seconds. Entries under old
versions are never asked for again and age out (``PAGE_CACHE_TIMEOUT``)."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, make_response, request, session
from flask_caching import Cache
from flask_caching.backends.simplecache import SimpleCache
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from eventsys import versions
from eventsys.domain.text import normalise
from eventsys.extensions import db
from eventsys.i18n import SUPPORTED, negotiate, select_locale
from eventsys.services import aggregates
from eventsys.timeutil import local_today, utcnow, watch_clock

F = TypeVar("F", bound=Callable[..., Any])
KeysOf = Callable[..., Iterable[str]]

log = logging.getLogger(__name__)
cache = Cache()

_EXTENSION = "eventsys.cache"
_CONDITIONAL = ("If-None-Match", "If-Modified-Since")
_KEPT_HEADERS_SKIP = frozenset({"set-cookie", "content-length", "vary"})
RETRY_AFTER_SECONDS = 5.0


@dataclass(frozen=True)
class Entry:
    parts: tuple[bytes, ...]  # the body, split where the visitor's CSRF token goes
    status: int
    headers: tuple[tuple[str, str], ...]
    etag: str
    minute: str | None  # the minute the clock was read in while building, if it was

    def fresh(self) -> bool:
        return self.minute is None or self.minute == _minute(utcnow())


class BoundedMemory(SimpleCache):
    """Flask-Caching's SimpleCache, bounded by bytes as well as by entries: a worker keeps at
    most *max_bytes* of pickled pages (the oldest go first), and no page over an eighth."""

    def __init__(self, *args: Any, max_bytes: int = 64 << 20, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def set(self, key: str, value: Any, timeout: Any = None) -> bool | None:
        with self._lock:
            super().set(key, value, timeout)
            size = sum(len(item[1]) for item in self._cache.values())
            if len(self._cache[key][1]) > self.max_bytes // 8:
                size -= len(self._cache.pop(key)[1])
            for old in sorted(self._cache, key=lambda k: self._cache[k][0]):
                if size <= self.max_bytes:
                    break
                size -= len(self._cache.pop(old)[1])
            return True

    def size(self) -> int:
        with self._lock:
            return sum(len(item[1]) for item in self._cache.values())


class Store:
    """The application's cache backend, with Redis outages survived: while the backend fails,
    nothing is read from or written to it (pages come from the database) for a few seconds;
    one warning per outage."""

    def __init__(self, app: Flask, backend: Any, where: str) -> None:
        self.app = app
        self.backend = backend
        self.where = where
        self.timeout = int(app.config.get("PAGE_CACHE_TIMEOUT", 600))
        self.hits = 0
        self.misses = 0
        self._down_until = 0.0
        self._outage = False
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        if self._resting():
            return None
        try:
            entry = self.backend.get(key)
        except Exception as error:
            self._failed(error)
            return None
        self._answered()
        return entry if isinstance(entry, Entry) else None

    def set(self, key: str, entry: Entry) -> None:
        if self._resting():
            return
        timeout = 60 if entry.minute is not None else self.timeout
        try:
            self.backend.set(key, entry, timeout=timeout)
        except Exception as error:
            self._failed(error)
            return
        self._answered()

    def clear(self) -> None:
        """Forget every kept page (and what the keys remember): tests that empty the tables."""
        aggregates.clear_cache()
        self.hits = self.misses = 0
        try:
            self.backend.clear()
        except Exception as error:
            self._failed(error)

    def _resting(self) -> bool:
        return self._down_until > time.monotonic()

    def _failed(self, error: Exception) -> None:
        with self._lock:
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            if self._outage:
                return
            self._outage = True
        log.warning(
            "The page cache at %s does not answer (%s: %s); pages are built from the database "
            "until it does.",
            self.where,
            type(error).__name__,
            error,
        )

    def _answered(self) -> None:
        if self._outage:
            with self._lock:
                self._outage = False
            log.warning("The page cache at %s answers again.", self.where)


def init_app(app: Flask) -> None:
    """Give *app* its store: Redis when CACHE_URL (EVENTSYS_CACHE_URL) is set, else memory."""
    url = app.config.get("CACHE_URL")
    timeout = int(app.config.get("PAGE_CACHE_TIMEOUT", 600))
    if url:
        parts = urlsplit(url)
        database = int(parts.path.strip("/") or 0)
        config: dict[str, Any] = {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": url,
            "CACHE_REDIS_DB": database,
            "CACHE_KEY_PREFIX": app.config.get("CACHE_KEY_PREFIX", "eventsys:"),
            "CACHE_DEFAULT_TIMEOUT": timeout,
            # A server that does not answer must not hold the page up for long.
            "CACHE_OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
        where = f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}/{database}"
    else:
        config = {
            "CACHE_TYPE": "eventsys.web.caching.BoundedMemory",
            "CACHE_DEFAULT_TIMEOUT": timeout,
            "CACHE_THRESHOLD": int(app.config.get("PAGE_CACHE_ENTRIES", 2000)),
            "CACHE_OPTIONS": {"max_bytes": int(app.config.get("PAGE_CACHE_BYTES", 64 << 20))},
        }
        where = "memory"
    cache.init_app(app, config=config)
    app.extensions[_EXTENSION] = Store(app, app.extensions["cache"][cache], where)


def store(app: Flask | None = None) -> Store:
    return (app or current_app).extensions[_EXTENSION]  # type: ignore[no-any-return]


# ---- what pages key on ------------------------------------------------------------------------


def contest_page(contest_id: int, **_: Any) -> list[str]:
    """A contest's results and scoreboard: its marks and rules, and its event (the entries)."""
    event_id = aggregates.event_of("contest", contest_id)
    return [versions.contest(contest_id), *_event(event_id)]


def tournament_page(tournament_id: int, **_: Any) -> list[str]:
    """A tournament's pages: its matches and tables, and its event (the teams)."""
    event_id = aggregates.event_of("tournament", tournament_id)
    return [versions.tournament(tournament_id), *_event(event_id)]


def event_page(event_id: int, **_: Any) -> list[str]:
    return [versions.event_key(event_id)]


def event_schedule(event_id: int, **_: Any) -> list[str]:
    """A contest's or tournament's calendar: its sittings, and its tournament's matches (each
    one's SEQUENCE and LAST-MODIFIED move with every change of the match)."""
    tournament_id = aggregates.tournament_of_event(event_id)
    matches = [versions.tournament(tournament_id)] if tournament_id is not None else []
    return [versions.event_key(event_id), versions.PROGRAMME, *matches]


def programme(**_: Any) -> list[str]:
    """The programme (every published sitting, places left) and the list of tournaments."""
    return [versions.PROGRAMME]


def room(venue_id: int, **_: Any) -> list[str]:
    return [versions.venue(venue_id)]


def room_week(venue_id: int, **_: Any) -> list[str]:
    """A room's week: the room itself and that week's sittings (?week=, else this week)."""
    day = local_today()
    raw = request.args.get("week")
    if raw:
        with suppress(ValueError):
            day = date.fromisoformat(normalise(raw))
    return [versions.venue(venue_id), versions.venue_week(venue_id, day)]


def room_feed(venue_id: int, **_: Any) -> list[str]:
    """A room's feed spans many weeks: the room and the programme (every sitting's change)."""
    return [versions.venue(venue_id), versions.PROGRAMME]


def personal_feed(user_id: int, **_: Any) -> list[str]:
    """A person's feed: their own rows (registrations, rosters, invitations, judging panels,
    their account and its calendar address) raise ``person:<id>``; the sittings and matches of
    those events change with the programme. Composed, so that a moved sitting need not find
    every person registered for it."""
    return [versions.person(user_id), versions.PROGRAMME]


def names_only(**_: Any) -> list[str]:
    """Pages listing rooms or similar labels only (every cached page keys on names anyway)."""
    return []


def _event(event_id: int | None) -> list[str]:
    return [versions.event_key(event_id)] if event_id is not None else []


# ---- the decorator ----------------------------------------------------------------------------


def cached(keys_of: KeysOf) -> Callable[[F], F]:
    """Keep the view's answers under the versions *keys_of(**view_args)* names (see above)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if request.method not in ("GET", "HEAD") or "_flashes" in session:
                return view(*args, **kwargs)
            # Who asks (their row's values go into the key as they are), then the versions,
            # in the session's transaction, before the page's data: on SQLite one snapshot
            # serves both; on PostgreSQL every later read is at least as new.
            visitor = _visitor()
            keys = [versions.NAMES, *keys_of(**kwargs)]
            if visitor is not None:  # their registrations, teams, groups, notices
                keys.append(versions.person(visitor[0]))
            seen = versions.read(db.session(), keys)
            key, base_etag = _key(seen, visitor)
            # PAGE_CACHE off: every answer is built, with the same ETag and 304s.
            kept = store() if current_app.config.get("PAGE_CACHE", True) else None
            entry = kept.get(key) if kept is not None else None
            if kept is not None and entry is not None and entry.fresh():
                kept.hits += 1
                return _serve(entry)
            if kept is None:
                return _build(view, args, kwargs, key, base_etag, kept)
            # One build per key and process at a time: after a mark, the 50 screens polling
            # the scoreboard all miss at once; one builds, the others wait and take its page
            # (a stampede of builds starved the judges' own saves of the CPU).
            with _single_flight(key):
                entry = kept.get(key)
                if entry is not None and entry.fresh():
                    kept.hits += 1
                    return _serve(entry)
                kept.misses += 1
                return _build(view, args, kwargs, key, base_etag, kept)

        return wrapper  # type: ignore[return-value]

    return decorate


_flights: dict[str, threading.Lock] = {}
_flights_lock = threading.Lock()
FLIGHT_WAIT_SECONDS = 10.0


@contextmanager
def _single_flight(key: str) -> Iterator[None]:
    """Hold the build of *key* in this process; a second asker waits for the first (at most
    FLIGHT_WAIT_SECONDS, then builds anyway). The lock is dropped once nobody holds it."""
    with _flights_lock:
        lock = _flights.setdefault(key, threading.Lock())
    acquired = lock.acquire(timeout=FLIGHT_WAIT_SECONDS)
    try:
        yield
    finally:
        if acquired:
            lock.release()
        with _flights_lock:
            if _flights.get(key) is lock and not lock.locked():
                del _flights[key]


def _build(
    view: Callable[..., Any],
    args: Any,
    kwargs: dict[str, Any],
    key: str,
    base_etag: str,
    kept: Store | None,
) -> Any:
    session_before = {k: v for k, v in session.items() if k != "csrf_token"}
    # The view builds the whole answer (its own 304 would leave nothing to keep); the
    # conditional headers are answered below from the kept entry.
    conditional = {name: request.environ.pop(_environ(name), None) for name in _CONDITIONAL}
    try:
        with watch_clock() as clock:
            response = make_response(view(*args, **kwargs))
    finally:
        for name, value in conditional.items():
            if value is not None:
                request.environ[_environ(name)] = value
        for attribute in ("if_none_match", "if_modified_since"):
            request.__dict__.pop(attribute, None)  # werkzeug keeps what it parsed
    if response.status_code != 200 or response.direct_passthrough or response.is_streamed:
        return response
    minute = _minute(clock.first) if clock.first is not None else None
    etag = response.get_etag()[0]  # a feed's own, from its sources' versions
    if etag is None:
        etag = base_etag if minute is None else _digest((base_etag, minute))
        response.set_etag(etag)
    session_after = {k: v for k, v in session.items() if k != "csrf_token"}
    if kept is None or session_after != session_before or "Set-Cookie" in response.headers:
        return response.make_conditional(request)  # not kept: a sign-in, a first visit
    body = response.get_data()
    token = g.get("csrf_token")
    parts = tuple(body.split(token.encode())) if token else (body,)
    entry = Entry(
        parts=parts,
        status=response.status_code,
        headers=tuple(
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in _KEPT_HEADERS_SKIP
        ),
        etag=etag,
        minute=minute,
    )
    kept.set(key, entry)
    return response.make_conditional(request)


def _serve(entry: Entry) -> Any:
    body = generate_csrf().encode().join(entry.parts) if len(entry.parts) > 1 else entry.parts[0]
    response = Response(body, status=entry.status, headers=list(entry.headers))
    return response.make_conditional(request)


def _key(seen: dict[str, int], visitor: tuple[Any, ...] | None) -> tuple[str, str]:
    """The cache key and the ETag for the request, given the versions it saw."""
    shown = (
        request.path,
        request.query_string.decode("latin-1"),
        _locale(visitor),
        visitor,
        local_today().isoformat(),
        tuple(sorted(seen.items())),
    )
    digest = _digest((request.scheme, request.host, *shown))
    return f"page:{digest}", digest[:24]


def _visitor() -> tuple[Any, ...] | None:
    # Most cached requests come with no sign-in at all (calendar apps, visitors): tell that
    # from the cookies without asking Flask-Login to look for a user.
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if "_user_id" not in session and remember not in request.cookies:
        return None
    if not current_user.is_authenticated:
        return None
    # What pages show of the visitor themselves: their name and what their roles open.
    user = current_user
    # The unread count in every page's header (read with the person: no statement more); a
    # new notice raises person:<id> as well, but a notice gone without the app (an event
    # deleted) changes the count only.
    return (
        user.id,
        user.name,
        user.roles,
        user.language,
        user.organisation_id,
        user.unread_notices,
    )


def _locale(visitor: tuple[Any, ...] | None) -> str:
    chosen = session.get("lang")
    if chosen in SUPPORTED:
        return str(chosen)
    if visitor is None:
        return negotiate(list(request.accept_languages))
    return select_locale()


def _digest(value: object) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=20).hexdigest()


def _minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def _environ(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")
