"""Register people and teams, keep the waiting list, cancel, approve, check in.

Capacity is decided inside the database transaction: the event row is locked (SELECT ... FOR
UPDATE on PostgreSQL; SQLite write requests already hold the database's write lock from BEGIN
IMMEDIATE), then its live registrations are loaded and `eventsys.domain.places` decides who
moves up and whether the new registration is confirmed or queued; this module writes that.
A second request for the same event waits for the first to commit, so nothing is oversold."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from eventsys import versions
from eventsys.domain import places
from eventsys.domain.places import ACTIVE_STATUSES
from eventsys.errors import Conflict, EventsysError, Forbidden, NotFound
from eventsys.extensions import db
from eventsys.models import (
    Attendance,
    Event,
    Notice,
    Occurrence,
    Registration,
    RegistrationMember,
    TeamInvitation,
    User,
)
from eventsys.services import audit, notices
from eventsys.services import contests as contest_rules


def lock_event(event_id: int) -> Event:
    """Load the event with a row lock so that its places are decided one request at a time."""
    event = db.session.scalars(select(Event).where(Event.id == event_id).with_for_update()).first()
    if event is None:
        raise NotFound(_("This event does not exist."))
    return event


def _rules(event: Event) -> places.Rules:
    return places.Rules(event.capacity, event.capacity_counts, event.requires_approval)


def _entries(event_id: int) -> list[places.Entry]:
    """The live registrations of an event as the places see them (one statement)."""
    rows = db.session.execute(
        select(Registration.id, Registration.size, Registration.status).where(
            Registration.event_id == event_id, Registration.status.in_(ACTIVE_STATUSES)
        )
    )
    return [places.Entry(rid, size, status) for rid, size, status in rows]


def places_taken(event: Event) -> int:
    """Count the places held, in people or in entries as the event counts them."""
    return places.places_taken(_rules(event), _entries(event.id))


def places_left(event: Event) -> int | None:
    """Return the free places, or None when the event has no limit."""
    if event.capacity is None:  # no statement for an event without a limit
        return None
    return places.places_left(_rules(event), _entries(event.id))


# Why an event takes no registration (eventsys.domain.places.refusal), said to the user.
_CLOSED: dict[str, Callable[[], EventsysError]] = {
    "cancelled": lambda: EventsysError(_("This event is cancelled.")),
    "hidden": lambda: NotFound(_("This event does not exist.")),
    "unpublished": lambda: EventsysError(_("Publish the event before registering people.")),
    "no_registration": lambda: EventsysError(
        _("This event needs no registration: just come along.")
    ),
    "not_open_yet": lambda: EventsysError(_("Registration has not opened yet.")),
    "closed": lambda: EventsysError(_("Registration has closed.")),
}


def check_open(event: Event, now: datetime, *, staff: bool = False) -> None:
    """Refuse unless *event* takes registrations at *now* (staff registering a member who
    phoned may do so outside the dates, but not for a dead event)."""
    window = places.Window(
        status=event.status,
        mode=event.registration_mode,
        starts_at=event.starts_at,
        opens_at=event.registration_opens_at,
        closes_at=event.registration_closes_at,
    )
    code = places.refusal(window, now, staff=staff)
    if code is not None:
        raise _CLOSED[code]()


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
    group_leader: bool = False,
) -> Registration:
    """Register *person* for *event* (by themself or by an organizer), or queue them.

    *group_leader*: the caller (services.groups.register_members) has checked that *by* leads
    the group whose event this is and *person* is one of its members; the leader is held to the
    registration dates like the members."""
    event = lock_event(event.id)
    if by.id != person.id and not (by.is_organizer or group_leader):
        raise Forbidden(_("Only organizers may register someone else."))
    check_open(event, now, staff=by.is_organizer)
    if event.registration_mode != "individual":
        raise EventsysError(_("This event takes team entries: register a team instead."))
    _check_entry_texts(event, title, text)
    if not person.active:
        raise EventsysError(_("This member's account is switched off."))
    if _already_registered(event.id, [person.id]) is not None:
        raise Conflict(_("%(name)s is already registered for this event.", name=person.name))
    contest_rules.check_not_judging(event, [person.id], field=None)
    status = _place(event, 1, now=now, by=by)
    registration = Registration(
        event_id=event.id,
        kind="individual",
        captain_id=person.id,
        registered_by_id=by.id,
        organisation_id=person.organisation_id,
        title=title or None,
        text=text or None,
        size=1,
        status=status,
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
    _withdraw_invitations(event, [person.id], now=now, by=by)
    return registration


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
    check_open(event, now, staff=by.is_organizer)
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
    known = set(
        db.session.scalars(select(User.id).where(User.id.in_(everyone), User.active.is_(True)))
    )
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
    status = _place(event, size, now=now, by=by)
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
        status=status,
        queued_at=now,
        created_at=now,
    )
    # A member's own entry puts only themself on a roster: the others named are invited and
    # join when they accept (staff entering a team from the phone speak for its members).
    invited: list[TeamInvitation] = []
    for position, user_id in enumerate(everyone):
        role = "captain" if position == 0 else ("player" if user_id in players else "substitute")
        if position == 0 or by.is_organizer:
            registration.members.append(
                RegistrationMember(event_id=event.id, user_id=user_id, role=role, position=position)
            )
        else:
            invited.append(
                TeamInvitation(
                    registration=registration,
                    event_id=event.id,
                    user_id=user_id,
                    role=role,
                    position=position,
                    created_at=now,
                )
            )
    db.session.add(registration)
    db.session.add_all(invited)
    _flush_members()
    notices.notify(
        [i.user_id for i in invited],
        "invited",
        now=now,
        event=event,
        params={"name": captain.name, "team": name},
    )
    _withdraw_invitations(event, [m.user_id for m in registration.members], now=now, by=by)
    contest_rules.code_new_entries(event)
    audit.record(
        by,
        "registration.create",
        "registration",
        registration.id,
        after={
            **_snapshot(registration),
            "team_name": name,
            "invited": [i.user_id for i in invited],
        },
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
    db.session.execute(
        delete(TeamInvitation).where(TeamInvitation.registration_id == registration.id)
    )
    db.session.flush()


def promote(event: Event, *, now: datetime, by: User | None) -> list[Registration]:
    """Move waiting registrations up, in queue order, while the first that fits has room."""
    return _promote(event, places.decide(_rules(event), _entries(event.id)), now=now, by=by)


def _place(event: Event, size: int, *, now: datetime, by: User) -> str:
    """Decide a newcomer of *size* people: places freed without a promotion (by any path) go
    to those waiting first; return the newcomer's status."""
    decision = places.decide(_rules(event), _entries(event.id), size)
    _promote(event, decision, now=now, by=by)
    assert decision.status is not None
    return decision.status


