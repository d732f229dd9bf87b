"""Worked examples of the member import's rules: the sheets the desk really gets."""

from __future__ import annotations

from dataclasses import replace

import pytest

from eventsys.domain.member_import import (
    Change,
    FileRefused,
    Formula,
    GroupRecord,
    Member,
    Merged,
    Options,
    Plan,
    Sheet,
    Snapshot,
    Unit,
    column_letter,
    find_columns,
    mask_phone,
    plan_import,
    read_groups,
    read_number,
    read_phone,
)

HEADER = ["会员编号", "姓名", "手机号", "单位", "上级单位", "兴趣小组"]
UNITS = (Unit(1, "离退休干部局"), Unit(2, "第一党支部", parent_id=1), Unit(3, "第二党支部", 1))
GROUPS = (GroupRecord(10, "晓月诗社"), GroupRecord(11, "合唱团"), GroupRecord(12, "门球队"))
ZHANG = Member(100, "张和顺", "zhanghs", phone="13800138000", member_number="1001", unit_id=2)
RECORDS = Snapshot(
    members=(ZHANG, Member(101, "李秀英", "13900139000", phone="13900139000")),
    units=UNITS,
    groups=GROUPS,
    memberships=frozenset({(100, 10)}),
)


def plan(*rows: list[object], snapshot: Snapshot = RECORDS, **options: bool) -> Plan:
    return plan_import(Sheet([HEADER, *rows]), snapshot, Options(**options))


def only(result: Plan) -> object:
    assert len(result.rows) == 1
    return result.rows[0]


def codes(result: Plan) -> list[list[str]]:
    return [[p.code for p in row.problems] for row in result.rows]


# ---- the header -------------------------------------------------------------------------------


def test_chinese_headers_find_their_columns_in_any_order() -> None:
    columns = find_columns(Sheet([["姓名", "单位", "手机号", "会员编号", "兴趣小组"]]))
    assert columns.header_row == 1
    assert dict(columns.positions) == {
        "name": 0,
        "unit": 1,
        "phone": 2,
        "member_number": 3,
        "groups": 4,
    }


def test_english_headers_and_notes_in_headers_are_accepted() -> None:
    columns = find_columns(Sheet([["Member number", "Full Name", "Phone*", "Unit"]]))
    assert set(columns.positions) == {"member_number", "name", "phone", "unit"}
    columns = find_columns(Sheet([["姓名（必填）", "＊手机号码", "所在单位："]]))
    assert set(columns.positions) == {"name", "phone", "unit"}


def test_a_title_above_the_header_is_skipped_and_unknown_columns_are_listed() -> None:
    sheet = Sheet(
        [
            ["丰台区老干部活动中心会员名单（2026年12月）", None, None],
            [None, None, None],
            ["序号", "姓名", "手机号", "备注"],
            [1, "王建国", "13700137000", "新会员"],
        ]
    )
    result = plan_import(sheet, Snapshot(), Options())
    assert result.header_row == 3
    assert result.ignored_columns == ("序号", "备注")
    assert [(r.row, r.action, r.values.name) for r in result.rows] == [(4, "create", "王建国")]


def test_a_wrong_header_refuses_the_file_and_says_what_was_found() -> None:
    with pytest.raises(FileRefused) as refused:
        find_columns(Sheet([["Name of member", "Mobile no", "Dept"], ["王", "138", "x"]]))
    assert refused.value.code == "header_not_found"
    assert refused.value.params["found"] == "Name of member、Mobile no、Dept"
    assert "会员编号" in str(refused.value.params["expected"])


def test_a_blank_header_between_named_ones_refuses_the_file() -> None:
    with pytest.raises(FileRefused) as refused:
        find_columns(Sheet([["姓名", None, "手机号"]]))
    assert (refused.value.code, refused.value.params) == ("header_blank", {"column": "B"})


def test_blank_cells_after_the_last_header_are_no_columns() -> None:
    assert find_columns(Sheet([["姓名", "手机号", None, "  "]])).positions == {
        "name": 0,
        "phone": 1,
    }


