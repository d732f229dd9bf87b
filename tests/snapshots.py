"""Every saved row of every table, to show that a refused request changed nothing."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from sqlalchemy import select

from eventsys.extensions import db

Snapshot = dict[str, list[tuple[str, ...]]]


def snapshot(app: Flask, *, ignore: Iterable[str] = ()) -> Snapshot:
    """Every row of every table (but those in *ignore*), as sorted reprs."""
    skipped = set(ignore)
    with app.app_context():
        try:
            rows = {}
            for table in db.metadata.sorted_tables:
                if table.name in skipped:
                    continue
                result = db.session.execute(select(table)).all()
                rows[table.name] = sorted(tuple(map(repr, row)) for row in result)
            return rows
        finally:
            db.session.remove()


def differences(before: Snapshot, after: Snapshot) -> list[str]:
    """The tables whose rows differ, with a few of the differing rows."""
    return [
        f"{name}: {sorted(set(after[name]) ^ set(rows))[:3]}"
        for name, rows in before.items()
        if after[name] != rows
    ]
