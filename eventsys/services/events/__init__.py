"""Create, change, publish and cancel events; book their venue without clashes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from eventsys.domain.recurrence import Sitting, all_clashes, first_clash, weekly_sittings
from eventsys.errors import Clash, EventsysError, NotFound
from eventsys.extensions import db
from eventsys.i18n import format_clock, format_when
from eventsys.labels import status_label
from eventsys.models import (
    CAPACITY_COUNTS,
    EVENT_KINDS,
    REGISTRATION_MODES,
    Event,
    Group,
    Occurrence,
    User,
    Venue,
)
from eventsys.services import audit, notices
from eventsys.timeutil import LOCAL_TZ, to_local, utcnow

EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "venue_id",
    "starts_at",
    "ends_at",
    "repeat_weekdays",
    "repeat_until",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "registration_mode",
    "capacity_counts",
    "requires_approval",
    "roster_min",
    "roster_max",
    "substitutes_max",
    "max_entries_per_organisation",
    "asks_title",
    "asks_text",
    "cancel_deadline",
    "walk_ins",
    "group_id",
)


@dataclass(frozen=True)
class EventData:
    kind: str
    title: str
    venue_id: int
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    weekdays: tuple[int, ...] = ()
    repeat_until: date | None = None
    capacity: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    registration_mode: str = "none"
    capacity_counts: str = "people"
    requires_approval: bool = False
    roster_min: int | None = None
    roster_max: int | None = None
    substitutes_max: int = 0
    max_entries_per_organisation: int | None = None
    asks_title: bool = False
    asks_text: bool = False
    cancel_deadline: datetime | None = None
    walk_ins: bool = False
    group_id: int | None = None  # the interest group whose activity it is

    @property
    def repeat_weekdays(self) -> str:
        return ",".join(str(day) for day in sorted(set(self.weekdays)))


# The reason stored on sittings skipped because their room was taken; shown translated.
ROOM_TAKEN = "[room-taken]"


@dataclass(frozen=True)
class ClashingDate:
    """One date of a series that its room cannot have, and the booking in the way."""

    starts_at: datetime
    ends_at: datetime
    title: str
    other_starts_at: datetime
    other_ends_at: datetime


class SeriesClash(Clash):
    """Several dates of a weekly series clash: the organizer may skip them and save the rest."""

    def __init__(self, message: str, clashes: Sequence[ClashingDate]) -> None:
        super().__init__(message)
        self.clashes = list(clashes)


def booking_warnings(
    data: EventData,
    *,
    seats: int | None,
    now: datetime,
    previous_start: datetime | None = None,
) -> list[str]:
    """What an organizer should confirm before saving: more places than the room has seats, or
    a start in the past (on a change, only if the start moved there). Nothing is refused."""
    found: list[str] = []
    if (
        seats is not None
        and data.capacity is not None
        and data.capacity_counts == "people"
        and data.capacity > seats
    ):
        found.append(
            _(
                "%(places)d places, but the room has only %(seats)d seats.",
                places=data.capacity,
                seats=seats,
            )
        )
    if data.starts_at < now and data.starts_at != previous_start:
        found.append(
            _("The event starts in the past (%(when)s).", when=format_when(data.starts_at))
        )
    return found


def lock_venue(venue_id: int) -> Venue:
    """Load the venue with a row lock, so bookings of one room are decided one at a time.

    On PostgreSQL this is SELECT ... FOR UPDATE; SQLite runs write requests in an immediate
    transaction, which already holds the database's single write lock."""
    venue = db.session.scalars(select(Venue).where(Venue.id == venue_id).with_for_update()).first()
    if venue is None or not venue.active:
        raise NotFound(_("Choose a venue from the list."), field="venue_id")
    return venue


