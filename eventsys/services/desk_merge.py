"""The help desk merges two records of one person: the rule is domain.merge.plan; this loads
both records' rows, asks it once, and writes its answer (flush, never commit).

Every row is changed through the ORM, so that each changed row raises the versions of what it
belongs to (the event, the person's pages and feed) as any other write does."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select

from eventsys.domain import merge as rules
from eventsys.errors import EventsysError, NotFound
from eventsys.extensions import db
from eventsys.models import (
    ACTIVE_STATUSES,
    Attendance,
    Event,
    Group,
    GroupMember,
    Notice,
    PasswordResetCode,
    Registration,
    RegistrationMember,
    TeamInvitation,
    User,
)
from eventsys.models.contests import Contest, JudgeAssignment, PlacingSheet, ScoreSheet
from eventsys.models.tournaments import TournamentReferee
from eventsys.services import accounts, audit, desk
from eventsys.services import registrations as registration_service

REFUSALS: dict[str, Callable[[], str]] = {
    "same_record": lambda: _("Choose another record: a record cannot be merged into itself."),
    "kept_was_merged": lambda: _(
        "This record was itself merged into another one: merge into that one instead."
    ),
    "already_merged": lambda: _("That record was merged into another one already."),
    "both_judge": lambda: _(
        "Both records judge the same contest. Take one of them off the panel first."
    ),
    "judges_own_contest": lambda: _(
        "One record judges a contest the other is entered in. Change the panel or the entry first."
    ),
}
_FIELDS = ("name", "login", "phone", "member_number", "organisation_id", "active")


def find_duplicate(key: str) -> User:
    """The record named by a login name, phone number or member number (for a merge)."""
    person = accounts.find_by_login_or_phone(key)
    if person is None and key.strip():
        person = db.session.scalar(select(User).where(User.member_number == key.strip()))
    if person is None:
        raise NotFound(
            _("No record has this login name, phone number or member number."), field="duplicate"
        )
    return person


def _rows(model: Any, column: Any, people: Sequence[int]) -> list[Any]:
    return list(db.session.scalars(select(model).where(column.in_(people))))


class _Loaded:
    """Both records' rows that a merge may move, loaded once (a statement per table)."""

    def __init__(self, kept: User, duplicate: User) -> None:
        people = (kept.id, duplicate.id)
        self.members: list[tuple[RegistrationMember, Registration, int]] = [
            (member, registration, size)
            for member, registration, size in db.session.execute(
                select(
                    RegistrationMember,
                    Registration,
                    select(func.count(RegistrationMember.id))
                    .where(RegistrationMember.registration_id == Registration.id)
                    .correlate(Registration)
                    .scalar_subquery(),
                )
                .join(Registration, Registration.id == RegistrationMember.registration_id)
                .where(
                    RegistrationMember.user_id.in_(people),
                    Registration.status.in_(ACTIVE_STATUSES),
                )
            )
        ]
        self.groups: list[GroupMember] = _rows(GroupMember, GroupMember.user_id, people)
        self.attendance: list[Attendance] = _rows(Attendance, Attendance.user_id, people)
        self.invitations: list[TeamInvitation] = _rows(
            TeamInvitation, TeamInvitation.user_id, people
        )
        self.referees: list[TournamentReferee] = _rows(
            TournamentReferee, TournamentReferee.user_id, people
        )
        self.panels: list[JudgeAssignment] = _rows(
            JudgeAssignment, JudgeAssignment.judge_id, people
        )
        self.sheets: list[ScoreSheet] = _rows(ScoreSheet, ScoreSheet.judge_id, people)
        self.placings: list[PlacingSheet] = _rows(PlacingSheet, PlacingSheet.judge_id, people)
        judging: list[Any] = [*self.panels, *self.sheets, *self.placings]
        judged = {row.contest_id for row in judging}
        self.contest_events: dict[int, int] = {
            contest_id: event_id
            for contest_id, event_id in db.session.execute(
                select(Contest.id, Contest.event_id).where(Contest.id.in_(judged))
            )
        }

    def person(self, user: User) -> rules.Person:
        def judged(rows: list[Any]) -> set[int]:
            return {row.contest_id for row in rows if row.judge_id == user.id}

        contests = judged(self.panels) | judged(self.sheets) | judged(self.placings)
        return rules.Person(
            id=user.id,
            merged=user.merged_into_id is not None,
            fields=audit.snapshot(user, rules.FILLED_FIELDS),
            roles=user.roles,
            seats=tuple(
                rules.Seat(m.id, r.id, r.event_id, r.status, m.role, size)
                for m, r, size in self.members
                if m.user_id == user.id
            ),
            groups=_keyed(self.groups, user, lambda row: (row.group_id, row.group_id)),
            attendance=_keyed(self.attendance, user, lambda row: (row.id, row.occurrence_id)),
            invitations=_keyed(self.invitations, user, lambda row: (row.id, row.registration_id)),
            referees=_keyed(self.referees, user, lambda row: (row.id, row.tournament_id)),
            judged_contests=tuple(sorted(contests)),
            judged_events=tuple(sorted(self.contest_events[c] for c in contests)),
        )


