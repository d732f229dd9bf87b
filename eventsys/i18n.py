"""Which language and time zone a request is served in."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime
from flask_login import current_user

SUPPORTED = ("zh_CN", "en")


def negotiate(accept_languages: list[tuple[str, float]]) -> str:
    """Pick zh_CN for any Chinese variant the browser prefers, else English; zh_CN by default."""
    ranked = sorted(accept_languages, key=lambda item: -item[1])
    for tag, quality in ranked:
        if quality <= 0:
            continue
        primary = tag.replace("_", "-").split("-")[0].lower()
        if primary == "zh":
            return "zh_CN"
        if primary == "en":
            return "en"
    return "zh_CN" if not ranked else "en"


def select_locale() -> str:
    """Use the language chosen on the site, then the account's, then the browser's."""
    if not has_request_context():
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    chosen = session.get("lang")
    if chosen in SUPPORTED:
        return str(chosen)
    if current_user and current_user.is_authenticated and current_user.language in SUPPORTED:
        return str(current_user.language)
    return negotiate(list(request.accept_languages))


def select_timezone() -> str:
    """Show every time in the centre's time zone."""
    return str(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def locale_code() -> str:
    """Return the page language as an HTML lang value: zh-CN or en."""
    from flask_babel import get_locale

    locale = get_locale()
    return "zh-CN" if locale is not None and locale.language == "zh" else "en"


def format_when(value: datetime) -> str:
    """Format a moment for people: 2026年12月3日 星期四 14:00 / 3 Dec 2026, Thu 14:00."""
    pattern = "y年M月d日 EEEE HH:mm" if locale_code() == "zh-CN" else "d MMM y, EEE HH:mm"
    return str(format_datetime(value, pattern))


def format_day(value: date | datetime) -> str:
    """Format a day: 2026年12月3日 星期四 / Thu 3 Dec 2026."""
    pattern = "y年M月d日 EEEE" if locale_code() == "zh-CN" else "EEE d MMM y"
    return str(format_date(value, pattern))


def format_clock(value: datetime) -> str:
    """Format the time of day in Beijing: 14:00."""
    return str(format_datetime(value, "HH:mm"))
