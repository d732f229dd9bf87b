"""Column types, and the relationship builder, shared by the models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Enum
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Relationship, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as naive UTC, so SQLite and PostgreSQL agree exactly."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def code_type(codes: Sequence[str], *, name: str, length: int) -> Enum:
    """A column of stored codes: VARCHAR(*length*) with CHECK (column IN (*codes*)).

    Not a native enum (SQLite has none, and a PostgreSQL enum type is awkward to extend); the
    CHECK is named by the metadata's naming convention, ck_<table>_<name>."""
    return Enum(*codes, name=name, native_enum=False, create_constraint=True, length=length)


def owned(back_populates: str, **options: Any) -> Relationship[Any]:
    """The rows that belong to this one (saved and deleted with it; one taken out of the list
    is deleted), the other side being *back_populates*."""
    return relationship(back_populates=back_populates, cascade="all, delete-orphan", **options)
