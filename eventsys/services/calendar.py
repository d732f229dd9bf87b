"""Calendar feeds (RFC 5545 / RFC 7986): one event, a contest, a venue, the programme, a person.

A feed is a *scope* (what it covers) answered by the *sources* registered for that scope kind.
A source is two functions: `version(scope)` returns something cheap that changes whenever its
part of the feed would change (one small query, no objects built) and the latest modification
time; `items(scope)` returns plain `CalendarItem`s (eventsys.domain.ical_rules), loaded in a
fixed number of queries whatever the number of events. The view asks for the version first and
answers a conditional request with 304 before anything is built; a built feed is kept in a small
in-process cache keyed by its version.

Other areas plug in with `register_source`, e.g. the tournaments module for a team's matches::

    calendar.register_source("personal", calendar.Source("matches", matches_version, match_items))
    calendar.register_source("contest", calendar.Source("matches", ..., ...))

where `match_items(scope)` returns items with UIDs from `make_uid("match", match.id, scope.host)`
and LOCATION naming the court. The scope kinds are "event", "contest", "venue", "programme" and
"personal" (scope.ident is then the user's id; judges' sessions plug in the same way).

Personal feeds are reached by a secret address whose token is an HMAC of a stored random seed
under the application's secret key (so the address can be shown again, but not rebuilt from
the database alone). Tokens are compared in constant time, an unknown user is compared against
a dummy so that the answer takes as long, and a new seed makes the old address answer 404."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Timezone, TimezoneStandard
from icalendar import Event as VEvent
from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from eventsys.domain.ical_rules import (
    CANCELLED_KEPT_FOR,
    CalendarItem,
    SittingRecord,
    Window,
    calendar_name,
    make_uid,
    plan_series,
)
from eventsys.extensions import db
from eventsys.labels import event_kind_label
from eventsys.models import (
    ACTIVE_STATUSES,
    Event,
    Occurrence,
    Registration,
    RegistrationMember,
    User,
    Venue,
)
from eventsys.services import audit
from eventsys.timeutil import LOCAL_TZ, local_midnight

# Raised when the text a feed contains changes shape, so cached copies and ETags renew.
FORMAT_VERSION = 1
PRODID = "-//Fengtai Veteran Cadres Centre//eventsys//ZH"
TZID = "Asia/Shanghai"
REFRESH = timedelta(hours=1)  # REFRESH-INTERVAL and X-PUBLISHED-TTL (PT1H)
SCOPE_KINDS = ("event", "contest", "venue", "programme", "personal")


@dataclass(frozen=True)
class Scope:
    """What one feed covers. *ident* is the event, venue or user id, as the kind says."""

    kind: str
    ident: int | None
    window: Window
    now: datetime
    host: str
    base_url: str
    kinds: tuple[str, ...] = ()
    include_drafts: bool = False

    def __post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise ValueError(f"unknown feed kind {self.kind!r}")

    def key(self) -> tuple[Hashable, ...]:
        """Everything that tells feeds apart except the clock (the sources' versions see it)."""
        scope = (self.kind, self.ident, self.kinds, self.window, self.include_drafts)
        return (*scope, self.host, self.base_url)

    def page(self, path: str) -> str:
        """Return the absolute address of a page of the site."""
        return self.base_url.rstrip("/") + path


@dataclass(frozen=True)
class FeedMeta:
    """The calendar's own properties (RFC 7986): its name, description and addresses."""

    name: str
    description: str = ""
    url: str = ""
    source: str = ""


VersionFn = Callable[[Scope], tuple[Hashable, datetime | None]]
ItemsFn = Callable[[Scope], list[CalendarItem]]


@dataclass(frozen=True)
class Source:
    name: str
    version: VersionFn
    items: ItemsFn


@dataclass(frozen=True)
class FeedVersion:
    etag: str
    last_modified: datetime


SOURCES: dict[str, list[Source]] = {kind: [] for kind in SCOPE_KINDS}


def register_source(kind: str, source: Source) -> None:
    """Add *source* to every feed of *kind* (replacing a source of the same name)."""
    if kind not in SOURCES:
        raise ValueError(f"unknown feed kind {kind!r}")
    SOURCES[kind] = [s for s in SOURCES[kind] if s.name != source.name] + [source]


# ---- events -----------------------------------------------------------------------------------


def _visible(scope: Scope) -> ColumnElement[bool]:
    """Published events, and cancelled ones for 30 days (whole days, so that the moment an
    event leaves a feed is a midnight, which Last-Modified also marks)."""
    cutoff = local_midnight(scope.now.astimezone(LOCAL_TZ).date() - CANCELLED_KEPT_FOR)
    statuses = ["published", "draft"] if scope.include_drafts else ["published"]
    if scope.kind in ("event", "contest"):  # a single event's download always says what it is
        from eventsys.services.events.queries import visible_event_clause

        return visible_event_clause(scope.include_drafts)
    return or_(
        Event.status.in_(statuses), and_(Event.status == "cancelled", Event.updated_at >= cutoff)
    )


def _in_window(window: Window) -> ColumnElement[bool]:
    conditions = [
        Occurrence.event_id == Event.id,
        Occurrence.ends_at > local_midnight(window.starts),
    ]
    if window.ends is not None:
        conditions.append(Occurrence.starts_at < local_midnight(window.ends + timedelta(days=1)))
    return exists().where(*conditions)


def _scope_filter(scope: Scope) -> list[ColumnElement[bool]]:
    """Which events the scope is about, whatever their status or dates."""
    if scope.kind in ("event", "contest"):
        return [Event.id == scope.ident]
    conditions: list[ColumnElement[bool]] = []
    if scope.kind == "venue":
        conditions.append(
            or_(
                Event.venue_id == scope.ident,
                exists().where(Occurrence.event_id == Event.id, Occurrence.venue_id == scope.ident),
            )
        )
    if scope.kinds:
        conditions.append(Event.kind.in_(scope.kinds))
    return conditions


def _event_conditions(scope: Scope) -> list[ColumnElement[bool]]:
    conditions = [*_scope_filter(scope), _visible(scope)]
    if scope.kind not in ("event", "contest"):
        conditions.append(_in_window(scope.window))
    return conditions


def _floor(scope: Scope) -> datetime:
    # Feeds change at midnight (the window slides, old cancellations leave), so their
    # Last-Modified is never earlier than the last midnight.
    return local_midnight(scope.now.astimezone(LOCAL_TZ).date())


def _latest(*values: datetime | None) -> datetime:
    return max(v for v in values if v is not None)


def _events_version(scope: Scope) -> tuple[Hashable, datetime | None]:
    rows = db.session.execute(
        select(
            Event.id,
            Event.updated_at,
            Event.sequence,
            Event.status,
            Event.kind,
            Venue.name,
            Venue.location,
        )
        .join(Venue, Venue.id == Event.venue_id)
        .where(*_event_conditions(scope))
        .order_by(Event.id)
    ).all()
    # Any change of an event the scope is about, even one that took it out of the feed
    # (back to draft), moves Last-Modified on.
    touched = db.session.scalar(select(func.max(Event.updated_at)).where(*_scope_filter(scope)))
    return tuple(tuple(row) for row in rows), touched


def _events_items(scope: Scope) -> list[CalendarItem]:
    events = db.session.scalars(
        select(Event)
        .options(joinedload(Event.venue), selectinload(Event.occurrences))
        .where(*_event_conditions(scope))
        .order_by(Event.starts_at, Event.id)
    ).unique()
    return [event_item(event, scope) for event in events]


def _location(venue: Venue) -> str:
    return f"{venue.name}（{venue.location}）" if venue.location else venue.name


def event_item(
    event: Event, scope: Scope, *, note: str | None = None, tentative: bool = False
) -> CalendarItem:
    """Describe *event* (its occurrences loaded) as one calendar item with its exceptions."""
    sittings = [
        SittingRecord(o.original_start, o.starts_at, o.ends_at, o.skipped)
        for o in event.occurrences
    ]
    series = None
    if event.is_recurring:
        series = plan_series(
            event.starts_at,
            event.ends_at,
            event.weekdays,
            sorted(s.original_start for s in sittings),
            sittings,
            LOCAL_TZ,
        )
    starts, ends = event.starts_at, event.ends_at
    status = "TENTATIVE" if tentative else "CONFIRMED"
    if series is None and len(sittings) == 1:
        # A one-off event whose sitting was moved or called off.
        starts, ends = sittings[0].starts_at, sittings[0].ends_at
        if sittings[0].skipped:
            status = "CANCELLED"
    if event.status == "cancelled":
        status = "CANCELLED"
    url = scope.page(f"/events/{event.id}")
    summary = event.title if note is None else note
    if status == "CANCELLED":
        summary = _("Cancelled: %(title)s", title=summary)
    description = event.description.strip()
    if status == "CANCELLED":
        description = _("This event will not take place.") + (
            "\n\n" + description if description else ""
        )
    description = (description + "\n\n" if description else "") + _("Details: %(url)s", url=url)
    return CalendarItem(
        uid=make_uid("event", event.id, scope.host),
        summary=summary,
        starts_at=starts,
        ends_at=ends,
        last_modified=event.updated_at,
        created=event.created_at,
        sequence=event.sequence,
        status=status,
        location=_location(event.venue),
        description=description,
        url=url,
        categories=(event_kind_label(event.kind),),
        series=series,
    )


# ---- a person's registrations -----------------------------------------------------------------

# Best first: where a person is on two entries of one event, the surer one is shown.
_STATUS_RANK = {"confirmed": 0, "pending": 1, "waiting": 2, "cancelled": 3}


def _mine(user_id: int) -> ColumnElement[bool]:
    member_of = select(RegistrationMember.registration_id).where(
        RegistrationMember.user_id == user_id
    )
    return or_(Registration.captain_id == user_id, Registration.id.in_(member_of))


def _still_held() -> ColumnElement[bool]:
    # When an event is cancelled its registrations may be cancelled with it; the person must
    # still see the cancellation in their calendar rather than the event silently vanishing.
    return or_(
        Registration.status.in_(ACTIVE_STATUSES),
        and_(Registration.status == "cancelled", Event.status == "cancelled"),
    )


def _registrations_version(scope: Scope) -> tuple[Hashable, datetime | None]:
    assert scope.ident is not None
    rows = db.session.execute(
        select(
            Registration.id,
            Registration.status,
            Registration.updated_at,
            Event.id,
            Event.updated_at,
            Event.sequence,
            Event.status,
            Venue.name,
            Venue.location,
        )
        .join(Event, Event.id == Registration.event_id)
        .join(Venue, Venue.id == Event.venue_id)
        .where(_mine(scope.ident), _still_held(), *_event_conditions(scope))
        .order_by(Registration.id)
    ).all()
    # A cancelled registration or an event taken back also moves Last-Modified on.
    touched = db.session.execute(
        select(func.max(Registration.updated_at), func.max(Event.updated_at))
        .join(Event, Event.id == Registration.event_id)
        .where(_mine(scope.ident))
    ).one()
    return tuple(tuple(row) for row in rows), max((t for t in touched if t), default=None)


def _registrations_items(scope: Scope) -> list[CalendarItem]:
    assert scope.ident is not None
    registrations = db.session.scalars(
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .options(
            joinedload(Registration.event).joinedload(Event.venue),
            joinedload(Registration.event).selectinload(Event.occurrences),
        )
        .where(_mine(scope.ident), _still_held(), *_event_conditions(scope))
        .order_by(Event.starts_at, Registration.id)
    ).unique()
    best: dict[int, Registration] = {}
    for registration in registrations:
        held = best.get(registration.event_id)
        if held is None or _STATUS_RANK[registration.status] < _STATUS_RANK[held.status]:
            best[registration.event_id] = registration
    items = []
    for registration in best.values():
        event = registration.event
        note = None
        if registration.status == "waiting":
            note = _("%(title)s (waiting list)", title=event.title)
        elif registration.status == "pending":
            note = _("%(title)s (awaiting approval)", title=event.title)
        items.append(
            event_item(
                event, scope, note=note, tentative=registration.status in ("pending", "waiting")
            )
        )
    return items


_EVENTS = Source("events", _events_version, _events_items)
for _kind in ("event", "contest", "venue", "programme"):
    register_source(_kind, _EVENTS)
register_source("personal", Source("registrations", _registrations_version, _registrations_items))


# ---- versions, building, caching --------------------------------------------------------------


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:40]


