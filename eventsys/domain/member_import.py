"""Plan an import of the member list the bureau keeps in Excel: members, units, group places.

Plain values in, plain values out: the rows of one sheet (cells as a spreadsheet reader gives
them) and a value snapshot of the members, units and groups on record; out comes a plan that
says, row by row, whether the row creates a member, updates one (which fields, before and
after), changes nothing, or is refused (a code and its values; the sentences are elsewhere).
Nothing here knows about files, requests or tables.

The rules, in the order they are applied:

- The header row is the first of the sheet's first rows that names a known column
  (HEADERS: Chinese or English), with 姓名 among them; rows above it (a title) are skipped.
  A blank header cell between named ones, a merged header cell or a column named twice
  refuses the whole file. Unknown columns (序号, 备注...) are listed and left alone.
- Cells are read as people type them: full-width digits and spaces are folded; a phone or a
  member number stored as a number (13800138000, 1.38001380e10, 1001.0) is read as its digits;
  a text with all its digits written in scientific notation (1.38001380E+10) is read too, but one
  that a spreadsheet shortened (1.38001E+10: four digits or more made up by the exponent) is
  refused; 138-0013-8000 and 138 0013 8000 are one number. A formula (=...) is refused: the
  import never runs or trusts what a formula would show. A cell merged over several rows is
  refused (unmerge and fill every row), as it would otherwise read as blank.
- Blank lines are skipped. A row needs a name and a phone or a member number (so that it can be
  found again the next time the file is imported).
- A row is matched to a member by member number, else by phone (the same normalisation as
  sign-in). A blank cell never clears anything: it leaves the record's value as it is. Group
  places are only ever added, never taken away.
- Within the file, a member number or a phone given in an earlier row refuses the later row,
  and so does a row that finds the same member as an earlier one by the other key.
- A new member whose name is on record with another phone is refused as a possible duplicate
  of that person, unless the caller allows it; then the row is flagged instead.
- A unit not on record is refused, unless the caller allows units to be created: then it is
  created once, under its 上级单位 (on record or created by the file). A group not on record is
  refused (groups are set up on their own page).
- Importing the same file again plans "unchanged" for every row it created or updated.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Literal

from eventsys.domain.text import looks_like_phone, normalise, normalise_number, normalise_phone

# ---- the sheet --------------------------------------------------------------------------------

#: column key -> the header texts that name it (compared after normalise_header).
HEADERS: dict[str, tuple[str, ...]] = {
    "member_number": (
        "会员编号",
        "会员号",
        "会员证号",
        "编号",
        "member number",
        "member no",
        "member no.",
        "number",
    ),
    "name": ("姓名", "名字", "会员姓名", "name", "full name"),
    "phone": (
        "手机号",
        "手机",
        "手机号码",
        "电话",
        "联系电话",
        "电话号码",
        "phone",
        "phone number",
        "mobile",
        "telephone",
    ),
    "unit": ("单位", "所在单位", "工作单位", "原单位", "unit", "organisation", "organization"),
    "parent_unit": (
        "上级单位",
        "所属单位",
        "parent unit",
        "parent organisation",
        "parent organization",
    ),
    "groups": ("兴趣小组", "小组", "社团", "兴趣小组/社团", "interest groups", "groups", "group"),
}
#: The template's header row, in its order.
TEMPLATE_HEADERS = ("会员编号", "姓名", "手机号", "单位", "上级单位", "兴趣小组")
TEMPLATE_EXAMPLE = (
    "1001",
    "张和顺",
    "13800138000",
    "第一党支部",
    "离退休干部局",
    "晓月诗社、合唱团",
)
#: How many rows above the header (a title, a date line) are looked through.
HEADER_SEARCH_ROWS = 10
#: Separators between the groups of one cell: 晓月诗社、合唱团 or 晓月诗社,合唱团.
GROUP_SEPARATORS = re.compile(r"[、,，;；/／|\n]+")
# The longest values the records hold.
MAX_NAME = 80
MAX_NUMBER = 32
MAX_UNIT = 120
# A scientific-notation text with this many digits or more made up by its exponent was shortened
# by a spreadsheet (Excel shows 13800138000 as 1.38001E+10 in a narrow column).
MADE_UP_DIGITS = 4


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula: its text (=A1&B1). Never evaluated."""

    text: str


