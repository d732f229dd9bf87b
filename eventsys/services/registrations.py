"""Register people and teams, keep the waiting list, cancel, approve, check in.

Capacity is decided inside the database transaction: the event row is locked (SELECT ... FOR
UPDATE on PostgreSQL; SQLite write requests already hold the database's write lock from BEGIN
IMMEDIATE), then the places taken are counted and the new registration is confirmed or queued.
A second request for the same event waits for the first to commit, so nothing is oversold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from eventsys.errors import Conflict, EventsysError, Forbidden, NotFound
from eventsys.extensions import db
from eventsys.models import (
    ACTIVE_STATUSES,
    Attendance,
    Event,
    Notice,
    Occurrence,
    Registration,
    RegistrationMember,
    User,
)
from eventsys.services import audit
from eventsys.services import contests as contest_rules

# Places are held by confirmed registrations and by those awaiting an organizer's approval.
HOLDING = ("confirmed", "pending")


def lock_event(event_id: int) -> Event:
    """Load the event with a row lock so that its places are decided one request at a time."""
    event = db.session.scalars(select(Event).where(Event.id == event_id).with_for_update()).first()
    if event is None:
        raise NotFound(_("This event does not exist."))
    return event


def places_taken(event: Event) -> int:
    """Count the places held, in people or in entries as the event counts them."""
    measure = func.count() if event.capacity_counts == "entries" else func.sum(Registration.size)
    taken = db.session.scalar(
        select(func.coalesce(measure, 0)).where(
            Registration.event_id == event.id, Registration.status.in_(HOLDING)
        )
    )
    return int(taken or 0)


def places_left(event: Event) -> int | None:
    """Return the free places, or None when the event has no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - places_taken(event), 0)


def _seats(event: Event, size: int) -> int:
    return 1 if event.capacity_counts == "entries" else size


def check_open(event: Event, now: datetime) -> None:
    """Refuse unless *event* takes registrations at *now*."""
    if event.status == "cancelled":
        raise EventsysError(_("This event is cancelled."))
    if event.status != "published":
        raise NotFound(_("This event does not exist."))
    if event.registration_mode == "none":
        raise EventsysError(_("This event needs no registration: just come along."))
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        raise EventsysError(_("Registration has not opened yet."))
    closes = event.registration_closes_at or event.starts_at
    if now >= closes:
        raise EventsysError(_("Registration has closed."))


def _initial_status(event: Event, size: int) -> str:
    left = places_left(event)
    if left is not None and _seats(event, size) > left:
        return "waiting"
    return "pending" if event.requires_approval else "confirmed"


def _already_registered(event_id: int, user_ids: Sequence[int]) -> User | None:
    taken = db.session.scalar(
        select(RegistrationMember.user_id)
        .where(RegistrationMember.event_id == event_id, RegistrationMember.user_id.in_(user_ids))
        .limit(1)
    )
    return db.session.get(User, taken) if taken is not None else None


def _flush_members() -> None:
    try:
        db.session.flush()
    except IntegrityError as error:  # another request put the same person on a roster
        raise Conflict(
            _("Someone on this registration is already registered for this event.")
        ) from error


def _snapshot(registration: Registration) -> dict[str, object]:
    return {
        "status": registration.status,
        "size": registration.size,
        "members": [m.user_id for m in registration.members],
    }


def register(
    event: Event,
    person: User,
    *,
    by: User,
    now: datetime,
    title: str | None = None,
    text: str | None = None,
) -> Registration:
    """Register *person* for *event* (by themself or by an organizer), or queue them."""
    event = lock_event(event.id)
    if by.id != person.id and not by.is_organizer:
        raise Forbidden(_("Only organizers may register someone else."))
    _check_open_for(event, by, now)
    if event.registration_mode != "individual":
        raise EventsysError(_("This event takes team entries: register a team instead."))
    _check_entry_texts(event, title, text)
    if _already_registered(event.id, [person.id]) is not None:
        raise Conflict(_("%(name)s is already registered for this event.", name=person.name))
    contest_rules.check_not_judging(event, [person.id], field=None)
    registration = Registration(
        event_id=event.id,
        kind="individual",
        captain_id=person.id,
        registered_by_id=by.id,
        organisation_id=person.organisation_id,
        title=title or None,
        text=text or None,
        size=1,
        status=_initial_status(event, 1),
        queued_at=now,
        created_at=now,
    )
    registration.members.append(
        RegistrationMember(event_id=event.id, user_id=person.id, role="captain", position=0)
    )
    db.session.add(registration)
    _flush_members()
    contest_rules.code_new_entries(event)
    audit.record(
        by, "registration.create", "registration", registration.id, after=_snapshot(registration)
    )
    return registration


