"""People who use eventsys, their roles, and sign-in attempts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

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
    name: Mapped[str] = mapped_column(String(80))
    name_pinyin: Mapped[str] = mapped_column(String(240), default="", index=True)
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
    # Bumped on password change or "sign out everywhere": old sessions stop matching.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")

    def set_password(self, password: str) -> None:
        """Store a salted hash of *password* (scrypt unless configured otherwise)."""
        from flask import current_app

        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        """Tell whether *password* matches, in constant time."""
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

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


class LoginFailure(db.Model):  # type: ignore[name-defined,misc]
    """One failed sign-in, kept briefly so that every worker sees the same limit."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
