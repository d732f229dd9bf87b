"""Default settings; instance/config.py and EVENTSYS_* environment variables override them."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import ClassVar


class Defaults:
    """Settings every deployment starts from."""

    # Set EVENTSYS_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1/eventsys) for
    # PostgreSQL; without it the embedded SQLite file in instance/ is used.
    DATABASE_URL: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")
    # Elderly users read slowly: a CSRF token lives as long as the session it is bound to.
    WTF_CSRF_TIME_LIMIT = None
    # Checked for every POST by eventsys.web.forms.check_csrf instead (a form page comes back
    # with its input); csrf.exempt() has no effect there: no route goes unchecked.
    WTF_CSRF_CHECK_DEFAULT = False
    # Production is served over HTTPS (behind a TLS proxy): cookies never travel in clear text.
    # `python3 dev.py run` serves plain http on loopback and turns these off through
    # EVENTSYS_SESSION_COOKIE_SECURE=false and EVENTSYS_REMEMBER_COOKIE_SECURE=false.
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # "Remember me" lasts a month; signing out, "sign out everywhere" or a new password end it.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    # Sign-in limits (services.accounts.authenticate): wrong passwords per address and person,
    # per address, per person from everywhere; then a wait that starts at the first delay and
    # doubles with each further failure; a key's failures are forgotten after a quiet day.
    LOGIN_MAX_FAILURES = 5
    LOGIN_ADDRESS_MAX_FAILURES = 30
    LOGIN_ACCOUNT_MAX_FAILURES = 50
    LOGIN_FIRST_DELAY_MINUTES = 1
    LOGIN_MAX_DELAY_MINUTES = 60
    LOGIN_FORGET_HOURS = 24
    # Sign-ups refused for a taken login name or phone number, per client address, before every
    # sign-up from that address is refused for the rest of the window (services.accounts).
    SIGNUP_MAX_REFUSALS = 5
    SIGNUP_WINDOW_MINUTES = 60
    # How many proxies in front of the app set X-Forwarded-For/-Proto/-Host (the TLS proxy: 1).
    # 0 trusts none: the sign-in and sign-up limits then count the proxy's address for everyone.
    PROXY_COUNT = 0
    # Rendered pages kept under the versions of what they show (eventsys.web.caching): in each
    # process's memory (at most PAGE_CACHE_ENTRIES pages and PAGE_CACHE_BYTES), or in Redis
    # shared by every process and server when CACHE_URL (EVENTSYS_CACHE_URL=redis://...) is set.
    PAGE_CACHE = True
    PAGE_CACHE_ENTRIES = 2000
    PAGE_CACHE_BYTES = 64 * 1024 * 1024
    PAGE_CACHE_TIMEOUT = 600
    CACHE_URL: str | None = None
    # Live pages (eventsys.web.streams, Server-Sent Events). Open streams per process: keep it
    # below gunicorn's threads per worker (gunicorn.conf.py: 100 threads, 80 streams), so the
    # rest of the site keeps answering; beyond it 503 with Retry-After and the pages poll.
    STREAM_CAP = 80
    # Page reads (GET, HEAD; not streams) one process builds at once; the rest wait asleep and
    # writes never wait, so a judge's save shares the core with at most this many reads
    # (eventsys.web.lanes). 0: no lane.
    READ_LANE = 4
    STREAM_RETRY_AFTER_SECONDS = 30
    STREAM_HEARTBEAT_SECONDS = 15
    # A stream ends after this long; the browser reconnects with its Last-Event-ID.
    STREAM_MAX_SECONDS = 600
    STREAM_RETRY_MILLISECONDS = 2000
    # How commits reach other processes: "auto" (Redis when STREAM_BUS_URL is set, else
    # PostgreSQL LISTEN/NOTIFY, else Redis at CACHE_URL, else reading the versions on SQLite),
    # or "postgresql", "redis", "poll".
    STREAM_BUS = "auto"
    STREAM_BUS_URL: str | None = None
    STREAM_POLL_SECONDS = 0.25
    # While Redis or the LISTEN connection is down: versions read from the database this often.
    STREAM_FALLBACK_POLL_SECONDS = 1.0
    HELP_TELEPHONE = "010-6381 2345"
    CENTRE_NAME = "丰台区老干部活动中心"
    PAGE_SIZE = 30
    # Calendar UIDs end in @CALENDAR_HOST and must never change once feeds are out.
    CALENDAR_HOST = "eventsys.fengtai.local"
    # Set to https://… behind a TLS proxy so that feed addresses are built with it.
    CALENDAR_BASE_URL: str | None = None
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # Text messages (eventsys.services.outbound): notices go out by SMS through an HTTP
    # gateway at SMS_URL (EVENTSYS_SMS_URL; JSON POST {"to", "text"}, any 2xx is sent);
    # without it notices stay in the app. `flask --app wsgi send-messages` sends the queue,
    # trying again after SMS_FIRST_RETRY_SECONDS, doubling up to SMS_MAX_RETRY_SECONDS, at most
    # SMS_MAX_ATTEMPTS times; a gateway that does not answer in SMS_TIMEOUT_SECONDS has failed.
    SMS_URL: str | None = None
    SMS_TIMEOUT_SECONDS = 5.0
    SMS_MAX_ATTEMPTS = 6
    SMS_FIRST_RETRY_SECONDS = 60
    SMS_MAX_RETRY_SECONDS = 3600
    SMS_POLL_SECONDS = 5.0


def load_or_create_secret(instance_path: str) -> str:
    """Return the instance's secret key, generating and saving one on first start."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