def _check_open_for(event: Event, by: User, now: datetime) -> None:
    if by.is_organizer:
        _check_open_for_organizer(event)
    else:
        check_open(event, now)


def _check_open_for_organizer(event: Event) -> None:
    """Organizers may register people by phone outside the window, but not for a dead event."""
    if event.status == "cancelled":
        raise EventsysError(_("This event is cancelled."))
    if event.status != "published":
        raise EventsysError(_("Publish the event before registering people."))
    if event.registration_mode == "none":
        raise EventsysError(_("This event needs no registration: just come along."))


def _check_entry_texts(event: Event, title: str | None, text: str | None) -> None:
    if event.asks_title and not (title or "").strip():
        raise EventsysError(_("Please give the title of your entry."), field="title")
    if event.asks_text and not (text or "").strip():
        raise EventsysError(_("Please give the text of your entry."), field="text")


@dataclass(frozen=True)
class TeamEntry:
    team_name: str
    player_ids: tuple[int, ...]
    substitute_ids: tuple[int, ...] = ()
    organisation_id: int | None = None
    title: str | None = None
    text: str | None = None
    notes: dict[str, str] = field(default_factory=dict)


def register_team(
    event: Event, captain: User, entry: TeamEntry, *, by: User, now: datetime
) -> Registration:
    """Enter a team or troupe led by *captain*, checking its roster, or queue it."""
    event = lock_event(event.id)
    if by.id != captain.id and not by.is_organizer:
        raise Forbidden(_("Only organizers may enter a team for someone else."))
    _check_open_for(event, by, now)
    if event.registration_mode != "team":
        raise EventsysError(_("This event takes individual registrations, not teams."))
    _check_entry_texts(event, entry.title, entry.text)
    players = [captain.id, *(pid for pid in entry.player_ids if pid != captain.id)]
    substitutes = list(entry.substitute_ids)
    everyone = players + substitutes
    if len(set(everyone)) != len(everyone):
        raise EventsysError(_("A person appears twice on the roster."), field="players")
    if event.roster_min is not None and len(players) < event.roster_min:
        raise EventsysError(
            _("A team needs at least %(count)d players, captain included.", count=event.roster_min),
            field="players",
        )
    if event.roster_max is not None and len(players) > event.roster_max:
        raise EventsysError(
            _(
                "A team may have at most %(count)d players, captain included.",
                count=event.roster_max,
            ),
            field="players",
        )
    if len(substitutes) > event.substitutes_max:
        raise EventsysError(
            _("A team may have at most %(count)d substitutes.", count=event.substitutes_max),
            field="substitutes",
        )
    known = set(db.session.scalars(select(User.id).where(User.id.in_(everyone))))
    if known != set(everyone):
        raise NotFound(_("Some people on the roster are not members."), field="players")
    name = entry.team_name.strip()
    if not name:
        raise EventsysError(_("Please give the team's name."), field="team_name")
    taken_name = db.session.scalar(
        select(Registration.id).where(
            Registration.event_id == event.id,
            Registration.status.in_(ACTIVE_STATUSES),
            func.lower(Registration.team_name) == name.lower(),
        )
    )
    if taken_name is not None:
        raise Conflict(_("Another team already has this name."), field="team_name")
    organisation_id = entry.organisation_id or captain.organisation_id
    if event.max_entries_per_organisation is not None and organisation_id is not None:
        count = db.session.scalar(
            select(func.count()).where(
                Registration.event_id == event.id,
                Registration.organisation_id == organisation_id,
                Registration.status.in_(ACTIVE_STATUSES),
            )
        )
        if count is not None and count >= event.max_entries_per_organisation:
            raise EventsysError(
                _(
                    "Your organisation already has %(count)d entries, the most this event allows.",
                    count=event.max_entries_per_organisation,
                )
            )
    clash = _already_registered(event.id, everyone)
    if clash is not None:
        raise Conflict(
            _("%(name)s is already on another registration for this event.", name=clash.name),
            field="players",
        )
    contest_rules.check_not_judging(event, everyone, field="players")
    size = len(everyone)
    registration = Registration(
        event_id=event.id,
        kind="team",
        captain_id=captain.id,
        registered_by_id=by.id,
        organisation_id=organisation_id,
        team_name=name,
        title=entry.title or None,
        text=entry.text or None,
        size=size,
        status=_initial_status(event, size),
        queued_at=now,
        created_at=now,
    )
    for position, user_id in enumerate(everyone):
        role = "captain" if position == 0 else ("player" if user_id in players else "substitute")
        registration.members.append(
            RegistrationMember(event_id=event.id, user_id=user_id, role=role, position=position)
        )
    db.session.add(registration)
    _flush_members()
    contest_rules.code_new_entries(event)
    audit.record(
        by,
        "registration.create",
        "registration",
        registration.id,
        after={**_snapshot(registration), "team_name": name},
    )
    return registration


