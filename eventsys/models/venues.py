"""Rooms and courts that events book."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eventsys import versions
from eventsys.extensions import db
from eventsys.models.types import UTCDateTime, code_type
from eventsys.timeutil import utcnow

VENUE_KINDS = ("room", "hall", "court", "outdoor")


class Venue(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "venue"
    __table_args__ = (CheckConstraint("capacity >= 0", name="capacity_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(
        code_type(VENUE_KINDS, name="kind_known", length=20), default="room"
    )
    capacity: Mapped[int] = mapped_column(Integer, default=0)
    location: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def version_keys(self) -> tuple[str, ...]:
        """The room's own pages and feed, and its name and details wherever they are shown."""
        return (versions.venue(self.id), versions.NAMES)

    def __repr__(self) -> str:
        return f"<Venue {self.id} {self.name}>"
