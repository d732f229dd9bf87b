"""Import the member list from a spreadsheet: read the file, preview the plan, apply it once.

The rules are in eventsys.domain.member_import; here the file is read (.xlsx with openpyxl,
formulas seen as formulas; .csv in UTF-8 with or without a byte-order mark, else GB18030 as
Excel in China saves it), the records are read in a constant number of queries, the plan is
applied in the caller's transaction (flush only) and audited: one record for the import with
its counts, one per member created or changed with the fields before and after.

The upload is kept in the database (import_upload) between the preview and the confirmation,
and the confirmation plans again: if the records changed since the preview so that the plan
differs, nothing is applied and the new plan is shown instead."""

from __future__ import annotations

import csv
import io
import re
import secrets
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from eventsys.domain import member_import as rules
from eventsys.domain.member_import import FileRefused, Plan, Sheet
from eventsys.errors import Conflict, EventsysError, NotFound
from eventsys.extensions import db
from eventsys.models import AuditRecord, Group, GroupMember, Organisation, User
from eventsys.models.imports import ImportUpload
from eventsys.pinyin import name_pinyin
from eventsys.services import audit
from eventsys.services.exports import XLSX_TYPE, Download, to_xlsx
from eventsys.services.member_import_messages import file_refusal
from eventsys.timeutil import utcnow

#: Rows of members one file may hold (a larger list is imported in parts).
MAX_ROWS = 10_000
#: The largest upload accepted (the request's body limit on the upload form).
MAX_BYTES = 16 * 1024 * 1024
# An .xlsx is a zip: more than this, unpacked, is not a member list (a zip bomb).
MAX_UNPACKED = 256 * 1024 * 1024
# Blank rows read past the last filled one before the rest of a sheet is taken as empty
# (a sheet formatted down to row 1,048,576 has a million of them).
MAX_BLANK_RUN = 1_000
KEEP_UPLOADS = timedelta(days=1)
# Accounts made by an import have no password until the desk gives a one-time code:
# sign-in treats an empty hash as an unknown login (the same time spent, the same refusal).
NO_PASSWORD = ""
# pg_advisory_xact_lock key: one import applied at a time.
_LOCK_KEY = 0x6D656D62


class ImportRefused(EventsysError):
    """The file cannot be imported at all (its message says why and what to do)."""

    field = "file"


def max_rows() -> int:
    return int(current_app.config.get("MEMBER_IMPORT_MAX_ROWS", MAX_ROWS))


def max_bytes() -> int:
    return int(current_app.config.get("MEMBER_IMPORT_MAX_BYTES", MAX_BYTES))


# ---- reading files ----------------------------------------------------------------------------


def _refuse(code: str, **params: object) -> ImportRefused:
    return ImportRefused(file_refusal(code, params))


def read_sheet(body: bytes, filename: str = "", *, limit: int | None = None) -> Sheet:
    """Read the first sheet of an .xlsx or a .csv file, or refuse it with a message."""
    limit = max_rows() if limit is None else limit
    if not body.strip():
        raise _refuse("empty")
    if body.startswith(b"PK\x03\x04"):
        return _read_xlsx(body, limit)
    if body.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse("old_excel")
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods", ".numbers")):
        raise _refuse("not_spreadsheet")
    return _read_csv(body, limit)


def _count_row(row: Sequence[object], counts: list[int], limit: int) -> bool:
    """Count a filled row against *limit* (the header's row included); False once the sheet
    has gone blank for MAX_BLANK_RUN rows."""
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
        counts[1] += 1
        return counts[1] < MAX_BLANK_RUN
    counts[0] += 1
    counts[1] = 0
    if counts[0] > limit + 1:
        raise _refuse("too_many_rows", limit=limit)
    return True


