"""Turn submitted sheets into totals, places, prizes and organisation totals; publish them.

Everything is loaded in a fixed number of queries (entries, panel, sheets, marks or placings)
and handed to eventsys.domain: scoring for the exact totals, ranking for places and tie-breaks,
prizes for tiers and organisation totals, skating for dance finals. A judge's sheet total is
the weighted sum of their marks (Σ weight × mark), so weights of 1 add the marks up and weights
that add up to 1 give a weighted average; the domain's weighted average times the total weight
is exactly that, and is exact (Fractions) until the one half-up rounding for show."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from eventsys import versions
from eventsys.domain import prizes as prize_rules
from eventsys.domain import scoring, skating
from eventsys.domain.ranking import Placing, TieBreak, rank
from eventsys.errors import EventsysError
from eventsys.extensions import db
from eventsys.models import Registration, User
from eventsys.models.contests import (
    Contest,
    JudgeAssignment,
    Mark,
    Placement,
    PlacingSheet,
    ScoreSheet,
)
from eventsys.services import audit
from eventsys.services.contests import check_tier_plan, entries, is_excluded, redraw_blind_codes
from eventsys.timeutil import utcnow


@dataclass
class EntryResult:
    entry: Registration
    complete: bool = False
    # judge id -> criterion id -> mark (submitted sheets only); judge id -> sheet total
    marks: dict[int, dict[int, Decimal]] = field(default_factory=dict)
    totals: dict[int, Fraction] = field(default_factory=dict)
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

    @property
    def organisation_name(self) -> str:
        org = self.entry.organisation
        return org.name if org is not None else ""


@dataclass
class OrgResult:
    name: str
    points: scoring.Exact
    place: int
    shared: bool
    tier_counts: dict[str, int]


@dataclass
class ContestResults:
    contest: Contest
    judges: list[User]
    rows: list[EntryResult]
    orgs: list[OrgResult]
    missing_sheets: int
    problem: str | None = None
    skating_explanation: Any = None

    @property
    def complete(self) -> bool:
        return self.missing_sheets == 0 and self.problem is None and bool(self.rows)

    @property
    def placed(self) -> list[EntryResult]:
        return [row for row in self.rows if row.place is not None]


def _fraction_total(sheet: dict[int, Decimal], weights: dict[int, Decimal]) -> Fraction:
    to_fraction = scoring.to_fraction
    return sum(
        (to_fraction(weights[c]) * to_fraction(sheet[c]) for c in weights if c in sheet),
        Fraction(0),
    )


def compute(contest: Contest) -> ContestResults:
    """Work out the contest's results from the submitted sheets (a fixed number of queries)."""
    panel = list(
        db.session.scalars(
            select(JudgeAssignment)
            .options(joinedload(JudgeAssignment.judge))
            .where(JudgeAssignment.contest_id == contest.id)
            .order_by(JudgeAssignment.position, JudgeAssignment.id)
        )
    )
    judges = [assignment.judge for assignment in panel]
    rows = [EntryResult(entry) for entry in entries(contest)]
    if contest.is_skating:
        return _compute_skating(contest, judges, rows)
    criteria = list(contest.criteria)
    weights = {c.id: c.weight for c in criteria}
    submitted: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    sheet_keys = {
        (judge_id, entry_id)
        for judge_id, entry_id in db.session.execute(
            select(ScoreSheet.judge_id, ScoreSheet.registration_id).where(
                ScoreSheet.contest_id == contest.id, ScoreSheet.status == "submitted"
            )
        )
    }
    for judge_id, entry_id, criterion_id, value in db.session.execute(
        select(ScoreSheet.judge_id, ScoreSheet.registration_id, Mark.criterion_id, Mark.value)
        .join(Mark, Mark.sheet_id == ScoreSheet.id)
        .where(ScoreSheet.contest_id == contest.id, ScoreSheet.status == "submitted")
    ):
        submitted[(judge_id, entry_id)][criterion_id] = value
    missing_sheets = 0
    for row in rows:
        for judge in judges:
            if is_excluded(judge, row.entry):
                row.excluded.add(judge.id)
            elif (judge.id, row.entry.id) in sheet_keys:
                row.marks[judge.id] = submitted[(judge.id, row.entry.id)]
                row.totals[judge.id] = _fraction_total(row.marks[judge.id], weights)
            else:
                row.missing.add(judge.id)
        missing_sheets += len(row.missing)
        row.complete = bool(judges) and not row.missing and bool(row.marks)
        if row.complete:
            _score(contest, row, weights)
    results = ContestResults(contest, judges, rows, [], missing_sheets)
    scored = [row for row in rows if row.complete]
    if scored:
        _rank_and_award(contest, results, scored, criteria)
    return results


