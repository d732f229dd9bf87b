"""Tournament matches in the calendar feeds: a contest's schedule and each player's own matches.

Plugs into eventsys.services.calendar as a source for the "contest" and "personal" feeds."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import aliased

from eventsys.domain.ical_rules import CalendarItem, make_uid
from eventsys.extensions import db
from eventsys.models import Event, Registration, RegistrationMember, Venue
from eventsys.models.tournaments import Tournament, TournamentCourt, TournamentMatch
from eventsys.services import calendar
from eventsys.timeutil import local_midnight

SideA = aliased(Registration)
SideB = aliased(Registration)


def _scope_condition(scope: calendar.Scope) -> ColumnElement[bool]:
    assert scope.ident is not None
    if scope.kind == "contest":
        return Tournament.event_id == scope.ident
    # A person's matches: those of every team whose roster they are on.
    teams = select(RegistrationMember.registration_id).where(
        RegistrationMember.user_id == scope.ident
    )
    return or_(TournamentMatch.side_a_id.in_(teams), TournamentMatch.side_b_id.in_(teams))


def _query(scope: calendar.Scope):  # type: ignore[no-untyped-def]
    return (
        select(TournamentMatch, Tournament, Event, SideA, SideB, TournamentCourt, Venue)
        .join(Tournament, Tournament.id == TournamentMatch.tournament_id)
        .join(Event, Event.id == Tournament.event_id)
        .join(Venue, Venue.id == Event.venue_id)
        .outerjoin(SideA, SideA.id == TournamentMatch.side_a_id)
        .outerjoin(SideB, SideB.id == TournamentMatch.side_b_id)
        .outerjoin(TournamentCourt, TournamentCourt.id == TournamentMatch.court_id)
        .where(*_shown(scope))
        .order_by(TournamentMatch.starts_at, TournamentMatch.id)
    )


def _shown(scope: calendar.Scope) -> list[ColumnElement[bool]]:
    """The matches the scope's feed shows: scheduled in its window, of a published event."""
    conditions = [
        _scope_condition(scope),
        TournamentMatch.starts_at.is_not(None),
        Event.status == "published",
        TournamentMatch.starts_at >= local_midnight(scope.window.starts),
    ]
    if scope.window.ends is not None:
        conditions.append(TournamentMatch.starts_at < local_midnight(scope.window.ends))
    return conditions


def matches_version(scope: calendar.Scope) -> tuple[Hashable, datetime | None]:
    """A cheap fingerprint of the scope's matches and their latest change."""
    rows = db.session.execute(
        select(TournamentMatch.id, TournamentMatch.version, TournamentMatch.updated_at)
        .join(Tournament, Tournament.id == TournamentMatch.tournament_id)
        .join(Event, Event.id == Tournament.event_id)
        .where(*_shown(scope))
        .order_by(TournamentMatch.id)
    ).all()
    latest = max((updated for _id, _v, updated in rows), default=None)
    return tuple((match_id, version) for match_id, version, _u in rows), latest


def match_items(scope: calendar.Scope) -> list[CalendarItem]:
    """Each scheduled match as an event: the two sides, the court, the tournament's slot."""
    items = []
    for match, tournament, event, side_a, side_b, court, venue in db.session.execute(
        _query(scope)
    ).all():
        a = side_a.display_name if side_a is not None else _("to be decided")
        b = side_b.display_name if side_b is not None else _("to be decided")
        where = ", ".join(part for part in (venue.name, court.name if court else "") if part)
        items.append(
            CalendarItem(
                uid=make_uid("match", match.id, scope.host),
                summary=_("%(a)s v %(b)s", a=a, b=b) + f" · {event.title}",
                starts_at=match.starts_at,
                ends_at=match.starts_at + timedelta(minutes=tournament.slot_minutes),
                last_modified=match.updated_at,
                sequence=match.version,
                status="CONFIRMED",
                location=where,
                url=scope.page(f"/tournaments/{tournament.id}"),
            )
        )
    return items


def register() -> None:
    """Add the matches to the contest and personal feeds."""
    source = calendar.Source("matches", matches_version, match_items)
    calendar.register_source("contest", source)
    calendar.register_source("personal", source)


register()