def _read_xlsx(body: bytes, limit: int) -> Sheet:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            raise _refuse("too_large_unpacked")
        book = load_workbook(io.BytesIO(body), read_only=True, data_only=False)
    except ImportRefused:
        raise
    except Exception as error:  # a damaged file or another zip: openpyxl raises many kinds
        raise _refuse("not_spreadsheet") from error
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None or not hasattr(sheet, "_worksheet_path"):
            raise _refuse("not_spreadsheet")
        sheet.reset_dimensions()  # the stored size may be wrong: read what is there
        rows: list[tuple[object, ...]] = []
        counts = [0, 0]
        try:
            for cells in sheet.iter_rows():
                row = tuple(_cell_value(cell) for cell in cells)
                if not _count_row(row, counts, limit):
                    break
                rows.append(row)
        except ImportRefused:
            raise
        except Exception as error:
            raise _refuse("not_spreadsheet") from error
        merged = tuple(_merged_cells(archive, sheet._worksheet_path))
    finally:
        book.close()
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return Sheet(rows, merged)


def _cell_value(cell: Any) -> object:
    data_type = getattr(cell, "data_type", None)
    value = getattr(cell, "value", None)
    if data_type == "f" or (value is not None and type(value).__name__.endswith("Formula")):
        return rules.Formula(str(getattr(value, "text", value)))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return value


