"""Gateball (门球) match results: per-ball progress, score checks and who won.

Scoring, as in the World Gateball Union (WGU) and Japan Gateball Union (JGU) rules: a ball
scores 1 point for each gate it passes in order (gate 1, then 2, then 3) and 2 more points when
it then hits the goal pole, which finishes it (上がり, "agari"). A ball therefore scores
0, 1, 2, 3 or 5 points, never 4, and a team of five balls scores 0 to 25 (25 is the "perfect
game"). A match lasts 30 minutes.

Who wins a match that is not a walkover:

1. the team with the higher total score;
2. on equal totals, the team whose balls progressed further: first more finished balls, then more
   balls through gate 3, then more balls through gate 2 (the JGU rule compares the number of
   balls at a higher stage of progress, 進度, stage by stage). A gate-1 count is never needed: the
   total is
   5·finished + 3·(stopped after gate 3) + 2·(after gate 2) + 1·(after gate 1), so with equal
   totals and equal counts at the first three steps the gate-1 counts are equal as well. Whether
   "through gate 3" includes finished balls makes no difference either, because the finished
   counts are already equal when that step is reached.
3. if still level, the same summary says the match may stand as a draw, or the tournament may
   play a tie-break (同点決勝): the two teams' players take turns, red then white, at passing
   gate 1 from the start area until one succeeds where the other fails. That play-off's winner
   is recorded as ``shootout_winner``; without one, `decide_winner` returns None (a draw).

Two perfect games (25:25) are a draw: when red completes all five balls first, white's next
player gets one more stroke, and if white then completes too the match is drawn.

Sources consulted: steps 2-3, summary.fc2.com widgets 485073 and 485074 (a Japanese summary of
the JGU rules); the 25:25 draw, gateball.blog.ss-blog.jp/2011-02-06-8; the point values and the
30-minute match, the Fukui 2018 National Sports Festival gateball page (info.pref.fukui.lg.jp).
The WGU 2019 English rule book itself was not available to check word for word.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Generic, TypeVar

from eventsys.domain import sports
from eventsys.domain.standings import (
    FINISHED_BALLS,
    THROUGH_GATE_1,
    THROUGH_GATE_2,
    THROUGH_GATE_3,
    MatchRecord,
)

T = TypeVar("T", bound=Hashable)

BALLS_PER_TEAM = 5
FINISH_POINTS = 2
GATES = 3
MAX_BALL_POINTS = GATES + FINISH_POINTS
MAX_TEAM_SCORE = BALLS_PER_TEAM * MAX_BALL_POINTS

#: The extras keys `to_match_record` fills in (defined with the standings criteria that read
#: them) are FINISHED_BALLS, THROUGH_GATE_3, THROUGH_GATE_2 and THROUGH_GATE_1.


class BallProgress(IntEnum):
    """How far one ball got: the gates it passed in order, or finished at the goal pole."""

    NONE = 0
    GATE_1 = 1
    GATE_2 = 2
    GATE_3 = 3
    FINISHED = 4

    @property
    def points(self) -> int:
        """Return the points the ball scored (0, 1, 2, 3 or 5)."""
        return MAX_BALL_POINTS if self is BallProgress.FINISHED else int(self)

    @classmethod
    def from_points(cls, points: int) -> BallProgress:
        """Return the progress that scores *points*; 4 and values above 5 are impossible."""
        if isinstance(points, bool) or not isinstance(points, int):
            raise ValueError(f"ball points must be a whole number, not {points!r}")
        if points == MAX_BALL_POINTS:
            return cls.FINISHED
        if 0 <= points <= GATES:
            return cls(points)
        raise ValueError(
            f"a ball scores 0, 1, 2, 3 or 5 points, not {points} "
            "(the goal pole counts only after all three gates)"
        )

    @classmethod
    def parse(cls, value: BallProgress | int | str) -> BallProgress:
        """Read a score-sheet entry: gates passed (0-3) or "finished" / "上がり"."""
        if isinstance(value, BallProgress):
            return value
        if isinstance(value, str):
            text = value.strip().lower()
            if text in _FINISHED_WORDS:
                return cls.FINISHED
            if text.isdigit() and int(text) <= GATES:
                return cls(int(text))
            raise ValueError(f"unknown ball progress {value!r}")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= GATES:
            raise ValueError(f"a ball passes 0 to {GATES} gates, not {value!r}")
        return cls(value)


# Words a scorer may type for a ball that hit the goal pole.
_FINISHED_WORDS = frozenset({"finished", "f", "goal", "上がり", "あがり", "完成", "撞柱"})


@dataclass(frozen=True)
class TeamProgress:
    """One team's balls at the end of a match, in ball order (at most five)."""

    balls: tuple[BallProgress, ...]

    def __post_init__(self) -> None:
        """Check the number of balls and that each is a `BallProgress`."""
        if not isinstance(self.balls, tuple):
            raise ValueError("balls must be a tuple of BallProgress")
        if not 1 <= len(self.balls) <= BALLS_PER_TEAM:
            raise ValueError(f"a team plays 1 to {BALLS_PER_TEAM} balls, not {len(self.balls)}")
        for ball in self.balls:
            if not isinstance(ball, BallProgress):
                raise ValueError(f"ball progress must be a BallProgress, not {ball!r}")

    @classmethod
    def of(cls, *values: BallProgress | int | str) -> TeamProgress:
        """Build from score-sheet entries, e.g. ``TeamProgress.of(3, "finished", 0, 1, 2)``."""
        return cls(tuple(BallProgress.parse(value) for value in values))

    @classmethod
    def from_points(cls, points: Iterable[int]) -> TeamProgress:
        """Build from each ball's points, e.g. ``TeamProgress.from_points([5, 3, 0, 1, 2])``."""
        return cls(tuple(BallProgress.from_points(value) for value in points))

    @property
    def points(self) -> int:
        """Return the team score: the sum of the balls' points."""
        return sum(ball.points for ball in self.balls)

    def reached(self, progress: BallProgress) -> int:
        """Count the balls that got at least as far as *progress*."""
        return sum(1 for ball in self.balls if ball >= progress)

    @property
    def finished(self) -> int:
        """Count the balls that hit the goal pole."""
        return self.reached(BallProgress.FINISHED)

    def progression_key(self) -> tuple[int, int, int]:
        """Return (finished, through gate 3, through gate 2) counts; higher compares better."""
        return (
            self.finished,
            self.reached(BallProgress.GATE_3),
            self.reached(BallProgress.GATE_2),
        )


