"""Events and the occurrences that book their venue."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    DDL,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsys import versions
from eventsys.extensions import db
from eventsys.models.types import UTCDateTime, code_type, owned
from eventsys.timeutil import to_local, utcnow

if TYPE_CHECKING:
    from eventsys.models.users import User
    from eventsys.models.venues import Venue

EVENT_KINDS = (
    "performance",
    "ball_game",
    "poetry_contest",
    "troupe_competition",
    "lecture",
    "exhibition",
    "health_clinic",
    "knowledge_contest",
    "activity",
    "other",
)
EVENT_STATUSES = ("draft", "published", "cancelled")
REGISTRATION_MODES = ("none", "individual", "team")
CAPACITY_COUNTS = ("people", "entries")


class Event(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        Index("ix_event_status_starts_at", "status", "starts_at"),
        CheckConstraint(
            "roster_min IS NULL OR roster_max IS NULL OR roster_min <= roster_max",
            name="roster_range",
        ),
        CheckConstraint("substitutes_max >= 0", name="substitutes_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(code_type(EVENT_KINDS, name="kind_known", length=30))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="RESTRICT"), index=True)
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # The interest group whose activity this is (its page lists it; its leader may register
    # the members together).
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("interest_group.id", ondelete="SET NULL"), index=True
    )
    # The first occurrence; recurring events repeat it weekly on repeat_weekdays.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Monday = 0, comma separated ("1,3" is every Tuesday and Thursday); empty for one-off events.
    repeat_weekdays: Mapped[str] = mapped_column(String(20), default="")
    repeat_until: Mapped[date | None] = mapped_column(Date)
    capacity: Mapped[int | None] = mapped_column(Integer)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(
        code_type(EVENT_STATUSES, name="status_known", length=20), default="draft"
    )
    # How people take part: not at all (drop in), one by one, or as teams / troupes.
    registration_mode: Mapped[str] = mapped_column(
        code_type(REGISTRATION_MODES, name="mode_known", length=12), default="none"
    )
    capacity_counts: Mapped[str] = mapped_column(
        code_type(CAPACITY_COUNTS, name="counts_known", length=10), default="people"
    )
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    # Team events: players on a roster (captain included), and substitutes on top of them.
    roster_min: Mapped[int | None] = mapped_column(Integer)
    roster_max: Mapped[int | None] = mapped_column(Integer)
    substitutes_max: Mapped[int] = mapped_column(Integer, default=0)
    max_entries_per_organisation: Mapped[int | None] = mapped_column(Integer)
    # What an entry must give: a title (a poem's, a programme's) and a text (the poem itself).
    asks_title: Mapped[bool] = mapped_column(Boolean, default=False)
    asks_text: Mapped[bool] = mapped_column(Boolean, default=False)
    cancel_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When and why an organizer cancelled the event (shown to everyone registered).
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # Open daily activities record walk-ins at the door without registration.
    walk_ins: Mapped[bool] = mapped_column(Boolean, default=False)
    # Incremented on every change that calendar clients must notice (RFC 5545 SEQUENCE).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    venue: Mapped[Venue] = relationship()
    organizer: Mapped[User | None] = relationship()
    occurrences: Mapped[list[Occurrence]] = owned("event", order_by="Occurrence.starts_at")

    @property
    def weekdays(self) -> tuple[int, ...]:
        return tuple(int(day) for day in self.repeat_weekdays.split(",") if day)

    @property
    def is_recurring(self) -> bool:
        return bool(self.repeat_weekdays)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title}>"

    def version_keys(self) -> tuple[str, ...]:
        """The event's pages, the programme, and the room weeks its sittings show it in (their
        rows may not change with the event's title or status)."""
        keys = [versions.event_key(self.id), versions.PROGRAMME]
        if versions.changed(self, "title", "kind", "status", "cancelled_at"):
            keys += [o.week_key() for o in self.occurrences]
        return tuple(keys)


class Occurrence(db.Model):  # type: ignore[name-defined,misc]
    """One dated sitting of an event; the rows that actually book a venue."""

    __tablename__ = "occurrence"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        UniqueConstraint("event_id", "original_start", name="uq_occurrence_event_original"),
        Index("ix_occurrence_venue_starts_at", "venue_id", "starts_at"),
        Index("ix_occurrence_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id", ondelete="RESTRICT"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The start the recurrence rule generated (RECURRENCE-ID when the sitting was moved).
    original_start: Mapped[datetime] = mapped_column(UTCDateTime)
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why a skipped sitting does not take place, shown in the programme ("春节", "场地冲突").
    skip_reason: Mapped[str | None] = mapped_column(String(200))
    # True while this sitting holds its room: not skipped and its event not cancelled.
    blocks_venue: Mapped[bool] = mapped_column(Boolean, default=True)

    event: Mapped[Event] = relationship(back_populates="occurrences")
    venue: Mapped[Venue] = relationship()

    @property
    def moved(self) -> bool:
        return self.starts_at != self.original_start

    def week_key(self) -> str:
        return versions.venue_week(self.venue_id, to_local(self.starts_at).date())

    def version_keys(self) -> tuple[str, ...]:
        """Its event, the programme, and its room's week: both rooms' and weeks' when moved."""
        weeks = {
            versions.venue_week(venue_id, to_local(starts_at).date())
            for venue_id in versions.before_and_now(self, "venue_id")
            for starts_at in versions.before_and_now(self, "starts_at")
            if venue_id is not None and starts_at is not None
        }
        return (versions.event_key(self.event_id), versions.PROGRAMME, *sorted(weeks))


# PostgreSQL refuses overlapping bookings of one venue even if application code forgot to lock;
# the migration creates the same constraint.
EXCLUDE_OVERLAPPING_BOOKINGS = (
    "ALTER TABLE occurrence ADD CONSTRAINT ex_occurrence_no_overlap "
    "EXCLUDE USING gist (venue_id WITH =, tsrange(starts_at, ends_at) WITH &&) "
    "WHERE (blocks_venue)"
)
event.listen(
    Occurrence.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS btree_gist").execute_if(dialect="postgresql"),
)
event.listen(
    Occurrence.__table__,
    "after_create",
    DDL(EXCLUDE_OVERLAPPING_BOOKINGS).execute_if(dialect="postgresql"),
)
