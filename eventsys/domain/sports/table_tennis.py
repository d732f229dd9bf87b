"""Table tennis scoring and ITTF group ranking.

Sources
-------
* ITTF Laws 2.11.1: a game is won by the first to 11 points unless both
  reach 10, after which the first to lead by 2 wins.  2.12.1: a match is the
  best of any odd number of games.
* ITTF Handbook, Regulations 3.7.5 (group competitions):
  3.7.5.1 2 match points for a win, 1 for a loss in a played match, 0 for a
  loss in an unplayed or unfinished match; rank first by match points.
  3.7.5.2 players equal on match points are separated only by the matches
  between them: match points, then the ratio of games won to lost, then of
  points won to lost.
  3.7.5.3 when at any step some positions are settled while others are
  still equal, the matches of the settled players are dropped and the rest
  start again from 3.7.5.1/3.7.5.2.
  3.7.5.4 what still cannot be separated is decided by lot.

Decisions where the rules are silent
------------------------------------
* Walkover (unplayed match): 2 match points to the winner, 0 to the loser,
  and no games or points for anyone's ratios.
* Retirement (``retired=player``, an unfinished match): the retiring player
  loses with 0 match points (3.7.5.1 "unfinished"), the opponent gets 2.
  The games recorded (finished games only) count in the ratios as played.
  The games may stop where the match stopped, or already be completed in the
  opponent's favour as some associations do on the score sheet (e.g. DTTB
  WO E 2.8 books X:11 for the broken-off game and 0:11 for the rest);
  either is accepted, but a record where the retiring player had already
  won, or with games after the match was decided, is invalid.
* Ratios are exact fractions.  ``x/0`` with ``x > 0`` ranks above every
  finite ratio and equals any other ``y/0``.  ``0/0`` (no games or points
  at all among the tied players, which only walkovers or a retirement before
  the first game can cause) counts as "no ratio" and ranks below every
  defined ratio, including ``0/x``: the ratio criteria reward what was won
  at the table, and a player with nothing played has won nothing there.
* The NTTB ranking library applies further steps over *all* group matches
  before a lot and strikes players with too many walkovers; neither is in
  ITTF 3.7.5, so neither is applied here: such ties come back as a lot group.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Generic, TypeVar

from eventsys.domain import sports

__all__ = [
    "Criterion",
    "MatchResult",
    "check_result",
    "group_ranking",
    "group_ranking_explained",
    "match_points",
    "valid_game",
    "valid_match",
]

P = TypeVar("P", bound=Hashable)

GameScore = tuple[int, int]

WIN_POINTS = 2
PLAYED_LOSS_POINTS = 1
UNPLAYED_LOSS_POINTS = 0


class Criterion(StrEnum):
    """Which rule settled a position group (values are UI-ready strings)."""

    MATCH_POINTS = "match points"
    MATCH_POINTS_BETWEEN_TIED = "match points between tied"
    GAMES_RATIO_BETWEEN_TIED = "games ratio between tied"
    POINTS_RATIO_BETWEEN_TIED = "points ratio between tied"
    LOT = "lot"


# --------------------------------------------------------------------------
# Games and matches
# --------------------------------------------------------------------------


def _is_score(value: object) -> bool:
    """Tell whether ``value`` is a usable point count (a non-negative int)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def valid_game(a: int, b: int) -> bool:
    """Tell whether ``a``-``b`` is the score of a finished game (ITTF Law 2.11.1)."""
    if not (_is_score(a) and _is_score(b)):
        return False
    high, low = max(a, b), min(a, b)
    if high == 11:
        return low <= 9
    # Past 10-10 only a lead of exactly two ends the game.
    return low >= 10 and high - low == 2


def _games_needed(best_of: int) -> int:
    """Return the games needed to win a best-of match; reject even lengths."""
    if isinstance(best_of, bool) or not isinstance(best_of, int):
        raise TypeError("best_of must be an int")
    if best_of < 1 or best_of % 2 == 0:
        # ITTF Law 2.12.1: the best of any odd number of games.
        raise ValueError(f"best_of must be a positive odd number, got {best_of}")
    return (best_of + 1) // 2


def _game_tally(games: Sequence[GameScore]) -> list[tuple[int, int]]:
    """Return games won by each side after each game; ValueError if one is invalid."""
    tally: list[tuple[int, int]] = []
    won1 = won2 = 0
    for game in games:
        if len(game) != 2 or not valid_game(game[0], game[1]):
            raise ValueError(f"invalid game score {game!r}")
        if game[0] > game[1]:
            won1 += 1
        else:
            won2 += 1
        tally.append((won1, won2))
    return tally


