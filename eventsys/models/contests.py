"""Judged contests: criteria, panels, score sheets and results.

A contest is the judging side of one event (1:1); its entries are the event's confirmed
registrations. Marks, weights and points are exact decimals (Numeric), never floats."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
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

# Event kinds that are judged (photography and calligraphy shows are "exhibition" events).
JUDGED_KINDS = (
    "poetry_contest",
    "troupe_competition",
    "performance",
    "knowledge_contest",
    "exhibition",
)
AGGREGATIONS = ("mean", "median", "trimmed_mean", "skating")
WEIGHTING_ORDERS = ("per_judge_total_then_trim", "per_criterion_trim_then_weight")
PRIZE_MODES = ("count", "share", "threshold")
TIE_POLICIES = ("competition_rank", "quota_extends", "exact_quota_secondary_key")
ORG_POINTS_BASES = ("tier", "place")
SHEET_STATUSES = ("draft", "submitted")


class _OfContest:
    """A row of one contest (by its contest_id): writing it raises that version."""

    def version_keys(self) -> tuple[str, ...]:
        return (versions.contest(self.contest_id),)  # type: ignore[attr-defined]


class Contest(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "contest"
    __table_args__ = (
        CheckConstraint("drop_highest >= 0 AND drop_lowest >= 0", name="drops_not_negative"),
        CheckConstraint("decimals >= 0 AND decimals <= 4", name="decimals_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    aggregation: Mapped[str] = mapped_column(
        code_type(AGGREGATIONS, name="aggregation_known", length=20), default="trimmed_mean"
    )
    weighting_order: Mapped[str] = mapped_column(
        code_type(WEIGHTING_ORDERS, name="order_known", length=40),
        default="per_judge_total_then_trim",
    )
    drop_highest: Mapped[int] = mapped_column(Integer, default=1)
    drop_lowest: Mapped[int] = mapped_column(Integer, default=1)
    decimals: Mapped[int] = mapped_column(Integer, default=2)
    # Rank on the published (rounded) figure, as a results sheet is read, or on exact values.
    rank_on_rounded: Mapped[bool] = mapped_column(Boolean, default=True)
    # Ordered tie-break keys, comma separated ("criterion:1,untrimmed_mean").
    tiebreaks: Mapped[str] = mapped_column(String(200), default="")
    prize_mode: Mapped[str] = mapped_column(
        code_type(PRIZE_MODES, name="prize_mode_known", length=12), default="count"
    )
    tie_policy: Mapped[str] = mapped_column(
        code_type(TIE_POLICIES, name="tie_policy_known", length=30), default="competition_rank"
    )
    org_points_basis: Mapped[str] = mapped_column(
        code_type(ORG_POINTS_BASES, name="basis_known", length=8), default="tier"
    )
    # Points by place for organisation totals on places ("7,5,4,3,2,1": 1st 7, 2nd 5, ...).
    place_points: Mapped[str] = mapped_column(String(200), default="")
    # Skating System contests: the dances of the final, comma separated.
    dances: Mapped[str] = mapped_column(String(200), default="")
    blind: Mapped[bool] = mapped_column(Boolean, default=False)
    # The hall's screen before publication: the running order, or only how many sheets are in
    # (blind contests start hidden, so that nobody watches the ranking while judges mark).
    show_running_results: Mapped[bool] = mapped_column(Boolean, default=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Raised on every change of a mark, a setting or the publication (cache key, ETag).
    results_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    criteria: Mapped[list[Criterion]] = owned(
        "contest", order_by="(Criterion.position, Criterion.id)"
    )
    tiers: Mapped[list[PrizeTier]] = owned("contest", order_by="(PrizeTier.position, PrizeTier.id)")
    panel: Mapped[list[JudgeAssignment]] = owned(
        "contest", order_by="(JudgeAssignment.position, JudgeAssignment.id)"
    )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_skating(self) -> bool:
        return self.aggregation == "skating"

    @property
    def dance_list(self) -> list[str]:
        return [dance for dance in self.dances.split(",") if dance]

    @property
    def tiebreak_list(self) -> list[str]:
        return [key for key in self.tiebreaks.split(",") if key]

    def __repr__(self) -> str:
        return f"<Contest {self.id} event={self.event_id}>"

    def version_keys(self) -> tuple[str, ...]:
        return (versions.contest(self.id), versions.event_key(self.event_id))


class Criterion(_OfContest, db.Model):  # type: ignore[name-defined,misc]
    """One thing judges mark (立意, 格律...), with its weight and the range of its marks."""

    __tablename__ = "criterion"
    __table_args__ = (
        UniqueConstraint("contest_id", "name", name="uq_criterion_contest_name"),
        CheckConstraint("weight >= 0", name="weight_not_negative"),
        CheckConstraint("max_mark > min_mark", name="range_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(60))
    weight: Mapped[Decimal] = mapped_column(Numeric(10, 4), default=Decimal(1))
    min_mark: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal(0))
    max_mark: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    position: Mapped[int] = mapped_column(Integer, default=0)

    contest: Mapped[Contest] = relationship(back_populates="criteria")


class PrizeTier(_OfContest, db.Model):  # type: ignore[name-defined,misc]
    """A prize (一等奖...), best first: a count, a share of the field or a minimum score."""

    __tablename__ = "prize_tier"
    __table_args__ = (
        UniqueConstraint("contest_id", "name", name="uq_prize_tier_contest_name"),
        CheckConstraint("quota IS NULL OR quota >= 0", name="quota_not_negative"),
        CheckConstraint("share IS NULL OR (share >= 0 AND share <= 1)", name="share_range"),
        CheckConstraint("points >= 0", name="points_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)
    quota: Mapped[int | None] = mapped_column(Integer)
    share: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))
    threshold: Mapped[Decimal | None] = mapped_column(Numeric(10, 4))
    points: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal(0))

    contest: Mapped[Contest] = relationship(back_populates="tiers")


class JudgeAssignment(db.Model):  # type: ignore[name-defined,misc]
    """A judge on a contest's panel; *position* is their number on the score matrix."""

    __tablename__ = "judge_assignment"
    __table_args__ = (
        UniqueConstraint("contest_id", "judge_id", name="uq_judge_assignment_contest_judge"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    judge_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contest: Mapped[Contest] = relationship(back_populates="panel")
    judge: Mapped[User] = relationship()

    def version_keys(self) -> tuple[str, ...]:
        return (versions.contest(self.contest_id), versions.person(self.judge_id))


class ScoreSheet(_OfContest, db.Model):  # type: ignore[name-defined,misc]
    """One judge's marks for one entry; *version* rises on every save (optimistic locking)."""

    __tablename__ = "score_sheet"
    __table_args__ = (
        UniqueConstraint("judge_id", "registration_id", name="uq_score_sheet_judge_entry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), index=True
    )
    judge_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(
        code_type(SHEET_STATUSES, name="status_known", length=12), default="draft"
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship()
    judge: Mapped[User] = relationship()
    marks: Mapped[list[Mark]] = owned("sheet")


class Mark(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "mark"
    __table_args__ = (UniqueConstraint("sheet_id", "criterion_id", name="uq_mark_sheet_criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("criterion.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[Decimal] = mapped_column(Numeric(8, 2))

    sheet: Mapped[ScoreSheet] = relationship(back_populates="marks")

    def version_keys(self) -> tuple[str, ...]:
        return (versions.contest(self.sheet.contest_id),)


class PlacingSheet(_OfContest, db.Model):  # type: ignore[name-defined,misc]
    """One judge's placings of all couples in one dance (Skating System)."""

    __tablename__ = "placing_sheet"
    __table_args__ = (
        UniqueConstraint("contest_id", "judge_id", "dance", name="uq_placing_sheet_judge_dance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    judge_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    dance: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(
        code_type(SHEET_STATUSES, name="status_known", length=12), default="draft"
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    placements: Mapped[list[Placement]] = owned("sheet")


class Placement(db.Model):  # type: ignore[name-defined,misc]
    """The place one judge gave one couple in one dance (1 is best)."""

    __tablename__ = "placement"
    __table_args__ = (
        UniqueConstraint("sheet_id", "registration_id", name="uq_placement_sheet_entry"),
        CheckConstraint("place >= 1", name="place_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("placing_sheet.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    place: Mapped[int] = mapped_column(Integer)

    sheet: Mapped[PlacingSheet] = relationship(back_populates="placements")

    def version_keys(self) -> tuple[str, ...]:
        return (versions.contest(self.sheet.contest_id),)


class ContestOutcome(db.Model):  # type: ignore[name-defined,misc]
    """A contest's stored results, as a whole: written when the results change, read by pages.

    Refreshed in the transaction of every change that touches the contest (see
    eventsys.services.standings); frozen while the results are published. *problem_code* and
    *problem_params* say what stops the prizes (worded when read, in the reader's language);
    *orgs* holds the organisations' totals (a few dozen rows at most, written with the rest);
    *skating* holds a dance final's calculation tables."""

    __tablename__ = "contest_outcome"

    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True
    )
    missing_sheets: Mapped[int] = mapped_column(Integer, default=0)
    expected_sheets: Mapped[int] = mapped_column(Integer, default=0)
    problem_code: Mapped[str | None] = mapped_column(String(40))
    problem_params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The organisations' totals, best first: [organisation id, points, place, shared, counts].
    orgs: Mapped[list[Any]] = mapped_column(JSON, default=list)
    skating: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ContestStanding(db.Model):  # type: ignore[name-defined,misc]
    """One entry's stored result: score, place, prize and what the score matrix shows.

    Numbers are text ("76.5", "230/3" for a value with no finite decimal expansion): the exact
    score must stay exact, Numeric cannot hold a third, and SQLite's Numeric goes through a
    binary float; the rounded figure keeps its shown places ("76.50"). *detail* holds the judges'
    totals, dropped cells, stand-asides (回避) and missing sheets, and the dance placings."""

    __tablename__ = "contest_standing"

    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), primary_key=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    exact: Mapped[str | None] = mapped_column(String(80))
    rounded: Mapped[str | None] = mapped_column(String(40))
    spread: Mapped[str | None] = mapped_column(String(40))
    place: Mapped[int | None] = mapped_column(Integer)
    skating_place: Mapped[str | None] = mapped_column(String(20))
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by: Mapped[str | None] = mapped_column(String(40))
    tier: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
