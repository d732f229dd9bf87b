"""The member import against a real database (SQLite and PostgreSQL): files as Excel, WPS and
the bureau's own tools save them, one transaction, importing again, accounts without password."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from openpyxl import Workbook
from sqlalchemy import func, select

from eventsys.domain.member_import import Options
from eventsys.errors import Conflict, EventsysError, NotFound
from eventsys.extensions import db
from eventsys.models import AuditRecord, Group, GroupMember, Organisation, User
from eventsys.models.imports import ImportUpload
from eventsys.services import accounts, desk, member_import
from eventsys.timeutil import utcnow
from tests.conftest import PASSWORD
from tests.querycount import count_queries

HEADER = ["会员编号", "姓名", "手机号", "单位", "上级单位", "兴趣小组"]


def xlsx(rows: list[list[Any]], merged: tuple[str, ...] = ()) -> bytes:
    """A workbook as Excel saves it: numbers stay numbers, formulas stay formulas."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(rows: list[list[Any]]) -> str:
    return "".join(",".join("" if v is None else str(v) for v in row) + "\r\n" for row in rows)


@pytest.fixture
def organizer(ctx: Flask, make_user: Callable[..., int]) -> User:
    user = db.session.get(User, make_user(roles=("organizer",), login="desk"))
    db.session.add_all(
        [
            Organisation(name="离退休干部局"),
            Group(name="晓月诗社", kind="society"),
            Group(name="合唱团", kind="troupe"),
        ]
    )
    db.session.commit()
    return user


def run(body: bytes, organizer: User, filename: str = "名单.xlsx", **options: bool) -> Any:
    plan = member_import.plan(body, filename, Options(**options))
    counts = member_import.apply(plan, actor=organizer, filename=filename)
    db.session.commit()
    return plan, counts


def member(phone: str) -> User:
    return db.session.scalars(select(User).where(User.phone == phone)).one()


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


SHEET = [
    ["丰台区老干部活动中心会员名单"],
    ["序号", *HEADER],
    [1, 1001, "张和顺", 13800138000, "第一党支部", "离退休干部局", "晓月诗社、合唱团"],
    [2, 1002, "李秀英", 13900139000.0, "第一党支部", None, "合唱团"],
    [None, None, None, None, None, None, None],
    [3, "1003", "王建国", "１３７ ００１３ ７０００", "第二党支部", "离退休干部局", None],
]


def test_an_excel_list_creates_members_units_and_group_places_audited(organizer: User) -> None:
    _plan, counts = run(xlsx(SHEET), organizer, create_units=True)
    assert counts == {
        "create": 3,
        "update": 0,
        "unchanged": 0,
        "refused": 0,
        "units": 2,
        "group_places": 3,
    }
    zhang = member("13800138000")
    assert (zhang.name, zhang.login, zhang.member_number) == ("张和顺", "13800138000", "1001")
    assert zhang.name_pinyin.startswith("zhang he shun")
    assert zhang.organisation.name == "第一党支部"
    assert zhang.organisation.parent.name == "离退休干部局"
    assert member("13700137000").member_number == "1003"
    assert zhang.roles == ("participant",)
    groups = db.session.scalars(
        select(Group.name).join(GroupMember).where(GroupMember.user_id == zhang.id)
    ).all()
    assert sorted(groups) == ["合唱团", "晓月诗社"]
    (summary,) = db.session.scalars(
        select(AuditRecord).where(AuditRecord.action == "member.import")
    ).all()
    assert summary.actor_id == organizer.id
    assert summary.after == {"file": "名单.xlsx", **counts}
    created = db.session.scalars(
        select(AuditRecord).where(
            AuditRecord.action == "user.import", AuditRecord.object_id == zhang.id
        )
    ).one()
    assert created.after["phone"] == "13800138000"
    assert created.after["groups"] == ["晓月诗社", "合唱团"]


def test_importing_the_same_file_again_changes_nothing(organizer: User) -> None:
    body = xlsx(SHEET)
    run(body, organizer, create_units=True)
    before = (count(User), count(Organisation), count(GroupMember))
    again = member_import.plan(body, "名单.xlsx", Options(create_units=True))
    assert [row.action for row in again.rows] == ["unchanged"] * 3
    assert again.new_units == ()
    assert (count(User), count(Organisation), count(GroupMember)) == before


