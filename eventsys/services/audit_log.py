"""Read the audit trail for people: filtered, a page at a time, each record put in words.

One statement per page (records with their actors), however many records or filters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eventsys.extensions import db
from eventsys.models import AuditRecord, User
from eventsys.services.attendance import person_matches

PER_PAGE = 50

#: The object types a filter may name, with their translated names.
OBJECT_TYPES = (
    "event",
    "occurrence",
    "registration",
    "user",
    "venue",
    "organisation",
    "group",
    "contest",
    "score_sheet",
    "placing_sheet",
    "tournament",
    "tournament_match",
    "tournament_pool",
)


@dataclass(frozen=True)
class AuditFilter:
    who: str = ""
    object_type: str = ""
    object_id: int | None = None
    start: datetime | None = None  # UTC, inclusive
    end: datetime | None = None  # UTC, exclusive
    page: int = 1


@dataclass(frozen=True)
class AuditPage:
    records: list[AuditRecord]
    page: int
    has_more: bool


def find(criteria: AuditFilter) -> AuditPage:
    """Return one page of the records that match *criteria*, newest first (one statement)."""
    statement = select(AuditRecord).options(joinedload(AuditRecord.actor))
    if criteria.who:
        people = select(User.id).where(person_matches(criteria.who))
        statement = statement.where(AuditRecord.actor_id.in_(people))
    if criteria.object_type:
        statement = statement.where(AuditRecord.object_type == criteria.object_type)
    if criteria.object_id is not None:
        statement = statement.where(AuditRecord.object_id == criteria.object_id)
    if criteria.start is not None:
        statement = statement.where(AuditRecord.at >= criteria.start)
    if criteria.end is not None:
        statement = statement.where(AuditRecord.at < criteria.end)
    page = max(criteria.page, 1)
    rows = list(
        db.session.scalars(
            statement.order_by(AuditRecord.id.desc())
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE + 1)
        ).unique()
    )
    return AuditPage(rows[:PER_PAGE], page, len(rows) > PER_PAGE)


# ---- words ---------------------------------------------------------------------------------


def action_sentence(action: str) -> str:
    """Return what the action did, in words ("changed the event"); unknown codes as they are."""
    from eventsys.labels import audit_action_label

    return audit_action_label(action)


_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _field_value(name: str, value: Any) -> str:
    from eventsys.i18n import format_day, format_when
    from eventsys.labels import audit_field_label, audit_value_label

    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | tuple):
        return str(pgettext("list separator", ", ")).join(
            _field_value(name, item) for item in value
        )
    if isinstance(value, dict):
        return str(pgettext("list separator", ", ")).join(
            pgettext("audit", "%(field)s: %(value)s")
            % {"field": audit_field_label(key), "value": _field_value(key, item)}
            for key, item in value.items()
        )
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return format_when(moment)
    if isinstance(value, str) and _ISO_DAY.match(value):
        return format_day(date.fromisoformat(value))
    return audit_value_label(name, value)


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """Return the record's changes as lines: "Capacity: 30 → 40", or "Title: 合唱" when new."""
    from eventsys.labels import audit_field_label

    before, after = before or {}, after or {}
    lines = []
    for name in list(dict.fromkeys([*before, *after])):
        label = audit_field_label(name)
        if name in before and name in after:
            if before[name] == after[name]:
                continue
            lines.append(
                pgettext("audit", "%(field)s: %(before)s → %(after)s")
                % {
                    "field": label,
                    "before": _field_value(name, before[name]),
                    "after": _field_value(name, after[name]),
                }
            )
        elif name in after:
            lines.append(
                pgettext("audit", "%(field)s: %(value)s")
                % {"field": label, "value": _field_value(name, after[name])}
            )
        else:
            lines.append(
                pgettext("audit", "%(field)s: was %(value)s")
                % {"field": label, "value": _field_value(name, before[name])}
            )
    return lines
