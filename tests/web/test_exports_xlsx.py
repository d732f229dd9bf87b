"""Exports open in Excel as numbers under Chinese sheet names, with one charset in the header."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import openpyxl
from flask import Flask
from flask.testing import FlaskClient

from eventsys.extensions import db
from eventsys.models import User
from tests.conftest import login
from tests.web import test_contests_pages as contests_pages
from tests.web.test_contests_pages import score_everything

contest_world = contests_pages.contest_world  # the contest fixture, shared

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _client(app: Flask, user_id: int, language: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    with app.app_context():
        name = db.session.get(User, user_id).login
    login(client, name)
    return client


def test_the_results_workbook_holds_numbers_and_the_organisation_totals_in_chinese(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(entries=4, judges=2)
    score_everything(app, w, contest_id)
    organizer = _client(app, w.organizer_id, "zh-CN")
    response = organizer.get(f"/contests/{contest_id}/export/results.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["成绩", "单位总分"]
    sheet = book["成绩"]
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "名次" and header[1] == "编号"
    place, score = sheet.cell(row=2, column=1), sheet.cell(row=2, column=6)
    assert place.data_type == "n" and place.value == 1 and isinstance(place.value, int)
    assert score.data_type == "n" and isinstance(score.value, (int, float))
    assert score.number_format == "0.00"
    totals = book["单位总分"]
    rows = [[cell.value for cell in row] for row in totals.iter_rows()]
    assert rows[0][:3] == ["名次", "单位", "总分"]
    assert len(rows) >= 2
    assert all(isinstance(row[0], int) for row in rows[1:])
    assert all(row[1] for row in rows[1:])
    assert all(isinstance(row[2], (int, float)) for row in rows[1:])


def test_the_sheet_names_follow_the_language(app: Flask, contest_world: Callable[..., Any]) -> None:
    w, contest_id = contest_world(entries=4, judges=1)
    score_everything(app, w, contest_id)
    organizer = _client(app, w.organizer_id, "en")
    results = organizer.get(f"/contests/{contest_id}/export/results.xlsx")
    assert openpyxl.load_workbook(io.BytesIO(results.data)).sheetnames == [
        "Results",
        "Organisation totals",
    ]
    matrix = organizer.get(f"/contests/{contest_id}/export/matrix.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(matrix.data)).active
    assert sheet.title == "Score matrix"
    marks = [cell for cell in sheet[2] if cell.data_type == "n"]
    assert marks, "the judges' marks are numbers"


def test_the_csv_exports_name_the_charset_once(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(entries=2, judges=1, tiers=())
    score_everything(app, w, contest_id)
    organizer = _client(app, w.organizer_id, "zh-CN")
    response = organizer.get(f"/contests/{contest_id}/export/results.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert {rows[1][5], rows[2][5]} == {"70.00", "71.00"}  # printed with the contest's places
    with app.app_context():
        from eventsys.models import Registration

        event_id = db.session.get(Registration, w.entry_ids[0]).event_id
    registrants = organizer.get(f"/manage/events/{event_id}/export/registrants.csv")
    assert registrants.status_code == 200
    assert registrants.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_the_registrants_workbook_has_a_chinese_sheet_name_and_numeric_ids(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, _contest_id = contest_world(entries=2, judges=1, tiers=())
    organizer = _client(app, w.organizer_id, "zh-CN")
    with app.app_context():
        from eventsys.models import Registration

        event_id = db.session.get(Registration, w.entry_ids[0]).event_id
    response = organizer.get(f"/manage/events/{event_id}/export/registrants.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["报名名单"]
    assert book.active.cell(row=2, column=1).data_type == "n"
