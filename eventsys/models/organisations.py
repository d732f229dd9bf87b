"""Organisations: the bureau and its units (groups are in eventsys.models.groups)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsys import versions
from eventsys.extensions import db
from eventsys.models.types import UTCDateTime
from eventsys.timeutil import utcnow


class Organisation(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="units")
    units: Mapped[list[Organisation]] = relationship(
        back_populates="parent", order_by="Organisation.name"
    )

    def version_keys(self) -> tuple[str, ...]:
        return (versions.NAMES,)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"
