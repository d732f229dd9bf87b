"""Bracket progression: who moves on when a match is decided, corrected, or a group finishes.

A knockout match names the match its winner goes on to (``next_match`` on ``next_side``) and,
for a semi-final with a third-place match, where its loser goes (``loser_next_match``). A
knockout side may instead be fed by a group: "place N of group X" (``feed_a``/``feed_b``), filled
once that group's final order is known. A bye has one team, who goes through without playing.

:func:`apply` takes the matches of one tournament (values, not rows) and one change:

* :class:`Decided`: a knockout match's result (a first result or a correction). Its winner is
  seated in the next match and a semi-final's loser in the third-place match. If a correction
  changes the winner, the old winner (and old loser) are taken out of the matches they were put
  in, and the new ones seated.
* :class:`ByesThrough`: a new draw's byes send their teams on.
* :class:`GroupOrder`: a group's final order (None where a lot is still needed, or the group is
  not finished): every knockout side fed by that group gets the team now in its place.

Seating a different team in a match that was already played undoes that match's result
("cleared"), which in turn takes its winner out of later rounds, and so on down the bracket. A
cleared match that was really played is listed in ``blocked`` unless ``confirm`` is given: the
caller then asks before writing anything. A bye whose team changes passes the new team on
without asking (nothing was played).

Worked example (an eight-team knockout, quarter-final QF1 -> SF1 side a, SF1 -> F side a):
QF1 is won by A, SF1 by A against C, the final not yet played. Correcting QF1 to B clears SF1
(A's result there is void: blocked without confirm), seats B in SF1 side a, and takes A out of
the final's side a; SF1 is then to be played again, B v C.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)

#: A match's statuses: decided ones have a winner (a played match may also be a draw in a group).
SCHEDULED = "scheduled"
PLAYED = "played"
WALKOVER = "walkover"
BYE = "bye"
DECIDED = (PLAYED, WALKOVER)

SIDES = ("a", "b")


def _other(side: str) -> str:
    return "b" if side == "a" else "a"


@dataclass(frozen=True)
class BracketMatch(Generic[T]):
    """One match as the bracket sees it: its teams, result, and where its teams go next."""

    id: int
    side_a: T | None = None
    side_b: T | None = None
    status: str = SCHEDULED
    winner: T | None = None
    next_match: int | None = None
    next_side: str | None = None
    loser_next_match: int | None = None
    loser_next_side: str | None = None
    #: (group id, place from 1) feeding side a / side b, when a group feeds this match.
    feed_a: tuple[int, int] | None = None
    feed_b: tuple[int, int] | None = None

    def side(self, side: str) -> T | None:
        return self.side_a if side == "a" else self.side_b

    @property
    def loser(self) -> T | None:
        """The team that lost a decided match (None for a draw or an undecided match)."""
        if self.winner is None:
            return None
        return self.side_b if self.winner == self.side_a else self.side_a


@dataclass(frozen=True)
class Decided(Generic[T]):
    """A knockout match's (new or corrected) result: *status* played or walkover."""

    match: int
    status: str
    winner: T | None


@dataclass(frozen=True)
class GroupOrder(Generic[T]):
    """A group's final order, best first: None in a place not decided (yet)."""

    group: int
    order: tuple[T | None, ...]


@dataclass(frozen=True)
class ByesThrough:
    """A new draw: every bye whose team is known sends that team on to its next match."""


@dataclass
class Outcome(Generic[T]):
    """What a change does to the bracket.

    ``changed``: the new state of every match that changed (the decided match included);
    ``cleared``: matches whose result was undone, in the order it happened; ``filled``: matches
    a team was seated in; ``blocked``: played matches that would be cleared without
    ``confirm`` (when not empty, nothing should be written)."""

    changed: dict[int, BracketMatch[T]] = field(default_factory=dict)
    cleared: list[int] = field(default_factory=list)
    filled: list[int] = field(default_factory=list)
    blocked: list[int] = field(default_factory=list)


