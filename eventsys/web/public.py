"""Pages anyone may read: the programme, an event, the rooms and their week."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from eventsys.domain.text import normalise
from eventsys.errors import NotFound
from eventsys.extensions import db
from eventsys.models import EVENT_KINDS, Event, Occurrence, Venue
from eventsys.services import events as event_service
from eventsys.timeutil import local_midnight, local_today, to_local
from eventsys.web import caching

bp = Blueprint("public", __name__)


def _parse_date(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        value = date.fromisoformat(normalise(raw))
    except ValueError:
        abort(400)
    if not 2000 <= value.year <= 2100:
        abort(400)
    return value


def _parse_int(raw: str | None) -> int | None:
    if raw in (None, ""):
        return None
    raw = normalise(raw)
    if not raw.isdigit() or len(raw) > 9:
        abort(400)
    return int(raw)


@bp.route("/")
@caching.cached(caching.programme)
def home() -> Any:
    """The programme: upcoming sittings of published events, filtered by kind, date and venue."""
    kind = request.args.get("kind") or None
    if kind is not None and kind not in EVENT_KINDS:
        abort(400)
    day = _parse_date(request.args.get("from")) or local_today()
    venue_id = _parse_int(request.args.get("venue"))
    page = _parse_int(request.args.get("page")) or 1
    size = current_app.config["PAGE_SIZE"]
    query = (
        select(Occurrence)
        .join(Occurrence.event)
        .join(Occurrence.venue)
        .options(contains_eager(Occurrence.event), contains_eager(Occurrence.venue))
        .where(
            Event.status == "published",
            # Skipped sittings stay in the list, marked "no session this time" with the reason.
            Occurrence.ends_at > local_midnight(day),
        )
        .order_by(Occurrence.starts_at, Occurrence.id)
    )
    if kind:
        query = query.where(Event.kind == kind)
    if venue_id:
        query = query.where(Occurrence.venue_id == venue_id)
    rows = db.session.scalars(query.limit(size + 1).offset((page - 1) * size)).all()
    venues = db.session.scalars(
        select(Venue).where(Venue.active.is_(True)).order_by(Venue.name)
    ).all()
    return render_template(
        "public/home.html",
        occurrences=rows[:size],
        has_more=len(rows) > size,
        page=page,
        kinds=EVENT_KINDS,
        venues=venues,
        kind=kind,
        day=day,
        venue_id=venue_id,
    )


@bp.route("/events/<int:event_id>")
@caching.cached(caching.event_page)
def event_detail(event_id: int) -> Any:
    try:
        event = event_service.get_event(
            event_id, viewer=current_user if current_user.is_authenticated else None
        )
    except NotFound:
        abort(404)
    now_start = local_midnight(local_today())
    upcoming = db.session.scalars(
        select(Occurrence)
        .where(Occurrence.event_id == event.id, Occurrence.ends_at > now_start)
        .order_by(Occurrence.starts_at)
        .limit(12)
    ).all()
    total = db.session.scalar(select(func.count()).where(Occurrence.event_id == event.id))
    from eventsys.models import Registration, RegistrationMember
    from eventsys.services.registrations import places_left

    mine = None
    if current_user.is_authenticated:
        mine = db.session.scalars(
            select(Registration)
            .join(RegistrationMember)
            .where(
                RegistrationMember.event_id == event.id,
                RegistrationMember.user_id == current_user.id,
            )
        ).first()
    from eventsys.models.contests import JUDGED_KINDS
    from eventsys.services.contests import contest_for_event

    contest = contest_for_event(event) if event.kind in JUDGED_KINDS else None
    return render_template(
        "public/event_detail.html",
        event=event,
        upcoming=upcoming,
        total=total,
        places_left=places_left(event),
        my_registration=mine,
        judged_kinds=JUDGED_KINDS,
        contest=contest,
    )


@bp.route("/venues")
@caching.cached(caching.names_only)
def venues() -> Any:
    rows = db.session.scalars(
        select(Venue).where(Venue.active.is_(True)).order_by(Venue.name)
    ).all()
    return render_template("public/venues.html", venues=rows)


@bp.route("/venues/<int:venue_id>")
@caching.cached(caching.room_week)
def venue_week(venue_id: int) -> Any:
    """One room's bookings for a week, Monday to Sunday."""
    venue = db.session.get(Venue, venue_id)
    if venue is None:
        abort(404)
    day = _parse_date(request.args.get("week")) or local_today()
    monday = day - timedelta(days=day.weekday())
    start, end = local_midnight(monday), local_midnight(monday + timedelta(days=7))
    viewer_is_organizer = current_user.is_authenticated and current_user.is_organizer
    statuses = ("published", "draft") if viewer_is_organizer else ("published",)
    rows = db.session.scalars(
        select(Occurrence)
        .join(Occurrence.event)
        .options(contains_eager(Occurrence.event))
        .where(
            Occurrence.venue_id == venue.id,
            Occurrence.starts_at < end,
            Occurrence.ends_at > start,
            Event.status.in_(statuses),
        )
        .order_by(Occurrence.starts_at)
    ).all()
    days: list[tuple[date, list[Occurrence]]] = [(monday + timedelta(days=i), []) for i in range(7)]
    for occurrence in rows:
        index = (to_local(occurrence.starts_at).date() - monday).days
        if 0 <= index < 7:
            days[index][1].append(occurrence)
    return render_template(
        "public/venue_week.html",
        venue=venue,
        days=days,
        monday=monday,
        previous_week=monday - timedelta(days=7),
        next_week=monday + timedelta(days=7),
    )
