"""Stored contest results: written in the transaction that changes them, read by every page.

Every write that touches a contest (a mark, a sheet, a placing, a criterion, a tier, the panel,
the contest's settings) raises the version ``contest:<id>``; every change of a registration
raises ``event:<id>``. Just before those counters are raised, :func:`refresh_touched` (hooked
in with :func:`eventsys.versions.before_bump`) recomputes the touched contests with the one
domain call :func:`eventsys.domain.contest_results.compute` and writes only the rows that
changed: nothing can change a contest's results without its stored rows following in the same
commit, and a refresh that fails takes the whole commit down with it (the rows stay as they
were).

Published results are frozen: :func:`store` writes them when they are published, and no
refresh touches them until they are withdrawn. The pages read them back with
:func:`eventsys.services.results.stored`, never computing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from eventsys import versions
from eventsys.domain import contest_results, skating
from eventsys.models.contests import (
    Contest,
    ContestOrgStanding,
    ContestOutcome,
    ContestStanding,
)

STANDING = ContestStanding.__table__
ORG = ContestOrgStanding.__table__
OUTCOME = ContestOutcome.__table__
_ROW_COLUMNS = (
    "position",
    "complete",
    "exact",
    "rounded",
    "spread",
    "place",
    "skating_place",
    "shared",
    "decided_by",
    "tier",
    "detail",
)


# ---- exact values as text --------------------------------------------------------------------


def text_of(value: Decimal | Fraction | None) -> str | None:
    """An exact value as text: a Decimal as written ("76.50"), a Fraction as "230/3"."""
    if value is None:
        return None
    return str(value)


def exact_of(text: str | None) -> Decimal | Fraction | None:
    if text is None:
        return None
    return Fraction(text) if "/" in text else Decimal(text)


def decimal_of(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


# ---- the refresher -----------------------------------------------------------------------


@versions.before_bump
def refresh_touched(session: Session, keys: frozenset[str]) -> None:
    """Bring the stored results of every contest among *keys* up to date (in the commit)."""
    contest_ids: set[int] = set()
    event_ids: list[int] = []
    for key in keys:
        kind, _, ident = key.partition(":")
        if kind == "contest" and ident.isdigit():
            contest_ids.add(int(ident))
        elif kind == "event" and ident.isdigit():
            event_ids.append(int(ident))
    if event_ids:
        # An entry is a registration of the contest's event: its changes say event:<id>.
        contest_ids.update(
            session.scalars(select(Contest.id).where(Contest.event_id.in_(event_ids)))
        )
    for contest_id in sorted(contest_ids):
        contest = session.get(Contest, contest_id)
        if contest is None or contest.is_published:
            continue  # gone (its rows went with it), or frozen until withdrawn
        refresh(session, contest)


def refresh(session: Session, contest: Contest) -> contest_results.Outcome:
    """Recompute *contest*'s results and store what changed; return the outcome."""
    from eventsys.services.results import inputs_of  # the loader lives with the readers

    outcome = contest_results.compute(inputs_of(contest, session))
    store(session, contest.id, outcome)
    return outcome


def store(session: Session, contest_id: int, outcome: contest_results.Outcome) -> None:
    """Write *outcome* as the contest's stored rows, touching only rows that changed."""
    _store_outcome(session, contest_id, outcome)
    _store_rows(session, contest_id, outcome.rows)
    _store_orgs(session, contest_id, outcome.orgs)


def _store_outcome(session: Session, contest_id: int, outcome: contest_results.Outcome) -> None:
    problem = outcome.problem
    expected = sum(len(row.marks) + len(row.missing) for row in outcome.rows)
    values = {
        "missing_sheets": outcome.missing_sheets,
        "expected_sheets": expected,
        "problem_code": problem.code if problem else None,
        "problem_params": dict(problem.params) if problem else None,
        "skating": explanation_json(outcome.skating_explanation),
    }
    current = session.execute(
        select(*(OUTCOME.c[name] for name in values)).where(OUTCOME.c.contest_id == contest_id)
    ).first()
    if current is None:
        session.execute(insert(OUTCOME).values(contest_id=contest_id, **values))
    elif tuple(current) != tuple(values.values()):
        session.execute(update(OUTCOME).where(OUTCOME.c.contest_id == contest_id).values(**values))


def row_values(position: int, row: contest_results.EntryOutcome) -> dict[str, Any]:
    """The stored columns of one entry's result."""
    detail: dict[str, Any] = {}
    if row.scaled_totals:
        # Each judge's total as a whole number over one denominator (exact, cheap to compare).
        detail["t"] = {str(j): total for j, total in row.scaled_totals.items()}
        detail["td"] = row.denominator
    if row.excluded:
        detail["x"] = sorted(row.excluded)
    if row.missing:
        detail["m"] = sorted(row.missing)
    if row.dropped:
        detail["d"] = sorted(
            ([j, c] for j, c in row.dropped), key=lambda cell: (cell[0], cell[1] or 0)
        )
    if row.placings:
        detail["p"] = row.placings
        detail["dp"] = {dance: str(place) for dance, place in row.dance_places.items()}
    return {
        "position": position,
        "complete": row.complete,
        "exact": text_of(row.exact),
        "rounded": text_of(row.rounded),
        "spread": text_of(row.spread),
        "place": row.place,
        "skating_place": text_of(row.skating_place),
        "shared": row.shared,
        "decided_by": row.decided_by,
        "tier": row.tier,
        "detail": detail,
    }