def feed_version(scope: Scope, meta: FeedMeta, *, locale: str = "") -> FeedVersion:
    """Return the feed's ETag and Last-Modified, from one cheap query per source."""
    parts = []
    modified: list[datetime | None] = [_floor(scope)]
    for source in SOURCES[scope.kind]:
        token, latest = source.version(scope)
        parts.append((source.name, token))
        modified.append(latest)
    key = (FORMAT_VERSION, locale, scope.key(), meta, tuple(parts))
    return FeedVersion(etag=_digest(key), last_modified=_latest(*modified).astimezone(UTC))


def render_feed(scope: Scope, meta: FeedMeta) -> bytes:
    """Return the feed's text (kept, like the pages, by eventsys.web.caching)."""
    items: list[CalendarItem] = []
    for source in SOURCES[scope.kind]:
        items.extend(source.items(scope))
    return write_calendar(meta, items)


# ---- writing RFC 5545 -------------------------------------------------------------------------


def shanghai_timezone() -> Timezone:
    """Return the VTIMEZONE of Asia/Shanghai: UTC+8 all year, no daylight saving since 1991."""
    zone = Timezone()
    zone.add("tzid", TZID)
    zone.add("x-lic-location", TZID)
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", timedelta(hours=8))
    standard.add("tzoffsetto", timedelta(hours=8))
    standard.add("tzname", "CST")
    zone.add_component(standard)
    return zone


