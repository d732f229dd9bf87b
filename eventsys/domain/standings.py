"""Configurable group standings for sports whose federations leave tie-breaks to the tournament.

Gateball and billiards federations say how one match is won, not how a league table is ordered;
that is written in each tournament's own regulations. So the engine takes the order of
tie-breaking criteria as data: an ordered list of names from `CRITERIA`.

How a table is built (`rank`):

* Every team's stats (played, won, drawn, lost, score for/against, match points, summed extras)
  come from the finished matches and a `PointsScheme`.
* All teams start as one tied group. The criteria are tried in order; the first one that gives
  the group's members different values splits it into sub-groups (higher value ranks higher),
  and each sub-group of two or more teams goes on with the *next* criterion.
* "Head-to-head" criteria look only at the matches played among the members of the group that
  is being split at that moment, so their values change as a group shrinks.
* With ``restart=True`` a sub-group instead starts again from the first criterion, which makes
  head-to-head criteria count only the matches among the teams still tied. This is the way the
  ITTF regulations for groups work (results against teams already placed are left out). With the
  default ``restart=False`` each criterion is used once, in the order given.
* Teams still level after every criterion share a place (competition ranking: 1, 2, 2, 4) and are
  flagged ``shared``: the regulations then call for a lot, which is drawn by people, not here.
  Nothing is ever broken by name or id; within a shared place rows keep the order of ``teams``.

Each row's ``decided_by`` names the criterion that put it ahead of the row below it, so the
standings page can show why each place was decided.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Generic, Protocol, TypeVar

T = TypeVar("T", bound=Hashable)

#: Extras keys that gateball results fill in, one per step of progression (進度): balls that hit
#: the goal pole (上がり), then balls that got at least through gate 3, gate 2 and gate 1. A ball
#: that finished also counts as through every gate, as eventsys.domain.sports.gateball counts them.
FINISHED_BALLS = "finished_balls"
THROUGH_GATE_3 = "through_gate_3"
THROUGH_GATE_2 = "through_gate_2"
THROUGH_GATE_1 = "through_gate_1"


def _check_count(value: object, what: str) -> int:
    """Return *value* if it is a non-negative int (bools are refused), else raise ValueError."""
    # bool is a subclass of int; a True score is a bug in the caller, not a score of 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number, not {value!r}")
    if value < 0:
        raise ValueError(f"{what} cannot be negative (got {value})")
    return value


def _frozen_extras(extras: Mapping[str, int], side: str) -> Mapping[str, int]:
    """Validate one side's extras and return a read-only copy."""
    checked: dict[str, int] = {}
    for key, value in extras.items():
        if not isinstance(key, str) or not key:
            raise ValueError(f"{side} extras keys must be non-empty strings, not {key!r}")
        checked[key] = _check_count(value, f"{side} extra {key!r}")
    return MappingProxyType(checked)


@dataclass(frozen=True)
class MatchRecord(Generic[T]):
    """One finished match in sport-neutral form, as the standings engine reads it.

    ``winner`` is None for a draw. When the scores differ the winner must be the side with the
    higher score; when they are equal the winner may still be set, because some sports (gateball's
    progression count) decide a level score by other means. A walkover always has a winner.
    ``home_extras`` / ``away_extras`` carry per-side counts used by some criteria, for example
    ``{"finished_balls": 3}`` for gateball.
    """

    home: T
    away: T
    home_score: int
    away_score: int
    winner: T | None
    walkover: bool = False
    # Mapping proxies are not hashable, so the extras stay out of the generated __hash__.
    home_extras: Mapping[str, int] = field(default_factory=dict, hash=False)
    away_extras: Mapping[str, int] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        """Check the record and freeze the extras."""
        if self.home == self.away:
            raise ValueError(f"a team cannot play itself ({self.home!r})")
        _check_count(self.home_score, "home score")
        _check_count(self.away_score, "away score")
        if self.winner is not None and self.winner not in (self.home, self.away):
            raise ValueError(f"winner {self.winner!r} did not play in this match")
        if self.walkover and self.winner is None:
            raise ValueError("a walkover must name its winner")
        if not self.walkover and self.home_score != self.away_score:
            higher = self.home if self.home_score > self.away_score else self.away
            if self.winner != higher:
                raise ValueError(
                    f"the winner must be {higher!r}, who scored more "
                    f"({self.home_score}:{self.away_score})"
                )
        object.__setattr__(self, "home_extras", _frozen_extras(self.home_extras, "home"))
        object.__setattr__(self, "away_extras", _frozen_extras(self.away_extras, "away"))

    @property
    def is_draw(self) -> bool:
        """Tell whether the match ended without a winner."""
        return self.winner is None


