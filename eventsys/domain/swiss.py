"""Swiss-system tournaments (象棋, chess, go): scores, tie-breaks, standings and what a pairing
costs.

Players are ints (start numbers, 1 the highest seed). A round is a list of games
``(first, second, outcome)``: *first* had the first move's colour (red in 象棋, white in chess).
Outcomes:

====== ================================================ ======= ==========
code   meaning                                          played  a meeting
====== ================================================ ======= ==========
1-0    first won over the board                         yes     yes
0-1    second won over the board                        yes     yes
1/2    a draw                                           yes     yes
+-     first won by forfeit (second did not play)       no      no
-+     second won by forfeit                            no      no
bye    a pairing-allocated bye (second is None)         no      no
====== ================================================ ======= ==========

``(p, None, "-+")`` is a round *p* lost without an opponent (a withdrawn player's later rounds);
``(p, None, "+-")`` one it was given as won. A player missing from a round (a late entry before
it joined) lost that round unplayed, like a forfeit.

The rules (FIDE C.07 (2023) Art. 16 for Buchholz and Sonneborn-Berger, the 中国象棋协会 rules
for 对手分, 累进分 and 胜局数):

* Unplayed rounds (byes, both sides of a forfeit, absences) count for the score and for the
  progressive score only: they are no meeting, give no colour and are no game (wins,
  black_wins, games_as_black, direct_encounter).
* Buchholz: the sum over P's rounds of c_r, the opponent's final score, or for an unplayed round
  P's own final score (a stand-in opponent as strong as P). Cut 1 removes the lowest c_r, or,
  when P has forfeit losses, one forfeit-loss contribution instead; median removes the highest
  as well. Sonneborn-Berger: the sum of c_r times the points P scored in round r.
* Standings: by score, then each criterion in turn splits every group still tied (higher
  first); ``direct_encounter`` splits a group only when every two of its members played each
  other over the board, by the points each scored in those games.

Pairing (:func:`pair_costs` and friends; the matching itself is :func:`eventsys.pairing.
pair_round`): met = pairs that played over the board; colour history = played games only;
colour c is forbidden for p when p's last two played games were both c, or when
|#first - #second| would exceed 2. Among all pairings the best one has, in this order, the
fewest rematches, second byes and players given a forbidden colour, the lowest-scored bye, the
fewest pairs of unequal score and the least total score difference; among those, players are
paired top half against bottom half of their score group, as the Dutch system does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from math import lcm

WIN_FIRST = "1-0"
WIN_SECOND = "0-1"
DRAW = "1/2"
FORFEIT_FIRST = "+-"
FORFEIT_SECOND = "-+"
BYE = "bye"
OUTCOMES = (WIN_FIRST, WIN_SECOND, DRAW, FORFEIT_FIRST, FORFEIT_SECOND, BYE)

FIRST = "first"
SECOND = "second"

TIEBREAKS = (
    "buchholz",
    "buchholz_cut1",
    "median_buchholz",
    "sonneborn_berger",
    "progressive",
    "wins",
    "black_wins",
    "games_as_black",
)
DIRECT_ENCOUNTER = "direct_encounter"
CRITERIA = (*TIEBREAKS, DIRECT_ENCOUNTER)

Game = tuple[int, "int | None", str]
Points = tuple[object, object, object]


class SwissError(ValueError):
    """Input the rules cannot read; *code* names the problem for the page's sentence."""

    def __init__(self, code: str, message: str, **details: object) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


# ---- reading the rounds ------------------------------------------------------------------------


def _fraction(value: object) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Fraction):
        raise SwissError("points", f"points must be numbers, not {value!r}")
    try:
        number = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    except (ValueError, ZeroDivisionError) as error:
        raise SwissError("points", f"points must be numbers, not {value!r}") from error
    if number < 0:
        raise SwissError("points", f"points cannot be negative ({value!r})")
    return number


