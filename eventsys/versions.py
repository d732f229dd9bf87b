"""Versions of aggregates: what changed, said by the change itself, shared through the database.

An aggregate is what a page, a feed or a stream shows as one thing: a contest, a tournament, an
event, a room's week, the programme, a person's calendar feed. Each has a counter in
``aggregate_version`` under a key such as ``contest:12`` (the key functions below make them).

* A model says which aggregates a changed row belongs to with a ``version_keys()`` method
  returning keys; every row the session flushes (new, changed or deleted) is asked. A write that
  the ORM does not see row by row (a bulk ``update()``) calls :func:`touch` with the keys.
* Just before the transaction commits, each touched key is raised by one, in key order (two
  writers never deadlock on the counters and hold them only while committing), in the same
  transaction: a reader that reads the versions before the data never files newer data under
  older versions than it saw, nor older data under newer ones.
* After the commit the new values are handed to the functions registered with
  :func:`on_commit` (the live streams' notifier); :func:`on_bump` functions run inside the
  transaction, right after the counters were raised (PostgreSQL's NOTIFY, delivered at commit).

Counters only grow, so a version is also an ETag, a cache key part and a stream's event id: a
client that says "I have seen version 41" can be told exactly whether anything is newer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, event, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, UOWTransaction, scoped_session

from eventsys.models.versions import AggregateVersion

_TOUCHED = "eventsys.touched_versions"
_BUMPED = "eventsys.bumped_versions"
_ROWS = "eventsys.changed_rows"  # key -> the flushed rows that said it; None: a bulk touch

Listener = Callable[[Mapping[str, int]], None]
InTransaction = Callable[[Session, Mapping[str, int]], None]
_on_commit: list[Listener] = []
_on_bump: list[InTransaction] = []
Refresher = Callable[[Session, frozenset[str]], None]
_before_bump: list[Refresher] = []


# ---- keys ------------------------------------------------------------------------------------


def contest(contest_id: int) -> str:
    return f"contest:{contest_id}"


def tournament(tournament_id: int) -> str:
    return f"tournament:{tournament_id}"


def event_key(event_id: int) -> str:
    return f"event:{event_id}"


def venue(venue_id: int) -> str:
    """A room's own row (its name, its feed's heading)."""
    return f"venue:{venue_id}"


def venue_week(venue_id: int, day: date) -> str:
    """The week (ISO year and week) of *day* in room *venue_id*."""
    year, week, _ = day.isocalendar()
    return f"venue:{venue_id}:{year}-W{week:02d}"


def person(user_id: int) -> str:
    """A person's own things: their registrations, teams, judging, matches (their feed)."""
    return f"person:{user_id}"


PROGRAMME = "programme"
"""The centre's timetable: every event and sitting (what, when, where, places left) and every
match's time and court. The programme pages and the calendar feeds key on it."""

NAMES = "names"
"""Labels shown across many pages: a room's, an organisation's, a group's or a person's name.
Rare changes; every cached page keys on it, so a rename shows everywhere at once."""


# ---- writing ---------------------------------------------------------------------------------


def touch(
    session: Session | scoped_session[Session], *keys: str, inputs_changed: bool = True
) -> None:
    """Raise the versions of *keys* when the session's transaction commits (none if it rolls
    back: the keys belong to the transaction, begun here if none is).

    *inputs_changed* False says that the caller's statement changed nothing a refresher works
    from (it only raised a counter of its own, as a judge's save does): :func:`changed_rows`
    then still answers with the rows that were flushed."""
    if isinstance(session, scoped_session):
        session = session()
    _touch(session, keys)
    rows: dict[str, list[Any] | None] = session.info.setdefault(_ROWS, {})
    for key in keys:
        if inputs_changed:
            rows[key] = None  # said without rows: anything may have changed
        else:
            rows.setdefault(key, [])


def _touch(session: Session, keys: Iterable[str]) -> None:
    if not session.in_transaction():
        session.begin()
    touched: set[str] = session.info.setdefault(_TOUCHED, set())
    touched.update(keys)


def changed_rows(session: Session, key: str) -> list[Any] | None:
    """The rows (new, changed or deleted) this transaction's flushes changed that said *key*,
    or None when *key* was also touched by :func:`touch` (a bulk statement, anything may have
    changed). A refresher that can bring an aggregate up to date from a few rows asks this."""
    rows = session.info.get(_ROWS, {})
    if key not in rows:
        return []
    found = rows[key]
    return None if found is None else list(found)


def before_and_now(obj: Any, attribute: str) -> tuple[Any, ...]:
    """The values *attribute* of *obj* had and has in this flush: the old and the new one when
    it changed (a sitting moved to another room or week belongs to both), else the one."""
    history = inspect(obj).attrs[attribute].history
    if not history.has_changes():
        return (getattr(obj, attribute),)
    return (*history.deleted, *history.added)


