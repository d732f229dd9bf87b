"""The calendar pages: .ics downloads, subscribable feeds and the pages that explain them.

Feeds and pages are kept under the versions of what they show (eventsys.web.caching), which
answers conditional requests (If-None-Match, If-Modified-Since) with 304 from the kept copy.
Personal feeds live at /calendar/u/<user id>/<secret>.ics: the secret must stay out of
logs and referrers. Pages here send `Referrer-Policy: no-referrer`; the development server's
access log is masked by `TokenMaskingFilter` (installed on the "werkzeug" and "gunicorn.access"
loggers). In production run gunicorn with the same filter, e.g. in gunicorn.conf.py::

    logconfig_dict = {"version": 1, "disable_existing_loggers": False,
        "filters": {"mask": {"()": "eventsys.web.calendar.TokenMaskingFilter"}},
        "handlers": {"access": {"class": "logging.StreamHandler", "filters": ["mask"]}},
        "loggers": {"gunicorn.access": {"handlers": ["access"], "propagate": False}}}

and make the TLS proxy in front log no paths under /calendar/u/ (or mask them the same way)."""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import BooleanField, HiddenField

from eventsys.config import Defaults
from eventsys.domain.ical_rules import Window, check_window
from eventsys.domain.text import normalise
from eventsys.errors import NotFound
from eventsys.extensions import db
from eventsys.labels import event_kind_label
from eventsys.models import EVENT_KINDS, Event, User, Venue
from eventsys.services import calendar as feeds
from eventsys.services import (
    calendar_judging,  # noqa: F401  (adds judges' sittings)
    calendar_matches,  # noqa: F401  (adds the matches)
)
from eventsys.services import events as event_service
from eventsys.services.places import queries as place_queries
from eventsys.timeutil import local_today, utcnow
from eventsys.web import caching
from eventsys.web.actions import perform
from eventsys.web.forms import NormalisingForm
from eventsys.web.util import button_action, get_or_404, viewer

bp = Blueprint("calendar", __name__)

TOKEN_PATH = re.compile(r"(/calendar/u/\d+/)[^/\s.?\"]+")


class TokenMaskingFilter(logging.Filter):
    """Replace the secret in personal feed addresses with *** in every log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/calendar/u/" in message:
            record.msg = TOKEN_PATH.sub(r"\1***", message)
            record.args = ()
        return True


@bp.record_once
def _mask_tokens_in_logs(_state: Any) -> None:
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenMaskingFilter) for f in logger.filters):
            logger.addFilter(TokenMaskingFilter())


@bp.after_request
def _no_referrer(response: Response) -> Response:
    # A personal address must not leak to other sites through the Referer header.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


class BadFeedRequest(Exception):
    pass


# ---- parsing ----------------------------------------------------------------------------------


def _date_arg(name: str) -> date | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(normalise(raw))
    except ValueError:
        raise BadFeedRequest(
            _("“%(value)s” is not a date; write it as 2026-12-03.", value=raw[:40])
        ) from None


def _window() -> Window:
    starts, ends = _date_arg("from"), _date_arg("to")
    try:
        return check_window(starts, ends, local_today())
    except ValueError:
        raise BadFeedRequest(
            _(
                "The dates cannot be used: the end must not be before the start, the range may "
                "cover at most 800 days, and dates must lie between 2000 and 2100."
            )
        ) from None


def _kinds() -> tuple[str, ...]:
    kinds: list[str] = []
    for raw in request.args.getlist("kind"):
        for kind in normalise(raw).split(","):
            kind = kind.strip()
            if not kind:
                continue
            if kind not in EVENT_KINDS:
                raise BadFeedRequest(
                    _(
                        "“%(kind)s” is not a kind of event. Use one of: %(kinds)s.",
                        kind=kind[:40],
                        kinds=", ".join(EVENT_KINDS),
                    )
                )
            if kind not in kinds:
                kinds.append(kind)
    return tuple(sorted(kinds))


def _bad_request(message: str) -> Response:
    return Response(message + "\n", status=400, mimetype="text/plain")


# ---- building blocks --------------------------------------------------------------------------


def _host() -> str:
    return str(current_app.config.get("CALENDAR_HOST") or Defaults.CALENDAR_HOST)


def _base_url() -> str:
    return str(current_app.config.get("CALENDAR_BASE_URL") or request.host_url).rstrip("/")


def _scope(kind: str, ident: int | None, **kwargs: Any) -> feeds.Scope:
    return feeds.Scope(
        kind=kind,
        ident=ident,
        window=kwargs.pop("window", None) or check_window(None, None, local_today()),
        now=utcnow(),
        host=_host(),
        base_url=_base_url(),
        **kwargs,
    )


def _locale() -> str:
    return str(get_locale() or "")


def _send_feed(
    scope: feeds.Scope, meta: feeds.FeedMeta, filename: str, *, private: bool = False
) -> Response:
    """The feed, with its ETag and Last-Modified (@caching.cached answers 304 from them)."""
    version = feeds.feed_version(scope, meta, locale=_locale())
    headers = {
        "ETag": f'"{version.etag}"',
        "Last-Modified": version.last_modified.strftime("%a, %d %b %Y %H:%M:%S GMT"),
        "Cache-Control": "private, no-cache" if private else "no-cache",
        "Vary": "Accept-Language, Cookie",
    }
    if private:
        headers["X-Robots-Tag"] = "noindex, nofollow"
    body = feeds.render_feed(scope, meta)
    response = Response(body, mimetype="text/calendar", headers=headers)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _feed_links(feed_url: str) -> dict[str, Any]:
    """The https:// address, the webcal:// one (which phones subscribe to) and its QR code."""
    webcal = re.sub(r"^https?://", "webcal://", feed_url)
    return {"feed_url": feed_url, "webcal_url": webcal, "qr": _qr_data_uri(webcal)}


