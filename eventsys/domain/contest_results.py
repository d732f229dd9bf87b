"""Turn a contest's sheets and rules into its results: scores, dropped marks, places, prize
tiers, organisation totals and Skating System places, in one call.

Plain values in, plain values out: :func:`compute` is handed the entries, the panel, the
criteria, the prize tiers, the rules and the submitted sheets as frozen values, and returns an
:class:`Outcome`. Nothing here knows about tables, requests or translations: a problem that
stops the prizes is a :class:`Problem` with a code and its parameters, and a tie-break names
itself by its rule key (``"untrimmed_mean"``, ``"criterion:2"``), for the caller to put into
words.

Arithmetic is exact. A judge's sheet total is Σ weight × mark; marks and weights are decimals,
so totals are kept as whole numbers at one common scale (10**places) and only the results that
leave this module become ``Fraction``/``Decimal`` (the rules themselves are those of
:mod:`eventsys.domain.scoring`: the same trimming positions, the same exactness rule, the same
half-up rounding). Places and tie-breaks come from :mod:`eventsys.domain.ranking`, prizes and
organisation totals from :mod:`eventsys.domain.prizes`, dance finals from
:mod:`eventsys.domain.skating`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from operator import itemgetter
from typing import Any

from eventsys.domain import prizes as prize_rules
from eventsys.domain import scoring, skating
from eventsys.domain.ranking import TieBreak, rank

MEDIAN = "median"
TRIMMED_MEAN = "trimmed_mean"
SKATING = "skating"
# The registry's own names (scoring.AGGREGATORS) plus the Skating System's placings.
AGGREGATIONS = (*scoring.AGGREGATORS, SKATING)
TIEBREAKS = ("untrimmed_mean", "median", "lower_spread", "criterion:<n>")

# Problem codes: what stops the prizes or totals from being given (the caller words them).
TOO_MANY_PRIZES = "too_many_prizes"  # params: prizes, entries
PRIZES_IMPOSSIBLE = "prizes_impossible"  # params: reason
ORGANISATIONS_IMPOSSIBLE = "organisations_impossible"  # params: reason
PLACINGS_IMPOSSIBLE = "placings_impossible"  # params: reason
THRESHOLD_WITH_PLACINGS = "threshold_with_placings"


# ---- values in -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """An entry in the contest (a confirmed registration), in registration order."""

    id: int
    organisation_id: int | None = None


@dataclass(frozen=True, slots=True)
class Judge:
    """A judge on the panel, in panel order; stands aside (回避) for their own organisation."""

    id: int
    organisation_id: int | None = None


@dataclass(frozen=True, slots=True)
class Criterion:
    id: int
    weight: Decimal


@dataclass(frozen=True, slots=True)
class Tier:
    """A prize tier, best first: a count (quota), a share of the field or a minimum score."""

    name: str
    quota: int | None = None
    share: Decimal | None = None
    threshold: Decimal | None = None
    points: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Rules:
    aggregation: str = TRIMMED_MEAN
    weighting_order: str = scoring.PER_JUDGE_TOTAL_THEN_TRIM
    drop_highest: int = 1
    drop_lowest: int = 1
    decimals: int = 2
    rank_on_rounded: bool = True
    tiebreaks: tuple[str, ...] = ()
    prize_mode: str = "count"
    tie_policy: str = prize_rules.COMPETITION_RANK
    org_points_basis: str = "tier"
    place_points: tuple[Decimal, ...] = ()
    dances: tuple[str, ...] = ()


@dataclass(frozen=True)
class Inputs:
    """Everything the results depend on.

    *sheets* holds the submitted score sheets only: (judge id, entry id) -> criterion id ->
    mark. *placings* holds the submitted placing sheets of a Skating System final:
    (judge id, dance) -> entry id -> place."""

    rules: Rules
    entries: Sequence[Entry]
    judges: Sequence[Judge]
    criteria: Sequence[Criterion] = ()
    tiers: Sequence[Tier] = ()
    sheets: Mapping[tuple[int, int], Mapping[int, Decimal]] = field(default_factory=dict)
    placings: Mapping[tuple[int, str], Mapping[int, int]] = field(default_factory=dict)


# ---- values out ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """Why the prizes or totals cannot be given: a code and what the sentence needs."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class EntryOutcome:
    entry_id: int
    organisation_id: int | None = None
    complete: bool = False
    # judge id -> criterion id -> mark (submitted sheets only); judge id -> sheet total
    marks: dict[int, Mapping[int, Decimal]] = field(default_factory=dict)
    # judge id -> sheet total x denominator (whole numbers: see totals)
    scaled_totals: dict[int, int] = field(default_factory=dict)
    denominator: int = 1
    excluded: set[int] = field(default_factory=set)
    missing: set[int] = field(default_factory=set)
    # Dropped cells: (judge, None) for a whole sheet total, (judge, criterion) for one mark.
    dropped: set[tuple[int, int | None]] = field(default_factory=set)
    exact: scoring.Exact | None = None
    rounded: Decimal | None = None
    spread: Decimal | None = None
    place: int | None = None
    skating_place: Decimal | None = None
    shared: bool = False
    decided_by: str | None = None
    tier: str | None = None
    # Skating System: dance -> the judges' placings in panel order, and the dance's place.
    placings: dict[str, list[int]] = field(default_factory=dict)
    dance_places: dict[str, Decimal] = field(default_factory=dict)
    # What places a scored entry: its score, then each tie-break's value (in the rules' order,
    # those that apply), as reduced ratios (numerator, denominator). Stored with the row, so
    # that :func:`update` can place it again without its sheets.
    keys: tuple[tuple[int, int], ...] = ()

    @property
    def totals(self) -> dict[int, Fraction]:
        """Each judge's sheet total (Σ weight × mark), exactly."""
        return {j: Fraction(t, self.denominator) for j, t in self.scaled_totals.items()}