def _check_clashes(
    venue: Venue,
    wanted: Sequence[Sitting],
    *,
    ignore_event: int | None,
    skip_clashes: bool = False,
) -> set[datetime]:
    """Refuse a clash; for a series, list every clashing date (SeriesClash), or with
    *skip_clashes* return their starts so that they are saved as skipped sittings."""
    if not wanted:
        return set()
    query = (
        select(Occurrence.starts_at, Occurrence.ends_at, Event.id, Event.title)
        .join(Event, Event.id == Occurrence.event_id)
        .where(
            Occurrence.venue_id == venue.id,
            Occurrence.blocks_venue.is_(True),
            Occurrence.starts_at < max(s.ends_at for s in wanted),
            Occurrence.ends_at > min(s.starts_at for s in wanted),
        )
    )
    if ignore_event is not None:
        query = query.where(Occurrence.event_id != ignore_event)
    booked = [
        ((event_id, title), Sitting(start, end))
        for start, end, event_id, title in db.session.execute(query)
    ]
    if len(wanted) > 1:
        clashes = all_clashes(wanted, booked)
        if clashes and skip_clashes:
            return {mine.starts_at for mine, _key, _theirs in clashes}
    else:
        clash = first_clash(wanted, booked)
        clashes = [clash] if clash is not None else []
    if not clashes:
        return set()
    _mine, (_event_id, title), theirs = clashes[0]
    message = _(
        "%(venue)s is already booked by “%(title)s” from %(start)s to %(end)s.",
        venue=venue.name,
        title=title,
        start=format_when(theirs.starts_at),
        end=format_when(theirs.ends_at)
        if to_local(theirs.starts_at).date() != to_local(theirs.ends_at).date()
        else format_clock(theirs.ends_at),
    )
    if len(wanted) == 1:
        raise Clash(message)
    dates = len({mine.starts_at for mine, _key, _theirs in clashes})
    raise SeriesClash(
        " ".join(
            (
                message,
                ngettext(
                    "In all, %(num)d date of the series clashes.",
                    "In all, %(num)d dates of the series clash.",
                    dates,
                ),
            )
        ),
        [
            ClashingDate(mine.starts_at, mine.ends_at, title, theirs.starts_at, theirs.ends_at)
            for mine, (_event_id, title), theirs in clashes
        ],
    )


def _sittings(data: EventData) -> list[Sitting]:
    try:
        return weekly_sittings(
            data.starts_at, data.ends_at, data.weekdays, data.repeat_until, LOCAL_TZ
        )
    except ValueError as error:
        raise EventsysError(
            _("The repeat cannot be used: %(reason)s", reason=str(error)), field="repeat_until"
        ) from error


def _validate(data: EventData) -> None:
    if data.kind not in EVENT_KINDS:
        raise EventsysError(_("Choose a kind of event from the list."), field="kind")
    if data.ends_at <= data.starts_at:
        raise EventsysError(_("The end must be after the start."), field="ends_at")
    if data.capacity is not None and data.capacity < 0:
        raise EventsysError(_("Capacity cannot be below zero."), field="capacity")
    opens, closes = data.registration_opens_at, data.registration_closes_at
    if opens and closes and closes <= opens:
        raise EventsysError(
            _("Registration must close after it opens."), field="registration_closes_at"
        )
    if closes and closes > data.ends_at:
        raise EventsysError(
            _("Registration must close before the event ends."), field="registration_closes_at"
        )
    if data.registration_mode not in REGISTRATION_MODES:
        raise EventsysError(
            _("Choose how people register from the list."), field="registration_mode"
        )
    if data.capacity_counts not in CAPACITY_COUNTS:
        raise EventsysError(_("Choose what the places count."), field="capacity_counts")
    if (
        data.roster_min is not None
        and data.roster_max is not None
        and data.roster_min > data.roster_max
    ):
        raise EventsysError(
            _("The smallest team cannot be larger than the largest."), field="roster_max"
        )
    numbers = (
        data.roster_min,
        data.roster_max,
        data.substitutes_max,
        data.max_entries_per_organisation,
    )
    if any(value is not None and value < 0 for value in numbers):
        raise EventsysError(_("Numbers cannot be below zero."), field="roster_min")
    if data.cancel_deadline and data.cancel_deadline > data.ends_at:
        raise EventsysError(
            _("The cancelling deadline must be before the event ends."), field="cancel_deadline"
        )
    if data.weekdays and data.repeat_until is None:
        raise EventsysError(_("Give the last day of the repeat."), field="repeat_until")
    if data.group_id is not None and db.session.get(Group, data.group_id) is None:
        raise NotFound(_("Choose a group from the list."), field="group_id")


def _flush_bookings() -> None:
    try:
        db.session.flush()
    except IntegrityError as error:  # the PostgreSQL exclusion constraint, if a lock was missed
        raise Clash(
            _("This venue was booked by someone else a moment ago. Please try again.")
        ) from error