def test_a_corrected_list_updates_the_members_with_their_old_values_audited(
    organizer: User,
) -> None:
    run(xlsx(SHEET), organizer, create_units=True)
    zhang = member("13800138000")
    corrected = [
        HEADER,
        [1001, "张和舜", "13811138111", "第二党支部", None, "晓月诗社、合唱团"],
        [None, "李秀英", "139-0013-9000", None, None, "晓月诗社"],
    ]
    _plan, counts = run(xlsx(corrected), organizer)
    assert (counts["update"], counts["unchanged"], counts["group_places"]) == (2, 0, 1)
    db.session.refresh(zhang)
    assert (zhang.name, zhang.phone, zhang.organisation.name) == (
        "张和舜",
        "13811138111",
        "第二党支部",
    )
    assert zhang.name_pinyin.startswith("zhang he shun")
    record = db.session.scalars(
        select(AuditRecord)
        .where(AuditRecord.action == "user.import", AuditRecord.object_id == zhang.id)
        .order_by(AuditRecord.id.desc())
    ).first()
    assert record.before == {
        "name": "张和顺",
        "phone": "13800138000",
        "organisation_id": db.session.scalar(
            select(Organisation.id).where(Organisation.name == "第一党支部")
        ),
    }
    assert record.after["name"] == "张和舜" and record.after["phone"] == "13811138111"


def test_a_failure_in_the_middle_of_applying_leaves_nothing(organizer: User) -> None:
    """Units are written first; a member's phone taken meanwhile fails the members' insert:
    the whole import is refused and, rolled back, leaves no unit, member or audit record."""
    plan = member_import.plan(xlsx(SHEET), "名单.xlsx", Options(create_units=True))
    # Another desk registers 王建国's phone between the preview and the confirmation.
    accounts.create_user(
        accounts.NewUser(name="别人", login="other", password=PASSWORD, phone="13700137000"),
        actor=None,
    )
    db.session.commit()
    before = (count(User), count(Organisation), count(GroupMember), count(AuditRecord))
    with pytest.raises(Conflict):
        member_import.apply(plan, actor=organizer)
    db.session.rollback()
    assert (count(User), count(Organisation), count(GroupMember), count(AuditRecord)) == before


def test_a_gb18030_csv_as_excel_in_china_saves_it_is_read(organizer: User) -> None:
    body = csv_text([HEADER, ["1001", "张和顺", "13800138000", "离退休干部局", "", "晓月诗社"]])
    _plan, counts = run(body.encode("gb18030"), organizer, "名单.csv")
    assert counts["create"] == 1
    assert member("13800138000").organisation.name == "离退休干部局"


def test_a_utf8_csv_with_a_byte_order_mark_is_read(organizer: User) -> None:
    body = "\ufeff" + csv_text([HEADER, ["1001", "张和顺", "1.38001380E+10", "", "", ""]])
    _plan, counts = run(body.encode("utf-8"), organizer, "名单.csv")
    assert counts["create"] == 1
    assert member("13800138000").member_number == "1001"


def test_a_utf8_csv_without_mark_and_a_tab_separated_utf16_file_are_read(
    organizer: User,
) -> None:
    body = csv_text([["姓名", "手机号"], ["张和顺", "13800138000"]])
    assert member_import.plan(body.encode("utf-8"), "a.csv", Options()).count("create") == 1
    tabbed = "姓名\t手机号\r\n李秀英\t13900139000\r\n"
    plan = member_import.plan(tabbed.encode("utf-16"), "a.txt", Options())
    assert plan.rows[0].values.phone == "13900139000"


def test_phones_stored_as_numbers_in_excel_are_read_as_their_digits(organizer: User) -> None:
    rows = [HEADER, [1001, "张和顺", 13800138000], [1002.0, "李秀英", 1.39001390e10]]
    plan = member_import.plan(xlsx(rows), "a.xlsx", Options())
    assert [(r.values.member_number, r.values.phone) for r in plan.rows] == [
        ("1001", "13800138000"),
        ("1002", "13900139000"),
    ]


def test_a_formula_in_a_cell_refuses_its_row_and_is_never_run(organizer: User) -> None:
    rows = [HEADER, [1001, "张和顺", "=B3&C3"], [1002, "李秀英", 13900139000]]
    plan = member_import.plan(xlsx(rows), "a.xlsx", Options())
    assert [r.action for r in plan.rows] == ["refused", "create"]
    problem = plan.rows[0].problems[0]
    assert (problem.code, problem.params["formula"]) == ("formula", "=B3&C3")


def test_merged_cells_refuse_the_header_or_the_rows_they_cover(organizer: User) -> None:
    merged_header = xlsx([["姓名", "手机号", None], ["张和顺", "13800138000", "x"]], ("B1:C1",))
    with pytest.raises(member_import.ImportRefused, match="B1:C1"):
        member_import.plan(merged_header, "a.xlsx", Options())
    rows = [
        HEADER,
        [1001, "张和顺", 13800138000, "离退休干部局"],
        [1002, "李秀英", 13900139000, None],
        [1003, "王建国", 13700137000, "离退休干部局"],
    ]
    plan = member_import.plan(xlsx(rows, ("D2:D3",)), "a.xlsx", Options())
    assert [r.action for r in plan.rows] == ["refused", "refused", "create"]


