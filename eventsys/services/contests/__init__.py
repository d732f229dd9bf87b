"""Set up judged contests: criteria, method, tie-breaks, prize tiers, the judges' panel.

The rules themselves live in eventsys.domain (scoring, prizes, ranking, skating); this module
checks what organizers type against them and stores it."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from eventsys import versions
from eventsys.domain import contest_results
from eventsys.domain import prizes as prize_rules
from eventsys.errors import EventsysError, Forbidden, NotFound
from eventsys.extensions import db
from eventsys.models import Event, Registration, RegistrationMember, User
from eventsys.models.contests import (
    AGGREGATIONS,
    JUDGED_KINDS,
    ORG_POINTS_BASES,
    PRIZE_MODES,
    TIE_POLICIES,
    WEIGHTING_ORDERS,
    Contest,
    Criterion,
    JudgeAssignment,
    Mark,
    PlacingSheet,
    PrizeTier,
    ScoreSheet,
)
from eventsys.services import audit

# Tie-breaks other than "criterion:<n>" (the n-th criterion's own aggregated score).
GENERIC_TIEBREAKS = ("untrimmed_mean", "median", "lower_spread")
# The rules a contest stores as they are, each in its column of the same name (the domain's
# contest_results.Rules fields, but for the lists, which are stored joined).
PLAIN_RULES = (
    "aggregation",
    "weighting_order",
    "drop_highest",
    "drop_lowest",
    "decimals",
    "rank_on_rounded",
    "prize_mode",
    "tie_policy",
    "org_points_basis",
)
SETTINGS_FIELDS = (
    *PLAIN_RULES,
    "tiebreaks",
    "place_points",
    "dances",
    "blind",
    "show_running_results",
)
MAX_MARK_DIGITS = 2
# What the columns hold, stated in the forms: a weight Numeric(10, 4), points Numeric(10, 2),
# a minimum score Numeric(10, 4), a share Numeric(6, 4) (typed as a percentage with two
# decimals). Outside these a number is refused, never rounded by the database or overflowed.
MAX_WEIGHT = Decimal("1000")
WEIGHT_PLACES = 4
MAX_POINTS = Decimal("100000")
POINTS_PLACES = 2
MAX_THRESHOLD = Decimal("999999.9999")
THRESHOLD_PLACES = 4
SHARE_PLACES = 4
MAX_QUOTA = 10000


@dataclass(frozen=True)
class CriterionData:
    name: str
    max_mark: Decimal
    weight: Decimal = Decimal(1)
    min_mark: Decimal = Decimal(0)


@dataclass(frozen=True)
class TierData:
    name: str
    points: Decimal = Decimal(0)
    quota: int | None = None
    share: Decimal | None = None
    threshold: Decimal | None = None


@dataclass(frozen=True)
class ContestSettings(contest_results.Rules):
    """What the set-up form gives: the domain's rules (with their defaults), and the rest."""

    blind: bool = False
    criteria: tuple[CriterionData, ...] = ()
    tiers: tuple[TierData, ...] = field(default_factory=tuple)
    # The hall's screen before publication; None: as before, or hidden when blind is chosen.
    show_running_results: bool | None = None


# ---- reading -----------------------------------------------------------------------------


def contest_for_event(event: Event) -> Contest | None:
    """Return the contest of *event*, or None if it has not been set up."""
    return db.session.scalars(select(Contest).where(Contest.event_id == event.id)).first()


def entries(contest: Contest) -> list[Registration]:
    """Return the contest's entries (confirmed registrations), in registration order."""
    return list(
        db.session.scalars(
            select(Registration)
            .options(joinedload(Registration.organisation), joinedload(Registration.captain))
            .where(Registration.event_id == contest.event_id, Registration.status == "confirmed")
            .order_by(Registration.id)
        )
    )


def entry_count(contest: Contest) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.event_id == contest.event_id, Registration.status == "confirmed")
        )
        or 0
    )


def entry_of(contest: Contest, registration_id: int) -> Registration:
    """Return the contest's entry *registration_id*, refusing anything else."""
    entry = db.session.get(Registration, registration_id)
    if entry is None or entry.event_id != contest.event_id or entry.status != "confirmed":
        raise NotFound(_("This entry is not in the contest."))
    return entry


