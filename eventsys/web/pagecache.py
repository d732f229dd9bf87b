"""Rendered pages and feeds kept in the worker's memory until a table they read changes.

``@cached_page`` under a route serves a GET from memory when the same address (path and query),
the same language and the same person (or nobody) asked before and none of the tables that the
first answer read has changed since (eventsys.generations: one small query per request tells).
Nothing has to be declared, so nothing can be forgotten: the tables are the ones the statements
of the first answer actually touched, lazy loads included (every table named in the text of its
statements). An answer that read the clock (the programme starts "today") is kept only until the
end of that minute. An answer that is not a 200 or that changed the session (a flash message, a
sign-in) is not kept, and a request carrying flash messages is never served from memory.

The page's CSRF token (the language switch, the sign-out button) belongs to the visitor's
session, so it is cut out when the page is kept and the visitor's own token is put back when it
is served. Kept answers carry an ETag of their text, so browsers and calendar apps that send
If-None-Match get a 304 without the page being built again.

Each worker keeps at most PAGE_CACHE_BYTES of pages (least recently used go first); every
worker fills its own memory, which costs one build per worker after each change.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import HTTP_STATUS_CODES, parse_accept_header, parse_date, parse_etags

from eventsys import generations
from eventsys.extensions import db
from eventsys.i18n import SUPPORTED, negotiate, select_locale
from eventsys.timeutil import utcnow, watch_clock
from eventsys.web.headers import SECURITY_HEADERS

F = TypeVar("F", bound=Callable[..., Any])

_CSRF_PLACEHOLDER = b"\x00eventsys-csrf\x00"
_CONDITIONAL = ("If-None-Match", "If-Modified-Since")
_KEPT_HEADERS_SKIP = frozenset({"set-cookie", "content-length", "vary"})
_FAST_KEYS = 10_000
_NOT_MODIFIED_HEADERS = frozenset(
    {"etag", "cache-control", "expires", "last-modified", "content-location", "date"}
)


@dataclass(frozen=True)
class Entry:
    parts: tuple[bytes, ...]  # the body, split where the visitor's CSRF token goes
    status: int
    headers: tuple[tuple[str, str], ...]
    depends_on: tuple[tuple[str, int | None], ...]
    made_at: datetime
    expires_at: datetime | None
    etag: str | None
    last_modified: datetime | None = None

    @property
    def size(self) -> int:
        return sum(len(part) for part in self.parts) + 200


class PageCache:
    """A least-recently-used store of answers, bounded by bytes, safe across threads."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
        # Requests without any cookie, by their raw address: the fast path's index.
        self.fast: OrderedDict[tuple[Any, ...], tuple[Any, ...]] = OrderedDict()
        self.fast_hits = 0
        self._lock = threading.Lock()

    def remember_fast(self, fast_key: tuple[Any, ...], key: tuple[Any, ...]) -> None:
        with self._lock:
            self.fast[fast_key] = key
            self.fast.move_to_end(fast_key)
            while len(self.fast) > _FAST_KEYS:
                self.fast.popitem(last=False)

    def get(self, key: tuple[Any, ...]) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple[Any, ...], entry: Entry) -> None:
        if entry.size > self.max_bytes // 4:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self._entries[key] = entry
            self.bytes += entry.size
            while self.bytes > self.max_bytes and self._entries:
                _key, dropped = self._entries.popitem(last=False)
                self.bytes -= dropped.size

    def discard(self, key: tuple[Any, ...]) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old.size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.fast.clear()
            self.bytes = 0


def page_cache() -> PageCache:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cache = app.extensions.get("eventsys.pagecache")
    if cache is None:
        cache = app.extensions.setdefault(
            "eventsys.pagecache", PageCache(int(app.config.get("PAGE_CACHE_BYTES", 24 << 20)))
        )
    return cache  # type: ignore[no-any-return]


def _still_valid(entry: Entry, now_generations: dict[str, int]) -> bool:
    if entry.expires_at is not None and not entry.made_at <= utcnow() < entry.expires_at:
        return False
    return all(now_generations.get(name) == value for name, value in entry.depends_on)


def _not_modified(entry: Entry, environ: dict[str, Any]) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when sent (weakly), else If-Modified-Since."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        return entry.etag is not None and parse_etags(if_none_match).contains_weak(entry.etag)
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    modified = entry.last_modified
    return since is not None and modified is not None and modified <= since


def _serve(entry: Entry) -> Response:
    if _not_modified(entry, request.environ):
        # What make_conditional would answer, without its range and date handling.
        kept = [(k, v) for k, v in entry.headers if k.lower() in _NOT_MODIFIED_HEADERS]
        return Response(status=304, headers=kept)
    body = generate_csrf().encode().join(entry.parts) if len(entry.parts) > 1 else entry.parts[0]
    return Response(body, status=entry.status, headers=list(entry.headers))


def _person() -> str | None:
    # Most cached requests come with no sign-in at all (calendar apps, visitors): tell that
    # from the cookies without asking Flask-Login to look for a user.
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if "_user_id" not in session and remember not in request.cookies:
        return None
    return current_user.get_id() if current_user.is_authenticated else None


def _locale(person: str | None) -> str:
    chosen = session.get("lang")
    if chosen in SUPPORTED:
        return str(chosen)
    if person is None:
        return negotiate(list(request.accept_languages))
    return select_locale()


def _key() -> tuple[Any, ...] | None:
    if request.method not in ("GET", "HEAD") or not current_app.config.get("PAGE_CACHE", True):
        return None
    if "_flashes" in session:
        return None
    person = _person()
    return (
        request.scheme,
        request.host,
        request.endpoint,
        tuple(sorted((request.view_args or {}).items())),
        request.query_string,
        _locale(person),
        person,
    )