def test_a_merged_header_cell_refuses_the_file() -> None:
    sheet = Sheet([["姓名", "手机号", None], ["王", "138", "010"]], merged=(Merged(1, 2, 1, 3),))
    with pytest.raises(FileRefused) as refused:
        find_columns(sheet)
    assert (refused.value.code, refused.value.params) == ("header_merged", {"cells": "B1:C1"})


def test_a_column_named_twice_refuses_the_file() -> None:
    with pytest.raises(FileRefused) as refused:
        find_columns(Sheet([["姓名", "手机", "手机号"]]))
    assert refused.value.code == "header_twice"


def test_a_header_without_phone_or_member_number_refuses_the_file() -> None:
    with pytest.raises(FileRefused) as refused:
        find_columns(Sheet([["姓名", "单位"]]))
    assert refused.value.code == "header_no_key"


def test_a_header_with_nothing_below_it_refuses_the_file() -> None:
    with pytest.raises(FileRefused) as refused:
        plan_import(Sheet([HEADER, [None] * 6, ["", " ", "　"]]), RECORDS, Options())
    assert refused.value.code == "no_rows"


def test_column_letters_go_past_z() -> None:
    assert [column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]


# ---- cells ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "phone"),
    [
        (13800138000, "13800138000"),  # a number cell
        (13800138000.0, "13800138000"),  # a float cell (openpyxl reads 1.38001380e10 so)
        (1.38001380e10, "13800138000"),
        ("1.38001380E+10", "13800138000"),  # scientific text with every digit written
        ("1.3800138e10", "13800138000"),
        ("13800138000.0", "13800138000"),
        ("１３８００１３８０００", "13800138000"),  # full-width digits
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        (" 138　0013　8000 ", "13800138000"),  # ideographic spaces
        ("(010) 6381-2345", "01063812345"),
        ("+86 138 0013 8000", "+8613800138000"),  # as sign-in keeps it
        ("'+8613800138000", "+8613800138000"),  # our own CSV export quotes a leading +
        (None, None),
        ("   ", None),
    ],
)
def test_phones_are_read_however_they_were_stored(cell: object, phone: str | None) -> None:
    assert read_phone(cell) == phone


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("1.38001E+10", "phone_rounded"),  # Excel's narrow-column display: five digits lost
        ("1.38E+10", "phone_rounded"),
        ("13800.5", "phone_bad"),
        (1.5, "phone_bad"),
        ("138001", "phone_bad"),  # six digits
        ("13800138000 (家)", "phone_bad"),
        ("13800138000/13900139000", "phone_bad"),
        ("手机13800138000", "phone_bad"),
        ("-1.38E+10", "phone_bad"),
        (Formula("=A2&B2"), "formula"),
        ('=HYPERLINK("http://x")', "formula"),
    ],
)
def test_phones_that_cannot_be_trusted_are_refused(cell: object, code: str) -> None:
    result = plan(["1002", "王建国", cell])
    assert codes(result) == [[code]]
    assert result.rows[0].problems[0].column == "phone"


def test_member_numbers_stored_as_numbers_lose_their_point() -> None:
    assert [read_number(v) for v in (1001, 1001.0, "1001.0", "１００１", " A-17 ", None)] == [
        "1001",
        "1001",
        "1001",
        "1001",
        "A-17",
        None,
    ]


def test_groups_are_separated_by_the_chinese_comma_or_a_comma_and_kept_once() -> None:
    assert read_groups("晓月诗社、合唱团") == ("晓月诗社", "合唱团")
    assert read_groups("晓月诗社, 合唱团，门球队；晓月诗社") == ("晓月诗社", "合唱团", "门球队")
    assert read_groups(None) == ()


def test_a_formula_anywhere_in_a_row_refuses_the_row_and_every_bad_cell_is_named() -> None:
    result = plan(["1002", Formula("=CONCAT(A1,B1)"), "1.38E+10", "第一党支部"])
    (row,) = result.rows
    assert row.action == "refused"
    assert [(p.code, p.column) for p in row.problems] == [
        ("formula", "name"),
        ("phone_rounded", "phone"),
    ]
    assert row.problems[0].params == {"formula": "=CONCAT(A1,B1)"}