@dataclass(frozen=True)
class PointsScheme:
    """Match points a team earns for each kind of result.

    The winner of a walkover gets ``win``; the team that did not turn up gets ``walkover_loss``,
    which tournaments often set below ``loss`` (table tennis groups: win 2, loss 1, walkover 0).
    ``draw`` is None for sports that cannot draw; a drawn match is then refused.
    """

    win: int
    draw: int | None
    loss: int
    walkover_loss: int

    def __post_init__(self) -> None:
        """Refuse schemes where losing could pay better than winning."""
        for name in ("win", "draw", "loss", "walkover_loss"):
            value = getattr(self, name)
            if name == "draw" and value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} points must be a whole number, not {value!r}")
        if not self.win > self.loss:
            raise ValueError("a win must be worth more than a loss")
        if self.draw is not None and not self.loss <= self.draw <= self.win:
            raise ValueError("a draw must be worth between a loss and a win")
        if self.walkover_loss > self.loss:
            raise ValueError("a walkover loss cannot be worth more than a played loss")


@dataclass(frozen=True)
class TeamStats:
    """The table columns of one team over a set of matches."""

    played: int = 0
    won: int = 0
    drawn: int = 0
    lost: int = 0
    score_for: int = 0
    score_against: int = 0
    points: int = 0
    extras: Mapping[str, int] = field(default_factory=dict, hash=False)

    @property
    def score_diff(self) -> int:
        """Return score for minus score against."""
        return self.score_for - self.score_against


@dataclass(frozen=True)
class StandingRow(Generic[T]):
    """One line of the standings table.

    ``place`` uses competition ranking (1, 2, 2, 4). ``shared`` is True when another team has the
    same place because no criterion separated them (a lot is needed). ``decided_by`` names the
    criterion that separated this team from the next row, or is None for the last row and for a
    row tied with the next one.
    """

    team: T
    place: int
    shared: bool
    stats: TeamStats
    decided_by: str | None

    @property
    def played(self) -> int:
        """Return matches played."""
        return self.stats.played

    @property
    def won(self) -> int:
        """Return matches won."""
        return self.stats.won

    @property
    def drawn(self) -> int:
        """Return matches drawn."""
        return self.stats.drawn

    @property
    def lost(self) -> int:
        """Return matches lost."""
        return self.stats.lost

    @property
    def score_for(self) -> int:
        """Return the score made."""
        return self.stats.score_for

    @property
    def score_against(self) -> int:
        """Return the score conceded."""
        return self.stats.score_against

    @property
    def score_diff(self) -> int:
        """Return score for minus score against."""
        return self.stats.score_diff

    @property
    def points(self) -> int:
        """Return match points."""
        return self.stats.points


def tally(
    teams: Iterable[T], matches: Iterable[MatchRecord[T]], scheme: PointsScheme
) -> dict[T, TeamStats]:
    """Sum each team's table stats over *matches* (every match must involve two listed teams)."""
    rows: dict[T, dict[str, int]] = {}
    extras: dict[T, dict[str, int]] = {}
    for team in teams:
        rows[team] = dict.fromkeys(
            ("played", "won", "drawn", "lost", "score_for", "score_against", "points"), 0
        )
        extras[team] = {}
    for match in matches:
        for team in (match.home, match.away):
            if team not in rows:
                raise ValueError(f"match {match.home!r} v {match.away!r}: {team!r} is not listed")
        sides = (
            (match.home, match.home_score, match.away_score, match.home_extras),
            (match.away, match.away_score, match.home_score, match.away_extras),
        )
        for team, scored, conceded, side_extras in sides:
            row = rows[team]
            row["played"] += 1
            row["score_for"] += scored
            row["score_against"] += conceded
            if match.winner is None:
                if scheme.draw is None:
                    raise ValueError(
                        f"match {match.home!r} v {match.away!r} is a draw, "
                        "but the points scheme has no draws"
                    )
                row["drawn"] += 1
                row["points"] += scheme.draw
            elif match.winner == team:
                row["won"] += 1
                row["points"] += scheme.win
            else:
                row["lost"] += 1
                row["points"] += scheme.walkover_loss if match.walkover else scheme.loss
            for key, value in side_extras.items():
                extras[team][key] = extras[team].get(key, 0) + value
    return {
        team: TeamStats(**row, extras=MappingProxyType(extras[team])) for team, row in rows.items()
    }


