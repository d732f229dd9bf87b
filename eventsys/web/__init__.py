"""The web layer: one blueprint per audience or area. Nothing imports it but the factory."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin, current_user
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy import inspect as sa_inspect
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from eventsys.database import write_intent
from eventsys.extensions import login_manager
from eventsys.i18n import format_clock, format_day, format_when, locale_code
from eventsys.services.accounts import load_user_by_session_id
from eventsys.web import forms
from eventsys.web.headers import SECURITY_HEADERS
from eventsys.web.util import MAX_ID

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_web(app: Flask) -> None:
    """Install request hooks, error pages, template helpers and the user loader."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user_by_session_id)

    @app.before_request
    def _transaction_mode() -> None:
        g.write_token = write_intent.set(request.method not in SAFE_METHODS)

    # Every POST's CSRF token, checked once here; a form page marked keeps_input comes back with
    # what was typed (UX.md item 6), its form failing on its csrf_token field, unable to commit.
    app.before_request(forms.check_csrf)
    forms.install_commit_refusal()

    @app.teardown_request
    def _reset_transaction_mode(_error: BaseException | None) -> None:
        token = g.pop("write_token", None)
        if token is not None:
            write_intent.reset(token)

    @app.after_request
    def _security_headers(response: Any) -> Any:
        headers = response.headers
        for name, value in SECURITY_HEADERS:
            headers.setdefault(name, value)
        return response

    app.after_request(forms.refused_status)  # registered after, so run before, the headers

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError) -> Any:
        message = _(
            "This form had expired or was sent from elsewhere. Please fill it in again; "
            "nothing was saved."
        )
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        if error.code is None or error.code < 400:
            return error
        messages = {
            400: _("The request could not be understood."),
            403: _("You do not have permission to open this page."),
            404: _(
                "This page does not exist. Please check the address or go back to the home page."
            ),
            405: _("This action is not available here."),
            413: _("What you sent is too large."),
            429: _("Too many requests. Please wait a moment."),
        }
        message = messages.get(error.code, error.description or "")
        return render_template("errors/error.html", code=error.code, message=message), error.code

    @app.errorhandler(500)
    def _server_error(_error: Any) -> tuple[str, int]:
        return server_error_page()

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["local_datetime"] = format_when
    app.jinja_env.filters["local_date"] = format_day
    app.jinja_env.filters["local_time"] = format_clock
    app.jinja_env.globals["locale_code"] = locale_code
    from eventsys import labels

    app.jinja_env.filters["event_kind"] = labels.event_kind_label
    app.jinja_env.filters["status_label"] = labels.status_label
    app.jinja_env.filters["group_kind"] = labels.group_kind_label
    app.jinja_env.filters["venue_kind"] = labels.venue_kind_label
    app.jinja_env.filters["role_label"] = labels.role_label
    app.jinja_env.filters["registration_status"] = labels.registration_status_label
    app.jinja_env.filters["member_role"] = labels.member_role_label
    app.jinja_env.filters["skating_tie"] = labels.skating_tie_label
    from eventsys.services import notices

    app.jinja_env.filters["notice_sentence"] = notices.sentence_of
    app.jinja_env.filters["notice_tone"] = labels.notice_tone

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "help_telephone": app.config["HELP_TELEPHONE"],
            "centre_name": app.config["CENTRE_NAME"],
        }


class _SignedInAsBefore:
    """Who was signed in, as far as the page around an error needs it, read without the
    database: the menu and the language stay the member's own."""

    is_authenticated = True
    is_anonymous = False
    is_active = True

    def __init__(self, values: dict[str, Any]) -> None:
        self.name = values.get("name", "")
        self.is_organizer = bool(values.get("is_organizer"))
        self.is_judge = bool(values.get("is_judge"))
        self.language = values.get("language")

    def has_role(self, role: str) -> bool:
        return bool(getattr(self, f"is_{role}", False))


def _user_for_error_page() -> Any:
    """The visitor for the error page: never one whose loading would need the database."""
    loaded = g.get("_login_user")
    if loaded is None or not getattr(loaded, "is_authenticated", False):
        return loaded
    try:
        values = dict(sa_inspect(loaded).dict)  # what is loaded already; nothing is fetched
    except Exception:
        return AnonymousUserMixin()
    return _SignedInAsBefore(values)


def server_error_page() -> tuple[str, int]:
    """The page for a bug (500), rendered even when the database is what failed.

    The session is rolled back (a failed flush leaves it unusable), the signed-in visitor is
    taken from what was loaded before the error or, failing that, read once and otherwise
    treated as signed out; if the page still cannot be rendered, a plain page with the
    stylesheet and the help line is sent."""
    from eventsys.extensions import db

    visitor = _user_for_error_page()
    with suppress(Exception):  # the database may be unreachable: the page comes first
        db.session.rollback()
    if visitor is None:
        try:
            visitor = current_user._get_current_object()  # loads the visitor, if it can
            if visitor.is_authenticated:
                visitor = _SignedInAsBefore(dict(sa_inspect(visitor).dict))
        except Exception:
            visitor = AnonymousUserMixin()
            with suppress(Exception):
                db.session.rollback()
    g._login_user = visitor
    message = _("Something went wrong on our side. Please call the help line.")
    try:
        return render_template("errors/error.html", code=500, message=message), 500
    except Exception:
        telephone = escape(current_app.config.get("HELP_TELEPHONE", ""))
        return (
            '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<title>出错了 · Sorry</title><link rel="stylesheet" href="/static/css/app.css">'
            f'</head><body><main id="main" class="wrap"><h1>出错了 (500)</h1>'
            f'<p class="lead">{escape(message)}</p>'
            f"<p>需要帮助？请致电活动中心 / Need help? Call the centre: "
            f'<a href="tel:{telephone}">{telephone}</a></p>'
            '<p><a class="button primary main-action" href="/">返回活动日程 / Programme</a></p>'
            "</main></body></html>",
            500,
        )


class RowIdConverter(IntegerConverter):
    """<int:...> no larger than a row id can be (2**31 - 1); dance numbers start at 0."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    """Mount every blueprint."""
    from eventsys.web import (
        auth,
        calendar,
        contests,
        desk_import,
        groups,
        manage,
        me,
        notices,
        printouts,
        public,
        registrations,
        streams,
        tournaments,
    )

    # Ids in addresses are row ids: a number no row can have is a 404 from the router.
    app.url_map.converters["int"] = RowIdConverter
    blueprints = (public, auth, me, manage, registrations, contests, tournaments, calendar)
    for module in (*blueprints, streams):
        app.register_blueprint(module.bp)
    app.register_blueprint(desk_import.bp)
    app.register_blueprint(groups.bp)
    app.register_blueprint(notices.bp)
    app.register_blueprint(printouts.bp)
