"""People who use eventsys, their roles, their signed-in devices, and sign-in and sign-up
attempts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false, select
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from eventsys import versions
from eventsys.extensions import db
from eventsys.models.types import UTCDateTime
from eventsys.timeutil import utcnow

if TYPE_CHECKING:
    from eventsys.models.organisations import Organisation

ROLES = ("organizer", "judge", "participant")


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    # The number on the member's card in the bureau's own list (会员编号): how an import finds
    # the member again. None for accounts made here.
    member_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    # Derived from name: unbounded, since a reading is several times longer than the name it
    # reads (31 × 双 is 248 characters of "shuang ... sssss"); name's own limit is the check.
    name_pinyin: Mapped[str] = mapped_column(Text, default="", index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    is_organizer: Mapped[bool] = mapped_column(Boolean, default=False)
    is_judge: Mapped[bool] = mapped_column(Boolean, default=False)
    is_participant: Mapped[bool] = mapped_column(Boolean, default=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str | None] = mapped_column(String(8))
    # A random seed from which the personal feed's address is derived with the app's secret key
    # (HMAC), so the address can be shown again but not rebuilt from a stolen database alone.
    # None until an address is made; replacing the seed retires the old address.
    calendar_secret: Mapped[str | None] = mapped_column(String(64))
    # Bumped on password change or "sign out everywhere" (and audited); the sessions themselves
    # end through their LoginSession rows.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when the desk merged this record into another record of the same person (it is then
    # disabled; services.desk.merge_records moved what it held).
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # No text messages (SMS) for this member: their notices stay on their page only.
    sms_opt_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()
    merged_into: Mapped[User | None] = relationship(remote_side=[id])

    def set_password(self, password: str) -> None:
        """Store a salted hash of *password* (scrypt unless configured otherwise)."""
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        """Tell whether *password* matches, in constant time."""
        return check_password_hash(self.password_hash, password)

    # Which signed-in device this object stands for: set by services.accounts when someone
    # signs in, and by the user loader on every request. Plain attributes, not columns.
    def attach_login_session(self, login_session_id: int, key: str) -> None:
        """Make this object stand for the signed-in device *login_session_id*."""
        self.__dict__["_login_session_id"] = login_session_id
        self.__dict__["_login_token"] = f"{login_session_id}:{key}"

    def attach_unread_notices(self, count: int) -> None:
        """Note how many notices this person has not read (read with them on each request)."""
        self.__dict__["_unread_notices"] = count

    @property
    def unread_notices(self) -> int:
        """The unread notices counted when this person was loaded for the request."""
        return int(self.__dict__.get("_unread_notices", 0))

    @property
    def login_session_id(self) -> int | None:
        """The id of the signed-in device this object was loaded through, if any."""
        value: int | None = self.__dict__.get("_login_session_id")
        return value

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie.

        "<login_session.id>:<key>": the device's record and its secret, never the user id
        alone, so that signing out on one device ends that device's cookies on the server."""
        token: str | None = self.__dict__.get("_login_token")
        if token is None:
            raise RuntimeError("sign in through services.accounts.start_session first")
        return token

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(role for role in ROLES if getattr(self, f"is_{role}"))

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.login}>"

    def version_keys(self) -> tuple[str, ...]:
        """Their own feed and pages; their name wherever it is shown (results, rosters); and
        the contests they judge when their organisation changes (a judge stands aside for the
        entries of their own organisation, so those contests' results change with it)."""
        keys = [versions.person(self.id)]
        if versions.is_new(self):
            return tuple(keys)
        if versions.changed(self, "name", "active"):
            keys.append(versions.NAMES)
        if versions.changed(self, "organisation_id"):
            from eventsys.models.contests import JudgeAssignment  # contests import users

            session = object_session(self)
            if session is not None:
                judged = session.scalars(
                    select(JudgeAssignment.contest_id).where(JudgeAssignment.judge_id == self.id)
                )
                keys.extend(versions.contest(contest_id) for contest_id in judged)
        return tuple(keys)


def hash_password(password: str) -> str:
    """Return a salted hash of *password* (scrypt unless configured otherwise)."""
    from flask import current_app

    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


class LoginSession(db.Model):  # type: ignore[name-defined,misc]
    """One signed-in device (a browser): its session and remember-me cookies name this row.

    The cookies carry the row's id and a random key; only the key's SHA-256 digest is stored,
    so the table alone signs nobody in. Signing out on the device sets revoked_at, "sign out
    everywhere" and a new password set it on every row of the person; nothing ever clears it
    (signing in again makes a new row)."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    key_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Written at most every few minutes (services.accounts.TOUCH_EVERY), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "Chrome, Android": enough for a person to recognise the device, nothing more.
    device: Mapped[str] = mapped_column(String(80), default="")


class SignupRefusal(db.Model):  # type: ignore[name-defined,misc]
    """A sign-up refused because the login name or phone number was taken.

    Kept for the limit's window, per client address, so that every worker sees the same limit
    on how many names one address may probe (services.accounts.sign_up)."""

    __tablename__ = "signup_refusal"
    __table_args__ = (Index("ix_signup_refusal_address_at", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginThrottle(db.Model):  # type: ignore[name-defined,misc]
    """Failed sign-ins counted under one key: an address and an account together, an address,
    or an account (services.accounts.authenticate explains the keys and their limits).

    One row per key, locked while an attempt is reserved, so that parallel attempts on one key
    are counted one after the other by every worker; the row is written before the password is
    checked. blocked_until grows with every failure past the limit."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class PasswordResetCode(db.Model):  # type: ignore[name-defined,misc]
    """A one-time code the help desk gives a member (on a printed slip) to set a new password.

    Only the code's SHA-256 digest is kept; one code per member at a time (issuing another
    replaces it), used once, valid for a day."""

    __tablename__ = "password_reset_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    code_digest: Mapped[str] = mapped_column(String(64))
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