def test_a_wrong_header_row_refuses_the_file_with_what_to_write(organizer: User) -> None:
    with pytest.raises(member_import.ImportRefused) as refused:
        member_import.plan(xlsx([["Name of member", "Mobile no"], ["张", 1]]), "a.xlsx", Options())
    assert "会员编号、姓名、手机号" in str(refused.value)
    assert "Name of member" in str(refused.value)


@pytest.mark.parametrize(
    ("body", "filename", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.png", "not a spreadsheet"),
        (b"PK\x03\x04 not really a zip", "list.xlsx", "not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "list.xls", "old Excel file"),
        (b"", "list.csv", "empty"),
        (b"%PDF-1.7\n\x00\x01\x02", "list.pdf", "not a spreadsheet"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_message(
    organizer: User, body: bytes, filename: str, words: str
) -> None:
    with pytest.raises(member_import.ImportRefused, match=words):
        member_import.plan(body, filename, Options())


def test_another_zip_than_a_workbook_is_refused(organizer: User) -> None:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(member_import.ImportRefused, match="not a spreadsheet"):
        member_import.plan(out.getvalue(), "list.xlsx", Options())


def test_a_csv_of_100000_rows_is_refused_at_once(organizer: User) -> None:
    body = csv_text([["姓名", "手机号"], *([f"会员{i}", f"138{i:08d}"] for i in range(100_000))])
    with pytest.raises(member_import.ImportRefused, match="more than 10000 rows"):
        member_import.plan(body.encode("utf-8"), "big.csv", Options())


def test_a_workbook_of_100000_rows_is_refused_without_reading_them_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A workbook whose sheet is written as XML directly: openpyxl takes seconds for 100,000 rows.
    import re
    import zipfile

    small = zipfile.ZipFile(io.BytesIO(xlsx([["姓名", "手机号"]])))
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>会员{r}</t></is></c>'
        f'<c r="B{r}"><v>{13800000000 + r}</v></c></row>'
        for r in range(2, 100_002)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in small.infolist():
            data = small.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"</row>", b"</row>" + rows.encode(), data, count=1)
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            archive.writestr(info.filename, data)
    assert len(out.getvalue()) < member_import.MAX_BYTES
    read = []
    real = member_import._cell_value
    monkeypatch.setattr(member_import, "_cell_value", lambda cell: read.append(1) or real(cell))
    with pytest.raises(member_import.ImportRefused) as refused:
        member_import.read_sheet(out.getvalue(), "big.xlsx", limit=10_000)
    assert "10000" in str(refused.value)
    assert len(read) <= 2 * 10_002  # two cells a row, up to the first row past the limit


def test_the_records_are_read_in_four_queries_however_many_there_are(
    organizer: User,
) -> None:
    body = xlsx([HEADER, [1001, "张和顺", 13800138000]])
    with count_queries(ctx_app()) as few:
        member_import.plan(body, "a.xlsx", Options())
    rows = [
        [2000 + i, f"会员{i}", 13000000000 + i, "离退休干部局", None, "合唱团"] for i in range(40)
    ]
    run(xlsx([HEADER, *rows]), organizer)
    with count_queries(ctx_app()) as many:
        member_import.plan(body, "a.xlsx", Options())
    assert len(few) == len(many) == 4, many.listing()


def test_applying_costs_the_same_statements_for_5_or_25_new_members(
    organizer: User,
) -> None:
    def statements(first: int, n: int) -> int:
        rows = [
            [first + i, f"会员{first + i}", 13000000000 + first + i, "离退休干部局", None, "合唱团"]
            for i in range(n)
        ]
        plan = member_import.plan(xlsx([HEADER, *rows]), "a.xlsx", Options())
        with count_queries(ctx_app()) as counted:
            member_import.apply(plan, actor=organizer)
        db.session.commit()
        return len(counted)

    assert statements(100, 5) == statements(200, 25)


def ctx_app() -> Flask:
    from flask import current_app

    return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]


# ---- accounts made by an import ---------------------------------------------------------------


def test_an_imported_account_has_no_password_and_refuses_sign_in_as_a_wrong_one(
    organizer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(xlsx([HEADER, [1001, "张和顺", 13800138000]]), organizer)
    assert member("13800138000").password_hash == member_import.NO_PASSWORD
    hashed = []
    real = accounts._DUMMY.set_password
    monkeypatch.setattr(accounts._DUMMY, "set_password", lambda p: hashed.append(p) or real(p))
    for guess in ("", "123456", PASSWORD):
        with pytest.raises(EventsysError) as refused:
            accounts.authenticate("13800138000", guess, now=utcnow(), address="10.0.0.1")
        db.session.commit()
        assert str(refused.value) == "The login name or password is not right. Please try again."
    # Every try spent the time of a real password check, as for an unknown login.
    assert hashed == ["", "123456", PASSWORD]


def test_an_imported_member_sets_a_password_with_a_desk_code_and_signs_in(
    organizer: User,
) -> None:
    run(xlsx([HEADER, [1001, "张和顺", 13800138000]]), organizer)
    zhang = member("13800138000")
    now = utcnow()
    code = desk.issue_reset_code(zhang, actor=organizer, now=now)
    db.session.commit()
    attempt = accounts.reserve_sign_in("138 0013 8000", address="10.0.0.2", now=now)
    db.session.commit()
    desk.reset_password(attempt, code, "a new password 7", now=now)
    db.session.commit()
    assert accounts.authenticate("13800138000", "a new password 7", now=now).id == zhang.id


# ---- uploads, preview and confirmation --------------------------------------------------------


def test_confirming_applies_the_previewed_plan_and_forgets_the_upload(organizer: User) -> None:
    now = utcnow()
    upload = member_import.store_upload(
        xlsx(SHEET), "名单.xlsx", Options(create_units=True), actor=organizer, now=now
    )
    db.session.commit()
    shown = member_import.preview(upload.token, actor=organizer)
    assert count(User) == 1  # the preview wrote nothing
    applied = member_import.confirm(upload.token, shown.plan.fingerprint, actor=organizer)
    db.session.commit()
    assert applied.counts["create"] == 3
    assert count(ImportUpload) == 0
    with pytest.raises(NotFound):  # a second click finds nothing to apply
        member_import.confirm(upload.token, shown.plan.fingerprint, actor=organizer)


def test_records_changed_since_the_preview_refuse_the_confirmation(organizer: User) -> None:
    upload = member_import.store_upload(
        xlsx(SHEET), "名单.xlsx", Options(create_units=True), actor=organizer, now=utcnow()
    )
    db.session.commit()
    shown = member_import.preview(upload.token, actor=organizer)
    db.session.add(Organisation(name="第一党支部"))  # someone adds the unit meanwhile
    db.session.commit()
    with pytest.raises(member_import.PlanChanged):
        member_import.confirm(upload.token, shown.plan.fingerprint, actor=organizer)
    db.session.rollback()
    assert count(User) == 1
    assert count(ImportUpload) == 1  # kept, for the new preview


def test_a_file_with_nothing_to_import_is_not_confirmed(organizer: User) -> None:
    body = xlsx([HEADER, [1001, "张和顺", "1.38E+10"]])
    upload = member_import.store_upload(body, "a.xlsx", Options(), actor=organizer, now=utcnow())
    db.session.commit()
    shown = member_import.preview(upload.token, actor=organizer)
    with pytest.raises(EventsysError, match="nothing to import"):
        member_import.confirm(upload.token, shown.plan.fingerprint, actor=organizer)
    db.session.rollback()
    assert count(AuditRecord) == 1  # the organizer's account only; no import recorded


def test_another_organizers_upload_is_not_theirs_to_see(
    organizer: User, make_user: Callable[..., int]
) -> None:
    upload = member_import.store_upload(
        xlsx(SHEET), "名单.xlsx", Options(), actor=organizer, now=utcnow()
    )
    db.session.commit()
    other = db.session.get(User, make_user(roles=("organizer",)))
    with pytest.raises(NotFound):
        member_import.preview(upload.token, actor=other)
    with pytest.raises(NotFound):
        member_import.preview("not-a-token", actor=organizer)


def test_an_unreadable_file_is_refused_before_it_is_kept(organizer: User) -> None:
    with pytest.raises(member_import.ImportRefused):
        member_import.store_upload(b"\x00\x01", "x.csv", Options(), actor=organizer, now=utcnow())
    assert count(ImportUpload) == 0


def test_the_template_reads_back_as_one_new_member(organizer: User) -> None:
    file = member_import.template()
    assert file.filename.endswith(".xlsx")
    plan = member_import.plan(file.body, file.filename, Options(create_units=True))
    assert [r.action for r in plan.rows] == ["create"]
    assert plan.rows[0].values.groups == ("晓月诗社", "合唱团")
