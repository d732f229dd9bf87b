"""Feeds built from the database: what each scope contains, versions, tokens and plug-in sources."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import icalendar
import pytest
import vobject
from flask import Flask

from eventsys.domain.ical_rules import CalendarItem, Window, make_uid
from eventsys.extensions import db
from eventsys.models import Event, Registration, RegistrationMember, User
from eventsys.services import calendar as feeds
from eventsys.services import events
from eventsys.timeutil import utcnow
from tests.conftest import at

HOST = "test.eventsys.local"


def scope(kind: str, ident: int | None = None, **kwargs: object) -> feeds.Scope:
    values: dict[str, object] = {
        "window": Window(date(2026, 11, 1)),
        "now": utcnow(),
        "host": HOST,
        "base_url": "https://centre.example",
    }
    values.update(kwargs)
    return feeds.Scope(kind=kind, ident=ident, **values)  # type: ignore[arg-type]


def build(the_scope: feeds.Scope) -> tuple[feeds.FeedVersion, str]:
    meta = feeds.FeedMeta(name="测试日历")
    version = feeds.feed_version(the_scope, meta)
    return version, feeds.render_feed(the_scope, meta).decode()


def vevents(text: str) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(text).walk("VEVENT"))


def uids(text: str) -> set[str]:
    return {str(e["UID"]) for e in vevents(text)}


def register(event_id: int, user_id: int, status: str = "confirmed") -> int:
    registration = Registration(
        event_id=event_id, captain_id=user_id, status=status, kind="individual", size=1
    )
    registration.members.append(
        RegistrationMember(event_id=event_id, user_id=user_id, role="captain")
    )
    db.session.add(registration)
    db.session.commit()
    return registration.id


def organizer_of(event_id: int) -> User:
    event = db.session.get(Event, event_id)
    return event.organizer


# ---- contents ---------------------------------------------------------------------------------


def test_the_programme_has_published_events_with_stable_uids_and_no_drafts(
    ctx: Flask, make_event: Callable[..., int], make_venue: Callable[..., int]
) -> None:
    published = make_event(start=at(3, 14), title="重阳节慰问演出", kind="performance")
    make_event(start=at(4, 14), title="草稿活动", status="draft")
    _version, text = build(scope("programme"))
    assert uids(text) == {f"event-{published}@{HOST}"}
    event = vevents(text)[0]
    assert str(event["SUMMARY"]) == "重阳节慰问演出"
    assert str(event["URL"]) == f"https://centre.example/events/{published}"
    assert event["DTSTART"].dt == at(3, 14)


def test_the_programme_can_be_limited_to_kinds(ctx: Flask, make_event: Callable[..., int]) -> None:
    lecture = make_event(start=at(3, 9), title="诗词讲座", kind="lecture")
    make_event(start=at(4, 9), title="门球比赛", kind="ball_game")
    _version, text = build(scope("programme", kinds=("lecture",)))
    assert uids(text) == {f"event-{lecture}@{HOST}"}


def test_a_venue_feed_has_only_that_rooms_bookings_with_the_room_as_location(
    ctx: Flask, make_event: Callable[..., int], make_venue: Callable[..., int]
) -> None:
    hall, court = make_venue(name="多功能厅"), make_venue(name="门球场", kind="court")
    in_hall = make_event(venue_id=hall, start=at(3, 9), title="合唱排练")
    make_event(venue_id=court, start=at(3, 9), title="门球训练")
    _version, text = build(scope("venue", hall))
    assert uids(text) == {f"event-{in_hall}@{HOST}"}
    assert str(vevents(text)[0]["LOCATION"]) == "多功能厅"


def test_events_outside_the_window_are_left_out(ctx: Flask, make_event: Callable[..., int]) -> None:
    make_event(start=at(3, 9, month=10), title="十月活动")
    december = make_event(start=at(3, 9), title="十二月活动")
    _version, text = build(scope("programme", window=Window(date(2026, 11, 1), date(2026, 12, 31))))
    assert uids(text) == {f"event-{december}@{HOST}"}
    _version, text = build(scope("programme", window=Window(date(2026, 10, 1), date(2026, 10, 31))))
    assert uids(text) == {f"event-{december - 1}@{HOST}"}


def test_a_weekly_activity_with_a_skipped_and_a_moved_day_expands_to_the_programme(
    ctx: Flask, make_event: Callable[..., int]
) -> None:
    event_id = make_event(start=at(1, 9), title="太极拳", weekdays=(1, 3), until=date(2026, 12, 31))
    event = db.session.get(Event, event_id)
    organizer = event.organizer
    events.skip_occurrence(event.occurrences[2], True, actor=organizer)
    events.move_occurrence(event.occurrences[4], at(15, 14), at(15, 16), actor=organizer)
    db.session.commit()
    _version, text = build(scope("programme"))
    calendar = vobject.readOne(text)
    master = next(e for e in calendar.vevent_list if not hasattr(e, "recurrence_id"))
    overrides = {
        e.recurrence_id.value: e for e in calendar.vevent_list if hasattr(e, "recurrence_id")
    }
    shown = sorted(
        (overrides[s].dtstart.value, overrides[s].dtend.value)
        if s in overrides
        else (s, s + timedelta(hours=2))
        for s in master.getrruleset(addRDate=True)
    )
    programme = sorted(
        (o.starts_at, o.ends_at)
        for o in db.session.get(Event, event_id).occurrences
        if not o.skipped
    )
    assert shown == programme
    assert len(shown) == 9  # ten Tuesdays and Thursdays, one skipped


def test_changing_an_event_raises_its_sequence_and_last_modified_and_its_version(
    ctx: Flask, make_event: Callable[..., int]
) -> None:
    event_id = make_event(start=at(3, 9), title="书法讲座", kind="lecture")
    before_version, before = build(scope("programme"))
    event = db.session.get(Event, event_id)
    old_sequence = event.sequence
    events.update_event(
        event,
        events.EventData(
            kind="lecture",
            title="书法讲座（改期）",
            venue_id=event.venue_id,
            starts_at=at(4, 9),
            ends_at=at(4, 11),
        ),
        actor=event.organizer,
    )
    db.session.commit()
    after_version, after = build(scope("programme"))
    assert after_version.etag != before_version.etag
    [changed] = vevents(after)
    assert int(changed["SEQUENCE"]) == old_sequence + 1 > int(vevents(before)[0]["SEQUENCE"]) - 1
    assert changed["DTSTART"].dt == at(4, 9)
    assert str(changed["UID"]) == str(vevents(before)[0]["UID"])
    assert changed["LAST-MODIFIED"].dt >= vevents(before)[0]["LAST-MODIFIED"].dt


def test_a_cancelled_event_stays_as_cancelled_for_thirty_days_then_leaves(
    ctx: Flask, make_event: Callable[..., int]
) -> None:
    event_id = make_event(start=at(3, 9), title="健康讲座", kind="health_clinic")
    event = db.session.get(Event, event_id)
    sequence = event.sequence
    events.set_status(event, "cancelled", actor=event.organizer)
    db.session.commit()
    _version, text = build(scope("programme"))
    [cancelled] = vevents(text)
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == sequence + 1
    assert "健康讲座" in str(cancelled["SUMMARY"])
    _version, later = build(scope("programme", now=utcnow() + timedelta(days=32)))
    assert vevents(later) == []
    # A download of the event itself still says what happened to it.
    _version, single = build(scope("event", event_id, now=utcnow() + timedelta(days=60)))
    assert str(vevents(single)[0]["STATUS"]) == "CANCELLED"


# ---- a person's feed --------------------------------------------------------------------------


def test_a_personal_feed_has_my_registrations_and_marks_the_waiting_list(
    ctx: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    me, other = make_user(), make_user()
    confirmed = make_event(start=at(3, 9), title="合唱比赛")
    waiting = make_event(start=at(4, 9), title="书法展")
    dropped = make_event(start=at(5, 9), title="象棋赛")
    not_mine = make_event(start=at(6, 9), title="舞蹈比赛")
    register(confirmed, me)
    register(waiting, me, "waiting")
    register(dropped, me, "cancelled")
    register(not_mine, other)
    _version, text = build(scope("personal", me))
    by_uid = {str(e["UID"]): e for e in vevents(text)}
    assert set(by_uid) == {f"event-{confirmed}@{HOST}", f"event-{waiting}@{HOST}"}
    assert str(by_uid[f"event-{confirmed}@{HOST}"]["STATUS"]) == "CONFIRMED"
    on_list = by_uid[f"event-{waiting}@{HOST}"]
    assert str(on_list["STATUS"]) == "TENTATIVE" and "书法展" in str(on_list["SUMMARY"])
    assert str(on_list["SUMMARY"]) != "书法展"


def test_a_cancelled_event_stays_in_my_feed_even_when_my_registration_went_with_it(
    ctx: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    me = make_user()
    event_id = make_event(start=at(3, 9), title="合唱比赛")
    registration_id = register(event_id, me)
    event = db.session.get(Event, event_id)
    events.set_status(event, "cancelled", actor=event.organizer)
    db.session.get(Registration, registration_id).status = "cancelled"
    db.session.commit()
    _version, text = build(scope("personal", me))
    [cancelled] = vevents(text)
    assert str(cancelled["STATUS"]) == "CANCELLED"


def test_a_change_of_my_registration_changes_my_feeds_version(
    ctx: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    me = make_user()
    registration_id = register(make_event(start=at(3, 9)), me, "waiting")
    before, _text = build(scope("personal", me))
    db.session.get(Registration, registration_id).status = "confirmed"
    db.session.commit()
    after, _text = build(scope("personal", me))
    assert after.etag != before.etag


def test_other_areas_plug_in_sources_that_appear_in_the_feed_and_its_version(
    ctx: Flask, make_user: Callable[..., int], monkeypatch: pytest.MonkeyPatch
) -> None:
    me = make_user()
    monkeypatch.setattr(feeds, "SOURCES", {k: list(v) for k, v in feeds.SOURCES.items()})
    rounds = {"court": "门球场 A"}

    def matches(the_scope: feeds.Scope) -> list[CalendarItem]:
        return [
            CalendarItem(
                uid=make_uid("match", 7, the_scope.host),
                summary="第一轮：丰台一队 对 丰台二队",
                starts_at=at(5, 9),
                ends_at=at(5, 10),
                last_modified=datetime(2026, 11, 1, tzinfo=at(1, 0).tzinfo),
                location=rounds["court"],
            )
        ]

    feeds.register_source(
        "personal", feeds.Source("matches", lambda s: (rounds["court"], None), matches)
    )
    before, text = build(scope("personal", me))
    [match] = vevents(text)
    assert str(match["UID"]) == f"match-7@{HOST}" and str(match["LOCATION"]) == "门球场 A"
    rounds["court"] = "门球场 B"
    after, _text = build(scope("personal", me))
    assert after.etag != before.etag
    with pytest.raises(ValueError):
        feeds.register_source("nowhere", feeds.Source("x", matches, matches))  # type: ignore[arg-type]


# ---- secret addresses -------------------------------------------------------------------------


def test_the_token_is_derived_with_the_secret_key_and_a_new_one_retires_the_old(
    ctx: Flask, make_user: Callable[..., int]
) -> None:
    user = db.session.get(User, make_user())
    first = feeds.new_token(user, actor=user)
    # The database holds only a seed: without the app's secret key the address cannot be built.
    assert first not in user.calendar_secret and len(first) >= 40
    assert feeds.current_token(user) == first
    ctx.config["SECRET_KEY"], saved = "another key", ctx.config["SECRET_KEY"]
    try:
        assert feeds.user_for_token(user.id, first) is None
    finally:
        ctx.config["SECRET_KEY"] = saved
    assert feeds.user_for_token(user.id, first) is user
    second = feeds.new_token(user, actor=user)
    assert feeds.user_for_token(user.id, first) is None
    assert feeds.user_for_token(user.id, second) is user
    feeds.revoke_token(user, actor=user)
    assert feeds.user_for_token(user.id, second) is None


@pytest.mark.parametrize("user_id", [0, -1, 999_999, 2**40])
def test_unknown_users_and_wrong_tokens_find_nobody(
    ctx: Flask, make_user: Callable[..., int], user_id: int
) -> None:
    user = db.session.get(User, make_user())
    token = feeds.new_token(user, actor=user)
    assert feeds.user_for_token(user_id, token) is None
    assert feeds.user_for_token(user.id, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert feeds.user_for_token(user.id, token + "x" * 200) is None
    assert feeds.user_for_token(user.id, "") is None


def test_an_inactive_users_address_finds_nobody(ctx: Flask, make_user: Callable[..., int]) -> None:
    user = db.session.get(User, make_user())
    token = feeds.new_token(user, actor=user)
    user.active = False
    assert feeds.user_for_token(user.id, token) is None