@dataclass(frozen=True)
class RankingContext(Generic[T]):
    """What a criterion may look at: the whole table, the matches and the points scheme."""

    overall: Mapping[T, TeamStats]
    matches: Sequence[MatchRecord[T]]
    scheme: PointsScheme

    def among(self, group: Sequence[T]) -> dict[T, TeamStats]:
        """Tally only the matches played between members of *group* (a mini-table)."""
        members = set(group)
        inside = [m for m in self.matches if m.home in members and m.away in members]
        return tally(group, inside, self.scheme)


class Criterion(Protocol):
    """A tie-break: a value per team of *group*, where a higher value ranks higher."""

    def __call__(self, group: Sequence[T], context: RankingContext[T], /) -> Mapping[T, int]:
        """Return each member's value."""
        ...


def _match_points(group: Sequence[T], context: RankingContext[T]) -> dict[T, int]:
    """Match points over all matches."""
    return {team: context.overall[team].points for team in group}


def _wins(group: Sequence[T], context: RankingContext[T]) -> dict[T, int]:
    """Matches won over all matches."""
    return {team: context.overall[team].won for team in group}


def _score_difference(group: Sequence[T], context: RankingContext[T]) -> dict[T, int]:
    """Score for minus score against over all matches."""
    return {team: context.overall[team].score_diff for team in group}


def _points_scored(group: Sequence[T], context: RankingContext[T]) -> dict[T, int]:
    """Score made over all matches."""
    return {team: context.overall[team].score_for for team in group}


def _progression(key: str, doc: str) -> Criterion:
    """Return a criterion that sums the extras count *key* over all matches."""

    def criterion(group: Sequence[T], context: RankingContext[T]) -> dict[T, int]:
        return {team: context.overall[team].extras.get(key, 0) for team in group}

    criterion.__doc__ = doc
    return criterion


_finished_balls = _progression(
    FINISHED_BALLS, "Gateball balls that hit the goal pole, summed over all matches."
)
# With equal points scored and equal counts at the steps before it, the gate-1 count is equal
# too (a team's score is 2·finished + gate 3 + gate 2 + gate 1), so it separates teams only in
# tournaments whose regulations list it before, or without, points scored.
_through_gate_3 = _progression(
    THROUGH_GATE_3, "Gateball balls that passed gate 3 (finished ones included), summed."
)
_through_gate_2 = _progression(
    THROUGH_GATE_2, "Gateball balls that passed gate 2 (finished ones included), summed."
)
_through_gate_1 = _progression(
    THROUGH_GATE_1, "Gateball balls that passed gate 1 (finished ones included), summed."
)


def _head_to_head(group: Sequence[T], context: RankingContext[T]) -> dict[T, int]:
    """Match points in the matches among the members of the group only."""
    mini = context.among(group)
    return {team: mini[team].points for team in group}


def _head_to_head_score_difference(group: Sequence[T], context: RankingContext[T]) -> dict[T, int]:
    """Score difference in the matches among the members of the group only."""
    mini = context.among(group)
    return {team: mini[team].score_diff for team in group}


def _head_to_head_points_scored(group: Sequence[T], context: RankingContext[T]) -> dict[T, int]:
    """Score made in the matches among the members of the group only."""
    mini = context.among(group)
    return {team: mini[team].score_for for team in group}


#: The criteria a tournament may list, by name. Values are computed per tied group.
CRITERIA: Mapping[str, Criterion] = MappingProxyType(
    {
        "match_points": _match_points,
        "wins": _wins,
        "score_difference": _score_difference,
        "points_scored": _points_scored,
        "finished_balls": _finished_balls,
        "through_gate_3": _through_gate_3,
        "through_gate_2": _through_gate_2,
        "through_gate_1": _through_gate_1,
        "head_to_head": _head_to_head,
        "head_to_head_score_difference": _head_to_head_score_difference,
        "head_to_head_points_scored": _head_to_head_points_scored,
    }
)

#: Criteria that read an extras key, which every played match must then report for both sides.
_EXTRAS_NEEDED = {
    "finished_balls": FINISHED_BALLS,
    "through_gate_3": THROUGH_GATE_3,
    "through_gate_2": THROUGH_GATE_2,
    "through_gate_1": THROUGH_GATE_1,
}

#: The criteria that count gateball ball progress (the per-ball points must be recorded).
PROGRESSION_CRITERIA = tuple(_EXTRAS_NEEDED)