def is_new(obj: Any) -> bool:
    """Whether *obj* is being inserted by this flush (asked from ``version_keys``)."""
    state = inspect(obj)
    return state.pending or (state.session is not None and obj in state.session.new)


def changed(obj: Any, *attributes: str) -> bool:
    """Whether *obj* is new or deleted, or one of *attributes* changed, in this flush."""
    state = inspect(obj)
    if is_new(obj) or state.deleted or state.was_deleted:
        return True
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _keys_of(obj: Any) -> Iterable[str]:
    keys = getattr(obj, "version_keys", None)
    return keys() if keys is not None else ()


def _after_flush(session: Session, _flush_context: UOWTransaction) -> None:
    keys: set[str] = set()
    rows: dict[str, list[Any] | None] = session.info.setdefault(_ROWS, {})
    dirty = [obj for obj in session.dirty if session.is_modified(obj, include_collections=False)]
    for obj in (*session.new, *dirty, *session.deleted):
        for key in _keys_of(obj):
            keys.add(key)
            said = rows.setdefault(key, [])
            if said is not None:
                said.append(obj)
    if keys:
        _touch(session, keys)


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint's release: the keys wait for the real commit
    session.flush()
    seen: set[str] = set()
    for _ in range(3):  # a refresher's own writes may touch keys it refreshes again: twice at most
        fresh = frozenset(session.info.get(_TOUCHED, set()) - seen)
        if not fresh or not _before_bump:
            break
        seen |= fresh
        for refresher in _before_bump:
            refresher(session, fresh)
        session.flush()
    keys = sorted(session.info.pop(_TOUCHED, set()))
    if not keys:
        return
    values = bump(session, keys)
    session.info[_BUMPED] = values
    for listener in _on_bump:
        listener(session, values)


def bump(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """Raise each of *keys* by one in the session's transaction, in one statement (its rows in
    key order, so two writers lock them in the same order); return the new values."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = AggregateVersion.__table__
    rows = insert(table).values([{"key": key, "value": 1} for key in wanted])
    raised = rows.on_conflict_do_update(
        index_elements=[table.c.key], set_={"value": table.c.value + 1}
    ).returning(table.c.key, table.c.value)
    return {key: int(value) for key, value in session.execute(raised)}


def _after_commit(session: Session) -> None:
    values = session.info.pop(_BUMPED, None)
    if not values:
        return
    for listener in _on_commit:
        listener(values)


def _after_transaction_end(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost one: a savepoint's keys stay (harmless)
        session.info.pop(_TOUCHED, None)
        session.info.pop(_BUMPED, None)
        session.info.pop(_ROWS, None)


def on_commit(listener: Listener) -> Listener:
    """Call *listener* with {key: new value} after every commit that raised versions."""
    if listener not in _on_commit:
        _on_commit.append(listener)
    return listener


def on_bump(listener: InTransaction) -> InTransaction:
    """Call *listener* (session, {key: new value}) inside the transaction, after the raise."""
    if listener not in _on_bump:
        _on_bump.append(listener)
    return listener


def before_bump(refresher: Refresher) -> Refresher:
    """Call *refresher* (session, touched keys) just before the raise, inside the transaction:
    stored results of a touched contest or tournament are brought up to date here, so that no
    write can change an aggregate without its stored standings following in the same commit.
    What it writes is flushed and its own keys are raised with the rest."""
    if refresher not in _before_bump:
        _before_bump.append(refresher)
    return refresher


# ---- reading ---------------------------------------------------------------------------------


def pending(session: Session | scoped_session[Session]) -> frozenset[str]:
    """The keys the session's open transaction has touched so far (raised at its commit)."""
    if isinstance(session, scoped_session):
        session = session()
    return frozenset(session.info.get(_TOUCHED, ()))


def read(session: Session | Connection, keys: Iterable[str]) -> dict[str, int]:
    """The current version of each of *keys* (0 for an aggregate never changed), one query, on
    a session or a bare connection (the streams' poller, outside any request)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    table = AggregateVersion.__table__
    rows = session.execute(select(table.c.key, table.c.value).where(table.c.key.in_(wanted)))
    found: dict[str, int] = {key: value for key, value in rows}
    return {key: int(found.get(key, 0)) for key in wanted}


_installed = False


def install(session_class: type[Session]) -> None:
    """Listen to *session_class* once per process."""
    global _installed
    if _installed:
        return
    event.listen(session_class, "after_flush", _after_flush)
    event.listen(session_class, "before_commit", _before_commit)
    event.listen(session_class, "after_commit", _after_commit)
    event.listen(session_class, "after_transaction_end", _after_transaction_end)
    _installed = True
