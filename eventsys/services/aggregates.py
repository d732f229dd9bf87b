"""Which event a contest or a tournament belongs to, for the keys of their cached pages.

A contest's or tournament's page shows its entries, which are registrations of its event, so
it is cached under the event's version as well as its own (eventsys.web.caching). A contest
never moves to another event, so the answer is remembered per process once found: the page
then reads only the versions before it is served."""

from __future__ import annotations

import threading

from sqlalchemy import select

from eventsys.extensions import db
from eventsys.models.contests import Contest
from eventsys.models.tournaments import Tournament

_known: dict[tuple[str, int], int] = {}
_lock = threading.Lock()
_MAX = 100_000


def event_of(kind: str, ident: int) -> int | None:
    """The event id of contest or tournament *ident* (*kind* "contest" or "tournament"), or
    None if there is none (its page answers 404, which is not kept)."""
    with _lock:
        known = _known.get((kind, ident))
    if known is not None:
        return known
    model = Contest if kind == "contest" else Tournament
    found = db.session.scalar(select(model.event_id).where(model.id == ident))
    if found is not None:
        with _lock:
            if len(_known) >= _MAX:
                _known.clear()
            _known[(kind, ident)] = found
    return found


def tournament_of_event(event_id: int) -> int | None:
    """The tournament of event *event_id*, if it has one (remembered once found; an event
    without one asks each time, as one may be set up later)."""
    with _lock:
        known = _known.get(("event", event_id))
    if known is not None:
        return known
    found = db.session.scalar(select(Tournament.id).where(Tournament.event_id == event_id))
    if found is not None:
        with _lock:
            _known[("event", event_id)] = found
    return found


def clear_cache() -> None:
    """Forget what was found (tests empty the tables and reuse the ids)."""
    with _lock:
        _known.clear()
