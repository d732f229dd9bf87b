"""The reads the registration pages need, and the one rule of who may see a registration."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, func, select
from sqlalchemy.orm import selectinload

from eventsys.extensions import db
from eventsys.models import Event, Notice, Organisation, Registration, RegistrationMember, User


def may_see_registration(registration: Registration, viewer: User | None) -> bool:
    """The one rule for a registration's pages: its captain, its members and organizers."""
    if viewer is None:
        return False
    return bool(
        viewer.is_organizer
        or viewer.id == registration.captain_id
        or viewer.id in {member.user_id for member in registration.members}
    )


def registration_of(event_id: int, user: User) -> Registration | None:
    """The registration *user* is on (as captain or member) for the event, if any."""
    return db.session.scalars(
        select(Registration)
        .join(RegistrationMember)
        .where(RegistrationMember.event_id == event_id, RegistrationMember.user_id == user.id)
    ).first()


def registrations_of(user: User) -> Sequence[Registration]:
    """Every registration *user* is on, the latest first, with its event and room."""
    return db.session.scalars(
        select(Registration)
        .join(RegistrationMember)
        .where(RegistrationMember.user_id == user.id)
        .options(selectinload(Registration.event).selectinload(Event.venue))
        .order_by(Registration.created_at.desc())
    ).all()


def ended_registrations_of(user: User, *, limit: int = 20) -> Sequence[Registration]:
    """The person's own cancelled or rejected registrations (which no longer have members)."""
    return db.session.scalars(
        select(Registration)
        .where(
            Registration.captain_id == user.id,
            Registration.status.in_(("cancelled", "rejected")),
        )
        .options(selectinload(Registration.event).selectinload(Event.venue))
        .order_by(Registration.updated_at.desc())
        .limit(limit)
    ).all()


def unseen_notices_with_events(user: User) -> Sequence[Notice]:
    """The person's unread notices, oldest first, with the events they are about."""
    return db.session.scalars(
        select(Notice)
        .where(Notice.user_id == user.id, Notice.seen_at.is_(None))
        .options(selectinload(Notice.event), selectinload(Notice.group))
        .order_by(Notice.created_at)
    ).all()


def registrations_for_event(event: Event) -> Sequence[Registration]:
    """Every registration of the event with its captain, organisation and roster."""
    return db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id)
        .options(
            selectinload(Registration.captain),
            selectinload(Registration.organisation),
            selectinload(Registration.members).selectinload(RegistrationMember.user),
        )
        .order_by(Registration.id)
    ).all()


def confirmed_entries(event_id: int) -> Sequence[Registration]:
    """The event's confirmed registrations in the order they came, with their captains."""
    return db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event_id, Registration.status == "confirmed")
        .options(selectinload(Registration.captain))  # a player's entry shows their name
        .order_by(Registration.id)
    ).all()


def count_holding(event: Event, statuses: Sequence[str]) -> int:
    """How many of the event's registrations are in one of *statuses*."""
    return (
        db.session.scalar(
            select(func.count()).where(
                Registration.event_id == event.id, Registration.status.in_(statuses)
            )
        )
        or 0
    )


def sign_in_sheet(event_id: int) -> Sequence[Row[tuple[User, str | None, str]]]:
    """The people on the event's confirmed and waiting entries with their unit's name and
    their entry's status, in pinyin order of their names (one read)."""
    return db.session.execute(
        select(User, Organisation.name, Registration.status)
        .join(RegistrationMember, RegistrationMember.user_id == User.id)
        .join(Registration, Registration.id == RegistrationMember.registration_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(
            RegistrationMember.event_id == event_id,
            Registration.status.in_(("confirmed", "waiting")),
        )
        .order_by(User.name_pinyin, User.name, User.id)
    ).all()
