"""Groups (interest groups, societies, troupes, teams) and who belongs to them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsys import versions
from eventsys.extensions import db
from eventsys.models.types import UTCDateTime, code_type, owned
from eventsys.timeutil import utcnow

if TYPE_CHECKING:
    from eventsys.models.organisations import Organisation
    from eventsys.models.users import User

GROUP_KINDS = ("interest_group", "society", "troupe", "team")


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
