"""Notices: every change that matters to a member leaves one, in words, once per person; staff
write to a list; text messages are queued only when the gateway is configured."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import select

from eventsys import versions
from eventsys.errors import EventsysError, Forbidden
from eventsys.extensions import db
from eventsys.models import AuditRecord, Group, GroupMember, Notice, User
from eventsys.models.notices import OutboundMessage
from eventsys.services import contests, notices
from eventsys.services import events as event_service
from eventsys.services import registrations as service
from eventsys.services.tournament_results import ResultInput, record_result
from eventsys.services.tournaments import all_matches, make_draw
from tests.conftest import at
from tests.services import test_registrations as registration_tests
from tests.services.test_tournaments_helpers import setup_tournament

# The registration tests' fixtures, shared (test arguments of the same names use them).
make_open_event = registration_tests.make_open_event
people = registration_tests.people
OPEN = registration_tests.OPEN
LATER = OPEN + timedelta(hours=1)


def told(kind: str) -> list[int]:
    """Who has a notice of *kind*, in id order."""
    return sorted(db.session.scalars(select(Notice.user_id).where(Notice.kind == kind)))


def sentences(user: User) -> list[str]:
    rows = db.session.scalars(select(Notice).where(Notice.user_id == user.id).order_by(Notice.id))
    return [notices.sentence_of(notice) for notice in rows]


@pytest.fixture
def registered(make_open_event, people):  # type: ignore[no-untyped-def]
    """An open event with one member registered: (event, member, its organizer)."""
    event = make_open_event()
    (member,) = people(1)
    service.register(event, member, by=member, now=OPEN)
    return event, member, db.session.get(User, event.organizer_id)


@pytest.fixture
def sms(ctx: Flask) -> Iterator[None]:
    """The gateway configured for one test (the worker is not run: nothing is sent)."""
    ctx.config["SMS_URL"] = "http://127.0.0.1:9/sms"
    yield
    ctx.config["SMS_URL"] = None


def test_cancelling_an_event_tells_every_registrant_once_with_the_reason(  # type: ignore[no-untyped-def]
    make_open_event, people
) -> None:
    event = make_open_event(capacity=1)
    a, b, _c = people(3)
    for person in (a, b):
        service.register(event, person, by=person, now=OPEN)
    organizer = db.session.get(User, event.organizer_id)
    event_service.set_status(event, "cancelled", actor=organizer, reason="礼堂维修", now=LATER)
    db.session.commit()
    assert told("event_cancelled") == sorted([a.id, b.id])  # confirmed and waiting, not c
    (sentence,) = sentences(a)
    assert sentence == (
        "“舞蹈排练” (10 Dec 2026, Thu 09:00) is cancelled and will not take place. Reason: 礼堂维修"
    )


def test_a_notice_raises_the_persons_version_so_their_cached_pages_are_rebuilt(  # type: ignore[no-untyped-def]
    make_open_event, people
) -> None:
    event = make_open_event()
    (a,) = people(1)
    before = versions.read(db.session, [versions.person(a.id)])
    notices.notify([a.id], "promoted", now=LATER, event=event)
    db.session.commit()
    after = versions.read(db.session, [versions.person(a.id)])
    assert after[versions.person(a.id)] == before[versions.person(a.id)] + 1


def test_moving_and_skipping_a_sitting_tell_the_registrants_when(registered) -> None:  # type: ignore[no-untyped-def]
    event, a, organizer = registered
    (sitting,) = event.occurrences
    event_service.move_occurrence(sitting, at(11, 15), at(11, 17), actor=organizer)
    event_service.skip_occurrence(sitting, True, actor=organizer, reason="节日")
    event_service.skip_occurrence(sitting, False, actor=organizer)
    db.session.commit()
    assert sentences(a) == [
        "The sitting of “舞蹈排练” on 10 Dec 2026, Thu 09:00 is moved to 11 Dec 2026, Fri 15:00.",
        "The sitting of “舞蹈排练” on 11 Dec 2026, Fri 15:00 is called off. Reason: 节日",
        "The sitting of “舞蹈排练” on 11 Dec 2026, Fri 15:00 takes place after all.",
    ]


def test_changing_an_events_time_tells_the_registrants_the_new_time_and_room(registered) -> None:  # type: ignore[no-untyped-def]
    event, a, organizer = registered
    data = event_service.EventData(
        kind=event.kind,
        title=event.title,
        venue_id=event.venue_id,
        starts_at=at(12, 10),
        ends_at=at(12, 12),
        registration_mode="individual",
        registration_opens_at=OPEN,
    )
    event_service.update_event(event, data, actor=organizer)
    db.session.commit()
    (sentence,) = sentences(a)
    assert sentence.startswith("“舞蹈排练” has changed: it now starts 12 Dec 2026, Sat 10:00 in ")
    assert event.venue.name in sentence


def test_approval_and_refusal_each_tell_the_person(make_open_event, people) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(requires_approval=True)
    a, b = people(2)
    first = service.register(event, a, by=a, now=OPEN)
    second = service.register(event, b, by=b, now=OPEN)
    organizer = db.session.get(User, event.organizer_id)
    service.decide(first, True, by=organizer, now=LATER)
    service.decide(second, False, by=organizer, now=LATER)
    db.session.commit()
    assert told("approved") == [a.id] and told("rejected") == [b.id]
    assert sentences(b) == [
        "Your registration for “舞蹈排练” (10 Dec 2026, Thu 09:00) was not accepted."
    ]


def test_a_named_team_mate_is_told_who_named_them(make_open_event, people) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(registration_mode="team", roster_min=2)
    captain, mate = people(2)
    service.register_team(
        event, captain, service.TeamEntry("银发队", (mate.id,)), by=captain, now=OPEN
    )
    db.session.commit()
    assert told("invited") == [mate.id]
    (sentence,) = sentences(mate)
    assert captain.name in sentence and "银发队" in sentence and "舞蹈排练" in sentence
    # Answered, the invitation's notice is read: it no longer counts or shows.
    (invitation,) = service.open_invitations(mate)
    service.accept_invitation(invitation.id, by=mate, now=LATER)
    db.session.commit()
    seen = db.session.scalars(select(Notice.seen_at).where(Notice.user_id == mate.id)).all()
    assert seen == [LATER]


def test_published_results_tell_the_contestants(ctx: Flask, make_event, make_user) -> None:  # type: ignore[no-untyped-def]
    from tests.services.test_contests import build_world, score, set_up, user

    w = build_world(ctx, make_event, make_user, entries=2, judges=1)
    contest = set_up(w, tiers=(contests.TierData("一等奖", Decimal(3), quota=1),))
    for entry_id in w.entry_ids:
        score(contest, w.judge_ids[0], entry_id, [20, 20, 15, 15])
    from eventsys.services import results

    results.publish(contest, actor=user(w.organizer_id))
    db.session.commit()
    people_told = told("results_published")
    assert len(people_told) == 2
    assert sentences(db.session.get(User, people_told[0])) == [
        "The results of “城区诗词大赛” are published."
    ]


def test_the_last_result_of_a_tournament_tells_every_team(
    ctx: Flask, make_event, make_user
) -> None:  # type: ignore[no-untyped-def]
    organizer = db.session.get(User, make_user(roles=("organizer",)))
    tournament, (a, _b) = setup_tournament(make_event, organizer, "score", ["甲队", "乙队"])
    make_draw(tournament, "round_robin", actor=organizer)
    (match,) = all_matches(tournament)
    record_result(match, ResultInput(outcome="walkover", winner_id=a), actor=organizer)
    db.session.commit()
    assert len(told("tournament_finished")) == 2


def test_staff_write_to_an_events_registrants_by_status(make_open_event, people) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(capacity=1)
    a, b = people(2)
    for person in (a, b):
        service.register(event, person, by=person, now=OPEN)
    organizer = db.session.get(User, event.organizer_id)
    count = notices.send_message(
        "请带水杯", by=organizer, now=LATER, event=event, statuses=["waiting"]
    )
    db.session.commit()
    assert count == 1 and told("message") == [b.id]
    assert sentences(b) == ["About “舞蹈排练”: 请带水杯"]
    record = db.session.scalars(
        select(AuditRecord).where(AuditRecord.action == "notice.send")
    ).one()
    assert record.after == {"text": "请带水杯", "people": 1, "statuses": ["waiting"]}


def test_a_notice_to_an_empty_list_is_refused_and_nothing_is_written(  # type: ignore[no-untyped-def]
    make_open_event, people
) -> None:
    event = make_open_event()
    organizer = db.session.get(User, event.organizer_id)
    with pytest.raises(EventsysError, match="Nobody would receive"):
        notices.send_message("明天见", by=organizer, now=LATER, event=event)
    group = Group(name="晓月诗社", kind="society")
    db.session.add(group)
    db.session.flush()
    with pytest.raises(EventsysError, match="Nobody would receive"):
        notices.send_message("明天见", by=organizer, now=LATER, group=group)
    assert db.session.scalars(select(Notice)).all() == []


def test_staff_write_to_a_groups_members(make_open_event, people) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event()
    organizer = db.session.get(User, event.organizer_id)
    a, b = people(2)
    group = Group(name="金秋艺术团", kind="troupe")
    db.session.add(group)
    db.session.flush()
    db.session.add_all([GroupMember(group_id=group.id, user_id=p.id) for p in (a, b)])
    db.session.flush()
    assert notices.send_message("周三排练改到下午", by=organizer, now=LATER, group=group) == 2
    assert sentences(a) == ["To the members of 金秋艺术团: 周三排练改到下午"]


def test_a_notice_too_long_blank_or_from_a_member_is_refused(registered) -> None:  # type: ignore[no-untyped-def]
    event, a, organizer = registered
    with pytest.raises(EventsysError, match="300") as long:
        notices.send_message("长" * 301, by=organizer, now=LATER, event=event)
    assert long.value.field == "text"
    with pytest.raises(EventsysError, match="write the notice"):
        notices.send_message("   ", by=organizer, now=LATER, event=event)
    with pytest.raises(Forbidden):
        notices.send_message("hello", by=a, now=LATER, event=event)
    assert notices.send_message("长" * 300, by=organizer, now=LATER, event=event) == 1


def test_without_the_gateway_nothing_is_queued(make_open_event, people) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event()
    (a,) = people(1, phone="13800138000")
    notices.notify([a.id], "promoted", now=LATER, event=event)
    assert db.session.scalars(select(OutboundMessage)).all() == []
    assert told("promoted") == [a.id]


def test_with_the_gateway_a_text_is_queued_for_members_with_a_phone_who_want_one(  # type: ignore[no-untyped-def]
    sms, make_open_event, people, make_user
) -> None:
    event = make_open_event()
    wants = db.session.get(User, make_user(phone="13800138001"))
    english = db.session.get(User, make_user(phone="13800138002"))
    english.language = "en"
    wants.language = "zh_CN"
    declined = db.session.get(User, make_user(phone="13800138003"))
    declined.sms_opt_out = True
    (no_phone,) = people(1)
    db.session.flush()
    everyone = [wants.id, english.id, declined.id, no_phone.id]
    assert notices.notify(everyone, "promoted", now=LATER, event=event) == 4
    queued = db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.to)).all()
    assert [(m.to, m.status, m.attempts) for m in queued] == [
        ("13800138001", "queued", 0),
        ("13800138002", "queued", 0),
    ]
    assert "舞蹈排练" in queued[0].text and "2026年12月10日" in queued[0].text
    assert queued[1].text.startswith("A place became free")
    notice_of = {nid: uid for nid, uid in db.session.execute(select(Notice.id, Notice.user_id))}
    assert [notice_of[m.notice_id] for m in queued] == [wants.id, english.id]


def test_a_change_rolled_back_queues_nothing(sms, make_open_event, people) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event()
    (a,) = people(1, phone="13800138004")
    notices.notify([a.id], "promoted", now=LATER, event=event)
    db.session.rollback()
    assert db.session.scalars(select(OutboundMessage)).all() == []
    assert db.session.scalars(select(Notice)).all() == []


def test_every_kind_has_its_own_sentence(ctx: Flask) -> None:
    from eventsys.labels import NOTICE_SENTENCES, NOTICE_UNKNOWN

    texts = [str(label) for label in NOTICE_SENTENCES.values()]
    assert len(set(texts)) == len(texts) and str(NOTICE_UNKNOWN) not in texts
    assert notices.sentence("no_such_kind", None, None) == "A notice about “”."
