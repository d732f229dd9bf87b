"""Who is at the door, and attendance statistics per day, room, activity and organisation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import ColumnElement, Row, Select, func, literal_column, or_, select
from sqlalchemy.orm import selectinload

from eventsys.domain.text import looks_like_phone, normalise, normalise_phone
from eventsys.errors import Conflict, EventsysError, Forbidden
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
from eventsys.services import audit
from eventsys.services.registrations import door_open
from eventsys.timeutil import to_local


@dataclass(frozen=True)
class DoorRow:
    user_id: int
    name: str
    organisation: str | None
    entry: str | None
    checked_in: bool
    # The check-in to undo if it was a mistake.
    attendance_id: int | None = None


def person_matches(query: str) -> ColumnElement[bool]:
    """The one member search: name, pinyin or initials (zhs finds 张和顺), login or phone.

    A query that is a phone number is read as sign-in reads it (138-0013-8000 and
    １３８００１３８０００ find 13800138000); the door, the people list, the audit log's "who"
    and registering someone who phoned in all search through here."""
    like = f"%{query.lower()}%"
    phone_like = f"%{normalise_phone(query)}%" if looks_like_phone(query) else like
    return or_(
        func.lower(User.name).like(like),
        User.name_pinyin.like(like),
        User.phone.like(phone_like),
        func.lower(User.login).like(like),
    )


def find_members(query: str, limit: int = 20) -> list[User]:
    """Members found as at the door (for staff registering someone who phoned in)."""
    if not query:
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(person_matches(query), User.active.is_(True))
            .options(selectinload(User.organisation))
            .order_by(User.name_pinyin)
            .limit(limit)
        )
    )


def checkin_list(event: Event, sitting: Occurrence, query: str, limit: int = 100) -> list[DoorRow]:
    """The people expected at the door (confirmed registrations), found by name, pinyin or phone.

    For events without registration, the search runs over all members (walk-ins)."""
    present = (Attendance.occurrence_id == sitting.id) & (Attendance.user_id == User.id)
    if event.registration_mode == "none":
        statement = (
            select(User.id, User.name, Organisation.name, literal_column("NULL"), Attendance.id)
            .outerjoin(Organisation, Organisation.id == User.organisation_id)
            .outerjoin(Attendance, present)
        )
        if not query:
            statement = statement.where(Attendance.id.is_not(None))
    else:
        statement = (
            select(
                User.id,
                User.name,
                Organisation.name,
                func.coalesce(Registration.team_name, ""),
                Attendance.id,
            )
            .join(RegistrationMember, RegistrationMember.user_id == User.id)
            .join(Registration, Registration.id == RegistrationMember.registration_id)
            .outerjoin(Organisation, Organisation.id == User.organisation_id)
            .outerjoin(Attendance, present)
            .where(RegistrationMember.event_id == event.id, Registration.status == "confirmed")
        )
    if query:
        statement = statement.where(person_matches(query))
    rows = db.session.execute(statement.order_by(User.name_pinyin).limit(limit)).all()
    return [
        DoorRow(uid, name, org, entry or None, done is not None, done)
        for uid, name, org, entry, done in rows
    ]


# ---- at the door: the running count, walk-in guests, undoing a mistaken check-in -------------


@dataclass(frozen=True)
class DoorCount:
    checked_in: int
    # People on confirmed registrations; None when the event takes no registrations.
    expected: int | None


def door_count(event: Event, sitting: Occurrence) -> DoorCount:
    """How many are checked in at *sitting* (guests included) and how many are expected, in one
    statement."""
    present = (
        select(func.count(Attendance.id))
        .where(Attendance.occurrence_id == sitting.id)
        .scalar_subquery()
    )
    expected = (
        select(func.count(RegistrationMember.id))
        .join(Registration, Registration.id == RegistrationMember.registration_id)
        .where(RegistrationMember.event_id == event.id, Registration.status == "confirmed")
        .scalar_subquery()
    )
    checked_in, wanted = db.session.execute(select(present, expected)).one()
    return DoorCount(
        int(checked_in or 0), None if event.registration_mode == "none" else int(wanted or 0)
    )


@dataclass(frozen=True)
class GuestRow:
    attendance_id: int
    name: str
    phone: str


def guests(sitting: Occurrence, query: str = "", limit: int = 100) -> list[GuestRow]:
    """The walk-in guests without an account checked in at *sitting*, found by name or phone."""
    statement = select(Attendance.id, Attendance.guest_name, Attendance.guest_phone).where(
        Attendance.occurrence_id == sitting.id, Attendance.user_id.is_(None)
    )
    if query:
        like = f"%{query.lower()}%"
        digits = normalise_phone(query)
        condition = func.lower(Attendance.guest_name).like(like)
        if digits:
            condition = or_(condition, Attendance.guest_phone.like(f"%{digits}%"))
        statement = statement.where(condition)
    rows = db.session.execute(statement.order_by(Attendance.id).limit(limit)).all()
    return [GuestRow(a_id, name or "", phone or "") for a_id, name, phone in rows]


def check_in_guest(
    occurrence: Occurrence, name: str, phone: str, *, by: User, now: datetime
) -> Attendance:
    """Record a walk-in guest who has no account (a name and a phone number) at *occurrence*."""
    event = door_open(occurrence, by=by)
    if event.registration_mode != "none" and not event.walk_ins:
        raise EventsysError(
            _("This event takes registered participants only: it records no walk-ins.")
        )
    name = normalise(name)[:80]
    if not name:
        raise EventsysError(_("Give the guest's name."), field="guest_name")
    digits = normalise_phone(phone)
    if not looks_like_phone(digits):
        raise EventsysError(
            _("Give the guest's phone number (7 to 15 digits)."), field="guest_phone"
        )
    taken = db.session.scalar(
        select(Attendance.id).where(
            Attendance.occurrence_id == occurrence.id, Attendance.guest_phone == digits
        )
    )
    if taken is not None:
        raise Conflict(_("A guest with this phone number is already checked in."))
    attendance = Attendance(
        event_id=event.id,
        occurrence_id=occurrence.id,
        user_id=None,
        guest_name=name,
        guest_phone=digits,
        method="walk_in",
        checked_in_at=now,
        checked_in_by_id=by.id,
    )
    db.session.add(attendance)
    db.session.flush()
    audit.record(
        by,
        "attendance.guest",
        "attendance",
        attendance.id,
        after={"occurrence_id": occurrence.id, "name": name, "phone": digits},
    )
    return attendance


def undo_check_in(attendance: Attendance, *, by: User) -> str:
    """Take back a mistaken check-in (staff only, audited); return whose it was."""
    if not by.is_organizer:
        raise Forbidden(_("Only staff may check people in."))
    name = attendance.person_name
    before = {
        "occurrence_id": attendance.occurrence_id,
        "user_id": attendance.user_id,
        "guest_name": attendance.guest_name,
        "guest_phone": attendance.guest_phone,
        "method": attendance.method,
        "checked_in_at": attendance.checked_in_at.isoformat(),
    }
    audit.record(by, "attendance.undo", "attendance", attendance.id, before=before)
    db.session.delete(attendance)
    db.session.flush()
    return name


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


def _present_per(
    label: Any,
    group: Any,
    window: tuple[ColumnElement[bool], ...],
    joins: Callable[[Select[Any]], Select[Any]],
    *,
    limit: int | None = None,
) -> Sequence[Row[Any]]:
    """(label, how many were present) for each *group* (a room, an event...) in the sittings
    of *window*, most first; *joins* reaches the label from the check-ins and their sittings."""
    query = joins(
        select(label, func.count())
        .select_from(Attendance)
        .join(Occurrence, Occurrence.id == Attendance.occurrence_id)
    )
    return db.session.execute(
        query.where(*window).group_by(group).order_by(func.count().desc()).limit(limit)
    ).all()


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
    by_venue = _present_per(
        Venue.name, Venue.name, window, lambda q: q.join(Venue, Venue.id == Occurrence.venue_id)
    )
    by_event = _present_per(
        Event.title,
        Event.title,
        window,
        lambda q: q.join(Event, Event.id == Attendance.event_id),
        limit=30,
    )
    by_org = _present_per(
        func.coalesce(Organisation.name, "—"),
        Organisation.name,
        window,
        lambda q: q.outerjoin(
            User, User.id == Attendance.user_id
        ).outerjoin(  # walk-in guests have no account
            Organisation, Organisation.id == User.organisation_id
        ),
    )
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
