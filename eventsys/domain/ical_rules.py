"""Calendar rules (RFC 5545) for feeds: what one VEVENT says, and how a weekly series is told.

Plain values in, plain values out: nothing here knows about requests, tables or the iCalendar
library that writes the text. The time zone is passed in, and nothing here reads the clock.

A weekly activity is stored as dated sittings (some skipped, some moved). A calendar client
wants the opposite: one rule (RRULE) plus its exceptions (EXDATE for a skipped day, an override
VEVENT with RECURRENCE-ID for a moved one). `plan_series` turns the first into the second, so
that expanding the rule gives back exactly the sittings of the programme."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")
# Cancelled events stay in feeds this long after they were cancelled, so that clients that
# already show them learn of the cancellation instead of losing the event without a word.
CANCELLED_KEPT_FOR = timedelta(days=30)


@dataclass(frozen=True)
class SittingRecord:
    """One stored sitting: where the rule put it (original_start) and where it is now."""

    original_start: datetime
    starts_at: datetime
    ends_at: datetime
    skipped: bool = False

    @property
    def moved(self) -> bool:
        return self.starts_at != self.original_start


@dataclass(frozen=True)
class Override:
    """A sitting that differs from the rule: RECURRENCE-ID is where the rule put it."""

    recurrence_id: datetime
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Series:
    """A weekly RRULE with its exceptions. All datetimes are aware."""

    byday: tuple[str, ...]
    until: datetime  # UTC, the start of the last instance the rule generates (RFC 5545 3.3.10)
    exdates: tuple[datetime, ...] = ()
    rdates: tuple[datetime, ...] = ()
    overrides: tuple[Override, ...] = ()

    def rrule(self) -> dict[str, object]:
        """Return the RRULE as the parts the iCalendar writer takes."""
        return {"FREQ": "WEEKLY", "BYDAY": list(self.byday), "UNTIL": self.until}


@dataclass(frozen=True)
class CalendarItem:
    """What one VEVENT (with its overrides) says; sources produce these, a writer prints them."""

    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    last_modified: datetime
    sequence: int = 0
    status: str = "CONFIRMED"
    created: datetime | None = None
    location: str = ""
    description: str = ""
    url: str = ""
    categories: tuple[str, ...] = ()
    series: Series | None = None
    # Further properties a source wants printed as they are (e.g. X-EVENTSYS-COURT).
    extra: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if self.ends_at <= self.starts_at:
            raise ValueError("an item must end after it starts")
        for value in (self.starts_at, self.ends_at, self.last_modified):
            if value.tzinfo is None:
                raise ValueError("calendar times must be aware")


def make_uid(kind: str, ident: int | str, host: str) -> str:
    """Return a UID derived only from a stable id, never from titles or times."""
    return f"{kind}-{ident}@{host}"


def _rule_starts(
    first_start: datetime, byday: Iterable[int], last_day: date, tz: ZoneInfo
) -> list[datetime]:
    """Expand FREQ=WEEKLY;BYDAY=... from *first_start* to *last_day*, wall-clock kept in *tz*."""
    local = first_start.astimezone(tz)
    wall = local.timetz().replace(tzinfo=None)
    days = set(byday)
    starts = []
    day = local.date()
    while day <= last_day:
        if day.weekday() in days:
            starts.append(datetime.combine(day, wall, tz))
        day += timedelta(days=1)
    return starts


def plan_series(
    first_start: datetime,
    first_end: datetime,
    weekdays: Sequence[int],
    expected_starts: Sequence[datetime],
    sittings: Sequence[SittingRecord],
    tz: ZoneInfo,
) -> Series | None:
    """Describe a weekly event's sittings as RRULE + EXDATE + RDATE + overrides, or None.

    *expected_starts* are the starts the repeat generates (the stored original starts); the
    rule's DTSTART is *first_start*. DTSTART must be an instance of the rule (RFC 5545 leaves an
    unsynchronised DTSTART undefined), so its weekday joins BYDAY and any extra days this adds
    are excluded again. Skipped sittings become EXDATEs; moved or shortened ones overrides.
    Returns None when the event happens once: a single VEVENT describes it better.
    """
    if not weekdays or len(expected_starts) < 2:
        return None
    duration = first_end - first_start
    local_first = first_start.astimezone(tz)
    byday = sorted({*weekdays, local_first.weekday()})
    last = max(expected_starts)
    rule = _rule_starts(first_start, byday, last.astimezone(tz).date(), tz)
    expected = set(expected_starts)
    stored = {s.original_start: s for s in sittings}
    exdates = {start for start in rule if start not in expected}
    for start in rule:
        sitting = stored.get(start)
        if start in expected and (sitting is None or sitting.skipped):
            exdates.add(start)
    in_rule = set(rule)
    rdates = sorted(
        s.original_start for s in sittings if s.original_start not in in_rule and not s.skipped
    )
    overrides = sorted(
        (
            Override(s.original_start, s.starts_at, s.ends_at)
            for s in sittings
            if not s.skipped and (s.moved or s.ends_at - s.starts_at != duration)
        ),
        key=lambda o: o.recurrence_id,
    )
    return Series(
        byday=tuple(WEEKDAY_CODES[day] for day in byday),
        until=last.astimezone(UTC),
        exdates=tuple(sorted(exdates)),
        rdates=tuple(rdates),
        overrides=tuple(overrides),
    )


def expand(item: CalendarItem, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """Return the (start, end) of every instance of *item*, as a client would show them.

    A reference expansion for tests and for checks of what a feed says; it follows the same
    rules as a calendar client: the rule, minus EXDATEs, plus RDATEs, with overrides applied."""
    if item.series is None:
        return [] if item.status == "CANCELLED" else [(item.starts_at, item.ends_at)]
    series = item.series
    duration = item.ends_at - item.starts_at
    byday = [WEEKDAY_CODES.index(code) for code in series.byday]
    starts = [
        start
        for start in _rule_starts(item.starts_at, byday, series.until.astimezone(tz).date(), tz)
        if start <= series.until
    ]
    excluded = set(series.exdates)
    moved = {o.recurrence_id: o for o in series.overrides}
    result = []
    for start in sorted({*starts, *series.rdates} - excluded):
        override = moved.get(start)
        result.append(
            (override.starts_at, override.ends_at) if override else (start, start + duration)
        )
    return sorted(result)


def keeps_cancelled(cancelled_at: datetime, now: datetime) -> bool:
    """Tell whether a cancelled event is still shown (as cancelled) in feeds at *now*."""
    return now - cancelled_at < CANCELLED_KEPT_FOR


@dataclass(frozen=True)
class Window:
    """The dates a feed covers: sittings ending after *starts* and starting before *ends*."""

    starts: date
    ends: date | None = None


MAX_WINDOW = timedelta(days=800)


def check_window(starts: date | None, ends: date | None, today: date) -> Window:
    """Validate a requested date range; raise ValueError with the reason if it is not usable.

    Without a start a feed begins 30 days ago (recent changes stay visible); the end is open."""
    start = starts if starts is not None else today - timedelta(days=30)
    for value in (start, ends):
        if value is not None and not 2000 <= value.year <= 2100:
            raise ValueError("dates must lie between the years 2000 and 2100")
    if ends is not None:
        if ends < start:
            raise ValueError("the end of the range is before its start")
        if ends - start > MAX_WINDOW:
            raise ValueError("the range may cover at most 800 days")
    return Window(start, ends)


# The calendar's own name and description (NAME, X-WR-CALNAME, X-WR-CALDESC) are written as
# they are by the iCalendar library, and readers disagree about them: vobject cuts a name at its
# first comma, while a name escaped by hand ("\,") keeps its backslashes in icalendar and ical.js.
# Full-width forms read the same in every parser we tried (icalendar, vobject, ical, ical.js,
# node-ical) and look natural in Chinese text. Event texts (SUMMARY...) are escaped properly.
_CALENDAR_NAME_FOLDS = str.maketrans({",": "，", ";": "；", "\\": "＼", "\r": " ", "\n": " "})


def calendar_name(text: str) -> str:
    """Return *text* fit to be a calendar's name: no comma, semicolon, backslash or line break."""
    return text.translate(_CALENDAR_NAME_FOLDS)
