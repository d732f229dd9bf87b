"""Ball-game tournaments: stages, groups, matches and results.

A tournament belongs to one ball-game event; its teams (or players) are that event's
registrations. Stages run in order (groups, then a knockout); matches sit on a court in a time
slot; every result change is written to the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsys import versions
from eventsys.extensions import db
from eventsys.models.types import UTCDateTime, code_type, owned
from eventsys.timeutil import utcnow

if TYPE_CHECKING:
    from eventsys.models.events import Event
    from eventsys.models.registrations import Registration
    from eventsys.models.users import User
    from eventsys.models.venues import Venue

SPORTS = ("table_tennis", "gateball", "billiards", "score")
STAGE_KINDS = ("round_robin", "double_round_robin", "groups", "knockout")
MATCH_STATUSES = ("scheduled", "played", "walkover", "bye")
SIDES = ("a", "b")


class _OfTournament:
    """A row of one tournament (by its tournament_id): writing it raises that version."""

    def version_keys(self) -> tuple[str, ...]:
        return (versions.tournament(self.tournament_id),)  # type: ignore[attr-defined]


class Tournament(db.Model):  # type: ignore[name-defined,misc]
    """The rules and timetable settings of one ball-game event's tournament."""

    __tablename__ = "tournament"
    __table_args__ = (
        CheckConstraint(
            "best_of IS NULL OR (best_of >= 1 AND best_of % 2 = 1)", name="best_of_odd"
        ),
        CheckConstraint("race_to IS NULL OR race_to >= 1", name="race_to_positive"),
        CheckConstraint("points_win > points_loss", name="win_beats_loss"),
        CheckConstraint("points_walkover_loss <= points_loss", name="walkover_loss_not_better"),
        CheckConstraint("min_rest_slots >= 0", name="rest_not_negative"),
        CheckConstraint("slot_minutes >= 5", name="slot_long_enough"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    sport: Mapped[str] = mapped_column(code_type(SPORTS, name="sport_known", length=20))
    # Table tennis: best of 3, 5 or 7 games; billiards: race to N frames.
    best_of: Mapped[int | None] = mapped_column(Integer)
    race_to: Mapped[int | None] = mapped_column(Integer)
    # Match points per result (table tennis groups always use ITTF 2/1/0).
    points_win: Mapped[int] = mapped_column(Integer, default=2)
    points_draw: Mapped[int | None] = mapped_column(Integer)
    points_loss: Mapped[int] = mapped_column(Integer, default=0)
    points_walkover_loss: Mapped[int] = mapped_column(Integer, default=0)
    # Ordered standings criteria, comma separated keys of eventsys.domain.standings.CRITERIA.
    criteria: Mapped[str] = mapped_column(String(300), default="match_points")
    min_rest_slots: Mapped[int] = mapped_column(Integer, default=0)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=30)
    first_slot_at: Mapped[datetime] = mapped_column(UTCDateTime)
    third_place_match: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    courts: Mapped[list[TournamentCourt]] = owned("tournament", order_by="TournamentCourt.position")
    entries: Mapped[list[TournamentEntry]] = owned("tournament", order_by="TournamentEntry.seed")
    stages: Mapped[list[TournamentStage]] = owned("tournament", order_by="TournamentStage.position")
    referees: Mapped[list[TournamentReferee]] = owned("tournament")

    @property
    def criteria_list(self) -> list[str]:
        return [name for name in self.criteria.split(",") if name]

    def __repr__(self) -> str:
        return f"<Tournament {self.id} event={self.event_id} {self.sport}>"

    def version_keys(self) -> tuple[str, ...]:
        keys = (versions.tournament(self.id), versions.event_key(self.event_id))
        if versions.changed(self, "sport", "slot_minutes", "first_slot_at"):
            return (*keys, versions.PROGRAMME)  # the list of tournaments, the matches' times
        return keys


class TournamentCourt(_OfTournament, db.Model):  # type: ignore[name-defined,misc]
    """A court or table the tournament's matches are played on."""

    __tablename__ = "tournament_court"
    __table_args__ = (
        UniqueConstraint("tournament_id", "name", name="uq_tournament_court_name"),
        UniqueConstraint("tournament_id", "position", name="uq_tournament_court_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tournament_id: Mapped[int] = mapped_column(ForeignKey("tournament.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    tournament: Mapped[Tournament] = relationship(back_populates="courts")
    venue: Mapped[Venue | None] = relationship()


class TournamentEntry(_OfTournament, db.Model):  # type: ignore[name-defined,misc]
    """A registration taking part in the tournament, with its seed (1 is the strongest)."""

    __tablename__ = "tournament_entry"
    __table_args__ = (
        UniqueConstraint("tournament_id", "registration_id", name="uq_tournament_entry_team"),
        UniqueConstraint("tournament_id", "seed", name="uq_tournament_entry_seed"),
        CheckConstraint("seed >= 1", name="seed_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tournament_id: Mapped[int] = mapped_column(ForeignKey("tournament.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="RESTRICT"), index=True
    )
    seed: Mapped[int] = mapped_column(Integer)

    tournament: Mapped[Tournament] = relationship(back_populates="entries")
    registration: Mapped[Registration] = relationship()


class TournamentReferee(_OfTournament, db.Model):  # type: ignore[name-defined,misc]
    """A person the organizers appointed to enter results for this tournament."""

    __tablename__ = "tournament_referee"
    __table_args__ = (
        UniqueConstraint("tournament_id", "user_id", name="uq_tournament_referee_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tournament_id: Mapped[int] = mapped_column(ForeignKey("tournament.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )

    tournament: Mapped[Tournament] = relationship(back_populates="referees")
    user: Mapped[User] = relationship()


class TournamentStage(_OfTournament, db.Model):  # type: ignore[name-defined,misc]
    """One phase of the tournament: a round robin, groups, or a knockout."""

    __tablename__ = "tournament_stage"
    __table_args__ = (
        UniqueConstraint("tournament_id", "position", name="uq_tournament_stage_position"),
        CheckConstraint("qualifiers IS NULL OR qualifiers >= 1", name="qualifiers_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tournament_id: Mapped[int] = mapped_column(ForeignKey("tournament.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(code_type(STAGE_KINDS, name="kind_known", length=20))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Groups: how many of each group go on to the next stage.
    qualifiers: Mapped[int | None] = mapped_column(Integer)

    tournament: Mapped[Tournament] = relationship(back_populates="stages")
    pools: Mapped[list[TournamentPool]] = owned("stage", order_by="TournamentPool.position")


class TournamentPool(db.Model):  # type: ignore[name-defined,misc]
    """A group of a group stage (or the single table of a round robin)."""

    __tablename__ = "tournament_pool"
    __table_args__ = (UniqueConstraint("stage_id", "position", name="uq_tournament_pool_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("tournament_stage.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)

    stage: Mapped[TournamentStage] = relationship(back_populates="pools")
    members: Mapped[list[TournamentPoolMember]] = owned(
        "pool", order_by="TournamentPoolMember.seed"
    )

    def version_keys(self) -> tuple[str, ...]:
        return (versions.tournament(self.stage.tournament_id),)


class TournamentPoolMember(db.Model):  # type: ignore[name-defined,misc]
    """A team in a group, with its number in the group (1 is the group's top seed)."""

    __tablename__ = "tournament_pool_member"
    __table_args__ = (
        UniqueConstraint("pool_id", "registration_id", name="uq_tournament_pool_member_team"),
        UniqueConstraint("pool_id", "seed", name="uq_tournament_pool_member_seed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("tournament_pool.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="RESTRICT"), index=True
    )
    seed: Mapped[int] = mapped_column(Integer)
    # Order drawn by lot for teams no criterion separates (1 first); None until a lot is drawn.
    lot: Mapped[int | None] = mapped_column(Integer)

    pool: Mapped[TournamentPool] = relationship(back_populates="members")
    registration: Mapped[Registration] = relationship()

    def version_keys(self) -> tuple[str, ...]:
        return (versions.tournament(self.pool.stage.tournament_id),)


class TournamentMatch(db.Model):  # type: ignore[name-defined,misc]
    """One match: its place in the draw, its court and time, and its result."""

    __tablename__ = "tournament_match"
    __table_args__ = (
        UniqueConstraint(
            "stage_id", "round_index", "match_index", name="uq_tournament_match_position"
        ),
        CheckConstraint(
            "side_a_id IS NULL OR side_b_id IS NULL OR side_a_id <> side_b_id",
            name="sides_differ",
        ),
        CheckConstraint("score_a IS NULL OR score_a >= 0", name="score_a_not_negative"),
        CheckConstraint("score_b IS NULL OR score_b >= 0", name="score_b_not_negative"),
        Index("ix_tournament_match_slot", "tournament_id", "slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tournament_id: Mapped[int] = mapped_column(ForeignKey("tournament.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(
        ForeignKey("tournament_stage.id", ondelete="CASCADE"), index=True
    )
    pool_id: Mapped[int | None] = mapped_column(
        ForeignKey("tournament_pool.id", ondelete="CASCADE"), index=True
    )
    # 0-based, as in eventsys.domain.draws; in a group stage match_index runs across groups.
    round_index: Mapped[int] = mapped_column(Integer)
    match_index: Mapped[int] = mapped_column(Integer)
    is_third_place: Mapped[bool] = mapped_column(Boolean, default=False)
    # None while the side is not known yet (a knockout match waiting for earlier rounds).
    side_a_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="RESTRICT"), index=True
    )
    side_b_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="RESTRICT"), index=True
    )
    # A knockout after groups: the side is "place N of group X" until that group is finished.
    feed_a_pool_id: Mapped[int | None] = mapped_column(
        ForeignKey("tournament_pool.id", ondelete="CASCADE")
    )
    feed_a_place: Mapped[int | None] = mapped_column(Integer)
    feed_b_pool_id: Mapped[int | None] = mapped_column(
        ForeignKey("tournament_pool.id", ondelete="CASCADE")
    )
    feed_b_place: Mapped[int | None] = mapped_column(Integer)
    court_id: Mapped[int | None] = mapped_column(
        ForeignKey("tournament_court.id", ondelete="SET NULL")
    )
    slot: Mapped[int | None] = mapped_column(Integer)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(
        code_type(MATCH_STATUSES, name="status_known", length=12), default="scheduled"
    )
    winner_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="RESTRICT")
    )
    # Games won (table tennis), points (gateball, score), frames (billiards).
    score_a: Mapped[int | None] = mapped_column(Integer)
    score_b: Mapped[int | None] = mapped_column(Integer)
    # Sport details: {"games": [[11, 9], ...], "retired": "a"} or {"balls_a": [5, 3, 0, 1, 2]}.
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    decided_by: Mapped[str | None] = mapped_column(String(30))
    next_match_id: Mapped[int | None] = mapped_column(
        ForeignKey("tournament_match.id", ondelete="SET NULL")
    )
    next_side: Mapped[str | None] = mapped_column(
        code_type(SIDES, name="next_side_known", length=1)
    )
    loser_next_match_id: Mapped[int | None] = mapped_column(
        ForeignKey("tournament_match.id", ondelete="SET NULL")
    )
    loser_next_side: Mapped[str | None] = mapped_column(
        code_type(SIDES, name="loser_next_side_known", length=1)
    )
    result_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    result_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic locking: a result form carries the version it was opened at.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Moves on whenever the match changes (time, court, sides, result): calendars' LAST-MODIFIED.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    stage: Mapped[TournamentStage] = relationship()
    pool: Mapped[TournamentPool | None] = relationship(foreign_keys=[pool_id])
    court: Mapped[TournamentCourt | None] = relationship()
    side_a: Mapped[Registration | None] = relationship(foreign_keys=[side_a_id])
    side_b: Mapped[Registration | None] = relationship(foreign_keys=[side_b_id])
    winner: Mapped[Registration | None] = relationship(foreign_keys=[winner_id])
    feed_a_pool: Mapped[TournamentPool | None] = relationship(foreign_keys=[feed_a_pool_id])
    feed_b_pool: Mapped[TournamentPool | None] = relationship(foreign_keys=[feed_b_pool_id])

    @property
    def is_decided(self) -> bool:
        return self.status in ("played", "walkover", "bye")

    @property
    def sides(self) -> tuple[int | None, int | None]:
        return (self.side_a_id, self.side_b_id)

    def side_of(self, registration_id: int) -> str | None:
        if registration_id == self.side_a_id:
            return "a"
        if registration_id == self.side_b_id:
            return "b"
        return None

    def __repr__(self) -> str:
        return (
            f"<TournamentMatch {self.id} stage={self.stage_id} "
            f"r{self.round_index} m{self.match_index} {self.status}>"
        )

    def version_keys(self) -> tuple[str, ...]:
        keys = (versions.tournament(self.tournament_id),)
        if versions.changed(self, "starts_at", "court_id", "side_a_id", "side_b_id"):
            return (*keys, versions.PROGRAMME)  # the calendar feeds show when and where
        return keys


class TournamentStanding(_OfTournament, db.Model):  # type: ignore[name-defined,misc]
    """A group's stored table: how many of its matches are decided (its lines are below).

    Written only by eventsys.services.tournament_standings.refresh_stored, in the transaction that
    changed the tournament (a result, a correction, a lot, a rule or the draw); pages read it."""

    __tablename__ = "tournament_standing"

    pool_id: Mapped[int] = mapped_column(
        ForeignKey("tournament_pool.id", ondelete="CASCADE"), primary_key=True
    )
    tournament_id: Mapped[int] = mapped_column(
        ForeignKey("tournament.id", ondelete="CASCADE"), index=True
    )
    played: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)


class TournamentStandingLine(_OfTournament, db.Model):  # type: ignore[name-defined,misc]
    """One team's stored line in its group's table, in the order the table shows it."""

    __tablename__ = "tournament_standing_line"
    __table_args__ = (
        UniqueConstraint("pool_id", "registration_id", name="uq_tournament_standing_line_team"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tournament_id: Mapped[int] = mapped_column(
        ForeignKey("tournament.id", ondelete="CASCADE"), index=True
    )
    pool_id: Mapped[int] = mapped_column(ForeignKey("tournament_pool.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    # The line's row in the table (0 first); places may be shared, rows never are.
    position: Mapped[int] = mapped_column(Integer)
    place: Mapped[int] = mapped_column(Integer)
    played: Mapped[int] = mapped_column(Integer, default=0)
    won: Mapped[int] = mapped_column(Integer, default=0)
    drawn: Mapped[int] = mapped_column(Integer, default=0)
    lost: Mapped[int] = mapped_column(Integer, default=0)
    points: Mapped[int] = mapped_column(Integer, default=0)
    score_for: Mapped[int] = mapped_column(Integer, default=0)
    score_against: Mapped[int] = mapped_column(Integer, default=0)
    rally_for: Mapped[int] = mapped_column(Integer, default=0)
    rally_against: Mapped[int] = mapped_column(Integer, default=0)
    decided_by: Mapped[str | None] = mapped_column(String(60))
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