def create_event(data: EventData, *, organizer: User, skip_clashes: bool = False) -> Event:
    """Create a draft event and book its sittings, refusing any clash in the venue.

    With *skip_clashes*, the dates of a series whose room is taken are saved as skipped sittings
    (reason: room taken) instead."""
    _validate(data)
    venue = lock_venue(data.venue_id)
    sittings = _sittings(data)
    taken = _check_clashes(venue, sittings, ignore_event=None, skip_clashes=skip_clashes)
    event = Event(organizer_id=organizer.id, status="draft", sequence=0)
    _apply(event, data)
    db.session.add(event)
    db.session.flush()
    _replace_occurrences(event, sittings, keep_changes=False, room_taken=taken)
    _flush_bookings()
    audit.record_change(organizer, "event.create", "event", event, EVENT_FIELDS)
    return event


def update_event(
    event: Event, data: EventData, *, actor: User, skip_clashes: bool = False
) -> Event:
    """Change an event; changing its time or venue rebooks every sitting (with *skip_clashes*,
    the dates of a series whose room is taken are kept as skipped sittings)."""
    if event.status == "cancelled":
        raise EventsysError(_("A cancelled event cannot be changed."))
    _validate(data)
    before = audit.snapshot(event, EVENT_FIELDS)
    schedule_changed = (
        data.venue_id != event.venue_id
        or data.starts_at != event.starts_at
        or data.ends_at != event.ends_at
        or data.repeat_weekdays != event.repeat_weekdays
        or data.repeat_until != event.repeat_until
    )
    taken: set[datetime] = set()
    if schedule_changed:
        venue = lock_venue(data.venue_id)
        sittings = _sittings(data)
        taken = _check_clashes(venue, sittings, ignore_event=event.id, skip_clashes=skip_clashes)
    _apply(event, data)
    if schedule_changed:
        _replace_occurrences(event, sittings, keep_changes=True, room_taken=taken)
    event.sequence += 1
    _flush_bookings()
    if event.registration_mode != "none":
        # A raised capacity, approval switched off or places counted per entry may free places:
        # they go to the waiting list, in order, in this transaction (before any newcomer).
        from eventsys.services import registrations as registration_service

        registration_service.promote(
            registration_service.lock_event(event.id), now=utcnow(), by=actor
        )
    moved = (
        before["starts_at"] != event.starts_at.isoformat() or before["venue_id"] != event.venue_id
    )
    if schedule_changed and moved and event.status == "published":
        notices.notify_registrants(event, "event_moved", now=utcnow(), params={"room": venue.name})
    audit.record_change(actor, "event.update", "event", event, EVENT_FIELDS, before=before)
    return event


def _apply(event: Event, data: EventData) -> None:
    for name in EVENT_FIELDS:
        setattr(event, name, getattr(data, name))


def _replace_occurrences(
    event: Event,
    sittings: Sequence[Sitting],
    *,
    keep_changes: bool,
    room_taken: set[datetime] | None = None,
) -> None:
    """Make the event's occurrences match *sittings*, keeping skipped days that still exist.

    The new rows go in as one statement, however many sittings a year of weekly meetings has
    (the unit of work would insert them one by one on SQLite, which cannot return new ids in
    order); the event's list of occurrences is read again when next used."""
    skipped = (
        {o.original_start: o.skip_reason for o in event.occurrences if o.skipped}
        if keep_changes
        else {}
    )
    skipped.update(dict.fromkeys(room_taken or (), ROOM_TAKEN))
    for occurrence in list(event.occurrences):
        event.occurrences.remove(occurrence)
    # Flush the deletions first: the new rows may reuse the same times.
    db.session.flush()
    blocks = event.status != "cancelled"
    rows = [
        {
            "event_id": event.id,
            "venue_id": event.venue_id,
            "starts_at": sitting.starts_at,
            "ends_at": sitting.ends_at,
            "original_start": sitting.starts_at,
            "skipped": sitting.starts_at in skipped,
            "skip_reason": skipped.get(sitting.starts_at),
            "blocks_venue": blocks and sitting.starts_at not in skipped,
        }
        for sitting in sittings
    ]
    if rows:
        try:
            db.session.execute(insert(Occurrence), rows)
        except IntegrityError as error:  # the PostgreSQL exclusion constraint
            raise Clash(
                _("This venue was booked by someone else a moment ago. Please try again.")
            ) from error
    db.session.expire(event, ["occurrences"])


