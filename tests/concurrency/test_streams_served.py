"""Live streams under gunicorn, and two app servers on one PostgreSQL (#17.3, #17.4).

* With the cap's worth of streams open (and a flood of more asking), the cap holds (the rest
  are 503 with Retry-After) and the rest of the site keeps answering: gthread workers with more
  threads than STREAM_CAP (deploy/gunicorn.conf.py).
* Two servers on two ports on one PostgreSQL: a mark saved through server 1's judging form
  reaches server 2's scoreboard stream (LISTEN/NOTIFY) within a second, and its page; a person
  signed in on one server is signed in on the other and its forms' CSRF tokens are good there;
  a registration rush split across both never oversells."""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from eventsys import versions
from eventsys.extensions import db
from eventsys.models import Event, Organisation, Registration
from eventsys.services import contests as contest_service
from tests.concurrency.harness import (
    Browser,
    Server,
    all_at_once,
    fresh_app,
    migrate,
    post_at_once,
    sign_in_at_once,
    status_counts,
)
from tests.factories import hall, members, open_event, person

CAP = 8
THREADS = 12
ENTRIES = 3
PEOPLE = 60
PLACES = 20

pytestmark = pytest.mark.slow


@dataclass
class World:
    app: Flask
    url: str
    contest_id: int
    entry_ids: list[int]
    criteria: list[int]
    event_id: int  # the one the rush is for
    logins: list[str]