@dataclass(frozen=True, slots=True)
class OrgOutcome:
    organisation_id: int
    points: scoring.Exact
    place: int
    shared: bool
    tier_counts: Mapping[str, int]


@dataclass(slots=True)
class Outcome:
    """The results: one row per entry (in entry order), organisations best first."""

    rows: list[EntryOutcome]
    orgs: list[OrgOutcome]
    missing_sheets: int
    problem: Problem | None = None
    skating_explanation: skating.MultiDanceExplanation[int, str] | None = None
    expected_sheets: int = 0  # sheets expected (judges who do not stand aside, per entry)
    # The entries whose rows are worked out whole; None: all of them. From :func:`update`,
    # the other rows carry only what placing them decides (place, shared, decided_by, tier).
    fresh: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class Kept:
    """What an entry's stored row says, enough to place it again without reading its sheets
    (:func:`update`): whether it is scored, its rounded score and its ranking keys, and how
    many of its sheets are missing and how many judges stand aside."""

    complete: bool
    rounded: Decimal | None
    keys: tuple[tuple[int, int], ...]
    missing: int
    excluded: int


# ---- the pipeline ----------------------------------------------------------------------------


def stands_aside(judge: Judge, entry: Entry, on_its_roster: bool = False) -> bool:
    """Tell whether *judge* must stand aside for *entry* (回避): the entry is of the judge's
    own organisation, or the judge is on its roster. Standing aside is not a missing sheet."""
    if judge.organisation_id is not None and judge.organisation_id == entry.organisation_id:
        return True
    return on_its_roster


def compute(inputs: Inputs) -> Outcome:
    """Work out the results of a contest from its rules and its submitted sheets."""
    if inputs.rules.aggregation == SKATING:
        return _skating(inputs, [EntryOutcome(e.id, e.organisation_id) for e in inputs.entries])
    return _scored_outcome(inputs, {})


def update(inputs: Inputs, kept: Mapping[int, Kept]) -> Outcome:
    """The results after some entries' sheets changed and nothing else did: the same rows as
    :func:`compute` would give, without reading every sheet.

    *inputs* holds every entry but only the sheets of the changed entries (those not in
    *kept*); each entry of *kept* is placed again from what its stored row says. The rows of
    the changed entries are whole (``Outcome.fresh``); the kept ones carry their place,
    shared, decided_by and tier. A Skating System final is placed as a whole: refused."""
    if inputs.rules.aggregation == SKATING:
        raise ValueError("a Skating System final has no per-entry update: compute it whole")
    outcome = _scored_outcome(inputs, kept)
    outcome.fresh = frozenset(e.id for e in inputs.entries if e.id not in kept)
    return outcome