@dataclass(frozen=True)
class Scheme:
    """Points for a win, a draw and a loss, and for a bye (a win unless said otherwise)."""

    win: Fraction
    draw: Fraction
    loss: Fraction
    bye: Fraction

    @classmethod
    def of(cls, points: Points = (2, 1, 0), bye_points: object = None) -> Scheme:
        try:
            win, draw, loss = points
        except (TypeError, ValueError) as error:
            raise SwissError("points", "points are three numbers: win, draw, loss") from error
        scheme = cls(
            _fraction(win),
            _fraction(draw),
            _fraction(loss),
            _fraction(win if bye_points is None else bye_points),
        )
        if not scheme.win >= scheme.draw >= scheme.loss:
            raise SwissError("points", "a win must earn at least a draw, a draw at least a loss")
        return scheme


@dataclass(frozen=True)
class Seat:
    """One player's part in one round."""

    opponent: int | None  # over the board only
    colour: str | None  # FIRST or SECOND, played games only
    got: Fraction  # the points awarded
    result: str  # "win", "draw" or "loss" (for an unplayed round: as awarded)
    played: bool
    forfeit_loss: bool = False  # an unplayed round lost (forfeit, withdrawal, absence)
    bye: bool = False  # a pairing-allocated bye


def _seats_of(game: Game, scheme: Scheme) -> list[tuple[int, Seat]]:
    try:
        first, second, outcome = game
    except (TypeError, ValueError) as error:
        raise SwissError("game", f"a game is (first, second, outcome), not {game!r}") from error
    if outcome not in OUTCOMES:
        raise SwissError("outcome", f"unknown outcome {outcome!r}", outcome=outcome)
    if second is None:
        if outcome == BYE:
            return [(first, Seat(None, None, scheme.bye, "win", False, bye=True))]
        if outcome == FORFEIT_FIRST:
            return [(first, Seat(None, None, scheme.win, "win", False))]
        if outcome == FORFEIT_SECOND:
            return [(first, Seat(None, None, scheme.loss, "loss", False, forfeit_loss=True))]
        raise SwissError("game", f"a game over the board needs two players: {game!r}")
    if outcome == BYE:
        raise SwissError("game", f"a bye has no second player: {game!r}")
    if first == second:
        raise SwissError("game", f"player {first} cannot play itself")
    if outcome == WIN_FIRST:
        return [
            (first, Seat(second, FIRST, scheme.win, "win", True)),
            (second, Seat(first, SECOND, scheme.loss, "loss", True)),
        ]
    if outcome == WIN_SECOND:
        return [
            (first, Seat(second, FIRST, scheme.loss, "loss", True)),
            (second, Seat(first, SECOND, scheme.win, "win", True)),
        ]
    if outcome == DRAW:
        return [
            (first, Seat(second, FIRST, scheme.draw, "draw", True)),
            (second, Seat(first, SECOND, scheme.draw, "draw", True)),
        ]
    winner, loser = (first, second) if outcome == FORFEIT_FIRST else (second, first)
    return [
        (winner, Seat(None, None, scheme.win, "win", False)),
        (loser, Seat(None, None, scheme.loss, "loss", False, forfeit_loss=True)),
    ]


def history(
    players: Iterable[int], rounds: Sequence[Iterable[Game]], scheme: Scheme
) -> dict[int, list[Seat]]:
    """Return every player's seat in every round, checking that each appears at most once."""
    known = list(dict.fromkeys(players))
    seats: dict[int, list[Seat]] = {p: [] for p in known}
    absent = Seat(None, None, scheme.loss, "loss", False, forfeit_loss=True)
    for number, games in enumerate(rounds, 1):
        this: dict[int, Seat] = {}
        for game in games:
            for player, seat in _seats_of(game, scheme):
                if player not in seats:
                    raise SwissError(
                        "unknown_player", f"round {number}: player {player!r} is not in the field"
                    )
                if player in this:
                    raise SwissError(
                        "paired_twice", f"round {number}: player {player} appears twice"
                    )
                this[player] = seat
        for player in known:
            seats[player].append(this.get(player, absent))
    return seats


def _scores(seats: Mapping[int, list[Seat]]) -> dict[int, Fraction]:
    return {p: sum((s.got for s in row), Fraction(0)) for p, row in seats.items()}


def score(
    players: Iterable[int],
    rounds: Sequence[Iterable[Game]],
    points: Points = (2, 1, 0),
    bye_points: object = None,
) -> dict[int, Fraction]:
    """Return each player's score: forfeit won = a win, forfeit lost = a loss, bye = bye_points."""
    return _scores(history(players, rounds, Scheme.of(points, bye_points)))


