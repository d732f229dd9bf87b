"""Small builders the tests share for their worlds, called inside an app context: a person, the
hall, an event. They write through the services (flush, never commit), as the app does."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from eventsys.extensions import db
from eventsys.models import Event, Registration, User, Venue
from eventsys.services import accounts
from eventsys.services import events as event_service
from eventsys.timeutil import utcnow
from tests.conftest import PASSWORD


def person(name: str, login: str, *roles: str, password: str = PASSWORD, **fields: Any) -> User:
    """A user (the test password unless told); a participant unless *roles* are given."""
    new = accounts.NewUser(name, login, password, roles=roles or ("participant",), **fields)
    return accounts.create_user(new, actor=None)


def members(count: int, login_prefix: str, name_prefix: str = "会员") -> list[str]:
    """*count* participants named 会员000… with logins *login_prefix*000…; their logins."""
    return [person(f"{name_prefix}{n:03d}", f"{login_prefix}{n:03d}").login for n in range(count)]


def hall(capacity: int = 300) -> Venue:
    """The multi-purpose hall, added and flushed."""
    venue = Venue(name="多功能厅", kind="hall", capacity=capacity)
    db.session.add(venue)
    db.session.flush()
    return venue


def new_event(
    organizer: User,
    venue_id: int,
    kind: str,
    title: str,
    start: datetime,
    hours: float,
    *,
    status: str = "published",
    **fields: Any,
) -> Event:
    """An event of *kind* from *start* for *hours* hours in the venue, created through the
    service (so the clash rules apply) and given *status* unless that is "draft"."""
    data = event_service.EventData(
        kind=kind,
        title=title,
        venue_id=venue_id,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        **fields,
    )
    event = event_service.create_event(data, organizer=organizer)
    if status != "draft":
        event_service.set_status(event, status, actor=organizer)
    return event


def open_event(
    organizer: User,
    venue_id: int,
    kind: str,
    title: str,
    hours: float,
    *,
    later: float = 0,
    **fields: Any,
) -> Event:
    """Published, a week (and *later* hours) from now; its registration opened an hour ago."""
    start = utcnow() + timedelta(days=7, hours=later)
    opened = utcnow() - timedelta(hours=1)
    return new_event(
        organizer, venue_id, kind, title, start, hours, registration_opens_at=opened, **fields
    )


def confirmed_entry(event_id: int, captain_id: int, kind: str, size: int, **fields: Any) -> int:
    """A confirmed registration written as a row (not through the service), flushed: its id."""
    registration = Registration(
        event_id=event_id, captain_id=captain_id, kind=kind, size=size, status="confirmed", **fields
    )
    db.session.add(registration)
    db.session.flush()
    return registration.id


def confirmed_team(event_id: int, captain_id: int, team_name: str) -> int:
    """A confirmed team entry of five: its id."""
    return confirmed_entry(event_id, captain_id, "team", 5, team_name=team_name)
