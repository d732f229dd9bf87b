"""Registration as people do it: register, wait, be promoted, enter a team, check in, export."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from eventsys.extensions import db
from eventsys.models import Attendance, Event, Notice, Occurrence, Registration, User
from eventsys.timeutil import utcnow
from tests.conftest import csrf, publish_with


@pytest.fixture
def open_event(app: Flask, make_event: Callable[..., int]) -> Callable[..., int]:
    def make(**settings: object) -> int:
        event_id = make_event(start=utcnow() + timedelta(days=5), status="draft")
        publish_with(app, event_id, **{"registration_mode": "individual", **settings})
        return event_id

    return make


def _register(client: FlaskClient, event_id: int, **data: str) -> object:
    token = csrf(client, f"/events/{event_id}/register")
    return client.post(f"/events/{event_id}/register", data={"csrf_token": token, **data})


def test_a_participant_registers_from_the_event_page_and_sees_it_on_their_page(
    app: Flask, open_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    event = open_event(capacity=40)
    person = signed_in("participant")
    page = person.get(f"/events/{event}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f"/events/{event}/register" in page and "Places left: 40." in page
    response = _register(person, event)
    assert response.status_code == 302 and "/me/registrations/" in response.location
    mine = person.get("/me/registrations", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Confirmed" in mine


def test_the_second_person_waits_then_is_promoted_and_told(
    app: Flask, open_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    event = open_event(capacity=1)
    first, second = signed_in("participant"), signed_in("participant")
    _register(first, event)
    response = _register(second, event)
    detail = second.get(response.location, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "number 1 on the waiting list" in detail
    with app.app_context():
        first_id = db.session.scalars(select(Registration.id).order_by(Registration.id)).first()
    token = csrf(first, f"/me/registrations/{first_id}")
    assert (
        first.post(f"/registrations/{first_id}/cancel", data={"csrf_token": token}).status_code
        == 302
    )
    page = second.get("/me/registrations", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "A place became free" in page and "Confirmed" in page
    again = second.get("/me/registrations", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "A place became free" in again  # a GET writes nothing: still unread
    with app.app_context():
        newest = db.session.scalars(select(Notice.id).order_by(Notice.id.desc())).first()
    seen = second.post(
        f"/me/notices/seen?upto={newest}&back=registrations",
        data={"csrf_token": csrf(second, "/me/registrations")},
    )
    assert seen.status_code == 302 and seen.location.endswith("/me/registrations")
    read = second.get("/me/registrations", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "A place became free" not in read  # the notice was read
    with app.app_context():
        notice = db.session.get(Notice, newest)
        assert notice is not None and notice.seen_at is not None


def test_notices_are_read_by_a_post_only_and_a_newer_one_stays_unread(
    app: Flask, signed_in: Callable[..., FlaskClient]
) -> None:
    person = signed_in("participant")
    with app.app_context():
        shown = Notice(user_id=person.user_id, kind="promoted")  # type: ignore[attr-defined]
        db.session.add(shown)
        db.session.commit()
        shown_id = shown.id
    for page in ("/me/registrations", "/me/"):
        body = person.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert "I have read these" in body and f"upto={shown_id}" in body
    with app.app_context():
        assert db.session.get(Notice, shown_id).seen_at is None  # the GETs wrote nothing
        later = Notice(user_id=person.user_id, kind="team_changed")  # type: ignore[attr-defined]
        db.session.add(later)
        db.session.commit()
        later_id = later.id
    token = csrf(person, "/me/")
    assert person.post("/me/notices/seen?back=me", data={"csrf_token": token}).status_code == 400
    answer = person.post(f"/me/notices/seen?upto={shown_id}&back=me", data={"csrf_token": token})
    assert answer.status_code == 302 and answer.location.endswith("/me/")
    with app.app_context():
        assert db.session.get(Notice, shown_id).seen_at is not None
        assert db.session.get(Notice, later_id).seen_at is None  # newer than the page shown
    evil = person.post(
        f"/me/notices/seen?upto={later_id}&back=https://evil.example", data={"csrf_token": token}
    )
    assert evil.status_code == 302 and evil.location.endswith("/me/registrations")
    assert person.post(f"/me/notices/seen?upto={later_id}").status_code == 400  # no CSRF token
    with app.app_context():
        assert db.session.get(Notice, later_id).seen_at is not None  # read by the third post


def test_registering_twice_leads_to_the_existing_registration(
    app: Flask, open_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    event = open_event()
    person = signed_in("participant")
    first = _register(person, event)
    second = person.get(f"/events/{event}/register")
    assert second.status_code == 302 and second.location == first.location  # type: ignore[attr-defined]
    with app.app_context():
        assert len(db.session.scalars(select(Registration)).all()) == 1


def test_registration_needs_sign_in_and_a_csrf_token(
    app: Flask,
    client: FlaskClient,
    open_event: Callable[..., int],
    signed_in: Callable[..., FlaskClient],
) -> None:
    event = open_event()
    assert client.get(f"/events/{event}/register").status_code == 302
    person = signed_in("participant")
    assert person.post(f"/events/{event}/register", data={}).status_code == 400
    with app.app_context():
        assert db.session.scalars(select(Registration)).all() == []


@pytest.mark.parametrize(
    "url", ["/events/99999/register", "/events/99999/teams/new", "/me/registrations/99999"]
)
def test_forged_ids_are_404(signed_in: Callable[..., FlaskClient], url: str) -> None:
    assert signed_in("participant").get(url).status_code == 404


def test_nobody_sees_or_cancels_someone_elses_registration(
    app: Flask, open_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    event = open_event()
    owner, stranger = signed_in("participant"), signed_in("participant")
    location = _register(owner, event).location  # type: ignore[attr-defined]
    registration_id = int(location.rstrip("/").rsplit("/", 1)[1])
    assert stranger.get(location).status_code == 404
    token = csrf(stranger, "/me/registrations")
    assert (
        stranger.post(
            f"/registrations/{registration_id}/cancel", data={"csrf_token": token}
        ).status_code
        == 404
    )
    with app.app_context():
        assert db.session.get(Registration, registration_id).status == "confirmed"


def test_a_poem_title_and_text_are_asked_for_and_kept_on_refusal(
    app: Flask, open_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    event = open_event(asks_title=True, asks_text=True)
    poet = signed_in("participant")
    response = _register(poet, event, title="秋思")
    assert response.status_code == 422  # type: ignore[attr-defined]
    page = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert 'value="秋思"' in page
    ok = _register(poet, event, title="秋思", text="枯藤老树昏鸦，\n小桥流水人家。")
    assert ok.status_code == 302  # type: ignore[attr-defined]
    with app.app_context():
        assert (
            db.session.scalars(select(Registration.text)).one() == "枯藤老树昏鸦，\n小桥流水人家。"
        )


def test_a_captain_enters_a_gateball_team_by_phone_numbers_and_logins(
    app: Flask,
    open_event: Callable[..., int],
    signed_in: Callable[..., FlaskClient],
    make_user: Callable[..., int],
) -> None:
    event = open_event(
        registration_mode="team",
        capacity=16,
        capacity_counts="entries",
        roster_min=5,
        roster_max=5,
        substitutes_max=3,
    )
    for index in range(6):
        make_user(login=f"player{index}", phone=f"1390000000{index}")
    captain = signed_in("participant")
    url = f"/events/{event}/teams/new"
    token = csrf(captain, url)
    short = captain.post(
        url,
        data={"csrf_token": token, "team_name": "方庄门球队", "players": "player0\nplayer1"},
        headers={"Accept-Language": "en"},
    )
    assert short.status_code == 422 and "at least 5 players" in short.get_data(as_text=True)
    response = captain.post(
        url,
        data={
            "csrf_token": token,
            "team_name": "方庄门球队",
            "players": "player0\n１３９０００００００１，player2\nplayer3",
            "substitutes": "player4",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        team = db.session.scalars(select(Registration)).one()
        assert (team.team_name, team.size, team.status) == ("方庄门球队", 6, "confirmed")
    unknown = captain.post(
        url,
        data={"csrf_token": token, "team_name": "乙队", "players": "nobody"},
        headers={"Accept-Language": "en"},
    )
    assert unknown.status_code == 422 and "nobody" in unknown.get_data(as_text=True)


def test_staff_find_people_at_the_door_by_pinyin_initials_and_check_them_in(
    app: Flask,
    open_event: Callable[..., int],
    signed_in: Callable[..., FlaskClient],
    make_user: Callable[..., int],
) -> None:
    event = open_event()
    zhang, shan = make_user(name="张和顺"), make_user(name="单丽华")
    staff = signed_in("organizer")
    with app.app_context():
        from eventsys.services import registrations

        organizer = db.session.get(User, staff.user_id)  # type: ignore[attr-defined]
        for person_id in (zhang, shan):
            registrations.register(
                db.session.get(Event, event),
                db.session.get(User, person_id),
                by=organizer,
                now=utcnow(),
            )
        db.session.commit()
        sitting = db.session.scalars(select(Occurrence.id)).one()
    page = staff.get(f"/manage/events/{event}/checkin?q=zhs").get_data(as_text=True)
    assert "张和顺" in page and "单丽华" not in page
    assert "单丽华" in staff.get(f"/manage/events/{event}/checkin?q=shan").get_data(as_text=True)
    token = csrf(staff, f"/manage/events/{event}/checkin")
    response = staff.post(
        f"/manage/events/{event}/checkin",
        data={"csrf_token": token, "user_id": str(zhang), "sitting": str(sitting)},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Attendance.user_id)).all() == [zhang]


def test_the_qr_code_leads_staff_to_a_one_press_check_in(
    app: Flask, open_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    import re

    event = open_event()
    person = signed_in("participant")
    detail = person.get(_register(person, event).location).get_data(as_text=True)  # type: ignore[attr-defined]
    assert "<svg" in detail
    scan_url = re.search(r"/checkin/[A-Za-z0-9_.\-]+", detail)
    # The code encodes the address; the page shows the image, so read the signed path back.
    with app.test_request_context():
        from itsdangerous import URLSafeSerializer

        with app.app_context():
            registration_id = db.session.scalars(select(Registration.id)).one()
        token = URLSafeSerializer(app.config["SECRET_KEY"], salt="eventsys-checkin").dumps(
            registration_id
        )
    assert scan_url is None or token in scan_url.group(0)
    # A participant who scans their own code is told what to do, and cannot check in.
    own = person.get(f"/checkin/{token}", headers={"Accept-Language": "zh-CN"})
    assert own.status_code == 200 and "请把这个二维码给工作人员扫描" in own.get_data(as_text=True)
    assert person.post(
        f"/checkin/{token}", data={"csrf_token": csrf(person, "/me/registrations")}
    ).status_code == 403
    staff = signed_in("organizer")
    assert staff.get("/checkin/forged-token").status_code == 404
    page = staff.get(f"/checkin/{token}")
    assert page.status_code == 200
    response = staff.post(
        f"/checkin/{token}", data={"csrf_token": csrf(staff, f"/checkin/{token}")}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Attendance.method)).all() == ["qr"]


def test_exports_open_in_excel_with_chinese_text(
    app: Flask,
    open_event: Callable[..., int],
    signed_in: Callable[..., FlaskClient],
    make_user: Callable[..., int],
) -> None:
    from openpyxl import load_workbook

    event = open_event()
    member = signed_in("participant", name="=张和顺")
    _register(member, event)
    staff = signed_in("organizer")
    csv_body = staff.get(f"/manage/events/{event}/export/registrants.csv").data
    assert csv_body.startswith("\ufeff".encode()) and "'=张和顺".encode() in csv_body
    xlsx = staff.get(f"/manage/events/{event}/export/registrants.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.max_row == 2 and sheet.cell(2, 2).value == "'=张和顺"
    assert staff.get(f"/manage/events/{event}/export/passwords.csv").status_code == 404
    assert member.get(f"/manage/events/{event}/export/registrants.csv").status_code == 403


def test_attendance_statistics_per_day_room_activity_and_organisation(
    app: Flask, signed_in: Callable[..., FlaskClient]
) -> None:
    staff = signed_in("organizer")
    page = staff.get("/manage/attendance", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "Per organisation" in page.get_data(as_text=True)
    for query in ("from=2026-13-01", "from=2026-12-10&to=2026-12-01", "from=1900-01-01"):
        assert staff.get(f"/manage/attendance?{query}").status_code == 400


def test_organizers_register_members_who_phone_in(
    app: Flask,
    open_event: Callable[..., int],
    signed_in: Callable[..., FlaskClient],
    make_user: Callable[..., int],
) -> None:
    event = open_event()
    member = make_user(name="仇建国", phone="13911112222")
    staff = signed_in("organizer")
    url = f"/manage/events/{event}/registrations"
    found = staff.get(f"{url}?q=139 1111 2222").get_data(as_text=True)
    assert f"person={member}" in found
    response = staff.post(
        f"{url}?person={member}", data={"csrf_token": csrf(staff, url), "person": str(member)}
    )
    assert response.status_code == 302
    assert "仇建国" in staff.get(url).get_data(as_text=True)
    assert signed_in("participant").get(url).status_code == 403


def test_cancelling_asks_first_and_a_refusal_keeps_the_place(
    app: Flask, open_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    event = open_event()
    person = signed_in("participant")
    location = _register(person, event).location  # type: ignore[attr-defined]
    registration_id = int(location.rstrip("/").rsplit("/", 1)[1])
    detail = person.get(location).get_data(as_text=True)
    assert f'href="/registrations/{registration_id}/cancel"' in detail
    ask = person.get(f"/registrations/{registration_id}/cancel", headers={"Accept-Language": "en"})
    assert ask.status_code == 200 and "Yes, cancel my registration" in ask.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Registration, registration_id).status == "confirmed"
