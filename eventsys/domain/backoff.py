"""When to try an outbound message again after a failed attempt.

Plain values in, plain values out: nothing here knows about gateways, tables or the clock.
The delay doubles with each failure (first, 2 × first, 4 × first ...), is capped, and after
the last allowed attempt there is no next one: the message is given up as failed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    """Retry rules: the delay after the first failure, the cap, and attempts in all."""

    first_seconds: int = 60
    cap_seconds: int = 3600
    max_attempts: int = 6


def retry_delay(attempts: int, schedule: Schedule = Schedule()) -> int | None:
    """Seconds to wait before the next try, *attempts* having failed so far (1 = the first
    try failed); None when *attempts* used up the schedule."""
    if attempts < 1:
        raise ValueError("retry_delay is asked after a failed attempt (attempts >= 1)")
    if attempts >= schedule.max_attempts:
        return None
    return min(schedule.first_seconds * 2 ** (attempts - 1), schedule.cap_seconds)
