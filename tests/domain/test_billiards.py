"""Billiards races: which frame scores are finished matches, and result validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventsys.domain.sports.billiards import (
    BilliardsResult,
    FrameResult,
    to_match_record,
    valid_race,
)


@pytest.mark.parametrize(
    ("frames_a", "frames_b", "race_to", "expected"),
    [
        (5, 3, 5, True),
        (3, 5, 5, True),
        (5, 0, 5, True),
        (5, 4, 5, True),
        (1, 0, 1, True),
        (5, 5, 5, False),  # both cannot reach the target
        (6, 3, 5, False),  # no frame is played after the decider
        (4, 3, 5, False),  # not finished
        (0, 0, 5, False),
        (-1, 5, 5, False),
    ],
)
def test_race_to_n(frames_a: int, frames_b: int, race_to: int, expected: bool) -> None:
    assert valid_race(frames_a, frames_b, race_to) is expected


@pytest.mark.parametrize("race_to", [0, -3, True])
def test_an_unusable_race_length_is_an_error(race_to: int) -> None:
    with pytest.raises(ValueError, match="at least 1 frame"):
        valid_race(1, 0, race_to)


def test_boolean_frame_counts_are_not_counts() -> None:
    assert valid_race(True, 0, 1) is False


@given(st.integers(1, 15), st.integers(-2, 20), st.integers(-2, 20))
def test_valid_races_are_exactly_target_against_fewer(race_to: int, a: int, b: int) -> None:
    expected = (a == race_to and 0 <= b < race_to) or (b == race_to and 0 <= a < race_to)
    assert valid_race(a, b, race_to) is expected


def test_result_knows_its_winner() -> None:
    assert BilliardsResult("王伟", "李娜", 5, 3, 5).winner == "王伟"
    assert BilliardsResult("王伟", "李娜", 2, 5, 5).winner == "李娜"
    assert FrameResult is BilliardsResult


@pytest.mark.parametrize(
    ("frames_a", "frames_b", "message"),
    [
        (5, 5, "both players cannot"),
        (6, 3, "stops when a player reaches 5"),
        (4, 3, "nobody has reached 5"),
        (-1, 5, "whole number"),
    ],
)
def test_impossible_results_are_refused(frames_a: int, frames_b: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BilliardsResult("王伟", "李娜", frames_a, frames_b, 5)


def test_players_and_race_length_are_checked() -> None:
    with pytest.raises(ValueError, match="themself"):
        BilliardsResult("王伟", "王伟", 5, 3, 5)
    with pytest.raises(ValueError, match="at least 1 frame"):
        BilliardsResult("王伟", "李娜", 0, 0, 0)


def test_walkover_is_recorded_without_frames() -> None:
    walkover = BilliardsResult("王伟", "李娜", 0, 0, 5, walkover_winner="李娜")
    assert walkover.winner == "李娜"
    with pytest.raises(ValueError, match="0:0"):
        BilliardsResult("王伟", "李娜", 5, 0, 5, walkover_winner="王伟")
    with pytest.raises(ValueError, match="not in this match"):
        BilliardsResult("王伟", "李娜", 0, 0, 5, walkover_winner="张三")


def test_match_record() -> None:
    record = to_match_record(BilliardsResult("王伟", "李娜", 3, 5, 5))
    assert (record.home, record.away, record.home_score, record.away_score) == (
        "王伟",
        "李娜",
        3,
        5,
    )
    assert record.winner == "李娜"
    assert not record.walkover
    walkover = to_match_record(BilliardsResult("王伟", "李娜", 0, 0, 5, walkover_winner="王伟"))
    assert walkover.walkover
    assert walkover.winner == "王伟"
