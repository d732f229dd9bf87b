"""Issue 14.2: staff register a member who phoned in for a contest that asks for a work's title
and text, finding the member by name, pinyin or initials as at the door, with every field of the
member's own form."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from eventsys.extensions import db
from eventsys.models import Registration, RegistrationMember
from eventsys.timeutil import utcnow
from tests.conftest import csrf, publish_with

EN = {"Accept-Language": "en"}


def _event(app: Flask, make_event: Callable[..., int], **settings: object) -> int:
    event_id = make_event(start=utcnow() + timedelta(days=5), status="draft")
    publish_with(app, event_id, **settings)
    return event_id


def test_staff_find_a_member_by_initials_and_enter_their_poem(
    app: Flask,
    make_event: Callable[..., int],
    make_user: Callable[..., int],
    signed_in: Callable[..., FlaskClient],
) -> None:
    event = _event(app, make_event, registration_mode="individual", asks_title=True, asks_text=True)
    member = make_user(name="张和顺", phone="13911110000")
    make_user(name="李四")
    staff = signed_in("organizer")
    url = f"/manage/events/{event}/registrations"
    found = staff.get(f"{url}?q=zhs", headers=EN).get_data(as_text=True)
    links = re.findall(r"person=(\d+)", found)
    assert links == [str(member)] and "张和顺" in found and "李四" not in found
    form = staff.get(f"{url}?q=zhs&person={member}", headers=EN).get_data(as_text=True)
    assert 'name="behalf-title"' in form and 'name="behalf-text"' in form
    token = csrf(staff, url)
    missing = staff.post(
        f"{url}?person={member}", data={"csrf_token": token, "person": str(member)}, headers=EN
    )
    assert missing.status_code == 422
    assert "Please give the title of your entry." in missing.get_data(as_text=True)
    done = staff.post(
        f"{url}?person={member}",
        data={
            "csrf_token": token,
            "person": str(member),
            "behalf-title": "秋思",
            "behalf-text": "枯藤老树昏鸦，\n小桥流水人家。",
        },
    )
    assert done.status_code == 302
    with app.app_context():
        entry = db.session.scalars(select(Registration)).one()
        assert (entry.captain_id, entry.title, entry.status) == (member, "秋思", "confirmed")
        assert entry.registered_by_id == staff.user_id  # type: ignore[attr-defined]


def test_staff_enter_a_team_for_a_captain_who_phoned_in(
    app: Flask,
    make_event: Callable[..., int],
    make_user: Callable[..., int],
    signed_in: Callable[..., FlaskClient],
) -> None:
    event = _event(app, make_event, registration_mode="team", roster_max=3, asks_title=True)
    captain = make_user(name="王建国")
    mate = make_user(name="赵红", login="zhaohong")
    staff = signed_in("organizer")
    url = f"/manage/events/{event}/registrations"
    assert f"person={captain}" in staff.get(f"{url}?q=wang").get_data(as_text=True)
    done = staff.post(
        f"{url}?person={captain}",
        data={
            "csrf_token": csrf(staff, url),
            "person": str(captain),
            "behalf-team_name": "夕阳红队",
            "behalf-players": "zhaohong",
            "behalf-title": "太极扇",
        },
    )
    assert done.status_code == 302
    with app.app_context():
        team = db.session.scalars(select(Registration)).one()
        assert (team.team_name, team.title, team.captain_id) == ("夕阳红队", "太极扇", captain)
        # Staff speak for members who phoned in: their team-mates are on the roster at once.
        roster = db.session.scalars(select(RegistrationMember.user_id).order_by("position"))
        assert list(roster) == [captain, mate]