def _qr_data_uri(text: str) -> str | None:
    try:
        import segno
    except ImportError:  # the page still offers both addresses
        return None
    return str(segno.make(text, error="m").svg_data_uri(scale=5, border=4, dark="#000"))


def _visible_event(event_id: int) -> Event:
    try:
        return event_service.get_event(event_id, viewer=viewer())
    except NotFound:
        abort(404)


def _programme_meta(kinds: tuple[str, ...], source: str) -> feeds.FeedMeta:
    centre = current_app.config["CENTRE_NAME"]
    name = _("%(centre)s: programme", centre=centre)
    if kinds:
        name += "（" + "、".join(event_kind_label(k) for k in kinds) + "）"
    return feeds.FeedMeta(
        name=name,
        description=_("Events of %(centre)s.", centre=centre),
        url=url_for("public.home", _external=True),
        source=source,
    )


# ---- feeds ------------------------------------------------------------------------------------


@bp.errorhandler(BadFeedRequest)
def _bad_feed_request(error: BadFeedRequest) -> Any:
    if request.path.endswith(".ics"):
        return _bad_request(str(error))
    return render_template("errors/error.html", code=400, message=str(error)), 400


@bp.route("/events/<int:event_id>.ics")
@caching.cached(caching.event_page)
def event_ics(event_id: int) -> Response:
    """One event, with all its sittings, to download or subscribe to."""
    return _event_feed(event_id, "event", lambda event: event.title)


@bp.route("/calendar/contests/<int:event_id>.ics")
@caching.cached(caching.event_schedule)
def contest_ics(event_id: int) -> Response:
    """A contest's or tournament's schedule: its sessions and every scheduled match."""
    return _event_feed(
        event_id, "contest", lambda event: _("%(title)s: schedule", title=event.title)
    )


def _event_feed(event_id: int, kind: str, name: Callable[[Event], str]) -> Response:
    """The feed of one event (*kind* "event": its sittings; "contest": its whole schedule),
    named *name* (event), in the file ``<kind>-<id>.ics``."""
    event = _visible_event(event_id)
    scope = _scope(kind, event.id, include_drafts=event.status == "draft")
    meta = feeds.FeedMeta(
        name=name(event),
        url=url_for("public.event_detail", event_id=event.id, _external=True),
        source=request.base_url,
    )
    return _send_feed(scope, meta, f"{kind}-{event.id}.ics")


@bp.route("/venues/<int:venue_id>.ics")
@caching.cached(caching.room_feed)
def venue_ics(venue_id: int) -> Response:
    """A room's or court's bookings."""
    venue = get_or_404(Venue, venue_id)
    scope = _scope("venue", venue.id, window=_window(), kinds=_kinds())
    meta = feeds.FeedMeta(
        name=f"{current_app.config['CENTRE_NAME']} · {venue.name}",
        description=_("Bookings of %(venue)s.", venue=venue.name),
        url=url_for("public.venue_week", venue_id=venue.id, _external=True),
        source=request.url,
    )
    return _send_feed(scope, meta, f"venue-{venue.id}.ics")


@bp.route("/calendar/programme.ics")
@caching.cached(caching.programme)
def programme_ics() -> Response:
    """The public programme, optionally only some kinds of event (?kind=lecture&kind=...)."""
    kinds = _kinds()
    scope = _scope("programme", None, window=_window(), kinds=kinds)
    return _send_feed(scope, _programme_meta(kinds, request.url), "programme.ics")