def cached_page(view: F) -> F:
    """Serve *view*'s answer from memory while the tables it read are unchanged."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if request.method not in ("GET", "HEAD") or not current_app.config.get("PAGE_CACHE", True):
            return view(*args, **kwargs)
        # The generations come first, before _key() loads the signed-in person: a page must
        # never be filed under numbers newer than the data it was built from.
        known = _generations_before_data()
        key = _key()
        if key is None:
            return view(*args, **kwargs)
        cache = page_cache()
        entry = cache.get(key)
        if entry is not None and _still_valid(entry, known):
            cache.hits += 1
            return _serve(entry)
        cache.misses += 1
        session_before = {k: v for k, v in session.items() if k != "csrf_token"}
        conditional = {name: request.environ.pop(_environ(name), None) for name in _CONDITIONAL}
        try:
            with generations.record_tables() as recording, watch_clock() as clock:
                response = make_response(view(*args, **kwargs))
        finally:
            for name, value in conditional.items():
                if value is not None:
                    request.environ[_environ(name)] = value
            # werkzeug keeps what it parsed; let it read the restored headers again.
            for attribute in ("if_none_match", "if_modified_since"):
                request.__dict__.pop(attribute, None)
        session_after = {k: v for k, v in session.items() if k != "csrf_token"}
        if (
            response.status_code != 200
            or response.direct_passthrough
            or response.is_streamed  # built after this function returns: its reads unseen
            or session_after != session_before
            or "Set-Cookie" in response.headers
        ):
            cache.discard(key)
            return response
        depends_on = set(recording.tables)
        if key[-1] is not None:
            # The person's own row decides the navigation (roles, name) and was read before.
            depends_on.add("user_account")
        body = response.get_data()
        token = g.get("csrf_token")
        parts = tuple(body.split(token.encode())) if token else (body,)
        etag = response.get_etag()[0]
        if etag is None and len(parts) == 1:
            etag = hashlib.blake2b(body, digest_size=12).hexdigest()
            response.set_etag(etag)
        entry = Entry(
            parts=parts,
            status=response.status_code,
            headers=tuple(
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in _KEPT_HEADERS_SKIP
            ),
            depends_on=tuple(sorted((name, known.get(name)) for name in depends_on)),
            made_at=clock.first or utcnow(),
            expires_at=_end_of_minute(clock.first) if clock.first is not None else None,
            etag=etag,
            last_modified=response.last_modified,
        )
        cache.put(key, entry)
        if len(parts) == 1 and key[-1] is None and "HTTP_COOKIE" not in request.environ:
            cache.remember_fast(fast_key(request.environ), key)
        if etag is not None:
            response.make_conditional(request)
        return response

    return wrapper  # type: ignore[return-value]


def _generations_before_data() -> dict[str, int]:
    """The table generations, read so that everything this request reads later is as new.

    A SQLite read transaction sees the database as it was at its first statement, and this
    request's first statement is the signed-in person's: numbers read after it (on another
    connection) could be newer than what the page then shows, and would keep that stale page
    until the next write. So they are read before the session's first statement; on PostgreSQL
    (READ COMMITTED) every later statement sees at least what they saw. Should something have
    read already, they are read in the session's own transaction (on SQLite, its snapshot)."""
    if db.session().in_transaction():
        return generations.current(db.session)
    return generations.latest(db.engine)


def _environ(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def _end_of_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)


# ---- the fast path ------------------------------------------------------------------------------


def fast_key(environ: dict[str, Any]) -> tuple[Any, ...]:
    """The raw address of a request that carries no cookie, with the language it negotiates."""
    languages = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)
    return (
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_HOST", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        negotiate(list(languages)),
    )


class FastPath:
    """WSGI middleware: answer a cookie-less GET of a kept answer without entering Flask.

    Calendar apps and first-time visitors send no cookie; what they ask for again (a feed's
    If-None-Match above all) is answered here from the same memory, after the same check of
    the table generations and the clock, with the same security headers. Anything else, or
    anything not kept, goes on to Flask unchanged."""

    def __init__(self, app: Flask, wrapped: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.wrapped = wrapped
        self._engine: Any = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and "HTTP_COOKIE" not in environ:
            entry = self._kept(environ)
            if entry is not None:
                return self._answer(entry, environ, start_response)
        return self.wrapped(environ, start_response)

    def _kept(self, environ: dict[str, Any]) -> Entry | None:
        cache = self.app.extensions.get("eventsys.pagecache")
        if cache is None or not cache.fast or not self.app.config.get("PAGE_CACHE", True):
            return None
        key = cache.fast.get(fast_key(environ))
        entry = cache.get(key) if key is not None else None
        if entry is None or not _still_valid(entry, generations.latest(self.engine())):
            return None
        cache.hits += 1
        cache.fast_hits += 1
        return entry

    def engine(self) -> Any:
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        return self._engine

    @staticmethod
    def _answer(entry: Entry, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if _not_modified(entry, environ):
            headers = [(k, v) for k, v in entry.headers if k.lower() in _NOT_MODIFIED_HEADERS]
            body = b""
            status = 304
        else:
            headers = list(entry.headers)
            body = entry.parts[0]
            status = entry.status
            headers.append(("Content-Length", str(len(body))))
        present = {name.lower() for name, _value in headers}
        headers += [(k, v) for k, v in SECURITY_HEADERS if k.lower() not in present]
        start_response(f"{status} {HTTP_STATUS_CODES[status]}", headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]
