"""回避 by person: a judge of a contest may not enter it, nor score an entry they are on."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from eventsys.errors import EventsysError, Forbidden
from eventsys.extensions import db
from eventsys.models import Event, Registration, RegistrationMember
from eventsys.models.contests import Mark, PlacingSheet
from eventsys.services import contests, judging, registrations
from tests.conftest import at
from tests.services.test_contests import World, entry, score, set_up, user


def open_for(w: World, mode: str) -> Event:
    event = db.session.get(Event, w.event_id)
    event.registration_mode = mode
    db.session.commit()
    return event


def put_on_roster(w: World, user_id: int, entry_id: int) -> None:
    """What the database held before the fix: a panel judge on an entry's roster."""
    db.session.add(
        RegistrationMember(
            event_id=w.event_id, registration_id=entry_id, user_id=user_id, role="player"
        )
    )
    db.session.commit()


def entries_of(event_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count()).select_from(Registration).where(Registration.event_id == event_id)
        )
        or 0
    )


def test_a_judge_on_the_panel_cannot_register_for_the_contest(
    world: Callable[..., World],
) -> None:
    w = world(judges=2)
    set_up(w)
    event = open_for(w, "individual")
    before = entries_of(w.event_id)
    judge = user(w.judge_ids[0])
    with pytest.raises(EventsysError, match="评委1"):
        registrations.register(event, judge, by=judge, now=at(1, 9), title="我的诗")
    db.session.rollback()
    assert entries_of(w.event_id) == before


def test_a_team_naming_a_panel_judge_is_refused(
    world: Callable[..., World], make_user: Callable[..., int]
) -> None:
    w = world(judges=2)
    set_up(w)
    event = open_for(w, "team")
    captain_id = make_user(name="队长")
    before = entries_of(w.event_id)
    captain = user(captain_id)
    with pytest.raises(EventsysError, match="评委2") as refusal:
        registrations.register_team(
            event,
            captain,
            registrations.TeamEntry("金秋队", (captain_id, w.judge_ids[1])),
            by=captain,
            now=at(1, 9),
        )
    assert refusal.value.field == "players"
    db.session.rollback()
    assert entries_of(w.event_id) == before


def test_someone_with_an_entry_cannot_be_appointed_to_the_panel(
    world: Callable[..., World], make_user: Callable[..., int]
) -> None:
    w = world(judges=2)
    contest = set_up(w)
    entrant = make_user(roles=("judge",), name="参赛评委")
    put_on_roster(w, entrant, w.entry_ids[0])
    with pytest.raises(EventsysError, match="参赛评委") as refusal:
        contests.appoint_panel(contest, [*w.judge_ids, entrant], actor=user(w.organizer_id))
    assert refusal.value.field == "judges"
    db.session.rollback()
    assert [a.judge_id for a in contests.contest_for_event(entry(w.entry_ids[0]).event).panel] == (
        w.judge_ids
    )


@pytest.mark.parametrize("blind", [False, True])
def test_a_judge_on_an_entrys_roster_cannot_score_it(
    world: Callable[..., World], blind: bool
) -> None:
    w = world(judges=2)
    contest = set_up(w, blind=blind)
    put_on_roster(w, w.judge_ids[0], w.entry_ids[1])
    with pytest.raises(Forbidden, match="回避"):
        score(contest, w.judge_ids[0], w.entry_ids[1], [20, 20, 15, 15])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Mark)) == 0
    # The judge's list says so instead of offering the sheet, and other entries stay theirs.
    rows = {row.entry.id: row for row in judging.sheets_of(contest, user(w.judge_ids[0]))}
    assert rows[w.entry_ids[1]].excluded
    assert not rows[w.entry_ids[0]].excluded
    score(contest, w.judge_ids[0], w.entry_ids[0], [20, 20, 15, 15])


def test_a_judge_on_a_couples_roster_cannot_place_the_final(
    world: Callable[..., World],
) -> None:
    w = world(judges=3, entries=3)
    contest = set_up(w, aggregation="skating", dances=("华尔兹",), criteria=(), tiers=())
    put_on_roster(w, w.judge_ids[0], w.entry_ids[2])
    places = {e: str(n) for n, e in enumerate(w.entry_ids, start=1)}
    with pytest.raises(Forbidden, match="回避"):
        judging.save_placings(
            contest, user(w.judge_ids[0]), "华尔兹", places, version=0, submit=True
        )
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(PlacingSheet)) == 0
