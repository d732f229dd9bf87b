"""Fixtures: an application per database (SQLite and PostgreSQL), factories, signed-in clients.

PostgreSQL tests need the server at EVENTSYS_TEST_POSTGRESQL_URL (default: local, user postgres).
Where it is missing they skip with the reason shown, unless EVENTSYS_REQUIRE_POSTGRESQL=1 or
CI=true, where they fail: CI must never pass without having run them."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from datetime import datetime
from typing import Any, NoReturn

import pytest
from flask import Flask, current_app, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from eventsys import create_app
from eventsys.extensions import db
from eventsys.models import Event, User, Venue
from eventsys.timeutil import LOCAL_TZ

PG_ADMIN_URL = os.environ.get(
    "EVENTSYS_TEST_POSTGRESQL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "correct horse 42"
BACKENDS = ("sqlite", "postgresql")


def postgresql_required() -> bool:
    return os.environ.get("EVENTSYS_REQUIRE_POSTGRESQL") == "1" or os.environ.get("CI") == "true"


def _postgresql_available() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:
        return f"{type(error).__name__}: {error}".splitlines()[0]
    return None


def cannot_run(message: str, *, required: bool, pytrace: bool = True) -> NoReturn:
    """Fail when the run must not skip (CI, EVENTSYS_REQUIRE_*), else skip, saying *message*."""
    if required:
        pytest.fail(message, pytrace=pytrace)
    pytest.skip(message)


def need_postgresql() -> None:
    """Skip (locally) or fail (CI) when PostgreSQL cannot be reached."""
    problem = _postgresql_available()
    if problem is not None:
        message = f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {problem}"
        cannot_run(message, required=postgresql_required())


def create_postgresql_database() -> tuple[str, Callable[[], None]]:
    """Create an empty database for a test run and return its URL and a function that drops it."""
    need_postgresql()
    name = f"eventsys_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def make_app(url: str, instance: str, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-not-for-production",
        "SQLALCHEMY_DATABASE_URI": url,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SERVER_NAME": None,
        # Outside requests (service tests) messages come in English, so tests can match them;
        # requests still negotiate (Chinese unless the browser prefers English).
        "BABEL_DEFAULT_LOCALE": "en",
        # The test client and the browser tests' live server speak plain http.
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        # A live stream (eventsys.web.streams) sends the current state and ends, so that a test
        # reading a whole answer never waits; the stream tests give it a lifetime.
        "STREAM_MAX_SECONDS": 0,
        **overrides,
    }
    app = create_app(config)
    app.instance_path = instance
    return app


@pytest.fixture(scope="session", params=BACKENDS)
def backend_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """One application per database, its schema built by the migrations."""
    from flask_migrate import upgrade

    instance = str(tmp_path_factory.mktemp(f"instance-{request.param}"))
    if request.param == "sqlite":
        url, drop = f"sqlite:///{instance}/test.sqlite3", (lambda: None)
    else:
        url, drop = create_postgresql_database()
    app = make_app(url, instance)
    with app.app_context():
        upgrade(
            directory=os.path.join(os.path.dirname(__file__), "..", "migrations"), revision="heads"
        )
    yield app
    with app.app_context():
        db.engine.dispose()
    drop()


def away_from_a_minute_boundary() -> None:
    """Wait out the last seconds of a minute: pages that read the clock are kept until the end
    of the minute, so a test that counts the statements of a repeated request must not have
    the minute turn between its requests."""
    import time

    second = datetime.now().second + datetime.now().microsecond / 1e6
    if second > 56:
        time.sleep(60.2 - second)


def _empty_tables(app: Flask) -> None:
    # Rows go behind the app's back here and the versions start again from nothing: forget
    # kept pages too.
    from eventsys.web import caching

    caching.store(app).clear()
    with app.app_context():
        db.session.remove()
        tables = [table.name for table in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                quoted = ", ".join(f'"{name}"' for name in tables)
                connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
            else:
                # ON DELETE RESTRICT is checked row by row on SQLite: unhook the tree first.
                connection.execute(text('UPDATE "organisation" SET parent_id = NULL'))
                for name in tables:
                    connection.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture
def app(backend_app: Flask) -> Iterator[Flask]:
    """The application of the current database, with empty tables."""
    _empty_tables(backend_app)
    yield backend_app
    _empty_tables(backend_app)


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An application context, for service tests that work with the session directly."""
    with app.app_context():
        yield app
        db.session.rollback()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def at(day: int, hour: int, minute: int = 0, month: int = 12, year: int = 2026) -> datetime:
    """A Beijing wall-clock time (aware)."""
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def in_app(app: Flask) -> Any:
    """Use the active application context if there is one (its session), else push one.

    A second context would open a second SQLite connection, whose write lock would wait for the
    first one's: service tests would deadlock."""
    if has_app_context() and current_app._get_current_object() is app:  # type: ignore[attr-defined]
        return nullcontext()
    return app.app_context()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., int]:
    """Create a user and return its id; roles default to participant."""
    counter = iter(range(1, 10_000))

    def make(
        *,
        roles: tuple[str, ...] = ("participant",),
        name: str | None = None,
        login: str | None = None,
        phone: str | None = None,
        organisation_id: int | None = None,
        password: str = PASSWORD,
    ) -> int:
        from tests.factories import person

        n = next(counter)
        with in_app(app):
            user = person(
                name or f"测试用户{n}",
                login or f"user{n}",
                *roles,
                password=password,
                phone=phone,
                organisation_id=organisation_id,
            )
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def make_venue(app: Flask) -> Callable[..., int]:
    counter = iter(range(1, 10_000))

    def make(*, name: str | None = None, capacity: int = 40, kind: str = "room") -> int:
        with in_app(app):
            venue = Venue(name=name or f"活动室{next(counter)}", capacity=capacity, kind=kind)
            db.session.add(venue)
            db.session.commit()
            return venue.id

    return make