def _local(value: datetime) -> datetime:
    return value.astimezone(LOCAL_TZ)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(microsecond=0)


def _common(vevent: VEvent, item: CalendarItem, starts: datetime, ends: datetime) -> None:
    vevent.add("uid", item.uid)
    # Without METHOD, DTSTAMP is the time the information was last revised (RFC 5545 3.8.7.2),
    # which keeps the text of an unchanged feed byte for byte the same.
    vevent.add("dtstamp", _utc(item.last_modified))
    if item.created is not None:
        vevent.add("created", _utc(item.created))
    vevent.add("last-modified", _utc(item.last_modified))
    vevent.add("sequence", item.sequence)
    vevent.add("dtstart", _local(starts))
    vevent.add("dtend", _local(ends))
    vevent.add("summary", item.summary)
    vevent.add("status", item.status)
    if item.location:
        vevent.add("location", item.location)
    if item.description:
        vevent.add("description", item.description)
    if item.url:
        vevent.add("url", item.url)
    if item.categories:
        vevent.add("categories", list(item.categories))
    vevent.add("class", "PUBLIC")
    vevent.add("transp", "TRANSPARENT" if item.status == "CANCELLED" else "OPAQUE")
    for name, value in item.extra:
        vevent.add(name, value)


def item_components(item: CalendarItem) -> list[VEvent]:
    """Return the VEVENTs of *item*: the event (with its rule) and one per moved sitting."""
    master = VEvent()
    _common(master, item, item.starts_at, item.ends_at)
    components = [master]
    series = item.series
    if series is None:
        return components
    master.add("rrule", series.rrule())
    if series.exdates:
        master.add("exdate", [_local(d) for d in series.exdates])
    if series.rdates:
        master.add("rdate", [_local(d) for d in series.rdates])
    for override in series.overrides:
        vevent = VEvent()
        _common(vevent, item, override.starts_at, override.ends_at)
        vevent.add("recurrence-id", _local(override.recurrence_id))
        components.append(vevent)
    return components


