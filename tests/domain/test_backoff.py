"""Worked examples of the outbound retry schedule."""

import pytest

from eventsys.domain.backoff import Schedule, retry_delay


def test_the_delay_doubles_after_each_failure() -> None:
    schedule = Schedule(first_seconds=60, cap_seconds=3600, max_attempts=6)
    assert [retry_delay(n, schedule) for n in range(1, 6)] == [60, 120, 240, 480, 960]


def test_the_delay_is_capped() -> None:
    schedule = Schedule(first_seconds=600, cap_seconds=1800, max_attempts=10)
    assert [retry_delay(n, schedule) for n in (1, 2, 3, 4)] == [600, 1200, 1800, 1800]


def test_after_the_last_attempt_there_is_no_next_one() -> None:
    schedule = Schedule(first_seconds=60, cap_seconds=3600, max_attempts=3)
    assert retry_delay(2, schedule) == 120
    assert retry_delay(3, schedule) is None
    assert retry_delay(4, schedule) is None


def test_one_attempt_only_gives_up_at_once() -> None:
    assert retry_delay(1, Schedule(max_attempts=1)) is None


def test_it_is_asked_only_after_a_failure() -> None:
    with pytest.raises(ValueError):
        retry_delay(0)
