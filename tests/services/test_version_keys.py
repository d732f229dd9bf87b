"""Which aggregates a change raises (the models' version_keys), so that the kept pages that
show it, and only those, are built again (eventsys.web.caching)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from eventsys import versions
from eventsys.extensions import db
from eventsys.models import Event, Occurrence, Organisation, Registration, User, Venue
from eventsys.services import registrations
from eventsys.services import tournaments as tournament_service
from eventsys.services.tournament_results import ResultInput, record_result
from eventsys.timeutil import to_local, utcnow
from tests.conftest import at
from tests.services.test_tournaments_helpers import find_match, setup_tournament


@pytest.fixture
def heard() -> Iterator[list[set[str]]]:
    calls: list[set[str]] = []

    def listener(values: Mapping[str, int]) -> None:
        calls.append(set(values))

    versions.on_commit(listener)
    yield calls
    versions._on_commit.remove(listener)


def keys_of(heard: list[set[str]]) -> set[str]:
    raised = set().union(*heard) if heard else set()
    heard.clear()
    return raised


def test_a_sitting_moved_to_another_week_and_room_raises_both_rooms_weeks(
    ctx: Flask,
    heard: list[set[str]],
    make_event: Callable[..., int],
    make_venue: Callable[..., int],
) -> None:
    hall, studio = make_venue(), make_venue()
    event_id = make_event(venue_id=hall, start=at(3, 9))  # Thursday of ISO week 49
    occurrence = db.session.scalars(select(Occurrence).where(Occurrence.event_id == event_id)).one()
    heard.clear()
    occurrence.starts_at += timedelta(days=7)
    occurrence.ends_at += timedelta(days=7)
    occurrence.venue_id = studio
    db.session.commit()
    assert keys_of(heard) == {
        f"event:{event_id}",
        "programme",
        f"venue:{hall}:2026-W49",
        f"venue:{hall}:2026-W50",
        f"venue:{studio}:2026-W49",
        f"venue:{studio}:2026-W50",
    }


def test_a_sitting_late_on_a_sunday_belongs_to_the_week_of_its_local_date(
    ctx: Flask, heard: list[set[str]], make_event: Callable[..., int], venue: int
) -> None:
    """23:30 on Sunday 6 December in Beijing is 15:30 UTC: still ISO week 49 there."""
    heard.clear()
    event_id = make_event(venue_id=venue, start=at(6, 23, 30), hours=0.25)
    raised = keys_of(heard)
    assert f"venue:{venue}:2026-W49" in raised and f"venue:{venue}:2026-W50" not in raised
    assert f"event:{event_id}" in raised


def test_a_renamed_event_raises_the_weeks_of_its_sittings(
    ctx: Flask, heard: list[set[str]], make_event: Callable[..., int], venue: int
) -> None:
    event_id = make_event(venue_id=venue, start=at(3, 9), weekdays=(3,), until=at(17, 9).date())
    heard.clear()
    db.session.get(Event, event_id).title = "新的名字"
    db.session.commit()
    assert keys_of(heard) == {
        f"event:{event_id}",
        "programme",
        f"venue:{venue}:2026-W49",
        f"venue:{venue}:2026-W50",
        f"venue:{venue}:2026-W51",
    }
    db.session.get(Event, event_id).capacity = 12  # not shown in a room's week
    db.session.commit()
    assert keys_of(heard) == {f"event:{event_id}", "programme"}


def test_a_registration_raises_its_event_the_programme_and_its_peoples_feeds_only(
    ctx: Flask, heard: list[set[str]], make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    event_id = make_event(start=utcnow() + timedelta(days=3), capacity=10)
    other_event = make_event(start=utcnow() + timedelta(days=4), capacity=10)
    db.session.get(Event, event_id).registration_mode = "individual"
    db.session.commit()
    person_id = make_user()
    heard.clear()
    person = db.session.get(User, person_id)
    registrations.register(db.session.get(Event, event_id), person, by=person, now=utcnow())
    db.session.commit()
    raised = keys_of(heard)
    assert raised == {f"event:{event_id}", "programme", f"person:{person_id}"}
    assert f"event:{other_event}" not in raised


def test_a_rename_of_a_person_a_room_or_an_organisation_raises_the_names(
    ctx: Flask, heard: list[set[str]], make_user: Callable[..., int], make_venue: Callable[..., int]
) -> None:
    user_id, venue_id = make_user(), make_venue()
    db.session.add(Organisation(name="第九干休所"))
    db.session.commit()
    heard.clear()
    db.session.get(User, user_id).name = "新名字"
    db.session.commit()
    assert keys_of(heard) == {f"person:{user_id}", "names"}
    db.session.get(User, user_id).language = "en"  # their own pages only
    db.session.commit()
    assert keys_of(heard) == {f"person:{user_id}"}
    db.session.get(Venue, venue_id).name = "新厅"
    db.session.commit()
    assert keys_of(heard) == {f"venue:{venue_id}", "names"}
    db.session.scalars(select(Organisation)).first().name = "第十干休所"
    db.session.commit()
    assert keys_of(heard) == {"names"}


def test_a_new_account_raises_only_its_own_key(
    ctx: Flask, heard: list[set[str]], make_user: Callable[..., int]
) -> None:
    """A sign-up on registration day must not throw away every page."""
    user_id = make_user()
    assert keys_of(heard) == {f"person:{user_id}"}


def test_a_withdrawn_registration_raises_its_event(
    ctx: Flask, heard: list[set[str]], make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    event_id = make_event(start=utcnow() + timedelta(days=3))
    captain = make_user()
    registration = Registration(
        event_id=event_id, kind="individual", captain_id=captain, status="confirmed", size=1
    )
    db.session.add(registration)
    db.session.commit()
    heard.clear()
    registration.status = "cancelled"
    db.session.commit()
    assert keys_of(heard) == {f"event:{event_id}", "programme", f"person:{captain}"}


def test_the_week_key_of_a_sitting_is_its_local_week(
    ctx: Flask, make_event: Callable[..., int]
) -> None:
    event_id = make_event(start=at(7, 0, 30))  # Monday 00:30 in Beijing, Sunday 16:30 UTC
    occurrence = db.session.scalars(select(Occurrence).where(Occurrence.event_id == event_id)).one()
    assert to_local(occurrence.starts_at).date().isoformat() == "2026-12-07"
    assert occurrence.week_key().endswith(":2026-W50")


def test_a_match_moved_raises_the_programme_and_a_result_only_its_tournament(
    ctx: Flask, heard: list[set[str]], make_event: Callable[..., int], organizer: User
) -> None:
    """The calendar feeds show when and where a match is played, not its score."""
    tournament, (a, b, _c, _d) = setup_tournament(
        make_event, organizer, "score", ["甲", "乙", "丙", "丁"], courts=3
    )
    tournament_service.make_draw(tournament, "round_robin", actor=organizer)
    tournament_service.make_schedule(tournament, actor=organizer)
    db.session.commit()
    match = find_match(tournament, a, b)
    heard.clear()
    tournament_service.move_match(match, court_id=match.court_id, slot=10, actor=organizer)
    db.session.commit()
    assert keys_of(heard) >= {f"tournament:{tournament.id}", "programme"}
    record_result(match, ResultInput(score_a=1, score_b=0), actor=organizer)
    db.session.commit()
    raised = keys_of(heard)
    assert f"tournament:{tournament.id}" in raised and "programme" not in raised
