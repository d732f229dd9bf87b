"""One row per table: a random number that changes whenever the table's rows change.

Cached pages remember the numbers of the tables they read and are served again only while every
one of them is unchanged (eventsys.generations, eventsys.web.pagecache)."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from eventsys.extensions import db


class TableGeneration(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "table_generation"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