def test_blank_lines_are_skipped_and_rows_keep_their_sheet_numbers() -> None:
    result = plan(
        [None] * 6,
        ["1002", "王建国", "13700137000"],
        ["", "  ", None, "", "", ""],
        ["1003", "赵桂兰", "13600136000"],
    )
    assert [(r.row, r.action) for r in result.rows] == [(3, "create"), (5, "create")]


def test_a_cell_merged_over_several_rows_refuses_those_rows() -> None:
    sheet = Sheet(
        [
            HEADER,
            ["1002", "王建国", "13700137000", "第一党支部"],
            ["1003", "赵桂兰", "13600136000", None],
            ["1004", "孙立", "13500135000", "第二党支部"],
        ],
        merged=(Merged(2, 4, 3, 4),),
    )
    result = plan_import(sheet, RECORDS, Options())
    assert [(r.row, r.action) for r in result.rows] == [
        (2, "refused"),
        (3, "refused"),
        (4, "create"),
    ]
    assert result.rows[0].problems[0].params == {"cells": "D2:D3"}


def test_a_merge_in_a_column_that_is_not_read_is_harmless() -> None:
    sheet = Sheet(
        [["序号", "姓名", "手机号"], [1, "王建国", "13700137000"], [None, "赵桂兰", "13600136000"]],
        merged=(Merged(2, 1, 3, 1),),
    )
    assert [r.action for r in plan_import(sheet, Snapshot(), Options()).rows] == ["create"] * 2


# ---- the plan ---------------------------------------------------------------------------------


def test_a_new_member_is_created_with_the_phone_as_login_and_no_other_field() -> None:
    row = only(plan(["1002", "王建国", "13700137000", "第二党支部", None, "合唱团、门球队"]))
    assert row.action == "create"
    assert row.login == "13700137000"
    assert row.unit_id == 3
    assert row.add_groups == (11, 12)
    assert row.changes == (
        Change("member_number", None, "1002"),
        Change("name", None, "王建国"),
        Change("phone", None, "13700137000"),
        Change("unit", None, "第二党支部"),
        Change("group", None, "合唱团"),
        Change("group", None, "门球队"),
    )


def test_a_new_member_without_phone_signs_in_with_a_login_made_of_the_number() -> None:
    assert only(plan(["1002", "王建国", None])).login == "hy1002"


def test_a_login_taken_by_someone_else_gets_a_suffix() -> None:
    records = replace(RECORDS, logins=frozenset({"13700137000", "13700137000-2"}))
    assert only(plan(["1002", "王建国", "13700137000"], snapshot=records)).login == (
        "13700137000-3"
    )


def test_a_member_found_by_number_is_updated_field_by_field_before_and_after() -> None:
    row = only(plan(["1001", "张和顺", "13811138111", "第二党支部", None, "晓月诗社、合唱团"]))
    assert (row.action, row.member_id) == ("update", 100)
    assert row.changes == (
        Change("phone", "13800138000", "13811138111"),
        Change("unit", "第一党支部", "第二党支部"),
        Change("group", None, "合唱团"),  # 晓月诗社 he is in already
    )
    assert row.add_groups == (11,)


def test_a_member_found_by_phone_gets_the_member_number() -> None:
    row = only(plan(["2002", "李秀英", "139 0013 9000"]))
    assert (row.action, row.member_id) == ("update", 101)
    assert row.changes == (Change("member_number", None, "2002"),)


def test_a_row_as_on_record_is_unchanged() -> None:
    row = only(plan([1001, "张和顺", 13800138000, "第一党支部", None, "晓月诗社"]))
    assert (row.action, row.changes) == ("unchanged", ())


def test_a_blank_cell_never_clears_a_value_on_record() -> None:
    row = only(plan(["1001", "张和顺", None, None, None, None]))
    assert (row.action, row.changes) == ("unchanged", ())