def valid_match(games: Sequence[GameScore], best_of: int) -> bool:
    """Tell whether ``games`` is a finished best-of-``best_of`` match.

    Every game must be a finished game, the winner must reach
    ``(best_of + 1) // 2`` games with the last game, and no game may follow
    the deciding one.  Raises ValueError when ``best_of`` is not a positive
    odd number.
    """
    needed = _games_needed(best_of)
    try:
        tally = _game_tally(games)
    except (ValueError, TypeError):
        return False
    if not tally:
        return False
    # The match must be decided by the last game and not before it.
    for won1, won2 in tally[:-1]:
        if max(won1, won2) >= needed:
            return False
    return max(tally[-1]) == needed


@dataclass(frozen=True)
class MatchResult(Generic[P]):
    """The result of one match between ``p1`` and ``p2``.

    ``games`` are ``(p1_points, p2_points)`` per finished game.  A walkover
    has no games and names its winner in ``walkover_winner``; a retirement
    names the retiring player in the keyword-only ``retired`` (see the module
    docstring).  Players must not be None.
    """

    p1: P
    p2: P
    games: tuple[GameScore, ...] = ()
    walkover_winner: P | None = None
    retired: P | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        """Normalise games to a tuple and reject self-contradicting records."""
        object.__setattr__(self, "games", tuple(tuple(game) for game in self.games))
        if self.p1 == self.p2:
            raise ValueError(f"player {self.p1!r} cannot play themselves")
        for role, who in (
            ("walkover_winner", self.walkover_winner),
            ("retired", self.retired),
        ):
            if who is not None and who not in (self.p1, self.p2):
                raise ValueError(f"{role} {who!r} did not play in this match")
        if self.walkover_winner is not None:
            if self.retired is not None:
                raise ValueError("a match cannot be both a walkover and a retirement")
            if self.games:
                raise ValueError("a walkover has no games")

    @property
    def is_walkover(self) -> bool:
        """Tell whether the match was not played."""
        return self.walkover_winner is not None

    @property
    def is_retirement(self) -> bool:
        """Tell whether the match was started but not finished."""
        return self.retired is not None

    def winner(self) -> P | None:
        """Return the winner, or None when the games decide nobody."""
        if self.walkover_winner is not None:
            return self.walkover_winner
        if self.retired is not None:
            return self.p2 if self.retired == self.p1 else self.p1
        won1 = sum(1 for a, b in self.games if a > b)
        won2 = sum(1 for a, b in self.games if b > a)
        if won1 == won2:
            return None
        return self.p1 if won1 > won2 else self.p2

    def loser(self) -> P | None:
        """Return the loser, or None when the games decide nobody."""
        winner = self.winner()
        if winner is None:
            return None
        return self.p2 if winner == self.p1 else self.p1

    def check(self, best_of: int | None = None) -> None:
        """Raise ValueError unless the record is a complete result.

        With ``best_of`` the games must form a finished match of that
        length (or, for a retirement, a match not yet won by the retiring
        player); without it the games must only be valid and name a winner.
        """
        if self.is_walkover:
            return
        tally = _game_tally(self.games)
        if self.retired is not None:
            self._check_retirement(tally, best_of)
            return
        if best_of is None:
            if self.winner() is None:
                raise ValueError(f"{self.p1!r}-{self.p2!r}: the games name no winner")
            return
        if not valid_match(self.games, best_of):
            raise ValueError(
                f"{self.p1!r}-{self.p2!r}: {self.games!r} is not a finished best-of-{best_of} match"
            )

    def _check_retirement(self, tally: list[tuple[int, int]], best_of: int | None) -> None:
        """Raise ValueError if the retiring player had already won or games ran on."""
        if best_of is None:
            return
        needed = _games_needed(best_of)
        retired_is_p1 = self.retired == self.p1
        for position, (won1, won2) in enumerate(tally):
            decided = max(won1, won2) >= needed
            if decided and position != len(tally) - 1:
                raise ValueError("games recorded after the match was decided")
            retiring_won = won1 if retired_is_p1 else won2
            if retiring_won >= needed:
                raise ValueError("the retiring player had already won the match")