@pytest.fixture
def make_event(
    app: Flask, make_user: Callable[..., int], make_venue: Callable[..., int]
) -> Callable[..., int]:
    """Create an event through the service (so clash rules apply) and return its id."""

    def make(
        *,
        venue_id: int | None = None,
        start: datetime | None = None,
        hours: float = 2,
        title: str = "舞蹈排练",
        kind: str = "activity",
        status: str = "published",
        organizer_id: int | None = None,
        weekdays: tuple[int, ...] = (),
        until: Any = None,
        capacity: int | None = None,
    ) -> int:
        from tests.factories import new_event

        organizer_id = organizer_id or make_user(roles=("organizer",))
        venue_id = venue_id or make_venue()
        start = start or at(3, 14)
        with in_app(app):
            organizer = db.session.get(User, organizer_id)
            event = new_event(
                organizer,
                venue_id,
                kind,
                title,
                start,
                hours,
                status=status,
                weekdays=weekdays,
                repeat_until=until,
                capacity=capacity,
            )
            db.session.commit()
            return event.id

    return make


def publish_with(app: Flask, event_id: int, **settings: object) -> None:
    """Set *settings* on a draft event's row and publish it (fields make_event does not take)."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        for name, value in settings.items():
            setattr(event, name, value)
        event.status = "published"
        db.session.commit()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match is not None, "the page has no CSRF token"
    return match.group(1) or match.group(2)


def csrf(client: FlaskClient, url: str = "/login") -> str:
    """Return a CSRF token for *client*'s session (read from a page, as a browser would)."""
    response = client.get(url)
    return csrf_from(response.get_data(as_text=True))


def login(client: FlaskClient, login_name: str, password: str = PASSWORD) -> None:
    response = client.post(
        "/login", data={"csrf_token": csrf(client), "login": login_name, "password": password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def signed_in(app: Flask, make_user: Callable[..., int]) -> Callable[..., FlaskClient]:
    """Return a client signed in as a new user with the given roles."""

    def sign_in(*roles: str, **kwargs: Any) -> FlaskClient:
        user_id = make_user(roles=roles or ("participant",), **kwargs)
        with app.app_context():
            login_name = db.session.get(User, user_id).login
        client = app.test_client()
        login(client, login_name)
        client.user_id = user_id  # type: ignore[attr-defined]
        return client

    return sign_in


def event_count(app: Flask) -> int:
    with app.app_context():
        return db.session.query(Event).count()
