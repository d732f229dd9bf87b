"""Attendance statistics count each check-in on its sitting's day, show the no-shows, export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from eventsys.extensions import db
from eventsys.models import Attendance, Event, Registration, RegistrationMember
from eventsys.services import attendance as service
from eventsys.timeutil import local_midnight
from tests.conftest import at


@pytest.fixture
def sitting_with_late_record(
    app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> Callable[[], int]:
    """An evening sitting on 3 December with three registered; one is checked in next morning."""

    def make() -> int:
        event_id = make_event(start=at(3, 19), title="合唱晚练")
        people = [make_user(name=name) for name in ("张和顺", "李秀英", "王建国")]
        with app.app_context():
            event = db.session.get(Event, event_id)
            event.registration_mode = "individual"
            sitting = event.occurrences[0]
            registrations = []
            for person in people:
                registration = Registration(
                    event_id=event_id, captain_id=person, status="confirmed", size=1
                )
                registration.members.append(RegistrationMember(event_id=event_id, user_id=person))
                db.session.add(registration)
                registrations.append(registration)
            db.session.flush()
            # Recorded the next morning from the paper list: still the sitting of the 3rd.
            db.session.add(
                Attendance(
                    event_id=event_id,
                    occurrence_id=sitting.id,
                    user_id=people[0],
                    registration_id=registrations[0].id,
                    method="list",
                    checked_in_at=at(4, 9).astimezone(UTC),
                )
            )
            db.session.commit()
        return event_id

    return make


def _december(first: int, last: int) -> service.Statistics:
    """The statistics from midnight of *first* December 2026 to midnight of *last* (local)."""
    return service.statistics(
        local_midnight(date(2026, 12, first)), local_midnight(date(2026, 12, last))
    )


def test_a_check_in_recorded_the_day_after_its_sitting_counts_on_the_sittings_date(
    app: Flask, sitting_with_late_record: Callable[[], int]
) -> None:
    sitting_with_late_record()
    with app.app_context():
        third = _december(3, 4)
        fourth = _december(4, 5)
    assert third.total == 1
    assert third.by_day == [(date(2026, 12, 3), 1)]
    assert fourth.total == 0 and fourth.by_day == []


def test_the_statistics_give_registered_attended_and_no_shows_per_sitting(
    app: Flask, sitting_with_late_record: Callable[[], int]
) -> None:
    sitting_with_late_record()
    with app.app_context():
        stats = _december(1, 8)
    assert [(row.title, row.registered, row.attended, row.no_shows) for row in stats.sittings] == [
        ("合唱晚练", 3, 1, 2)
    ]
    assert (stats.registered, stats.registered_attended, stats.no_shows) == (3, 1, 2)


def test_the_page_prints_days_as_the_rest_of_the_ui_and_the_no_shows(
    app: Flask, signed_in: Callable[..., FlaskClient], sitting_with_late_record: Callable[[], int]
) -> None:
    sitting_with_late_record()
    staff = signed_in("organizer")
    page = staff.get("/manage/attendance?from=2026-12-01&to=2026-12-07").get_data(as_text=True)
    assert "2026年12月3日 星期四" in page
    assert ">2026-12-03<" not in page and "2026-12-03</th>" not in page
    assert "未到" in page
    english = staff.get(
        "/manage/attendance?from=2026-12-01&to=2026-12-07", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "Thu 3 Dec 2026" in english and "No-shows" in english
    assert "/manage/attendance/export.xlsx?from=2026-12-01&amp;to=2026-12-07" in english


def test_the_statistics_export_through_the_csv_and_xlsx_writer(
    app: Flask, signed_in: Callable[..., FlaskClient], sitting_with_late_record: Callable[[], int]
) -> None:
    sitting_with_late_record()
    staff = signed_in("organizer")
    query = "?from=2026-12-01&to=2026-12-07"
    xlsx = staff.get(f"/manage/attendance/export.xlsx{query}")
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames[0] == "各场次到场"
    sitting = book.worksheets[0]
    assert [cell.value for cell in sitting[1]] == ["日期", "活动", "报名人数", "到场", "未到"]
    row = [cell.value for cell in sitting[2]]
    assert row[1:] == ["合唱晚练", 3, 1, 2]
    assert "2026年12月3日" in row[0]
    by_day = book.worksheets[1]
    assert [cell.value for cell in by_day[2]] == ["2026年12月3日 星期四", 1]
    response = staff.get(f"/manage/attendance/export.csv{query}")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[1][1:] == ["合唱晚练", "3", "1", "2"]
    assert staff.get("/manage/attendance/export.pdf").status_code == 404
    assert staff.get("/manage/attendance/export.csv?from=2026-13-01").status_code == 400
    member = signed_in("participant")
    assert member.get(f"/manage/attendance/export.csv{query}").status_code == 403