@dataclass(frozen=True)
class Merged:
    """A merged range of cells, 1-based and inclusive, as in the sheet (A2:A4 is 2, 1, 4, 1)."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int

    def __str__(self) -> str:
        first = f"{column_letter(self.min_col)}{self.min_row}"
        return f"{first}:{column_letter(self.max_col)}{self.max_row}"


@dataclass(frozen=True)
class Sheet:
    """The rows of one sheet (row 1 first), each a sequence of cell values, and its merges."""

    rows: Sequence[Sequence[object]]
    merged: tuple[Merged, ...] = ()


class FileRefused(Exception):
    """The whole file cannot be imported: a code and its values (sentences are elsewhere)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


def column_letter(index: int) -> str:
    """Name a 1-based column as a spreadsheet does: 1 -> A, 27 -> AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def normalise_header(text: object) -> str:
    """Compare headers loosely: folded, lower case, without blanks, stars and a (必填) note."""
    value = normalise(str(text)).lower()
    value = re.sub(r"[\s*＊:：]", "", value)
    return re.sub(r"[(（][^)）]*[)）]$", "", value)


_HEADER_KEYS = {normalise_header(text): key for key, texts in HEADERS.items() for text in texts}


@dataclass(frozen=True)
class Columns:
    """Where each known column is (0-based), the header's row number and the unknown columns."""

    header_row: int
    positions: Mapping[str, int]
    ignored: tuple[str, ...]


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not normalise(value))


def find_columns(sheet: Sheet) -> Columns:
    """Find the header row and its columns, or refuse the file (FileRefused)."""
    first_filled: Sequence[object] | None = None
    for number, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS], start=1):
        if all(_is_blank(value) for value in row):
            continue
        if first_filled is None:
            first_filled = row
        keys = [_HEADER_KEYS.get(normalise_header(v)) if isinstance(v, str) else None for v in row]
        if "name" not in keys or sum(k is not None for k in keys) < 2:
            continue
        return _columns(sheet, number, row, keys)
    found = [normalise(str(v)) for v in first_filled or () if not _is_blank(v)]
    raise FileRefused(
        "header_not_found", expected="、".join(TEMPLATE_HEADERS), found="、".join(found[:12])
    )


def _columns(sheet: Sheet, number: int, row: Sequence[object], keys: list[str | None]) -> Columns:
    for merge in sheet.merged:
        if merge.min_row <= number <= merge.max_row and merge.max_col > merge.min_col:
            raise FileRefused("header_merged", cells=str(merge))
    last = max(i for i, value in enumerate(row) if not _is_blank(value))
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, (value, key) in enumerate(zip(row, keys, strict=True)):
        if index > last:
            break
        if _is_blank(value):
            raise FileRefused("header_blank", column=column_letter(index + 1))
        if key is None:
            ignored.append(normalise(str(value)))
        elif key in positions:
            raise FileRefused("header_twice", header=normalise(str(value)))
        else:
            positions[key] = index
    if "phone" not in positions and "member_number" not in positions:
        raise FileRefused("header_no_key")
    return Columns(number, positions, tuple(ignored))


# ---- cells ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """What is wrong with a row (a refusal) or worth a look (a note): a code, a column, values."""

    code: str
    column: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)


class _CellRefused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def _text(value: object, column: str) -> str:
    """A cell as text: folded and trimmed; a whole number stored as a number loses its .0."""
    if value is None:
        return ""
    if isinstance(value, Formula):
        raise _CellRefused(Problem("formula", column, {"formula": value.text[:60]}))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        number = Decimal(str(value)) if isinstance(value, float) else value
        if number.is_finite() and number == number.to_integral_value():
            return str(int(number))
        return normalise(str(value))
    text = normalise(str(value))
    if text.startswith("="):
        raise _CellRefused(Problem("formula", column, {"formula": text[:60]}))
    # Our own downloads quote a text that a spreadsheet would run ('+86...): take it back.
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]
    return text


_SCIENTIFIC = re.compile(r"^([+-]?)(\d+)(?:\.(\d*))?[eE]([+-]?\d+)$")
_DECIMAL = re.compile(r"^(\d+)\.0+$")


