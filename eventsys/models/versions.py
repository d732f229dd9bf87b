"""One counter per aggregate (a contest, a tournament, an event, a room's week, the programme, a
person's feed), raised in the transaction that changes the aggregate (eventsys.versions)."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from eventsys.extensions import db


class AggregateVersion(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "aggregate_version"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