def is_excluded(
    judge: User, entry: Registration, rostered: Collection[tuple[int, int]] = ()
) -> bool:
    """Tell whether *judge* must stand aside for *entry* (回避: same organisation, or on its
    roster: *rostered* holds the (person, entry) pairs read by rostered_pairs)."""
    return contest_results.stands_aside(
        contest_results.Judge(judge.id, judge.organisation_id),
        contest_results.Entry(entry.id, entry.organisation_id),
        (judge.id, entry.id) in rostered,
    )


def rostered_pairs(event_id: int, user_ids: Collection[int]) -> set[tuple[int, int]]:
    """Return which of *user_ids* stand on which roster of the event, as (person, entry)."""
    if not user_ids:
        return set()
    return {
        (user_id, registration_id)
        for user_id, registration_id in db.session.execute(
            select(RegistrationMember.user_id, RegistrationMember.registration_id).where(
                RegistrationMember.event_id == event_id,
                RegistrationMember.user_id.in_(list(user_ids)),
            )
        )
    }


def check_not_judging(event: Event, user_ids: Sequence[int], *, field: str | None) -> None:
    """Refuse an entry naming someone on the panel of the event's contest (回避 by person)."""
    if not user_ids or event.kind not in JUDGED_KINDS:
        return
    event_id = event.id
    judge = db.session.scalars(
        select(User)
        .join(JudgeAssignment, JudgeAssignment.judge_id == User.id)
        .join(Contest, Contest.id == JudgeAssignment.contest_id)
        .where(Contest.event_id == event_id, User.id.in_(list(user_ids)))
        .order_by(User.id)
        .limit(1)
    ).first()
    if judge is not None:
        raise EventsysError(
            _(
                "%(name)s is a judge of this contest and so cannot enter it (回避).",
                name=judge.name,
            ),
            field=field,
        )


def panel_position(contest: Contest, judge: User) -> int | None:
    """Return the judge's number on the panel (1, 2, ...), or None if not on it."""
    for number, assignment in enumerate(contest.panel, start=1):
        if assignment.judge_id == judge.id:
            return number
    return None


def require_on_panel(contest: Contest, judge: User) -> None:
    if panel_position(contest, judge) is None:
        raise Forbidden(_("You are not on the judges' panel of this contest."))


def judged_contests(judge: User) -> list[Contest]:
    """Return the contests whose panel *judge* sits on, newest event first."""
    return list(
        db.session.scalars(
            select(Contest)
            .join(JudgeAssignment, JudgeAssignment.contest_id == Contest.id)
            .join(Event, Event.id == Contest.event_id)
            .options(joinedload(Contest.event))
            .where(JudgeAssignment.judge_id == judge.id, Event.status != "cancelled")
            .order_by(Event.starts_at.desc())
        )
    )


def has_marks(contest: Contest) -> bool:
    marks = db.session.scalar(
        select(func.count())
        .select_from(Mark)
        .join(ScoreSheet, ScoreSheet.id == Mark.sheet_id)
        .where(ScoreSheet.contest_id == contest.id)
    )
    placings = db.session.scalar(
        select(func.count()).select_from(PlacingSheet).where(PlacingSheet.contest_id == contest.id)
    )
    return bool(marks) or bool(placings)


# ---- checking ----------------------------------------------------------------------------


def _check_decimal(value: Decimal, field_name: str, what: str) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise EventsysError(_("%(what)s must be a number.", what=what), field=field_name)