# ---- tie-breaks -------------------------------------------------------------------------------


def _contributions(
    row: Sequence[Seat], own: Fraction, scores: Mapping[int, Fraction]
) -> list[Fraction]:
    return [scores[s.opponent] if s.played and s.opponent is not None else own for s in row]


def _cut(row: Sequence[Seat], values: list[Fraction]) -> list[Fraction]:
    """Remove the lowest contribution, or one forfeit loss's when there is one (C.07 16.5)."""
    if not values:
        return values
    lost = [i for i, seat in enumerate(row) if seat.forfeit_loss]
    index = lost[0] if lost else min(range(len(values)), key=values.__getitem__)
    return values[:index] + values[index + 1 :]


def _tiebreaks(
    name: str, seats: Mapping[int, list[Seat]], scores: Mapping[int, Fraction]
) -> dict[int, Fraction]:
    values: dict[int, Fraction] = {}
    for player, row in seats.items():
        own = scores[player]
        c = _contributions(row, own, scores)
        if name == "buchholz":
            value = sum(c, Fraction(0))
        elif name == "buchholz_cut1":
            value = sum(_cut(row, c), Fraction(0))
        elif name == "median_buchholz":
            rest = _cut(row, c)
            if rest:
                rest.remove(max(rest))
            value = sum(rest, Fraction(0))
        elif name == "sonneborn_berger":
            value = sum((v * s.got for v, s in zip(c, row, strict=True)), Fraction(0))
        elif name == "progressive":
            running, value = Fraction(0), Fraction(0)
            for seat in row:
                running += seat.got
                value += running
        elif name == "wins":
            value = Fraction(sum(1 for s in row if s.played and s.result == "win"))
        elif name == "black_wins":
            value = Fraction(
                sum(1 for s in row if s.played and s.result == "win" and s.colour == SECOND)
            )
        elif name == "games_as_black":
            value = Fraction(sum(1 for s in row if s.played and s.colour == SECOND))
        else:
            raise SwissError("tiebreak", f"unknown tie-break {name!r}", name=name)
        values[player] = value
    return values


def tiebreak(
    players: Iterable[int],
    rounds: Sequence[Iterable[Game]],
    name: str,
    points: Points = (2, 1, 0),
    bye_points: object = None,
) -> dict[int, Fraction]:
    """Return each player's value of the tie-break *name* (one of TIEBREAKS)."""
    if name not in TIEBREAKS:
        raise SwissError("tiebreak", f"unknown tie-break {name!r}", name=name)
    seats = history(players, rounds, Scheme.of(points, bye_points))
    return _tiebreaks(name, seats, _scores(seats))


def check_criteria(criteria: Iterable[str]) -> tuple[str, ...]:
    """Return the criteria as a tuple, refusing an unknown or repeated name."""
    names = tuple(criteria)
    for name in names:
        if name not in CRITERIA:
            raise SwissError("tiebreak", f"unknown tie-break {name!r}", name=name)
    if len(set(names)) != len(names):
        raise SwissError("tiebreak_twice", "each tie-break is applied once")
    return names


def _direct_encounter(
    group: Sequence[int], seats: Mapping[int, list[Seat]]
) -> dict[int, Fraction] | None:
    """Points each member scored against the others, or None unless all of them met."""
    members = set(group)
    met: set[frozenset[int]] = set()
    got = dict.fromkeys(group, Fraction(0))
    for player in group:
        for seat in seats[player]:
            if seat.played and seat.opponent in members:
                met.add(frozenset((player, seat.opponent)))
                got[player] += seat.got
    needed = len(group) * (len(group) - 1) // 2
    return got if len(met) == needed else None


@dataclass
class Place:
    """A group of players sharing a position, and what decided it."""

    players: list[int]
    decided_by: str | None = None  # the criterion that split this group from its neighbours


