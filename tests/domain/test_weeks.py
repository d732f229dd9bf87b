"""Reading which week is meant: ISO weeks and days, Monday first."""

from __future__ import annotations

from datetime import date

import pytest

from eventsys.domain.weeks import NotAWeek, iso_week_label, monday_of, parse_week

TODAY = date(2026, 12, 4)  # a Friday


def test_no_text_is_this_week_starting_on_monday() -> None:
    assert parse_week("", today=TODAY) == date(2026, 11, 30)


def test_a_day_names_the_week_that_holds_it() -> None:
    assert parse_week("2026-12-06", today=TODAY) == date(2026, 11, 30)  # a Sunday
    assert parse_week("2026-12-07", today=TODAY) == date(2026, 12, 7)  # the next Monday


def test_an_iso_week_is_read_with_or_without_its_dash() -> None:
    assert parse_week("2026-W49", today=TODAY) == date(2026, 11, 30)
    assert parse_week("2026w49", today=TODAY) == date(2026, 11, 30)


def test_iso_week_1_may_start_in_the_previous_year() -> None:
    # 1 January 2026 is a Thursday: its week, 2026-W01, starts on Monday 29 December 2025.
    assert parse_week("2026-W01", today=TODAY) == date(2025, 12, 29)
    assert parse_week("2026-01-01", today=TODAY) == date(2025, 12, 29)


def test_week_53_exists_only_in_long_years() -> None:
    assert parse_week("2026-W53", today=TODAY) == date(2026, 12, 28)  # 2026 has 53 weeks
    with pytest.raises(NotAWeek):
        parse_week("2025-W53", today=TODAY)


NOT_WEEKS = "next week|2026-W00|2026-W54|2026-13-01|2026-02-30|1999-12-31|2101-01-03|20261203"


@pytest.mark.parametrize("text", [*NOT_WEEKS.split("|"), "2026-12-03T10:00", "'; drop table--"])
def test_anything_else_is_not_a_week(text: str) -> None:
    with pytest.raises(NotAWeek):
        parse_week(text, today=TODAY)


def test_the_label_of_a_week_is_its_iso_name() -> None:
    assert iso_week_label(date(2025, 12, 29)) == "2026-W01"
    assert iso_week_label(monday_of(date(2026, 12, 4))) == "2026-W49"
