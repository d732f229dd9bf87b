"""Browser tests: the app served on loopback, driven by Debian's Chromium through Playwright.

The app runs in a thread (werkzeug's server, a free port on 127.0.0.1) on an SQLite database in a
temporary folder, built by the migrations and filled through the services (tests/browser/world.py).

Chromium is /usr/bin/chromium (Debian's package; EVENTSYS_CHROMIUM points elsewhere); Playwright
never downloads a browser here. Without Chromium or the playwright package these tests are
skipped with the reason shown, unless CI=true or EVENTSYS_REQUIRE_BROWSER=1, where they fail.

Fixtures: ``open_page(device, lang, user=None)`` opens a fresh page ("phone" 360×740 or "desktop"
1280×900; "zh-CN" or "en"; signed in as a login of the world, or not); ``shared_page`` is the
same for tests that only read, reusing one page per device, language and user; ``phone_zh``,
``phone_en``, ``desktop_zh`` and ``desktop_en`` are the four anonymous fresh pages. A page that
logs a JavaScript error or a Content-Security-Policy refusal fails its test."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.browser.world import World, build_world
from tests.conftest import cannot_run, make_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = os.environ.get("EVENTSYS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEVICES: dict[str, dict[str, Any]] = {
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 900}, "device_scale_factor": 1},
}
ACCEPT_LANGUAGE = {"zh-CN": "zh-CN,zh;q=0.9", "en": "en-GB,en;q=0.9"}
TIMEOUT_MS = 10_000


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Chromium through Playwright")


def browser_required() -> bool:
    return os.environ.get("EVENTSYS_REQUIRE_BROWSER") == "1" or os.environ.get("CI") == "true"


def browser_problem() -> str | None:
    """Say why the browser tests cannot run here, or None if they can."""
    try:
        import axe_playwright_python  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return (
            f"{error.name or error} is not installed (`python3 dev.py test` installs the dev "
            "dependencies: playwright, axe-playwright-python)"
        )
    if not os.access(CHROMIUM, os.X_OK):
        return (
            f"Chromium is not at {CHROMIUM}: `apt-get install chromium fonts-noto-cjk` "
            "(.ci/run does it); never `playwright install`"
        )
    return None


def need_browser() -> None:
    """Skip (locally) or fail (CI, EVENTSYS_REQUIRE_BROWSER=1) when the browser cannot run."""
    problem = browser_problem()
    if problem is not None:
        cannot_run(
            f"browser tests cannot run: {problem}", required=browser_required(), pytrace=False
        )


class _QuietHandler(WSGIRequestHandler):
    """Log errors, not every request."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class LiveServer:
    """The app on http://127.0.0.1:<free port>, served by a thread."""

    def __init__(self, app: Any, world: World) -> None:
        self.app = app
        self.world = world
        self._server = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="eventsys-live-server", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with its world, on loopback, for the whole session."""
    need_browser()
    from flask_migrate import upgrade

    from eventsys.extensions import db

    instance = tmp_path_factory.mktemp("browser-instance")
    # Served over plain http on loopback: Secure cookies would never come back (make_app's
    # default too, stated here because this is a real browser that enforces it).
    app = make_app(
        f"sqlite:///{instance}/browser.sqlite3",
        str(instance),
        SESSION_COOKIE_SECURE=False,
        REMEMBER_COOKIE_SECURE=False,
    )
    with app.app_context():
        upgrade(
            directory=os.path.join(os.path.dirname(__file__), "..", "..", "migrations"),
            revision="heads",
        )
    world = build_world(app)
    server = LiveServer(app, world)
    server.start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def world(live_server: LiveServer) -> World:
    return live_server.world


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def session_of(browser: Browser, live_server: LiveServer) -> Callable[[str], Any]:
    """Sign a login in once through the sign-in form; return its cookies for new contexts."""
    states: dict[str, Any] = {}

    def state(login: str) -> Any:
        if login not in states:
            context = browser.new_context(base_url=live_server.url, locale="zh-CN")
            page = context.new_page()
            page.goto("/login")
            page.locator("#login").fill(login)
            page.locator("#password").fill(live_server.world.password)
            page.locator("#password").press("Enter")
            page.wait_for_url(f"{live_server.url}/")
            states[login] = context.storage_state()
            context.close()
        return states[login]

    return state


def _new_page(
    browser: Browser,
    server: LiveServer,
    device: str,
    lang: str,
    storage_state: Any,
    errors: list[str],
) -> Page:
    """A page in a context of its own, reporting console errors and CSP refusals into *errors*."""
    context = browser.new_context(
        base_url=server.url,
        locale=lang,
        timezone_id="Asia/Shanghai",
        extra_http_headers={"Accept-Language": ACCEPT_LANGUAGE[lang]},
        storage_state=storage_state,
        **DEVICES[device],
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    def on_console(message: Any) -> None:
        # A 404 or 422 page is itself logged as a failed load; that is the page under test.
        own_status = message.text.startswith("Failed to load resource") and (
            message.location.get("url") == page.url
        )
        if message.type in ("error", "warning") and not own_status:
            errors.append(f"console {message.type} on {page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error on {page.url}: {error}"))
    return page


def _no_errors(errors: list[str]) -> None:
    assert errors == [], "the browser reported problems:\n" + "\n".join(errors)


@pytest.fixture
def open_page(
    browser: Browser, live_server: LiveServer, session_of: Callable[[str], Any]
) -> Iterator[Callable[..., Page]]:
    """Open a fresh page (its own cookies) at phone or desktop size, in zh-CN or en, anonymous
    or signed in as a login of the world."""
    pages: list[Page] = []
    errors: list[str] = []

    def open_(device: str = "desktop", lang: str = "zh-CN", user: str | None = None) -> Page:
        state = session_of(user) if user else None
        pages.append(_new_page(browser, live_server, device, lang, state, errors))
        return pages[-1]

    yield open_
    for page in pages:
        page.context.close()
    _no_errors(errors)


@pytest.fixture(scope="session")
def _page_pool(
    browser: Browser, live_server: LiveServer, session_of: Callable[[str], Any]
) -> Iterator[dict[tuple[str, str, str | None], tuple[Page, list[str]]]]:
    pool: dict[tuple[str, str, str | None], tuple[Page, list[str]]] = {}
    yield pool
    for page, _errors in pool.values():
        page.context.close()


@pytest.fixture
def shared_page(
    browser: Browser,
    live_server: LiveServer,
    session_of: Callable[[str], Any],
    _page_pool: dict[tuple[str, str, str | None], tuple[Page, list[str]]],
) -> Iterator[Callable[..., Page]]:
    """Like open_page, but the page is kept for the session and reused by the next test with
    the same device, language and user: for tests that only read (saves starting a context)."""
    used: list[list[str]] = []

    def get(device: str = "desktop", lang: str = "zh-CN", user: str | None = None) -> Page:
        key = (device, lang, user)
        if key not in _page_pool:
            errors: list[str] = []
            state = session_of(user) if user else None
            _page_pool[key] = (_new_page(browser, live_server, device, lang, state, errors), errors)
        page, errors = _page_pool[key]
        errors.clear()
        used.append(errors)
        return page

    yield get
    for errors in used:
        _no_errors(errors)


@pytest.fixture
def phone_zh(open_page: Callable[..., Page]) -> Page:
    return open_page("phone", "zh-CN")


@pytest.fixture
def phone_en(open_page: Callable[..., Page]) -> Page:
    return open_page("phone", "en")


@pytest.fixture
def desktop_zh(open_page: Callable[..., Page]) -> Page:
    return open_page("desktop", "zh-CN")


@pytest.fixture
def desktop_en(open_page: Callable[..., Page]) -> Page:
    return open_page("desktop", "en")


@pytest.fixture(scope="session")
def expect() -> Any:
    """Playwright's web-first assertions (imported here so that collection needs no playwright)."""
    need_browser()
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=TIMEOUT_MS)
    return playwright_expect
