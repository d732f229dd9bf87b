"""Places at an event: when it takes registrations, who holds a place, who waits, who moves up.

Plain values in, plain values out: nothing here knows about requests, tables or the clock.
The caller locks the event, loads its live registrations as `Entry` values, asks one question
here and writes the answer; the answer is the same whichever request asks, so two requests
that are decided one after the other (under the event's lock) cannot oversell a place.

Worked examples are in tests/domain/test_places.py."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

CONFIRMED = "confirmed"
PENDING = "pending"
WAITING = "waiting"
# Places are held by confirmed registrations and by those awaiting an organizer's approval.
HOLDING_STATUSES = (CONFIRMED, PENDING)
# Statuses that hold a place or a place in the queue, and so block a second registration.
ACTIVE_STATUSES = (PENDING, CONFIRMED, WAITING)


# ---- the registration window ------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """What decides whether an event takes registrations."""

    status: str  # the event's: draft, published, cancelled
    mode: str  # the event's registration mode: none, individual, team
    starts_at: datetime
    opens_at: datetime | None = None
    closes_at: datetime | None = None

    @property
    def closes(self) -> datetime:
        """When registration closes: as set, else when the event starts."""
        return self.closes_at or self.starts_at


def refusal(window: Window, now: datetime, *, staff: bool = False) -> str | None:
    """Say why *window* takes no registration at *now* (a code), or None when it does.

    Staff registering a member who phoned are not held to the dates, only to a live event.
    Codes: "cancelled", "hidden" (not published: to a member it does not exist),
    "unpublished" (the same, said to staff), "no_registration", "not_open_yet", "closed"."""
    if window.status == "cancelled":
        return "cancelled"
    if window.status != "published":
        return "unpublished" if staff else "hidden"
    if window.mode == "none":
        return "no_registration"
    if staff:
        return None
    if window.opens_at is not None and now < window.opens_at:
        return "not_open_yet"
    if now >= window.closes:
        return "closed"
    return None


def is_open(window: Window, now: datetime) -> bool:
    """Tell whether a member may register at *now*: [opens_at, closes) of a live event."""
    return refusal(window, now) is None


# ---- places and the waiting list --------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """An event's capacity rules."""

    capacity: int | None  # None: no limit
    counts: str = "people"  # "people" (a team takes one place per person) or "entries"
    requires_approval: bool = False


@dataclass(frozen=True)
class Entry:
    """A live registration as the places see it: the queue is ordered by id."""

    id: int
    size: int  # people named on it (a team's pending team-mates included)
    status: str  # one of ACTIVE_STATUSES


@dataclass(frozen=True)
class Decision:
    """Who moves up from the waiting list (ids in queue order, to *promoted_status*) and,
    when a newcomer asked, the newcomer's status."""

    promoted: tuple[int, ...]
    promoted_status: str
    status: str | None = None


def seats(rules: Rules, size: int) -> int:
    """The places an entry of *size* people takes."""
    return 1 if rules.counts == "entries" else size


def places_taken(rules: Rules, entries: Iterable[Entry]) -> int:
    """Count the places held, in people or in entries as the event counts them."""
    return sum(seats(rules, e.size) for e in entries if e.status in HOLDING_STATUSES)


def places_left(rules: Rules, entries: Iterable[Entry]) -> int | None:
    """Return the free places, or None when the event has no limit."""
    if rules.capacity is None:
        return None
    return max(rules.capacity - places_taken(rules, entries), 0)


def queue_position(entries: Iterable[Entry], registration_id: int) -> int | None:
    """Return the place of a waiting registration in the queue (1 = next), else None."""
    queue = sorted(e.id for e in entries if e.status == WAITING)
    return queue.index(registration_id) + 1 if registration_id in queue else None


def admitted_status(rules: Rules) -> str:
    """The status of an entry given a place: pending where an organizer approves each."""
    return PENDING if rules.requires_approval else CONFIRMED


def decide(rules: Rules, entries: Iterable[Entry], newcomer_size: int | None = None) -> Decision:
    """Promote the waiting, in queue order, while the first that fits has room; then place a
    newcomer of *newcomer_size* people (if any) in what is left, or on the waiting list.

    The first entry *who fits* moves up: a team larger than the places left keeps its turn
    and waits, while a smaller one behind it is promoted. Places are given to those waiting
    before any newcomer, so a newcomer is placed only where nobody waiting fits."""
    entries = list(entries)
    left = places_left(rules, entries)
    promoted: list[int] = []
    if left is None or left > 0:
        for candidate in sorted((e for e in entries if e.status == WAITING), key=lambda e: e.id):
            needed = seats(rules, candidate.size)
            if left is not None and needed > left:
                continue
            promoted.append(candidate.id)
            if left is not None:
                left -= needed
                if left <= 0:
                    break
    status = None
    if newcomer_size is not None:
        fits = left is None or seats(rules, newcomer_size) <= left
        status = admitted_status(rules) if fits else WAITING
    return Decision(tuple(promoted), admitted_status(rules), status)
