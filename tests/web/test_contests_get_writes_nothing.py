"""No GET writes: blind codes are given when an entry comes in, never while a page is read.

The scoreboard and the judge's list used to code late entries during the GET; under a burst of
registrations those GETs failed with "database is locked" on SQLite."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from eventsys.extensions import db
from eventsys.models import Event, Registration, User
from eventsys.services import registrations
from tests.conftest import at
from tests.querycount import clear_caches, count_queries
from tests.services.test_contests import World, build_world, set_up
from tests.web.test_contests_pages import login_as

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def register_late(app: Flask, w: World, make_user: Callable[..., int], n: int) -> int:
    """A member registers through the registration service after the panel was set."""
    person_id = make_user(name=f"迟到诗人{n}", organisation_id=w.org_ids[0])
    with app.app_context():
        event = db.session.get(Event, w.event_id)
        event.registration_mode = "individual"
        db.session.commit()
        person = db.session.get(User, person_id)
        entry = registrations.register(
            event, person, by=person, now=at(1, 9), title=f"晚秋{n}", text="霜叶红于二月花。"
        )
        db.session.commit()
        return entry.id


def writes_during(app: Flask, client: FlaskClient, url: str) -> list[str]:
    clear_caches(app)
    with count_queries(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [s for s in statements if WRITES.match(s)]


def test_no_contest_or_judging_page_writes_during_a_get(
    app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    w = build_world(app, make_event, make_user, entries=3, judges=2)
    with app.app_context():
        contest_id = set_up(w, blind=True).id
    late = register_late(app, w, make_user, 1)
    with app.app_context():
        # The transaction that added the entry gave it its code.
        code = db.session.get(Registration, late).blind_code
    assert code is not None

    judge = login_as(app, w.judge_ids[0])
    organizer = login_as(app, w.organizer_id)
    public = app.test_client()
    pages = [
        (judge, "/judging/"),
        (judge, f"/judging/{contest_id}"),
        (judge, f"/judging/{contest_id}/entries/{late}"),
        (public, f"/contests/{contest_id}/scoreboard"),
        (public, f"/contests/{contest_id}/results"),
        (organizer, f"/contests/{contest_id}"),
        (organizer, f"/contests/{contest_id}/matrix"),
        (organizer, f"/contests/{contest_id}/panel"),
        (organizer, f"/contests/{contest_id}/scoreboard"),
        (organizer, f"/contests/events/{w.event_id}/setup"),
    ]
    for client, url in pages:
        assert writes_during(app, client, url) == [], url
    listing = judge.get(f"/judging/{contest_id}").get_data(as_text=True)
    assert code in listing and "迟到诗人1" not in listing


def test_an_entry_promoted_from_the_waiting_list_gets_its_code_in_that_transaction(
    app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    w = build_world(app, make_event, make_user, entries=3, judges=1)
    with app.app_context():
        set_up(w, blind=True)
        event = db.session.get(Event, w.event_id)
        event.capacity = 4
        db.session.commit()
    first = register_late(app, w, make_user, 1)
    waiting = register_late(app, w, make_user, 2)
    with app.app_context():
        assert db.session.get(Registration, waiting).status == "waiting"
        assert db.session.get(Registration, waiting).blind_code is None
        entry = db.session.get(Registration, first)
        registrations.cancel(entry, by=db.session.get(User, w.organizer_id), now=at(1, 10))
        db.session.commit()
        promoted = db.session.get(Registration, waiting)
        assert promoted.status == "confirmed" and promoted.blind_code is not None
