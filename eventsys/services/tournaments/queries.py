"""The reads the tournament pages need, and the one rule of who may see a tournament."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from eventsys.extensions import db
from eventsys.models import Event, User
from eventsys.models.tournaments import Tournament, TournamentMatch, TournamentPool
from eventsys.services.events.queries import is_staff


def may_see_tournament(tournament: Tournament, viewer: User | None) -> bool:
    """The one rule for a tournament's pages, screens and streams: a published event's
    tournament is public; any other only organizers see."""
    return tournament.event.status == "published" or is_staff(viewer)


def visible_tournaments(viewer: User | None, *, limit: int = 200) -> Sequence[Tournament]:
    """The tournaments the viewer may see (may_see_tournament as SQL), the latest first."""
    query = select(Tournament).join(Tournament.event).options(contains_eager(Tournament.event))
    if not is_staff(viewer):
        query = query.where(Event.status == "published")
    return db.session.scalars(query.order_by(Event.starts_at.desc()).limit(limit)).all()


def tournament_for_event(event_id: int) -> Tournament | None:
    """The event's tournament, if one is set up."""
    return db.session.scalar(select(Tournament).where(Tournament.event_id == event_id))


def pool_matches(pool: TournamentPool) -> Sequence[TournamentMatch]:
    """The matches of one group."""
    return db.session.scalars(
        select(TournamentMatch).where(TournamentMatch.pool_id == pool.id)
    ).all()
