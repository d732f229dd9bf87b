"""Registrations (entries): a person, a team or a troupe entered in an event, and attendance.

An individual registration is an entry with one member, so capacity, waiting lists, contests
(entries are what judges score) and tournaments (entries are the teams) share one table."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsys import versions
from eventsys.domain.places import ACTIVE_STATUSES
from eventsys.extensions import db
from eventsys.models.types import UTCDateTime, code_type, owned
from eventsys.timeutil import utcnow

if TYPE_CHECKING:
    from eventsys.models.events import Event, Occurrence
    from eventsys.models.groups import Group
    from eventsys.models.organisations import Organisation
    from eventsys.models.users import User

REGISTRATION_STATUSES = ("pending", "confirmed", "waiting", "cancelled", "rejected")
MEMBER_ROLES = ("captain", "player", "substitute", "performer")
ENTRY_KINDS = ("individual", "team")
# How someone was checked in: from the list at the door, by QR code, or as a walk-in.
ATTENDANCE_METHODS = ("list", "qr", "walk_in")


class Registration(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "registration"
    __table_args__ = (
        CheckConstraint("size >= 1", name="size_positive"),
        Index("ix_registration_event_status", "event_id", "status"),
        Index("ix_registration_queue", "event_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(
        code_type(ENTRY_KINDS, name="kind_known", length=12), default="individual"
    )
    # The person responsible: the registrant themself, or a team's captain or troupe's leader.
    captain_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    team_name: Mapped[str | None] = mapped_column(String(120))
    # What the entry presents: a poem's title, a troupe's programme, a photograph's title.
    title: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(
        code_type(REGISTRATION_STATUSES, name="status_known", length=12)
    )
    # When the entry joined. The waiting list is ordered by id: ids are drawn while the event's
    # lock is held, so they follow the order in which places were decided (a clock read before
    # the lock would not), and a promotion keeps that order.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A code judges see instead of names in blind contests.
    blind_code: Mapped[str | None] = mapped_column(String(12))
    # Raised on every change, so a form edited in two tabs can tell that it is out of date.
    version: Mapped[int] = mapped_column(Integer, default=1)

    event: Mapped[Event] = relationship()
    captain: Mapped[User] = relationship(foreign_keys=[captain_id])
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])
    organisation: Mapped[Organisation | None] = relationship()
    members: Mapped[list[RegistrationMember]] = owned(
        "registration", order_by="RegistrationMember.position"
    )

    @property
    def display_name(self) -> str:
        return self.team_name or self.captain.name

    @property
    def shown_status(self) -> str:
        """The status a registrant reads: "event_cancelled" for a live registration whose event
        was cancelled, else the registration's own status.

        Derived, not stored: cancelling an event leaves every registration as it was, so that
        the one rule here decides what people read and nothing is lost if the event returns."""
        if self.status in ACTIVE_STATUSES and self.event.status == "cancelled":
            return "event_cancelled"
        return self.status

    def __repr__(self) -> str:
        return f"<Registration {self.id} event={self.event_id} {self.status}>"

    def version_keys(self) -> tuple[str, ...]:
        """Its event (places left, the entries of its contest or tournament), the programme
        (places left there too) and the feeds of the people who made it."""
        people = sorted({p for p in (self.captain_id, self.registered_by_id) if p is not None})
        return (
            versions.event_key(self.event_id),
            versions.PROGRAMME,
            *(versions.person(user_id) for user_id in people),
        )


class RegistrationMember(db.Model):  # type: ignore[name-defined,misc]
    """A person on an entry's roster; one person is on at most one active roster per event."""

    __tablename__ = "registration_member"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id", name="uq_registration_member_event_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    # Denormalised from the registration so that the database itself refuses a second roster.
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[str] = mapped_column(
        code_type(MEMBER_ROLES, name="role_known", length=12), default="player"
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    registration: Mapped[Registration] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    def version_keys(self) -> tuple[str, ...]:
        return (versions.event_key(self.event_id), versions.person(self.user_id))


class TeamInvitation(db.Model):  # type: ignore[name-defined,misc]
    """A person named on a team's roster by its captain who has not yet accepted.

    Kept apart from registration_member on purpose: only people who said yes are on a roster,
    so the database's one-roster-per-event rule, check-in, calendars, rosters and judging all
    see confirmed members only, and an invitation blocks nothing. The team holds a place for
    each invitation (it counts in the registration's size) until it is accepted or declined."""

    __tablename__ = "team_invitation"
    __table_args__ = (
        UniqueConstraint("registration_id", "user_id", name="uq_team_invitation_registration_user"),
        Index("ix_team_invitation_user_event", "user_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(
        code_type(MEMBER_ROLES, name="role_known", length=12), default="player"
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship()
    user: Mapped[User] = relationship()

    def version_keys(self) -> tuple[str, ...]:
        return (versions.event_key(self.event_id), versions.person(self.user_id))


class Attendance(db.Model):  # type: ignore[name-defined,misc]
    """One person present at one sitting: checked in at the door or recorded as a walk-in."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("occurrence_id", "user_id", name="uq_attendance_occurrence_user"),
        Index("ix_attendance_event_at", "event_id", "checked_in_at"),
        # A walk-in guest without an account is a name and a phone number instead of a person.
        CheckConstraint("(user_id IS NULL) <> (guest_name IS NULL)", name="member_or_guest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    occurrence_id: Mapped[int] = mapped_column(
        ForeignKey("occurrence.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL")
    )
    guest_name: Mapped[str | None] = mapped_column(String(80))
    guest_phone: Mapped[str | None] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(
        code_type(ATTENDANCE_METHODS, name="method_known", length=10)
    )
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    occurrence: Mapped[Occurrence] = relationship()

    @property
    def person_name(self) -> str:
        return self.user.name if self.user is not None else (self.guest_name or "")

    def version_keys(self) -> tuple[str, ...]:
        people = (versions.person(self.user_id),) if self.user_id is not None else ()
        return (versions.event_key(self.event_id), *people)


class Notice(db.Model):  # type: ignore[name-defined,misc]
    """Something a person should read on their page (e.g. promoted from the waiting list)."""

    __tablename__ = "notice"
    __table_args__ = (Index("ix_notice_user_seen", "user_id", "seen_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    # The interest group a notice is about (a join request answered).
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("interest_group.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the sentence names besides the event (eventsys.services.notices.sentence): a
    # sitting's old and new time, a reason, a team-mate, staff's own words, a group's name.
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    event: Mapped[Event | None] = relationship()
    group: Mapped[Group | None] = relationship()

    def version_keys(self) -> tuple[str, ...]:
        return (versions.person(self.user_id),)