def can_cancel(registration: Registration, user: User, now: datetime) -> bool:
    """Tell whether *user* may cancel *registration* now."""
    if registration.status not in ACTIVE_STATUSES:
        return False
    if user.is_organizer:
        return True
    if registration.captain_id != user.id:
        return False
    event = registration.event
    deadline = event.cancel_deadline or event.starts_at
    return now < deadline


def cancel(registration: Registration, *, by: User, now: datetime) -> list[Registration]:
    """Cancel a registration and promote whoever now fits; return those promoted."""
    event = lock_event(registration.event_id)
    db.session.refresh(registration)
    if registration.status not in ACTIVE_STATUSES:
        raise EventsysError(_("This registration is already cancelled."))
    if not can_cancel(registration, by, now):
        if registration.captain_id != by.id and not by.is_organizer:
            raise Forbidden(_("You may only cancel your own registration."))
        raise EventsysError(_("The deadline for cancelling has passed. Please call the centre."))
    before = _snapshot(registration)
    _release(registration, "cancelled")
    audit.record(
        by,
        "registration.cancel",
        "registration",
        registration.id,
        before=before,
        after={"status": "cancelled"},
    )
    return promote(event, now=now, by=by)


def _release(registration: Registration, status: str) -> None:
    registration.status = status
    registration.version += 1
    # Free the people, so that they may register again (the audit record keeps the roster).
    for member in list(registration.members):
        registration.members.remove(member)
    db.session.flush()


def promote(event: Event, *, now: datetime, by: User | None) -> list[Registration]:
    """Move waiting registrations up, in queue order, while the first that fits has room."""
    if event.capacity is None:
        waiting = _waiting(event)
        left = None
    else:
        left = places_left(event)
        waiting = _waiting(event) if left else []
    promoted: list[Registration] = []
    for candidate in waiting:
        seats = _seats(event, candidate.size)
        if left is not None and seats > left:
            continue  # the first person *who fits* is promoted; a big team may wait longer
        candidate.status = "pending" if event.requires_approval else "confirmed"
        candidate.promoted_at = now
        candidate.version += 1
        db.session.add(
            Notice(user_id=candidate.captain_id, kind="promoted", event_id=event.id, created_at=now)
        )
        audit.record(
            by,
            "registration.promote",
            "registration",
            candidate.id,
            before={"status": "waiting"},
            after={"status": candidate.status},
        )
        promoted.append(candidate)
        if left is not None:
            left -= seats
            if left <= 0:
                break
    db.session.flush()
    if promoted:
        contest_rules.code_new_entries(event)
    return promoted


def _waiting(event: Event) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == "waiting")
            .order_by(Registration.id)
        )
    )


def queue_position(registration: Registration) -> int | None:
    """Return the place of a waiting registration in the queue (1 = next), else None."""
    if registration.status != "waiting":
        return None
    ahead = db.session.scalar(
        select(func.count()).where(
            Registration.event_id == registration.event_id,
            Registration.status == "waiting",
            Registration.id < registration.id,
        )
    )
    return int(ahead or 0) + 1