def _scored_outcome(inputs: Inputs, kept: Mapping[int, Kept]) -> Outcome:
    rules = inputs.rules
    judges = inputs.judges
    sheets = inputs.sheets
    weights = {c.id: c.weight for c in inputs.criteria}
    scale = _Scale(weights, sheets.values())
    breaks = _applicable_breaks(rules, inputs.criteria)
    missing_sheets = expected_sheets = 0
    rows: list[EntryOutcome] = []
    scored: list[EntryOutcome] = []
    for entry in inputs.entries:
        was = kept.get(entry.id)
        if was is not None:
            row = EntryOutcome(
                entry.id, entry.organisation_id, was.complete, rounded=was.rounded, keys=was.keys
            )
            missing_sheets += was.missing
            expected_sheets += len(judges) - was.excluded
        else:
            row = EntryOutcome(entry.id, entry.organisation_id)
            marked: list[int] = []
            for judge in judges:
                if stands_aside(judge, entry):
                    row.excluded.add(judge.id)
                elif (judge.id, entry.id) in sheets:
                    row.marks[judge.id] = sheets[(judge.id, entry.id)]
                    marked.append(judge.id)
                else:
                    row.missing.add(judge.id)
            missing_sheets += len(row.missing)
            expected_sheets += len(row.marks) + len(row.missing)
            row.complete = bool(judges) and not row.missing and bool(row.marks)
            if row.complete:
                _score(rules, row, marked, scale, breaks)
        rows.append(row)
        if row.complete:
            scored.append(row)
    outcome = Outcome(rows, [], missing_sheets, expected_sheets=expected_sheets)
    if scored:
        _rank_and_award(inputs, outcome, scored, breaks)
    return outcome


class _Scale:
    """Marks and weights as whole numbers at one scale: the exact arithmetic of the sheets."""

    def __init__(self, weights: Mapping[int, Any], sheets: Any) -> None:
        mark_values = {value for sheet in sheets for value in sheet.values()}
        weight_values = list(weights.values())
        # A Fraction among the inputs keeps every result a Fraction (scoring.exact_result);
        # to_fraction refuses floats and non-numbers in the registry's words.
        exact_marks = {value: scoring.to_fraction(value) for value in mark_values}
        exact_weights = {c: scoring.to_fraction(w) for c, w in weights.items()}
        self.any_fraction = any(isinstance(v, Fraction) for v in [*weight_values, *mark_values])
        self.mark_denominator = _common_denominator(exact_marks.values())
        self.weight_denominator = _common_denominator(exact_weights.values())
        self.mark: dict[Any, int] = {
            v: _scaled(f, self.mark_denominator) for v, f in exact_marks.items()
        }
        # criterion id -> whole weight, in the criteria's order
        self.weight: dict[int, int] = {
            c: _scaled(f, self.weight_denominator) for c, f in exact_weights.items()
        }
        # A sheet total Σ w × m is (Σ W × M) / denominator, W and M whole.
        self.denominator = self.mark_denominator * self.weight_denominator
        # criterion -> whole mark -> whole weight x mark: a sheet total is a few look-ups.
        self._marks_of = itemgetter(*self.weight) if self.weight else None
        self._products = [
            {value: weight * scaled for value, scaled in self.mark.items()}
            for weight in self.weight.values()
        ]
        self.problem: str | None = None
        if any(f < 0 for f in exact_weights.values()):
            self.problem = "a criterion's weight cannot be negative"
        elif not any(self.weight.values()):
            self.problem = "the weights add up to zero, so no weighted average exists"

    def total(self, sheet: Mapping[int, Any]) -> int:
        """The whole-number total Σ W × M of one sheet (criteria it lacks count nothing)."""
        if self._marks_of is None:
            return 0
        try:
            found = self._marks_of(sheet)
        except KeyError:
            return sum(w * self.mark[sheet[c]] for c, w in self.weight.items() if c in sheet)
        if len(self._products) == 1:
            return self._products[0][found]
        return sum(map(dict.__getitem__, self._products, found))


def _common_denominator(values: Any) -> int:
    denominator = 1
    for value in values:
        d = value.denominator
        denominator = denominator * d // math.gcd(denominator, d)
    return denominator