def set_status(
    event: Event,
    status: str,
    *,
    actor: User,
    reason: str | None = None,
    now: datetime | None = None,
) -> None:
    """Publish or cancel an event. A cancelled event frees its venue and stays cancelled;
    its date and *reason* are kept and everyone registered finds a notice on their page."""
    allowed = {
        "draft": {"published", "cancelled"},
        "published": {"cancelled", "draft"},
        "cancelled": set(),
    }
    if status not in allowed.get(event.status, set()):
        raise EventsysError(
            _(
                "This event cannot be changed from “%(old)s” to “%(new)s”.",
                old=status_label(event.status),
                new=status_label(status),
            )
        )
    before = {"status": event.status}
    event.status = status
    event.sequence += 1
    if status == "cancelled":
        db.session.execute(
            update(Occurrence).where(Occurrence.event_id == event.id).values(blocks_venue=False)
        )
        from eventsys.services.registrations import notify_event_cancelled

        event.cancelled_at = now or utcnow()
        event.cancel_reason = (reason or "").strip() or None
        notify_event_cancelled(event, now=event.cancelled_at)
    after: dict[str, object] = {"status": status}
    if status == "cancelled" and event.cancel_reason:
        after["reason"] = event.cancel_reason
    audit.record(actor, f"event.{status}", "event", event.id, before=before, after=after)
    db.session.flush()


def skip_occurrence(
    occurrence: Occurrence, skip: bool, *, actor: User, reason: str | None = None
) -> None:
    """Skip one sitting of a repeating event (a holiday, with its reason for the programme), or
    bring it back if the room is free."""
    event = occurrence.event
    if event.status == "cancelled":
        raise EventsysError(_("A cancelled event cannot be changed."))
    if not skip and occurrence.skipped:
        venue = lock_venue(occurrence.venue_id)
        _check_clashes(
            venue, [Sitting(occurrence.starts_at, occurrence.ends_at)], ignore_event=event.id
        )
    was_skipped = occurrence.skipped
    occurrence.skipped = skip
    occurrence.blocks_venue = not skip
    occurrence.skip_reason = ((reason or "").strip()[:200] or None) if skip else None
    event.sequence += 1
    _flush_bookings()
    if event.status == "published" and skip != was_skipped:
        notices.notify_registrants(
            event,
            "sitting_skipped" if skip else "sitting_restored",
            now=utcnow(),
            params={"at": notices.moment(occurrence.starts_at)}
            | ({"reason": occurrence.skip_reason} if occurrence.skip_reason else {}),
        )
    audit.record(
        actor,
        "occurrence.skip" if skip else "occurrence.restore",
        "occurrence",
        occurrence.id,
        after={"starts_at": occurrence.starts_at.isoformat()}
        | ({"reason": occurrence.skip_reason} if occurrence.skip_reason else {}),
    )


def move_occurrence(
    occurrence: Occurrence, starts_at: datetime, ends_at: datetime, *, actor: User
) -> None:
    """Move one sitting to another time in the same venue, refusing a clash."""
    event = occurrence.event
    if event.status == "cancelled":
        raise EventsysError(_("A cancelled event cannot be changed."))
    if ends_at <= starts_at:
        raise EventsysError(_("The end must be after the start."), field="ends_at")
    venue = lock_venue(occurrence.venue_id)
    wanted = Sitting(starts_at, ends_at)
    siblings = [
        ((event.id, event.title), Sitting(o.starts_at, o.ends_at))
        for o in event.occurrences
        if o.id != occurrence.id and o.blocks_venue
    ]
    if first_clash([wanted], siblings) is not None:
        raise Clash(_("Another sitting of this event is already at that time."))
    _check_clashes(venue, [wanted], ignore_event=event.id)
    before = {
        "starts_at": occurrence.starts_at.isoformat(),
        "ends_at": occurrence.ends_at.isoformat(),
    }
    old_start = occurrence.starts_at
    occurrence.starts_at, occurrence.ends_at = starts_at, ends_at
    event.sequence += 1
    _flush_bookings()
    if event.status == "published" and starts_at != old_start:
        notices.notify_registrants(
            event,
            "sitting_moved",
            now=utcnow(),
            params={"from": notices.moment(old_start), "at": notices.moment(starts_at)},
        )
    audit.record(
        actor,
        "occurrence.move",
        "occurrence",
        occurrence.id,
        before=before,
        after={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
    )


def get_event(event_id: int, *, viewer: User | None) -> Event:
    """Return an event the viewer may see: drafts only for organizers."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound(_("This event does not exist."))
    from eventsys.services.events.queries import may_see_event

    if not may_see_event(event, viewer):
        raise NotFound(_("This event does not exist."))
    return event
