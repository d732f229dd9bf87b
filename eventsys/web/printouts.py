"""Print-outs for the notice board and the door, for organizers: the week's programme (rooms by
days, landscape), an event's poster with its QR code, the sign-in sheet of an event or sitting.

Each is an ordinary page that the staff's browser prints: the page shows what it is and a
Print button; the shared print style sheet (static/css/print.css) lays it out on A4."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from eventsys.domain.member_import import mask_phone
from eventsys.domain.text import normalise
from eventsys.domain.weeks import NotAWeek, iso_week_label, parse_week
from eventsys.i18n import locale_code
from eventsys.models import Event, Occurrence, Venue
from eventsys.services.events import queries as event_queries
from eventsys.services.registrations import queries as registration_queries
from eventsys.timeutil import local_midnight, local_today, to_local
from eventsys.web.forms import WEEKDAY_CHOICES
from eventsys.web.util import get_or_404, role_required

bp = Blueprint("printouts", __name__, url_prefix="/manage/print")

# Rows left blank under the registered members, for people who come without registering.
BLANK_ROWS = 5
BLANK_ROWS_DROP_IN = 20


@bp.before_request
@role_required("organizer")
def _organizers_only() -> None:
    """Print-outs carry members' names and phones: organizers only."""


# ---- the week's programme -----------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One sitting in one cell of the week: where it is now, or (moved_to) where it went."""

    occurrence: Occurrence
    moved_to: datetime | None = None


def _week_grid(rows: list[Occurrence], monday: date) -> list[tuple[Venue, list[list[Slot]]]]:
    """Lay the week's sittings out as rooms x seven days; a sitting moved to another day also
    leaves a "moved to ..." note on the day it was planned for."""
    grid: dict[int, tuple[Venue, list[list[Slot]]]] = {}

    def cell(venue: Venue, day: date) -> list[Slot] | None:
        index = (day - monday).days
        if not 0 <= index < 7:
            return None
        return grid.setdefault(venue.id, (venue, [[] for _ in range(7)]))[1][index]

    for occurrence in rows:
        now_day = to_local(occurrence.starts_at).date()
        planned_day = to_local(occurrence.original_start).date()
        held = cell(occurrence.venue, now_day)
        if held is not None:
            held.append(Slot(occurrence))
        if planned_day != now_day:
            planned = cell(occurrence.venue, planned_day)
            if planned is not None:
                planned.append(Slot(occurrence, moved_to=occurrence.starts_at))
    return sorted(grid.values(), key=lambda item: (item[0].name, item[0].id))


def _short_day(day: date, *, year: bool = False) -> str:
    """12月14日 / 14 Dec (with the year: 2026年12月14日 / 14 Dec 2026)."""
    zh = locale_code() == "zh-CN"
    pattern = ("y年M月d日" if zh else "d MMM y") if year else ("M月d日" if zh else "d MMM")
    return str(format_date(day, pattern))


@bp.route("/programme")
def programme() -> Any:
    """The week's programme, rooms by days, for the notice board (?week=2026-W49 or a day)."""
    raw = normalise(request.args.get("week", ""))[:40]
    try:
        monday = parse_week(raw, today=local_today())
    except NotAWeek:
        error = _("“%(value)s” is not a week; choose a day, e.g. 2026-12-07.", value=raw)
        return render_template("print/programme.html", error=error, raw=raw), 400
    start, end = local_midnight(monday), local_midnight(monday + timedelta(days=7))
    rows = list(event_queries.programme_week(start=start, end=end))
    return render_template(
        "print/programme.html",
        error=None,
        raw=raw,
        monday=monday,
        first_day=_short_day(monday, year=True),
        last_day=_short_day(monday + timedelta(days=6), year=True),
        days=[
            (str(format_date(day, "EEEE")), _short_day(day))
            for day in (monday + timedelta(days=i) for i in range(7))
        ],
        week_label=iso_week_label(monday),
        grid=_week_grid(rows, monday),
        previous_week=iso_week_label(monday - timedelta(days=7)),
        next_week=iso_week_label(monday + timedelta(days=7)),
    )


# ---- an event's poster --------------------------------------------------------------------


def _qr_svg(address: str) -> str:
    import segno

    return str(
        # omitsize: a viewBox instead of a width and height in pixels, so the code scales to the
        # poster's 60 mm box instead of being cut off at its edge (it would no longer scan).
        segno.make(address, error="m").svg_inline(
            scale=8,
            border=4,
            dark="#000",
            light="#fff",
            omitsize=True,
            title=_("QR code of the event's page"),
        )
    )


@bp.route("/events/<int:event_id>/poster")
def poster(event_id: int) -> Any:
    """A poster for the notice board: when, where, how to register, a QR code to the page."""
    event = get_or_404(Event, event_id)
    address = url_for("public.event_detail", event_id=event.id, _external=True)
    upcoming = (
        event_queries.upcoming_sittings(event, since=local_midnight(local_today()), limit=6)
        if event.is_recurring
        else []
    )
    return render_template(
        "print/poster.html",
        event=event,
        address=address,
        qr_svg=_qr_svg(address),
        weekdays=[str(WEEKDAY_CHOICES[day].label) for day in event.weekdays],
        upcoming=upcoming,
    )


# ---- the sign-in sheet --------------------------------------------------------------------


def _sheet(event: Event) -> dict[str, Any]:
    """Who is on the sheet (name, unit, shortened phone), how many wait and are not on it, and
    how many rows are left blank for those who come unregistered."""
    rows = registration_queries.sign_in_sheet(event.id)
    people = [
        (person.name, unit or "", mask_phone(person.phone))
        for person, unit, status in rows
        if status == "confirmed"
    ]
    return {
        "people": people,
        "waiting": sum(1 for _person, _unit, status in rows if status == "waiting"),
        "blank_rows": BLANK_ROWS_DROP_IN if event.registration_mode == "none" else BLANK_ROWS,
    }


def _sign_in(event: Event, sitting: Occurrence | None) -> Any:
    if sitting is None and not event.is_recurring:
        sitting = next(iter(event.occurrences), None)
    return render_template("print/sign_in.html", event=event, sitting=sitting, **_sheet(event))


@bp.route("/events/<int:event_id>/sign-in")
def sign_in(event_id: int) -> Any:
    """The sign-in sheet of an event: its confirmed members in pinyin order, a column to sign."""
    return _sign_in(get_or_404(Event, event_id), None)


@bp.route("/sittings/<int:occurrence_id>/sign-in")
def sitting_sign_in(occurrence_id: int) -> Any:
    """The sign-in sheet of one sitting of a weekly event (its date in the heading)."""
    sitting = get_or_404(Occurrence, occurrence_id)
    return _sign_in(sitting.event, sitting)