def _keyed(
    rows: list[Any], user: User, row_and_key: Callable[[Any], tuple[int, int]]
) -> tuple[rules.Keyed, ...]:
    """*user*'s rows among *rows*, each as its row id and the key it is unique by."""
    return tuple(rules.Keyed(*row_and_key(row)) for row in rows if row.user_id == user.id)


def plan_merge(kept: User, duplicate: User) -> rules.Plan:
    """What merging *duplicate* into *kept* would do (nothing is written), or a refusal."""
    loaded = _Loaded(kept, duplicate)
    return _plan(loaded, kept, duplicate)


def _plan(loaded: _Loaded, kept: User, duplicate: User) -> rules.Plan:
    try:
        return rules.plan(loaded.person(kept), loaded.person(duplicate))
    except rules.MergeRefused as refused:
        raise EventsysError(REFUSALS[refused.code](), field="duplicate") from refused


def merge_records(kept: User, duplicate: User, *, actor: User, now: datetime) -> rules.Plan:
    """Move everything *duplicate* holds to *kept* (domain.merge decides conflicts), switch the
    duplicate off as merged into *kept*, and audit both records with before and after."""
    if duplicate.id == actor.id:
        raise EventsysError(_("You cannot merge away your own account."), field="duplicate")
    if kept.id != duplicate.id:
        # Lock the events both are on, in id order, as registering does: no place is decided
        # on them while rosters move.
        events = sorted(
            set(
                db.session.scalars(
                    select(RegistrationMember.event_id).where(
                        RegistrationMember.user_id.in_((kept.id, duplicate.id))
                    )
                )
            )
        )
        for event_id in events:
            registration_service.lock_event(event_id)
    loaded = _Loaded(kept, duplicate)
    plan = _plan(loaded, kept, duplicate)
    before_kept = audit.snapshot(kept, _FIELDS) | {"roles": list(kept.roles)}
    before_duplicate = audit.snapshot(duplicate, _FIELDS) | {"roles": list(duplicate.roles)}
    _move_rosters(loaded, plan, kept)
    _move_keyed(loaded, plan, kept, duplicate)
    _move_references(kept, duplicate)
    _move_record(plan, kept, duplicate, now=now)
    db.session.flush()
    for event_id in plan.freed_events:
        registration_service.promote(db.session.get_one(Event, event_id), now=now, by=actor)
    summary = _summary(plan)
    audit.record(
        actor,
        "user.merge",
        "user",
        kept.id,
        before=before_kept,
        after=audit.snapshot(kept, _FIELDS)
        | {"roles": list(kept.roles), "merged_from": duplicate.id, **summary},
    )
    audit.record(
        actor,
        "user.merged",
        "user",
        duplicate.id,
        before=before_duplicate,
        after=audit.snapshot(duplicate, _FIELDS) | {"merged_into": kept.id},
    )
    db.session.flush()
    return plan


