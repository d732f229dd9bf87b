"""Count the SQL statements an application runs, to hold pages to a query budget.

    clear_caches(app)  # count the page being built, not served from memory
    with count_queries(app) as statements:
        client.get("/")
    assert len(statements) <= 5, statements.listing()

Transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE) is not counted: SQLite sends
its BEGIN as a statement and PostgreSQL does not, and neither is a query a page could avoid.
Only the engine's own connections are seen: a raw DBAPI connection opened beside the pool is
not counted. A page served from the cache (eventsys.web.caching) costs one statement, the
read of its versions."""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import Engine, event

from eventsys.extensions import db

TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)


SELECTED_COLUMNS = re.compile(r"^(SELECT(?: DISTINCT)?) (?:(?! FROM ).){60,}? FROM ")


class Statements(list[str]):
    """The statements run inside a count_queries block, in order."""

    def listing(self) -> str:
        """Number the statements one per line, the ones run more than once summarised first."""
        repeated = [(n, text) for text, n in Counter(self).most_common() if n > 1]
        lines = [f"{len(self)} statements"]
        if repeated:
            lines.append("run more than once:")
            lines += [f"  {n}x {_short(text)}" for n, text in repeated]
        lines += [f"{i:3d}. {_short(text)}" for i, text in enumerate(self, start=1)]
        return "\n".join(lines)


def _short(statement: str, width: int = 240) -> str:
    """One line; a long column list becomes "…" so that the FROM and WHERE stay in view."""
    text = " ".join(statement.split())
    text = SELECTED_COLUMNS.sub(r"\1 … FROM ", text, count=1)
    return text if len(text) <= width else text[: width - 1] + "…"


@contextmanager
def listening(engine: Engine, before: Callable[..., None]) -> Iterator[None]:
    """Call *before* with each statement *engine* runs inside the block (SQLAlchemy's
    before_cursor_execute: conn, cursor, statement, parameters, context, executemany)."""
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before)


@contextmanager
def count_queries(app: Flask) -> Iterator[Statements]:
    """Collect the SQL statements *app*'s engine runs inside the block (all threads)."""
    statements = Statements()

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not TRANSACTION_CONTROL.match(statement):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    with listening(engine, before):
        yield statements


def clear_caches(app: Flask) -> None:
    """Empty *app*'s in-process caches, so that the next request is built, not served from
    memory (a cached answer runs no query and would hide a loop). Caches are found by
    convention: a module-level clear_cache() in an eventsys module, or an
    app.extensions["eventsys..."] object with a clear() method (the page cache)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("eventsys") and callable(getattr(module, "clear_cache", None)):
            module.clear_cache()
    for name, extension in app.extensions.items():
        if name.startswith("eventsys") and callable(getattr(extension, "clear", None)):
            extension.clear()