def _promote(
    event: Event, decision: places.Decision, *, now: datetime, by: User | None
) -> list[Registration]:
    """Write the promotions *decision* names: status, notice and audit record for each."""
    promoted: list[Registration] = []
    if decision.promoted:
        promoted = list(
            db.session.scalars(
                select(Registration)
                .where(Registration.id.in_(decision.promoted))
                .order_by(Registration.id)
            )
        )
    for candidate in promoted:
        candidate.status = decision.promoted_status
        candidate.promoted_at = now
        candidate.version += 1
        audit.record(
            by,
            "registration.promote",
            "registration",
            candidate.id,
            before={"status": "waiting"},
            after={"status": candidate.status},
        )
    db.session.flush()
    if promoted:
        notices.notify([c.captain_id for c in promoted], "promoted", now=now, event=event)
        contest_rules.code_new_entries(event)
    return promoted


def queue_position(registration: Registration) -> int | None:
    """Return the place of a waiting registration in the queue (1 = next), else None."""
    if registration.status != places.WAITING:  # no statement for one that does not wait
        return None
    return places.queue_position(_entries(registration.event_id), registration.id)


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
        notices.notify([registration.captain_id], "approved", now=now, event=event)
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
    notices.notify([registration.captain_id], "rejected", now=now, event=event)
    return promote(event, now=now, by=by)


# ---- check-in and attendance ------------------------------------------------------------------