def _score(contest: Contest, row: EntryResult, weights: dict[int, Decimal]) -> None:
    total_weight = Fraction(sum(weights.values(), Decimal(0)))
    judge_ids = list(row.marks)
    totals = [row.totals[j] for j in judge_ids]
    if contest.aggregation == "median":
        exact = Fraction(scoring.median(totals))
    else:
        drop_high, drop_low = (
            (contest.drop_highest, contest.drop_lowest)
            if contest.aggregation == "trimmed_mean"
            else (0, 0)
        )
        average = scoring.weighted_score(
            row.marks,
            weights,
            method=contest.weighting_order,
            drop_highest=drop_high,
            drop_lowest=drop_low,
        )
        exact = Fraction(average) * total_weight
        if drop_high or drop_low:
            if contest.weighting_order == scoring.PER_JUDGE_TOTAL_THEN_TRIM:
                dropped = scoring.dropped_marks(totals, drop_high, drop_low)
                row.dropped = {(judge_ids[i], None) for i in dropped.indexes}
            else:
                for criterion_id in weights:
                    column = [row.marks[j][criterion_id] for j in judge_ids]
                    dropped = scoring.dropped_marks(column, drop_high, drop_low)
                    row.dropped |= {(judge_ids[i], criterion_id) for i in dropped.indexes}
    inputs = [*weights.values(), *(v for sheet in row.marks.values() for v in sheet.values())]
    row.exact = scoring.exact_result(exact, inputs)
    row.rounded = scoring.round_half_up(row.exact, contest.decimals)
    row.spread = scoring.spread(totals, contest.decimals)


def _tiebreaks(
    contest: Contest, scored: list[EntryResult], criteria: list[Any]
) -> list[TieBreak[int]]:
    breaks: list[TieBreak[int]] = []
    for key in contest.tiebreak_list:
        if key == "untrimmed_mean":
            values = {r.entry.id: Fraction(scoring.mean(list(r.totals.values()))) for r in scored}
            breaks.append(TieBreak(_("mean of all judges' totals"), values))
        elif key == "median":
            values = {r.entry.id: Fraction(scoring.median(list(r.totals.values()))) for r in scored}
            breaks.append(TieBreak(_("median of the judges' totals"), values))
        elif key == "lower_spread":
            values = {
                r.entry.id: Fraction(scoring.variance(list(r.totals.values()))) for r in scored
            }
            breaks.append(TieBreak(_("smaller spread of the judges' totals"), values, False))
        elif key.startswith("criterion:"):
            number = int(key.split(":", 1)[1])
            if not 1 <= number <= len(criteria):
                continue
            criterion = criteria[number - 1]
            values = {}
            for r in scored:
                column = [sheet[criterion.id] for sheet in r.marks.values()]
                if contest.aggregation == "median":
                    values[r.entry.id] = Fraction(scoring.median(column))
                elif contest.aggregation == "trimmed_mean":
                    values[r.entry.id] = Fraction(
                        scoring.trimmed_mean(column, contest.drop_highest, contest.drop_lowest)
                    )
                else:
                    values[r.entry.id] = Fraction(scoring.mean(column))
            breaks.append(TieBreak(_("higher score for %(name)s", name=criterion.name), values))
    return breaks


def _rank_and_award(
    contest: Contest, results: ContestResults, scored: list[EntryResult], criteria: list[Any]
) -> None:
    by_id = {row.entry.id: row for row in scored}
    keys: dict[int, Any] = {
        row.entry.id: (row.rounded if contest.rank_on_rounded else Fraction(row.exact or 0))
        for row in scored
    }
    breaks = _tiebreaks(contest, scored, criteria)
    placings = rank(keys, breaks)
    _apply_placings(by_id, placings)
    # Composite keys: the score, then each tie-break (oriented so that higher is better).
    composite = {
        entry_id: (
            Fraction(keys[entry_id]),
            *(
                Fraction(tb.value_of(entry_id)) * (1 if tb.higher_is_better else -1)  # type: ignore[arg-type]
                for tb in breaks
            ),
        )
        for entry_id in keys
    }
    secondary = {entry_id: key[1:] for entry_id, key in composite.items()}
    _award(contest, results, by_id, composite, secondary, {e: Fraction(k) for e, k in keys.items()})


