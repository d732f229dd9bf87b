"""Rank entries by score with shared places and declared, named tie-breaks.

Competition ranking ("1224"): equal keys share a place and the places they use up are
skipped, so 1, 2, 2, 4. Tie-breaks are an explicit ordered list, each with a name the results
page can show, consulted only for entries still tied; never an accident of sorting. Plain
values in, plain values out: nothing here knows what an entry or a score is beyond being
hashable and comparable.

Within a shared place entries are listed by ``str(entry)`` so pages and exports are stable.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar


class Comparable(Protocol):
    """A value that can be ordered with ``<`` (numbers, strings, tuples of those)."""

    def __lt__(self, other: Any, /) -> bool: ...


E = TypeVar("E", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Placing(Generic[E]):
    """One entry's place; *shared* when another entry holds the same place.

    *decided_by* names the last tie-break that separated this entry from entries with the
    same score, or is None when the score alone placed it.
    """

    entry: E
    place: int
    shared: bool
    decided_by: str | None = None


@dataclass(frozen=True, slots=True)
class TieBreak(Generic[E]):
    """A named tie-break: a value per entry, consulted only for entries still tied."""

    name: str
    values: Mapping[E, Comparable] | Callable[[E], Comparable]
    higher_is_better: bool = True

    def value_of(self, entry: E) -> Comparable:
        """Return this tie-break's value for *entry*, refusing entries it has none for."""
        if callable(self.values):
            return self.values(entry)
        try:
            return self.values[entry]
        except KeyError:
            raise ValueError(
                f"tie-break {self.name!r} is needed for {entry!r} but has no value for it"
            ) from None


def _check_orderable(entry: object, value: object) -> None:
    # NaN compares unequal to itself and would silently scramble a sort.
    if value != value:
        raise ValueError(f"{entry!r} has a value that cannot be ordered: {value!r}")


def _split(
    entries: Iterable[E], key: Callable[[E], Comparable], higher_is_better: bool
) -> list[list[E]]:
    """Group *entries* by equal key, best group first, each group in str order."""
    keyed = [(entry, key(entry)) for entry in sorted(entries, key=str)]
    for entry, value in keyed:
        _check_orderable(entry, value)
    # sort() is stable, also with reverse=True, so str order survives within a group.
    keyed.sort(key=lambda pair: pair[1], reverse=higher_is_better)
    groups: list[list[E]] = []
    previous: Comparable | None = None
    for index, (entry, value) in enumerate(keyed):
        if index and value == previous:
            groups[-1].append(entry)
        else:
            groups.append([entry])
        previous = value
    return groups


def rank(
    scores: Mapping[E, Comparable],
    tiebreaks: Sequence[TieBreak[E]] = (),
    *,
    higher_is_better: bool = True,
) -> list[Placing[E]]:
    """Rank entries by score, best first, applying *tiebreaks* in order to entries still tied."""
    names = [tiebreak.name for tiebreak in tiebreaks]
    if len(set(names)) != len(names):
        raise ValueError(f"tie-break names must be distinct: {names}")
    placings: list[Placing[E]] = []
    for group in _split(scores, scores.__getitem__, higher_is_better):
        if len(group) == 1:  # nothing to break (and its tie-break values may be missing)
            placings.append(Placing(group[0], len(placings) + 1, False, None))
            continue
        decided: dict[E, str | None] = dict.fromkeys(group)
        pending = [group]
        for tiebreak in tiebreaks:
            next_pending: list[list[E]] = []
            for tied in pending:
                if len(tied) == 1:
                    # Nothing to break, and its value may legitimately be missing.
                    next_pending.append(tied)
                    continue
                parts = _split(tied, tiebreak.value_of, tiebreak.higher_is_better)
                if len(parts) > 1:
                    for entry in tied:
                        decided[entry] = tiebreak.name
                next_pending.extend(parts)
            pending = next_pending
        # pending now holds the final tied groups, best first; places count entries above.
        place = len(placings) + 1
        for tied in pending:
            for entry in tied:
                placings.append(Placing(entry, place, len(tied) > 1, decided[entry]))
            place += len(tied)
    return placings


def competition_ranking(
    keys: Mapping[E, Comparable], *, higher_is_better: bool = True
) -> list[Placing[E]]:
    """Rank entries by key, best first; equal keys share a place and the next is skipped."""
    return rank(keys, higher_is_better=higher_is_better)


def places(placings: Iterable[Placing[E]]) -> dict[E, int]:
    """Return each entry's place."""
    return {placing.entry: placing.place for placing in placings}


def position_groups(placings: Iterable[Placing[E]]) -> list[list[E]]:
    """Return the entries as position groups, best first; a group of several shares a place."""
    groups: list[list[E]] = []
    last_place: int | None = None
    for placing in placings:
        if placing.place == last_place:
            groups[-1].append(placing.entry)
        else:
            groups.append([placing.entry])
        last_place = placing.place
    return groups


def placings_from_groups(groups: Sequence[Sequence[E]]) -> list[Placing[E]]:
    """Turn position groups back into placings: a group of n takes n places."""
    placings: list[Placing[E]] = []
    for group in groups:
        place = len(placings) + 1
        placings.extend(Placing(entry, place, len(group) > 1) for entry in group)
    return placings