def decimal_places(value: Decimal) -> int:
    """Count the decimals a number really has (1.50 has one, 100 none)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def within(value: Decimal, high: Decimal, places: int) -> bool:
    """Tell whether *value* lies from 0 to *high* with at most *places* decimals."""
    return value.is_finite() and 0 <= value <= high and decimal_places(value) <= places


def out_of_range(what: str, high: Decimal | int, places: int, field_name: str) -> EventsysError:
    if places == 0:
        message = _("%(what)s must be a whole number from 0 to %(high)s.", what=what, high=high)
    else:
        message = _(
            "%(what)s must be a number from 0 to %(high)s with at most %(places)s decimals.",
            what=what,
            high=high,
            places=places,
        )
    return EventsysError(message, field=field_name)


def _check_bounds(settings: ContestSettings) -> None:
    for criterion in settings.criteria:
        if not within(criterion.weight, MAX_WEIGHT, WEIGHT_PLACES):
            raise out_of_range(
                _("The weight of “%(name)s”", name=criterion.name),
                MAX_WEIGHT,
                WEIGHT_PLACES,
                "criteria",
            )
    for tier in settings.tiers:
        if not within(tier.points, MAX_POINTS, POINTS_PLACES):
            raise out_of_range(
                _("The points of “%(name)s”", name=tier.name), MAX_POINTS, POINTS_PLACES, "tiers"
            )
        if settings.prize_mode == "count" and tier.quota is not None and tier.quota > MAX_QUOTA:
            raise out_of_range(
                _("The number of winners of “%(name)s”", name=tier.name), MAX_QUOTA, 0, "tiers"
            )
        if (
            settings.prize_mode == "threshold"
            and tier.threshold is not None
            and not within(tier.threshold, MAX_THRESHOLD, THRESHOLD_PLACES)
        ):
            raise out_of_range(
                _("The minimum score of “%(name)s”", name=tier.name),
                MAX_THRESHOLD,
                THRESHOLD_PLACES,
                "tiers",
            )
        if (
            settings.prize_mode == "share"
            and tier.share is not None
            and tier.share.is_finite()
            and decimal_places(tier.share) > SHARE_PLACES
        ):
            raise out_of_range(
                _("The share of “%(name)s” (in %%)", name=tier.name), 100, 2, "tiers"
            )
    for points in settings.place_points:
        if not within(points, MAX_POINTS, POINTS_PLACES):
            raise out_of_range(_("Points"), MAX_POINTS, POINTS_PLACES, "place_points")


def check_settings(settings: ContestSettings, *, n_entries: int) -> None:
    """Refuse settings the rules cannot work with, naming the field to correct."""
    if settings.aggregation not in AGGREGATIONS:
        raise EventsysError(_("Choose a method from the list."), field="aggregation")
    if settings.weighting_order not in WEIGHTING_ORDERS:
        raise EventsysError(_("Choose an order from the list."), field="weighting_order")
    if settings.prize_mode not in PRIZE_MODES:
        raise EventsysError(_("Choose how prizes are given from the list."), field="prize_mode")
    if settings.tie_policy not in TIE_POLICIES:
        raise EventsysError(_("Choose a tie policy from the list."), field="tie_policy")
    if settings.org_points_basis not in ORG_POINTS_BASES:
        raise EventsysError(_("Choose a basis from the list."), field="org_points_basis")
    for name in ("drop_highest", "drop_lowest"):
        count = getattr(settings, name)
        if not 0 <= count <= 5:
            raise EventsysError(_("Drop between 0 and 5 marks."), field=name)
    if not 0 <= settings.decimals <= 4:
        raise EventsysError(_("Round to between 0 and 4 decimals."), field="decimals")
    skating = settings.aggregation == "skating"
    if skating:
        dances = [dance for dance in settings.dances if dance]
        if not dances:
            raise EventsysError(_("Name at least one dance of the final."), field="dances")
        if len(set(dances)) != len(dances):
            raise EventsysError(_("Each dance may be named only once."), field="dances")
        if any(len(dance) > 40 or "," in dance for dance in dances):
            raise EventsysError(_("A dance name is at most 40 characters."), field="dances")
    else:
        _check_criteria(settings.criteria)
    _check_tiebreaks(settings)
    _check_tiers(settings, n_entries=n_entries)
    _check_bounds(settings)
    for points in settings.place_points:
        _check_decimal(points, "place_points", _("Points"))
        if points < 0:
            raise EventsysError(_("Points cannot be below zero."), field="place_points")
    if settings.org_points_basis == "place" and not settings.place_points:
        raise EventsysError(
            _("Give the points for 1st, 2nd, 3rd... place, separated by commas."),
            field="place_points",
        )


# The rows of the set-up form that are named: a row without a name, two rows of one name.
_NAME_PROBLEMS = {
    "criteria": (
        _l("Every criterion needs a name."),
        _l("Each criterion may be named only once."),
    ),
    "tiers": (_l("Every prize needs a name."), _l("Each prize may be named only once.")),
}


def _check_names(rows: Sequence[CriterionData | TierData], field: str) -> None:
    """Refuse rows of *field* (criteria, prize tiers) without a name or named twice."""
    unnamed, twice = _NAME_PROBLEMS[field]
    names = [row.name for row in rows]
    if any(not name for name in names):
        raise EventsysError(str(unnamed), field=field)
    if len(set(names)) != len(names):
        raise EventsysError(str(twice), field=field)


def _check_criteria(criteria: Sequence[CriterionData]) -> None:
    if not criteria:
        raise EventsysError(_("Give at least one criterion."), field="criteria")
    _check_names(criteria, "criteria")
    for criterion in criteria:
        for value in (criterion.weight, criterion.max_mark, criterion.min_mark):
            _check_decimal(value, "criteria", criterion.name)
        if criterion.weight < 0:
            raise EventsysError(
                _("The weight of “%(name)s” cannot be below zero.", name=criterion.name),
                field="criteria",
            )
        if criterion.max_mark <= criterion.min_mark:
            raise EventsysError(
                _(
                    "The highest mark of “%(name)s” must be above its lowest mark.",
                    name=criterion.name,
                ),
                field="criteria",
            )
        for value in (criterion.max_mark, criterion.min_mark):
            if value < 0 or value >= 100000 or -value.as_tuple().exponent > MAX_MARK_DIGITS:  # type: ignore[operator]
                raise EventsysError(
                    _(
                        "The marks of “%(name)s” must lie between 0 and 99999.99.",
                        name=criterion.name,
                    ),
                    field="criteria",
                )
    if sum((c.weight for c in criteria), Decimal(0)) == 0:
        raise EventsysError(_("At least one criterion must have a weight."), field="criteria")


def _check_tiebreaks(settings: ContestSettings) -> None:
    keys = list(settings.tiebreaks)
    if len(set(keys)) != len(keys):
        raise EventsysError(_("Each tie-break may be named only once."), field="tiebreaks")
    for key in keys:
        if settings.aggregation == "skating":
            raise EventsysError(
                _("The Skating System breaks its own ties; leave the tie-breaks empty."),
                field="tiebreaks",
            )
        if key in GENERIC_TIEBREAKS:
            continue
        number = key.removeprefix("criterion:")
        if (
            key.startswith("criterion:")
            and number.isdigit()
            and 1 <= int(number) <= len(settings.criteria)
        ):
            continue
        raise EventsysError(_("Unknown tie-break “%(key)s”.", key=key), field="tiebreaks")
    if (
        settings.tie_policy == "exact_quota_secondary_key"
        and settings.prize_mode != "threshold"
        and settings.aggregation != "skating"
        and not keys
    ):
        raise EventsysError(
            _("Exact quotas need at least one tie-break to order tied entries."),
            field="tiebreaks",
        )


def _check_tiers(settings: ContestSettings, *, n_entries: int) -> None:
    tiers = settings.tiers
    _check_names(tiers, "tiers")
    for tier in tiers:
        _check_decimal(tier.points, "tiers", tier.name)
        if tier.points < 0:
            raise EventsysError(_("Points cannot be below zero."), field="tiers")
    mode = settings.prize_mode
    if mode == "count":
        if any(tier.quota is None or tier.quota < 0 for tier in tiers):
            raise EventsysError(
                _("Give every prize the number of winners (0 or more)."), field="tiers"
            )
        check_tier_plan(n_entries, [(t.name, t.quota or 0) for t in tiers])
    elif mode == "share":
        shares = [tier.share for tier in tiers]
        if any(share is None or not Decimal(0) <= share <= Decimal(1) for share in shares):
            raise EventsysError(
                _("Give every prize its share of the field, between 0 and 100 %."), field="tiers"
            )
        if sum((share or Decimal(0) for share in shares), Decimal(0)) > 1:
            raise EventsysError(
                _("The shares of the prizes add up to more than the whole field."), field="tiers"
            )
    else:
        thresholds = [tier.threshold for tier in tiers]
        if any(value is None for value in thresholds):
            raise EventsysError(_("Give every prize its minimum score."), field="tiers")
        if any(
            high is not None and low is not None and not high > low
            for high, low in pairwise(thresholds)
        ):
            raise EventsysError(
                _("Each prize must need a higher score than the next, best prize first."),
                field="tiers",
            )


def check_tier_plan(n_entries: int, tiers: Sequence[tuple[str, int]]) -> None:
    """Refuse a plan with more prizes than entries, in words the organizer can act on."""
    if n_entries <= 0:
        return
    try:
        prize_rules.check_tier_plan(n_entries, tiers)
    except (ValueError, TypeError) as error:
        prizes = sum(quota for _name, quota in tiers)
        raise EventsysError(
            _(
                "The prizes add up to %(prizes)s winners but there are only %(entries)s "
                "entries. Lower the numbers of winners.",
                prizes=prizes,
                entries=n_entries,
            ),
            field="tiers",
        ) from error


# ---- changing ----------------------------------------------------------------------------


def bump(contest: Contest) -> None:
    """Raise the results version, so caches and open scoreboards notice the change."""
    db.session.execute(
        update(Contest)
        .where(Contest.id == contest.id)
        .values(results_version=Contest.results_version + 1)
    )
    versions.touch(db.session, versions.contest(contest.id))
    db.session.refresh(contest, ["results_version"])


def set_up_contest(event: Event, settings: ContestSettings, *, actor: User) -> Contest:
    """Create or change the contest of *event* with its criteria and prize tiers."""
    if event.kind not in JUDGED_KINDS:
        raise EventsysError(
            _("Only poetry, troupe, performance, knowledge and exhibition events are judged.")
        )
    contest = contest_for_event(event)
    if contest is not None and contest.is_published:
        raise EventsysError(_("The results are published; the contest can no longer change."))
    n_entries = entry_count(contest) if contest is not None else 0
    if contest is None:
        n_entries = int(
            db.session.scalar(
                select(func.count())
                .select_from(Registration)
                .where(Registration.event_id == event.id, Registration.status == "confirmed")
            )
            or 0
        )
    check_settings(settings, n_entries=n_entries)
    created = contest is None
    before = None if created else audit.snapshot(contest, SETTINGS_FIELDS)
    if contest is None:
        contest = Contest(event_id=event.id, results_version=1)
        db.session.add(contest)
    elif has_marks(contest):
        _refuse_scheme_change(contest, settings)
    for name in PLAIN_RULES:
        setattr(contest, name, getattr(settings, name))
    contest.tiebreaks = ",".join(settings.tiebreaks)
    contest.place_points = ",".join(str(p) for p in settings.place_points)
    contest.dances = ",".join(d for d in settings.dances if d)
    _choose_running_results(contest, settings, created=created)
    contest.blind = settings.blind
    _replace_criteria(contest, settings.criteria)
    contest.tiers.clear()
    db.session.flush()
    for position, tier in enumerate(settings.tiers, start=1):
        contest.tiers.append(
            PrizeTier(
                name=tier.name,
                position=position,
                points=tier.points,
                quota=tier.quota if settings.prize_mode == "count" else None,
                share=tier.share if settings.prize_mode == "share" else None,
                threshold=tier.threshold if settings.prize_mode == "threshold" else None,
            )
        )
    contest.results_version = (contest.results_version or 1) + (0 if created else 1)
    db.session.flush()
    if contest.blind:
        assign_blind_codes(contest)
    audit.record(
        actor,
        "contest.create" if created else "contest.update",
        "contest",
        contest.id,
        before=before,
        after={
            **audit.snapshot(contest, SETTINGS_FIELDS),
            "criteria": [
                [c.name, str(c.weight), str(c.min_mark), str(c.max_mark)] for c in contest.criteria
            ],
            "tiers": [
                [t.name, t.quota, str(t.share), str(t.threshold), str(t.points)]
                for t in contest.tiers
            ],
        },
    )
    return contest


def _choose_running_results(contest: Contest, settings: ContestSettings, *, created: bool) -> None:
    """Keep or change what the hall's screen shows before publication (called before blind).

    An explicit choice wins; otherwise choosing blind judging hides the running results, so
    that nobody (judges included) watches the ranking while the sheets come in."""
    if settings.show_running_results is not None:
        contest.show_running_results = settings.show_running_results
    elif settings.blind and (created or not contest.blind):
        contest.show_running_results = False
    elif created:
        contest.show_running_results = True


def _refuse_scheme_change(contest: Contest, settings: ContestSettings) -> None:
    """Once marks exist, the criteria (names and ranges) and the kind of marks stay as they are."""
    old = [(c.name, c.min_mark, c.max_mark) for c in contest.criteria]
    new = [(c.name, c.min_mark, c.max_mark) for c in settings.criteria]
    same_kind = (contest.aggregation == "skating") == (settings.aggregation == "skating")
    same_dances = contest.dance_list == [d for d in settings.dances if d]
    if (
        not same_kind
        or (contest.aggregation != "skating" and old != new)
        or (contest.aggregation == "skating" and not same_dances)
    ):
        raise EventsysError(
            _(
                "Judges have already entered marks, so the criteria, their ranges and the "
                "dances can no longer change (weights, prizes and tie-breaks still can)."
            ),
            field="criteria",
        )


def _replace_criteria(contest: Contest, criteria: Sequence[CriterionData]) -> None:
    existing = {c.name: c for c in contest.criteria}
    wanted = {c.name for c in criteria}
    for criterion in list(contest.criteria):
        if criterion.name not in wanted:
            contest.criteria.remove(criterion)
    db.session.flush()
    for position, data in enumerate(criteria, start=1):
        row = existing.get(data.name)
        if row is None:
            row = Criterion(name=data.name)
            contest.criteria.append(row)
        row.position = position
        row.weight = data.weight
        row.min_mark = data.min_mark
        row.max_mark = data.max_mark


def appoint_panel(contest: Contest, judge_ids: Sequence[int], *, actor: User) -> None:
    """Make the panel exactly *judge_ids*, in that order; judges with marks cannot leave."""
    if contest.is_published:
        raise EventsysError(_("The results are published; the panel can no longer change."))
    ids = list(dict.fromkeys(judge_ids))
    judges = (
        {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids))) if ids}
        if ids
        else {}
    )
    for judge_id in ids:
        user = judges.get(judge_id)
        if user is None or not user.is_judge or not user.active:
            raise EventsysError(
                _("Only people with the judge role can sit on a panel."), field="judges"
            )
    # The event row is locked as registration locks it, so an entry and an appointment of
    # the same person cannot both pass their checks at the same moment.
    db.session.scalars(
        select(Event.id).where(Event.id == contest.event_id).with_for_update()
    ).first()
    entrant = min(
        (user_id for user_id, _entry in rostered_pairs(contest.event_id, ids)), default=None
    )
    if entrant is not None:
        raise EventsysError(
            _(
                "%(name)s has an entry in this contest and so cannot sit on its panel (回避).",
                name=judges[entrant].name,
            ),
            field="judges",
        )
    before = [a.judge_id for a in contest.panel]
    leaving = [a for a in contest.panel if a.judge_id not in ids]
    if leaving:
        busy = set(
            db.session.scalars(
                select(ScoreSheet.judge_id).where(
                    ScoreSheet.contest_id == contest.id,
                    ScoreSheet.judge_id.in_([a.judge_id for a in leaving]),
                )
            )
        ) | set(
            db.session.scalars(
                select(PlacingSheet.judge_id).where(
                    PlacingSheet.contest_id == contest.id,
                    PlacingSheet.judge_id.in_([a.judge_id for a in leaving]),
                )
            )
        )
        if busy:
            raise EventsysError(
                _("A judge who has already entered marks cannot leave the panel."), field="judges"
            )
    for assignment in leaving:
        contest.panel.remove(assignment)
    current = {a.judge_id: a for a in contest.panel}
    for position, judge_id in enumerate(ids, start=1):
        assignment = current.get(judge_id)
        if assignment is None:
            assignment = JudgeAssignment(judge_id=judge_id)
            contest.panel.append(assignment)
        assignment.position = position
    db.session.flush()
    if contest.blind:
        assign_blind_codes(contest)
    bump(contest)
    audit.record(
        actor,
        "contest.panel",
        "contest",
        contest.id,
        before={"judges": before},
        after={"judges": ids},
    )


def assign_blind_codes(contest: Contest, *, letter: str | None = None) -> None:
    """Give every entry without one a random code (A07...), so judges never see names.

    Codes are drawn at random from a pool three times the field, so neither a code nor the
    order of codes tells who entered when; a code once given is never changed or reused within
    the event (withdrawn entries keep theirs). The contest row is written first, which makes
    two judges opening sheets at the same moment take turns instead of drawing the same code."""
    bump(contest)
    rows = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == contest.event_id, Registration.status == "confirmed")
            .order_by(Registration.id)
            .execution_options(populate_existing=True)
        )
    )
    missing = [entry for entry in rows if not entry.blind_code]
    if not missing:
        return
    taken = set(
        db.session.scalars(
            select(Registration.blind_code).where(
                Registration.event_id == contest.event_id, Registration.blind_code.is_not(None)
            )
        )
    )
    # The letter is the draw: A first, B after the first unpublishing (redraw_blind_codes)...
    letter = letter or min((code[:1] for code in taken if code), default="A")
    size = len(rows) * 3 + 10
    width = max(2, len(str(size)))
    free = [
        code for code in (f"{letter}{n:0{width}d}" for n in range(1, size + 1)) if code not in taken
    ]
    for entry, code in zip(missing, secrets.SystemRandom().sample(free, len(missing)), strict=True):
        given = db.session.execute(
            update(Registration)
            .where(Registration.id == entry.id, Registration.blind_code.is_(None))
            .values(blind_code=code)
            .execution_options(synchronize_session=False)
        ).rowcount
        if given == 1:
            set_committed_value(entry, "blind_code", code)
            versions.touch(
                db.session, versions.contest(contest.id), versions.event_key(entry.event_id)
            )
        else:
            db.session.refresh(entry, ["blind_code"])


def redraw_blind_codes(contest: Contest) -> None:
    """Give every entry a fresh code under the next letter (A07 becomes, say, B12).

    Published results tie each code to a name; once they are withdrawn for corrections the old
    codes would tell the judges whose sheet they are marking again. Withdrawn entries lose
    their old codes too, so that the new letter is the only one left in the event."""
    old = db.session.scalars(
        select(Registration.blind_code)
        .where(Registration.event_id == contest.event_id, Registration.blind_code.is_not(None))
        .limit(1)
    ).first()
    letter = old[:1] if old else "@"
    following = "A" if letter >= "Z" or not letter.isalpha() else chr(ord(letter) + 1)
    db.session.execute(
        update(Registration)
        .where(Registration.event_id == contest.event_id)
        .values(blind_code=None)
        .execution_options(synchronize_session=False)
    )
    versions.touch(db.session, versions.contest(contest.id), versions.event_key(contest.event_id))
    assign_blind_codes(contest, letter=following)


def code_new_entries(event: Event) -> None:
    """In a blind contest, give codes to the event's entries that have none yet.

    Called by every transaction that adds an entry (registration, promotion, approval), so
    that no page has to write a code while it is read."""
    if event.kind not in JUDGED_KINDS:
        return
    contest = db.session.scalars(
        select(Contest).where(Contest.event_id == event.id, Contest.blind.is_(True))
    ).first()
    if contest is not None:
        ensure_blind_codes(contest)


def ensure_blind_codes(contest: Contest) -> bool:
    """Code any entry of a blind contest that has no code yet.

    One cheap query when nothing is missing; returns True if codes were given (commit them)."""
    if not contest.blind:
        return False
    uncoded = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == contest.event_id,
            Registration.status == "confirmed",
            Registration.blind_code.is_(None),
        )
    )
    if not uncoded:
        return False
    assign_blind_codes(contest)
    return True


def entry_label(contest: Contest, entry: Registration, *, for_judge: bool) -> str:
    """Return what a page shows for an entry: the code to judges of a blind contest."""
    if contest.blind and for_judge:
        return entry.blind_code or _("Entry %(id)s", id=entry.id)
    return entry.display_name