def _move_rosters(loaded: _Loaded, plan: rules.Plan, kept: User) -> None:
    members = {member.id: (member, registration) for member, registration, _n in loaded.members}
    registrations = {registration.id: registration for _m, registration, _n in loaded.members}
    for member_id in plan.seats.drop:
        db.session.delete(members[member_id][0])
    # The rows given up go before any row moves: one person, one roster per event.
    db.session.flush()
    for member_id in plan.seats.move:
        members[member_id][0].user_id = kept.id
    for member_id, role in plan.set_roles:
        members[member_id][0].role = role
    for registration_id in plan.cancel_registrations:
        registration = registrations[registration_id]
        registration.status = "cancelled"
        registration.version += 1
        for invitation in loaded.invitations:
            if invitation.registration_id == registration_id:
                db.session.delete(invitation)
    for registration_id in (*plan.shrink_registrations, *plan.shrink_for_invitations):
        registration = registrations.get(registration_id) or db.session.get_one(
            Registration, registration_id
        )
        registration.size = max(registration.size - 1, 1)
        registration.version += 1


def _move_keyed(loaded: _Loaded, plan: rules.Plan, kept: User, duplicate: User) -> None:
    def apply(rows: list[Any], key: Callable[[Any], int], moved: rules.Rows) -> None:
        for row in rows:
            if row.user_id != duplicate.id:
                continue
            if key(row) in moved.drop:
                db.session.delete(row)
            elif key(row) in moved.move:
                row.user_id = kept.id

    apply(loaded.groups, lambda row: row.group_id, plan.groups)
    apply(loaded.attendance, lambda row: row.id, plan.attendance)
    cancelled = set(plan.cancel_registrations)
    apply(
        [row for row in loaded.invitations if row.registration_id not in cancelled],
        lambda row: row.id,
        plan.invitations,
    )
    apply(loaded.referees, lambda row: row.id, plan.referees)
    db.session.flush()
    judging: list[Any] = [*loaded.panels, *loaded.sheets, *loaded.placings]
    for row in judging:
        if row.judge_id == duplicate.id:
            row.judge_id = kept.id


def _move_references(kept: User, duplicate: User) -> None:
    """Who made, leads or checked in what: the person's, so the kept record's. (The audit trail
    keeps who did what at the time: its records are not moved.)"""
    old = duplicate.id
    for registration in db.session.scalars(
        select(Registration).where(
            or_(Registration.captain_id == old, Registration.registered_by_id == old)
        )
    ):
        if registration.captain_id == old:
            registration.captain_id = kept.id
        if registration.registered_by_id == old:
            registration.registered_by_id = kept.id
    for notice in db.session.scalars(select(Notice).where(Notice.user_id == old)):
        notice.user_id = kept.id
    for group in db.session.scalars(select(Group).where(Group.leader_id == old)):
        group.leader_id = kept.id
    for event in db.session.scalars(select(Event).where(Event.organizer_id == old)):
        event.organizer_id = kept.id
    for row in db.session.scalars(select(Attendance).where(Attendance.checked_in_by_id == old)):
        row.checked_in_by_id = kept.id


def _move_record(plan: rules.Plan, kept: User, duplicate: User, *, now: datetime) -> None:
    # Unique fields leave the duplicate before the kept record takes them.
    for name in plan.fields:
        if name != "organisation_id":
            setattr(duplicate, name, None)
    db.session.flush()
    for name, value in plan.fields.items():
        setattr(kept, name, value)
    kept.is_organizer = "organizer" in plan.roles
    kept.is_judge = "judge" in plan.roles
    kept.is_participant = "participant" in plan.roles
    desk.end_sessions(duplicate, now)
    duplicate.calendar_secret = None
    duplicate.active = False
    duplicate.merged_into_id = kept.id
    db.session.execute(delete(PasswordResetCode).where(PasswordResetCode.user_id == duplicate.id))


def _summary(plan: rules.Plan) -> dict[str, Any]:
    """What the merge moved and decided, for the audit record."""
    return {
        "moved_registrations": len(plan.seats.move),
        "cancelled_registrations": list(plan.cancel_registrations),
        "moved_groups": len(plan.groups.move),
        "moved_attendance": len(plan.attendance.move),
        "kept_places": [
            {
                "event": c.event_id,
                "kept": c.kept_registration,
                "kept_status": c.kept_status,
                "given_up": c.given_up_registration,
                "given_up_status": c.given_up_status,
            }
            for c in plan.conflicts
        ],
    }
