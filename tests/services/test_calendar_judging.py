"""Judges' sittings appear in their personal calendar feed, and only theirs."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import vobject
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from eventsys.extensions import db
from eventsys.models import Event, User
from eventsys.models.contests import Contest
from eventsys.services import calendar as feeds
from eventsys.services import contests
from eventsys.services import events as event_service
from tests.conftest import at


def _judging(text: str) -> list[vobject.base.Component]:
    calendar = vobject.readOne(text)
    return [e for e in getattr(calendar, "vevent_list", []) if e.uid.value.startswith("judging-")]


def test_a_judge_finds_each_sitting_of_a_contest_they_judge_in_their_own_feed(
    app: Flask, make_user: Callable[..., int], make_event: Callable[..., int]
) -> None:
    organizer_id = make_user(roles=("organizer",))
    event_id = make_event(
        kind="poetry_contest",
        title="城区诗词大赛",
        organizer_id=organizer_id,
        start=at(7, 9),
        weekdays=(0, 2),
        until=at(16, 9).date(),
    )
    other_id = make_event(
        kind="poetry_contest", title="别人的比赛", organizer_id=organizer_id, start=at(8, 14)
    )
    judge_id = make_user(roles=("judge",), name="吴雅琴")
    bystander_id = make_user(roles=("judge",), name="旁观者")
    with app.app_context():
        organizer = db.session.get(User, organizer_id)
        judge = db.session.get(User, judge_id)
        judge.language = "zh"  # the feed speaks the judge's language
        settings = contests.ContestSettings(criteria=(contests.CriterionData("立意", Decimal(10)),))
        contest = contests.set_up_contest(
            db.session.get(Event, event_id), settings, actor=organizer
        )
        contests.appoint_panel(contest, [judge_id], actor=organizer)
        other = contests.set_up_contest(db.session.get(Event, other_id), settings, actor=organizer)
        contests.appoint_panel(other, [bystander_id], actor=organizer)
        sittings = sorted(o.id for o in db.session.get(Event, event_id).occurrences)
        token = feeds.new_token(judge, actor=judge)
        contest_id = contest.id
        db.session.commit()
    client: FlaskClient = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh"

    response = client.get(f"/calendar/u/{judge_id}/{token}.ics")
    assert response.status_code == 200
    sessions = _judging(response.get_data(as_text=True))
    assert len(sittings) == 4  # Mondays and Wednesdays 7-16 December
    assert sorted(e.uid.value.split("@")[0] for e in sessions) == [
        f"judging-{contest_id}-{o}" for o in sittings
    ]
    assert all(e.summary.value == "评审：城区诗词大赛" for e in sessions)
    assert all(e.dtstart.value.hour == 9 for e in sessions)
    assert all(f"/judging/{contest_id}" in e.url.value for e in sessions)
    assert not any("别人的比赛" in e.summary.value for e in sessions)

    # Calling one sitting off changes the feed and marks that sitting cancelled.
    etag = response.headers["ETag"]
    with app.app_context():
        event = db.session.get(Event, event_id)
        first = min(event.occurrences, key=lambda o: o.starts_at)
        event_service.skip_occurrence(first, True, actor=db.session.get(User, organizer_id))
        db.session.commit()
    again = client.get(f"/calendar/u/{judge_id}/{token}.ics", headers={"If-None-Match": etag})
    assert again.status_code == 200
    cancelled = [e for e in _judging(again.get_data(as_text=True)) if e.status.value == "CANCELLED"]
    assert len(cancelled) == 1 and cancelled[0].summary.value.startswith("已取消")


def test_leaving_the_panel_takes_the_sittings_out_of_the_feed(
    app: Flask, make_user: Callable[..., int], make_event: Callable[..., int]
) -> None:
    organizer_id = make_user(roles=("organizer",))
    event_id = make_event(kind="poetry_contest", organizer_id=organizer_id, start=at(8, 9))
    judge_id = make_user(roles=("judge",))
    with app.app_context():
        organizer = db.session.get(User, organizer_id)
        contest = contests.set_up_contest(
            db.session.get(Event, event_id),
            contests.ContestSettings(criteria=(contests.CriterionData("立意", Decimal(10)),)),
            actor=organizer,
        )
        contests.appoint_panel(contest, [judge_id], actor=organizer)
        judge = db.session.get(User, judge_id)
        token = feeds.new_token(judge, actor=judge)
        db.session.commit()
    client = app.test_client()
    first = client.get(f"/calendar/u/{judge_id}/{token}.ics")
    assert len(_judging(first.get_data(as_text=True))) == 1
    with app.app_context():
        contest = db.session.scalars(select(Contest)).one()
        contests.appoint_panel(contest, [], actor=db.session.get(User, organizer_id))
        db.session.commit()
    second = client.get(
        f"/calendar/u/{judge_id}/{token}.ics", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert second.status_code == 200
    assert _judging(second.get_data(as_text=True)) == []
