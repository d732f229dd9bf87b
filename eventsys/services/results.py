"""Contest results for the pages, exports and publication: load, one domain call, read back.

The whole pipeline (sheet totals Σ weight × mark, trimming, places, tie-breaks, prize tiers,
organisation totals, Skating System places) is :func:`eventsys.domain.contest_results.compute`;
here :func:`inputs_of` loads its inputs in a fixed number of queries, services.standings stores
its outcome in the commit of every change, and :func:`stored` reads the stored rows back for
the pages (nothing computed on a read). :func:`compute` works the results out afresh (what
publication checks, and what a contest with no stored rows yet shows). Words are put on the
domain's codes here: a tie-break's key, a problem's code, in the reader's language."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from eventsys import versions
from eventsys.domain import contest_results, scoring
from eventsys.errors import EventsysError
from eventsys.extensions import db
from eventsys.models import Organisation, Registration, User
from eventsys.models.contests import (
    Contest,
    ContestOutcome,
    ContestStanding,
    Criterion,
    JudgeAssignment,
    Mark,
    Placement,
    PlacingSheet,
    PrizeTier,
    ScoreSheet,
)
from eventsys.services import audit, notices, standings
from eventsys.services.contests import PLAIN_RULES, entries, redraw_blind_codes
from eventsys.timeutil import utcnow


@dataclass(slots=True)
class EntryResult(contest_results.EntryOutcome):
    """An entry's row of the results as the domain works it out, with its registration."""

    entry: Registration = field(kw_only=True)

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
    # Sheets expected (judges who do not stand aside, per entry), as stored; None: count rows.
    expected_sheets: int | None = None

    @property
    def complete(self) -> bool:
        return self.missing_sheets == 0 and self.problem is None and bool(self.rows)

    @property
    def placed(self) -> list[EntryResult]:
        return [row for row in self.rows if row.place is not None]


# ---- the one domain call ---------------------------------------------------------------------


def rules_of(contest: Contest) -> contest_results.Rules:
    """The contest's settings as the domain's rules."""
    return contest_results.Rules(
        **{name: getattr(contest, name) for name in PLAIN_RULES},
        tiebreaks=tuple(contest.tiebreak_list),
        place_points=tuple(Decimal(p) for p in contest.place_points.split(",") if p),
        dances=tuple(contest.dance_list),
    )


def inputs_of(
    contest: Contest, session: Session | None = None, *, only: Collection[int] | None = None
) -> contest_results.Inputs:
    """Load what the contest's results depend on, in a fixed number of queries; with *only*,
    the score sheets of those entries only (what :func:`contest_results.update` is given)."""
    session = session if session is not None else db.session()
    # Plain rows through the session's connection (in its transaction): no ORM row handling.
    connection = session.connection()
    cid = contest.id
    entries_ = [
        contest_results.Entry(entry_id, org_id)
        for entry_id, org_id in connection.execute(
            select(Registration.id, Registration.organisation_id)
            .where(Registration.event_id == contest.event_id, Registration.status == "confirmed")
            .order_by(Registration.id)
        )
    ]
    judges = [
        contest_results.Judge(judge_id, org_id)
        for judge_id, org_id in connection.execute(
            select(JudgeAssignment.judge_id, User.organisation_id)
            .join(User, User.id == JudgeAssignment.judge_id)
            .where(JudgeAssignment.contest_id == cid)
            .order_by(JudgeAssignment.position, JudgeAssignment.id)
        )
    ]
    criteria = [
        contest_results.Criterion(criterion_id, weight)
        for criterion_id, weight in connection.execute(
            select(Criterion.id, Criterion.weight)
            .where(Criterion.contest_id == cid)
            .order_by(Criterion.position, Criterion.id)
        )
    ]
    tiers = [
        contest_results.Tier(name, quota, share, threshold, points)
        for name, quota, share, threshold, points in connection.execute(
            select(
                PrizeTier.name,
                PrizeTier.quota,
                PrizeTier.share,
                PrizeTier.threshold,
                PrizeTier.points,
            )
            .where(PrizeTier.contest_id == cid)
            .order_by(PrizeTier.position, PrizeTier.id)
        )
    ]
    rules = rules_of(contest)
    if contest.is_skating:
        placings: dict[tuple[int, str], dict[int, int]] = {
            (judge_id, dance): {}
            for judge_id, dance in connection.execute(
                select(PlacingSheet.judge_id, PlacingSheet.dance).where(
                    PlacingSheet.contest_id == cid, PlacingSheet.status == "submitted"
                )
            )
        }
        for judge_id, dance, entry_id, place in connection.execute(
            select(
                PlacingSheet.judge_id,
                PlacingSheet.dance,
                Placement.registration_id,
                Placement.place,
            )
            .join(Placement, Placement.sheet_id == PlacingSheet.id)
            .where(PlacingSheet.contest_id == cid, PlacingSheet.status == "submitted")
        ):
            placings[(judge_id, dance)][entry_id] = place
        return contest_results.Inputs(rules, entries_, judges, criteria, tiers, placings=placings)
    # Submitted sheets with their marks, in one query (a sheet with no marks yet is a row too).
    sheets: dict[tuple[int, int], dict[int, Decimal]] = {}
    submitted = (
        select(ScoreSheet.judge_id, ScoreSheet.registration_id, Mark.criterion_id, Mark.value)
        .outerjoin(Mark, Mark.sheet_id == ScoreSheet.id)
        .where(ScoreSheet.contest_id == cid, ScoreSheet.status == "submitted")
    )
    if only is not None:
        submitted = submitted.where(ScoreSheet.registration_id.in_(sorted(only)))
    for judge_id, entry_id, criterion_id, value in connection.execute(submitted):
        sheet = sheets.setdefault((judge_id, entry_id), {})
        if criterion_id is not None:
            sheet[criterion_id] = value
    return contest_results.Inputs(rules, entries_, judges, criteria, tiers, sheets=sheets)


