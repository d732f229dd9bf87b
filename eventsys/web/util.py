"""Helpers shared by the views: role checks, safe redirects, errors on forms."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Response, abort, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from eventsys.errors import EventsysError
from eventsys.services.exports import Download

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def role_required(role: str) -> Callable[[F], F]:
    """Let only signed-in users with *role* through; others are sent to sign in or refused."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                from eventsys.extensions import login_manager

                return login_manager.unauthorized()
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def viewer() -> Any:
    """The signed-in person, or None for a visitor: what the visibility rules are asked about."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def is_safe_next(target: str | None) -> bool:
    """Tell whether *target* is a path on this site (no scheme, host or protocol-relative //)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def next_or(default_endpoint: str, target: str | None = None) -> str:
    """Return *target* (or ?next=) if it stays on this site, else the default page."""
    target = target if target is not None else request.args.get("next")
    return target if is_safe_next(target) else url_for(default_endpoint)


def attach_error(form: FlaskForm, error: EventsysError) -> bool:
    """Put a service's refusal next to the field it concerns; False if it concerns no field."""
    from eventsys.web.actions import attach_refusal

    return attach_refusal(form, error, field=None)


# Row ids are 32-bit integers on PostgreSQL: a larger number names nothing (and would be an
# "integer out of range" error rather than a miss).
MAX_ID = 2**31 - 1


def get_or_404(model: Any, ident: Any) -> Any:
    """Load a row by primary key or answer 404 (ids that are not numbers never reach here)."""
    from eventsys.extensions import db

    if not isinstance(ident, int) or not 0 < ident <= MAX_ID:
        abort(404)
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def check_button() -> None:
    """Refuse a one-button form (an ActionForm) without its CSRF token: 400."""
    from eventsys.web.forms import ActionForm

    if not ActionForm().validate_on_submit():
        abort(400)


def button_action(action: Callable[[], object], *, done: str, back: str) -> Any:
    """A one-button form (publish, remove, cancel...): refuse it without its CSRF token (400),
    run *action* (one service call), then commit and say *done*, or roll back and show the
    refusal; either way go back to *back*."""
    from flask import flash, redirect

    from eventsys.web.actions import perform

    check_button()
    if perform(action):
        flash(done, "success")
    return redirect(back)


def send_download(file: Download) -> Response:
    """Answer with *file* as an attachment (a CSV or XLSX export)."""
    # content_type, not mimetype: Werkzeug adds a charset to a text/* mimetype a second time.
    response = Response(file.body, content_type=file.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response