def door_open(occurrence: Occurrence, *, by: User) -> Event:
    """Return the event of *occurrence* if *by* may check people in to it now: staff only, at a
    sitting that takes place."""
    if not by.is_organizer:
        raise Forbidden(_("Only staff may check people in."))
    event = occurrence.event
    if occurrence.skipped or event.status != "published":
        raise EventsysError(_("This sitting does not take place."))
    return event


def check_in(
    occurrence: Occurrence, person: User, *, by: User, method: str, now: datetime
) -> Attendance:
    """Record *person* as present at *occurrence* (staff at the door; organizers only)."""
    event = door_open(occurrence, by=by)
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
            versions.touch(db.session, versions.event_key(registration.event_id))
        except IntegrityError as error:  # checked in at another door a moment ago
            raise Conflict(
                _("%(name)s is already checked in.", name=registration.display_name)
            ) from error
    return len(rows)


def mark_notices_seen(user: User, now: datetime, *, upto: int) -> None:
    """Mark the user's notices up to id *upto* (the newest they were shown) as read, in one
    statement however many there are."""
    db.session.execute(
        update(Notice)
        .where(Notice.user_id == user.id, Notice.seen_at.is_(None), Notice.id <= upto)
        .values(seen_at=now)
    )
    versions.touch(db.session, versions.person(user.id))


# ---- team-mates confirm their place on a roster ------------------------------------------------
#
# A captain names team-mates; each named person is invited (a TeamInvitation, shown on their
# My registrations page with accept and decline) and is on the roster only once they accept.
# While invitations are open the team holds a place for every person named (its size counts
# them, so capacity and the waiting list see the team as entered), and the team is complete
# when nobody is left to answer. An invitation blocks nothing: the invited person may register
# or enter a team of their own, which withdraws their open invitations for that event. Every
# place given back (a decline, a withdrawal, a member leaving) goes to the waiting list at once.


def open_invitations(user: User) -> list[TeamInvitation]:
    """The invitations *user* has not answered, with their team, captain and event."""
    return list(
        db.session.scalars(
            select(TeamInvitation)
            .where(TeamInvitation.user_id == user.id)
            .options(
                selectinload(TeamInvitation.registration).selectinload(Registration.captain),
                selectinload(TeamInvitation.registration).selectinload(Registration.event),
            )
            .order_by(TeamInvitation.id)
        )
    )


def invitations_of(registration: Registration) -> list[TeamInvitation]:
    """The team-mates named on *registration* who have not answered yet."""
    return list(
        db.session.scalars(
            select(TeamInvitation)
            .where(TeamInvitation.registration_id == registration.id)
            .options(selectinload(TeamInvitation.user))
            .order_by(TeamInvitation.position)
        )
    )


def unanswered_per_registration(event: Event) -> dict[int, int]:
    """How many named team-mates have not answered yet, per registration of *event*."""
    rows = db.session.execute(
        select(TeamInvitation.registration_id, func.count())
        .where(TeamInvitation.event_id == event.id)
        .group_by(TeamInvitation.registration_id)
    ).all()
    return {registration_id: int(count) for registration_id, count in rows}


def _own_invitation(invitation_id: int, by: User) -> tuple[Event, TeamInvitation]:
    found = db.session.get(TeamInvitation, invitation_id)
    if found is None or found.user_id != by.id:
        raise NotFound(_("This invitation has been answered or withdrawn."))
    event = lock_event(found.event_id)
    invitation = db.session.scalars(
        select(TeamInvitation).where(TeamInvitation.id == invitation_id)
    ).first()
    if invitation is None:
        raise NotFound(_("This invitation has been answered or withdrawn."))
    return event, invitation


