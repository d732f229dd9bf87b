"""Which week a person means: an ISO week (2026-W49) or any day in it (2026-12-03).

Weeks start on Monday (ISO 8601). Plain values in, plain values out: the caller normalises what
was typed (full-width digits) and says which day is today."""

from __future__ import annotations

import re
from datetime import date, timedelta

_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)
FIRST_YEAR, LAST_YEAR = 2000, 2100


class NotAWeek(ValueError):
    """The text names no week between FIRST_YEAR and LAST_YEAR."""


def monday_of(day: date) -> date:
    """Return the Monday that starts *day*'s week."""
    return day - timedelta(days=day.weekday())


def parse_week(text: str, *, today: date) -> date:
    """Return the Monday of the week *text* names; an empty *text* is this week (*today*'s).

    "2026-W49" and "2026W49" are ISO weeks; "2026-12-03" is the week holding that day."""
    text = text.strip()
    if not text:
        return monday_of(today)
    week = _ISO_WEEK.match(text)
    day: date | None
    try:
        if week:
            day = date.fromisocalendar(int(week.group(1)), int(week.group(2)), 1)
        else:
            day = date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise NotAWeek(text)
    return monday_of(day)


def iso_week_label(monday: date) -> str:
    """Return the ISO name of the week starting on *monday*: 2026-W49."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"
