"""The group pages and the honours board as people use them: a visitor, a member asking to
join, the group's leader answering and registering the members, staff recording honours."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from eventsys.extensions import db
from eventsys.models import Event, Honour, JoinRequest, Registration, User
from eventsys.services import places
from eventsys.timeutil import utcnow
from tests.conftest import csrf, login
from tests.domain.test_group_rules import JPEG, PNG

# The honour form as staff fill it in (the city-wide poetry collection's first prize).
HONOUR = {"competition": "原创诗歌作品征集", "awarded_on": "2017-10-10", "award": "一等奖"}
ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def group_id(app: Flask, make_user: Callable[..., int], make_event: Callable[..., int]) -> int:
    staff = make_user(roles=("organizer",), login="staff")
    leader = make_user(name="王诗韵", login="leader", phone="13800138001")
    member = make_user(name="张和顺", login="member", phone="13800138002")
    make_user(name="李新", login="newcomer")
    make_user(name="赵别组", login="other")
    event_id = make_event(title="诗词创作课", start=utcnow() + timedelta(days=1))
    with app.app_context():
        actor = db.session.get(User, staff)
        group = places.save_group(
            places.GroupData(name="晓月诗社", kind="society", leader_id=leader), actor=actor
        )
        places.add_member(group, db.session.get(User, member), actor=actor)
        event = db.session.get(Event, event_id)
        event.group_id, event.registration_mode, event.capacity = group.id, "individual", 1
        db.session.commit()
        return group.id


def _signed_in(app: Flask, login_name: str) -> FlaskClient:
    client = app.test_client()
    login(client, login_name)
    return client


def test_the_public_sees_the_group_but_not_who_is_in_it(app: Flask, group_id: int) -> None:
    page = app.test_client().get(f"/groups/{group_id}", headers=ZH).get_data(as_text=True)
    assert "晓月诗社" in page and "王诗韵" in page  # the leader
    assert "诗词创作课" in page  # this week's activity
    assert "张和顺" not in page
    index = app.test_client().get("/groups/", headers=ZH).get_data(as_text=True)
    assert f"/groups/{group_id}" in index


def test_members_see_names_never_phone_numbers(app: Flask, group_id: int) -> None:
    page = _signed_in(app, "newcomer").get(f"/groups/{group_id}", headers=EN)
    text = page.get_data(as_text=True)
    assert "张和顺" in text and "Ask to join this group" in text
    assert "13800138002" not in text and "13800138001" not in text


def test_join_request_accepted_by_the_leader_and_the_member_is_told(
    app: Flask, group_id: int
) -> None:
    newcomer = _signed_in(app, "newcomer")
    url = f"/groups/{group_id}"
    newcomer.post(f"{url}/join", data={"csrf_token": csrf(newcomer, url)})
    assert "You have asked to join" in newcomer.get(url, headers=EN).get_data(as_text=True)
    with app.app_context():
        request_id = db.session.scalars(db.select(JoinRequest.id)).one()
    # Someone else's leader, or a member, is refused on the server.
    other = _signed_in(app, "other")
    answer = f"{url}/requests/{request_id}/accept"
    assert other.post(answer, data={"csrf_token": csrf(other, url)}).status_code == 403
    leader = _signed_in(app, "leader")
    page = leader.get(url, headers=EN).get_data(as_text=True)
    assert "Accept 李新" in page
    assert leader.post(answer, data={"csrf_token": csrf(leader, url)}).status_code == 302
    me = newcomer.get("/me/", headers=ZH).get_data(as_text=True)
    assert "晓月诗社" in me
    assert "You are a member" in newcomer.get(url, headers=EN).get_data(as_text=True)


def test_the_leader_registers_the_members_and_reads_what_became_of_each(
    app: Flask, group_id: int
) -> None:
    with app.app_context():
        event_id = db.session.scalar(db.select(Event.id).where(Event.group_id == group_id))
    leader = _signed_in(app, "leader")
    url = f"/groups/{group_id}/events/{event_id}/register"
    assert url in leader.get(f"/groups/{group_id}").get_data(as_text=True)
    page = leader.get(url, headers=EN).get_data(as_text=True)
    assert page.count('type="checkbox"') == 2 and "checked" in page
    with app.app_context():
        ids = [
            u.id
            for u in db.session.scalars(db.select(User).where(User.login.in_(["leader", "member"])))
        ]
    answer = leader.post(url, data={"csrf_token": csrf(leader, url), "members": ids}, headers=EN)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Confirmed" in text and "On the waiting list" in text  # one place only
    with app.app_context():
        statuses = db.session.scalars(
            db.select(Registration.status).where(Registration.event_id == event_id)
        ).all()
    assert sorted(statuses) == ["confirmed", "waiting"]
    member = _signed_in(app, "member")
    assert member.get(url).status_code == 403


def test_staff_record_an_honour_with_a_photo_and_everyone_sees_it(
    app: Flask, group_id: int
) -> None:
    staff = _signed_in(app, "staff")
    url = "/manage/honours/new"
    form = {**HONOUR, "csrf_token": csrf(staff, url), "group_id": str(group_id)}
    form["organiser"] = "北京市委老干部局"
    refused = staff.post(
        url, data={**form, "photo": (io.BytesIO(b"<svg/>"), "cert.png")}, headers=EN
    )
    assert refused.status_code == 422 and "JPEG or PNG" in refused.get_data(as_text=True)
    saved = staff.post(url, data={**form, "photo": (io.BytesIO(JPEG), "../../etc/x.png")})
    assert saved.status_code == 302
    with app.app_context():
        honour = db.session.scalars(db.select(Honour)).one()
        assert honour.photo.endswith(".jpg") and "etc" not in honour.photo
        honour_id = honour.id
    public = app.test_client()
    board = public.get("/honours?year=2017", headers=ZH).get_data(as_text=True)
    assert "一等奖" in board and "晓月诗社" in board
    assert "一等奖" not in public.get("/honours?year=2018").get_data(as_text=True)
    assert "一等奖" in public.get(f"/groups/{group_id}").get_data(as_text=True)
    photo = public.get(f"/honours/{honour_id}/photo")
    assert photo.mimetype == "image/jpeg" and photo.data == JPEG
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    csv = public.get("/honours/export.csv").data.decode("utf-8-sig")
    assert "原创诗歌作品征集" in csv and "一等奖" in csv
    book = load_workbook(io.BytesIO(public.get("/honours/export.xlsx").data))
    assert "一等奖" in [c.value for c in book.active[2]]
    assert public.get("/honours/export.pdf").status_code == 404


def test_a_photo_over_the_limit_is_refused_before_it_is_read(app: Flask, group_id: int) -> None:
    staff = _signed_in(app, "staff")
    app.config["HONOUR_PHOTO_MAX_BYTES"] = 1000
    try:
        big = (io.BytesIO(PNG + b"\x00" * 200_000), "big.png")
        token = csrf(staff, "/manage/honours/new")
        answer = staff.post(
            "/manage/honours/new", data={**HONOUR, "csrf_token": token, "photo": big}, headers=EN
        )
    finally:
        app.config.pop("HONOUR_PHOTO_MAX_BYTES")
    assert answer.status_code == 413 and "larger than" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(Honour)).all() == []


def test_members_cannot_edit_honours(app: Flask, group_id: int) -> None:
    member = _signed_in(app, "member")
    assert member.get("/manage/honours/new").status_code == 403