def _apply_placings(by_id: dict[int, EntryResult], placings: list[Placing[int]]) -> None:
    for placing in placings:
        row = by_id[placing.entry]
        row.place = placing.place
        row.shared = placing.shared
        row.decided_by = placing.decided_by


def _award(
    contest: Contest,
    results: ContestResults,
    by_id: dict[int, EntryResult],
    composite: dict[int, Any],
    secondary: dict[int, Any],
    plain: dict[int, Any],
) -> None:
    tiers = list(contest.tiers)
    n = len(by_id)
    awards: dict[int, str | None] = dict.fromkeys(by_id)
    try:
        if tiers and contest.prize_mode == "threshold":
            thresholds = [(t.name, t.threshold or Decimal(0)) for t in tiers]
            scores = {e: by_id[e].rounded for e in by_id}
            awards = prize_rules.award_by_threshold(scores, thresholds)  # type: ignore[arg-type]
        elif tiers:
            if contest.prize_mode == "share":
                plan = prize_rules.quotas_from_shares(
                    n, [(t.name, t.share or Decimal(0)) for t in tiers]
                )
            else:
                plan = [(t.name, t.quota or 0) for t in tiers]
                check_tier_plan(n, plan)
            if contest.tie_policy == prize_rules.EXACT_QUOTA_SECONDARY_KEY:
                awards = prize_rules.award_tiers(plain, plan, contest.tie_policy, secondary)
            else:
                awards = prize_rules.award_tiers(composite, plan, contest.tie_policy)
    except EventsysError as refusal:
        results.problem = str(refusal)
    except ValueError as error:
        results.problem = _("The prizes cannot be given: %(reason)s", reason=str(error))
    for entry_id, tier in awards.items():
        by_id[entry_id].tier = tier
    _organisations(contest, results, by_id)


def _organisations(
    contest: Contest, results: ContestResults, by_id: dict[int, EntryResult]
) -> None:
    with_org = [row for row in by_id.values() if row.entry.organisation_id is not None]
    names = {row.entry.organisation_id: row.organisation_name for row in with_org}
    tier_names = [t.name for t in contest.tiers]
    counts: dict[int, dict[str, int]] = {}
    for row in with_org:
        org_counts = counts.setdefault(row.entry.organisation_id, dict.fromkeys(tier_names, 0))  # type: ignore[arg-type]
        if row.tier is not None:
            org_counts[row.tier] = org_counts.get(row.tier, 0) + 1
    try:
        if contest.org_points_basis == "place":
            table = {
                place: points
                for place, points in enumerate(
                    (Decimal(p) for p in contest.place_points.split(",") if p), start=1
                )
            }
            totals, groups = prize_rules.rank_organisations_by_place(
                [(row.entry.id, row.entry.organisation_id, row.place) for row in with_org],
                table,
            )
        else:
            if not contest.tiers:
                return
            awards_by_org: dict[int, list[str | None]] = defaultdict(list)
            for row in with_org:
                awards_by_org[row.entry.organisation_id].append(row.tier)  # type: ignore[index]
            totals, groups = prize_rules.rank_organisations(
                awards_by_org, {t.name: t.points for t in contest.tiers}
            )
    except ValueError as error:
        results.problem = _(
            "The organisation totals cannot be worked out: %(reason)s", reason=str(error)
        )
        return
    place = 1
    for group in groups:
        for org_id in group:
            results.orgs.append(
                OrgResult(names[org_id], totals[org_id], place, len(group) > 1, counts[org_id])
            )
        place += len(group)


