"""Notices: what a member should read about a change that matters to them, on their page and,
where a channel is configured, by text message.

Every notice is written by :func:`notify` (one INSERT however many people; each person's
``person:<id>`` version is raised, so their cached pages show the new unread count). Its
sentence is made in one place, :func:`sentence`, from the table in eventsys.labels. When the
SMS gateway is configured (``SMS_URL``, EVENTSYS_SMS_URL), a text message is queued for each
person with a phone who has not opted out, in the same transaction as the notice: a change
rolled back sends nothing; the worker (eventsys.services.outbound) sends it later, never the
page that made the change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import insert, select, union, update

from eventsys import versions
from eventsys.domain.places import ACTIVE_STATUSES
from eventsys.errors import EventsysError, Forbidden
from eventsys.extensions import db
from eventsys.i18n import format_when
from eventsys.labels import notice_sentence
from eventsys.models import (
    Event,
    Group,
    GroupMember,
    Notice,
    Registration,
    RegistrationMember,
    User,
)
from eventsys.models.notices import OutboundMessage
from eventsys.services import audit

MESSAGE_MAX_LENGTH = 300  # staff's own words: one screen, two text messages at most


def notify(
    user_ids: Iterable[int],
    kind: str,
    *,
    now: datetime,
    event: Event | None = None,
    params: Mapping[str, Any] | None = None,
    group_id: int | None = None,
) -> int:
    """Leave a notice of *kind* for each of *user_ids* (about *event* or the group *group_id*,
    with *params* for its sentence) and queue its text messages; return how many were told."""
    people = sorted(set(user_ids))
    if not people:
        return 0
    values = dict(params) if params else None
    rows = [
        {
            "user_id": user_id,
            "kind": kind,
            "event_id": event.id if event is not None else None,
            "group_id": group_id,
            "params": values,
            "created_at": now,
        }
        for user_id in people
    ]
    versions.touch(db.session, *(versions.person(user_id) for user_id in people))
    if not current_app.config.get("SMS_URL"):
        db.session.execute(insert(Notice), rows)
        return len(people)
    written = db.session.execute(insert(Notice).returning(Notice.user_id, Notice.id), rows)
    _queue_sms({user_id: notice_id for user_id, notice_id in written}, kind, event, values, now=now)
    return len(people)


def settle(user_ids: Iterable[int], kind: str, *, event_id: int, now: datetime) -> None:
    """Mark as read the unread notices of *kind* about the event that *user_ids* have dealt
    with otherwise (an invitation answered or withdrawn), in one statement."""
    people = sorted(set(user_ids))
    if not people:
        return
    db.session.execute(
        update(Notice)
        .where(
            Notice.user_id.in_(people),
            Notice.kind == kind,
            Notice.event_id == event_id,
            Notice.seen_at.is_(None),
        )
        .values(seen_at=now)
        .execution_options(synchronize_session=False)
    )
    versions.touch(db.session, *(versions.person(user_id) for user_id in people))


def _queue_sms(
    notice_of: Mapping[int, int],
    kind: str,
    event: Event | None,
    params: Mapping[str, Any] | None,
    *,
    now: datetime,
) -> None:
    """Queue one text message per person told who has a phone and has not opted out, in the
    person's own language."""
    people = db.session.execute(
        select(User.id, User.phone, User.language).where(
            User.id.in_(list(notice_of)),
            User.phone.is_not(None),
            User.sms_opt_out.is_(False),
            User.active.is_(True),
        )
    ).all()
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    rows = []
    for user_id, phone, language in people:
        with force_locale(language or default):
            text = sentence(kind, event, params)
        rows.append(
            {
                "notice_id": notice_of[user_id],
                "channel": "sms",
                "to": phone,
                "text": text,
                "status": "queued",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    if rows:
        db.session.execute(insert(OutboundMessage), rows)


def sentence(kind: str, event: Event | None, params: Mapping[str, Any] | None) -> str:
    """The notice's sentence in the current language, with the event's name and time."""
    given = dict(params or {})
    values: dict[str, object] = {
        key: value for key, value in given.items() if key not in ("at", "from")
    }
    at = _moment(given.get("at")) or (event.starts_at if event is not None else None)
    values["title"] = event.title if event is not None else ""
    values["when"] = format_when(at) if at is not None else ""
    old = _moment(given.get("from"))
    values["from"] = format_when(old) if old is not None else ""
    if kind == "message" and event is None:
        kind = "message_group"
    return notice_sentence(kind, values)


def sentence_of(notice: Notice) -> str:
    """The sentence of a stored notice (its event loaded with it)."""
    return sentence(notice.kind, notice.event, notice.params)


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def moment(value: datetime) -> str:
    """A time as a notice keeps it among its params."""
    return value.isoformat()


# ---- who is told ------------------------------------------------------------------------------


def registrant_ids(event_id: int, statuses: Sequence[str] = ACTIVE_STATUSES) -> list[int]:
    """Everyone on a registration of the event in one of *statuses*, and its captain (one
    statement)."""
    held = (Registration.event_id == event_id, Registration.status.in_(statuses))
    members = (
        select(RegistrationMember.user_id)
        .join(Registration, Registration.id == RegistrationMember.registration_id)
        .where(*held)
    )
    captains = select(Registration.captain_id).where(*held)
    return list(db.session.scalars(union(members, captains)))


def notify_registrants(
    event: Event,
    kind: str,
    *,
    now: datetime,
    statuses: Sequence[str] = ACTIVE_STATUSES,
    params: Mapping[str, Any] | None = None,
) -> int:
    """Tell everyone registered for *event* (in *statuses*); return how many were told."""
    return notify(registrant_ids(event.id, statuses), kind, now=now, event=event, params=params)


# ---- staff write to a list of people ---------------------------------------------------------


def send_message(
    text: str,
    *,
    by: User,
    now: datetime,
    event: Event | None = None,
    statuses: Sequence[str] = ACTIVE_STATUSES,
    group: Group | None = None,
) -> int:
    """Send staff's own words to an event's registrants (in *statuses*) or a group's members;
    return how many were told. A notice nobody would receive is refused."""
    if not by.is_organizer:
        raise Forbidden(_("Only staff may send notices."))
    words = text.strip()
    if not words:
        raise EventsysError(_("Please write the notice."), field="text")
    if len(words) > MESSAGE_MAX_LENGTH:
        raise EventsysError(
            _("A notice may be at most %(count)d characters long.", count=MESSAGE_MAX_LENGTH),
            field="text",
        )
    if (event is None) == (group is None):
        raise EventsysError(_("Choose an event or a group to write to."))
    if event is not None:
        chosen = [status for status in statuses if status in ACTIVE_STATUSES]
        if not chosen:
            raise EventsysError(_("Choose whom to write to."), field="statuses")
        people = registrant_ids(event.id, chosen)
        params: dict[str, Any] = {"text": words}
        target = ("event", event.id, {"statuses": chosen})
    else:
        assert group is not None
        people = list(
            db.session.scalars(select(GroupMember.user_id).where(GroupMember.group_id == group.id))
        )
        params = {"text": words, "group": group.name}
        target = ("group", group.id, {})
    if not people:
        raise EventsysError(
            _("Nobody would receive this notice: the list is empty. Nothing was sent.")
        )
    told = notify(people, "message", now=now, event=event, params=params)
    object_type, object_id, extra = target
    audit.record(
        by, "notice.send", object_type, object_id, after={"text": words, "people": told, **extra}
    )
    return told