def write_calendar(meta: FeedMeta, items: Iterable[CalendarItem]) -> bytes:
    """Print a VCALENDAR with the properties every common client reads."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # These three are written unescaped: see ical_rules.calendar_name.
    calendar.add("name", calendar_name(meta.name))
    calendar.add("x-wr-calname", calendar_name(meta.name))
    if meta.description:
        calendar.add("description", meta.description)
        calendar.add("x-wr-caldesc", calendar_name(meta.description))
    calendar.add("x-wr-timezone", TZID)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    if meta.url:
        calendar.add("url", meta.url)
    if meta.source:
        calendar.add("source", meta.source, parameters={"VALUE": "URI"})
    calendar.add_component(shanghai_timezone())
    for item in items:
        for component in item_components(item):
            calendar.add_component(component)
    return bytes(calendar.to_ical())


# ---- personal addresses -----------------------------------------------------------------------

# Used when the user does not exist or has no address, so every miss costs the same.
_DUMMY_SECRET = "0" * 64
MAX_TOKEN_LENGTH = 100


def token_for(user_id: int, secret: str) -> str:
    """Derive the address token of *user_id* from their seed and the application's secret key."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, f"eventsys-calendar:{user_id}:{secret}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def current_token(user: User) -> str | None:
    """Return the user's current address token, or None when they have none."""
    return token_for(user.id, user.calendar_secret) if user.calendar_secret else None


def new_token(user: User, *, actor: User) -> str:
    """Give *user* a new secret feed address (the old one stops working) and return its token."""
    replaced = user.calendar_secret is not None
    user.calendar_secret = secrets.token_hex(32)
    audit.record(actor, "calendar.token", "user", user.id, after={"replaced": replaced})
    db.session.flush()
    return token_for(user.id, user.calendar_secret)


def revoke_token(user: User, *, actor: User) -> None:
    """Stop *user*'s feed address; the feed then answers 404."""
    user.calendar_secret = None
    audit.record(actor, "calendar.token_revoke", "user", user.id)
    db.session.flush()


def user_for_token(user_id: int, token: str) -> User | None:
    """Return the active user whose feed address this is, else None, in constant time."""
    user = db.session.get(User, user_id) if 0 < user_id < 2**31 else None
    stored = user.calendar_secret if user is not None else None
    expected = token_for(user_id, stored or _DUMMY_SECRET)
    matches = hmac.compare_digest(token[:MAX_TOKEN_LENGTH].encode(), expected.encode())
    if user is None or stored is None or not user.active or len(token) > MAX_TOKEN_LENGTH:
        return None
    return user if matches else None


# ---- scopes for the views ---------------------------------------------------------------------


def events_in(scope: Scope) -> Sequence[int]:
    """Return the ids of the events a scope's feed shows (for pages and tests)."""
    return db.session.scalars(
        select(Event.id).where(*_event_conditions(scope)).order_by(Event.id)
    ).all()