def decide(
    registration: Registration, approve: bool, *, by: User, now: datetime
) -> list[Registration]:
    """Approve or reject a registration awaiting approval (organizers only)."""
    if not by.is_organizer:
        raise Forbidden(_("Only organizers may approve registrations."))
    event = lock_event(registration.event_id)
    db.session.refresh(registration)
    if registration.status != "pending":
        raise EventsysError(_("Only registrations awaiting approval can be approved or rejected."))
    if approve:
        registration.status = "confirmed"
        registration.version += 1
        audit.record(
            by,
            "registration.approve",
            "registration",
            registration.id,
            before={"status": "pending"},
            after={"status": "confirmed"},
        )
        db.session.flush()
        contest_rules.code_new_entries(event)
        return []
    before = _snapshot(registration)
    _release(registration, "rejected")
    audit.record(
        by,
        "registration.reject",
        "registration",
        registration.id,
        before=before,
        after={"status": "rejected"},
    )
    return promote(event, now=now, by=by)


# ---- check-in and attendance ------------------------------------------------------------------


def check_in(
    occurrence: Occurrence, person: User, *, by: User, method: str, now: datetime
) -> Attendance:
    """Record *person* as present at *occurrence* (staff at the door; organizers only)."""
    if not by.is_organizer:
        raise Forbidden(_("Only staff may check people in."))
    event = occurrence.event
    if occurrence.skipped or event.status != "published":
        raise EventsysError(_("This sitting does not take place."))
    registration_id = db.session.scalar(
        select(RegistrationMember.registration_id)
        .join(Registration, Registration.id == RegistrationMember.registration_id)
        .where(
            RegistrationMember.event_id == event.id,
            RegistrationMember.user_id == person.id,
            Registration.status == "confirmed",
        )
    )
    needs_registration = event.registration_mode != "none" and not (
        method == "walk_in" and event.walk_ins
    )
    if registration_id is None and needs_registration:
        raise EventsysError(
            _("%(name)s has no confirmed registration for this event.", name=person.name)
        )
    existing = db.session.scalar(
        select(Attendance).where(
            Attendance.occurrence_id == occurrence.id, Attendance.user_id == person.id
        )
    )
    if existing is not None:
        raise Conflict(_("%(name)s is already checked in.", name=person.name))
    attendance = Attendance(
        event_id=event.id,
        occurrence_id=occurrence.id,
        user_id=person.id,
        registration_id=registration_id,
        method=method,
        checked_in_at=now,
        checked_in_by_id=by.id,
    )
    db.session.add(attendance)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise Conflict(_("%(name)s is already checked in.", name=person.name)) from error
    return attendance


def check_in_registration(
    occurrence: Occurrence, registration: Registration, *, by: User, method: str, now: datetime
) -> int:
    """Record everyone on *registration*'s roster as present at *occurrence* (a team's code at
    the door), in a fixed number of statements however large the team; return how many."""
    if not by.is_organizer:
        raise Forbidden(_("Only staff may check people in."))
    event = occurrence.event
    if occurrence.skipped or event.status != "published":
        raise EventsysError(_("This sitting does not take place."))
    members = db.session.scalars(
        select(RegistrationMember)
        .where(RegistrationMember.registration_id == registration.id)
        .options(selectinload(RegistrationMember.user))
        .order_by(RegistrationMember.position)
    ).all()
    confirmed = registration.event_id == event.id and registration.status == "confirmed"
    if members and not confirmed and event.registration_mode != "none":
        raise EventsysError(
            _("%(name)s has no confirmed registration for this event.", name=members[0].user.name)
        )
    present = set(
        db.session.scalars(
            select(Attendance.user_id).where(
                Attendance.occurrence_id == occurrence.id,
                Attendance.user_id.in_([m.user_id for m in members]),
            )
        )
    )
    for member in members:
        if member.user_id in present:
            raise Conflict(_("%(name)s is already checked in.", name=member.user.name))
    rows = [
        {
            "event_id": event.id,
            "occurrence_id": occurrence.id,
            "user_id": member.user_id,
            "registration_id": registration.id if confirmed else None,
            "method": method,
            "checked_in_at": now,
            "checked_in_by_id": by.id,
        }
        for member in members
    ]
    if rows:
        try:
            db.session.execute(insert(Attendance), rows)
        except IntegrityError as error:  # checked in at another door a moment ago
            raise Conflict(
                _("%(name)s is already checked in.", name=registration.display_name)
            ) from error
    return len(rows)


def mark_notices_seen(user: User, now: datetime) -> None:
    """Mark the user's notices as read, in one statement however many there are."""
    db.session.execute(
        update(Notice)
        .where(Notice.user_id == user.id, Notice.seen_at.is_(None))
        .values(seen_at=now)
    )