def compute(contest: Contest) -> ContestResults:
    """Work out the contest's results from the submitted sheets (a fixed number of queries)."""
    outcome = contest_results.compute(inputs_of(contest))
    by_id = {entry.id: entry for entry in entries(contest)}
    return _results(contest, outcome, by_id, _panel_judges(contest))


def stored(contest: Contest, *, marks: bool = False) -> ContestResults:
    """Read the contest's stored results (a fixed number of queries, nothing computed).

    *marks* also loads the judges' marks (the score matrix); published results are the rows
    frozen at publication. A contest with no stored rows yet (none since it was created before
    the stored results existed and nothing changed since) is computed, never written: a read
    writes nothing."""
    session = db.session()
    outcome = session.get(ContestOutcome, contest.id)
    if outcome is None:
        return compute(contest)
    detail = marks or contest.is_skating
    columns = [c for c in ContestStanding.__table__.c if detail or c.name != "detail"]
    lines = session.execute(
        select(Registration, *columns)
        .join(ContestStanding, ContestStanding.registration_id == Registration.id)
        .options(joinedload(Registration.organisation), joinedload(Registration.captain))
        .where(ContestStanding.contest_id == contest.id)
        .order_by(ContestStanding.position)
    ).all()
    labels: dict[str | None, str | None] = {}
    rows = []
    for line in lines:
        entry = line[0]
        m = line._mapping
        extra = m["detail"] if detail else {}
        key = m["decided_by"]
        if key not in labels:
            labels[key] = tiebreak_label(contest, key)
        # Stored as text, with the places they were rounded to ("76.50").
        rounded = standings.decimal_of(m["rounded"])
        spread = standings.decimal_of(m["spread"])
        rows.append(
            EntryResult(
                entry.id,
                entry.organisation_id,
                entry=entry,
                complete=m["complete"],
                scaled_totals={int(j): t for j, t in extra.get("t", {}).items()},
                denominator=extra.get("td", 1),
                excluded=set(extra.get("x", ())),
                missing=set(extra.get("m", ())),
                dropped={(j, c) for j, c in extra.get("d", ())},
                exact=standings.exact_of(m["exact"]),
                rounded=rounded,
                spread=spread,
                place=m["place"],
                skating_place=standings.decimal_of(m["skating_place"]),
                shared=m["shared"],
                decided_by=labels[key],
                tier=m["tier"],
                placings=extra.get("p", {}),
                dance_places={d: Decimal(p) for d, p in extra.get("dp", {}).items()},
            )
        )
    if marks and not contest.is_skating:
        by_id = {row.entry.id: row for row in rows}
        for judge_id, entry_id, criterion_id, value in session.connection().execute(
            select(ScoreSheet.judge_id, ScoreSheet.registration_id, Mark.criterion_id, Mark.value)
            .join(Mark, Mark.sheet_id == ScoreSheet.id)
            .where(ScoreSheet.contest_id == contest.id, ScoreSheet.status == "submitted")
        ):
            row = by_id.get(entry_id)
            if row is not None and judge_id in row.scaled_totals:
                row.marks[judge_id] = {**row.marks.get(judge_id, {}), criterion_id: value}
    names = dict(
        session.execute(
            select(Organisation.id, Organisation.name).where(
                Organisation.id.in_([line[0] for line in outcome.orgs])
            )
        ).all()
    )
    orgs = [
        OrgResult(names.get(org_id, ""), standings.exact_of(points), place, shared, counts)  # type: ignore[arg-type]
        for org_id, points, place, shared, counts in outcome.orgs
    ]
    problem = (
        None
        if outcome.problem_code is None
        else contest_results.Problem(outcome.problem_code, outcome.problem_params or {})
    )
    return ContestResults(
        contest,
        _panel_judges(contest),
        rows,
        orgs,
        outcome.missing_sheets,
        problem_text(problem),
        standings.explanation_from(outcome.skating),
        expected_sheets=outcome.expected_sheets,
    )


