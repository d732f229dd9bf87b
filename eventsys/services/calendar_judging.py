"""Judges' sessions in their personal calendar feed: each sitting of a contest they judge.

Plugs into eventsys.services.calendar as the "judging" source of the "personal" feed. A sitting
is an occurrence of the contest's event; its UID names the contest and the occurrence, so a
moved sitting updates the same calendar entry and a judge who leaves the panel sees it go."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, select

from eventsys.domain.ical_rules import CalendarItem, make_uid
from eventsys.extensions import db
from eventsys.models import Event, Occurrence, Venue
from eventsys.models.contests import Contest, JudgeAssignment
from eventsys.services import calendar
from eventsys.timeutil import local_midnight


def _conditions(scope: calendar.Scope) -> list[ColumnElement[bool]]:
    assert scope.ident is not None
    conditions: list[ColumnElement[bool]] = [
        JudgeAssignment.judge_id == scope.ident,
        # A cancelled contest stays in the calendar as cancelled, so the judge is told.
        Event.status.in_(("published", "cancelled")),
        Occurrence.ends_at > local_midnight(scope.window.starts),
    ]
    if scope.window.ends is not None:
        conditions.append(
            Occurrence.starts_at < local_midnight(scope.window.ends + timedelta(days=1))
        )
    return conditions


def _joined(query: Select) -> Select:  # type: ignore[type-arg]
    return (
        query.select_from(JudgeAssignment)
        .join(Contest, Contest.id == JudgeAssignment.contest_id)
        .join(Event, Event.id == Contest.event_id)
        .join(Occurrence, Occurrence.event_id == Event.id)
        .join(Venue, Venue.id == Occurrence.venue_id)
    )


def sessions_version(scope: calendar.Scope) -> tuple[Hashable, datetime | None]:
    """A cheap fingerprint of the judge's sittings (one query) and their latest change."""
    rows = db.session.execute(
        _joined(
            select(
                Contest.id,
                Occurrence.id,
                Occurrence.starts_at,
                Occurrence.ends_at,
                Occurrence.skipped,
                Event.title,
                Event.status,
                Event.sequence,
                Event.updated_at,
                JudgeAssignment.created_at,
                Venue.name,
                Venue.location,
            )
        )
        .where(*_conditions(scope))
        .order_by(Contest.id, Occurrence.id)
    ).all()
    latest = max(
        (max(row.updated_at, row.created_at) for row in rows),
        default=None,
    )
    return tuple(tuple(row) for row in rows), latest


def session_items(scope: calendar.Scope) -> list[CalendarItem]:
    """Each sitting of a judged contest as an event of its own, 评审：<title>."""
    rows = db.session.execute(
        _joined(select(Contest.id, Occurrence, Event, Venue))
        .where(*_conditions(scope))
        .order_by(Occurrence.starts_at, Occurrence.id)
    ).all()
    items = []
    for contest_id, occurrence, event, venue in rows:
        cancelled = event.status == "cancelled" or occurrence.skipped
        summary = _("Judging: %(title)s", title=event.title)
        if cancelled:
            summary = _("Cancelled: %(title)s", title=summary)
        where = f"{venue.name}（{venue.location}）" if venue.location else venue.name
        sheets = scope.page(f"/judging/{contest_id}")
        items.append(
            CalendarItem(
                uid=make_uid("judging", f"{contest_id}-{occurrence.id}", scope.host),
                summary=summary,
                starts_at=occurrence.starts_at,
                ends_at=occurrence.ends_at,
                last_modified=event.updated_at,
                created=event.created_at,
                sequence=event.sequence,
                status="CANCELLED" if cancelled else "CONFIRMED",
                location=where,
                description=_("Your score sheets: %(url)s", url=sheets),
                url=sheets,
            )
        )
    return items


def register() -> None:
    """Add the judges' sittings to the personal feeds."""
    calendar.register_source(
        "personal", calendar.Source("judging", sessions_version, session_items)
    )


register()
