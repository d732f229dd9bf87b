"""What the tests under gunicorn share: a database per backend, the server, a browser, a burst.

Each test seeds its own world, then `served(...)` starts gunicorn (gthread workers) on a free
loopback port against that database and stops it, disposing of the test's engine and dropping
a PostgreSQL database afterwards."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from flask import Flask

from eventsys.extensions import db
from tests.conftest import PASSWORD, create_postgresql_database, make_app
from tests.factories import hall, members, open_event, person

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@dataclass
class World:
    """A served world: the app (to look into its database), the server's address, the event
    the burst is for and the members' logins."""

    app: Flask
    base: str
    event_id: int
    logins: list[str]


def status_counts(app: Flask, event_id: int) -> dict[str, int]:
    """How many of the event's registrations have each status."""
    from sqlalchemy import func, select

    from eventsys.models import Registration

    with app.app_context():
        rows = db.session.execute(
            select(Registration.status, func.count())
            .where(Registration.event_id == event_id)
            .group_by(Registration.status)
        ).all()
        return {status: count for status, count in rows}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database(backend: str, tmp_path: Path) -> tuple[str, Callable[[], None]]:
    """An empty database of *backend* for one test: its URL and a function that drops it."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path}/served.sqlite3", (lambda: None)
    return create_postgresql_database()


def migrate(app: Flask) -> None:
    """Bring *app*'s empty database to the newest schema (call inside an app context)."""
    from flask_migrate import upgrade

    upgrade(directory=str(ROOT / "migrations"), revision="heads")


def seed_clinic(*, people: int, prefix: str, capacity: int) -> tuple[int, list[str]]:
    """A seed for served_world: an organiser, *people* members (logins *prefix*000…) and one
    open health clinic of *capacity* places, committed. The clinic's id and the logins."""
    organizer = person("组织者", "organizer", "organizer")
    logins = members(people, prefix)
    event = open_event(
        organizer,
        hall().id,
        "health_clinic",
        "健康义诊",
        2,
        capacity=capacity,
        registration_mode="individual",
    )
    db.session.commit()
    return event.id, logins


def _dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@contextmanager
def fresh_app(backend: str, tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    """An app on an empty database of *backend* and its URL; disposed of and dropped after."""
    url, drop = database(backend, tmp_path)
    app = make_app(url, str(tmp_path))
    try:
        yield app, url
    finally:
        _dispose(app)
        drop()


def children(pid: int) -> set[int]:
    """The process ids of *pid*'s children (gunicorn's workers)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found.update(int(child) for child in (task / "children").read_text().split())
        except FileNotFoundError:  # the thread ended meanwhile
            continue
    return found


class Server:
    """gunicorn serving wsgi:app on loopback; settings become EVENTSYS_* variables."""

    def __init__(self, url: str, *, workers: int = 4, threads: int = 8, **settings: str) -> None:
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "EVENTSYS_DATABASE_URL": url,
            "EVENTSYS_SECRET_KEY": "served-test-secret",
            "EVENTSYS_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "EVENTSYS_LOGIN_MAX_FAILURES": "1000",
            # Plain http on loopback: secure-only cookies would never come back.
            "EVENTSYS_SESSION_COOKIE_SECURE": "false",
            "EVENTSYS_REMEMBER_COOKIE_SECURE": "false",
            **{f"EVENTSYS_{name}": value for name, value in settings.items()},
        }
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "--workers", str(workers)),
                *("--worker-class", "gthread", "--threads", str(threads)),
                *("--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "5"),
                *("--log-level", "warning", "wsgi:app"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        """Wait until the server answers and all its workers are up."""
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.base + "/venues", timeout=10).read()
                if len(children(self.process.pid)) == self.workers:
                    return
            except OSError:  # refused, reset or timed out: not up yet
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                pytest.fail(f"gunicorn did not start: {self.stop()}")
            time.sleep(0.2)

    def stop(self) -> str:
        """Stop the server and return what it printed."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        assert self.process.stdout is not None
        if self.process.stdout.closed:  # stopped before (a failed start reports its output)
            return ""
        output = self.process.stdout.read().decode(errors="replace")
        self.process.stdout.close()
        return output


@contextmanager
def serving(app: Flask, url: str, drop: Callable[[], None], **options: object) -> Iterator[Server]:
    """Serve *url* with gunicorn for the duration; then dispose of *app*'s engine and drop."""
    server = Server(url, **options)  # type: ignore[arg-type]
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()
        _dispose(app)
        drop()


@contextmanager
def served_world(
    backend: str, tmp_path: Path, seed: Callable[[Flask], T], **options: object
) -> Iterator[tuple[Flask, Server, T]]:
    """A fresh database of *backend* brought to the newest schema and seeded by *seed(app)* (in
    the app's context), then served with gunicorn: the app, the server and what *seed* returned."""
    url, drop = database(backend, tmp_path)
    app = make_app(url, str(tmp_path))
    with app.app_context():
        migrate(app)
        seeded = seed(app)
    with serving(app, url, drop, **options) as server:
        yield app, server, seeded


class Browser:
    """One person's session: cookies, CSRF tokens, redirects followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST"))

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def token(self, path: str) -> str:
        status, page = self.get(path)
        match = CSRF.search(page)
        assert status == 200 and match, (path, status, page[:300])
        return match.group(1) or match.group(2)

    def sign_in(self, login: str) -> None:
        status, _page = self.post(
            "/login", {"csrf_token": self.token("/login"), "login": login, "password": PASSWORD}
        )
        assert status == 200, status


def sign_in_at_once(browsers: list[Browser], logins: list[str]) -> list[Browser]:
    """Each browser signs in as its login, all at once; each must succeed."""
    jobs = [
        lambda b=b, login=login: (b.sign_in(login), 200)[1]
        for b, login in zip(browsers, logins, strict=True)
    ]
    statuses, _seconds = all_at_once(jobs)
    assert statuses == [200] * len(logins)
    return browsers


def post_at_once(browsers: list[Browser], path: str) -> tuple[list[int], float]:
    """Each browser fetches *path*'s form token, then all post it at once: statuses, wall time."""
    tokens = [b.token(path) for b in browsers]
    return all_at_once(
        [
            lambda b=b, t=t: b.post(path, {"csrf_token": t})[0]
            for b, t in zip(browsers, tokens, strict=True)
        ]
    )


def all_at_once(jobs: list[Callable[[], int]]) -> tuple[list[int], float]:
    """Run the jobs in threads released together; return their statuses and the wall time."""
    barrier = threading.Barrier(len(jobs) + 1)
    statuses: list[int] = [0] * len(jobs)

    def run(index: int) -> None:
        barrier.wait()
        try:
            statuses[index] = jobs[index]()
        except Exception:
            statuses[index] = -1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.monotonic()
    for thread in threads:
        thread.join(timeout=300)
    return statuses, time.monotonic() - started
