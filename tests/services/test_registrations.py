"""Registration: places, the waiting list, promotion, teams and rosters, approval, check-in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from eventsys.errors import Conflict, EventsysError, Forbidden, NotFound
from eventsys.extensions import db
from eventsys.models import AuditRecord, Event, Notice, Occurrence, Registration, User
from eventsys.services import registrations as service
from tests.conftest import at

OPEN = at(1, 9)  # registration opens 1 Dec; the event is on 10 Dec


@pytest.fixture
def make_open_event(ctx: Flask, make_event: Callable[..., int]) -> Callable[..., Event]:
    def make(**settings: object) -> Event:
        event = db.session.get(Event, make_event(start=at(10, 9), status="draft"))
        for name, value in {
            "registration_mode": "individual",
            "registration_opens_at": OPEN,
            **settings,
        }.items():
            setattr(event, name, value)
        event.status = "published"
        db.session.commit()
        return event

    return make


@pytest.fixture
def people(ctx: Flask, make_user: Callable[..., int]) -> Callable[[int], list[User]]:
    def make(count: int, **kwargs: object) -> list[User]:
        return [db.session.get(User, make_user(**kwargs)) for _ in range(count)]

    return make


def test_past_capacity_registrations_wait_in_order(make_open_event, people) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(capacity=2)
    a, b, c, d = people(4)
    statuses = [
        service.register(event, p, by=p, now=OPEN + timedelta(minutes=i)).status
        for i, p in enumerate((a, b, c, d))
    ]
    assert statuses == ["confirmed", "confirmed", "waiting", "waiting"]
    regs = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    assert [service.queue_position(r) for r in regs] == [None, None, 1, 2]


def test_a_cancellation_promotes_the_first_waiting_person_and_tells_them(
    make_open_event, people
) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(capacity=1)
    a, b, c = people(3)
    first = service.register(event, a, by=a, now=OPEN)
    second = service.register(event, b, by=b, now=OPEN + timedelta(minutes=1))
    service.register(event, c, by=c, now=OPEN + timedelta(minutes=2))
    promoted = service.cancel(first, by=a, now=OPEN + timedelta(hours=1))
    assert promoted == [second] and second.status == "confirmed"
    assert db.session.scalars(select(Notice.user_id)).all() == [b.id]
    assert service.places_left(event) == 0


def test_the_first_waiting_entry_that_fits_is_promoted_when_places_count_people(
    make_open_event, people
) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(capacity=6, registration_mode="team", roster_min=1)
    captains = people(3)
    helpers = people(8)
    big = service.register_team(
        event,
        captains[0],
        service.TeamEntry("大队", tuple(h.id for h in helpers[:3])),
        by=captains[0],
        now=OPEN,
    )  # 4 people
    queued_big = service.register_team(
        event,
        captains[1],
        service.TeamEntry("二队", tuple(h.id for h in helpers[3:7])),
        by=captains[1],
        now=OPEN + timedelta(minutes=1),
    )  # 5
    small = service.register_team(
        event,
        captains[2],
        service.TeamEntry("小队", ()),
        by=captains[2],
        now=OPEN + timedelta(minutes=2),
    )  # 1 person: fits now
    assert (big.status, queued_big.status, small.status) == ("confirmed", "waiting", "confirmed")
    service.cancel(small, by=captains[2], now=OPEN + timedelta(hours=1))
    assert queued_big.status == "waiting"  # 5 people do not fit in 2 places


def test_registering_twice_is_refused_and_changes_nothing(make_open_event, people) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(capacity=10)
    (a,) = people(1)
    service.register(event, a, by=a, now=OPEN)
    with pytest.raises(Conflict):
        service.register(event, a, by=a, now=OPEN)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_after_cancelling_a_person_may_register_again(make_open_event, people) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(capacity=10)
    (a,) = people(1)
    service.cancel(service.register(event, a, by=a, now=OPEN), by=a, now=OPEN)
    assert service.register(event, a, by=a, now=OPEN).status == "confirmed"


@pytest.mark.parametrize(
    ("settings", "when", "message"),
    [
        ({}, OPEN - timedelta(seconds=1), "not opened"),
        ({"registration_closes_at": at(5, 9)}, at(5, 9), "closed"),
        ({}, at(10, 9), "closed"),  # by default registration closes when the event starts
        ({"registration_mode": "none"}, OPEN, "no registration"),
    ],
)
def test_registering_outside_the_window_is_refused(
    make_open_event,
    people,
    settings,
    when,  # type: ignore[no-untyped-def]
    message,
) -> None:
    event = make_open_event(capacity=10, **settings)
    (a,) = people(1)
    with pytest.raises(EventsysError, match=message):
        service.register(event, a, by=a, now=when)


def test_a_cancelled_or_draft_event_takes_no_registrations(make_open_event, people) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event()
    (a,) = people(1)
    event.status = "cancelled"
    with pytest.raises(EventsysError, match="cancelled"):
        service.register(event, a, by=a, now=OPEN)
    event.status = "draft"
    with pytest.raises(NotFound):
        service.register(event, a, by=a, now=OPEN)


def test_an_organizer_registers_a_member_who_phoned_in(make_open_event, people) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(capacity=10)
    (member,) = people(1)
    (organizer,) = people(1, roles=("organizer",))
    registration = service.register(event, member, by=organizer, now=OPEN - timedelta(days=1))
    assert (registration.captain_id, registration.registered_by_id) == (member.id, organizer.id)


def test_a_participant_cannot_register_someone_else(make_open_event, people) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event()
    a, b = people(2)
    with pytest.raises(Forbidden):
        service.register(event, b, by=a, now=OPEN)


def test_gateball_rosters_need_five_players_and_at_most_three_substitutes(
    make_open_event, people
) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(
        capacity=16,
        registration_mode="team",
        capacity_counts="entries",
        roster_min=5,
        roster_max=5,
        substitutes_max=3,
    )
    captain, *others = people(10)
    too_small = service.TeamEntry("少一人", tuple(p.id for p in others[:3]))
    with pytest.raises(EventsysError, match="at least 5"):
        service.register_team(event, captain, too_small, by=captain, now=OPEN)
    too_many_subs = service.TeamEntry(
        "替补多", tuple(p.id for p in others[:4]), tuple(p.id for p in others[4:8])
    )
    with pytest.raises(EventsysError, match="at most 3 substitutes"):
        service.register_team(event, captain, too_many_subs, by=captain, now=OPEN)
    good = service.TeamEntry(
        "方庄门球队", tuple(p.id for p in others[:4]), tuple(p.id for p in others[4:7])
    )
    registration = service.register_team(event, captain, good, by=captain, now=OPEN)
    assert registration.size == 8 and registration.status == "confirmed"
    # The captain is on the roster; the others named are invited until they accept.
    assert [m.role for m in registration.members] == ["captain"]
    assert [i.role for i in service.invitations_of(registration)] == ["player"] * 4 + [
        "substitute"
    ] * 3
    assert service.places_taken(event) == 1  # places count entries here


def test_a_person_may_not_be_on_two_rosters_of_one_contest(make_open_event, people) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(registration_mode="team", roster_min=2)
    a, b, shared = people(3)
    team = service.register_team(event, a, service.TeamEntry("甲队", (shared.id,)), by=a, now=OPEN)
    (invitation,) = service.invitations_of(team)
    service.accept_invitation(invitation.id, by=shared, now=OPEN)
    with pytest.raises(Conflict, match=shared.name):
        service.register_team(event, b, service.TeamEntry("乙队", (shared.id,)), by=b, now=OPEN)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_an_organisation_may_enter_at_most_its_limit_of_teams(
    make_open_event, people, make_user
) -> None:  # type: ignore[no-untyped-def]
    from eventsys.models import Organisation

    unit = Organisation(name="卢沟桥街道")
    db.session.add(unit)
    db.session.commit()
    event = make_open_event(registration_mode="team", max_entries_per_organisation=2)
    captains = people(3, organisation_id=unit.id)
    for index, captain in enumerate(captains[:2]):
        service.register_team(
            event, captain, service.TeamEntry(f"队{index}", ()), by=captain, now=OPEN
        )
    with pytest.raises(EventsysError, match="2 entries"):
        service.register_team(
            event, captains[2], service.TeamEntry("队3", ()), by=captains[2], now=OPEN
        )


def test_a_forged_roster_member_id_is_refused(make_open_event, people) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(registration_mode="team")
    (captain,) = people(1)
    with pytest.raises(NotFound):
        service.register_team(
            event, captain, service.TeamEntry("队", (999999,)), by=captain, now=OPEN
        )


def test_approval_holds_the_place_and_a_rejection_promotes_the_next(
    make_open_event, people
) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(capacity=1, requires_approval=True)
    a, b = people(2)
    (organizer,) = people(1, roles=("organizer",))
    first = service.register(event, a, by=a, now=OPEN)
    second = service.register(event, b, by=b, now=OPEN)
    assert (first.status, second.status) == ("pending", "waiting")
    service.decide(first, False, by=organizer, now=OPEN)
    assert (first.status, second.status) == ("rejected", "pending")
    service.decide(second, True, by=organizer, now=OPEN)
    assert second.status == "confirmed"
    with pytest.raises(Forbidden):
        service.decide(second, True, by=a, now=OPEN)


def test_participants_cancel_only_their_own_and_only_before_the_deadline(
    make_open_event, people
) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(cancel_deadline=at(8, 18))
    a, b = people(2)
    registration = service.register(event, a, by=a, now=OPEN)
    with pytest.raises(Forbidden):
        service.cancel(registration, by=b, now=OPEN)
    with pytest.raises(EventsysError, match="deadline"):
        service.cancel(registration, by=a, now=at(8, 18))
    assert registration.status == "confirmed"
    service.cancel(registration, by=a, now=at(8, 17))
    assert registration.status == "cancelled"
    actions = db.session.scalars(select(AuditRecord.action).order_by(AuditRecord.id)).all()
    assert actions[-2:] == ["registration.create", "registration.cancel"]


def test_entry_titles_and_texts_are_required_where_the_contest_asks(
    make_open_event, people
) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(asks_title=True, asks_text=True)
    (poet,) = people(1)
    with pytest.raises(EventsysError) as refusal:
        service.register(event, poet, by=poet, now=OPEN, title="秋思")
    assert refusal.value.field == "text"
    registration = service.register(
        event, poet, by=poet, now=OPEN, title="秋思", text="枯藤老树昏鸦，小桥流水人家。"
    )
    assert registration.title == "秋思"


def test_check_in_needs_a_confirmed_registration_and_happens_once(make_open_event, people) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(capacity=1)
    a, b = people(2)
    (staff,) = people(1, roles=("organizer",))
    service.register(event, a, by=a, now=OPEN)
    service.register(event, b, by=b, now=OPEN)  # waiting
    sitting = db.session.scalars(select(Occurrence).where(Occurrence.event_id == event.id)).one()
    service.check_in(sitting, a, by=staff, method="list", now=at(10, 8, 50))
    with pytest.raises(Conflict, match="already checked in"):
        service.check_in(sitting, a, by=staff, method="qr", now=at(10, 8, 51))
    with pytest.raises(EventsysError, match="no confirmed registration"):
        service.check_in(sitting, b, by=staff, method="list", now=at(10, 8, 52))
    with pytest.raises(Forbidden):
        service.check_in(sitting, a, by=a, method="list", now=at(10, 8, 52))


def test_walk_ins_are_recorded_for_open_activities(make_open_event, people) -> None:  # type: ignore[no-untyped-def]
    event = make_open_event(registration_mode="none", walk_ins=True)
    (visitor,) = people(1)
    (staff,) = people(1, roles=("organizer",))
    sitting = db.session.scalars(select(Occurrence).where(Occurrence.event_id == event.id)).one()
    attendance = service.check_in(sitting, visitor, by=staff, method="walk_in", now=at(10, 9))
    assert attendance.registration_id is None