@dataclass
class _Block(Generic[T]):
    """Teams still level with one another, and the criterion that puts them above the next."""

    members: list[T]
    decided_by: str | None = None


def _order(
    group: list[T],
    criteria: Sequence[str],
    start: int,
    context: RankingContext[T],
    restart: bool,
) -> list[_Block[T]]:
    """Split *group* into ranked blocks using ``criteria[start:]``."""
    if len(group) == 1:
        return [_Block(group)]
    for index in range(start, len(criteria)):
        name = criteria[index]
        values = CRITERIA[name](group, context)
        levels = sorted({values[team] for team in group}, reverse=True)
        if len(levels) == 1:
            continue
        blocks: list[_Block[T]] = []
        for level in levels:
            # Keep the caller's order inside a sub-group; it is never used to separate teams.
            sub_group = [team for team in group if values[team] == level]
            # A sub-group is always smaller than the group here, so restarting terminates.
            sub_blocks = _order(sub_group, criteria, 0 if restart else index + 1, context, restart)
            sub_blocks[-1].decided_by = name
            blocks.extend(sub_blocks)
        blocks[-1].decided_by = None
        return blocks
    return [_Block(group)]


def rank(
    teams: Sequence[T],
    matches: Iterable[MatchRecord[T]],
    criteria: Sequence[str],
    scheme: PointsScheme,
    *,
    restart: bool = False,
) -> list[StandingRow[T]]:
    """Rank *teams* on *matches* by the ordered *criteria* (names from `CRITERIA`).

    Raises ValueError for an unknown or repeated criterion, a team listed twice, a match with a
    team that is not listed, or a played match that lacks an extras count a criterion needs.
    """
    unknown = [name for name in criteria if name not in CRITERIA]
    if unknown:
        raise ValueError(f"unknown criteria {unknown!r}; known criteria are {sorted(CRITERIA)!r}")
    if len(set(criteria)) != len(criteria):
        raise ValueError(f"criteria may be listed only once: {list(criteria)!r}")
    if len(set(teams)) != len(teams):
        raise ValueError("a team is listed more than once")
    played = list(matches)
    for name in criteria:
        key = _EXTRAS_NEEDED.get(name)
        if key is None:
            continue
        for match in played:
            # A walkover has no play to count, so its missing extras count as zero.
            if not match.walkover and (
                key not in match.home_extras or key not in match.away_extras
            ):
                raise ValueError(
                    f"criterion {name!r} needs {key!r} for both sides of "
                    f"{match.home!r} v {match.away!r}"
                )
    overall = tally(teams, played, scheme)
    context = RankingContext(overall=MappingProxyType(overall), matches=played, scheme=scheme)
    if not teams:
        return []
    blocks = _order(list(teams), criteria, 0, context, restart)
    rows: list[StandingRow[T]] = []
    for block in blocks:
        place = len(rows) + 1
        shared = len(block.members) > 1
        for position, team in enumerate(block.members):
            last_in_block = position == len(block.members) - 1
            rows.append(
                StandingRow(
                    team=team,
                    place=place,
                    shared=shared,
                    stats=overall[team],
                    decided_by=block.decided_by if last_in_block else None,
                )
            )
    return rows


#: What ``decided_by`` says of teams a lot put in order.
LOT_DRAWN = "lot_drawn"


def apply_lots(
    rows: Sequence[StandingRow[T]], lots: Mapping[T, int | None]
) -> list[StandingRow[T]]:
    """Order the teams that share a place by the lot drawn for them (1 first).

    A run of rows sharing one place is put in lot order only when every team in it has a lot;
    its places then run on from the shared one (2=, 2= becomes 2, 3), each row no longer shared
    and decided by ``LOT_DRAWN``. A run with a lot missing stays shared; other rows are kept."""
    result: list[StandingRow[T]] = []
    index = 0
    while index < len(rows):
        block = [rows[index]]
        while (
            index + len(block) < len(rows)
            and rows[index + len(block)].shared
            and rows[index + len(block)].place == block[0].place
        ):
            block.append(rows[index + len(block)])
        drawn = [lots.get(row.team) for row in block]
        if len(block) > 1 and all(lot is not None for lot in drawn):
            first = block[0].place
            ordered = sorted(block, key=lambda row: lots[row.team] or 0)
            block = [
                replace(row, place=first + offset, shared=False, decided_by=LOT_DRAWN)
                for offset, row in enumerate(ordered)
            ]
        result.extend(block)
        index += len(block)
    return result