def test_a_name_is_corrected_when_the_number_finds_the_member() -> None:
    row = only(plan(["1001", "张和舜", "13800138000"]))
    assert row.changes == (Change("name", "张和顺", "张和舜"),)


def test_a_name_and_a_phone_are_needed() -> None:
    result = plan(
        ["1002", None, "13700137000"],
        [None, "王建国", None],
        [None, None, None, None, None, "合唱团"],
    )
    assert codes(result) == [["name_missing"], ["no_key"], ["name_missing", "no_key"]]


def test_a_phone_of_another_member_is_refused() -> None:
    result = plan(["1001", "张和顺", "13900139000"])
    assert codes(result) == [["phone_taken"]]
    assert result.rows[0].problems[0].params == {"name": "李秀英"}


def test_a_phone_whose_member_has_another_number_is_refused() -> None:
    result = plan(["7777", "张和顺", "13800138000"])
    assert codes(result) == [["number_differs"]]
    assert result.rows[0].problems[0].params == {"name": "张和顺", "number": "1001"}


def test_duplicates_within_the_file_refuse_the_later_rows() -> None:
    result = plan(
        ["1002", "王建国", "13700137000"],
        ["1002", "王建军", "13700137111"],
        ["1003", "赵桂兰", "137-0013-7000"],
    )
    assert codes(result) == [[], ["duplicate_number"], ["duplicate_phone"]]
    assert result.rows[1].problems[0].params == {"row": "2"}
    assert result.rows[2].problems[0].params == {"row": "2"}


def test_two_rows_finding_one_member_by_number_and_by_phone_refuse_the_later() -> None:
    result = plan(["1001", "张和顺", None], ["", "张和顺", "13800138000"])
    assert codes(result) == [[], ["same_member"]]
    assert result.rows[1].problems[0].params == {"row": "2"}


def test_a_name_on_record_with_another_phone_is_refused_as_a_possible_duplicate() -> None:
    result = plan(["", "张和顺", "13011130111"])
    assert codes(result) == [["same_name"]]
    assert result.rows[0].problems[0].params == {
        "name": "张和顺",
        "phone": "138****8000",
        "login": "zhanghs",
    }


def test_a_name_on_record_is_only_flagged_when_the_desk_says_they_are_different() -> None:
    row = only(plan(["", "张和顺", "13011130111"], allow_same_name=True))
    assert row.action == "create"
    assert [n.code for n in row.notes] == ["same_name"]


def test_two_new_members_of_one_name_are_flagged() -> None:
    result = plan(["", "王芳", "13011130111"], ["", "王 芳", "13022230222"])
    assert [r.action for r in result.rows] == ["create", "create"]
    assert [[n.code for n in r.notes] for r in result.rows] == [[], ["same_name_in_file"]]


def test_an_unknown_unit_or_group_is_refused() -> None:
    result = plan(["1002", "王建国", "13700137000", "第九党支部", None, "合唱团、太极队"])
    assert codes(result) == [["unknown_unit", "unknown_group"]]
    assert [p.params for p in result.rows[0].problems] == [
        {"unit": "第九党支部"},
        {"group": "太极队"},
    ]


def test_units_are_created_once_under_their_parent_when_allowed() -> None:
    result = plan(
        ["1002", "王建国", "13700137000", "第三党支部", "机关党委"],
        ["1003", "赵桂兰", "13600136000", "第三党支部", None],
        ["1004", "孙立", "13500135000", "第四党支部", "离退休干部局"],
        create_units=True,
    )
    assert [r.action for r in result.rows] == ["create"] * 3
    assert [(u.name, u.parent_id, u.parent_name) for u in result.new_units] == [
        ("机关党委", None, None),
        ("第三党支部", None, "机关党委"),
        ("第四党支部", 1, None),
    ]
    assert result.counts["units"] == 3