def _seed(app: Flask, url: str) -> World:
    with app.app_context():
        migrate(app)
        organizer = person("organizer", "organizer", "organizer")
        judge = person("评委", "judge", "judge")
        logins = members(PEOPLE, "m")
        venue = hall()
        org = Organisation(name="第1干休所")
        db.session.add(org)
        db.session.flush()
        contest_event = open_event(organizer, venue.id, "poetry_contest", "活动0", 2)
        clinic = open_event(
            organizer,
            venue.id,
            "health_clinic",
            "活动1",
            2,
            later=3,
            capacity=PLACES,
            registration_mode="individual",
        )
        ids = [contest_event.id, clinic.id]
        entries = []
        for index in range(ENTRIES):
            author = person(f"诗人{index + 1}", f"poet{index}")
            entry = Registration(
                event_id=ids[0],
                kind="individual",
                captain_id=author.id,
                organisation_id=org.id,
                title=f"咏秋{index + 1}",
                text="金风送爽，丹桂飘香。",
                status="confirmed",
                size=1,
            )
            db.session.add(entry)
            entries.append(entry)
        db.session.flush()
        contest = contest_service.set_up_contest(
            db.session.get(Event, ids[0]),
            contest_service.ContestSettings(
                criteria=(
                    contest_service.CriterionData("立意", Decimal(50)),
                    contest_service.CriterionData("格律", Decimal(50)),
                ),
                tiers=(),
            ),
            actor=organizer,
        )
        contest_service.appoint_panel(contest, [judge.id], actor=organizer)
        db.session.commit()
        return World(
            app,
            url,
            contest.id,
            [e.id for e in entries],
            [c.id for c in contest.criteria],
            ids[1],
            logins,
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    with fresh_app(request.param, tmp_path) as (app, url):
        yield _seed(app, url)


@pytest.fixture
def pg_world(tmp_path: Path) -> Iterator[World]:
    with fresh_app("postgresql", tmp_path) as (app, url):
        yield _seed(app, url)


class Stream:
    """An open event stream read over a real connection."""

    def __init__(self, server: Server, path: str, **headers: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        self.connection.request("GET", path, headers=headers)
        self.response = self.connection.getresponse()
        self.status = self.response.status

    def next(self, kind: str = "update") -> dict[str, Any]:
        while True:
            item: dict[str, Any] = {}
            while True:
                line = self.response.readline().decode()
                if line == "":
                    raise EOFError("the stream ended")
                if line in ("\n", "\r\n"):
                    break
                name, _, value = line.rstrip("\r\n").partition(":")
                item[name or "comment"] = value.removeprefix(" ")
            if item.get("event") == kind or (kind == "comment" and "comment" in item):
                if "data" in item:
                    item["data"] = json.loads(item["data"])
                return item

    def close(self) -> None:
        self.connection.close()


def _stop(server: Server) -> None:
    output = server.stop()
    assert "Traceback" not in output, output[-3000:]


# ---- the cap and the rest of the site -----------------------------------------------------------


def test_a_flood_of_streams_meets_the_cap_and_the_rest_of_the_site_keeps_answering(
    world: World,
) -> None:
    server = Server(
        world.url,
        workers=2,
        threads=THREADS,
        STREAM_CAP=str(CAP),
        STREAM_HEARTBEAT_SECONDS="1",
        STREAM_MAX_SECONDS="120",
    )
    try:
        server.wait_ready()
        path = f"/contests/{world.contest_id}/stream"
        opened: list[Stream] = []
        lock = threading.Lock()
        refused_without_retry_after = []

        def ask() -> int:
            stream = Stream(server, path)
            if stream.status == 200:
                stream.next()  # the current state came: the stream is really open
                with lock:
                    opened.append(stream)
            else:
                if stream.response.getheader("Retry-After") != "30":
                    refused_without_retry_after.append(stream.status)
                stream.response.read()
                stream.close()
            return stream.status

        statuses, _seconds = all_at_once([ask] * (5 * CAP))
        admitted = statuses.count(200)
        # Each of the two workers admits at most CAP; at least one of them got CAP tries.
        assert CAP <= admitted <= 2 * CAP, statuses
        assert sorted(set(statuses) - {200}) == [503], statuses
        assert refused_without_retry_after == []
        # With every stream held open, pages, forms and other streams' refusals still answer.
        visitor = Browser(server.base)
        for page in ("/venues", f"/contests/{world.contest_id}/scoreboard", "/login", "/"):
            for _ in range(3):
                status, _body = visitor.get(page)
                assert status == 200, page
        visitor.sign_in("m000")
        assert visitor.get("/me/")[0] == 200
        # The open streams are alive: a heartbeat comes.
        assert opened[0].next(kind="comment")["comment"] == "heartbeat"
        for stream in opened:
            stream.close()
    finally:
        _stop(server)


# ---- two servers on one PostgreSQL ---------------------------------------------------------------


def _save_mark(judge: Browser, world: World, entry_id: int, marks: tuple[str, str]) -> int:
    path = f"/judging/{world.contest_id}/entries/{entry_id}"
    status, page = judge.get(path)
    assert status == 200
    version = re.search(r'name="version"[^>]*value="([^"]*)"', page) or re.search(
        r'value="([^"]*)"[^>]*name="version"', page
    )
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert version and token
    form = {"csrf_token": token.group(1), "version": version.group(1), "action": "submit"}
    form.update({f"mark_{c}": m for c, m in zip(world.criteria, marks, strict=True)})
    status, _page = judge.post(path, form)
    assert status == 200, status
    with world.app.app_context():
        key = versions.contest(world.contest_id)
        return versions.read(db.session, [key])[key]


def test_two_servers_on_one_postgresql_share_marks_sessions_and_places(pg_world: World) -> None:
    world = pg_world
    one = Server(world.url, workers=2, threads=THREADS)
    two = Server(world.url, workers=2, threads=THREADS)
    try:
        one.wait_ready()
        two.wait_ready()
        # Server 2's scoreboard stream, open before the mark.
        streams = [Stream(two, f"/contests/{world.contest_id}/stream") for _ in range(4)]
        for stream in streams:
            assert stream.status == 200
            stream.next()
        judge = Browser(one.base)
        judge.sign_in("judge")
        saved_at = time.monotonic()
        version = _save_mark(judge, world, world.entry_ids[0], ("41", "42"))
        answered = time.monotonic() - saved_at
        for stream in streams:  # every worker of server 2 heard it
            pushed = stream.next()
            assert pushed["id"] == str(version)
            assert "83.00" in pushed["data"]["html"]["board"]
        shown = time.monotonic() - saved_at
        print(f"mark through server 1 on server 2's streams: {shown:.3f} s (save {answered:.3f} s)")
        assert shown < answered + 1.0
        for stream in streams:
            stream.close()
        # And on server 2's page, every worker.
        for _ in range(4):
            status, page = Browser(two.base).get(f"/contests/{world.contest_id}/scoreboard")
            assert status == 200 and "83.00" in page

        # A session begun on server 1 is good on server 2, and so is a form's CSRF token.
        judge.base = two.base
        assert judge.get(f"/judging/{world.contest_id}")[0] == 200
        version = _save_mark(judge, world, world.entry_ids[1], ("30", "31"))
        judge.base = one.base
        status, page = judge.get(f"/contests/{world.contest_id}/scoreboard")
        assert status == 200 and "61.00" in page

        # The rush, half through each server.
        browsers = [Browser((one if i % 2 else two).base) for i in range(PEOPLE)]
        sign_in_at_once(browsers, world.logins)
        statuses, _s = post_at_once(browsers, f"/events/{world.event_id}/register")
        assert statuses == [200] * PEOPLE, sorted(set(statuses))
        counts = status_counts(world.app, world.event_id)
        assert counts == {"confirmed": PLACES, "waiting": PEOPLE - PLACES}
    finally:
        _stop(one)
        _stop(two)