@bp.route("/calendar/u/<int:user_id>/<token>.ics")
@caching.cached(caching.personal_feed)
def personal_ics(user_id: int, token: str) -> Response:
    """A person's own calendar, at their secret address."""
    user = feeds.user_for_token(user_id, token)
    if user is None:
        # The same plain answer for an unknown user, a wrong and a retired address; no page
        # that would repeat the address in its links.
        return Response(_("No calendar at this address.") + "\n", status=404, mimetype="text/plain")
    window = _window()
    with force_locale(user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        meta = feeds.FeedMeta(
            name=_("%(centre)s: my events", centre=current_app.config["CENTRE_NAME"]),
            description=_("Your registrations, matches and judging sessions."),
            url=url_for("calendar.mine", _external=True),
        )
        return _send_feed(
            _scope("personal", user.id, window=window), meta, "mine.ics", private=True
        )


# ---- pages ------------------------------------------------------------------------------------


@bp.route("/calendar/")
@caching.cached(caching.names_only)
def index() -> Any:
    """How to put the programme, a room or one's own events on a phone's calendar."""
    kinds = _kinds()
    params: dict[str, Any] = {"kind": list(kinds)} if kinds else {}
    feed_url = url_for("calendar.programme_ics", _external=True, **params)
    venues = place_queries.active_venues()
    return render_template(
        "calendar/index.html",
        kinds=EVENT_KINDS,
        chosen=kinds,
        venues=venues,
        **_feed_links(feed_url),
    )


@bp.route("/calendar/venues/<int:venue_id>")
@caching.cached(caching.room)
def venue_page(venue_id: int) -> Any:
    venue = get_or_404(Venue, venue_id)
    return render_template(
        "calendar/subscribe.html",
        heading=_("Bookings of %(venue)s in your calendar", venue=venue.name),
        back_url=url_for("public.venue_week", venue_id=venue.id),
        back_label=venue.name,
        **_feed_links(url_for("calendar.venue_ics", venue_id=venue.id, _external=True)),
    )


@bp.route("/calendar/events/<int:event_id>")
@caching.cached(caching.event_page)
def event_page(event_id: int) -> Any:
    event = _visible_event(event_id)
    return render_template(
        "calendar/subscribe.html",
        heading=_("“%(title)s” in your calendar", title=event.title),
        back_url=url_for("public.event_detail", event_id=event.id),
        back_label=event.title,
        download_url=url_for("calendar.event_ics", event_id=event.id),
        contest_url=url_for("calendar.contest_ics", event_id=event.id, _external=True),
        **_feed_links(url_for("calendar.event_ics", event_id=event.id, _external=True)),
    )


class AddressForm(NormalisingForm):
    """Make the calendar address, or replace it: a replacement is confirmed and names the
    address it replaces, so a form sent twice (or from an older page) replaces nothing."""

    replacing = HiddenField(_l("The address being replaced"))
    confirm = BooleanField(
        _l("Yes, make a new address. Calendars subscribed with the old one stop updating.")
    )


def _render_mine(form: AddressForm | None = None, status: int = 200) -> Response:
    links: dict[str, Any] = {}
    token = feeds.current_token(_me())
    if token is not None:
        feed_url = url_for(
            "calendar.personal_ics", user_id=current_user.id, token=token, _external=True
        )
        links = _feed_links(feed_url)
    form = form or AddressForm()
    form.replacing.data = token or ""
    response = Response(
        render_template("calendar/mine.html", has_address=token is not None, form=form, **links),
        status=status,
    )
    # The page shows the secret address: keep it out of caches and of the history's reload.
    response.headers["Cache-Control"] = "no-store"
    return response


def _me() -> User:
    user = db.session.get(User, current_user.id)
    if user is None:
        abort(404)
    return user


@bp.route("/calendar/me")
@login_required
def mine() -> Any:
    """One's own calendar address: made, shown again, replaced or stopped here."""
    return _render_mine()


@bp.route("/calendar/me/address", methods=["POST"])
@login_required
def new_address() -> Any:
    user = _me()
    form = AddressForm()
    if not form.validate_on_submit():
        abort(400)
    current = feeds.current_token(user)
    if current is not None and not hmac.compare_digest(
        (form.replacing.data or "").encode(), current.encode()
    ):
        # Sent again, or from a page older than the address: the address stays.
        flash(
            _("Your calendar address had already been made: it is the one below. Nothing changed."),
            "warning",
        )
        return redirect(url_for("calendar.mine"), 303)
    if current is not None and not form.confirm.data:
        form.confirm.errors = [
            _("Tick this box to make a new address. Nothing changed: your address still works.")
        ]
        return _render_mine(form, status=422)
    if not perform(lambda: feeds.new_token(user, actor=user)):
        return redirect(url_for("calendar.mine"), 303)
    if current is None:
        flash(_("Your calendar address is ready."), "success")
    else:
        flash(
            _("Your new calendar address is ready. Any older address no longer works."), "success"
        )
    return redirect(url_for("calendar.mine"), 303)


@bp.route("/calendar/me/address/stop", methods=["POST"])
@login_required
def stop_address() -> Any:
    user = _me()
    return button_action(
        lambda: feeds.revoke_token(user, actor=user),
        done=_("Your calendar address is stopped. Calendars subscribed with it no longer update."),
        back=url_for("calendar.mine"),
    )