def _store_rows(
    session: Session, contest_id: int, rows: Iterable[contest_results.EntryOutcome]
) -> None:
    stored = {
        line[0]: tuple(line[1:])
        for line in session.execute(
            select(STANDING.c.registration_id, *(STANDING.c[name] for name in _ROW_COLUMNS)).where(
                STANDING.c.contest_id == contest_id
            )
        )
    }
    changed: list[dict[str, Any]] = []
    added: list[dict[str, Any]] = []
    seen: set[int] = set()
    for position, row in enumerate(rows):
        values = row_values(position, row)
        seen.add(row.entry_id)
        before = stored.get(row.entry_id)
        if before is None:
            added.append({"contest_id": contest_id, "registration_id": row.entry_id, **values})
        elif before != tuple(values.values()):
            changed.append({"b_contest": contest_id, "b_entry": row.entry_id, **values})
    gone = [entry_id for entry_id in stored if entry_id not in seen]
    if gone:
        session.execute(
            delete(STANDING).where(
                STANDING.c.contest_id == contest_id, STANDING.c.registration_id.in_(gone)
            )
        )
    if added:
        session.execute(insert(STANDING), added)
    if changed:
        session.execute(
            update(STANDING).where(
                STANDING.c.contest_id == bindparam("b_contest"),
                STANDING.c.registration_id == bindparam("b_entry"),
            ),
            changed,
        )


def _store_orgs(
    session: Session, contest_id: int, orgs: Iterable[contest_results.OrgOutcome]
) -> None:
    wanted = [
        (o.organisation_id, i, text_of(o.points), o.place, o.shared, dict(o.tier_counts))
        for i, o in enumerate(orgs)
    ]
    stored = list(
        session.execute(
            select(
                ORG.c.organisation_id,
                ORG.c.position,
                ORG.c.points,
                ORG.c.place,
                ORG.c.shared,
                ORG.c.tier_counts,
            )
            .where(ORG.c.contest_id == contest_id)
            .order_by(ORG.c.position)
        )
    )
    if [tuple(line) for line in stored] == wanted:
        return
    if stored:
        session.execute(delete(ORG).where(ORG.c.contest_id == contest_id))
    if wanted:
        session.execute(
            insert(ORG),
            [
                {
                    "contest_id": contest_id,
                    "organisation_id": org_id,
                    "position": position,
                    "points": points,
                    "place": place,
                    "shared": shared,
                    "tier_counts": counts,
                }
                for org_id, position, points, place, shared, counts in wanted
            ],
        )


# ---- a dance final's tables as JSON ------------------------------------------------------------


def explanation_json(
    explanation: skating.MultiDanceExplanation[int, str] | None,
) -> dict[str, Any] | None:
    """The Skating System calculation as JSON (couples are entry ids, places are text)."""
    if explanation is None:
        return None

    def places(mapping: Mapping[int, Decimal]) -> dict[str, str]:
        return {str(couple): str(place) for couple, place in mapping.items()}

    return {
        "dances": list(explanation.dances),
        "tables": {
            dance: {
                "headers": list(table.headers),
                "majority": table.majority,
                "rows": [
                    [
                        r.couple,
                        list(r.marks),
                        list(r.counts),
                        list(r.sums),
                        list(r.cells),
                        str(r.place),
                        r.decided_in,
                        r.rule,
                    ]
                    for r in table.rows
                ],
            }
            for dance, table in explanation.tables.items()
        },
        "places_by_dance": {d: places(p) for d, p in explanation.places_by_dance.items()},
        "rows": [
            [
                r.couple,
                [str(p) for p in r.places],
                str(r.total),
                list(r.rule10),
                list(r.rule11),
                str(r.place),
                r.decided_by,
            ]
            for r in explanation.rows
        ],
        "final_places": places(explanation.final_places),
        "decided_by": {str(c): rule for c, rule in explanation.decided_by.items()},
        "notes": list(explanation.notes),
        "tie_broken_by": {str(c): rule for c, rule in explanation.tie_broken_by.items()},
    }


def explanation_from(
    data: Mapping[str, Any] | None,
) -> skating.MultiDanceExplanation[int, str] | None:
    """Read back what :func:`explanation_json` wrote."""
    if data is None:
        return None

    def places(mapping: Mapping[str, str]) -> dict[int, Decimal]:
        return {int(couple): Decimal(place) for couple, place in mapping.items()}

    return skating.MultiDanceExplanation(
        dances=tuple(data["dances"]),
        tables={
            dance: skating.SingleDanceTable(
                headers=tuple(table["headers"]),
                majority=table["majority"],
                rows=tuple(
                    skating.SingleDanceRow(
                        couple,
                        tuple(marks),
                        tuple(counts),
                        tuple(sums),
                        tuple(cells),
                        Decimal(place),
                        decided_in,
                        rule,
                    )
                    for couple, marks, counts, sums, cells, place, decided_in, rule in table["rows"]
                ),
            )
            for dance, table in data["tables"].items()
        },
        places_by_dance={d: places(p) for d, p in data["places_by_dance"].items()},
        rows=tuple(
            skating.FinalRow(
                couple,
                tuple(Decimal(p) for p in dance_places),
                Decimal(total),
                tuple(rule10),
                tuple(rule11),
                Decimal(place),
                decided_by,
            )
            for couple, dance_places, total, rule10, rule11, place, decided_by in data["rows"]
        ),
        final_places=places(data["final_places"]),
        decided_by={int(c): rule for c, rule in data["decided_by"].items()},
        notes=tuple(data["notes"]),
        tie_broken_by={int(c): rule for c, rule in data["tie_broken_by"].items()},
    )
