"""Weekly recurrence and booking-clash arithmetic.

Plain values in, plain values out: time zones are passed in, and nothing here reads the clock."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

MAX_OCCURRENCES = 400

K = TypeVar("K")


@dataclass(frozen=True)
class Sitting:
    """One dated sitting: a half-open interval [starts_at, ends_at)."""

    starts_at: datetime
    ends_at: datetime


def weekly_sittings(
    first_start: datetime,
    first_end: datetime,
    weekdays: Iterable[int],
    until: date | None,
    tz: ZoneInfo,
) -> list[Sitting]:
    """Expand a weekly rule into its sittings, wall-clock times kept in *tz*.

    The first sitting is always included; further sittings fall on *weekdays* (Monday = 0) after
    it, up to and including *until*. With no weekdays the event happens once.
    """
    if first_end <= first_start:
        raise ValueError("an event must end after it starts")
    days = sorted(set(weekdays))
    if any(day < 0 or day > 6 for day in days):
        raise ValueError("weekdays are numbered 0 (Monday) to 6 (Sunday)")
    local_start = first_start.astimezone(tz)
    duration = first_end - first_start
    sittings = [Sitting(first_start, first_end)]
    if not days or until is None:
        return sittings
    if until < local_start.date():
        raise ValueError("a repeat must end on or after the first day")
    day = local_start.date() + timedelta(days=1)
    while day <= until:
        if day.weekday() in days:
            # Combine the wall-clock time with the day, so a sitting stays at 14:00 local time.
            start = datetime.combine(day, local_start.timetz().replace(tzinfo=None), tz)
            sittings.append(Sitting(start, start + duration))
            if len(sittings) > MAX_OCCURRENCES:
                raise ValueError(f"a repeating event may have at most {MAX_OCCURRENCES} sittings")
        day += timedelta(days=1)
    return sittings


def overlaps(a: Sitting, b: Sitting) -> bool:
    """Tell whether two half-open intervals share any instant (back-to-back is fine)."""
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def first_clash(
    wanted: Sequence[Sitting], booked: Iterable[tuple[K, Sitting]]
) -> tuple[Sitting, K, Sitting] | None:
    """Return the earliest (wanted sitting, booking key, booked sitting) that overlap, if any."""
    ordered = sorted(booked, key=lambda item: item[1].starts_at)
    best: tuple[Sitting, K, Sitting] | None = None
    for mine in wanted:
        for key, theirs in ordered:
            if theirs.starts_at >= mine.ends_at:
                break
            if overlaps(mine, theirs) and (best is None or mine.starts_at < best[0].starts_at):
                best = (mine, key, theirs)
                break
    return best


def all_clashes(
    wanted: Sequence[Sitting], booked: Iterable[tuple[K, Sitting]]
) -> list[tuple[Sitting, K, Sitting]]:
    """Return every (wanted sitting, booking key, booked sitting) that overlap, in time order.

    A wanted sitting that overlaps several bookings appears once per booking, so the organizer
    sees everything that stands in the way of each date."""
    ordered = sorted(booked, key=lambda item: (item[1].starts_at, item[1].ends_at))
    found: list[tuple[Sitting, K, Sitting]] = []
    for mine in sorted(wanted, key=lambda sitting: sitting.starts_at):
        for key, theirs in ordered:
            if theirs.starts_at >= mine.ends_at:
                break
            if overlaps(mine, theirs):
                found.append((mine, key, theirs))
    return found
