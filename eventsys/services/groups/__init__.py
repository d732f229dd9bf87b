"""Interest groups and the honours board: join requests, registering a group's members for its
event, and honours with their certificate photos. Writes only: flush, never commit.

Who may answer a join request or register the members is decided here, on the server, for the
one group concerned (domain.groups.may_lead): staff, or that group's own leader."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eventsys.domain import groups as rules
from eventsys.errors import Conflict, EventsysError, Forbidden, NotFound
from eventsys.extensions import db
from eventsys.models import Event, Group, GroupMember, Honour, JoinRequest, User
from eventsys.services import audit, notices
from eventsys.services import registrations as registration_service

# Why a join request cannot be made or answered (domain.groups.JoinRefused.code), in words.
_REFUSALS: dict[str, Callable[[], EventsysError]] = {
    "member": lambda: Conflict(_("You are already a member of this group.")),
    "pending": lambda: Conflict(
        _("You have already asked to join this group. The leader will answer soon.")
    ),
    "answered": lambda: Conflict(_("This request has already been answered.")),
    "unknown_answer": lambda: EventsysError(_("Choose to accept or to refuse.")),
}


def _refused(error: rules.JoinRefused) -> EventsysError:
    return _REFUSALS[error.code]()


def may_lead(group: Group, person: User | None) -> bool:
    """Tell whether *person* may answer this group's join requests and register its members."""
    if person is None:
        return False
    return rules.may_lead(
        person_id=person.id, is_staff=person.is_organizer, leader_id=group.leader_id
    )


def _check_leads(group: Group, person: User) -> None:
    if not may_lead(group, person):
        raise Forbidden(_("Only the group's leader or the centre's staff may do this."))


def _is_member(group_id: int, user_id: int) -> bool:
    return db.session.get(GroupMember, (group_id, user_id)) is not None


# ---- join requests ----------------------------------------------------------------------------


def ask_to_join(group: Group, person: User, *, now: datetime) -> JoinRequest:
    """Ask, as *person*, to join *group*; the leader or staff answer."""
    pending = db.session.scalar(
        select(JoinRequest.id).where(
            JoinRequest.group_id == group.id,
            JoinRequest.user_id == person.id,
            JoinRequest.status == rules.PENDING,
        )
    )
    try:
        rules.check_ask(is_member=_is_member(group.id, person.id), has_pending=pending is not None)
    except rules.JoinRefused as error:
        raise _refused(error) from None
    request = JoinRequest(
        group_id=group.id, user_id=person.id, status=rules.PENDING, created_at=now
    )
    try:
        with db.session.begin_nested():
            db.session.add(request)
    except IntegrityError:  # the same member asked at the same moment in another request
        raise _refused(rules.JoinRefused("pending")) from None
    audit.record(person, "group.join.ask", "group", group.id, after={"request_id": request.id})
    return request


def answer_request(
    group: Group, request_id: int, given: str, *, by: User, now: datetime
) -> JoinRequest:
    """Accept or refuse (*given*) a request to join *group*, as its leader or staff; the member
    finds a notice on their page, and an accepted member is in the group."""
    _check_leads(group, by)
    request = db.session.scalars(
        select(JoinRequest)
        .where(JoinRequest.id == request_id, JoinRequest.group_id == group.id)
        .with_for_update()
    ).first()
    if request is None:
        raise NotFound(_("This request does not exist."))
    try:
        status = rules.answer(request.status, given)
    except rules.JoinRefused as error:
        raise _refused(error) from None
    request.status, request.decided_at, request.decided_by_id = status, now, by.id
    if status == rules.ACCEPTED and not _is_member(group.id, request.user_id):
        db.session.add(GroupMember(group_id=group.id, user_id=request.user_id, joined_at=now))
    notices.notify(
        [request.user_id],
        f"group_join_{status}",
        now=now,
        params={"group": group.name},
        group_id=group.id,
    )
    db.session.flush()
    audit.record(
        by,
        "group.join.answer",
        "group",
        group.id,
        before={"request_id": request.id, "status": rules.PENDING},
        after={"request_id": request.id, "status": status, "user_id": request.user_id},
    )
    return request


# ---- registering the members for a group event ------------------------------------------------


@dataclass(frozen=True)
class MemberOutcome:
    """What became of one member: a registration status (confirmed, pending, waiting), or
    "refused" with the reason."""

    name: str
    status: str
    reason: str = ""