def read_phone(value: object) -> str | None:
    """A phone cell as stored digits (sign-in's normalisation), None if blank; or refuse it."""
    if isinstance(value, float):
        if not value.is_integer():
            raise _CellRefused(Problem("phone_bad", "phone", {"phone": repr(value)}))
        value = int(value)
    text = normalise_number(_text(value, "phone"))
    if not text:
        return None
    scientific = _SCIENTIFIC.match(text)
    if scientific:
        sign, whole, fraction, _exponent = scientific.groups()
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
            number = Decimal(-1)
        written = len((whole + (fraction or "")).lstrip("0"))
        if sign == "-" or number != number.to_integral_value() or number < 0:
            raise _CellRefused(Problem("phone_bad", "phone", {"phone": text}))
        digits = str(int(number))
        if len(digits) - written >= MADE_UP_DIGITS:
            raise _CellRefused(Problem("phone_rounded", "phone", {"phone": text}))
        text = digits
    elif _DECIMAL.match(text):
        text = text.split(".", 1)[0]
    phone = normalise_phone(text)
    if not looks_like_phone(phone) or re.search(r"[^\d+\s()\-.]", text):
        raise _CellRefused(Problem("phone_bad", "phone", {"phone": text}))
    return phone


def read_number(value: object) -> str | None:
    """A member number as stored text (1001.0 -> 1001, full-width folded), None if blank."""
    text = normalise_number(_text(value, "member_number"))
    if _DECIMAL.match(text):
        text = text.split(".", 1)[0]
    if not text:
        return None
    if len(text) > MAX_NUMBER:
        raise _CellRefused(Problem("too_long", "member_number", {"max": str(MAX_NUMBER)}))
    return text


def read_groups(value: object) -> tuple[str, ...]:
    """The group names of one cell, in order, each once."""
    names: list[str] = []
    for part in GROUP_SEPARATORS.split(_text(value, "groups")):
        name = normalise(part)
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _read_name(value: object, column: str, longest: int) -> str | None:
    text = _text(value, column)
    if not text:
        return None
    if len(text) > longest:
        raise _CellRefused(Problem("too_long", column, {"max": str(longest)}))
    return text


# ---- what is on record ------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    login: str
    phone: str | None = None
    member_number: str | None = None
    unit_id: int | None = None


@dataclass(frozen=True)
class Unit:
    id: int
    name: str
    parent_id: int | None = None


@dataclass(frozen=True)
class GroupRecord:
    id: int
    name: str


@dataclass(frozen=True)
class Snapshot:
    """The values on record that a plan is decided against."""

    members: Sequence[Member] = ()
    units: Sequence[Unit] = ()
    groups: Sequence[GroupRecord] = ()
    #: (member id, group id) for every group place.
    memberships: frozenset[tuple[int, int]] = frozenset()
    #: Login names in use (any case), by members and by anyone else.
    logins: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Options:
    create_units: bool = False
    allow_same_name: bool = False


# ---- the plan ---------------------------------------------------------------------------------

Action = Literal["create", "update", "unchanged", "refused"]


@dataclass(frozen=True)
class Change:
    """One field a row changes: its name, the value on record and the value after import."""

    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Values:
    """A row's values, read and normalised (None where the cell was blank)."""

    name: str | None = None
    phone: str | None = None
    member_number: str | None = None
    unit: str | None = None
    parent_unit: str | None = None
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowPlan:
    row: int
    action: Action
    values: Values
    member_id: int | None = None
    login: str | None = None
    #: The row's unit when it is on record (a new unit is known by values.unit).
    unit_id: int | None = None
    changes: tuple[Change, ...] = ()
    #: Group ids to add the member to.
    add_groups: tuple[int, ...] = ()
    problems: tuple[Problem, ...] = ()
    notes: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class NewUnit:
    """A unit the import creates: its name and its parent (on record by id, or new by name)."""

    name: str
    parent_id: int | None = None
    parent_name: str | None = None
    #: The parent's name, whether on record or new (for the preview).
    parent: str | None = None