class _Progress(Generic[T]):
    def __init__(self, matches: Iterable[BracketMatch[T]], confirm: bool) -> None:
        self.matches: dict[int, BracketMatch[T]] = {match.id: match for match in matches}
        self.confirm = confirm
        self.outcome: Outcome[T] = Outcome()

    def get(self, match_id: int | None) -> BracketMatch[T] | None:
        return None if match_id is None else self.matches.get(match_id)

    def put(self, match: BracketMatch[T]) -> None:
        self.matches[match.id] = match
        self.outcome.changed[match.id] = match

    def set_side(self, match: BracketMatch[T], side: str, team: T | None) -> BracketMatch[T]:
        changed = replace(match, side_a=team) if side == "a" else replace(match, side_b=team)
        self.put(changed)
        return changed

    def clear(self, match: BracketMatch[T]) -> None:
        """Undo a decided match whose team changes, and take its winner out of later rounds."""
        if match.status == BYE:
            winner = match.winner
            self.put(replace(match, winner=None))
            if winner is not None:
                self.withdraw(match, winner)
            return
        if not self.confirm:
            self.outcome.blocked.append(match.id)
        winner, loser = match.winner, match.loser
        self.put(replace(match, status=SCHEDULED, winner=None))
        self.outcome.cleared.append(match.id)
        if winner is not None:
            self.withdraw(match, winner, loser)

    def withdraw(self, match: BracketMatch[T], winner: T, loser: T | None = None) -> None:
        """Take *winner* (and *loser*) out of the matches *match* sent them to."""
        following = self.get(match.next_match)
        side = match.next_side or "a"
        if following is not None and following.side(side) == winner:
            self.seat(following, side, None)
        if loser is not None:
            following = self.get(match.loser_next_match)
            side = match.loser_next_side or "a"
            if following is not None and following.side(side) == loser:
                self.seat(following, side, None)

    def seat(self, match: BracketMatch[T], side: str, team: T | None) -> None:
        """Put *team* (or nobody) on one side of *match*, re-deriving what follows."""
        if match.side(side) == team:
            return
        if match.status in DECIDED:
            self.clear(match)
        match = self.matches[match.id]
        if team is not None and team == match.side(_other(side)):
            # The team moved sides within this match (a re-derived group order): free the other.
            match = self.set_side(match, _other(side), None)
        match = self.set_side(match, side, team)
        if team is not None:
            self.outcome.filled.append(match.id)
        if match.status == BYE:
            old = match.winner
            match = replace(match, winner=match.side_a)
            self.put(match)
            if old is not None and old != match.side_a:
                self.withdraw(match, old)
            self.advance(match)

    def advance(self, match: BracketMatch[T]) -> None:
        """Send a decided match's winner (and a semi-final loser) on to their next matches."""
        winner = match.winner
        if winner is None:
            return
        following = self.get(match.next_match)
        if following is not None:
            self.seat(following, match.next_side or "a", winner)
        loser = match.loser
        following = self.get(match.loser_next_match)
        if following is not None and loser is not None:
            self.seat(following, match.loser_next_side or "a", loser)


def apply(
    matches: Iterable[BracketMatch[T]],
    change: Decided[T] | GroupOrder[T] | ByesThrough,
    *,
    confirm: bool = False,
) -> Outcome[T]:
    """Return what *change* does to the bracket of *matches* (see the module's description).

    Raises ValueError for a change that names no known match, a winner who did not play, or a
    result that is not played or walkover."""
    progress: _Progress[T] = _Progress(matches, confirm)
    if isinstance(change, ByesThrough):
        for match in list(progress.matches.values()):
            if match.status == BYE and match.side_a is not None:
                through = replace(match, winner=match.side_a)
                progress.put(through)
                progress.advance(through)
        return progress.outcome
    if isinstance(change, Decided):
        found = progress.get(change.match)
        if found is None:
            raise ValueError(f"no match {change.match}")
        match = found
        if change.status not in DECIDED:
            raise ValueError(f"a result is played or walkover, not {change.status!r}")
        if change.winner is not None and change.winner not in (match.side_a, match.side_b):
            raise ValueError(f"{change.winner!r} did not play match {match.id}")
        old_winner, old_loser = match.winner, match.loser
        correcting = match.status in DECIDED
        match = replace(match, status=change.status, winner=change.winner)
        progress.put(match)
        if correcting and old_winner is not None and old_winner != change.winner:
            progress.withdraw(match, old_winner, old_loser)
        progress.advance(progress.matches[match.id])
        return progress.outcome
    for match in list(progress.matches.values()):
        for side in SIDES:
            feed = match.feed_a if side == "a" else match.feed_b
            if feed is None or feed[0] != change.group:
                continue
            place = feed[1]
            wanted = change.order[place - 1] if 1 <= place <= len(change.order) else None
            progress.seat(progress.matches[match.id], side, wanted)
    return progress.outcome


def fed_by(matches: Iterable[BracketMatch[T]], group: int) -> bool:
    """Tell whether any match has a side fed by *group*."""
    return any(
        (match.feed_a is not None and match.feed_a[0] == group)
        or (match.feed_b is not None and match.feed_b[0] == group)
        for match in matches
    )