def register_members(
    group: Group, event: Event, user_ids: Sequence[int], *, by: User, now: datetime
) -> list[MemberOutcome]:
    """Register the chosen members of *group* for its *event*, one registration each through
    the registration service (so places, the waiting list and its rules hold, under the
    event's lock, as for anyone); a member who cannot be registered is left out with the
    reason, and the others are kept."""
    _check_leads(group, by)
    if event.group_id != group.id:
        raise EventsysError(_("This event is not one of the group's activities."))
    if event.registration_mode != "individual":
        raise EventsysError(
            _("This event takes team entries: enter the group as a team on the event's page.")
        )
    if not user_ids:
        raise EventsysError(_("Choose at least one member."), field="members")
    registration_service.check_open(event, now, staff=by.is_organizer)
    chosen = set(user_ids)
    members = db.session.scalars(
        select(User)
        .join(GroupMember, GroupMember.user_id == User.id)
        .where(GroupMember.group_id == group.id, User.id.in_(chosen))
        .order_by(User.name_pinyin)
    ).all()
    if len(members) != len(chosen):
        raise NotFound(_("Choose members of this group from the list."), field="members")
    outcomes: list[MemberOutcome] = []
    for person in members:
        try:
            with db.session.begin_nested():  # a refusal undoes this member only
                registration = registration_service.register(
                    event, person, by=by, now=now, group_leader=True
                )
        except EventsysError as refusal:
            outcomes.append(MemberOutcome(person.name, "refused", str(refusal)))
        else:
            outcomes.append(MemberOutcome(person.name, registration.status))
    audit.record(
        by,
        "group.register_members",
        "event",
        event.id,
        after={"group_id": group.id, "outcomes": [[o.name, o.status] for o in outcomes]},
    )
    return outcomes


# ---- honours ----------------------------------------------------------------------------------

PHOTO_MAX_BYTES = 6 * 1024 * 1024


def photo_max_bytes() -> int:
    """The largest certificate photo taken (HONOUR_PHOTO_MAX_BYTES)."""
    return int(current_app.config.get("HONOUR_PHOTO_MAX_BYTES", PHOTO_MAX_BYTES))


def photo_folder() -> Path:
    """Where certificate photos are kept: the instance folder, never a path from the upload."""
    return Path(current_app.instance_path) / "honours"


HONOUR_FIELDS = ("winner", "competition", "organiser", "awarded_on", "award", "group_id", "photo")


@dataclass(frozen=True, kw_only=True)
class HonourData:
    """An honour as staff record it: a group or a name (or both) must say who won."""

    competition: str
    award: str
    group_id: int | None = None
    awarded_on: date
    winner: str = ""
    organiser: str = ""


def _store_photo(body: bytes, folder: Path) -> tuple[str, str]:
    """Keep a certificate photo under a random name in *folder*: (file name, content type)."""
    content_type = rules.image_type(body)
    if content_type is None:
        raise EventsysError(
            _("The photo must be a JPEG or PNG picture (a .jpg or .png file)."), field="photo"
        )
    name = secrets.token_hex(16) + rules.extension(content_type)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(body)
    return name, content_type


def _discard_photo(name: str | None, folder: Path) -> None:
    if name:
        (folder / name).unlink(missing_ok=True)


def save_honour(
    data: HonourData,
    *,
    actor: User,
    folder: Path,
    honour: Honour | None = None,
    photo: bytes | None = None,
    remove_photo: bool = False,
) -> Honour:
    """Record an honour, or correct *honour*; a new *photo* replaces the old one."""
    if not data.winner.strip() and data.group_id is None:
        raise EventsysError(_("Say who won: a group, or a name."), field="winner")
    if data.group_id is not None and db.session.get(Group, data.group_id) is None:
        raise NotFound(_("Choose a group from the list."), field="group_id")
    before = audit.snapshot(honour, HONOUR_FIELDS) if honour else None
    stored = _store_photo(photo, folder) if photo else None
    if honour is None:
        honour = Honour()
        db.session.add(honour)
    for name in ("winner", "competition", "organiser", "awarded_on", "award", "group_id"):
        setattr(honour, name, getattr(data, name))
    old_photo = honour.photo
    if stored is not None or remove_photo:
        honour.photo, honour.photo_type = stored if stored is not None else (None, None)
    db.session.flush()
    if honour.photo != old_photo:
        _discard_photo(old_photo, folder)
    after = audit.snapshot(honour, HONOUR_FIELDS)
    audit.record(actor, "honour.save", "honour", honour.id, before=before, after=after)
    return honour


def delete_honour(honour: Honour, *, actor: User, folder: Path) -> None:
    """Take an honour off the board, with its photo."""
    before, honour_id = audit.snapshot(honour, HONOUR_FIELDS), honour.id
    db.session.delete(honour)
    db.session.flush()
    _discard_photo(before["photo"], folder)
    audit.record(actor, "honour.delete", "honour", honour_id, before=before)
