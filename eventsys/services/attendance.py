"""Who is at the door, and attendance statistics per day, room, activity and organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Date, cast, func, literal_column, or_, select
from sqlalchemy.orm import selectinload

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


@dataclass(frozen=True)
class DoorRow:
    user_id: int
    name: str
    organisation: str | None
    entry: str | None
    checked_in: bool


def person_matches(query: str) -> ColumnElement[bool]:
    """The search the door uses: name, pinyin or initials (zhs finds 张和顺), phone or login."""
    like = f"%{query.lower()}%"
    return or_(
        func.lower(User.name).like(like),
        User.name_pinyin.like(like),
        User.phone.like(like),
        func.lower(User.login).like(like),
    )


def find_members(query: str, limit: int = 20) -> list[User]:
    """Members found as at the door (for staff registering someone who phoned in)."""
    if not query:
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(person_matches(query))
            .options(selectinload(User.organisation))
            .order_by(User.name_pinyin)
            .limit(limit)
        )
    )


def checkin_list(event: Event, sitting: Occurrence, query: str, limit: int = 100) -> list[DoorRow]:
    """The people expected at the door (confirmed registrations), found by name, pinyin or phone.

    For events without registration, the search runs over all members (walk-ins)."""
    present = select(Attendance.user_id).where(Attendance.occurrence_id == sitting.id)
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
        statement = statement.where(person_matches(query))
    rows = db.session.execute(statement.order_by(User.name_pinyin).limit(limit)).all()
    return [
        DoorRow(uid, name, org, entry or None, bool(done)) for uid, name, org, entry, done in rows
    ]


@dataclass(frozen=True)
class Statistics:
    total: int
    by_day: list[tuple[str, int]]
    by_venue: list[tuple[str, int]]
    by_event: list[tuple[str, int]]
    by_organisation: list[tuple[str, int]]


def statistics(start: datetime, end: datetime) -> Statistics:
    """Count check-ins between *start* and *end* (UTC) in four fixed queries."""
    window = (Attendance.checked_in_at >= start, Attendance.checked_in_at < end)
    # Days are counted in Beijing time: shift by eight hours (China has no daylight saving).
    shifted = (
        Attendance.checked_in_at + literal_column("INTERVAL '8 hours'")
        if db.engine.dialect.name == "postgresql"
        else func.datetime(Attendance.checked_in_at, "+8 hours")
    )
    day = cast(shifted, Date) if db.engine.dialect.name == "postgresql" else func.date(shifted)
    by_day = db.session.execute(
        select(day, func.count()).where(*window).group_by(day).order_by(day)
    ).all()
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
        .join(Event, Event.id == Attendance.event_id)
        .where(*window)
        .group_by(Event.title)
        .order_by(func.count().desc())
        .limit(30)
    ).all()
    by_org = db.session.execute(
        select(func.coalesce(Organisation.name, "—"), func.count())
        .select_from(Attendance)
        .join(User, User.id == Attendance.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(*window)
        .group_by(Organisation.name)
        .order_by(func.count().desc())
    ).all()
    total = sum(count for _day, count in by_day)
    return Statistics(
        total=total,
        by_day=[(str(d), int(c)) for d, c in by_day],
        by_venue=[(str(n), int(c)) for n, c in by_venue],
        by_event=[(str(n), int(c)) for n, c in by_event],
        by_organisation=[(str(n), int(c)) for n, c in by_org],
    )