def ranked(
    seats: Mapping[int, list[Seat]], criteria: Iterable[str]
) -> tuple[list[Place], dict[int, Fraction], dict[str, dict[int, Fraction]]]:
    """Return the position groups (with the deciding criterion), the scores and every
    tie-break's values (direct encounter aside) from the :func:`history`: what a standings
    page shows."""
    names = check_criteria(criteria)
    scores = _scores(seats)
    columns = {name: _tiebreaks(name, seats, scores) for name in names if name in TIEBREAKS}

    def split(group: list[int], key: Mapping[int, Fraction], name: str) -> list[Place]:
        levels = sorted({key[p] for p in group}, reverse=True)
        return [
            Place(sorted(p for p in group if key[p] == level), name if len(levels) > 1 else None)
            for level in levels
        ]

    places = split(sorted(seats), scores, "score")
    for name in names:
        refined: list[Place] = []
        for place in places:
            if len(place.players) == 1:
                refined.append(place)
                continue
            key = (
                _direct_encounter(place.players, seats)
                if name == DIRECT_ENCOUNTER
                else columns[name]
            )
            if key is None:
                refined.append(place)
                continue
            parts = split(place.players, key, name)
            if len(parts) == 1:
                parts[0].decided_by = place.decided_by
            refined.extend(parts)
        places = refined
    return places, scores, columns


def standings(
    players: Iterable[int],
    rounds: Sequence[Iterable[Game]],
    criteria: Iterable[str],
    points: Points = (2, 1, 0),
    bye_points: object = None,
) -> list[list[int]]:
    """Return the position groups from first to last; players still tied share a group."""
    seats = history(players, rounds, Scheme.of(points, bye_points))
    return [place.players for place in ranked(seats, criteria)[0]]


# ---- pairing ---------------------------------------------------------------------------------


@dataclass
class PairingState:
    """What the next round's pairing reads of the history."""

    players: list[int]  # to be paired, in start-number order
    scores: dict[int, Fraction]
    met: set[frozenset[int]]
    colours: dict[int, list[str]]  # played games only, in order
    byes: dict[int, int]
    unit: int  # scores times this are whole numbers
    groups: dict[int, tuple[int, int]] = field(default_factory=dict)  # position, size

    def whole(self, value: Fraction) -> int:
        return int(value * self.unit)


def pairing_state(
    players: Iterable[int],
    rounds: Sequence[Iterable[Game]],
    points: Points = (2, 1, 0),
    bye_points: object = None,
) -> PairingState:
    """Read the history the next round is paired from (every player in *players* is paired)."""
    field_ = sorted(dict.fromkeys(players))
    everyone = set(field_)
    for games in rounds:
        for game in games:
            for side in game[:2]:
                if side is not None:
                    everyone.add(side)
    scheme = Scheme.of(points, bye_points)
    seats = history(sorted(everyone), rounds, scheme)
    scores = _scores(seats)
    met = {
        frozenset((p, s.opponent))
        for p, row in seats.items()
        for s in row
        if s.played and s.opponent is not None
    }
    unit = lcm(*(f.denominator for f in (scheme.win, scheme.draw, scheme.loss, scheme.bye)))
    state = PairingState(
        players=field_,
        scores={p: scores[p] for p in field_},
        met=met,
        colours={p: [s.colour for s in seats[p] if s.played and s.colour] for p in field_},
        byes={p: sum(1 for s in seats[p] if s.bye) for p in field_},
        unit=unit,
    )
    by_score: dict[Fraction, list[int]] = {}
    for p in field_:
        by_score.setdefault(state.scores[p], []).append(p)
    for members in by_score.values():
        for position, p in enumerate(members):
            state.groups[p] = (position, len(members))
    return state


def forbidden(state: PairingState, player: int, colour: str) -> bool:
    """Tell whether *colour* is forbidden for *player* in the next round."""
    history_ = state.colours[player]
    if len(history_) >= 2 and history_[-1] == history_[-2] == colour:
        return True
    firsts = history_.count(FIRST) + (colour == FIRST)
    seconds = history_.count(SECOND) + (colour == SECOND)
    return abs(firsts - seconds) > 2


def _preference(state: PairingState, player: int) -> int:
    """How much *player* wants the first colour (higher: more), from their history."""
    history_ = state.colours[player]
    balance = history_.count(SECOND) - history_.count(FIRST)
    last = 0 if not history_ else (1 if history_[-1] == SECOND else -1)
    return balance * 4 + last * 2


