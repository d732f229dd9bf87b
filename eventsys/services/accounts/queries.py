"""The reads the people pages need."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Row, select
from sqlalchemy.orm import selectinload

from eventsys.extensions import db
from eventsys.models import User


def people_names(limit: int = 5000) -> Sequence[Row[int, str, str]]:
    """(id, name, login) of people by pinyin: a choice of a person (a group's leader)."""
    return db.session.execute(
        select(User.id, User.name, User.login).order_by(User.name_pinyin).limit(limit)
    ).all()


def people(matching: ColumnElement[bool] | None, *, limit: int = 200) -> Sequence[User]:
    """People by pinyin with their organisation, those *matching* a search if given."""
    query = select(User).options(selectinload(User.organisation)).order_by(User.name_pinyin)
    if matching is not None:
        query = query.where(matching)
    return db.session.scalars(query.limit(limit)).all()


def active_judges() -> Sequence[User]:
    """Everyone who may judge, by pinyin, with their organisation (a panel's choices)."""
    return db.session.scalars(
        select(User)
        .where(User.is_judge.is_(True), User.active.is_(True))
        .options(selectinload(User.organisation))
        .order_by(User.name_pinyin)
    ).all()
