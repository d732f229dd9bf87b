"""Tournament matches appear in the contest feed and in each player's personal feed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import vobject
from flask import Flask
from flask.testing import FlaskClient

from eventsys.extensions import db
from eventsys.models import RegistrationMember, User
from eventsys.models.tournaments import Tournament
from eventsys.services import calendar as feeds
from eventsys.services import tournaments as service
from tests.services.test_tournaments_helpers import scheduled_round_robin


def test_scheduled_matches_are_in_the_contest_feed_and_the_players_feed(
    app: Flask, make_user: Callable[..., int], make_event: Callable[..., int]
) -> None:
    with app.app_context():
        organizer = db.session.get(User, make_user(roles=("organizer",)))
        tournament, teams = scheduled_round_robin(
            make_event, organizer, "table_tennis", ["甲队", "乙队", "丙队", "丁队"], courts=2
        )
        player = db.session.get(User, make_user(name="张和顺"))
        db.session.add(
            RegistrationMember(
                registration_id=teams[0],
                event_id=tournament.event_id,
                user_id=player.id,
                role="player",
                position=1,
            )
        )
        token = feeds.new_token(player, actor=player)
        event_id, player_id, tournament_id = tournament.event_id, player.id, tournament.id
        db.session.commit()
    client: FlaskClient = app.test_client()

    contest = client.get(f"/calendar/contests/{event_id}.ics")
    assert contest.status_code == 200
    calendar = vobject.readOne(contest.get_data(as_text=True))
    matches = [e for e in calendar.vevent_list if e.uid.value.startswith("match-")]
    assert len(matches) == 6  # a round robin of four
    assert all("号场" in m.location.value for m in matches)
    assert all(m.dtend.value - m.dtstart.value == timedelta(minutes=30) for m in matches)

    personal = client.get(f"/calendar/u/{player_id}/{token}.ics")
    mine = vobject.readOne(personal.get_data(as_text=True))
    own = [e for e in mine.vevent_list if e.uid.value.startswith("match-")]
    assert len(own) == 3 and all("甲队" in e.summary.value for e in own)

    # Moving a match changes its SEQUENCE and the feed's ETag.
    etag = contest.headers["ETag"]
    assert (
        client.get(
            f"/calendar/contests/{event_id}.ics", headers={"If-None-Match": etag}
        ).status_code
        == 304
    )
    with app.app_context():
        tournament = db.session.get(Tournament, tournament_id)
        match = service.all_matches(tournament)[0]
        match.version += 1
        db.session.commit()
    again = client.get(f"/calendar/contests/{event_id}.ics", headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag
