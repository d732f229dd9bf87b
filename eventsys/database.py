"""Engine settings that make SQLite behave like a careful database.

Write requests run in an immediate transaction on SQLite (the database's single write lock is
taken at BEGIN), so two requests cannot both read "the room is free" and both book it; reads stay
deferred so they never wait. PostgreSQL uses row locks instead (see services.events.lock_venue)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

# True while the current request or command may write; CLI commands and tests default to True.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)


def configure_engine_events(engine: Engine) -> None:
    """Install the SQLite pragmas and transaction mode on *engine*; PostgreSQL is left alone."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")