def _compute_skating(
    contest: Contest, judges: list[User], rows: list[EntryResult]
) -> ContestResults:
    dances = contest.dance_list
    sheets = {
        (judge_id, dance): (status, sheet_id)
        for sheet_id, judge_id, dance, status in db.session.execute(
            select(
                PlacingSheet.id, PlacingSheet.judge_id, PlacingSheet.dance, PlacingSheet.status
            ).where(PlacingSheet.contest_id == contest.id)
        )
    }
    places: dict[tuple[int, str, int], int] = {}
    for judge_id, dance, entry_id, place in db.session.execute(
        select(
            PlacingSheet.judge_id, PlacingSheet.dance, Placement.registration_id, Placement.place
        )
        .join(Placement, Placement.sheet_id == PlacingSheet.id)
        .where(PlacingSheet.contest_id == contest.id, PlacingSheet.status == "submitted")
    ):
        places[(judge_id, dance, entry_id)] = place
    missing = sum(
        1
        for judge in judges
        for dance in dances
        if sheets.get((judge.id, dance), ("draft", 0))[0] != "submitted"
    )
    results = ContestResults(contest, judges, rows, [], missing)
    if missing or not judges or not rows:
        return results
    marks_by_dance = {
        dance: {
            row.entry.id: [places.get((judge.id, dance, row.entry.id), 0) for judge in judges]
            for row in rows
        }
        for dance in dances
    }
    try:
        explanation = skating.multi_dance_explain(marks_by_dance)
    except skating.SkatingInputError as error:
        results.problem = _("The placings cannot be worked out: %(reason)s", reason=str(error))
        return results
    results.skating_explanation = explanation
    by_id = {row.entry.id: row for row in rows}
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
            row.placings[dance] = marks_by_dance[dance][row.entry.id]
            row.dance_places[dance] = explanation.places_by_dance[dance][row.entry.id]
        final = finals[row.entry.id]
        row.skating_place = final
        # k couples sharing place p (the average of the places they cover) start at p - (k-1)/2.
        row.place = int(final - Decimal(counts[final] - 1) / 2)
        row.shared = counts[final] > 1
        # Only a tie on the totals that a rule broke is named (not rule 9 for every row).
        row.decided_by = explanation.tie_broken_by.get(row.entry.id) if len(dances) > 1 else None
    keys = {row.entry.id: Fraction(-row.skating_place) for row in rows}  # type: ignore[operator]
    rows.sort(key=lambda r: (r.place or 0, r.entry.id))
    if contest.prize_mode == "threshold":
        results.problem = _("Placings have no scores, so prizes must be given by count or share.")
        return results
    _award(contest, results, by_id, keys, {}, keys)
    return results


def ordered(results: ContestResults) -> list[EntryResult]:
    """Rows in order of place (unplaced last, in registration order)."""
    return sorted(results.rows, key=lambda r: (r.place is None, r.place or 0, r.entry.id))


def sheets_progress(results: ContestResults) -> tuple[int, int]:
    """Return (sheets submitted, sheets expected): all the hall sees while results are hidden."""
    if results.contest.is_skating:
        expected = len(results.judges) * len(results.contest.dance_list)
    else:
        expected = sum(len(results.judges) - len(row.excluded) for row in results.rows)
    return max(expected - results.missing_sheets, 0), expected


# ---- publication -------------------------------------------------------------------------


