"""Calendar rules and the RFC 5545 text, checked with two parsers (icalendar and vobject).

No application and no database here: plain items in, text out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
import vobject

from eventsys.domain.ical_rules import (
    CalendarItem,
    SittingRecord,
    check_window,
    expand,
    keeps_cancelled,
    make_uid,
    plan_series,
)
from eventsys.domain.recurrence import weekly_sittings
from eventsys.services.calendar import FeedMeta, write_calendar
from eventsys.timeutil import LOCAL_TZ


def local(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL_TZ)


def sittings_of(first: datetime, weekdays: tuple[int, ...], until: date) -> list[SittingRecord]:
    return [
        SittingRecord(s.starts_at, s.starts_at, s.ends_at)
        for s in weekly_sittings(first, first + timedelta(hours=2), weekdays, until, LOCAL_TZ)
    ]


def item(**kwargs: object) -> CalendarItem:
    values: dict[str, object] = {
        "uid": make_uid("event", 42, "eventsys.fengtai.local"),
        "summary": "金秋艺术团排练",
        "starts_at": local(1, 9),
        "ends_at": local(1, 11),
        "last_modified": datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
        "sequence": 3,
    }
    values.update(kwargs)
    return CalendarItem(**values)  # type: ignore[arg-type]


def series_item(stored: list[SittingRecord], weekdays: tuple[int, ...] = (1, 3)) -> CalendarItem:
    first = min(s.original_start for s in stored)
    series = plan_series(
        first,
        first + timedelta(hours=2),
        weekdays,
        sorted(s.original_start for s in stored),
        stored,
        LOCAL_TZ,
    )
    return item(starts_at=first, ends_at=first + timedelta(hours=2), series=series)


def the_programme(stored: list[SittingRecord]) -> list[tuple[datetime, datetime]]:
    return sorted((s.starts_at, s.ends_at) for s in stored if not s.skipped)


# ---- plan_series ------------------------------------------------------------------------------


def test_a_weekly_activity_becomes_one_rule_that_ends_on_its_last_sitting() -> None:
    stored = sittings_of(local(1, 9), (1, 3), date(2026, 12, 31))
    calendar_item = series_item(stored)
    series = calendar_item.series
    assert series is not None
    assert series.byday == ("TU", "TH")
    assert series.until == datetime(2026, 12, 31, 1, 0, tzinfo=UTC)  # Thu 31st, 09:00 Beijing
    assert series.exdates == () and series.overrides == ()
    assert expand(calendar_item, LOCAL_TZ) == the_programme(stored)


def test_a_skipped_day_is_an_exdate_and_a_moved_one_an_override_with_its_original_start() -> None:
    stored = sittings_of(local(1, 9), (1, 3), date(2026, 12, 31))
    stored[3] = SittingRecord(
        stored[3].original_start, stored[3].starts_at, stored[3].ends_at, True
    )
    moved = stored[5]
    stored[5] = SittingRecord(moved.original_start, local(18, 14), local(18, 16))
    calendar_item = series_item(stored)
    series = calendar_item.series
    assert series is not None
    assert series.exdates == (stored[3].original_start,)
    assert [(o.recurrence_id, o.starts_at) for o in series.overrides] == [
        (moved.original_start, local(18, 14))
    ]
    assert expand(calendar_item, LOCAL_TZ) == the_programme(stored)


def test_a_first_day_outside_the_weekdays_joins_the_rule_and_its_later_weeks_are_excluded() -> None:
    # Starts on a Wednesday, then every Monday: DTSTART must be an instance of the rule.
    stored = sittings_of(local(2, 9), (0,), date(2026, 12, 31))
    calendar_item = series_item(stored, weekdays=(0,))
    series = calendar_item.series
    assert series is not None
    assert series.byday == ("MO", "WE")
    assert [d.date() for d in series.exdates] == [date(2026, 12, d) for d in (9, 16, 23)]
    assert expand(calendar_item, LOCAL_TZ) == the_programme(stored)


def test_an_event_that_happens_once_has_no_rule() -> None:
    one = sittings_of(local(3, 14), (), date(2026, 12, 3))
    assert (
        plan_series(local(3, 14), local(3, 16), (), [one[0].original_start], one, LOCAL_TZ) is None
    )
    assert plan_series(local(3, 14), local(3, 16), (3,), [local(3, 14)], one, LOCAL_TZ) is None


def test_a_shortened_sitting_is_an_override_even_at_its_usual_start() -> None:
    stored = sittings_of(local(1, 9), (1,), date(2026, 12, 15))
    stored[1] = SittingRecord(stored[1].original_start, stored[1].starts_at, local(8, 10))
    calendar_item = series_item(stored, weekdays=(1,))
    assert calendar_item.series is not None
    assert [o.ends_at for o in calendar_item.series.overrides] == [local(8, 10)]
    assert expand(calendar_item, LOCAL_TZ) == the_programme(stored)


def test_uids_come_from_ids_only() -> None:
    assert make_uid("event", 42, "eventsys.fengtai.local") == "event-42@eventsys.fengtai.local"
    assert make_uid("match", 7, "h") == "match-7@h"


def test_an_item_refuses_naive_times_an_unknown_status_and_a_wrong_order() -> None:
    with pytest.raises(ValueError):
        item(starts_at=datetime(2026, 12, 1, 9), ends_at=datetime(2026, 12, 1, 11))
    with pytest.raises(ValueError):
        item(status="MAYBE")
    with pytest.raises(ValueError):
        item(ends_at=local(1, 8))


def test_cancelled_events_are_kept_for_thirty_days() -> None:
    cancelled = datetime(2026, 12, 1, tzinfo=UTC)
    assert keeps_cancelled(cancelled, cancelled + timedelta(days=29, hours=23))
    assert not keeps_cancelled(cancelled, cancelled + timedelta(days=30))


def test_a_window_starts_thirty_days_back_and_refuses_odd_ranges() -> None:
    today = date(2026, 12, 3)
    assert check_window(None, None, today).starts == date(2026, 11, 3)
    assert check_window(date(2026, 1, 1), date(2026, 12, 31), today).ends == date(2026, 12, 31)
    for starts, ends in [
        (date(2026, 12, 1), date(2026, 11, 1)),
        (date(2026, 1, 1), date(2029, 1, 1)),
        (date(1999, 1, 1), None),
        (None, date(2101, 1, 1)),
    ]:
        with pytest.raises(ValueError):
            check_window(starts, ends, today)


# ---- the text ---------------------------------------------------------------------------------

TRICKY = "第一行：诗会；第二行, 逗号; 分号 \\ 反斜杠\n新的一行 " + "晓月诗社朗诵会" * 12


def feed(*items: CalendarItem) -> bytes:
    return write_calendar(
        FeedMeta(name="丰台区老干部活动中心：活动安排", description="活动", url="https://x/"),
        items,
    )


def test_lines_end_in_crlf_and_are_folded_at_75_octets_without_splitting_a_character() -> None:
    text = feed(item(description=TRICKY, location="多功能厅（二楼东侧）" * 5))
    assert b"\n" not in text.replace(b"\r\n", b"")
    for line in text.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # each physical line is whole UTF-8
    unfolded = text.decode().replace("\r\n ", "")
    assert "晓月诗社朗诵会" * 12 in unfolded.replace("\\n", "\n")


def test_the_calendar_has_the_properties_clients_read() -> None:
    text = feed(item()).decode()
    for line in [
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "NAME:丰台区老干部活动中心：活动安排",
        "X-WR-CALNAME:丰台区老干部活动中心：活动安排",
        "X-WR-TIMEZONE:Asia/Shanghai",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "TZID:Asia/Shanghai",
        "DTSTART;TZID=Asia/Shanghai:20261201T090000",
        "DTSTAMP:20261120T080000Z",
        "LAST-MODIFIED:20261120T080000Z",
        "SEQUENCE:3",
        "STATUS:CONFIRMED",
        "UID:event-42@eventsys.fengtai.local",
    ]:
        assert line + "\r\n" in text, line
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")


def test_text_with_commas_semicolons_backslashes_and_newlines_survives_both_parsers() -> None:
    text = feed(item(summary="讲座; 诗词, 书法\\绘画", description=TRICKY, location="阅览室, 二楼"))
    ours = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    theirs = vobject.readOne(text.decode()).vevent
    assert str(ours["SUMMARY"]) == theirs.summary.value == "讲座; 诗词, 书法\\绘画"
    assert str(ours["DESCRIPTION"]) == theirs.description.value == TRICKY
    assert theirs.location.value == "阅览室, 二楼"


def test_times_carry_the_beijing_zone_in_both_parsers() -> None:
    text = feed(item()).decode()
    event = vobject.readOne(text).vevent
    assert event.dtstart.value == local(1, 9)
    assert event.dtstart.value.utcoffset() == timedelta(hours=8)
    assert event.dtstamp.value == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _vobject_instances(text: str) -> list[tuple[datetime, datetime]]:
    """Expand the recurring VEVENT with vobject/dateutil and apply RECURRENCE-ID overrides."""
    calendar = vobject.readOne(text)
    events = calendar.vevent_list
    master = next(e for e in events if not hasattr(e, "recurrence_id"))
    overrides = {e.recurrence_id.value: e for e in events if hasattr(e, "recurrence_id")}
    duration = master.dtend.value - master.dtstart.value
    result = []
    for start in master.getrruleset(addRDate=True):
        if start in overrides:
            moved = overrides[start]
            result.append((moved.dtstart.value, moved.dtend.value))
        else:
            result.append((start, start + duration))
    return sorted(result)


def test_a_series_expanded_by_vobject_gives_back_the_programme() -> None:
    stored = sittings_of(local(2, 9), (0, 3), date(2027, 2, 28))
    stored[2] = SittingRecord(
        stored[2].original_start, stored[2].starts_at, stored[2].ends_at, True
    )
    stored[4] = SittingRecord(stored[4].original_start, local(20, 15), local(20, 17))
    text = feed(series_item(stored, weekdays=(0, 3))).decode()
    assert "RRULE:FREQ=WEEKLY;UNTIL=" in text and "EXDATE;TZID=Asia/Shanghai:" in text
    assert "RECURRENCE-ID;TZID=Asia/Shanghai:" in text
    assert _vobject_instances(text) == the_programme(stored)


def test_an_override_repeats_the_uid_and_sequence_of_its_series() -> None:
    stored = sittings_of(local(1, 9), (1,), date(2026, 12, 15))
    stored[1] = SittingRecord(stored[1].original_start, local(9, 9), local(9, 11))
    events = icalendar.Calendar.from_ical(feed(series_item(stored, weekdays=(1,)))).walk("VEVENT")
    assert len(events) == 2
    assert {str(e["UID"]) for e in events} == {"event-42@eventsys.fengtai.local"}
    assert {int(e["SEQUENCE"]) for e in events} == {3}
    assert "RRULE" not in events[1] and events[1]["RECURRENCE-ID"].dt == local(8, 9)


def test_a_cancelled_item_says_so_and_does_not_block_time() -> None:
    text = feed(item(status="CANCELLED")).decode()
    assert "STATUS:CANCELLED\r\n" in text and "TRANSP:TRANSPARENT\r\n" in text
    assert vobject.readOne(text).vevent.status.value == "CANCELLED"