def orient(state: PairingState, a: int, b: int) -> tuple[int, int]:
    """Return the pair as (first, second): fewest forbidden colours, then the stronger wish,
    then the higher-ranked player's wish (or, with no history, the higher seed alternating)."""

    def breaks(first: int, second: int) -> int:
        return forbidden(state, first, FIRST) + forbidden(state, second, SECOND)

    options = [(a, b), (b, a)]
    best = min(breaks(*o) for o in options)
    options = [o for o in options if breaks(*o) == best]
    if len(options) == 1:
        return options[0]
    wish_a, wish_b = _preference(state, a), _preference(state, b)
    if wish_a != wish_b:
        return (a, b) if wish_a > wish_b else (b, a)
    higher, lower = sorted((a, b), key=lambda p: (-state.scores[p], p))
    history_ = state.colours[higher]
    if history_:  # the higher-ranked player alternates
        return (higher, lower) if history_[-1] == SECOND else (lower, higher)
    return (higher, lower)


def pair_cost(state: PairingState, a: int, b: int) -> tuple[int, ...]:
    """What pairing *a* with *b* costs, component by component (see the module's docstring)."""
    first, second = orient(state, a, b)
    diff = abs(state.whole(state.scores[a]) - state.whole(state.scores[b]))
    return (
        int(frozenset((a, b)) in state.met),
        0,
        forbidden(state, first, FIRST) + forbidden(state, second, SECOND),
        0,
        int(diff != 0),
        diff,
        _dutch_distance(state, a, b),
    )


def bye_cost(state: PairingState, player: int) -> tuple[int, ...]:
    """What giving *player* the bye costs (a second bye, then a higher score)."""
    return (0, int(state.byes[player] > 0), 0, state.whole(state.scores[player]), 0, 0, 0)


def _dutch_distance(state: PairingState, a: int, b: int) -> int:
    """Within a score group, how far the pair is from top half against bottom half."""
    if state.scores[a] != state.scores[b]:
        return 0
    (pa, size), (pb, _size) = state.groups[a], state.groups[b]
    return abs(abs(pa - pb) - size // 2)


def cost_bounds(state: PairingState) -> tuple[int, ...]:
    """An upper bound of each cost component summed over a whole round (for one weight)."""
    n = len(state.players)
    top = max((state.whole(s) for s in state.scores.values()), default=0)
    return (n, n, n, top, n, n * top, n * n)


@dataclass(frozen=True)
class RuleBreak:
    """A pairing rule the round breaks, for the arbiter's warning."""

    code: str  # "rematch", "second_bye", "forbidden_colour", "paired_twice", "missing"
    players: tuple[int, ...]


def rule_breaks(state: PairingState, pairing: Sequence[tuple[int, int | None]]) -> list[RuleBreak]:
    """Return what *pairing* (first, second or None) breaks of the absolute rules."""
    found: list[RuleBreak] = []
    seen: list[int] = []
    for first, second in pairing:
        seen.extend(p for p in (first, second) if p is not None)
        if second is None:
            if state.byes.get(first, 0):
                found.append(RuleBreak("second_bye", (first,)))
            continue
        if frozenset((first, second)) in state.met:
            found.append(RuleBreak("rematch", (first, second)))
        for player, colour in ((first, FIRST), (second, SECOND)):
            if player in state.colours and forbidden(state, player, colour):
                found.append(RuleBreak("forbidden_colour", (player,)))
    twice = sorted({p for p in seen if seen.count(p) > 1})
    if twice:
        found.append(RuleBreak("paired_twice", tuple(twice)))
    missing = sorted(set(state.players) - set(seen))
    if missing:
        found.append(RuleBreak("missing", tuple(missing)))
    return found


def first_round(players: Iterable[int]) -> list[tuple[int, int | None]]:
    """Round 1: the top half against the bottom half by start number, colours alternating by
    board; with an odd field the lowest seed has the bye."""
    field_ = sorted(dict.fromkeys(players))
    bye = field_.pop() if len(field_) % 2 else None
    half = len(field_) // 2
    pairing: list[tuple[int, int | None]] = []
    for board in range(half):
        top, bottom = field_[board], field_[board + half]
        pairing.append((top, bottom) if board % 2 == 0 else (bottom, top))
    if bye is not None:
        pairing.append((bye, None))
    return pairing
