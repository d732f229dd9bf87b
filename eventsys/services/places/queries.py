"""The reads the room, organisation and group pages need."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import selectinload

from eventsys.extensions import db
from eventsys.models import Group, GroupMember, Organisation, User, Venue


def active_venues() -> Sequence[Venue]:
    """The rooms in use, by name."""
    return db.session.scalars(
        select(Venue).where(Venue.active.is_(True)).order_by(Venue.name)
    ).all()


def all_venues() -> Sequence[Venue]:
    """Every room, retired ones too, by name."""
    return db.session.scalars(select(Venue).order_by(Venue.name)).all()


def active_venue_seats() -> Sequence[Row[int, str, int]]:
    """(id, name, seats) of the rooms in use, by name: the event form's choices."""
    return db.session.execute(
        select(Venue.id, Venue.name, Venue.capacity)
        .where(Venue.active.is_(True))
        .order_by(Venue.name)
    ).all()


def organisation_names() -> Sequence[Row[int, str]]:
    """(id, name) of every organisation, by name."""
    return db.session.execute(
        select(Organisation.id, Organisation.name).order_by(Organisation.name)
    ).all()


def _counts(column: Any) -> dict[Any, int]:
    """How many rows there are for each value of *column* (people per organisation...)."""
    return dict(db.session.execute(select(column, func.count()).group_by(column)).all())


def organisations_with_counts() -> tuple[Sequence[Organisation], dict[int | None, int]]:
    """Every organisation with its parent, and how many people belong to each."""
    rows = db.session.scalars(
        select(Organisation).options(selectinload(Organisation.parent)).order_by(Organisation.name)
    ).all()
    return rows, _counts(User.organisation_id)


def groups_with_counts() -> tuple[Sequence[Group], dict[int, int]]:
    """Every group with its organisation and leader, and how many members each has."""
    rows = db.session.scalars(
        select(Group)
        .options(selectinload(Group.organisation), selectinload(Group.leader))
        .order_by(Group.name)
    ).all()
    return rows, _counts(GroupMember.group_id)


def group_members(group: Group) -> Sequence[User]:
    """The group's members, by pinyin."""
    return db.session.scalars(
        select(User)
        .join(GroupMember, GroupMember.user_id == User.id)
        .where(GroupMember.group_id == group.id)
        .order_by(User.name_pinyin)
    ).all()
