"""Members' records at the desk (issue 18 item 1): search by name, pinyin, initials, phone or
unit a page at a time; a member's file; roles with the last organizer kept; switching an
account off (devices, calendar address and one-time code stop at once) and on; merging two
records of one person, with the audit's before and after."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from eventsys.errors import EventsysError
from eventsys.extensions import db
from eventsys.models import (
    Attendance,
    AuditRecord,
    Event,
    Group,
    GroupMember,
    Notice,
    Organisation,
    PasswordResetCode,
    Registration,
    RegistrationMember,
    User,
)
from eventsys.services import accounts, desk, desk_merge
from eventsys.services import attendance as attendance_service
from eventsys.services import calendar as feeds
from eventsys.services import events as event_service
from eventsys.services import registrations as registration_service
from eventsys.timeutil import utcnow
from tests.conftest import PASSWORD, csrf


@pytest.fixture
def staff(signed_in: Callable[..., FlaskClient]) -> FlaskClient:
    return signed_in("organizer", name="前台张")


def _unit(app: Flask, name: str) -> int:
    with app.app_context():
        unit = Organisation(name=name)
        db.session.add(unit)
        db.session.commit()
        return unit.id


def _event(
    app: Flask, organizer_id: int, venue_id: int, *, capacity: int | None, title: str
) -> int:
    with app.app_context():
        organizer = db.session.get(User, organizer_id)
        start = utcnow() + timedelta(days=3)
        event = event_service.create_event(
            event_service.EventData(
                kind="activity",
                title=title,
                venue_id=venue_id,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                capacity=capacity,
                registration_mode="individual",
            ),
            organizer=organizer,
        )
        event_service.set_status(event, "published", actor=organizer)
        db.session.commit()
        return event.id


def _register(app: Flask, event_id: int, person_id: int, by_id: int) -> Registration:
    with app.app_context():
        registration = registration_service.register(
            db.session.get(Event, event_id),
            db.session.get(User, person_id),
            by=db.session.get(User, by_id),
            now=utcnow(),
        )
        db.session.commit()
        return registration.status  # type: ignore[return-value]


def _post(client: FlaskClient, url: str, page: str, **data: str) -> tuple[int, str]:
    response = client.post(url, data={"csrf_token": csrf(client, page), **data})
    return response.status_code, response.get_data(as_text=True)


def test_staff_find_members_by_initials_phone_and_unit_a_page_at_a_time(
    app: Flask, staff: FlaskClient, make_user: Callable[..., int]
) -> None:
    unit = _unit(app, "丰台区教育局")
    make_user(name="张和顺", phone="13800138000", login="zhangheshun")
    make_user(name="曾秀兰", organisation_id=unit, login="zengxiulan")
    for n in range(55):
        make_user(name=f"王会员{n:02d}", login=f"wang{n:02d}")
    assert "张和顺" in staff.get("/manage/people?q=zhs").get_data(as_text=True)
    # The phone read as sign-in reads it: dashes and full-width digits.
    for typed in ("138-0013-8000", "１３８００１３８０００"):
        page = staff.get("/manage/people", query_string={"q": typed}).get_data(as_text=True)
        assert "张和顺" in page and "曾秀兰" not in page
    page = staff.get("/manage/people", query_string={"q": "教育局"}).get_data(as_text=True)
    assert "曾秀兰" in page and "张和顺" not in page
    first = staff.get("/manage/people?q=wang").get_data(as_text=True)
    second = staff.get("/manage/people?q=wang&page=2").get_data(as_text=True)
    assert "王会员00" in first and "王会员54" not in first and "page=2" in first
    assert "王会员54" in second and "王会员00" not in second
    assert staff.get("/manage/people?page=0").status_code == 400


def test_a_members_page_shows_the_member_number_registrations_groups_attendance_notices(
    app: Flask,
    staff: FlaskClient,
    make_user: Callable[..., int],
    make_venue: Callable[..., int],
) -> None:
    member = make_user(name="李淑芬", login="lishufen")
    event_id = _event(app, staff.user_id, make_venue(), capacity=None, title="合唱排练")  # type: ignore[attr-defined]
    _register(app, event_id, member, staff.user_id)  # type: ignore[attr-defined]
    with app.app_context():
        db.session.get(User, member).member_number = "FT-0042"
        group = Group(name="晓月诗社", kind="society")
        db.session.add(group)
        db.session.flush()
        db.session.add(GroupMember(group_id=group.id, user_id=member))
        sitting = db.session.get(Event, event_id).occurrences[0]
        registration_service.check_in(
            sitting,
            db.session.get(User, member),
            by=db.session.get(User, staff.user_id),  # type: ignore[attr-defined]
            method="list",
            now=utcnow(),
        )
        db.session.add(Notice(user_id=member, kind="promoted", event_id=event_id))
        db.session.commit()
    page = staff.get(f"/manage/people/{member}").get_data(as_text=True)
    assert "FT-0042" in page
    assert page.count("合唱排练") >= 3  # registered, attended, a notice about it
    assert "晓月诗社" in page


def test_the_last_organizer_cannot_be_made_a_participant_nor_switched_off(
    app: Flask, make_user: Callable[..., int]
) -> None:
    only = make_user(roles=("organizer",))
    clerk = make_user(roles=("judge",))  # e.g. a command run without an organizer
    with app.app_context():
        db.session.execute(
            User.__table__.update().where(User.id != only).values(is_organizer=False)
        )
        organizer, actor = db.session.get(User, only), db.session.get(User, clerk)
        with pytest.raises(EventsysError, match="last organizer"):
            accounts.set_roles(organizer, ("judge",), actor=actor)
        with pytest.raises(EventsysError, match="last organizer"):
            desk.set_active(organizer, False, actor=actor, now=utcnow())
        with pytest.raises(EventsysError, match="your own account"):
            desk.set_active(organizer, False, actor=organizer, now=utcnow())
        accounts.set_roles(actor, ("organizer", "judge"), actor=organizer)
        accounts.set_roles(organizer, ("judge",), actor=actor)  # another one is left now
        assert organizer.roles == ("judge",)
        db.session.rollback()


def _disable(staff: FlaskClient, member: int, state: str = "off") -> int:
    url = f"/manage/people/{member}"
    status, _page = _post(staff, f"{url}/active/{state}", url)
    return status


def test_a_switched_off_account_is_signed_out_and_its_feed_code_and_sign_in_stop(
    app: Flask,
    staff: FlaskClient,
    make_user: Callable[..., int],
    make_venue: Callable[..., int],
) -> None:
    member = make_user(name="赵大爷", login="zhaodaye", phone="13911112222")
    device = app.test_client()
    device.post(
        "/login", data={"csrf_token": csrf(device), "login": "zhaodaye", "password": PASSWORD}
    )
    assert device.get("/me/").status_code == 200
    with app.app_context():
        person = db.session.get(User, member)
        token = feeds.new_token(person, actor=person)
        code = desk.issue_reset_code(
            person, actor=db.session.get(User, staff.user_id), now=utcnow()
        )  # type: ignore[attr-defined]
        db.session.commit()
    device.post(
        "/login", data={"csrf_token": csrf(device), "login": "zhaodaye", "password": PASSWORD}
    )
    feed = f"/calendar/u/{member}/{token}.ics"
    assert app.test_client().get(feed).status_code == 200

    assert _disable(staff, member) == 302
    assert device.get("/me/").status_code == 302  # signed out on this device at once
    assert app.test_client().get(feed).status_code == 404
    with app.app_context():
        assert (
            db.session.scalar(select(PasswordResetCode).where(PasswordResetCode.user_id == member))
            is None
        )
        record = db.session.scalars(
            select(AuditRecord).where(AuditRecord.action == "user.disable")
        ).one()
        assert (record.actor_id, record.before, record.after) == (
            staff.user_id,  # type: ignore[attr-defined]
            {"active": True},
            {"active": False},
        )
        assert attendance_service.find_members("zdy") == []
    status, _page = _post(
        app.test_client(),
        "/reset-password",
        "/reset-password",
        login="zhaodaye",
        code=code,
        new_password="a-new-password-1",
        repeat_password="a-new-password-1",
    )
    assert status == 422
    fresh = app.test_client()
    response = fresh.post(
        "/login",
        data={"csrf_token": csrf(fresh), "login": "zhaodaye", "password": PASSWORD},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code != 302
    assert "switched off" in response.get_data(as_text=True)
    # Staff cannot register the member either.
    event_id = _event(app, staff.user_id, make_venue(), capacity=None, title="太极")  # type: ignore[attr-defined]
    with pytest.raises(EventsysError, match="switched off"):
        _register(app, event_id, member, staff.user_id)  # type: ignore[attr-defined]

    assert _disable(staff, member, "on") == 302
    again = app.test_client()
    response = again.post(
        "/login", data={"csrf_token": csrf(again), "login": "zhaodaye", "password": PASSWORD}
    )
    assert response.status_code == 302
    # The old calendar address stays retired: the member makes a new one if they want it.
    assert app.test_client().get(feed).status_code == 404


def test_merging_moves_registrations_groups_attendance_and_notices_and_keeps_the_better_place(
    app: Flask,
    staff: FlaskClient,
    make_user: Callable[..., int],
    make_venue: Callable[..., int],
) -> None:
    kept = make_user(name="王秀英", login="wangxiuying")
    duplicate = make_user(name="王秀英", login="wxy1950", phone="13700001111")
    somebody = make_user()
    organizer = staff.user_id  # type: ignore[attr-defined]
    # One place: the duplicate holds it, the kept record waits behind somebody else's wait.
    full = _event(app, organizer, make_venue(), capacity=1, title="书法班")
    assert _register(app, full, duplicate, organizer) == "confirmed"
    assert _register(app, full, somebody, organizer) == "waiting"
    assert _register(app, full, kept, organizer) == "waiting"
    other = _event(app, organizer, make_venue(), capacity=None, title="合唱排练")
    _register(app, other, duplicate, organizer)
    with app.app_context():
        group = Group(name="金秋艺术团", kind="troupe")
        db.session.add(group)
        db.session.flush()
        db.session.add_all(
            [
                GroupMember(group_id=group.id, user_id=kept),
                GroupMember(group_id=group.id, user_id=duplicate),
            ]
        )
        group_id = group.id
        sitting = db.session.get(Event, other).occurrences[0]
        registration_service.check_in(
            sitting,
            db.session.get(User, duplicate),
            by=db.session.get(User, organizer),
            method="list",
            now=utcnow(),
        )
        db.session.add(Notice(user_id=duplicate, kind="promoted", event_id=other))
        db.session.commit()

    url = f"/manage/people/{kept}/merge"
    status, page = _post(staff, url, url, duplicate="137-0000-1111")
    assert status == 200 and "wxy1950" in page and 'name="confirmed"' in page
    with app.app_context():  # the preview wrote nothing
        assert db.session.get(User, duplicate).active
    status, page = _post(staff, url, url, duplicate="wxy1950", confirmed="y")
    assert status == 302, page[:3000]

    with app.app_context():
        gone, person = db.session.get(User, duplicate), db.session.get(User, kept)
        assert (gone.active, gone.merged_into_id, gone.phone) == (False, kept, None)
        assert person.phone == "13700001111"  # the kept record had none
        rows = db.session.execute(
            select(Registration.event_id, Registration.status, RegistrationMember.user_id)
            .join(RegistrationMember)
            .where(Registration.event_id.in_((full, other)))
            .order_by(Registration.id)
        ).all()
        # The confirmed place moved to the kept record; its waiting one was given up; the
        # event still holds one confirmed place (nothing oversold) and somebody still waits.
        assert rows == [
            (full, "confirmed", kept),
            (full, "waiting", somebody),
            (other, "confirmed", kept),
        ]
        assert db.session.scalars(
            select(GroupMember.user_id).where(GroupMember.group_id == group_id)
        ).all() == [kept]
        assert db.session.scalars(select(Attendance.user_id)).all() == [kept]
        assert db.session.scalars(
            select(Notice.user_id).where(Notice.kind == "promoted")
        ).all() == [kept]
        merge = db.session.scalars(
            select(AuditRecord).where(AuditRecord.action == "user.merge")
        ).one()
        assert merge.actor_id == organizer and merge.object_id == kept
        assert merge.before["phone"] is None and merge.after["phone"] == "13700001111"
        assert merge.after["kept_places"][0]["kept_status"] == "confirmed"
        assert merge.after["kept_places"][0]["given_up_status"] == "waiting"
        merged = db.session.scalars(
            select(AuditRecord).where(AuditRecord.action == "user.merged")
        ).one()
        assert merged.before["active"] is True and merged.after == {
            **merged.after,
            "active": False,
            "merged_into": kept,
        }
    # The merged record cannot sign in, nor be merged twice, nor switched on again.
    assert "merged into" in staff.get(
        f"/manage/people/{duplicate}", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    status, page = _post(staff, url, url, duplicate="wxy1950")
    assert status == 422
    assert _disable(staff, duplicate, "on") == 302
    with app.app_context():
        assert not db.session.get(User, duplicate).active
    assert "王秀英" in staff.get("/manage/audit?type=user").get_data(as_text=True)


def test_a_record_is_not_merged_into_itself_and_an_unknown_one_is_a_form_error(
    app: Flask, staff: FlaskClient, make_user: Callable[..., int]
) -> None:
    kept = make_user(login="liuma")
    url = f"/manage/people/{kept}/merge"
    status, page = _post(staff, url, url, duplicate="liuma", confirmed="y")
    assert status == 422 and "不能合并进它自己" in page
    status, page = _post(staff, url, url, duplicate="nobody-like-this")
    assert status == 422
    status, page = _post(staff, url, url, duplicate="")
    assert status == 422


def test_merging_two_records_on_one_team_keeps_one_roster_row_with_the_captaincy(
    app: Flask, make_user: Callable[..., int], make_venue: Callable[..., int]
) -> None:
    organizer_id = make_user(roles=("organizer",))
    captain, mate, duplicate = make_user(), make_user(), make_user()
    with app.app_context():
        organizer = db.session.get(User, organizer_id)
        start = utcnow() + timedelta(days=5)
        event = event_service.create_event(
            event_service.EventData(
                kind="activity",
                title="门球赛",
                venue_id=make_venue(),
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                registration_mode="team",
                roster_min=1,
                roster_max=5,
            ),
            organizer=organizer,
        )
        event_service.set_status(event, "published", actor=organizer)
        # The duplicate captains the team; the kept record (mate) is invited, and accepts.
        team = registration_service.register_team(
            event,
            db.session.get(User, duplicate),
            registration_service.TeamEntry(team_name="夕阳红", player_ids=(mate, captain)),
            by=organizer,
            now=utcnow(),
        )
        for invitation in registration_service.invitations_of(team):
            registration_service.accept_invitation(
                invitation.id, by=db.session.get(User, invitation.user_id), now=utcnow()
            )
        db.session.commit()
        assert team.size == 3
        desk_merge.merge_records(
            db.session.get(User, mate),
            db.session.get(User, duplicate),
            actor=organizer,
            now=utcnow(),
        )
        db.session.commit()
        roster = db.session.execute(
            select(RegistrationMember.user_id, RegistrationMember.role)
            .where(RegistrationMember.registration_id == team.id)
            .order_by(RegistrationMember.user_id)
        ).all()
        assert sorted(roster) == sorted([(captain, "player"), (mate, "captain")])
        team = db.session.get(Registration, team.id)
        assert (team.captain_id, team.size, team.status) == (mate, 2, "confirmed")