def accept_invitation(invitation_id: int, *, by: User, now: datetime) -> Registration:
    """Put *by* on the roster that invited them, and withdraw their other invitations there."""
    event, invitation = _own_invitation(invitation_id, by)
    registration = invitation.registration
    db.session.refresh(registration)
    if registration.status not in ACTIVE_STATUSES or event.status == "cancelled":
        raise EventsysError(_("This team's entry is no longer active."))
    if _already_registered(event.id, [by.id]) is not None:
        raise Conflict(_("You are already on another registration for this event. Leave it first."))
    registration.members.append(
        RegistrationMember(
            event_id=event.id, user_id=by.id, role=invitation.role, position=invitation.position
        )
    )
    registration.version += 1
    db.session.delete(invitation)
    _flush_members()
    notices.settle([by.id], "invited", event_id=event.id, now=now)
    audit.record(
        by,
        "registration.member.accept",
        "registration",
        registration.id,
        after={"user_id": by.id, "role": invitation.role},
    )
    _withdraw_invitations(event, [by.id], now=now, by=by)
    return registration


def decline_invitation(invitation_id: int, *, by: User, now: datetime) -> list[Registration]:
    """Refuse a place on a team: the team gives the place back; return those promoted."""
    event, invitation = _own_invitation(invitation_id, by)
    registration = invitation.registration
    _shrink(registration, event, now=now)
    db.session.delete(invitation)
    db.session.flush()
    notices.settle([by.id], "invited", event_id=event.id, now=now)
    audit.record(
        by,
        "registration.member.decline",
        "registration",
        registration.id,
        before={"user_id": by.id, "role": invitation.role},
    )
    return promote(event, now=now, by=by)


def leave_team(registration: Registration, *, by: User, now: datetime) -> list[Registration]:
    """Take *by* off a team's roster (the captain cancels instead); return those promoted."""
    event = lock_event(registration.event_id)
    db.session.refresh(registration)
    member = next((m for m in registration.members if m.user_id == by.id), None)
    if member is None or registration.status not in ACTIVE_STATUSES:
        raise NotFound(_("You are not on this team."))
    if registration.captain_id == by.id:
        raise EventsysError(_("The captain cannot leave the team: cancel the entry instead."))
    registration.members.remove(member)
    _shrink(registration, event, now=now)
    db.session.flush()
    audit.record(
        by,
        "registration.member.leave",
        "registration",
        registration.id,
        before={"user_id": by.id, "role": member.role},
    )
    return promote(event, now=now, by=by)


def _shrink(registration: Registration, event: Event, *, now: datetime) -> None:
    """One person fewer on *registration*; its captain is told on their page."""
    registration.size = max(registration.size - 1, 1)
    registration.version += 1
    notices.notify([registration.captain_id], "team_changed", now=now, event=event)


def _withdraw_invitations(
    event: Event, user_ids: Sequence[int], *, now: datetime, by: User | None
) -> None:
    """Withdraw the open invitations of people now on a roster of *event*, and give the places
    their inviting teams held for them to the waiting list."""
    invitations = list(
        db.session.scalars(
            select(TeamInvitation).where(
                TeamInvitation.event_id == event.id, TeamInvitation.user_id.in_(user_ids)
            )
        )
    )
    if not invitations:
        return
    for invitation in invitations:
        _shrink(invitation.registration, event, now=now)
        db.session.delete(invitation)
    db.session.flush()
    notices.settle([i.user_id for i in invitations], "invited", event_id=event.id, now=now)
    promote(event, now=now, by=by)


# ---- an event is cancelled ----------------------------------------------------------------------


def notify_event_cancelled(event: Event, *, now: datetime) -> None:
    """Leave a notice for everyone on a live registration of *event*.

    The registrations themselves are left as they were: what a registrant reads is derived
    from the event's status (Registration.shown_status)."""
    reason = {"reason": event.cancel_reason} if event.cancel_reason else None
    notices.notify_registrants(event, "event_cancelled", now=now, params=reason)


def registrants_to_call(event: Event) -> list[tuple[Registration, list[User]]]:
    """The live registrations of *event* with their people, for staff to ring them (one
    statement: every live registration has its captain on the roster)."""
    rows = db.session.execute(
        select(Registration, User)
        .join(RegistrationMember, RegistrationMember.registration_id == Registration.id)
        .join(User, User.id == RegistrationMember.user_id)
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE_STATUSES))
        .order_by(Registration.id, RegistrationMember.position)
    ).all()
    grouped: dict[int, tuple[Registration, list[User]]] = {}
    for registration, person in rows:
        grouped.setdefault(registration.id, (registration, []))[1].append(person)
    return list(grouped.values())