def test_a_new_unit_put_under_two_parents_refuses_the_second_row() -> None:
    result = plan(
        ["1002", "王建国", "13700137000", "第三党支部", "离退休干部局"],
        ["1003", "赵桂兰", "13600136000", "第三党支部", "机关党委"],
        ["1004", "孙立", "13500135000", "第五党支部", "第五党支部"],
        create_units=True,
    )
    assert codes(result) == [[], ["unit_parent_differs"], ["unit_own_parent"]]
    assert [u.name for u in result.new_units] == ["第三党支部"]


def test_the_parent_of_a_unit_on_record_is_left_alone_with_a_note() -> None:
    row = only(plan(["1001", "张和顺", "13800138000", "第一党支部", "机关党委"]))
    assert row.action == "unchanged"
    assert [(n.code, n.params["parent"]) for n in row.notes] == [("parent_ignored", "离退休干部局")]


def test_a_refused_row_creates_no_unit() -> None:
    result = plan(["1002", "王建国", "123", "第三党支部"], create_units=True)
    assert result.new_units == ()


# ---- importing again --------------------------------------------------------------------------


def applied(snapshot: Snapshot, result: Plan) -> Snapshot:
    """The records after *result* is written (what services.member_import.apply does)."""
    units = list(snapshot.units)
    for new in result.new_units:
        parent = next((u.id for u in units if u.name == new.parent_name), new.parent_id)
        units.append(Unit(1000 + len(units), new.name, parent))
    unit_ids = {u.name: u.id for u in units}
    members = {m.id: m for m in snapshot.members}
    places = set(snapshot.memberships)
    for row in result.rows:
        values = row.values
        if row.action == "create":
            member = Member(
                5000 + row.row,
                values.name or "",
                row.login or "",
                values.phone,
                values.member_number,
                unit_ids.get(values.unit or ""),
            )
        elif row.action == "update":
            old = members[row.member_id or 0]
            member = Member(
                old.id,
                values.name or old.name,
                old.login,
                values.phone or old.phone,
                values.member_number or old.member_number,
                unit_ids.get(values.unit or "", old.unit_id),
            )
        else:
            continue
        members[member.id] = member
        places.update((member.id, g) for g in row.add_groups)
    return Snapshot(tuple(members.values()), tuple(units), snapshot.groups, frozenset(places))


def test_importing_the_same_file_twice_changes_nothing_the_second_time() -> None:
    sheet = Sheet(
        [
            ["会员名单"],
            ["序号", *HEADER],
            [1, 1001, "张和舜", 13811138111, "第二党支部", None, "合唱团"],
            [2, None, "李秀英", "139-0013-9000", "第一党支部", None, "晓月诗社"],
            [3, "1003", "王建国", "1.37001370E+10", "第三党支部", "机关党委", "门球队、合唱团"],
            [4, "1004", "赵桂兰", None, "第三党支部", None, None],
            [5, None, "孙立", "１３５ ００１３ ５０００", None, None, None],
            [6, "1006", "周平", "1.38E+10", None, None, None],
        ]
    )
    options = Options(create_units=True)
    first = plan_import(sheet, RECORDS, options)
    assert [r.action for r in first.rows] == [
        "update",
        "update",
        "create",
        "create",
        "create",
        "refused",
    ]
    second = plan_import(sheet, applied(RECORDS, first), options)
    assert [r.action for r in second.rows] == ["unchanged"] * 5 + ["refused"]
    assert second.new_units == () and second.counts["group_places"] == 0


def test_the_fingerprint_follows_what_the_plan_would_write() -> None:
    rows = (["1002", "王建国", "13700137000", "第二党支部"],)
    assert plan(*rows).fingerprint == plan(*rows).fingerprint
    moved = replace(RECORDS, units=(*UNITS[:2], Unit(3, "第二党支部（新）", 1)))
    assert plan(*rows).fingerprint != plan(*rows, snapshot=moved).fingerprint
    taken = replace(RECORDS, logins=frozenset({"13700137000"}))
    assert plan(*rows).fingerprint != plan(*rows, snapshot=taken).fingerprint


def test_phones_are_masked_for_the_screen() -> None:
    assert [mask_phone(p) for p in ("13800138000", "6381234", None)] == [
        "138****8000",
        "63*****",
        "—",
    ]
