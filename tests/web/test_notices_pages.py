"""Notices on the pages: the unread count in every page's header (kept pages included), the
SMS choice on My page, and staff writing to an event's registrants or a group."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from eventsys.extensions import db
from eventsys.models import AuditRecord, Event, Group, GroupMember, Notice, User
from eventsys.services import notices
from eventsys.services import registrations as registration_service
from eventsys.timeutil import utcnow
from tests.conftest import csrf
from tests.web.test_caching import EN, _whole_minute, published, served_from_the_cache

__all__ = ["_whole_minute"]  # the fixture, imported for the tests below


def tell(app: Flask, user_id: int, event_id: int, kind: str = "promoted") -> int:
    with app.app_context():
        event = db.session.get(Event, event_id)
        notices.notify([user_id], kind, now=utcnow(), event=event)
        db.session.commit()
        return max(db.session.scalars(select(Notice.id).where(Notice.user_id == user_id)))


def kept_page(app: Flask, client: FlaskClient, url: str) -> str:
    """The page once it is kept (a visitor's first answers change their session: not kept)."""
    pages = [client.get(url, headers=EN).get_data(as_text=True) for _ in range(2)]
    assert served_from_the_cache(app, client, url, headers=EN)
    return pages[-1]


def group_of(app: Flask, name: str, member_ids: list[int]) -> int:
    """A group with these members; return its id."""
    with app.app_context():
        group = Group(name=name, kind="society")
        db.session.add(group)
        db.session.flush()
        db.session.add_all(GroupMember(group_id=group.id, user_id=uid) for uid in member_ids)
        db.session.commit()
        return group.id


def test_a_new_notice_shows_in_the_header_of_a_kept_page_at_once(
    app: Flask, make_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    """Kept pages key on person:<id>, which the notice raises; Bo's pages stay kept."""
    event_id = published(app, make_event)
    anna, bo, url = signed_in("participant"), signed_in("participant"), f"/events/{event_id}"
    assert "new notice" not in kept_page(app, anna, url) + kept_page(app, bo, url)
    tell(app, anna.user_id, event_id)  # type: ignore[attr-defined]
    assert not served_from_the_cache(app, anna, url, headers=EN)
    page = anna.get(url, headers=EN).get_data(as_text=True)
    assert "1 new notice" in page and 'href="/me/#notices"' in page
    assert served_from_the_cache(app, bo, url, headers=EN)
    assert "new notice" not in bo.get(url, headers=EN).get_data(as_text=True)


def test_reading_the_notices_clears_the_count_and_my_page_lists_them_in_words(
    app: Flask, make_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    event_id = published(app, make_event)
    anna = signed_in("participant")
    tell(app, anna.user_id, event_id, "event_cancelled")  # type: ignore[attr-defined]
    newest = tell(app, anna.user_id, event_id, "sitting_skipped")  # type: ignore[attr-defined]
    page = anna.get("/me/", headers=EN).get_data(as_text=True)
    assert "2 new notices" in page
    assert "“门球友谊赛” (" in page and "is cancelled and will not take place." in page
    assert "is called off." in page
    seen = anna.post(
        f"/me/notices/seen?upto={newest}&back=me", data={"csrf_token": csrf(anna, "/me/")}
    )
    assert seen.status_code == 302
    assert "new notice" not in anna.get(f"/events/{event_id}", headers=EN).get_data(as_text=True)


def test_the_count_follows_notices_gone_without_the_app(
    app: Flask, make_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    """The count is part of the visitor's key: rows removed behind the app's back (no version
    raised) do not leave a kept page with the old count."""
    event_id = published(app, make_event)
    anna = signed_in("participant")
    tell(app, anna.user_id, event_id)  # type: ignore[attr-defined]
    url = f"/events/{event_id}"
    for _ in range(2):
        assert "1 new notice" in anna.get(url, headers=EN).get_data(as_text=True)
    with app.app_context():
        db.session.execute(delete(Notice))
        db.session.commit()
    assert "new notice" not in anna.get(url, headers=EN).get_data(as_text=True)


def test_a_member_turns_text_messages_off_and_on_again(
    app: Flask, signed_in: Callable[..., FlaskClient]
) -> None:
    anna = signed_in("participant", phone="13800138000")
    page = anna.get("/me/", headers=EN).get_data(as_text=True)
    assert "your notices also go to 13800138000" in page
    token = csrf(anna, "/me/")
    assert (
        anna.post("/me/text-messages", data={"csrf_token": token, "send": "no"}).status_code == 302
    )
    with app.app_context():
        assert db.session.get(User, anna.user_id).sms_opt_out  # type: ignore[attr-defined]
        assert db.session.scalars(
            select(AuditRecord.action).where(AuditRecord.action == "user.sms_opt_out")
        ).all() == ["user.sms_opt_out"]
    assert "no text messages are sent to you" in anna.get("/me/", headers=EN).get_data(as_text=True)
    assert (
        anna.post("/me/text-messages", data={"csrf_token": token, "send": "yes"}).status_code == 302
    )
    with app.app_context():
        assert not db.session.get(User, anna.user_id).sms_opt_out  # type: ignore[attr-defined]


def test_the_choice_needs_its_token_and_a_known_answer(
    app: Flask, signed_in: Callable[..., FlaskClient]
) -> None:
    anna = signed_in("participant")
    assert anna.post("/me/text-messages", data={"send": "no"}).status_code == 400
    token = csrf(anna, "/me/")
    assert (
        anna.post("/me/text-messages", data={"csrf_token": token, "send": "x"}).status_code == 400
    )
    with app.app_context():
        assert not db.session.get(User, anna.user_id).sms_opt_out  # type: ignore[attr-defined]


def test_staff_write_to_an_events_registrants_and_an_empty_list_is_refused_in_words(
    app: Flask,
    make_event: Callable[..., int],
    make_user: Callable[..., int],
    signed_in: Callable[..., FlaskClient],
) -> None:
    event_id = published(app, make_event, registration_opens_at=utcnow())
    staff = signed_in("organizer")
    url = f"/manage/events/{event_id}/notice"
    token = csrf(staff, url)
    empty = staff.post(
        url, data={"csrf_token": token, "text": "请带水杯", "statuses": "confirmed"}, headers=EN
    )
    assert empty.status_code == 422
    assert "Nobody would receive this notice" in empty.get_data(as_text=True)
    member_id = make_user()
    with app.app_context():
        member = db.session.get(User, member_id)
        registration_service.register(
            db.session.get(Event, event_id), member, by=member, now=utcnow()
        )
        db.session.commit()
    sent = staff.post(
        url, data={"csrf_token": token, "text": "请带水杯", "statuses": "confirmed"}, headers=EN
    )
    assert sent.status_code == 302
    assert "The notice was sent to 1 person." in staff.get(url, headers=EN).get_data(as_text=True)
    with app.app_context():
        (notice,) = db.session.scalars(select(Notice).where(Notice.kind == "message")).all()
        assert notice.user_id == member_id and notice.params == {"text": "请带水杯"}


def test_staff_write_to_a_group_and_members_may_not(
    app: Flask, make_user: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    member_id = make_user()
    url = f"/manage/groups/{group_of(app, '金秋艺术团', [member_id])}/notice"
    member = signed_in("participant")
    assert member.get(url).status_code == 403
    staff = signed_in("organizer")
    long = staff.post(url, data={"csrf_token": csrf(staff, url), "text": "长" * 301}, headers=EN)
    assert long.status_code == 422
    sent = staff.post(url, data={"csrf_token": csrf(staff, url), "text": "周三排练"}, headers=EN)
    assert sent.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Notice.user_id)).all() == [member_id]
