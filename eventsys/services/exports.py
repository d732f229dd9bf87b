"""Tables for export (registrants, teams with rosters, attendance) and the one CSV/XLSX writer.

Every download of the site (event lists, contest results, attendance statistics) is written
here, with one rule against spreadsheet formulas; the web layer turns a Download into a
response. CSV is UTF-8 with a byte-order mark so that Excel opens Chinese text correctly."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventsys.extensions import db
from eventsys.labels import (
    attendance_method_label,
    member_role_label,
    registration_status_label,
)
from eventsys.models import Attendance, Event
from eventsys.services.registrations.queries import registrations_for_event
from eventsys.timeutil import to_local

Table = tuple[list[str], list[list[Any]]]


def _local(value: Any) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def registrants(event: Event) -> Table:
    header = [
        _("No."),
        _("Name"),
        _("Phone"),
        _("Organisation"),
        _("Team"),
        _("Entry title"),
        _("Status"),
        _("Registered at"),
    ]
    rows = [
        [
            r.id,
            r.captain.name,
            r.captain.phone or "",
            r.organisation.name if r.organisation else "",
            r.team_name or "",
            r.title or "",
            registration_status_label(r.status),
            _local(r.created_at),
        ]
        for r in registrations_for_event(event)
    ]
    return header, rows


def rosters(event: Event) -> Table:
    header = [_("Team"), _("Organisation"), _("Status"), _("Member"), _("Role"), _("Phone")]
    rows = []
    for r in registrations_for_event(event):
        for m in r.members:
            rows.append(
                [
                    r.display_name,
                    r.organisation.name if r.organisation else "",
                    registration_status_label(r.status),
                    m.user.name,
                    member_role_label(m.role),
                    m.user.phone or "",
                ]
            )
    return header, rows


def attendance(event: Event) -> Table:
    header = [_("Sitting"), _("Name"), _("Phone"), _("How"), _("Checked in at")]
    records = db.session.scalars(
        select(Attendance)
        .where(Attendance.event_id == event.id)
        .options(selectinload(Attendance.user), selectinload(Attendance.occurrence))
        .order_by(Attendance.checked_in_at)
    ).all()
    rows = [
        [
            _local(a.occurrence.starts_at),
            a.person_name,  # a walk-in guest has a name and phone but no account
            (a.user.phone if a.user is not None else a.guest_phone) or "",
            attendance_method_label(a.method),
            _local(a.checked_in_at),
        ]
        for a in records
    ]
    return header, rows


TABLES: dict[str, Callable[[Event], Table]] = {
    "registrants": registrants,
    "rosters": rosters,
    "attendance": attendance,
}


# A text cell starting with one of these would run as a formula in Excel (or LibreOffice).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value: Any) -> Any:
    """Quote a text cell that a spreadsheet would run as a formula; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    """CSV that Excel opens with Chinese intact: UTF-8 with a byte-order mark, CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_safe_cell(v) for v in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


#: One sheet of a workbook: its (translated) name, header and rows.
Sheet = tuple[str, list[str], list[list[Any]]]

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_titles() -> dict[str, str]:
    """Return the translated sheet name of each export table."""
    return {
        "registrants": pgettext("sheet name", "Registrants"),
        "rosters": pgettext("sheet name", "Rosters"),
        "attendance": pgettext("sheet name", "Attendance"),
    }


def _number_format(value: Any) -> str | None:
    """Excel's format for a number: whole numbers as 0, a Decimal with its own places (0.00)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return "0"
    if isinstance(value, Decimal) and value.is_finite():
        places = -int(value.as_tuple().exponent)
        return "0" if places <= 0 else "0." + "0" * places
    return None


def _sheet_title(title: str, index: int) -> str:
    # Excel refuses []:*?/\ in sheet names and more than 31 characters.
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()[:31]
    return cleaned or f"Sheet{index}"


def to_xlsx_sheets(sheets: Sequence[Sheet]) -> bytes:
    """Return a workbook with one sheet per table; numbers stay numbers (Decimal places kept)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for index, (title, header, rows) in enumerate(sheets, start=1):
        sheet = book.create_sheet(_sheet_title(title, index))
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_safe_cell(v) for v in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=False):
                number_format = _number_format(value)
                if number_format is not None:
                    cell.number_format = number_format
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(10, width * 2), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_xlsx(header: list[str], rows: list[list[Any]], title: str = "") -> bytes:
    return to_xlsx_sheets([(title, header, rows)])


@dataclass(frozen=True)
class Download:
    """A file to send: its bytes, the name it is saved under and its content type."""

    body: bytes
    filename: str
    content_type: str


def download(sheets: Sequence[Sheet], fmt: str, filename: str) -> Download:
    """Return the tables as a file: every sheet in XLSX, the first one in CSV."""
    if fmt == "csv":
        _title, header, rows = sheets[0]
        return Download(to_csv(header, rows), filename, CSV_TYPE)
    return Download(to_xlsx_sheets(sheets), filename, XLSX_TYPE)
