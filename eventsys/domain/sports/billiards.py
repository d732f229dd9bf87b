"""Billiards (台球) match results played as a race to a number of frames.

In a "race to N" the first player to win N frames (racks) wins the match, and play stops there
(WPA pool practice, e.g. nine-ball: "played as a race to a set number of racks, with the player
who reaches the set number winning the match"). A finished score is therefore exactly N frames
for the winner and fewer for the loser: there is no draw and no frame after the decider.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from eventsys.domain import sports
from eventsys.domain.standings import MatchRecord

T = TypeVar("T", bound=Hashable)


def _is_count(value: object) -> bool:
    """Tell whether *value* is a non-negative int (bools are not counts)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_race_to(race_to: object) -> int:
    """Return *race_to* if it is a usable race length, else raise ValueError."""
    if isinstance(race_to, bool) or not isinstance(race_to, int) or race_to < 1:
        raise ValueError(f"a race must be to at least 1 frame, not {race_to!r}")
    return race_to


def valid_race(frames_a: int, frames_b: int, race_to: int) -> bool:
    """Tell whether *frames_a*:*frames_b* is a finished race to *race_to* frames.

    Raises ValueError only for an unusable *race_to*; an impossible score just returns False.
    """
    _check_race_to(race_to)
    if not (_is_count(frames_a) and _is_count(frames_b)):
        return False
    return max(frames_a, frames_b) == race_to and min(frames_a, frames_b) < race_to


@dataclass(frozen=True)
class BilliardsResult(Generic[T]):
    """The result of one race between *player_a* and *player_b*.

    A walkover is not played and is recorded 0:0 with its winner.
    """

    player_a: T
    player_b: T
    frames_a: int
    frames_b: int
    race_to: int
    walkover_winner: T | None = None

    def __post_init__(self) -> None:
        """Refuse impossible results with a message for the scorer."""
        if self.player_a == self.player_b:
            raise ValueError(f"a player cannot play themself ({self.player_a!r})")
        _check_race_to(self.race_to)
        for player, frames in ((self.player_a, self.frames_a), (self.player_b, self.frames_b)):
            if not _is_count(frames):
                raise ValueError(
                    f"frames of {player!r} must be a whole number >= 0, not {frames!r}"
                )
        if self.walkover_winner is not None:
            if self.walkover_winner not in (self.player_a, self.player_b):
                raise ValueError(f"walkover winner {self.walkover_winner!r} is not in this match")
            if self.frames_a or self.frames_b:
                raise ValueError("a walkover is not played: record it 0:0")
            return
        if not valid_race(self.frames_a, self.frames_b, self.race_to):
            high = max(self.frames_a, self.frames_b)
            if high < self.race_to:
                reason = f"nobody has reached {self.race_to} frames yet"
            elif high > self.race_to:
                reason = f"the match stops when a player reaches {self.race_to} frames"
            else:
                reason = "both players cannot reach the target"
            raise ValueError(
                f"{self.frames_a}:{self.frames_b} is not a finished race to {self.race_to}: "
                f"{reason}"
            )

    @property
    def winner(self) -> T:
        """Return the player who reached the target (or was given the walkover)."""
        if self.walkover_winner is not None:
            return self.walkover_winner
        return self.player_a if self.frames_a == self.race_to else self.player_b


# The contract names both; they are one type.
FrameResult = BilliardsResult


def to_match_record(result: BilliardsResult[T]) -> MatchRecord[T]:
    """Turn *result* into the standings engine's neutral form (player a is "home")."""
    return MatchRecord(
        home=result.player_a,
        away=result.player_b,
        home_score=result.frames_a,
        away_score=result.frames_b,
        winner=result.winner,
        walkover=result.walkover_winner is not None,
    )


def check_result(
    side_a: int, side_b: int, entry: sports.ResultInput, rules: sports.MatchRules
) -> sports.CheckedResult:
    """Return the checked result of a race to ``rules.race_to`` frames, or raise InvalidResult.

    Codes: frames_missing, race_overrun (6:2 in a race to 5), race_unfinished (4:2),
    race_both (5:5), not_a_side, and those of `check_outcome`.
    """
    sports.check_outcome(entry)
    race_to = rules.race_to
    if entry.outcome == "walkover":
        return sports.walkover(side_a, side_b, entry.winner_id)
    a, b = entry.score_a, entry.score_b
    if a is None or b is None or a < 0 or b < 0:
        raise sports.InvalidResult("frames_missing", "score_a")
    if not valid_race(a, b, race_to):
        if max(a, b) > race_to:
            raise sports.InvalidResult("race_overrun", "score_a", n=race_to)
        if max(a, b) < race_to:
            raise sports.InvalidResult("race_unfinished", "score_a", n=race_to)
        raise sports.InvalidResult("race_both", "score_a", n=race_to)
    result = BilliardsResult(side_a, side_b, a, b, race_to)
    return sports.CheckedResult("played", result.winner, a, b, {}, "frames")
