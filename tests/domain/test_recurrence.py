"""Weekly recurrence and clash arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventsys.domain.recurrence import (
    MAX_OCCURRENCES,
    Sitting,
    all_clashes,
    first_clash,
    overlaps,
    weekly_sittings,
)

BEIJING = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


def local(y: int, m: int, d: int, h: int, mi: int = 0, tz: ZoneInfo = BEIJING) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=tz)


def test_a_one_off_event_has_exactly_one_sitting() -> None:
    start = local(2026, 12, 1, 9)
    assert weekly_sittings(start, start + timedelta(hours=2), (), None, BEIJING) == [
        Sitting(start, start + timedelta(hours=2))
    ]


def test_tuesday_and_thursday_rehearsals_for_two_weeks() -> None:
    start = local(2026, 12, 1, 9)  # a Tuesday
    sittings = weekly_sittings(
        start, start + timedelta(hours=2), (1, 3), date(2026, 12, 10), BEIJING
    )
    assert [s.starts_at.astimezone(BEIJING).day for s in sittings] == [1, 3, 8, 10]
    assert all(s.ends_at - s.starts_at == timedelta(hours=2) for s in sittings)


def test_the_last_day_of_the_repeat_is_included_and_the_day_after_is_not() -> None:
    start = local(2026, 12, 1, 9)
    assert (
        len(weekly_sittings(start, start + timedelta(hours=1), (1,), date(2026, 12, 15), BEIJING))
        == 3
    )
    assert (
        len(weekly_sittings(start, start + timedelta(hours=1), (1,), date(2026, 12, 14), BEIJING))
        == 2
    )


def test_sittings_keep_their_wall_clock_time_across_a_daylight_saving_change() -> None:
    # Beijing has no DST, but the arithmetic must not assume it: New York changes on 1 Nov 2026.
    start = local(2026, 10, 27, 14, tz=NEW_YORK)
    sittings = weekly_sittings(start, start + timedelta(hours=1), (1,), date(2026, 11, 3), NEW_YORK)
    assert [s.starts_at.astimezone(NEW_YORK).hour for s in sittings] == [14, 14]
    assert sittings[1].starts_at.astimezone(UTC).hour == 19  # was 18:00 UTC before the change


def test_an_event_that_ends_before_it_starts_is_refused() -> None:
    start = local(2026, 12, 1, 9)
    with pytest.raises(ValueError, match="end after"):
        weekly_sittings(start, start, (), None, BEIJING)


def test_a_repeat_that_ends_before_the_first_day_is_refused() -> None:
    start = local(2026, 12, 1, 9)
    with pytest.raises(ValueError, match="on or after"):
        weekly_sittings(start, start + timedelta(hours=1), (1,), date(2026, 11, 30), BEIJING)


def test_a_repeat_with_too_many_sittings_is_refused() -> None:
    start = local(2026, 1, 1, 9)
    with pytest.raises(ValueError, match=str(MAX_OCCURRENCES)):
        weekly_sittings(start, start + timedelta(hours=1), range(7), date(2028, 1, 1), BEIJING)


def test_back_to_back_bookings_do_not_overlap() -> None:
    a = Sitting(local(2026, 12, 1, 9), local(2026, 12, 1, 11))
    b = Sitting(local(2026, 12, 1, 11), local(2026, 12, 1, 12))
    assert not overlaps(a, b) and not overlaps(b, a)


def test_one_minute_of_overlap_is_a_clash() -> None:
    a = Sitting(local(2026, 12, 1, 9), local(2026, 12, 1, 11))
    b = Sitting(local(2026, 12, 1, 10, 59), local(2026, 12, 1, 12))
    assert overlaps(a, b) and overlaps(b, a)


def test_first_clash_names_the_earliest_clashing_sitting_and_the_booking() -> None:
    wanted = [Sitting(local(2026, 12, d, 9), local(2026, 12, d, 10)) for d in (1, 8, 15)]
    booked = [
        ("B", Sitting(local(2026, 12, 15, 9, 30), local(2026, 12, 15, 11))),
        ("A", Sitting(local(2026, 12, 8, 8), local(2026, 12, 8, 9, 30))),
    ]
    mine, key, theirs = first_clash(wanted, booked)  # type: ignore[misc]
    assert (mine, key) == (wanted[1], "A")
    assert theirs.starts_at == local(2026, 12, 8, 8)


def test_no_clash_when_the_room_is_free() -> None:
    wanted = [Sitting(local(2026, 12, 1, 9), local(2026, 12, 1, 10))]
    assert (
        first_clash(wanted, [("A", Sitting(local(2026, 12, 1, 10), local(2026, 12, 1, 11)))])
        is None
    )


def test_all_clashes_lists_every_clashing_date_of_a_series_not_only_the_first() -> None:
    wanted = [Sitting(local(2026, 12, d, 9), local(2026, 12, d, 10)) for d in (1, 8, 15, 22)]
    booked = [
        ("B", Sitting(local(2026, 12, 22, 9, 30), local(2026, 12, 22, 11))),
        ("A", Sitting(local(2026, 12, 8, 8), local(2026, 12, 8, 9, 30))),
        ("free", Sitting(local(2026, 12, 15, 10), local(2026, 12, 15, 11))),
    ]
    clashes = all_clashes(wanted, booked)
    assert [(mine, key) for mine, key, _theirs in clashes] == [(wanted[1], "A"), (wanted[3], "B")]
    assert clashes[1][2].starts_at == local(2026, 12, 22, 9, 30)


def test_all_clashes_names_each_booking_a_date_overlaps() -> None:
    wanted = [Sitting(local(2026, 12, 1, 9), local(2026, 12, 1, 12))]
    booked = [
        ("late", Sitting(local(2026, 12, 1, 11), local(2026, 12, 1, 13))),
        ("early", Sitting(local(2026, 12, 1, 8), local(2026, 12, 1, 9, 30))),
    ]
    assert [key for _mine, key, _theirs in all_clashes(wanted, booked)] == ["early", "late"]


def test_all_clashes_is_empty_when_the_room_is_free_and_agrees_with_first_clash() -> None:
    wanted = [Sitting(local(2026, 12, d, 9), local(2026, 12, d, 10)) for d in (1, 8)]
    free = [("A", Sitting(local(2026, 12, 1, 10), local(2026, 12, 1, 11)))]
    assert all_clashes(wanted, free) == []
    taken = [("A", Sitting(local(2026, 12, 8, 9), local(2026, 12, 8, 11))), *free]
    assert all_clashes(wanted, taken)[0] == first_clash(wanted, taken)


minutes = st.integers(min_value=0, max_value=24 * 60)


@given(minutes, st.integers(1, 300), minutes, st.integers(1, 300))
def test_overlap_is_symmetric_and_matches_interval_arithmetic(
    a: int, la: int, b: int, lb: int
) -> None:
    base = local(2026, 12, 1, 0)
    x = Sitting(base + timedelta(minutes=a), base + timedelta(minutes=a + la))
    y = Sitting(base + timedelta(minutes=b), base + timedelta(minutes=b + lb))
    shared = min(a + la, b + lb) - max(a, b)
    assert overlaps(x, y) == overlaps(y, x) == (shared > 0)
