"""Draws and schedules: round robins, groups, knockout brackets and courts.

Sources
-------
* Round robins follow the FIDE Berger tables (FIDE Handbook C.05, Annex 1,
  "Berger Tables for Round-Robin Tournaments").  With an odd number of
  players the highest number counts as a bye: a dummy player ``n + 1`` is
  added and whoever meets the dummy sits out that round.
* Group-stage order "top two seeds meet last" uses the order that the ITTF
  group sheets use for a group of four (1-4 & 2-3, 1-3 & 2-4, 1-2 & 3-4),
  obtained from the Berger table by moving the round in which seeds 1 and 2
  meet (always round 2 in a Berger table) to the end.
* Knockout brackets use the standard seeding layout in which seed ``s`` meets
  seed ``size + 1 - s`` in the first round and the top two seeds can only
  meet in the final; byes therefore fall to the top seeds.

All round, match, slot and court indices returned by this module are
0-based; seeds and player numbers are 1-based, as on printed draw sheets.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, replace
from typing import Generic, NamedTuple, TypeVar

__all__ = [
    "THIRD_PLACE_MATCH_INDEX",
    "Block",
    "Booking",
    "Slot",
    "berger_rounds",
    "bracket_positions",
    "bracket_size",
    "court_schedule",
    "day_schedule",
    "double_round_robin",
    "first_round",
    "group_match_order",
    "knockout_rounds",
    "loser_next_slot",
    "next_free_slot",
    "next_match_slot",
    "rested",
    "snake_groups",
]

T = TypeVar("T", bound=Hashable)

Pairing = tuple[int, int | None]

# In the last knockout round the final is match 0; when a third-place match
# is played it is stored next to the final as match 1 of the same round, so
# both finals can be scheduled together.
THIRD_PLACE_MATCH_INDEX = 1


def _require_int(name: str, value: object) -> int:
    """Return ``value`` if it is a real int, else raise TypeError."""
    # bool is a subclass of int, but True players or courts are a bug.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return value


# --------------------------------------------------------------------------
# Round robin
# --------------------------------------------------------------------------


def berger_rounds(n: int) -> list[list[Pairing]]:
    """Return the FIDE Berger table for players 1..n, round by round.

    Each pair is ``(white/home, black/away)``.  For odd ``n`` the player
    drawn against the dummy ``n + 1`` gets a bye, shown as ``(player, None)``
    on the board where the dummy would have played (always the first pair of
    the round).  Raises ValueError for ``n < 2``.
    """
    n = _require_int("n", n)
    if n < 2:
        raise ValueError("a round robin needs at least two players")
    size = n + (n % 2)  # the dummy makes the field even
    half = size // 2
    ring = size - 1  # players 1..size-1 rotate, player `size` is fixed

    def on_ring(value: int) -> int:
        return (value - 1) % ring + 1

    rounds: list[list[Pairing]] = []
    for r in range(1, size):
        # In round r the fixed player meets p, where 2p = r + 1 (mod ring);
        # since 2 * half = 1 (mod ring) that is p - 1 = (r - 1) * half.
        p = (r - 1) * half % ring + 1
        # FIDE: the fixed (highest) number has black in odd rounds and white
        # in even rounds.
        first = (p, size) if r % 2 == 1 else (size, p)
        boards: list[tuple[int, int]] = [first]
        # The other boards pair p + k (white) with p - k (black).
        boards.extend((on_ring(p + k), on_ring(p - k)) for k in range(1, half))
        rounds.append([_bye_aware(pair, n) for pair in boards])
    return rounds


def _bye_aware(pair: tuple[int, int], n: int) -> Pairing:
    """Replace the dummy player ``n + 1`` by a bye ``(player, None)``."""
    white, black = pair
    if white > n:
        return (black, None)
    if black > n:
        return (white, None)
    return (white, black)


def double_round_robin(n: int) -> list[list[Pairing]]:
    """Return the Berger rounds followed by the same rounds with colours swapped.

    Bye pairs stay ``(player, None)``.  (FIDE C.05 Annex 1 also suggests
    swapping the last two rounds of the first cycle to avoid three equal
    colours in a row; this function deliberately does not, so that round
    ``k`` of the second cycle is always the return match of round ``k``.)
    """
    first_cycle = berger_rounds(n)
    second_cycle = [
        [pair if pair[1] is None else (pair[1], pair[0]) for pair in round_]
        for round_ in first_cycle
    ]
    return first_cycle + second_cycle


def group_match_order(n: int) -> list[list[tuple[int, int]]]:
    """Return a round robin order for seeds 1..n in which seeds 1 and 2 meet last.

    Rounds are the Berger rounds with the round containing 1-2 (always round
    2 of a Berger table) moved to the end; byes are left out, each pair is
    written lower seed first and pairs are sorted, which for a group of four
    gives the ITTF order 1-4, 2-3 / 1-3, 2-4 / 1-2, 3-4 and for a group of
    three 2-3 / 1-3 / 1-2.  Raises ValueError for ``n < 2``.
    """
    rounds = berger_rounds(n)
    if len(rounds) > 1:
        # Keep the decisive match between the two top seeds for the end.
        rounds = rounds[:1] + rounds[2:] + rounds[1:2]
    ordered: list[list[tuple[int, int]]] = []
    for round_ in rounds:
        matches = sorted((min(a, b), max(a, b)) for a, b in round_ if b is not None)
        ordered.append(matches)
    return ordered


# --------------------------------------------------------------------------
# Groups
# --------------------------------------------------------------------------


def snake_groups(seeds: int, groups: int) -> list[list[int]]:
    """Deal seeds 1..seeds into groups in serpentine order.

    Row one goes left to right (1..g), row two right to left, and so on, so
    ``snake_groups(16, 4)`` gives ``[[1, 8, 9, 16], [2, 7, 10, 15],
    [3, 6, 11, 14], [4, 5, 12, 13]]``.  Uneven counts are allowed: the last,
    partial row keeps the serpentine direction, so ``snake_groups(10, 3)``
    puts seed 10 in the third group.  Raises ValueError when
    ``groups < 1`` or ``groups > seeds``.
    """
    seeds = _require_int("seeds", seeds)
    groups = _require_int("groups", groups)
    if groups < 1:
        raise ValueError("need at least one group")
    if groups > seeds:
        raise ValueError("more groups than seeds would leave a group empty")
    dealt: list[list[int]] = [[] for _ in range(groups)]
    for index in range(seeds):
        row, column = divmod(index, groups)
        if row % 2 == 1:
            column = groups - 1 - column
        dealt[column].append(index + 1)
    return dealt


# --------------------------------------------------------------------------
# Knockout
# --------------------------------------------------------------------------


def bracket_positions(size: int) -> list[int]:
    """Return the seed on each line of a bracket of ``size`` lines, top to bottom.

    ``size`` must be a power of two (``bracket_positions(8)`` is
    ``[1, 8, 4, 5, 2, 7, 3, 6]``); 1 is 2**0 and gives ``[1]``.  Raises
    ValueError otherwise.
    """
    size = _require_int("size", size)
    if size < 1 or size & (size - 1):
        raise ValueError(f"bracket size must be a power of two, got {size}")
    positions = [1]
    while len(positions) < size:
        # Doubling the bracket: every seed s meets the seed that completes
        # the sum to the new size + 1, directly below it.
        total = 2 * len(positions) + 1
        positions = [line for s in positions for line in (s, total - s)]
    return positions


def bracket_size(entries: int) -> int:
    """Return the smallest power-of-two bracket holding ``entries`` (at least 2)."""
    entries = _require_int("entries", entries)
    if entries < 2:
        raise ValueError("a knockout needs at least two entries")
    size = 2
    while size < entries:
        size *= 2
    return size


def knockout_rounds(entries: int) -> int:
    """Return how many rounds a single-elimination draw of ``entries`` has."""
    return bracket_size(entries).bit_length() - 1


def first_round(entries: int) -> list[Pairing]:
    """Return the first-round pairs, top to bottom, for seeds 1..entries.

    The draw uses the smallest bracket that holds the entries; a missing
    opponent is a bye (``None``) and byes fall to the top seeds, e.g.
    ``first_round(6)`` is ``[(1, None), (4, 5), (2, None), (3, 6)]``.  The
    bye is always the second element.  Raises ValueError for
    ``entries < 2`` (one entry is a walkover winner, not a draw).
    """
    size = bracket_size(entries)
    lines = bracket_positions(size)
    pairs: list[Pairing] = []
    for top, bottom in zip(lines[::2], lines[1::2], strict=True):
        # The top line always holds the better seed, so only the bottom
        # line can be empty.
        pairs.append((top, bottom if bottom <= entries else None))
    return pairs


class Slot(NamedTuple):
    """Where a player goes next in a knockout: round, match and side (0 top)."""

    round_index: int
    match_index: int
    side: int


def next_match_slot(round_index: int, match_index: int, *, rounds: int | None = None) -> Slot:
    """Return the slot the winner of a knockout match moves to.

    Indices are 0-based: the winner of match ``m`` of round ``r`` plays match
    ``m // 2`` of round ``r + 1``, on the top side (0) when ``m`` is even and
    the bottom side (1) when odd.  With ``rounds`` given, asking for the slot
    after the final (or after the third-place match) raises ValueError.
    """
    round_index = _require_int("round_index", round_index)
    match_index = _require_int("match_index", match_index)
    if round_index < 0 or match_index < 0:
        raise ValueError("round and match indices are 0-based and non-negative")
    if rounds is not None:
        _check_in_bracket(round_index, match_index, rounds)
        if round_index == rounds - 1:
            raise ValueError("the final (and third-place match) has no next match")
    return Slot(round_index + 1, match_index // 2, match_index % 2)


def loser_next_slot(
    round_index: int,
    match_index: int,
    *,
    rounds: int,
    third_place_match: bool = False,
) -> Slot | None:
    """Return where the loser of a knockout match goes, or None if eliminated.

    Only with ``third_place_match`` do the semi-final losers play on: into
    match ``THIRD_PLACE_MATCH_INDEX`` of the last round, the loser of the
    upper semi-final on the top side.
    """
    round_index = _require_int("round_index", round_index)
    match_index = _require_int("match_index", match_index)
    _check_in_bracket(round_index, match_index, rounds)
    if third_place_match and rounds >= 2 and round_index == rounds - 2:
        return Slot(rounds - 1, THIRD_PLACE_MATCH_INDEX, match_index % 2)
    return None


def _check_in_bracket(round_index: int, match_index: int, rounds: int) -> None:
    """Raise ValueError unless the match exists in a draw of ``rounds`` rounds."""
    rounds = _require_int("rounds", rounds)
    if rounds < 1:
        raise ValueError("a knockout has at least one round")
    if not 0 <= round_index < rounds:
        raise ValueError(f"round {round_index} is outside a {rounds}-round draw")
    matches = 2 ** (rounds - 1 - round_index)
    # The third-place match sits beside the final in the last round.
    if round_index == rounds - 1 and rounds >= 2:
        matches = THIRD_PLACE_MATCH_INDEX + 1
    if not 0 <= match_index < matches:
        raise ValueError(f"round {round_index} has no match {match_index}")


# --------------------------------------------------------------------------
# Court schedule
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Booking(Generic[T]):
    """A match placed on a court in a time slot (both 0-based)."""

    slot: int
    court: int
    match_index: int
    teams: tuple[T, T]


def next_free_slot(slot: int, rest: int) -> int:
    """Return the first slot in which a team that plays in ``slot`` may play again.

    The rest rule: ``rest`` empty slots between two matches of one team (a
    knockout round or a stage also starts ``rest`` slots after the last one).
    """
    return slot + 1 + rest


def rested(slot: int, other: int, rest: int) -> bool:
    """Tell whether matches in ``slot`` and ``other`` leave one team its rest."""
    earlier, later = sorted((slot, other))
    return later >= next_free_slot(earlier, rest)


def court_schedule(
    matches: Sequence[tuple[T, T]],
    courts: int,
    *,
    min_rest: int = 0,
    groups: Sequence[Hashable] | None = None,
    last: Collection[int] = (),
) -> list[Booking[T]]:
    """Assign matches to courts and time slots, greedily in the given order.

    Slots are filled one after another; for each slot the pending matches
    are scanned in the given (round) order and a match is placed on the next
    free court when both teams are free in that slot, have rested at least
    ``min_rest`` empty slots since their previous match, and have already
    played every earlier-listed match of theirs.  That last rule keeps each
    team's matches in the listed order, so an order from
    ``group_match_order`` keeps the 1-2 match last.

    The matches whose indices are in ``last`` (a group's deciding match) are
    held back and then placed, in the given order, on the first free court
    from the slot of the last other match of their group (``groups`` gives
    each match's group) once their teams have rested.  Returns bookings
    sorted by slot and court.  Raises ValueError for ``courts < 1``, a
    negative rest, a team meeting itself, or ``last`` without ``groups``.
    """
    courts = _require_int("courts", courts)
    min_rest = _require_int("min_rest", min_rest)
    if courts < 1:
        raise ValueError("need at least one court")
    if min_rest < 0:
        raise ValueError("rest cannot be negative")
    for home, away in matches:
        if home == away:
            raise ValueError(f"team {home!r} cannot play itself")
    if groups is not None and len(groups) != len(matches):
        raise ValueError("give one group per match")
    held = [index for index in range(len(matches)) if index in last]
    if held and groups is None:
        raise ValueError("matches held for last need the groups of all matches")

    pending = [index for index in range(len(matches)) if index not in last]
    # First slot in which each team may play again.
    free_from: dict[T, int] = {}
    bookings: list[Booking[T]] = []
    slot = 0
    while pending:
        busy: set[T] = set()
        # Teams with an earlier-listed match still unplaced may not skip it.
        waiting: set[T] = set()
        placed: list[int] = []
        for index in pending:
            home, away = matches[index]
            teams = (home, away)
            ready = all(
                team not in busy and team not in waiting and free_from.get(team, 0) <= slot
                for team in teams
            )
            if ready and len(placed) < courts:
                bookings.append(Booking(slot, len(placed), index, teams))
                placed.append(index)
                busy.update(teams)
                for team in teams:
                    free_from[team] = next_free_slot(slot, min_rest)
            else:
                waiting.update(teams)
        placed_set = set(placed)
        pending = [index for index in pending if index not in placed_set]
        slot += 1
    if not held:
        return bookings
    assert groups is not None
    group_end: dict[Hashable, int] = {}
    for booking in bookings:
        group = groups[booking.match_index]
        group_end[group] = max(group_end.get(group, 0), booking.slot)
    taken = {(booking.slot, booking.court) for booking in bookings}
    for index in held:
        teams = matches[index]
        slot = max([group_end.get(groups[index], 0)] + [free_from.get(team, 0) for team in teams])
        while all((slot, court) in taken for court in range(courts)):
            slot += 1
        court = next(court for court in range(courts) if (slot, court) not in taken)
        taken.add((slot, court))
        bookings.append(Booking(slot, court, index, teams))
    return sorted(bookings, key=lambda booking: (booking.slot, booking.court))


@dataclass(frozen=True)
class Block(Generic[T]):
    """Matches placed together: a group stage (or round robin), or one knockout round.

    In a group stage a team plays several times, so the rest applies between its matches
    (``rested_inside``); in a knockout round each team plays once. ``groups`` and ``last`` are
    as for :func:`court_schedule` (a group's deciding match held for last)."""

    matches: Sequence[tuple[T, T]]
    groups: Sequence[Hashable] | None = None
    last: Collection[int] = ()
    rested_inside: bool = True


def day_schedule(
    blocks: Sequence[Block[T]], courts: int, *, rest: int = 0
) -> list[list[Booking[T]]]:
    """Place *blocks* one after another on *courts*: the tournament's whole timetable.

    Each block is placed by :func:`court_schedule`; the first starts in slot 0 and each next one
    in ``next_free_slot`` of the last slot used before it, so every team gets its ``rest``
    between stages and between knockout rounds too. Returns each block's bookings, with slots
    counted from the first block's start. An empty block takes no slots."""
    placed: list[list[Booking[T]]] = []
    start = 0
    for block in blocks:
        bookings = court_schedule(
            block.matches,
            courts,
            min_rest=rest if block.rested_inside else 0,
            groups=block.groups,
            last=block.last,
        )
        shifted = [replace(booking, slot=start + booking.slot) for booking in bookings]
        placed.append(shifted)
        if shifted:
            start = next_free_slot(max(booking.slot for booking in shifted), rest)
    return placed