@dataclass(frozen=True)
class Plan:
    rows: tuple[RowPlan, ...]
    #: Parents before their units.
    new_units: tuple[NewUnit, ...]
    ignored_columns: tuple[str, ...]
    header_row: int

    def count(self, action: Action) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        counts = {a: self.count(a) for a in ("create", "update", "unchanged", "refused")}
        counts["units"] = len(self.new_units)
        counts["group_places"] = sum(len(row.add_groups) for row in self.rows)
        return counts

    @property
    def fingerprint(self) -> str:
        """A digest of everything the plan would write: equal plans, equal fingerprints."""
        body = json.dumps(
            [
                [(u.name, u.parent_id, u.parent_name) for u in self.new_units],
                [
                    (
                        r.row,
                        r.action,
                        r.member_id,
                        r.login,
                        [(c.field, c.before, c.after) for c in r.changes],
                        list(r.add_groups),
                        [(p.code, p.column, sorted(p.params.items())) for p in r.problems],
                    )
                    for r in self.rows
                ],
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(body.encode()).hexdigest()


def _row_values(
    row: Sequence[object], columns: Columns, number: int, merged: Sequence[Merged]
) -> tuple[Values, list[Problem]]:
    """Read a row's cells; every cell that cannot be read is a problem, the others are read."""
    problems: list[Problem] = []
    for merge in merged:
        if merge.min_row <= number <= merge.max_row and merge.max_row > merge.min_row:
            for key, index in columns.positions.items():  # the merges that reach a column read
                if merge.min_col <= index + 1 <= merge.max_col:
                    problems.append(Problem("merged", key, {"cells": str(merge)}))

    def cell(key: str) -> object:
        index = columns.positions.get(key)
        return row[index] if index is not None and index < len(row) else None

    def read(key: str, reader: Callable[[object], object]) -> object:
        try:
            return reader(cell(key))
        except _CellRefused as refused:
            problems.append(refused.problem)
            return None

    values = Values(
        name=read("name", lambda v: _read_name(v, "name", MAX_NAME)),  # type: ignore[arg-type]
        phone=read("phone", read_phone),  # type: ignore[arg-type]
        member_number=read("member_number", read_number),  # type: ignore[arg-type]
        unit=read("unit", lambda v: _read_name(v, "unit", MAX_UNIT)),  # type: ignore[arg-type]
        parent_unit=read(  # type: ignore[arg-type]
            "parent_unit", lambda v: _read_name(v, "parent_unit", MAX_UNIT)
        ),
        groups=read("groups", read_groups) or (),  # type: ignore[arg-type]
    )
    return values, problems


def _name_key(name: str) -> str:
    return normalise(name).replace(" ", "")


class _Planner:
    def __init__(self, snapshot: Snapshot, options: Options) -> None:
        self.options = options
        self.by_number = {m.member_number: m for m in snapshot.members if m.member_number}
        self.by_phone = {m.phone: m for m in snapshot.members if m.phone}
        self.by_name: dict[str, list[Member]] = {}
        for member in snapshot.members:
            self.by_name.setdefault(_name_key(member.name), []).append(member)
        self.units = {u.name: u for u in snapshot.units}
        self.unit_names = {u.id: u.name for u in snapshot.units}
        self.groups = {g.name: g for g in snapshot.groups}
        self.memberships = snapshot.memberships
        self.logins = {login.lower() for login in snapshot.logins}
        self.logins.update(m.login.lower() for m in snapshot.members)
        # Within the file: first row of each number and phone, the units it creates.
        self.seen_numbers: dict[str, int] = {}
        self.seen_phones: dict[str, int] = {}
        self.new_units: dict[str, NewUnit] = {}
        self.new_names: dict[str, int] = {}
        self.seen_members: dict[int, int] = {}

    def plan_row(self, number: int, values: Values) -> RowPlan:
        problems: list[Problem] = []
        notes: list[Problem] = []
        if values.name is None:
            problems.append(Problem("name_missing", "name"))
        if values.phone is None and values.member_number is None:
            problems.append(Problem("no_key", "phone"))
        if values.member_number and values.member_number in self.seen_numbers:
            first = self.seen_numbers[values.member_number]
            problems.append(Problem("duplicate_number", "member_number", {"row": str(first)}))
        if values.phone and values.phone in self.seen_phones:
            first = self.seen_phones[values.phone]
            problems.append(Problem("duplicate_phone", "phone", {"row": str(first)}))
        if values.member_number:
            self.seen_numbers.setdefault(values.member_number, number)
        if values.phone:
            self.seen_phones.setdefault(values.phone, number)
        member = self._match(values, problems)
        if member is not None:
            first = self.seen_members.setdefault(member.id, number)
            if first != number:
                problems.append(Problem("same_member", "name", {"row": str(first)}))
        if not problems and values.name is not None and member is None:
            self._same_name(values, problems, notes)
        unit_id, unit_name = self._unit(values, problems, notes)
        group_ids = self._groups(values, problems)
        if problems:
            return RowPlan(number, "refused", values, problems=tuple(problems))
        if unit_name is not None:
            self._create_unit(values)
        if member is None:
            return self._create(number, values, unit_id, unit_name, group_ids, notes)
        return self._update(number, values, member, unit_id, unit_name, group_ids, notes)

    def _match(self, values: Values, problems: list[Problem]) -> Member | None:
        by_number = self.by_number.get(values.member_number) if values.member_number else None
        by_phone = self.by_phone.get(values.phone) if values.phone else None
        if by_number is not None:
            if by_phone is not None and by_phone.id != by_number.id:
                problems.append(Problem("phone_taken", "phone", {"name": by_phone.name}))
            return by_number
        if by_phone is not None and values.member_number and by_phone.member_number:
            problems.append(
                Problem(
                    "number_differs",
                    "member_number",
                    {"name": by_phone.name, "number": by_phone.member_number},
                )
            )
        return by_phone

    def _same_name(self, values: Values, problems: list[Problem], notes: list[Problem]) -> None:
        assert values.name is not None
        key = _name_key(values.name)
        namesakes = self.by_name.get(key, [])
        if not namesakes:
            if key in self.new_names:
                notes.append(
                    Problem("same_name_in_file", "name", {"row": str(self.new_names[key])})
                )
            return
        other = namesakes[0]
        params = {"name": other.name, "phone": mask_phone(other.phone), "login": other.login}
        if self.options.allow_same_name:
            notes.append(Problem("same_name", "name", params))
        else:
            problems.append(Problem("same_name", "name", params))

    def _unit(
        self, values: Values, problems: list[Problem], notes: list[Problem]
    ) -> tuple[int | None, str | None]:
        """The row's unit: (id on record, None), (None, name to create) or (None, None)."""
        if values.unit is None:
            if values.parent_unit is not None:
                notes.append(Problem("parent_without_unit", "parent_unit"))
            return None, None
        known = self.units.get(values.unit)
        if known is not None:
            parent = values.parent_unit
            if parent is not None and self.unit_names.get(known.parent_id or 0) != parent:
                notes.append(
                    Problem(
                        "parent_ignored",
                        "parent_unit",
                        {
                            "unit": known.name,
                            "parent": self.unit_names.get(known.parent_id or 0, "—"),
                        },
                    )
                )
            return known.id, None
        if not self.options.create_units:
            problems.append(Problem("unknown_unit", "unit", {"unit": values.unit}))
            return None, None
        planned = self.new_units.get(values.unit)
        parent = values.parent_unit
        if parent == values.unit:
            problems.append(Problem("unit_own_parent", "parent_unit", {"unit": values.unit}))
        elif planned is not None and parent is not None and planned.parent != parent:
            problems.append(
                Problem(
                    "unit_parent_differs",
                    "parent_unit",
                    {"unit": values.unit, "parent": planned.parent or "—"},
                )
            )
        return None, values.unit

    def _create_unit(self, values: Values) -> None:
        """Plan the row's new unit, and its parent too when that is new (at the top)."""
        assert values.unit is not None
        if values.unit in self.new_units:
            return
        parent = values.parent_unit
        if parent is not None and parent not in self.units and parent not in self.new_units:
            self.new_units[parent] = NewUnit(parent)
        known = self.units.get(parent) if parent is not None else None
        self.new_units[values.unit] = NewUnit(
            values.unit,
            parent_id=known.id if known is not None else None,
            parent_name=parent if known is None else None,
            parent=parent,
        )

    def _groups(self, values: Values, problems: list[Problem]) -> list[int]:
        ids: list[int] = []
        for name in values.groups:
            group = self.groups.get(name)
            if group is None:
                problems.append(Problem("unknown_group", "groups", {"group": name}))
            else:
                ids.append(group.id)
        return ids

    def _free_login(self, values: Values) -> str:
        base = values.phone or f"hy{values.member_number}"
        base = base[:60]
        login, n = base, 1
        while login.lower() in self.logins:
            n += 1
            login = f"{base}-{n}"
        self.logins.add(login.lower())
        return login

    def _create(
        self,
        number: int,
        values: Values,
        unit_id: int | None,
        unit_name: str | None,
        group_ids: list[int],
        notes: list[Problem],
    ) -> RowPlan:
        unit = unit_name or (self.unit_names.get(unit_id) if unit_id is not None else None)
        changes = [
            Change(name, None, value)
            for name, value in (
                ("member_number", values.member_number),
                ("name", values.name),
                ("phone", values.phone),
                ("unit", unit),
            )
            if value is not None
        ]
        changes += [Change("group", None, name) for name in values.groups]
        assert values.name is not None
        self.new_names.setdefault(_name_key(values.name), number)
        return RowPlan(
            number,
            "create",
            values,
            login=self._free_login(values),
            unit_id=unit_id,
            changes=tuple(changes),
            add_groups=tuple(group_ids),
            notes=tuple(notes),
        )

    def _update(
        self,
        number: int,
        values: Values,
        member: Member,
        unit_id: int | None,
        unit_name: str | None,
        group_ids: list[int],
        notes: list[Problem],
    ) -> RowPlan:
        changes: list[Change] = []
        for name, before, after in (
            ("member_number", member.member_number, values.member_number),
            ("name", member.name, values.name),
            ("phone", member.phone, values.phone),
        ):
            if after is not None and after != before:
                changes.append(Change(name, before, after))
        if unit_name is not None or (unit_id is not None and unit_id != member.unit_id):
            before_unit = self.unit_names.get(member.unit_id) if member.unit_id else None
            changes.append(Change("unit", before_unit, unit_name or self.unit_names[unit_id or 0]))
        added = []
        for group_id, name in zip(group_ids, values.groups, strict=True):
            if (member.id, group_id) not in self.memberships and group_id not in added:
                added.append(group_id)
                changes.append(Change("group", None, name))
        return RowPlan(
            number,
            "update" if changes else "unchanged",
            values,
            member_id=member.id,
            unit_id=unit_id,
            changes=tuple(changes),
            add_groups=tuple(added),
            notes=tuple(notes),
        )


def mask_phone(phone: str | None) -> str:
    """Show enough of a phone for staff to recognise it on screen: 138****8000."""
    if not phone:
        return "—"
    if len(phone) < 8:
        return phone[:2] + "*" * (len(phone) - 2)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def _order_units(units: Iterable[NewUnit]) -> tuple[NewUnit, ...]:
    """The units in the file's order, but each parent before its units."""
    pending = list(units)
    ordered: list[NewUnit] = []
    placed: set[str] = set()
    while pending:
        ready = next((u for u in pending if u.parent_name is None or u.parent_name in placed), None)
        if ready is None:  # pragma: no cover - a unit's parent is planned before it
            raise AssertionError("unit loop")
        ordered.append(ready)
        placed.add(ready.name)
        pending.remove(ready)
    return tuple(ordered)


def plan_import(sheet: Sheet, snapshot: Snapshot, options: Options | None = None) -> Plan:
    """Decide, row by row, what importing *sheet* would do to the records in *snapshot*."""
    columns = find_columns(sheet)
    planner = _Planner(snapshot, options or Options())
    rows: list[RowPlan] = []
    for number, row in enumerate(sheet.rows, start=1):
        if number <= columns.header_row or all(_is_blank(value) for value in row):
            continue
        values, problems = _row_values(row, columns, number, sheet.merged)
        if problems:
            rows.append(RowPlan(number, "refused", values, problems=tuple(problems)))
        else:
            rows.append(planner.plan_row(number, values))
    if not rows:
        raise FileRefused("no_rows")
    return Plan(
        tuple(rows),
        _order_units(planner.new_units.values()),
        columns.ignored,
        columns.header_row,
    )
