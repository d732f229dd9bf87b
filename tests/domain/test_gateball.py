"""Gateball scoring: ball progress, result validation and the winner on equal scores."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventsys.domain.sports.gateball import (
    MAX_TEAM_SCORE,
    BallProgress,
    GateballResult,
    TeamProgress,
    decide,
    decide_winner,
    to_match_record,
    validate_result,
)

P = BallProgress


def result(
    score_a: int,
    score_b: int,
    progress_a: TeamProgress | None = None,
    progress_b: TeamProgress | None = None,
    **kwargs: str | None,
) -> GateballResult[str]:
    """Build a result between 红队 (a) and 白队 (b)."""
    return GateballResult("红队", "白队", score_a, score_b, progress_a, progress_b, **kwargs)


def pts(*points: int) -> TeamProgress:
    """Build a team's progress from each ball's points."""
    return TeamProgress.from_points(points)


# --- ball progress -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("progress", "points"),
    [(P.NONE, 0), (P.GATE_1, 1), (P.GATE_2, 2), (P.GATE_3, 3), (P.FINISHED, 5)],
)
def test_ball_points_are_one_per_gate_and_two_for_the_goal_pole(
    progress: BallProgress, points: int
) -> None:
    assert progress.points == points
    assert BallProgress.from_points(points) is progress


@pytest.mark.parametrize("points", [4, 6, -1, 25])
def test_impossible_ball_points_are_refused(points: int) -> None:
    with pytest.raises(ValueError, match="0, 1, 2, 3 or 5"):
        BallProgress.from_points(points)


def test_ball_points_must_be_whole_numbers() -> None:
    with pytest.raises(ValueError, match="whole number"):
        BallProgress.from_points(True)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [(0, P.NONE), (3, P.GATE_3), ("2", P.GATE_2), ("finished", P.FINISHED), ("上がり", P.FINISHED)],
)
def test_score_sheet_entries_are_read(entry: int | str, expected: BallProgress) -> None:
    assert BallProgress.parse(entry) is expected


@pytest.mark.parametrize("entry", [4, -1, "4", "gate", True])
def test_unknown_score_sheet_entries_are_refused(entry: int | str) -> None:
    with pytest.raises(ValueError):
        BallProgress.parse(entry)


def test_a_full_team_scores_at_most_25() -> None:
    perfect = TeamProgress.of(*["finished"] * 5)
    assert perfect.points == MAX_TEAM_SCORE == 25
    assert perfect.finished == 5


def test_a_team_has_at_most_five_balls() -> None:
    with pytest.raises(ValueError, match="1 to 5 balls"):
        TeamProgress.of(*["finished"] * 6)
    with pytest.raises(ValueError, match="1 to 5 balls"):
        TeamProgress(())


def test_team_progress_counts_balls_through_each_step() -> None:
    progress = TeamProgress.of("finished", 3, 3, 1, 0)
    assert progress.points == 5 + 3 + 3 + 1 + 0
    assert progress.progression_key() == (1, 3, 3)
    assert progress.reached(P.GATE_1) == 4


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(("score_a", "score_b"), [(26, 0), (0, 26), (-1, 3)])
def test_scores_outside_0_to_25_are_refused(score_a: int, score_b: int) -> None:
    with pytest.raises(ValueError, match="0 to 25"):
        result(score_a, score_b)


def test_a_boolean_score_is_refused() -> None:
    with pytest.raises(ValueError, match="whole number"):
        result(True, 0)


def test_progress_must_add_up_to_the_score() -> None:
    with pytest.raises(ValueError, match="add up to 10"):
        result(11, 4, pts(5, 5, 0, 0, 0), pts(2, 2, 0, 0, 0))


def test_progress_is_given_for_both_teams_or_neither() -> None:
    with pytest.raises(ValueError, match="both teams or for neither"):
        result(10, 4, pts(5, 5, 0, 0, 0), None)


def test_equal_scores_need_progress_to_be_decided() -> None:
    with pytest.raises(ValueError, match="ball progress"):
        result(9, 9)


def test_a_team_cannot_play_itself() -> None:
    with pytest.raises(ValueError, match="itself"):
        GateballResult("红队", "红队", 3, 1)


def test_walkover_rules() -> None:
    walkover = result(0, 0, walkover_winner="白队")
    assert decide(walkover).decided_by == "walkover"
    assert decide_winner(walkover) == "白队"
    with pytest.raises(ValueError, match="not in this match"):
        result(0, 0, walkover_winner="蓝队")
    with pytest.raises(ValueError, match="0:0"):
        result(5, 0, walkover_winner="红队")
    with pytest.raises(ValueError, match="no ball progress"):
        result(0, 0, pts(0), pts(0), walkover_winner="红队")


def test_a_play_off_is_only_recorded_for_a_level_match() -> None:
    with pytest.raises(ValueError, match="level"):
        result(10, 8, shootout_winner="红队")
    with pytest.raises(ValueError, match="level"):
        # Level on score but not on progression: the finished ball already decides it.
        result(10, 10, pts(5, 5, 0, 0, 0), pts(3, 3, 2, 2, 0), shootout_winner="白队")
    with pytest.raises(ValueError, match="not in this match"):
        result(4, 4, pts(2, 2), pts(2, 2), shootout_winner="蓝队")


def test_validate_result_rechecks_an_existing_result() -> None:
    good = result(12, 7)
    validate_result(good)  # no error
    broken = object.__new__(GateballResult)
    object.__setattr__(broken, "team_a", "红队")
    object.__setattr__(broken, "team_b", "白队")
    object.__setattr__(broken, "score_a", 30)
    object.__setattr__(broken, "score_b", 0)
    for name in ("progress_a", "progress_b", "walkover_winner", "shootout_winner"):
        object.__setattr__(broken, name, None)
    with pytest.raises(ValueError, match="0 to 25"):
        validate_result(broken)


# --- deciding the winner -----------------------------------------------------------------------


def test_the_higher_score_wins() -> None:
    assert decide_winner(result(12, 7)) == "红队"
    assert decide(result(3, 14)).winner == "白队"
    assert decide(result(3, 14)).decided_by == "score"


def test_equal_scores_go_to_the_team_with_more_finished_balls() -> None:
    # 10:10, but red has two balls at the goal pole and white none.
    drawn = result(10, 10, pts(5, 5, 0, 0, 0), pts(3, 3, 2, 2, 0))
    assert decide_winner(drawn) == "红队"
    assert decide(drawn).decided_by == "finished_balls"


def test_then_more_balls_through_gate_3() -> None:
    # 11:11, one finished ball each; red has two more balls through gate 3, white one.
    drawn = result(11, 11, pts(5, 3, 2, 1, 0), pts(5, 3, 3, 0, 0))
    assert decide(drawn).winner == "白队"
    assert decide(drawn).decided_by == "third_gate"


def test_then_more_balls_through_gate_2() -> None:
    # 7:7, nobody finished, one ball each through gate 3; red has more balls through gate 2.
    drawn = result(7, 7, pts(3, 2, 2, 0, 0), pts(3, 2, 1, 1, 0))
    assert decide(drawn).winner == "红队"
    assert decide(drawn).decided_by == "second_gate"


def test_level_on_score_and_progression_is_a_draw_unless_a_play_off_was_held() -> None:
    # The same balls in a different order: nothing in the rules separates the teams.
    drawn = result(8, 8, pts(5, 2, 1, 0, 0), pts(0, 1, 2, 0, 5))
    assert decide_winner(drawn) is None
    assert decide(drawn).decided_by == "draw"
    played_off = result(8, 8, pts(5, 2, 1, 0, 0), pts(0, 1, 2, 0, 5), shootout_winner="白队")
    assert decide_winner(played_off) == "白队"
    assert decide(played_off).decided_by == "shootout"


def test_two_perfect_games_draw() -> None:
    perfect = TeamProgress.of(*["finished"] * 5)
    assert decide_winner(result(25, 25, perfect, perfect)) is None


def test_match_record_carries_the_winner_and_progression_counts() -> None:
    record = to_match_record(result(10, 10, pts(5, 5, 0, 0, 0), pts(3, 3, 2, 2, 0)))
    assert (record.home, record.away, record.home_score, record.away_score) == (
        "红队",
        "白队",
        10,
        10,
    )
    assert record.winner == "红队"
    assert not record.walkover
    assert record.home_extras["finished_balls"] == 2
    assert record.away_extras["finished_balls"] == 0
    assert record.away_extras["through_gate_2"] == 4
    assert dict(to_match_record(result(9, 2)).home_extras) == {}
    walkover = to_match_record(result(0, 0, walkover_winner="白队"))
    assert walkover.walkover
    assert walkover.winner == "白队"


# --- properties --------------------------------------------------------------------------------

balls = st.lists(st.sampled_from(list(BallProgress)), min_size=1, max_size=5).map(
    lambda items: TeamProgress(tuple(items))
)


@given(balls)
def test_team_points_are_within_0_and_5_per_ball(progress: TeamProgress) -> None:
    assert 0 <= progress.points <= 5 * len(progress.balls) <= MAX_TEAM_SCORE
    assert TeamProgress.from_points(ball.points for ball in progress.balls) == progress


@given(balls, balls)
def test_equal_scores_are_decided_by_progression_and_swapping_sides_swaps_the_winner(
    progress_a: TeamProgress, progress_b: TeamProgress
) -> None:
    a = GateballResult("甲", "乙", progress_a.points, progress_b.points, progress_a, progress_b)
    b = GateballResult("乙", "甲", progress_b.points, progress_a.points, progress_b, progress_a)
    assert decide_winner(a) == decide_winner(b)
    if progress_a.points == progress_b.points:
        key_a, key_b = progress_a.progression_key(), progress_b.progression_key()
        expected = None if key_a == key_b else ("甲" if key_a > key_b else "乙")
        assert decide_winner(a) == expected
        if key_a == key_b:
            # Why the rules stop at gate 2: the gate-1 counts are then forced to be equal too.
            assert progress_a.reached(P.GATE_1) == progress_b.reached(P.GATE_1)
    else:
        assert decide_winner(a) == ("甲" if progress_a.points > progress_b.points else "乙")