def check_result(
    side_a: int, side_b: int, entry: sports.ResultInput, rules: sports.MatchRules
) -> sports.CheckedResult:
    """Return the checked result of a best-of-``rules.best_of`` match, or raise InvalidResult.

    Codes: too_many_games, game_unfinished (11-10, 12-9, 13-12), games_after_decided,
    walkover_with_games, not_a_side, retired_had_won, match_undecided, and those of
    `check_outcome`. A retirement needs no games; the retiring player loses.
    """
    sports.check_outcome(entry, retirement=True)
    best_of = rules.best_of
    needed = (best_of + 1) // 2
    games = [(game[0], game[1]) for game in entry.games]
    if len(games) > best_of:
        raise sports.InvalidResult("too_many_games", "games", n=best_of)
    won_a = won_b = 0
    for number, (a, b) in enumerate(games, start=1):
        if not valid_game(a, b):
            raise sports.InvalidResult("game_unfinished", "games", number=number, a=a, b=b)
        if max(won_a, won_b) >= needed:
            raise sports.InvalidResult("games_after_decided", "games", number=number - 1)
        if a > b:
            won_a += 1
        else:
            won_b += 1
    if entry.outcome == "walkover":
        if games:
            raise sports.InvalidResult("walkover_with_games", "games")
        return sports.walkover(side_a, side_b, entry.winner_id, games=[])
    if entry.outcome == "retired":
        side = sports.side_of(side_a, side_b, entry.retired_id, "retired")
        retiring_won = won_a if side == "a" else won_b
        if retiring_won >= needed:
            raise sports.InvalidResult("retired_had_won", "retired_id")
        return sports.CheckedResult(
            "played",
            side_b if side == "a" else side_a,
            won_a,
            won_b,
            {"games": [list(g) for g in games], "retired": side},
            "retired",
        )
    if max(won_a, won_b) < needed:
        raise sports.InvalidResult("match_undecided", "games", needed=needed)
    result = MatchResult(side_a, side_b, games=tuple(games))
    result.check(best_of)
    return sports.CheckedResult(
        "played", result.winner(), won_a, won_b, {"games": [list(g) for g in games]}, "games"
    )


# --------------------------------------------------------------------------
# Match points and ranking
# --------------------------------------------------------------------------


@dataclass
class _Tally:
    """Match points, games and points one player gathered in some matches."""

    match_points: int = 0
    games_won: int = 0
    games_lost: int = 0
    points_won: int = 0
    points_lost: int = 0


def _tallies(players: Iterable[P], results: Iterable[MatchResult[P]]) -> dict[P, _Tally]:
    """Add up match points, games and points for ``players`` from ``results``."""
    tallies = {player: _Tally() for player in players}
    for result in results:
        winner = result.winner()
        if winner is None:  # pragma: no cover - check() rules this out
            raise ValueError(f"{result.p1!r}-{result.p2!r}: no winner")
        loser = result.p2 if winner == result.p1 else result.p1
        tallies[winner].match_points += WIN_POINTS
        played = not (result.is_walkover or result.is_retirement)
        tallies[loser].match_points += PLAYED_LOSS_POINTS if played else UNPLAYED_LOSS_POINTS
        # A walkover has no games, so only played (or broken-off) games count.
        for p1_points, p2_points in result.games:
            first, second = tallies[result.p1], tallies[result.p2]
            first.points_won += p1_points
            first.points_lost += p2_points
            second.points_won += p2_points
            second.points_lost += p1_points
            if p1_points > p2_points:
                first.games_won += 1
                second.games_lost += 1
            else:
                second.games_won += 1
                first.games_lost += 1
    return tallies


def _validated(
    players: Sequence[P], results: Iterable[MatchResult[P]], best_of: int | None
) -> list[MatchResult[P]]:
    """Return the results as a list after checking players and scores."""
    if len(set(players)) != len(players):
        raise ValueError("players must not repeat")
    known = set(players)
    checked = list(results)
    for result in checked:
        for player in (result.p1, result.p2):
            if player not in known:
                raise ValueError(f"result names unknown player {player!r}")
        result.check(best_of)
    return checked


def match_points(
    players: Sequence[P],
    results: Iterable[MatchResult[P]],
    *,
    best_of: int | None = None,
) -> dict[P, int]:
    """Return each player's match points: 2 a win, 1 a played loss, 0 otherwise.

    Without ``best_of`` the games only need to be valid and name a winner;
    with it every played match must be a finished match of that length.
    Raises ValueError for unknown players or invalid results.
    """
    if best_of is not None:
        _games_needed(best_of)
    checked = _validated(players, results, best_of)
    return {player: tally.match_points for player, tally in _tallies(players, checked).items()}


