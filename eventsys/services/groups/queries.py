"""The reads the group pages and the honours board need, each in a fixed number of statements.

What a visitor may see: a group's name, kind, leader, activities and honours are public; the
members' names only to signed-in members of the centre (never their phone numbers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Row, extract, func, select
from sqlalchemy.orm import joinedload

from eventsys.extensions import db
from eventsys.models import (
    GROUP_KINDS,
    Event,
    Group,
    GroupMember,
    Honour,
    JoinRequest,
    Occurrence,
    User,
)
from eventsys.services.exports import Table
from eventsys.timeutil import local_midnight, local_today


def groups_by_kind() -> list[tuple[str, list[tuple[Group, int]]]]:
    """Every group with its leader and member count, by kind (in GROUP_KINDS order) and name."""
    counts = (
        select(GroupMember.group_id, func.count().label("members"))
        .group_by(GroupMember.group_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Group, func.coalesce(counts.c.members, 0))
        .outerjoin(counts, counts.c.group_id == Group.id)
        .options(joinedload(Group.leader))
        .order_by(Group.name)
    ).all()
    by_kind: dict[str, list[tuple[Group, int]]] = {kind: [] for kind in GROUP_KINDS}
    for group, members in rows:
        by_kind.setdefault(group.kind, []).append((group, members))
    return [(kind, found) for kind, found in by_kind.items() if found]


def group_with_leader(group_id: int) -> Group | None:
    """The group with its leader (one statement)."""
    return db.session.scalars(
        select(Group).where(Group.id == group_id).options(joinedload(Group.leader))
    ).first()


def member_names(group: Group) -> Sequence[Row[int, str]]:
    """(id, name) of the group's members, by pinyin: names only, never phone numbers."""
    return db.session.execute(
        select(User.id, User.name)
        .join(GroupMember, GroupMember.user_id == User.id)
        .where(GroupMember.group_id == group.id)
        .order_by(User.name_pinyin, User.id)
    ).all()


def fortnight(today: date) -> tuple[date, date]:
    """Monday of *today*'s week and the Monday two weeks on: "this week and next"."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=14)


def activities(group: Group, today: date | None = None) -> Sequence[Occurrence]:
    """The sittings of the group's published events this week and next, in time order."""
    start, end = fortnight(today or local_today())
    return db.session.scalars(
        select(Occurrence)
        .join(Event, Event.id == Occurrence.event_id)
        .where(
            Event.group_id == group.id,
            Event.status == "published",
            Occurrence.starts_at >= local_midnight(start),
            Occurrence.starts_at < local_midnight(end),
        )
        .options(joinedload(Occurrence.event), joinedload(Occurrence.venue))
        .order_by(Occurrence.starts_at, Occurrence.id)
    ).all()


def events_to_register(group: Group) -> Sequence[Event]:
    """The group's published events taking registrations one by one, still to come."""
    return db.session.scalars(
        select(Event)
        .where(
            Event.group_id == group.id,
            Event.status == "published",
            Event.registration_mode == "individual",
            Event.starts_at >= local_midnight(local_today()),
        )
        .order_by(Event.starts_at, Event.id)
    ).all()


def pending_requests(group: Group) -> Sequence[JoinRequest]:
    """The requests to join *group* still waiting, oldest first, with who asked."""
    return db.session.scalars(
        select(JoinRequest)
        .where(JoinRequest.group_id == group.id, JoinRequest.status == "pending")
        .options(joinedload(JoinRequest.user))
        .order_by(JoinRequest.id)
    ).all()


@dataclass(frozen=True)
class Standing:
    """Where a signed-in person stands with a group: member, asked (pending) or neither."""

    member: bool = False
    asked: bool = False


def standing(group: Group, person: Any) -> Standing:
    """Whether *person* (None for a visitor) is a member or has a request waiting (one
    statement for someone signed in, none for a visitor)."""
    if person is None:
        return Standing()
    member = select(GroupMember.user_id).where(
        GroupMember.group_id == group.id, GroupMember.user_id == person.id
    )
    asked = select(JoinRequest.id).where(
        JoinRequest.group_id == group.id,
        JoinRequest.user_id == person.id,
        JoinRequest.status == "pending",
    )
    row = db.session.execute(select(member.exists(), asked.exists())).one()
    return Standing(member=bool(row[0]), asked=bool(row[1]))


# ---- honours ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HonourFilter:
    year: int | None = None
    group_id: int | None = None


@dataclass
class Board:
    """The honours shown, and the choices of the filter (years with honours, groups)."""

    honours: Sequence[Honour]
    years: list[int] = field(default_factory=list)
    groups: Sequence[Row[int, str]] = ()


def honours(chosen: HonourFilter) -> Sequence[Honour]:
    """Honours, newest first, of one year and one group when chosen, with their groups."""
    query = select(Honour).options(joinedload(Honour.group))
    if chosen.year is not None:
        query = query.where(
            Honour.awarded_on >= date(chosen.year, 1, 1),
            Honour.awarded_on < date(chosen.year + 1, 1, 1),
        )
    if chosen.group_id is not None:
        query = query.where(Honour.group_id == chosen.group_id)
    return db.session.scalars(query.order_by(Honour.awarded_on.desc(), Honour.id)).all()


def board(chosen: HonourFilter) -> Board:
    """The honours page: the honours chosen, the years that have some, every group's name."""
    years = db.session.scalars(
        select(extract("year", Honour.awarded_on).label("year")).distinct().order_by("year")
    ).all()
    return Board(
        honours=honours(chosen),
        years=sorted((int(y) for y in years), reverse=True),
        groups=group_names(),
    )


def group_names() -> Sequence[Row[int, str]]:
    """(id, name) of every group, by name: the choices of forms and filters."""
    return db.session.execute(select(Group.id, Group.name).order_by(Group.name)).all()


def honours_table(chosen: HonourFilter) -> Table:
    """The honours chosen as an export table (the one CSV/XLSX writer: services.exports)."""
    from flask_babel import gettext as _

    header = [_("Date"), _("Winner"), _("Group"), _("Competition"), _("Organiser"), _("Award")]
    rows: list[list[Any]] = [
        [
            h.awarded_on.isoformat(),
            h.shown_winner,
            h.group.name if h.group is not None else "",
            h.competition,
            h.organiser,
            h.award,
        ]
        for h in honours(chosen)
    ]
    return header, rows
