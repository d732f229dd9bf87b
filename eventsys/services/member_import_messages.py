"""The sentences the desk reads about a member import: one per code of
eventsys.domain.member_import (a refused file, a refused or flagged row), and the names of the
columns and fields. The domain says what is wrong; this table is the only place saying it."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from eventsys.domain.member_import import Change, Problem

#: A whole file refused: code -> sentence, the refusal's params as %(name)s.
FILE_SENTENCES = {
    "empty": _l("The file is empty."),
    "old_excel": _l(
        "This is an old Excel file (.xls). In Excel choose “Save as” and “Excel workbook "
        "(.xlsx)”, then upload that file."
    ),
    "not_spreadsheet": _l(
        "This file is not a spreadsheet that can be read. Upload an Excel workbook (.xlsx) or "
        "a CSV file."
    ),
    "not_text": _l(
        "This CSV file cannot be read as text. In Excel choose “Save as” and “CSV UTF-8”."
    ),
    "too_many_rows": _l(
        "The file has more than %(limit)s rows of members. Please split it into files of at "
        "most %(limit)s rows and import them one after the other. Nothing was imported."
    ),
    "too_large": _l("The file is larger than %(megabytes)s MB. Please split it into parts."),
    "too_large_unpacked": _l("The workbook is far too large once unpacked to be a member list."),
    "header_not_found": _l(
        "The first rows name no known columns. The header row should read: %(expected)s. "
        "The first row found reads: %(found)s."
    ),
    "header_merged": _l(
        "Cells %(cells)s of the header row are merged. Unmerge them and give every column its "
        "own header."
    ),
    "header_blank": _l(
        "Column %(column)s has no header (merged or empty). Give every column a header, or "
        "delete the empty column."
    ),
    "header_twice": _l("The column “%(header)s” appears twice. Keep one of them."),
    "header_no_key": _l(
        "The file needs a column 手机号 (phone) or 会员编号 (member number), so that each "
        "member can be found again at the next import."
    ),
    "no_rows": _l("The file has a header row but no members below it."),
}

#: A row refused or flagged: code -> sentence.
ROW_SENTENCES = {
    "formula": _l(
        "%(column)s holds a formula (%(formula)s). Type the value itself; formulas are not "
        "imported."
    ),
    "phone_bad": _l("“%(phone)s” is not a phone number (7 to 15 digits, one number per cell)."),
    "phone_rounded": _l(
        "The phone number “%(phone)s” was shortened by the spreadsheet. Format the column as "
        "text and type the number again."
    ),
    "too_long": _l("%(column)s is longer than %(max)s characters."),
    "merged": _l("Cells %(cells)s are merged. Unmerge them and fill in the value on every row."),
    "name_missing": _l("The name is missing."),
    "no_key": _l("Give a phone number or a member number, so that the member can be found again."),
    "duplicate_number": _l("The same member number is in row %(row)s already."),
    "duplicate_phone": _l("The same phone number is in row %(row)s already."),
    "same_member": _l("Row %(row)s is about the same member already."),
    "phone_taken": _l("This phone number belongs to another member, %(name)s."),
    "number_differs": _l(
        "The member with this phone number, %(name)s, has the member number %(number)s."
    ),
    "same_name": _l(
        "A member named %(name)s is on record already (phone %(phone)s, login %(login)s). If "
        "this is the same person, add their phone number or member number to the row; if not, "
        "tick “Create members whose name is on record already” and upload again."
    ),
    "same_name_in_file": _l("Row %(row)s also makes a new member of this name."),
    "unknown_unit": _l(
        "The unit “%(unit)s” is not on record. Check its spelling, or tick “Create the units "
        "that are not on record yet”."
    ),
    "unit_own_parent": _l("The unit “%(unit)s” cannot be its own parent unit."),
    "unit_parent_differs": _l("An earlier row puts the new unit “%(unit)s” under “%(parent)s”."),
    "unknown_group": _l(
        "The group “%(group)s” is not on record. Check its spelling, or set the group up "
        "first on the groups page."
    ),
    "parent_without_unit": _l("A parent unit is given without a unit: it is left alone."),
    "parent_ignored": _l(
        "The unit “%(unit)s” is under “%(parent)s” on record; the parent unit of this row is "
        "left alone."
    ),
}

#: Column and field names, as the preview shows them.
FIELD_LABELS = {
    "member_number": _l("Member number"),
    "name": _l("Full name"),
    "phone": _l("Phone"),
    "unit": _l("Unit"),
    "parent_unit": _l("Parent unit"),
    "groups": _l("Interest groups"),
    "group": _l("Interest group"),
}

ACTION_LABELS = {
    "create": _l("New member"),
    "update": _l("Changed"),
    "unchanged": _l("Unchanged"),
    "refused": _l("Refused"),
}


def _fill(sentence: object, params: Mapping[str, object]) -> str:
    text = str(sentence)
    try:
        return text % {key: str(value) for key, value in params.items()}
    except (KeyError, ValueError, TypeError):  # a code's values do not fit: say it plainly
        return text


def file_refusal(code: str, params: Mapping[str, object]) -> str:
    """The sentence for a refused file."""
    return _fill(FILE_SENTENCES.get(code, code), params)


def row_problem(problem: Problem) -> str:
    """The sentence for a row's refusal or note."""
    column = field_label(problem.column) if problem.column else ""
    return _fill(
        ROW_SENTENCES.get(problem.code, problem.code), {"column": column, **problem.params}
    )


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def change_text(change: Change) -> str:
    """One change in words: "Phone: 13800138000 → 13900139000", "Interest group: + 合唱团"."""
    label = field_label(change.field)
    if change.field == "group":
        return f"{label}: + {change.after}"
    if change.before is None:
        return f"{label}: {change.after}"
    return f"{label}: {change.before} → {change.after}"