# Sort key for a won/lost ratio: (class, value).  Class 2 is x/0 (infinite),
# 1 a finite ratio, 0 no games at all (0/0).
_RatioKey = tuple[int, Fraction]


def _ratio_key(won: int, lost: int) -> _RatioKey:
    """Return a totally ordered key for the ratio ``won / lost``."""
    if lost:
        return (1, Fraction(won, lost))
    return (2, Fraction(0)) if won else (0, Fraction(0))


def _match_points_key(tally: _Tally) -> _RatioKey:
    """Return the sort key for match points (same shape as a ratio key)."""
    return (1, Fraction(tally.match_points))


def _games_key(tally: _Tally) -> _RatioKey:
    """Return the sort key for the games won/lost ratio."""
    return _ratio_key(tally.games_won, tally.games_lost)


def _points_key(tally: _Tally) -> _RatioKey:
    """Return the sort key for the points won/lost ratio."""
    return _ratio_key(tally.points_won, tally.points_lost)


# ITTF 3.7.5.2: the criteria applied, in order, among players still level.
_CRITERIA: tuple[tuple[Criterion, Callable[[_Tally], _RatioKey]], ...] = (
    (Criterion.MATCH_POINTS_BETWEEN_TIED, _match_points_key),
    (Criterion.GAMES_RATIO_BETWEEN_TIED, _games_key),
    (Criterion.POINTS_RATIO_BETWEEN_TIED, _points_key),
)


def _split(group: Sequence[P], keys: dict[P, _RatioKey]) -> list[list[P]]:
    """Split ``group`` into runs of equal key, best key first, keeping input order."""
    distinct = sorted(set(keys[player] for player in group), reverse=True)
    return [[player for player in group if keys[player] == key] for key in distinct]


def _resolve(tied: list[P], results: Sequence[MatchResult[P]]) -> list[tuple[list[P], Criterion]]:
    """Order players level on match points by the matches between them (3.7.5.2-4)."""
    members = set(tied)
    # 3.7.5.2/3: only the matches among the players still level count.
    between = [r for r in results if r.p1 in members and r.p2 in members]
    tallies = _tallies(tied, between)
    for criterion, key_of in _CRITERIA:
        keys = {player: key_of(tallies[player]) for player in tied}
        parts = _split(tied, keys)
        if len(parts) == 1:
            continue
        ranked: list[tuple[list[P], Criterion]] = []
        for part in parts:
            if len(part) == 1:
                ranked.append((part, criterion))
            else:
                # 3.7.5.3: those still level start again among themselves.
                ranked.extend(_resolve(part, results))
        return ranked
    return [(tied, Criterion.LOT)]


def group_ranking_explained(
    players: Sequence[P],
    results: Iterable[MatchResult[P]],
    best_of: int = 5,
) -> list[tuple[list[P], Criterion]]:
    """Return the position groups, first to last, each with the rule that settled it.

    A group of several players is level on every ITTF criterion and its
    order must be drawn by lot (``Criterion.LOT``); its members are listed
    in the order of ``players``, which means nothing.  Raises ValueError for
    unknown or repeated players and for a result that is neither a sports.walkover
    nor a valid best-of-``best_of`` match (see ``MatchResult.check``).
    """
    _games_needed(best_of)  # reject an even length even if all are walkovers
    checked = _validated(players, results, best_of)
    tallies = _tallies(players, checked)
    keys = {player: _match_points_key(tallies[player]) for player in players}
    ranked: list[tuple[list[P], Criterion]] = []
    for part in _split(list(players), keys):
        if len(part) == 1:
            ranked.append((part, Criterion.MATCH_POINTS))
        else:
            ranked.extend(_resolve(part, checked))
    return ranked


def group_ranking(
    players: Sequence[P],
    results: Iterable[MatchResult[P]],
    best_of: int = 5,
) -> list[list[P]]:
    """Return the ITTF 3.7.5 group order as position groups, first to last.

    Each inner list is one position; a list of several players is a tie
    that only a lot can break.  See ``group_ranking_explained``.
    """
    return [group for group, _ in group_ranking_explained(players, results, best_of)]