def _scaled(value: Fraction, denominator: int) -> int:
    exact = value * denominator
    return exact.numerator // exact.denominator


def _reduced(numerator: int, denominator: int) -> tuple[int, int]:
    common = math.gcd(numerator, denominator)
    return numerator // common, denominator // common


def _score(
    rules: Rules,
    row: EntryOutcome,
    judges: list[int],
    scale: _Scale,
    breaks: list[tuple[str, bool, int | None]],
) -> None:
    weights = list(scale.weight.items())
    marks = scale.mark
    sheets = [row.marks[j] for j in judges]
    totals = [scale.total(sheet) for sheet in sheets]
    n = len(totals)
    d = scale.denominator
    # Stored in lowest terms: the same whole numbers whatever marks the rest of the contest has.
    common = math.gcd(d, *totals)
    row.scaled_totals = {j: t // common for j, t in zip(judges, totals, strict=True)}
    row.denominator = d // common
    if rules.aggregation == MEDIAN:
        exact = _median(totals, d)
    else:
        high, low = (
            (rules.drop_highest, rules.drop_lowest) if rules.aggregation == TRIMMED_MEAN else (0, 0)
        )
        if rules.weighting_order not in scoring.METHODS:
            raise ValueError(f"unknown weighting method {rules.weighting_order!r}")
        if scale.problem is not None:
            raise ValueError(scale.problem)
        if rules.weighting_order == scoring.PER_JUDGE_TOTAL_THEN_TRIM:
            dropped = scoring.dropped_marks(totals, high, low).indexes if high or low else ()
            kept = [t for i, t in enumerate(totals) if i not in dropped]
            exact = (sum(kept), len(kept) * d)
            if dropped:
                row.dropped = {(judges[i], None) for i in dropped}
        else:
            # Trim each criterion's column, then weight the trimmed means.
            summed = 0
            count = n
            for criterion, weight in weights:
                column = [marks[sheet[criterion]] for sheet in sheets]
                dropped = scoring.dropped_marks(column, high, low).indexes if high or low else ()
                count = n - len(dropped)
                summed += weight * sum(v for i, v in enumerate(column) if i not in dropped)
                row.dropped |= {(judges[i], criterion) for i in dropped}
            exact = (summed, count * d)
    value = Fraction(*exact)
    row.exact = value if scale.any_fraction else scoring.exact_result(value, ())
    row.rounded = scoring.round_ratio_half_up(value.numerator, value.denominator, rules.decimals)
    row.spread = scoring.root_ratio_half_up(*_variance(totals, d), rules.decimals)
    if rules.rank_on_rounded:
        # The published figure: whole numbers at its shown places.
        places = 10**rules.decimals
        primary = _reduced(int(row.rounded * places), places)
    else:
        primary = (value.numerator, value.denominator)
    row.keys = (
        primary,
        *(_break_value(rules, key, c, totals, sheets, scale) for key, _h, c in breaks),
    )


def _variance(totals: list[int], denominator: int) -> tuple[int, int]:
    # Population variance of the totals T/d: (n ΣT² − (ΣT)²) / (n² d²), in whole numbers.
    n = len(totals)
    s = sum(totals)
    return n * sum(t * t for t in totals) - s * s, n * n * denominator * denominator


def _whole(ratios: Mapping[int, tuple[int, int]]) -> dict[int, int]:
    """Exact ratios as whole numbers at their common scale: the same order, the same ties,
    compared at the speed of integers (a ranking compares each value many times)."""
    common = math.lcm(*{den for _num, den in ratios.values()}) if ratios else 1
    return {key: num * (common // den) for key, (num, den) in ratios.items()}


def _applicable_breaks(
    rules: Rules, criteria: Sequence[Criterion]
) -> list[tuple[str, bool, int | None]]:
    """The tie-breaks that apply: (key, higher is better, the criterion id of criterion:<n>)."""
    breaks: list[tuple[str, bool, int | None]] = []
    for key in rules.tiebreaks:
        if key in ("untrimmed_mean", "median"):
            breaks.append((key, True, None))
        elif key == "lower_spread":
            breaks.append((key, False, None))
        elif key.startswith("criterion:"):
            number = int(key.split(":", 1)[1])
            if 1 <= number <= len(criteria):
                breaks.append((key, True, criteria[number - 1].id))
    return breaks


def _break_value(
    rules: Rules,
    key: str,
    criterion: int | None,
    totals: list[int],
    sheets: list[Mapping[int, Any]],
    scale: _Scale,
) -> tuple[int, int]:
    """One entry's value for tie-break *key*, in lowest terms."""
    d = scale.denominator
    if key == "untrimmed_mean":
        return _reduced(sum(totals), len(totals) * d)
    if key == "median":
        return _reduced(*_median(totals, d))
    if key == "lower_spread":
        return _reduced(*_variance(totals, d))
    marks = scale.mark
    md = scale.mark_denominator
    column = [marks[sheet[criterion]] for sheet in sheets]
    if rules.aggregation == MEDIAN:
        return _reduced(*_median(column, md))
    if rules.aggregation == TRIMMED_MEAN:
        dropped = scoring.dropped_marks(column, rules.drop_highest, rules.drop_lowest).indexes
        column = [v for i, v in enumerate(column) if i not in dropped]
    return _reduced(sum(column), len(column) * md)


def _median(values: list[int], denominator: int) -> tuple[int, int]:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle], denominator
    return ordered[middle - 1] + ordered[middle], 2 * denominator


def _rank_and_award(
    inputs: Inputs,
    outcome: Outcome,
    scored: list[EntryOutcome],
    breaks: list[tuple[str, bool, int | None]],
) -> None:
    by_id = {row.entry_id: row for row in scored}
    plain = _whole({row.entry_id: row.keys[0] for row in scored})
    values = [
        _whole({row.entry_id: row.keys[n] for row in scored}) for n in range(1, len(breaks) + 1)
    ]
    tiebreaks = [
        TieBreak(key, whole, higher)
        for (key, higher, _criterion), whole in zip(breaks, values, strict=True)
    ]
    for placing in rank(plain, tiebreaks):
        row = by_id[placing.entry]
        row.place = placing.place
        row.shared = placing.shared
        row.decided_by = placing.decided_by
    # Composite keys: the score, then each tie-break (oriented so that higher is better).
    oriented = [
        whole if higher else {e: -v for e, v in whole.items()}
        for (_key, higher, _criterion), whole in zip(breaks, values, strict=True)
    ]
    secondary = {entry_id: tuple(v[entry_id] for v in oriented) for entry_id in plain}
    composite = {entry_id: (plain[entry_id], *secondary[entry_id]) for entry_id in plain}
    _award(inputs, outcome, by_id, composite, secondary, plain)


def _award(
    inputs: Inputs,
    outcome: Outcome,
    by_id: dict[int, EntryOutcome],
    composite: dict[int, Any],
    secondary: dict[int, Any],
    plain: dict[int, Any],
) -> None:
    rules = inputs.rules
    tiers = list(inputs.tiers)
    n = len(by_id)
    awards: dict[int, str | None] = dict.fromkeys(by_id)
    try:
        if tiers and rules.prize_mode == "threshold":
            thresholds = [(t.name, t.threshold or Decimal(0)) for t in tiers]
            scores = {e: by_id[e].rounded for e in by_id}
            awards = prize_rules.award_by_threshold(scores, thresholds)  # type: ignore[arg-type]
        elif tiers:
            if rules.prize_mode == "share":
                plan = prize_rules.quotas_from_shares(
                    n, [(t.name, t.share or Decimal(0)) for t in tiers]
                )
            else:
                plan = [(t.name, t.quota or 0) for t in tiers]
                _check_tier_plan(n, plan)
            if rules.tie_policy == prize_rules.EXACT_QUOTA_SECONDARY_KEY:
                awards = prize_rules.award_tiers(plain, plan, rules.tie_policy, secondary)
            else:
                awards = prize_rules.award_tiers(composite, plan, rules.tie_policy)
    except _Refused as refused:
        outcome.problem = refused.problem
    except ValueError as error:
        outcome.problem = Problem(PRIZES_IMPOSSIBLE, {"reason": str(error)})
    for entry_id, tier in awards.items():
        by_id[entry_id].tier = tier
    _organisations(inputs, outcome, by_id)


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def _check_tier_plan(n_entries: int, plan: list[tuple[str, int]]) -> None:
    try:
        prize_rules.check_tier_plan(n_entries, plan)
    except (ValueError, TypeError) as error:
        prizes = sum(quota for _name, quota in plan)
        raise _Refused(
            Problem(TOO_MANY_PRIZES, {"prizes": prizes, "entries": n_entries})
        ) from error


def _organisations(inputs: Inputs, outcome: Outcome, by_id: dict[int, EntryOutcome]) -> None:
    rules = inputs.rules
    # (organisation id, entry) for the entries of an organisation
    with_org = [
        (row.organisation_id, row) for row in by_id.values() if row.organisation_id is not None
    ]
    tier_names = [t.name for t in inputs.tiers]
    counts: dict[int, dict[str, int]] = {}
    for org_id, row in with_org:
        org_counts = counts.setdefault(org_id, dict.fromkeys(tier_names, 0))
        if row.tier is not None:
            org_counts[row.tier] = org_counts.get(row.tier, 0) + 1
    totals: Mapping[int, scoring.Exact]
    groups: list[list[int]]
    try:
        if rules.org_points_basis == "place":
            table = dict(enumerate(rules.place_points, start=1))
            totals, groups = prize_rules.rank_organisations_by_place(
                [(row.entry_id, org_id, row.place or 0) for org_id, row in with_org], table
            )
        else:
            if not inputs.tiers:
                return
            awards_by_org: dict[int, list[str | None]] = defaultdict(list)
            for org_id, row in with_org:
                awards_by_org[org_id].append(row.tier)
            totals, groups = prize_rules.rank_organisations(
                awards_by_org, {t.name: t.points for t in inputs.tiers}
            )
    except ValueError as error:
        outcome.problem = Problem(ORGANISATIONS_IMPOSSIBLE, {"reason": str(error)})
        return
    place = 1
    for group in groups:
        for org_id in group:
            outcome.orgs.append(
                OrgOutcome(org_id, totals[org_id], place, len(group) > 1, counts[org_id])
            )
        place += len(group)


def _skating(inputs: Inputs, rows: list[EntryOutcome]) -> Outcome:
    dances = list(inputs.rules.dances)
    judges = inputs.judges
    placings = inputs.placings
    missing = sum(1 for judge in judges for dance in dances if (judge.id, dance) not in placings)
    outcome = Outcome(rows, [], missing)
    if missing or not judges or not rows:
        return outcome
    marks_by_dance = {
        dance: {
            row.entry_id: [placings[(judge.id, dance)].get(row.entry_id, 0) for judge in judges]
            for row in rows
        }
        for dance in dances
    }
    try:
        explanation = skating.multi_dance_explain(marks_by_dance)
    except skating.SkatingInputError as error:
        outcome.problem = Problem(PLACINGS_IMPOSSIBLE, {"reason": str(error)})
        return outcome
    outcome.skating_explanation = explanation
    by_id = {row.entry_id: row for row in rows}
    # One dance: its places (rules 5-8) are the result; rules 9-11 combine several dances.
    finals = (
        explanation.places_by_dance[dances[0]] if len(dances) == 1 else explanation.final_places
    )
    counts: dict[Decimal, int] = defaultdict(int)
    for place in finals.values():
        counts[place] += 1
    for row in rows:
        row.complete = True
        for dance in dances:
            row.placings[dance] = marks_by_dance[dance][row.entry_id]
            row.dance_places[dance] = explanation.places_by_dance[dance][row.entry_id]
        final = finals[row.entry_id]
        row.skating_place = final
        # k couples sharing place p (the average of the places they cover) start at p - (k-1)/2.
        row.place = int(final - Decimal(counts[final] - 1) / 2)
        row.shared = counts[final] > 1
        # Only a tie on the totals that a rule broke is named (not rule 9 for every row).
        row.decided_by = explanation.tie_broken_by.get(row.entry_id) if len(dances) > 1 else None
    keys = {row.entry_id: Fraction(-row.skating_place) for row in rows}  # type: ignore[operator]
    rows.sort(key=lambda r: (r.place or 0, r.entry_id))
    if inputs.rules.prize_mode == "threshold":
        outcome.problem = Problem(THRESHOLD_WITH_PLACINGS)
        return outcome
    _award(inputs, outcome, by_id, keys, {}, keys)
    return outcome
