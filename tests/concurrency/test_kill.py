"""A worker killed in the middle of a registration burst leaves a consistent database.

gunicorn (2 workers) on SQLite and on PostgreSQL; 120 people register for 40 places at once and
one worker gets SIGKILL while requests are in flight. gunicorn starts a new one. Requests cut by
the kill may fail (connection reset); no surviving worker may answer 5xx. Afterwards every active
registration has exactly its members, confirmed places never exceed capacity, no roster row is
orphaned, and every registration has exactly one "registration.create" audit record."""

from __future__ import annotations

import http.client
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from eventsys.extensions import db
from tests.concurrency.harness import Browser, Server, children, seed_clinic, served_world

PEOPLE = 120
CAPACITY = 40
WORKERS = 2

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Flask, Server]]:
    def seed(app: Flask) -> None:
        seeded = seed_clinic(people=PEOPLE, prefix="k", capacity=CAPACITY)
        app.config["KILL_TEST_EVENT"], app.config["KILL_TEST_LOGINS"] = seeded

    with served_world(request.param, tmp_path, seed, workers=WORKERS) as (app, server, _none):
        yield app, server


def _post(browser: Browser, path: str, token: str) -> int:
    """The status, or -1 when the connection was cut (the worker died under it)."""
    try:
        return browser.post(path, {"csrf_token": token})[0]
    except (OSError, http.client.HTTPException):
        # ConnectionResetError, RemoteDisconnected, URLError; or IncompleteRead when the worker
        # died while its answer was being sent.
        return -1


def test_killing_a_worker_mid_burst_leaves_the_database_consistent(
    served: tuple[Flask, Server],
) -> None:
    app, server = served
    event_id, logins = app.config["KILL_TEST_EVENT"], app.config["KILL_TEST_LOGINS"]
    path = f"/events/{event_id}/register"
    browsers = [Browser(server.base) for _ in logins]
    for browser, login in zip(browsers, logins, strict=True):
        browser.sign_in(login)
    tokens = [browser.token(path) for browser in browsers]

    statuses = [0] * PEOPLE
    done = threading.Semaphore(0)
    barrier = threading.Barrier(PEOPLE + 1)

    def run(index: int) -> None:
        barrier.wait()
        statuses[index] = _post(browsers[index], path, tokens[index])
        done.release()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(PEOPLE)]
    for thread in threads:
        thread.start()
    workers = children(server.process.pid)
    assert len(workers) == WORKERS
    barrier.wait()
    started = time.monotonic()
    for _ in range(PEOPLE // 6):  # a sixth of the answers are in: the burst is under way
        done.acquire(timeout=30)
    answered_before_kill = sum(1 for status in statuses if status != 0)
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    for thread in threads:
        thread.join(timeout=60)
    burst_seconds = time.monotonic() - started
    assert answered_before_kill < PEOPLE, "the kill came after the burst"

    # gunicorn replaces the dead worker.
    deadline = time.monotonic() + 20
    while True:
        now = children(server.process.pid)
        if len(now) == WORKERS and victim not in now:
            break
        assert time.monotonic() < deadline, f"no replacement worker: {now}"
        time.sleep(0.2)

    assert all(status in (200, -1) for status in statuses), sorted(set(statuses))
    cut = [index for index, status in enumerate(statuses) if status == -1]

    # Those cut off try again on the surviving workers: served, possibly as a duplicate.
    for index in cut:
        status = _post(browsers[index], path, browsers[index].token(path))
        assert 200 <= status < 500, status

    with app.app_context():
        db.session.remove()
        connection = db.session.connection()

        def scalar(sql: str) -> int:
            return int(connection.execute(text(sql), {"event": event_id}).scalar_one())

        registrations = scalar("SELECT count(*) FROM registration WHERE event_id = :event")
        assert registrations == PEOPLE, "after the retries everyone is registered once"
        assert (
            scalar(
                "SELECT count(*) FROM registration r WHERE r.event_id = :event"
                " AND r.status IN ('pending', 'confirmed', 'waiting') AND r.size <> ("
                "  SELECT count(*) FROM registration_member m WHERE m.registration_id = r.id)"
            )
            == 0
        ), "an active registration without exactly its members"
        assert (
            scalar(
                "SELECT count(*) FROM registration_member m LEFT JOIN registration r"
                " ON r.id = m.registration_id WHERE r.id IS NULL"
            )
            == 0
        ), "a roster row without its registration"
        confirmed = scalar(
            "SELECT coalesce(sum(size), 0) FROM registration"
            " WHERE event_id = :event AND status IN ('confirmed', 'pending')"
        )
        assert confirmed == CAPACITY, confirmed  # never more; and full, since 120 asked
        assert scalar(
            "SELECT count(*) FROM registration WHERE event_id = :event AND status = 'waiting'"
        ) == (PEOPLE - CAPACITY)
        assert (
            scalar(
                "SELECT count(*) FROM registration r WHERE r.event_id = :event AND ("
                "  SELECT count(*) FROM audit_record a WHERE a.action = 'registration.create'"
                "  AND a.object_type = 'registration' AND a.object_id = r.id) <> 1"
            )
            == 0
        ), "a registration without exactly one registration.create audit record"
        assert scalar("SELECT count(*) FROM audit_record WHERE action = 'registration.create'") == (
            registrations
        ), "an audit record of a registration that was rolled back"
        db.session.remove()
    print(
        f"\nkill test ({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}): "
        f"{PEOPLE} requests in {burst_seconds:.1f} s, worker {victim} killed after "
        f"{answered_before_kill} answers, {len(cut)} cut off and retried"
    )