def _panel_judges(contest: Contest) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(JudgeAssignment, JudgeAssignment.judge_id == User.id)
            .where(JudgeAssignment.contest_id == contest.id)
            .order_by(JudgeAssignment.position, JudgeAssignment.id)
        )
    )


def tiebreak_label(contest: Contest, key: str | None) -> str | None:
    """The sentence for a tie-break rule key (a Skating System rule R10, R11 stays as it is)."""
    if key is None:
        return None
    if key == "untrimmed_mean":
        return str(_("mean of all judges' totals"))
    if key == "median":
        return str(_("median of the judges' totals"))
    if key == "lower_spread":
        return str(_("smaller spread of the judges' totals"))
    if key.startswith("criterion:"):
        number = int(key.split(":", 1)[1])
        criteria = list(contest.criteria)
        if 1 <= number <= len(criteria):
            return str(_("higher score for %(name)s", name=criteria[number - 1].name))
    return key


def problem_text(problem: contest_results.Problem | None) -> str | None:
    """The organiser's sentence for what stops the prizes or the totals."""
    if problem is None:
        return None
    params = dict(problem.params)
    if problem.code == contest_results.TOO_MANY_PRIZES:
        return str(
            _(
                "The prizes add up to %(prizes)s winners but there are only %(entries)s "
                "entries. Lower the numbers of winners.",
                **params,
            )
        )
    if problem.code == contest_results.PRIZES_IMPOSSIBLE:
        return str(_("The prizes cannot be given: %(reason)s", **params))
    if problem.code == contest_results.ORGANISATIONS_IMPOSSIBLE:
        return str(_("The organisation totals cannot be worked out: %(reason)s", **params))
    if problem.code == contest_results.PLACINGS_IMPOSSIBLE:
        return str(_("The placings cannot be worked out: %(reason)s", **params))
    if problem.code == contest_results.THRESHOLD_WITH_PLACINGS:
        return str(_("Placings have no scores, so prizes must be given by count or share."))
    return problem.code


def _results(
    contest: Contest,
    outcome: contest_results.Outcome,
    entries_by_id: dict[int, Registration],
    judges: list[User],
) -> ContestResults:
    labels: dict[str | None, str | None] = {}
    rows = []
    for eo in outcome.rows:
        entry = entries_by_id.get(eo.entry_id)
        if entry is None:
            continue
        if eo.decided_by not in labels:
            labels[eo.decided_by] = tiebreak_label(contest, eo.decided_by)
        rows.append(
            EntryResult(
                eo.entry_id,
                eo.organisation_id,
                entry=entry,
                complete=eo.complete,
                marks={j: dict(sheet) for j, sheet in eo.marks.items()},
                scaled_totals=eo.scaled_totals,
                denominator=eo.denominator,
                excluded=eo.excluded,
                missing=eo.missing,
                dropped=eo.dropped,
                exact=eo.exact,
                rounded=eo.rounded,
                spread=eo.spread,
                place=eo.place,
                skating_place=eo.skating_place,
                shared=eo.shared,
                decided_by=labels[eo.decided_by],
                tier=eo.tier,
                placings=eo.placings,
                dance_places=eo.dance_places,
            )
        )
    names = {
        row.entry.organisation_id: row.organisation_name
        for row in rows
        if row.entry.organisation_id is not None
    }
    orgs = [
        OrgResult(
            names.get(o.organisation_id, ""), o.points, o.place, o.shared, dict(o.tier_counts)
        )
        for o in outcome.orgs
    ]
    return ContestResults(
        contest,
        judges,
        rows,
        orgs,
        outcome.missing_sheets,
        problem_text(outcome.problem),
        outcome.skating_explanation,
    )


def ordered(results: ContestResults) -> list[EntryResult]:
    """Rows in order of place (unplaced last, in registration order)."""
    return sorted(results.rows, key=lambda r: (r.place is None, r.place or 0, r.entry.id))


def sheets_progress(results: ContestResults) -> tuple[int, int]:
    """Return (sheets submitted, sheets expected): all the hall sees while results are hidden."""
    if results.contest.is_skating:
        expected = len(results.judges) * len(results.contest.dance_list)
    elif results.expected_sheets is not None:
        expected = results.expected_sheets
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
    # The rows stored here are the published ones: no refresh touches them until withdrawn.
    outcome = standings.refresh(db.session(), contest)
    by_id = {entry.id: entry for entry in entries(contest)}
    results = _results(contest, outcome, by_id, _panel_judges(contest))
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
    notices.notify_registrants(
        contest.event, "results_published", now=contest.published_at, statuses=("confirmed",)
    )
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
