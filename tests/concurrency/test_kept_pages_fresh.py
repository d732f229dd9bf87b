"""Kept pages under load: a signed-in visitor never gets a page older than what was committed.

Issue 15.7: on SQLite the old page cache read its table generations after the visitor's own
row, whose statement had started the request's snapshot; a registration landing in between left
a page with the old "places left" kept under the new numbers until the next write. The
version-keyed cache (eventsys.web.caching, #17) reads the versions in the request's own
transaction before the page's data; this test holds it to the same promise. Here gunicorn
(several workers and threads) serves registrations and signed-in GETs of the event page at the
same time, on SQLite and on PostgreSQL. Every GET sent after a registration's answer came back
must count that registration, and once the registrations are over every visitor, on every
worker, reads the final figure."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from tests.concurrency.harness import Browser, seed_clinic, served_world

CAPACITY = 80
REGISTRANTS = 60
WRITERS = 12  # threads registering people one after another
READERS = 12  # signed-in visitors reloading the event page meanwhile
WORKERS = 3
PLACES = re.compile(r"Places left: (\d+)\.")

pytestmark = pytest.mark.slow


@dataclass
class Served:
    app: Flask
    base: str
    event_id: int


def _seed(app: Flask) -> int:
    event_id, _logins = seed_clinic(people=REGISTRANTS + READERS, prefix="m", capacity=CAPACITY)
    return event_id


@pytest.fixture(params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    with served_world(request.param, tmp_path, _seed, workers=WORKERS) as (app, server, event_id):
        yield Served(app, server.base, event_id)


def _signed_in(base: str, login: str) -> Browser:
    browser = Browser(base)
    browser.sign_in(login)
    status, _page = browser.post("/language", {"csrf_token": browser.token("/"), "lang": "en"})
    assert status == 200
    return browser


def _places_left(browser: Browser, path: str) -> int:
    status, page = browser.get(path)
    assert status == 200, (status, page[:300])
    match = PLACES.search(page)
    assert match, page[:500]
    return int(match.group(1))


def test_no_signed_in_visitor_is_served_a_page_older_than_a_finished_registration(
    served: Served,
) -> None:
    page = f"/events/{served.event_id}"
    writers = [_signed_in(served.base, f"m{i:03d}") for i in range(REGISTRANTS)]
    readers = [_signed_in(served.base, f"m{REGISTRANTS + i:03d}") for i in range(READERS)]
    tokens = [w.token(f"{page}/register") for w in writers]
    for reader in readers:  # every reader's page kept (on some worker) before the writes
        assert _places_left(reader, page) == CAPACITY

    lock = threading.Lock()
    finished: list[float] = []  # when each registration's answer came back
    seen: list[tuple[float, float, int]] = []  # (sent, answered, places left) per GET
    failures: list[str] = []
    done = threading.Event()

    def register(indexes: range) -> None:
        for index in indexes:
            status, _page = writers[index].post(f"{page}/register", {"csrf_token": tokens[index]})
            with lock:
                finished.append(time.monotonic())
            if status != 200:
                failures.append(f"registration {index}: {status}")

    def read(reader: Browser) -> None:
        while not done.is_set():
            sent = time.monotonic()
            try:
                places = _places_left(reader, page)
            except AssertionError as error:
                failures.append(str(error)[:300])
                return
            seen.append((sent, time.monotonic(), places))

    share = REGISTRANTS // WRITERS
    writing = [
        threading.Thread(target=register, args=(range(i * share, (i + 1) * share),))
        for i in range(WRITERS)
    ]
    reading = [threading.Thread(target=read, args=(reader,)) for reader in readers]
    for thread in (*reading, *writing):
        thread.start()
    for thread in writing:
        thread.join(timeout=300)
    done.set()
    for thread in reading:
        thread.join(timeout=60)
    assert failures == []
    assert len(finished) == REGISTRANTS

    stale = []
    for sent, answered, places in seen:
        committed_before = sum(1 for moment in finished if moment < sent)
        at_most = CAPACITY - committed_before
        if places > at_most:
            stale.append((round(sent, 3), places, at_most))
        # and never a registration that had not even been answered when this GET came back
        assert places >= CAPACITY - sum(1 for moment in finished if moment <= answered) - WRITERS
    assert stale == [], f"{len(stale)} of {len(seen)} GETs showed a page older than a commit"
    assert len(seen) >= READERS * 3  # the readers really ran beside the writers

    # No write after the last one: a stale kept page would stay. Each reader asks often enough
    # to meet every worker.
    final = CAPACITY - REGISTRANTS
    for reader in readers:
        assert [_places_left(reader, page) for _ in range(3 * WORKERS)] == [final] * (3 * WORKERS)
