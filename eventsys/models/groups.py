"""Groups (interest groups, societies, troupes, teams) and who belongs to them."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsys import versions
from eventsys.extensions import db
from eventsys.models.types import UTCDateTime, code_type, owned
from eventsys.timeutil import utcnow

if TYPE_CHECKING:
    from eventsys.models.organisations import Organisation
    from eventsys.models.users import User

GROUP_KINDS = ("interest_group", "society", "troupe", "team")
# A member's request to join a group: waiting for the leader or staff, then accepted or refused.
JOIN_REQUEST_STATUSES = ("pending", "accepted", "refused")


class Group(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "interest_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(code_type(GROUP_KINDS, name="kind_known", length=20))
    description: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    leader_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()
    leader: Mapped[User | None] = relationship()
    memberships: Mapped[list[GroupMember]] = owned("group")

    def version_keys(self) -> tuple[str, ...]:
        return (versions.NAMES,)


class GroupMember(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "group_member"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("interest_group.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[Group] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    def version_keys(self) -> tuple[str, ...]:
        return (versions.person(self.user_id),)


class JoinRequest(db.Model):  # type: ignore[name-defined,misc]
    """A member asking to join a group; at most one is pending per member and group."""

    __tablename__ = "group_join_request"
    __table_args__ = (
        Index(
            "uq_group_join_request_pending",
            "group_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("interest_group.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(
        code_type(JOIN_REQUEST_STATUSES, name="status_known", length=12), default="pending"
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    group: Mapped[Group] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def version_keys(self) -> tuple[str, ...]:
        return (versions.person(self.user_id),)


class Honour(db.Model):  # type: ignore[name-defined,misc]
    """A result won outside the centre (荣誉榜): who, which competition, organiser, date, award,
    and optionally a photo of the certificate (stored under a random name)."""

    __tablename__ = "honour"
    __table_args__ = (
        CheckConstraint("winner <> '' OR group_id IS NOT NULL", name="names_winner"),
        Index("ix_honour_awarded_on", "awarded_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("interest_group.id", ondelete="SET NULL"), index=True
    )
    # Who won, as written on the certificate: a member, a team's or a programme's name.
    winner: Mapped[str] = mapped_column(String(200), default="")
    competition: Mapped[str] = mapped_column(String(200))
    organiser: Mapped[str] = mapped_column(String(200), default="")
    awarded_on: Mapped[date] = mapped_column(Date)
    award: Mapped[str] = mapped_column(String(60))
    # The certificate's photo: a random file name in the instance folder, and its type.
    photo: Mapped[str | None] = mapped_column(String(64))
    photo_type: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[Group | None] = relationship()

    @property
    def shown_winner(self) -> str:
        """Who won, as the honours list shows it: the name written, else the group's."""
        if self.winner:
            return self.winner
        return self.group.name if self.group is not None else ""
