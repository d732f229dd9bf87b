"""The help desk: correct a member's record, give a one-time code to set a new password.

Members who forgot their password ring the centre. The desk never chooses a password for
them: it issues a code (shown once, printed on a slip, valid a day) with which the member sets
their own on the public "new password" page. Only an HMAC of the code is stored, compared in
constant time; a member has at most one code; issuing one signs the member out everywhere.
Every change is audited with who did it, what was before and what is after."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from eventsys.domain.text import looks_like_phone, normalise_number, normalise_phone
from eventsys.errors import EventsysError, NotFound
from eventsys.extensions import db
from eventsys.models import LoginSession, Organisation, PasswordResetCode, User
from eventsys.pinyin import name_pinyin
from eventsys.services import accounts, audit

CODE_DIGITS = 8
CODE_VALID = timedelta(hours=24)
RECORD_FIELDS = ("name", "phone", "organisation_id")


@dataclass(frozen=True)
class Record:
    """What the desk may correct in a member's record."""

    name: str
    phone: str | None
    organisation_id: int | None


def correct_record(person: User, data: Record, *, actor: User) -> bool:
    """Correct *person*'s name, phone and organisation; audit what changed. False if nothing."""
    phone = normalise_phone(data.phone) if data.phone else None
    if phone is not None and not looks_like_phone(phone):
        raise EventsysError(_("Enter a phone number of 7 to 15 digits."), field="phone")
    if (
        data.organisation_id is not None
        and db.session.get(Organisation, data.organisation_id) is None
    ):
        raise NotFound(_("Choose an organisation from the list."), field="organisation_id")
    if phone is not None and phone != person.phone:
        taken = db.session.scalar(select(User.id).where(User.phone == phone, User.id != person.id))
        if taken is not None:
            raise EventsysError(
                _("This phone number belongs to another member's account."), field="phone"
            )
    before = audit.snapshot(person, RECORD_FIELDS)
    person.name = data.name
    person.name_pinyin = name_pinyin(data.name)
    person.phone = phone
    person.organisation_id = data.organisation_id
    after = audit.snapshot(person, RECORD_FIELDS)
    changed = [name for name in RECORD_FIELDS if before[name] != after[name]]
    if not changed:
        return False
    audit.record(
        actor,
        "user.record",
        "user",
        person.id,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
    )
    db.session.flush()
    return True


def _digest(user_id: int, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"reset:{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def issue_reset_code(person: User, *, actor: User, now: datetime) -> str:
    """Give *person* a new one-time code (replacing any other) and sign them out everywhere.

    Return the code, to be shown to the desk once; it is not kept."""
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    db.session.execute(delete(PasswordResetCode).where(PasswordResetCode.user_id == person.id))
    db.session.add(
        PasswordResetCode(
            user_id=person.id,
            code_digest=_digest(person.id, code),
            issued_by_id=actor.id,
            created_at=now,
            expires_at=now + CODE_VALID,
        )
    )
    end_sessions(person, now)
    audit.record(
        actor,
        "user.reset_code",
        "user",
        person.id,
        after={"expires_at": (now + CODE_VALID).isoformat()},
    )
    db.session.flush()
    return code


def end_sessions(person: User, now: datetime) -> None:
    """End every signed-in device of *person* (the caller's audit record says why)."""
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == person.id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    person.session_version += 1


def active_code_expiry(person: User, *, now: datetime) -> datetime | None:
    """When *person*'s unused code expires, or None if they have none that still works."""
    return db.session.scalar(
        select(PasswordResetCode.expires_at).where(
            PasswordResetCode.user_id == person.id, PasswordResetCode.expires_at > now
        )
    )


def format_code(code: str) -> str:
    """Show a code in two groups of four, as it is read out on the telephone: 1234 5678."""
    return f"{code[:4]} {code[4:]}"


def reset_password(
    attempt: accounts.SignInAttempt, code: str, new_password: str, *, now: datetime
) -> User:
    """Set a new password with a desk code, for a try already counted like a sign-in.

    The code is used up, every device of the member is signed out, the sign-in limits on the
    member from this address are lifted and the change is audited. A wrong, used or expired
    code gets one answer, whichever it was."""
    typed = "".join(ch for ch in normalise_number(code) if ch.isdigit())
    row = (
        db.session.scalar(
            select(PasswordResetCode).where(PasswordResetCode.user_id == attempt.user_id)
        )
        if attempt.user_id is not None
        else None
    )
    expected = row.code_digest if row is not None else "0" * 64
    matches = hmac.compare_digest(expected, _digest(attempt.user_id or 0, typed))
    if row is None or not matches or row.expires_at <= now:
        raise EventsysError(
            _(
                "This code is not right, was used already or is older than a day. Please "
                "check it, or call the centre for a new one."
            ),
            field="code",
        )
    person = accounts.complete_sign_in(attempt, True)
    db.session.delete(row)
    person.set_password(new_password)
    end_sessions(person, now)
    audit.record(person, "user.password_reset", "user", person.id)
    db.session.flush()
    return person


# ---- switching an account off and on ---------------------------------------------------------


def set_active(person: User, active: bool, *, actor: User, now: datetime) -> bool:
    """Switch *person*'s account off (or on again), audited; False if it already was.

    Switched off, the account signs in nowhere: every signed-in device is signed out, its
    calendar address is retired and any one-time code deleted, and it cannot be registered
    for anything.
    Switching it on again brings none of them back: the member signs in anew, and the desk
    gives a new code if the password is forgotten."""
    if person.active == active:
        return False
    if not active:
        if person.id == actor.id:
            raise EventsysError(_("You cannot switch off your own account."), field="active")
        accounts.check_not_last_organizer(person)
        end_sessions(person, now)
        db.session.execute(delete(PasswordResetCode).where(PasswordResetCode.user_id == person.id))
        person.calendar_secret = None
    elif person.merged_into_id is not None:
        raise EventsysError(
            _("This record was merged into another one and stays switched off."), field="active"
        )
    person.active = active
    audit.record(
        actor,
        "user.enable" if active else "user.disable",
        "user",
        person.id,
        before={"active": not active},
        after={"active": active},
    )
    db.session.flush()
    return True
