"""Table generations: which tables changed, shared by every worker through the database.

Every transaction that writes rows (through the ORM or a statement run on the session) sets,
just before it commits and in the same transaction, a fresh random number for each table it
wrote in ``table_generation``. A reader that reads the numbers before reading data therefore
never pairs old numbers with newer data it did not see: whatever it builds from the data is at
least as new as the numbers it files it under. Numbers are random rather than counted so that a
restored backup or another database can never repeat a number with different rows behind it.

The rows are upserted in name order at the very end of the transaction, so two writers touching
the same tables cannot deadlock on them and hold their locks only while committing.

This module also records, while asked to, the tables that the statements of a block read
(``record_tables``), so that a cached page can list exactly what it depends on.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.sql.util import find_tables

from eventsys.extensions import Base
from eventsys.models.cache import TableGeneration

GENERATION_TABLE = TableGeneration.__tablename__
_TOUCHED = "eventsys.touched_tables"
_WORD = re.compile(r"[a-z_][a-z0-9_]*")


_READ_ALL = "SELECT name, value FROM table_generation"


class Recording:
    """The names of the tables that the statements of a block read or wrote."""

    def __init__(self) -> None:
        self.tables: set[str] = set()


_recording: ContextVar[Recording | None] = ContextVar("eventsys_recording", default=None)


def _touch(session: Session, names: Iterator[str] | set[str]) -> None:
    touched: set[str] = session.info.setdefault(_TOUCHED, set())
    touched.update(name for name in names if name not in (GENERATION_TABLE, "aggregate_version"))


def _after_flush(session: Session, _flush_context: UOWTransaction) -> None:
    names = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(type(obj), "__table__", None)
        if table is not None:
            names.add(table.name)
    _touch(session, names)


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _touch(session=state.session, names=_statement_tables(state.statement))


def _statement_tables(statement: Any) -> set[str]:
    return {
        table.name
        for table in find_tables(statement, include_crud=True, include_joins=True)
        if getattr(table, "name", None)
    }


def _before_commit(session: Session) -> None:
    session.flush()
    names = sorted(session.info.pop(_TOUCHED, set()))
    if not names:
        return
    bump(session, names)


def _after_rollback(session: Session) -> None:
    session.info.pop(_TOUCHED, None)


def bump(session: Session, names: list[str]) -> None:
    """Give each table of *names* a new generation, in the session's transaction."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = TableGeneration.__table__
    for name in sorted(set(names)):
        statement = insert(table).values(name=name, value=secrets.randbits(62))
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.name], set_={"value": statement.excluded.value}
            )
        )


def current(session: Session) -> dict[str, int]:
    """Every table's generation (one small query); a table never written has none."""
    rows = session.connection().exec_driver_sql(_READ_ALL)
    return {name: value for name, value in rows}


class _Readers(threading.local):
    connection: Any = None


_readers: dict[int, tuple[Engine, _Readers]] = {}
_open: dict[int, list[Any]] = {}
_readers_lock = threading.Lock()


def latest(engine: Engine) -> dict[str, int]:
    """Every table's generation, read outside any transaction on a connection kept for it.

    This runs before every cached page is served, so it skips the pool and the session: one
    statement on a connection of the thread's own, in autocommit, which sees every committed
    change at once. Reading before the page's data keeps the order the module docstring needs.
    """
    readers = _readers_for(engine)
    connection = readers.connection
    if connection is None:
        connection = readers.connection = _open_reader(engine)
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(_READ_ALL)
            rows = cursor.fetchall()
        finally:
            cursor.close()
    except Exception:
        readers.connection = None
        _close(engine, connection)
        raise
    return {name: value for name, value in rows}


def _readers_for(engine: Engine) -> _Readers:
    with _readers_lock:
        known = _readers.get(id(engine))
        if known is None or known[0] is not engine:
            known = (engine, _Readers())
            _readers[id(engine)] = known
            _open[id(engine)] = []
            event.listen(engine, "engine_disposed", _close_all)
        return known[1]


def _open_reader(engine: Engine) -> Any:
    proxied = engine.raw_connection()
    connection = proxied.driver_connection
    proxied.detach()  # ours for good: the pool neither resets nor counts it
    if engine.dialect.name == "postgresql":
        connection.rollback()
        connection.autocommit = True
    with _readers_lock:
        _open[id(engine)].append(connection)
    return connection


def _close(engine: Engine, connection: Any) -> None:
    with _readers_lock:
        if connection in _open.get(id(engine), []):
            _open[id(engine)].remove(connection)
    with contextlib.suppress(Exception):  # a broken connection is being dropped anyway
        connection.close()


def _close_all(engine: Engine) -> None:
    """Close every reader of *engine* (its pool is being disposed, e.g. before a DROP)."""
    with _readers_lock:
        connections = _open.pop(id(engine), [])
        _readers.pop(id(engine), None)
    for connection in connections:
        with contextlib.suppress(Exception):
            connection.close()


def _before_cursor_execute(
    _conn: Any, _cursor: Any, statement: str, _parameters: Any, _context: Any, _many: bool
) -> None:
    recording = _recording.get()
    if recording is None:
        return
    # Every table a statement reads is named in its text (aliases are "event AS event_1"), so
    # the names found there are a safe superset: a column that shares a table's name only adds
    # a needless dependency. The compiled statement would miss tables of ORM joins.
    recording.tables.update(_known_tables(statement))


def _known_tables(statement: str) -> set[str]:
    return set(_WORD.findall(statement.lower())) & set(Base.metadata.tables)


@contextmanager
def record_tables() -> Iterator[Recording]:
    """Collect the names of the tables the statements run inside the block read or write."""
    recording = Recording()
    token = _recording.set(recording)
    try:
        yield recording
    finally:
        _recording.reset(token)


_installed = False


def install(session_class: type[Session]) -> None:
    """Listen to *session_class* (and every engine) once per process."""
    global _installed
    if _installed:
        return
    event.listen(session_class, "after_flush", _after_flush)
    event.listen(session_class, "do_orm_execute", _on_execute)
    event.listen(session_class, "before_commit", _before_commit)
    event.listen(session_class, "after_rollback", _after_rollback)
    event.listen(Engine, "before_cursor_execute", _before_cursor_execute)
    _installed = True
