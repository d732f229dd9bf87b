"""The reads the event pages need, and the one rule of who may see an event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import contains_eager, selectinload

from eventsys.extensions import db
from eventsys.models import Event, Occurrence, User

# ---- who may see what ---------------------------------------------------------------------------


def is_staff(viewer: User | None) -> bool:
    """Organizers see drafts, and the results of events that are not (or no longer) published."""
    return viewer is not None and bool(viewer.is_organizer)


def may_see_event(event: Event, viewer: User | None) -> bool:
    """The one rule for an event's own page, downloads and feeds: anyone sees a published or
    cancelled event (it says what became of it); a draft only organizers."""
    return event.status != "draft" or is_staff(viewer)


def visible_event_clause(viewer_is_staff: bool) -> ColumnElement[bool]:
    """may_see_event as SQL, for a query that loads the event (a single event's feed)."""
    if viewer_is_staff:
        return Event.status.in_(("published", "draft", "cancelled"))
    return Event.status.in_(("published", "cancelled"))


def listed_statuses(viewer: User | None) -> tuple[str, ...]:
    """Which events a room's week lists: published ones; organizers also see drafts there."""
    return ("published", "draft") if is_staff(viewer) else ("published",)


# ---- pages --------------------------------------------------------------------------------------


def programme(
    *, since: datetime, kind: str | None, venue_id: int | None, size: int, page: int
) -> Sequence[Occurrence]:
    """The programme's sittings of published events ending after *since*, one page (and one
    more row, to tell whether a next page exists)."""
    query = (
        select(Occurrence)
        .join(Occurrence.event)
        .join(Occurrence.venue)
        .options(contains_eager(Occurrence.event), contains_eager(Occurrence.venue))
        .where(
            Event.status == "published",
            # Skipped sittings stay in the list, marked "no session this time" with the reason.
            Occurrence.ends_at > since,
        )
        .order_by(Occurrence.starts_at, Occurrence.id)
    )
    if kind:
        query = query.where(Event.kind == kind)
    if venue_id:
        query = query.where(Occurrence.venue_id == venue_id)
    return db.session.scalars(query.limit(size + 1).offset((page - 1) * size)).all()


def upcoming_sittings(event: Event, *, since: datetime, limit: int = 12) -> Sequence[Occurrence]:
    """The event's next sittings (ending after *since*), in order."""
    return db.session.scalars(
        select(Occurrence)
        .where(Occurrence.event_id == event.id, Occurrence.ends_at > since)
        .order_by(Occurrence.starts_at)
        .limit(limit)
    ).all()


def sitting_count(event: Event) -> int:
    """How many sittings the event has, skipped ones included."""
    return db.session.scalar(select(func.count()).where(Occurrence.event_id == event.id)) or 0


def sittings_held(event: Event) -> list[Occurrence]:
    """The event's sittings that take place (not skipped), in order."""
    return list(
        db.session.scalars(
            select(Occurrence)
            .where(Occurrence.event_id == event.id, Occurrence.skipped.is_(False))
            .order_by(Occurrence.starts_at)
        ).all()
    )


def next_sitting_held(event: Event, *, since: datetime) -> Occurrence | None:
    """The event's first sitting that takes place and ends after *since*."""
    return db.session.scalars(
        select(Occurrence)
        .where(
            Occurrence.event_id == event.id,
            Occurrence.skipped.is_(False),
            Occurrence.ends_at > since,
        )
        .order_by(Occurrence.starts_at)
    ).first()


def venue_week(
    venue_id: int, *, start: datetime, end: datetime, viewer: User | None
) -> Sequence[Occurrence]:
    """A room's sittings between *start* and *end* of the events the viewer may see listed."""
    return db.session.scalars(
        select(Occurrence)
        .join(Occurrence.event)
        .options(contains_eager(Occurrence.event))
        .where(
            Occurrence.venue_id == venue_id,
            Occurrence.starts_at < end,
            Occurrence.ends_at > start,
            Event.status.in_(listed_statuses(viewer)),
        )
        .order_by(Occurrence.starts_at)
    ).all()


def programme_week(*, start: datetime, end: datetime) -> Sequence[Occurrence]:
    """The notice board's week: every sitting of a published or cancelled event held between
    *start* and *end*, or planned then and moved elsewhere, with its event and room (one read)."""
    in_week = (Occurrence.starts_at < end) & (Occurrence.ends_at > start)
    planned_in_week = (Occurrence.original_start >= start) & (Occurrence.original_start < end)
    return db.session.scalars(
        select(Occurrence)
        .join(Occurrence.event)
        .join(Occurrence.venue)
        .options(contains_eager(Occurrence.event), contains_eager(Occurrence.venue))
        .where(Event.status.in_(("published", "cancelled")), in_week | planned_in_week)
        .order_by(Occurrence.starts_at, Occurrence.id)
    ).all()


def latest_events(limit: int = 500) -> Sequence[Event]:
    """The organizers' list of events, the latest first, with their rooms."""
    return db.session.scalars(
        select(Event)
        .options(selectinload(Event.venue))
        .order_by(Event.starts_at.desc())
        .limit(limit)
    ).all()


def count_of(model: Any) -> int:
    """How many rows *model*'s table holds (the organizers' dashboard)."""
    return db.session.scalar(select(func.count()).select_from(model)) or 0
