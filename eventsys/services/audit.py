"""Write the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from eventsys.extensions import db
from eventsys.models import AuditRecord, User


def snapshot(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    """Return the named attributes of *obj* as JSON-ready values."""
    result: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        result[name] = value
    return result


def record(
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditRecord:
    """Add an audit record of *action* on an object (flushed with the caller's transaction)."""
    entry = AuditRecord(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry


def record_change(
    actor: User | None,
    action: str,
    object_type: str,
    obj: Any,
    fields: Iterable[str],
    *,
    before: dict[str, Any] | None = None,
) -> AuditRecord:
    """Add an audit record of *action* on *obj*: its *fields* as they are now, after *before*."""
    return record(actor, action, object_type, obj.id, before=before, after=snapshot(obj, fields))
