"""The clock and the centre's time zone, in one place so tests can reason about them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


class ClockWatch:
    """Whether, and first when, the clock was read inside a ``watch_clock`` block."""

    def __init__(self) -> None:
        self.first: datetime | None = None


_watch: ContextVar[ClockWatch | None] = ContextVar("eventsys_clock_watch", default=None)


@contextmanager
def watch_clock() -> Iterator[ClockWatch]:
    """Note the first reading of the clock inside the block (a page that did may go stale)."""
    watch = ClockWatch()
    token = _watch.set(watch)
    try:
        yield watch
    finally:
        _watch.reset(token)


def utcnow() -> datetime:
    """Return the current time, aware, in UTC."""
    now = datetime.now(UTC)
    watch = _watch.get()
    if watch is not None and watch.first is None:
        watch.first = now
    return now


def to_local(value: datetime) -> datetime:
    """Return *value* in the centre's time zone."""
    return value.astimezone(LOCAL_TZ)


def local_to_utc(value: datetime) -> datetime:
    """Read a naive wall-clock time as Beijing time and return it in UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(UTC)


def local_midnight(day: date) -> datetime:
    """Return the start of *day* in Beijing, in UTC."""
    return datetime.combine(day, time(0, 0), LOCAL_TZ).astimezone(UTC)


def local_today() -> date:
    """Return today's date in Beijing."""
    return utcnow().astimezone(LOCAL_TZ).date()
