"""The desk's member import pages: upload -> preview -> confirm, as the desk staff use them."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from eventsys.extensions import db
from eventsys.models import AuditRecord, Group, Organisation, User
from eventsys.models.imports import ImportUpload
from tests.conftest import csrf
from tests.querycount import count_queries
from tests.services.test_member_import import HEADER, xlsx

UPLOAD = "/manage/people/import/"
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@pytest.fixture
def desk(app: Flask, signed_in: Callable[..., FlaskClient]) -> FlaskClient:
    client = signed_in("organizer")
    with app.app_context():
        db.session.add_all([Organisation(name="第一党支部"), Group(name="合唱团", kind="troupe")])
        db.session.commit()
    return client


LIST = xlsx(
    [
        HEADER,
        [1001, "张和顺", 13800138000, "第一党支部", None, "合唱团"],
        [1002, "李秀英", "1.38E+10", "第一党支部", None, None],
        [1003, "王建国", "１３７００１３７０００", "第九党支部", None, None],
    ]
)


def _upload(
    client: FlaskClient, body: bytes = LIST, name: str = "名单.xlsx", **extra: str
) -> object:
    return client.post(
        UPLOAD,
        data={"csrf_token": csrf(client, UPLOAD), "file": (io.BytesIO(body), name), **extra},
        content_type="multipart/form-data",
    )


def _fingerprint(page: str) -> str:
    match = re.search(r'name="fingerprint"[^>]*value="([0-9a-f]{64})"', page) or re.search(
        r'value="([0-9a-f]{64})"[^>]*name="fingerprint"', page
    )
    assert match is not None, page[:3000]
    return match.group(1)


def _people(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User)) or 0


def test_upload_preview_confirm_in_chinese(app: Flask, desk: FlaskClient) -> None:
    page = desk.get(UPLOAD).get_data(as_text=True)
    assert "会员编号" in page and 'enctype="multipart/form-data"' in page
    response = _upload(desk)
    assert response.status_code == 302
    preview_url = response.location
    preview = desk.get(preview_url)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "张和顺" in html and "13800138000" in html
    # Row by row: why a row is refused, in words.
    assert "1.38E+10" in html and "第九党支部" in html
    assert _people(app) == 1  # nothing written before "Confirm"
    response = desk.post(
        preview_url + "/confirm",
        data={"csrf_token": csrf(desk, preview_url), "fingerprint": _fingerprint(html)},
    )
    assert response.status_code == 302 and response.location.endswith("/manage/people")
    assert _people(app) == 2
    done = desk.get("/manage/people").get_data(as_text=True)
    assert "张和顺" in done
    with app.app_context():
        zhang = db.session.scalars(select(User).where(User.phone == "13800138000")).one()
        assert zhang.member_number == "1001" and zhang.password_hash == ""
        assert db.session.scalar(select(func.count()).select_from(ImportUpload)) == 0
        summary = db.session.scalars(
            select(AuditRecord).where(AuditRecord.action == "member.import")
        ).one()
        assert summary.after["create"] == 1 and summary.after["refused"] == 2
    audit = desk.get("/manage/audit").get_data(as_text=True)
    assert "从表格导入了会员" in audit and "从表格导入了记录" in audit
    # The file again: every row as on record or refused, nothing to confirm.
    again = desk.get(_upload(desk).location).get_data(as_text=True)
    assert 'name="fingerprint"' not in again


def test_the_preview_speaks_english_to_an_english_browser(desk: FlaskClient) -> None:
    preview_url = _upload(desk).location
    html = desk.get(preview_url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Preview of the import" in html
    assert "was shortened by the spreadsheet" in html
    assert "The unit “第九党支部” is not on record" in html


def test_the_preview_writes_nothing(app: Flask, desk: FlaskClient) -> None:
    preview_url = _upload(desk).location
    with count_queries(app) as statements:
        assert desk.get(preview_url).status_code == 200
        assert desk.get(preview_url + "?rows=all").status_code == 200
    assert [s for s in statements if WRITES.match(s)] == []


def test_a_plan_changed_since_the_preview_shows_the_new_preview(
    app: Flask, desk: FlaskClient
) -> None:
    preview_url = _upload(desk).location
    html = desk.get(preview_url).get_data(as_text=True)
    with app.app_context():
        db.session.add(Organisation(name="第九党支部"))
        db.session.commit()
    response = desk.post(
        preview_url + "/confirm",
        data={"csrf_token": csrf(desk, preview_url), "fingerprint": _fingerprint(html)},
    )
    assert response.status_code == 302 and response.location.endswith(preview_url)
    assert _people(app) == 1
    page = desk.get(response.location).get_data(as_text=True)
    assert "记录在预览之后有变动" in page or "records changed since the preview" in page
    assert _fingerprint(page) != _fingerprint(html)


def test_the_template_is_an_xlsx_with_chinese_headers(desk: FlaskClient) -> None:
    from openpyxl import load_workbook

    response = desk.get(UPLOAD + "template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet.max_row == 2


@pytest.mark.parametrize(
    ("body", "name", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "photo.png", "不是可以读取的表格"),
        (xlsx([["Name", "Mobile no"], ["x", 1]]), "a.xlsx", "表头"),
        (b"", "empty.csv", ""),
    ],
)
def test_a_bad_file_comes_back_with_the_reason_next_to_the_field(
    app: Flask, desk: FlaskClient, body: bytes, name: str, words: str
) -> None:
    response = _upload(desk, body, name)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'aria-describedby="file-error' in page or 'id="file-error"' in page
    assert words in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportUpload)) == 0


def test_a_file_past_the_upload_limit_is_refused_with_a_message(
    app: Flask, desk: FlaskClient
) -> None:
    app.config["MEMBER_IMPORT_MAX_BYTES"] = 100_000
    try:
        response = _upload(desk, b"x" * 300_000, "big.csv")
    finally:
        del app.config["MEMBER_IMPORT_MAX_BYTES"]
    assert response.status_code == 413
    assert "MB" in response.get_data(as_text=True)


def test_a_participant_is_refused_every_page(
    app: Flask, desk: FlaskClient, signed_in: Callable[..., FlaskClient]
) -> None:
    preview_url = _upload(desk).location
    member = signed_in("participant")
    token = csrf(member, "/")
    assert member.get(UPLOAD).status_code == 403
    assert member.get(UPLOAD + "template.xlsx").status_code == 403
    assert member.get(preview_url).status_code == 403
    response = member.post(
        UPLOAD,
        data={"csrf_token": token, "file": (io.BytesIO(LIST), "a.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert member.post(preview_url + "/confirm", data={"csrf_token": token}).status_code == 403
    assert _people(app) == 2


def test_forms_without_their_csrf_token_are_refused(app: Flask, desk: FlaskClient) -> None:
    response = desk.post(
        UPLOAD, data={"file": (io.BytesIO(LIST), "a.xlsx")}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    preview_url = _upload(desk).location
    html = desk.get(preview_url).get_data(as_text=True)
    response = desk.post(preview_url + "/confirm", data={"fingerprint": _fingerprint(html)})
    assert response.status_code == 400
    assert _people(app) == 1


def test_an_upload_that_is_gone_answers_404_with_a_message(desk: FlaskClient) -> None:
    response = desk.get(UPLOAD + "0123456789abcdef0123456789abcdef")
    assert response.status_code == 404
    assert "重新上传" in response.get_data(as_text=True) or "again" in response.get_data(
        as_text=True
    )


def test_a_confirmation_of_another_preview_shows_the_current_one(
    app: Flask, desk: FlaskClient
) -> None:
    preview_url = _upload(desk).location
    response = desk.post(
        preview_url + "/confirm",
        data={"csrf_token": csrf(desk, preview_url), "fingerprint": "0" * 64},
    )
    assert response.status_code == 302 and response.location.endswith(preview_url)
    assert _people(app) == 1


def test_a_confirmation_without_its_preview_is_a_bad_request(app: Flask, desk: FlaskClient) -> None:
    preview_url = _upload(desk).location
    response = desk.post(preview_url + "/confirm", data={"csrf_token": csrf(desk, preview_url)})
    assert response.status_code == 400
    assert _people(app) == 1
