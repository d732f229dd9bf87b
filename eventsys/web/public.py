"""Pages anyone may read: the programme, an event, the rooms and their week."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from eventsys.domain.text import normalise
from eventsys.errors import NotFound
from eventsys.extensions import db
from eventsys.models import EVENT_KINDS, Occurrence, Venue
from eventsys.services import events as event_service
from eventsys.services.events import queries as event_queries
from eventsys.services.places import queries as place_queries
from eventsys.timeutil import local_midnight, local_today, to_local
from eventsys.web import caching
from eventsys.web.util import viewer

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
    rows = event_queries.programme(
        since=local_midnight(day), kind=kind, venue_id=venue_id, size=size, page=page
    )
    venues = place_queries.active_venues()
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
        event = event_service.get_event(event_id, viewer=viewer())
    except NotFound:
        abort(404)
    now_start = local_midnight(local_today())
    upcoming = event_queries.upcoming_sittings(event, since=now_start, limit=12)
    total = event_queries.sitting_count(event)
    from eventsys.services.registrations import places_left
    from eventsys.services.registrations import queries as registration_queries

    mine = None
    if current_user.is_authenticated:
        mine = registration_queries.registration_of(event.id, current_user)
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
    rows = place_queries.active_venues()
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
    rows = event_queries.venue_week(venue.id, start=start, end=end, viewer=viewer())
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