def _merged_cells(archive: zipfile.ZipFile, path: str) -> Iterator[rules.Merged]:
    """The merged ranges of one sheet, read from its XML (read-only openpyxl skips them)."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.xml.functions import iterparse  # defusedxml's when installed, as openpyxl

    with archive.open(path.lstrip("/")) as source:
        for _event, element in iterparse(source):
            if element.tag.endswith("}mergeCell"):
                ref = element.get("ref", "")
                try:
                    min_col, min_row, max_col, max_row = range_boundaries(ref)
                except ValueError:
                    continue
                if None not in (min_col, min_row, max_col, max_row):
                    yield rules.Merged(min_row, min_col, max_row, max_col)
            elif element.tag.endswith("}row"):
                element.clear()


def decode_text(body: bytes) -> str:
    """Decode a CSV: UTF-8 with or without a byte-order mark, UTF-16 with one, else GB18030."""
    if body.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif body.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "gb18030"
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as error:
        raise _refuse("not_text") from error


_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _read_csv(body: bytes, limit: int) -> Sheet:
    content = decode_text(body)
    if _BINARY.search(content[:4096]):
        raise _refuse("not_spreadsheet")
    first_line = content.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    rows: list[tuple[object, ...]] = []
    counts = [0, 0]
    try:
        for cells in csv.reader(io.StringIO(content, newline=""), delimiter=delimiter):
            row = tuple(cells)
            if not _count_row(row, counts, limit):
                break
            rows.append(row)
    except csv.Error as error:
        raise _refuse("not_spreadsheet") from error
    return Sheet(rows)


# ---- the records ------------------------------------------------------------------------------


def load_snapshot() -> rules.Snapshot:
    """The members, units, groups and group places on record, in four queries."""
    members = [
        rules.Member(id=i, name=n, login=lg, phone=p, member_number=m, unit_id=u)
        for i, n, lg, p, m, u in db.session.execute(
            select(
                User.id, User.name, User.login, User.phone, User.member_number, User.organisation_id
            )
        )
    ]
    units = [
        rules.Unit(id=i, name=n, parent_id=p)
        for i, n, p in db.session.execute(
            select(Organisation.id, Organisation.name, Organisation.parent_id)
        )
    ]
    groups = [
        rules.GroupRecord(id=i, name=n) for i, n in db.session.execute(select(Group.id, Group.name))
    ]
    places = frozenset(
        (u, g) for u, g in db.session.execute(select(GroupMember.user_id, GroupMember.group_id))
    )
    return rules.Snapshot(members, units, groups, places)


def plan(body: bytes, filename: str, options: rules.Options) -> Plan:
    """Read *body* and plan its import against the records (nothing is written)."""
    sheet = read_sheet(body, filename)
    try:
        return rules.plan_import(sheet, load_snapshot(), options)
    except FileRefused as refused:
        raise ImportRefused(file_refusal(refused.code, refused.params)) from refused


# ---- uploads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    upload: ImportUpload
    plan: Plan


def store_upload(
    body: bytes, filename: str, options: rules.Options, *, actor: User, now: datetime
) -> ImportUpload:
    """Keep an uploaded file for its preview (it must be readable, or it is refused)."""
    if len(body) > max_bytes():
        raise _refuse("too_large", megabytes=max_bytes() // (1024 * 1024))
    plan(body, filename, options)  # refuse a file that cannot be read before keeping it
    db.session.execute(delete(ImportUpload).where(ImportUpload.created_at < now - KEEP_UPLOADS))
    upload = ImportUpload(
        token=secrets.token_hex(16),
        uploaded_by_id=actor.id,
        filename=(filename or "import")[-200:],
        create_units=options.create_units,
        allow_same_name=options.allow_same_name,
        body=body,
        created_at=now,
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def _options(upload: ImportUpload) -> rules.Options:
    return rules.Options(create_units=upload.create_units, allow_same_name=upload.allow_same_name)


def find_upload(token: str, *, actor: User) -> ImportUpload:
    """The upload *token* of *actor* (another organizer's is not theirs to confirm)."""
    upload = (
        db.session.get(ImportUpload, token) if re.fullmatch(r"[0-9a-f]{32}", token or "") else None
    )
    if upload is None or upload.uploaded_by_id != actor.id:
        raise NotFound(
            _(
                "This upload is not kept any more (it was imported or is older than a day). "
                "Please upload the file again."
            )
        )
    return upload


def preview(token: str, *, actor: User) -> Preview:
    """Plan the kept upload *token* again against the records as they are now."""
    upload = find_upload(token, actor=actor)
    return Preview(upload, plan(upload.body, upload.filename, _options(upload)))


# ---- applying ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    plan: Plan
    counts: dict[str, int]


class PlanChanged(Conflict):
    """The records changed since the preview: the plan is not the one that was shown."""


def confirm(token: str, fingerprint: str, *, actor: User) -> Applied:
    """Apply the kept upload *token* if its plan is still the one previewed (*fingerprint*)."""
    _lock()
    upload = find_upload(token, actor=actor)
    current = plan(upload.body, upload.filename, _options(upload))
    if current.fingerprint != fingerprint:
        raise PlanChanged(
            _(
                "The records changed since the preview, so the import would now do something "
                "else. Nothing was imported: please look at the new preview and confirm again."
            )
        )
    if not (current.count("create") or current.count("update") or current.new_units):
        raise EventsysError(_("There is nothing to import from this file."))
    counts = apply(current, actor=actor, filename=upload.filename)
    db.session.delete(upload)
    db.session.flush()
    return Applied(current, counts)


def _lock() -> None:
    """One import at a time (SQLite's write request holds the database's lock already)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


_AUDITED = ("member_number", "name", "phone", "organisation_id")


def apply(plan: Plan, *, actor: User, filename: str = "") -> dict[str, int]:
    """Write *plan*: units, then members created and changed, then group places; flush only.

    A unique value taken meanwhile by another request refuses the whole import (Conflict);
    the caller rolls back, so nothing is half-imported."""
    try:
        _apply(plan, actor)
        counts = plan.counts
        audit.record(actor, "member.import", "import", None, after={"file": filename, **counts})
        db.session.flush()
    except IntegrityError as error:
        raise Conflict(
            _(
                "Someone else changed these records meanwhile (a phone number, a member "
                "number, a unit or a group place). Nothing was imported: please upload the "
                "file again."
            )
        ) from error
    return counts


def _apply(plan: Plan, actor: User) -> None:
    """Units, new members, changed members, group places and their audit records, each kind
    in one statement (an executemany) whatever the number of rows."""
    units = {name: unit.id for name, unit in _create_units(plan).items()}
    creates = [row for row in plan.rows if row.action == "create"]
    updates = [row for row in plan.rows if row.action == "update"]
    trail: list[dict[str, Any]] = []
    places: list[dict[str, int]] = []
    if creates:
        new = [_new_member(row, units) for row in creates]
        db.session.execute(insert(User), new)
        logins = [row.login for row in creates]
        ids = {
            login: user_id
            for login, user_id in db.session.execute(
                select(User.login, User.id).where(User.login.in_(logins))
            )
        }
        for row, values in zip(creates, new, strict=True):
            user_id = ids[row.login]
            after = {name: values[name] for name in _AUDITED}
            trail.append(_audit(actor, user_id, None, {**after, "groups": list(row.values.groups)}))
            places += [{"group_id": g, "user_id": user_id} for g in row.add_groups]
    if updates:
        ids = [row.member_id for row in updates]
        columns = [User.id, *(getattr(User, name) for name in _AUDITED)]
        old = {
            r[0]: dict(zip(_AUDITED, r[1:], strict=True))
            for r in db.session.execute(select(*columns).where(User.id.in_(ids)))
        }
        changed: list[dict[str, Any]] = []
        for row in updates:
            assert row.member_id is not None
            before = old[row.member_id]
            after = _changed_values(row, units)
            fields = [name for name in _AUDITED if name in after and after[name] != before[name]]
            if fields:
                values = {name: after[name] for name in fields}
                if "name" in values:
                    values["name_pinyin"] = name_pinyin(values["name"])
                changed.append({"id": row.member_id, **values})
            groups = [c.after for c in row.changes if c.field == "group"]
            trail.append(
                _audit(
                    actor,
                    row.member_id,
                    {name: before[name] for name in fields},
                    {
                        **{name: after[name] for name in fields},
                        **({"groups": groups} if groups else {}),
                    },
                )
            )
            places += [{"group_id": g, "user_id": row.member_id} for g in row.add_groups]
        if changed:
            db.session.execute(update(User), changed)
    if places:
        db.session.execute(insert(GroupMember), places)
    if trail:
        db.session.execute(insert(AuditRecord), trail)


def _audit(
    actor: User, user_id: int, before: dict[str, Any] | None, after: dict[str, Any]
) -> dict[str, Any]:
    """An audit record of one member (as audit.record writes it, many in one statement)."""
    return {
        "actor_id": actor.id,
        "action": "user.import",
        "object_type": "user",
        "object_id": user_id,
        "before": before,
        "after": after,
        "at": utcnow(),
    }


def _create_units(plan: Plan) -> dict[str, Organisation]:
    made: dict[str, Organisation] = {}
    for new in plan.new_units:
        unit = Organisation(name=new.name, parent_id=new.parent_id)
        if new.parent_name is not None:
            unit.parent = made[new.parent_name]
        made[new.name] = unit
        db.session.add(unit)
    if made:
        db.session.flush()
    return made


def _unit_of(row: rules.RowPlan, units: dict[str, int]) -> int | None:
    if row.unit_id is not None:
        return row.unit_id
    return units.get(row.values.unit) if row.values.unit is not None else None


def _new_member(row: rules.RowPlan, units: dict[str, int]) -> dict[str, Any]:
    values = row.values
    assert values.name is not None and row.login is not None
    return {
        "login": row.login,
        "name": values.name,
        "name_pinyin": name_pinyin(values.name),
        "phone": values.phone,
        "member_number": values.member_number,
        "organisation_id": _unit_of(row, units),
        "password_hash": NO_PASSWORD,
        "is_participant": True,
        "is_organizer": False,
        "is_judge": False,
    }


def _changed_values(row: rules.RowPlan, units: dict[str, int]) -> dict[str, Any]:
    """The audited fields a row sets, by column name."""
    values: dict[str, Any] = {}
    for change in row.changes:
        if change.field in ("name", "phone", "member_number"):
            values[change.field] = change.after
        elif change.field == "unit":
            values["organisation_id"] = _unit_of(row, units)
    return values


# ---- the template -----------------------------------------------------------------------------


def template() -> Download:
    """The import template: the Chinese headers and one example row, as an .xlsx."""
    body = to_xlsx(
        list(rules.TEMPLATE_HEADERS),
        [list(rules.TEMPLATE_EXAMPLE)],
        title=_("Members"),
    )
    return Download(body, "member-import-template.xlsx", XLSX_TYPE)