# The tie-break steps of progression_key, named as MatchDecision.decided_by reports them.
_PROGRESSION_STEPS = ("finished_balls", "third_gate", "second_gate")


@dataclass(frozen=True)
class GateballResult(Generic[T]):
    """The result of one gateball match between *team_a* and *team_b*.

    Progress is optional when the scores differ, but required for both teams when they are equal,
    because the rules then decide by progression. A walkover is recorded 0:0 with no progress.
    ``shootout_winner`` records a tie-break play-off (同点決勝) and is allowed only when the match
    is level on score and on progression. Construction runs `validate_result`.
    """

    team_a: T
    team_b: T
    score_a: int
    score_b: int
    progress_a: TeamProgress | None = None
    progress_b: TeamProgress | None = None
    walkover_winner: T | None = None
    shootout_winner: T | None = None

    def __post_init__(self) -> None:
        """Refuse impossible results."""
        validate_result(self)

    @property
    def teams(self) -> tuple[T, T]:
        """Return both teams, a first."""
        return (self.team_a, self.team_b)


def _check_score(value: object, team: object) -> None:
    """Raise ValueError unless *value* is a possible team score."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"score of {team!r} must be a whole number, not {value!r}")
    if not 0 <= value <= MAX_TEAM_SCORE:
        raise ValueError(f"score of {team!r} must be 0 to {MAX_TEAM_SCORE}, not {value}")


def validate_result(result: GateballResult[T]) -> None:
    """Raise ValueError, with a message for the scorer, if *result* cannot happen."""
    if result.team_a == result.team_b:
        raise ValueError(f"a team cannot play itself ({result.team_a!r})")
    _check_score(result.score_a, result.team_a)
    _check_score(result.score_b, result.team_b)
    for team, progress in ((result.team_a, result.progress_a), (result.team_b, result.progress_b)):
        if progress is not None and not isinstance(progress, TeamProgress):
            raise ValueError(f"progress of {team!r} must be a TeamProgress")
    if result.walkover_winner is not None:
        if result.walkover_winner not in result.teams:
            raise ValueError(f"walkover winner {result.walkover_winner!r} is not in this match")
        if result.score_a or result.score_b:
            raise ValueError("a walkover is not played: record it 0:0")
        if result.progress_a is not None or result.progress_b is not None:
            raise ValueError("a walkover is not played: it has no ball progress")
        if result.shootout_winner is not None:
            raise ValueError("a walkover has no tie-break play-off")
        return
    pairs = (
        (result.team_a, result.score_a, result.progress_a),
        (result.team_b, result.score_b, result.progress_b),
    )
    for team, score, progress in pairs:
        if progress is not None and progress.points != score:
            raise ValueError(
                f"score of {team!r} is {score} but its balls add up to {progress.points}"
            )
    if (result.progress_a is None) != (result.progress_b is None):
        raise ValueError("give ball progress for both teams or for neither")
    level = result.score_a == result.score_b
    if level and result.progress_a is None:
        raise ValueError(
            "on equal scores the winner is decided by ball progress: give it for both teams"
        )
    if result.shootout_winner is not None:
        if result.shootout_winner not in result.teams:
            raise ValueError(f"play-off winner {result.shootout_winner!r} is not in this match")
        if not level or _progression_winner(result) is not None:
            raise ValueError("a tie-break play-off is held only when score and progress are level")


def _progression_winner(result: GateballResult[T]) -> tuple[T, str] | None:
    """Return the team ahead on progression and the step that decided it, or None if level."""
    if result.progress_a is None or result.progress_b is None:
        return None
    key_a = result.progress_a.progression_key()
    key_b = result.progress_b.progression_key()
    for step, count_a, count_b in zip(_PROGRESSION_STEPS, key_a, key_b, strict=True):
        if count_a != count_b:
            return (result.team_a if count_a > count_b else result.team_b), step
    return None


@dataclass(frozen=True)
class MatchDecision(Generic[T]):
    """Who won a match (None for a draw) and on what it was decided.

    ``decided_by`` is one of "walkover", "score", "finished_balls", "third_gate", "second_gate",
    "shootout" or "draw".
    """

    winner: T | None
    decided_by: str


def decide(result: GateballResult[T]) -> MatchDecision[T]:
    """Apply the rules to *result*: walkover, score, progression, then play-off or draw."""
    if result.walkover_winner is not None:
        return MatchDecision(result.walkover_winner, "walkover")
    if result.score_a != result.score_b:
        winner = result.team_a if result.score_a > result.score_b else result.team_b
        return MatchDecision(winner, "score")
    ahead = _progression_winner(result)
    if ahead is not None:
        return MatchDecision(ahead[0], ahead[1])
    if result.shootout_winner is not None:
        return MatchDecision(result.shootout_winner, "shootout")
    return MatchDecision(None, "draw")


def decide_winner(result: GateballResult[T]) -> T | None:
    """Return the winning team, or None when the match is a draw."""
    return decide(result).winner


def _extras(progress: TeamProgress | None) -> dict[str, int]:
    """Return the progression counts of one team for a match record."""
    if progress is None:
        return {}
    return {
        FINISHED_BALLS: progress.finished,
        THROUGH_GATE_3: progress.reached(BallProgress.GATE_3),
        THROUGH_GATE_2: progress.reached(BallProgress.GATE_2),
        THROUGH_GATE_1: progress.reached(BallProgress.GATE_1),
    }


def to_match_record(result: GateballResult[T]) -> MatchRecord[T]:
    """Turn *result* into the standings engine's neutral form (team a is "home")."""
    return MatchRecord(
        home=result.team_a,
        away=result.team_b,
        home_score=result.score_a,
        away_score=result.score_b,
        winner=decide_winner(result),
        walkover=result.walkover_winner is not None,
        home_extras=_extras(result.progress_a),
        away_extras=_extras(result.progress_b),
    )


