"""Who is at the door, and attendance statistics per day, room, activity and organisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import pgettext
from sqlalchemy import func, literal_column, or_, select

from eventsys.extensions import db
from eventsys.models import (
    Attendance,
    Event,
    Occurrence,
    Organisation,
    Registration,
    RegistrationMember,
    User,
    Venue,
)
from eventsys.timeutil import to_local


@dataclass(frozen=True)
class DoorRow:
    user_id: int
    name: str
    organisation: str | None
    entry: str | None
    checked_in: bool


def checkin_list(event: Event, sitting: Occurrence, query: str, limit: int = 100) -> list[DoorRow]:
    """The people expected at the door (confirmed registrations), found by name, pinyin or phone.

    For events without registration, the search runs over all members (walk-ins)."""
    present = select(Attendance.user_id).where(Attendance.occurrence_id == sitting.id)
    like = f"%{query.lower()}%"
    if event.registration_mode == "none":
        statement = select(
            User.id, User.name, Organisation.name, literal_column("NULL"), User.id.in_(present)
        ).outerjoin(Organisation, Organisation.id == User.organisation_id)
        if not query:
            statement = statement.where(User.id.in_(present))
    else:
        statement = (
            select(
                User.id,
                User.name,
                Organisation.name,
                func.coalesce(Registration.team_name, ""),
                User.id.in_(present),
            )
            .join(RegistrationMember, RegistrationMember.user_id == User.id)
            .join(Registration, Registration.id == RegistrationMember.registration_id)
            .outerjoin(Organisation, Organisation.id == User.organisation_id)
            .where(RegistrationMember.event_id == event.id, Registration.status == "confirmed")
        )
    if query:
        statement = statement.where(
            or_(
                func.lower(User.name).like(like),
                User.name_pinyin.like(like),
                User.phone.like(like),
                func.lower(User.login).like(like),
            )
        )
    rows = db.session.execute(statement.order_by(User.name_pinyin).limit(limit)).all()
    return [
        DoorRow(uid, name, org, entry or None, bool(done)) for uid, name, org, entry, done in rows
    ]


@dataclass(frozen=True)
class SittingRow:
    """One sitting of an event with registration: how many were expected and came."""

    starts_at: datetime
    title: str
    registered: int
    attended: int

    @property
    def no_shows(self) -> int:
        return max(self.registered - self.attended, 0)


@dataclass(frozen=True)
class Statistics:
    total: int
    by_day: list[tuple[date, int]]
    by_venue: list[tuple[str, int]]
    by_event: list[tuple[str, int]]
    by_organisation: list[tuple[str, int]]
    sittings: list[SittingRow] = field(default_factory=list)

    @property
    def registered(self) -> int:
        return sum(row.registered for row in self.sittings)

    @property
    def registered_attended(self) -> int:
        return sum(row.attended for row in self.sittings)

    @property
    def no_shows(self) -> int:
        return sum(row.no_shows for row in self.sittings)


def statistics(start: datetime, end: datetime) -> Statistics:
    """Count the check-ins at the sittings held between *start* and *end* (UTC), in four queries.

    A check-in counts on its sitting's day (in Beijing), however late it was recorded."""
    window = (Occurrence.starts_at >= start, Occurrence.starts_at < end)
    in_window = select(Occurrence.event_id).where(*window)
    registered = (
        select(RegistrationMember.event_id.label("event_id"), func.count().label("people"))
        .join(Registration, Registration.id == RegistrationMember.registration_id)
        .where(Registration.status == "confirmed", RegistrationMember.event_id.in_(in_window))
        .group_by(RegistrationMember.event_id)
        .subquery()
    )
    per_sitting = db.session.execute(
        select(
            Occurrence.starts_at,
            Occurrence.skipped,
            Event.title,
            Event.registration_mode,
            registered.c.people,
            func.count(Attendance.id),
            func.count(Attendance.registration_id),
        )
        .join(Event, Event.id == Occurrence.event_id)
        .outerjoin(registered, registered.c.event_id == Occurrence.event_id)
        .outerjoin(Attendance, Attendance.occurrence_id == Occurrence.id)
        .where(*window)
        .group_by(
            Occurrence.id,
            Occurrence.starts_at,
            Occurrence.skipped,
            Event.title,
            Event.registration_mode,
            registered.c.people,
        )
        .order_by(Occurrence.starts_at, Occurrence.id)
    ).all()
    days: dict[date, int] = {}
    sittings: list[SittingRow] = []
    for starts_at, skipped, title, mode, people, present, present_registered in per_sitting:
        if present:
            day = to_local(starts_at).date()
            days[day] = days.get(day, 0) + int(present)
        if mode != "none" and not skipped and (people or present_registered):
            sittings.append(
                SittingRow(starts_at, str(title), int(people or 0), int(present_registered))
            )
    by_venue = db.session.execute(
        select(Venue.name, func.count())
        .select_from(Attendance)
        .join(Occurrence, Occurrence.id == Attendance.occurrence_id)
        .join(Venue, Venue.id == Occurrence.venue_id)
        .where(*window)
        .group_by(Venue.name)
        .order_by(func.count().desc())
    ).all()
    by_event = db.session.execute(
        select(Event.title, func.count())
        .select_from(Attendance)
        .join(Occurrence, Occurrence.id == Attendance.occurrence_id)
        .join(Event, Event.id == Attendance.event_id)
        .where(*window)
        .group_by(Event.title)
        .order_by(func.count().desc())
        .limit(30)
    ).all()
    by_org = db.session.execute(
        select(func.coalesce(Organisation.name, "—"), func.count())
        .select_from(Attendance)
        .join(Occurrence, Occurrence.id == Attendance.occurrence_id)
        .join(User, User.id == Attendance.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(*window)
        .group_by(Organisation.name)
        .order_by(func.count().desc())
    ).all()
    by_day = sorted(days.items())
    return Statistics(
        total=sum(count for _day, count in by_day),
        by_day=by_day,
        by_venue=[(str(n), int(c)) for n, c in by_venue],
        by_event=[(str(n), int(c)) for n, c in by_event],
        by_organisation=[(str(n), int(c)) for n, c in by_org],
        sittings=sittings,
    )


def statistics_sheets(stats: Statistics) -> list[tuple[str, list[str], list[list[Any]]]]:
    """Return the statistics as export sheets (per sitting with no-shows first, then the rest)."""
    from eventsys.i18n import format_day, format_when

    count = pgettext("attendance", "Visits")
    return [
        (
            pgettext("sheet name", "Per sitting"),
            [
                pgettext("attendance", "Date"),
                pgettext("attendance", "Activity"),
                pgettext("attendance", "Registered"),
                pgettext("attendance", "Attended"),
                pgettext("attendance", "No-shows"),
            ],
            [
                [format_when(row.starts_at), row.title, row.registered, row.attended, row.no_shows]
                for row in stats.sittings
            ],
        ),
        (
            pgettext("sheet name", "Per day"),
            [pgettext("attendance", "Date"), count],
            [[format_day(day), visits] for day, visits in stats.by_day],
        ),
        (
            pgettext("sheet name", "Per room"),
            [pgettext("attendance", "Room"), count],
            [list(r) for r in stats.by_venue],
        ),
        (
            pgettext("sheet name", "Per activity"),
            [pgettext("attendance", "Activity"), count],
            [list(r) for r in stats.by_event],
        ),
        (
            pgettext("sheet name", "Per organisation"),
            [pgettext("attendance", "Organisation"), count],
            [list(r) for r in stats.by_organisation],
        ),
    ]
