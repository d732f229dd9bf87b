"""The reads the people pages need."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Row, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from eventsys.extensions import db
from eventsys.models import (
    Attendance,
    Group,
    GroupMember,
    Notice,
    Occurrence,
    Organisation,
    Registration,
    User,
)


def people_names(limit: int = 5000) -> Sequence[Row[int, str, str]]:
    """(id, name, login) of people by pinyin: a choice of a person (a group's leader)."""
    return db.session.execute(
        select(User.id, User.name, User.login).order_by(User.name_pinyin).limit(limit)
    ).all()


def active_judges() -> Sequence[User]:
    """Everyone who may judge, by pinyin, with their organisation (a panel's choices)."""
    return db.session.scalars(
        select(User)
        .where(User.is_judge.is_(True), User.active.is_(True))
        .options(selectinload(User.organisation))
        .order_by(User.name_pinyin)
    ).all()


# ---- the help desk --------------------------------------------------------------------------

PER_PAGE = 50
FILE_ROWS = 30  # the latest sittings attended and notices shown on a member's page


@dataclass(frozen=True)
class PeoplePage:
    people: Sequence[User]
    page: int
    has_more: bool


def people_page(search: str, *, page: int = 1) -> PeoplePage:
    """One page of people by pinyin (two statements): all, or those a search finds by name,
    pinyin, initials, login, phone (as sign-in reads it: the one member search) or unit."""
    from eventsys.services.attendance import person_matches

    query = (
        select(User).options(selectinload(User.organisation)).order_by(User.name_pinyin, User.id)
    )
    if search:
        units = select(Organisation.id).where(
            func.lower(Organisation.name).like(f"%{search.lower()}%")
        )
        query = query.where(or_(person_matches(search), User.organisation_id.in_(units)))
    page = max(page, 1)
    rows = db.session.scalars(query.offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)).all()
    return PeoplePage(rows[:PER_PAGE], page, len(rows) > PER_PAGE)


@dataclass(frozen=True)
class MemberFile:
    """What the desk sees of a member: entries (teams among them), groups, sittings attended,
    notices, and the records merged into this one."""

    registrations: Sequence[Registration]
    ended: Sequence[Registration]
    groups: Sequence[Group]
    attendance: Sequence[Attendance]
    notices: Sequence[Notice]
    merged_from: Sequence[User]


def member_file(user: User) -> MemberFile:
    """Read a member's file for the desk, in a fixed number of statements."""
    from eventsys.services.registrations import queries as registration_queries

    return MemberFile(
        registrations=registration_queries.registrations_of(user),
        ended=registration_queries.ended_registrations_of(user),
        groups=db.session.scalars(
            select(Group)
            .join(GroupMember, GroupMember.group_id == Group.id)
            .where(GroupMember.user_id == user.id)
            .order_by(Group.name)
        ).all(),
        attendance=db.session.scalars(
            select(Attendance)
            .where(Attendance.user_id == user.id)
            .options(joinedload(Attendance.occurrence).joinedload(Occurrence.event))
            .order_by(Attendance.checked_in_at.desc())
            .limit(FILE_ROWS)
        ).all(),
        notices=db.session.scalars(
            select(Notice)
            .where(Notice.user_id == user.id)
            .options(joinedload(Notice.event))
            .order_by(Notice.created_at.desc(), Notice.id.desc())
            .limit(FILE_ROWS)
        ).all(),
        merged_from=db.session.scalars(
            select(User).where(User.merged_into_id == user.id).order_by(User.id)
        ).all(),
    )