def _entered_balls(values: tuple[int, ...] | None, team: int, field: str) -> TeamProgress | None:
    """Return one team's entered ball points as progress, or raise InvalidResult."""
    if values is None:
        return None
    if not 1 <= len(values) <= BALLS_PER_TEAM:
        raise sports.InvalidResult("ball_count", field, team=team)
    for value in values:
        if value not in (0, 1, 2, 3, 5):
            raise sports.InvalidResult("ball_points", field, team=team, value=value)
    return TeamProgress.from_points(values)


def check_result(
    side_a: int, side_b: int, entry: sports.ResultInput, rules: sports.MatchRules
) -> sports.CheckedResult:
    """Return the checked result of a gateball match, or raise InvalidResult.

    Codes: team_score_range, ball_count, ball_points, balls_one_side, balls_sum,
    balls_needed_for_ranking, level_needs_balls, not_a_side, playoff_not_level,
    level_knockout_needs_playoff, level_no_draws, and those of `check_outcome`.
    """
    sports.check_outcome(entry)
    if entry.outcome == "walkover":
        return sports.walkover(side_a, side_b, entry.winner_id)
    score_a, score_b = entry.score_a, entry.score_b
    for value, field in ((score_a, "score_a"), (score_b, "score_b")):
        if value is None or not 0 <= value <= MAX_TEAM_SCORE:
            raise sports.InvalidResult("team_score_range", field)
    assert score_a is not None and score_b is not None
    progress_a = _entered_balls(entry.balls_a, side_a, "balls_a")
    progress_b = _entered_balls(entry.balls_b, side_b, "balls_b")
    if (progress_a is None) != (progress_b is None):
        raise sports.InvalidResult("balls_one_side", "balls_a")
    for progress, score, team, field in (
        (progress_a, score_a, side_a, "balls_a"),
        (progress_b, score_b, side_b, "balls_b"),
    ):
        if progress is not None and progress.points != score:
            raise sports.InvalidResult(
                "balls_sum", field, team=team, sum=progress.points, score=score
            )
    if progress_a is None and rules.needs_progression:
        raise sports.InvalidResult("balls_needed_for_ranking", "balls_a")
    if score_a == score_b and progress_a is None:
        raise sports.InvalidResult("level_needs_balls", "balls_a")
    shootout = entry.tiebreak_winner_id
    if shootout is not None:
        sports.side_of(side_a, side_b, shootout, "playoff_winner")
    try:
        result = GateballResult(
            side_a, side_b, score_a, score_b, progress_a, progress_b, shootout_winner=shootout
        )
    except ValueError as error:
        raise sports.InvalidResult("playoff_not_level", "tiebreak_winner_id") from error
    decision = decide(result)
    if decision.winner is None and rules.knockout:
        raise sports.InvalidResult("level_knockout_needs_playoff", "tiebreak_winner_id")
    if decision.winner is None and not rules.draws:
        raise sports.InvalidResult("level_no_draws", "tiebreak_winner_id")
    record = to_match_record(result)
    detail: dict[str, object] = {
        "extras_a": dict(record.home_extras),
        "extras_b": dict(record.away_extras),
    }
    if entry.balls_a is not None:
        detail["balls_a"], detail["balls_b"] = list(entry.balls_a), list(entry.balls_b or ())
    if shootout is not None:
        detail["shootout"] = sports.side_of(side_a, side_b, shootout, "playoff_winner")
    return sports.CheckedResult(
        "played", decision.winner, score_a, score_b, detail, decision.decided_by
    )