def publish(contest: Contest, *, actor: User) -> ContestResults:
    """Publish the results: every expected sheet submitted, prizes decidable; marks lock."""
    if contest.is_published:
        raise EventsysError(_("The results are already published."))
    locked = db.session.execute(
        update(Contest)
        .where(Contest.id == contest.id, Contest.published_at.is_(None))
        .values(published_at=utcnow(), results_version=Contest.results_version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if locked != 1:
        raise EventsysError(_("The results are already published."))
    versions.touch(db.session, versions.contest(contest.id))  # a statement: say what changed
    db.session.refresh(contest)
    results = compute(contest)
    if not results.rows:
        raise EventsysError(_("There are no entries to publish results for."))
    if not results.judges:
        raise EventsysError(_("Appoint the judges' panel first."))
    if results.missing_sheets:
        raise EventsysError(
            _(
                "%(count)s score sheets are not submitted yet; results can be published when "
                "every judge has submitted every sheet.",
                count=results.missing_sheets,
            )
        )
    if results.problem:
        raise EventsysError(results.problem)
    audit.record(
        actor,
        "contest.publish",
        "contest",
        contest.id,
        after={
            "results": [
                [
                    r.entry.id,
                    r.place,
                    str(r.rounded if r.rounded is not None else r.skating_place),
                    r.tier,
                ]
                for r in ordered(results)
            ]
        },
    )
    return results


def unpublish(contest: Contest, *, actor: User) -> None:
    """Withdraw published results (to correct a mistake); the audit trail keeps the reason."""
    if not contest.is_published:
        raise EventsysError(_("The results are not published."))
    before = {"published_at": contest.published_at.isoformat()}  # type: ignore[union-attr]
    contest.published_at = None
    contest.results_version += 1
    db.session.flush()
    if contest.blind:
        redraw_blind_codes(contest)  # the published results tied the old codes to names
    after = {"codes": "redrawn"} if contest.blind else None
    audit.record(actor, "contest.unpublish", "contest", contest.id, before=before, after=after)


# ---- exports -----------------------------------------------------------------------------


def entrant() -> str:
    """The heading of the entrant's column: the poet, the troupe, the couple (not "参赛作品")."""
    return str(pgettext("contest entry", "Entrant"))


def display(value: Decimal | None, places: int) -> str:
    if value is None:
        return ""
    return str(scoring.round_half_up(value, places))


def result_table(results: ContestResults) -> tuple[list[str], list[list[Any]]]:
    """Return the header and rows of the results export (names shown: results are public)."""
    contest = results.contest
    title = pgettext("contest entry", "Title")
    header = [_("Place"), _("Code"), entrant(), _("Organisation"), title]
    header.append(_("Place") + " (Skating)" if contest.is_skating else pgettext("contest", "Score"))
    header.append(_("Prize"))
    rows = []
    for row in ordered(results):
        # Numbers stay numbers (the XLSX writer gives them their places); CSV prints them as shown.
        value: Any = (
            Decimal(format(row.skating_place.normalize(), "f"))
            if row.skating_place is not None
            else (
                scoring.round_half_up(row.rounded, contest.decimals)
                if row.rounded is not None
                else ""
            )
        )
        rows.append(
            [
                row.place if row.place is not None else "",
                row.entry.blind_code or "",
                row.entry.display_name,
                row.organisation_name,
                row.entry.title or "",
                value,
                row.tier or "",
            ]
        )
    return header, rows


def matrix_table(results: ContestResults) -> tuple[list[str], list[list[Any]]]:
    """Return the score matrix: every judge's total and marks, the spread, what was dropped."""
    contest = results.contest
    criteria = list(contest.criteria)
    header = [_("Place"), _("Code"), entrant(), _("Organisation")]
    for number, _judge in enumerate(results.judges, start=1):
        header.append(_("Judge %(n)s", n=number))
        header.extend(f"{_('Judge %(n)s', n=number)} {c.name}" for c in criteria)
    header += [_("Score (exact)"), pgettext("contest", "Score"), _("Spread"), _("Prize")]
    rows = []
    for row in ordered(results):
        line: list[Any] = [
            row.place if row.place is not None else "",
            row.entry.blind_code or "",
            row.entry.display_name,
            row.organisation_name,
        ]
        for judge in results.judges:
            if judge.id in row.excluded:
                line.append(_("excluded"))
                line.extend("" for _c in criteria)
                continue
            total = row.totals.get(judge.id)
            mark: Any = "" if total is None else _cell(scoring.exact_result(total, []))
            if (judge.id, None) in row.dropped:
                mark = f"({mark})"
            line.append(mark)
            for criterion in criteria:
                value = row.marks.get(judge.id, {}).get(criterion.id)
                cell: Any = "" if value is None else _cell(value)
                if (judge.id, criterion.id) in row.dropped:
                    cell = f"({cell})"
                line.append(cell)
        line += [
            "" if row.exact is None else _cell(row.exact),
            "" if row.rounded is None else scoring.round_half_up(row.rounded, contest.decimals),
            "" if row.spread is None else _cell(row.spread),
            row.tier or "",
        ]
        rows.append(line)
    return header, rows


def _cell(value: Any) -> Any:
    """A Decimal or whole number as itself (a number in XLSX), anything else (76⅔) as text."""
    if isinstance(value, (Decimal, int)):
        return value
    return str(value)


def organisation_table(results: ContestResults) -> tuple[list[str], list[list[Any]]]:
    """Return the header and rows of the organisation totals (place, organisation, points)."""
    tiers = [tier.name for tier in results.contest.tiers]
    header = [_("Place"), _("Organisation"), pgettext("organisation totals", "Total points")]
    header += tiers
    rows: list[list[Any]] = []
    for org in results.orgs:
        points = org.points
        if not isinstance(points, Decimal):
            points = scoring.round_half_up(points, 2)
        rows.append(
            [org.place, org.name, points, *(org.tier_counts.get(name, 0) for name in tiers)]
        )
    return header, rows


def export_sheets(
    what: str, results: ContestResults
) -> list[tuple[str, list[str], list[list[Any]]]]:
    """Return the sheets of a contest export: results and organisation totals, or the matrix."""
    if what == "matrix":
        return [(pgettext("sheet name", "Score matrix"), *matrix_table(results))]
    sheets = [(pgettext("sheet name", "Results"), *result_table(results))]
    if results.orgs:
        sheets.append((pgettext("sheet name", "Organisation totals"), *organisation_table(results)))
    return sheets
