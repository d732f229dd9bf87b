"""Stored contest results: written in the transaction that changes them, read by every page.

Every write that touches a contest (a mark, a sheet, a placing, a criterion, a tier, the panel,
the contest's settings) raises the version ``contest:<id>``; every change of a registration
raises ``event:<id>``. Just before those counters are raised, :func:`refresh_touched` (hooked
in with :func:`eventsys.versions.before_bump`) brings the touched contests up to date and
writes only the rows that changed. A judge's saved sheet (nothing but score sheets and marks
changed) is :func:`update`: the changed entries are worked out from their sheets and every
other entry placed again from its stored row (:func:`eventsys.domain.contest_results.update`,
the same rows as a whole recompute, a few milliseconds instead of reading every sheet); any
other change is :func:`refresh`, the whole :func:`eventsys.domain.contest_results.compute`.
Nothing can change a contest's results without its stored rows following in the same commit,
and a refresh that fails takes the whole commit down with it (the rows stay as they were).

Published results are frozen: :func:`store` writes them when they are published, and no
refresh touches them until they are withdrawn. The pages read them back with
:func:`eventsys.services.results.stored`, never computing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from eventsys import versions
from eventsys.domain import contest_results, skating
from eventsys.models import Event
from eventsys.models.contests import (
    JUDGED_KINDS,
    Contest,
    ContestOutcome,
    ContestStanding,
    Mark,
    ScoreSheet,
)

STANDING = ContestStanding.__table__
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
    """Bring the stored results of every contest among *keys* up to date (in the commit).

    A contest whose only changes are score sheets and marks is updated from the entries whose
    sheets changed (:func:`update`); any other change (a registration, a rule, the panel, a
    criterion, a tier, a bulk statement) recomputes it whole."""
    contest_ids: set[int] = set()
    event_ids: list[int] = []
    for key in keys:
        kind, _, ident = key.partition(":")
        if kind == "contest" and ident.isdigit():
            contest_ids.add(int(ident))
        elif kind == "event" and ident.isdigit():
            event_ids.append(int(ident))
    # An entry is a registration of the contest's event: its changes say event:<id>. An event
    # the session holds and that is no judged kind has no contest (no query for it).
    event_ids = [e for e in event_ids if _may_have_a_contest(session, e)]
    whole: set[int] = set()
    if event_ids:
        whole.update(session.scalars(select(Contest.id).where(Contest.event_id.in_(event_ids))))
    for contest_id in sorted(contest_ids | whole):
        contest = session.get(Contest, contest_id)
        if contest is None or contest.is_published:
            continue  # gone (its rows went with it), or frozen until withdrawn
        changed = None if contest_id in whole else _changed_entries(session, contest_id)
        if changed is None or not update(session, contest, changed):
            refresh(session, contest)


def _may_have_a_contest(session: Session, event_id: int) -> bool:
    held = session.identity_map.get(identity_key(Event, event_id))
    if held is None or "kind" not in held.__dict__:
        return True
    return held.kind in JUDGED_KINDS


def _changed_entries(session: Session, contest_id: int) -> set[int] | None:
    """The entries whose score sheets or marks this transaction changed, when nothing else of
    the contest changed; None otherwise (the contest is recomputed whole)."""
    rows = versions.changed_rows(session, versions.contest(contest_id))
    if rows is None:
        return None
    entries: set[int] = set()
    for row in rows:
        sheet = row.__dict__.get("sheet") if isinstance(row, Mark) else row
        if not isinstance(sheet, ScoreSheet) or sheet.__dict__.get("registration_id") is None:
            return None
        entries.add(sheet.__dict__["registration_id"])
    return entries


def refresh(session: Session, contest: Contest) -> contest_results.Outcome:
    """Recompute *contest*'s results and store what changed; return the outcome."""
    from eventsys.services.results import inputs_of  # the loader lives with the readers

    outcome = contest_results.compute(inputs_of(contest, session))
    store(session, contest.id, outcome)
    return outcome


def update(session: Session, contest: Contest, changed: set[int]) -> bool:
    """Store *contest*'s results after the sheets of the *changed* entries changed: those
    entries are worked out from their sheets, every other entry placed again from its stored
    row (:func:`eventsys.domain.contest_results.update`), and only the rows whose values
    changed are written. Return False, writing nothing, when the stored rows cannot say it
    (none yet, another set of entries, rows stored before they kept their ranking keys, a
    Skating System final): the caller recomputes the contest whole."""
    from eventsys.services.results import inputs_of  # the loader lives with the readers

    if contest.is_skating or session.get(ContestOutcome, contest.id) is None:
        return False
    stored = _stored_rows(session, contest.id)
    kept: dict[int, contest_results.Kept] = {}
    for entry_id, line in stored.items():
        if entry_id in changed:
            continue
        values = dict(zip(_ROW_COLUMNS, line, strict=True))
        detail = values["detail"] or {}
        if values["complete"] and "k" not in detail:
            return False
        kept[entry_id] = contest_results.Kept(
            complete=values["complete"],
            rounded=decimal_of(values["rounded"]),
            keys=tuple((num, den) for num, den in detail.get("k", ())),
            missing=len(detail.get("m", ())),
            excluded=len(detail.get("x", ())),
        )
    inputs = inputs_of(contest, session, only=changed)
    if {entry.id for entry in inputs.entries} != stored.keys():
        return False  # an entry came or went without saying so: recompute whole
    outcome = contest_results.update(inputs, kept)
    _store_rows(session, contest.id, outcome.rows, stored, outcome.fresh)
    _store_outcome(session, contest.id, outcome)
    return True


def store(session: Session, contest_id: int, outcome: contest_results.Outcome) -> None:
    """Write *outcome* as the contest's stored rows, touching only entries' rows that changed.

    The statements do not depend on how many entries there are or how many changed: one read
    of the stored rows, one upsert of the changed ones (none if nothing changed), one delete
    if an entry left, and one upsert of the contest's own row (which holds the organisations'
    totals: a few dozen at most)."""
    _store_rows(session, contest_id, outcome.rows)
    _store_outcome(session, contest_id, outcome)


def _upsert(session: Session, table: Any, keys: list[str]) -> Any:
    dialect = session.get_bind().dialect.name
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
    return statement.on_conflict_do_update(
        index_elements=keys,
        set_={c.name: statement.excluded[c.name] for c in table.c if c.name not in keys},
    )


def outcome_values(outcome: contest_results.Outcome) -> dict[str, Any]:
    """The stored columns of the contest's own row."""
    problem = outcome.problem
    return {
        "missing_sheets": outcome.missing_sheets,
        "expected_sheets": outcome.expected_sheets,
        "problem_code": problem.code if problem else None,
        "problem_params": dict(problem.params) if problem else None,
        "orgs": [
            [o.organisation_id, text_of(o.points), o.place, o.shared, dict(o.tier_counts)]
            for o in outcome.orgs
        ],
        "skating": explanation_json(outcome.skating_explanation),
    }


def _store_outcome(session: Session, contest_id: int, outcome: contest_results.Outcome) -> None:
    session.execute(
        _upsert(session, OUTCOME, ["contest_id"]),
        {"contest_id": contest_id, **outcome_values(outcome)},
    )


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
    if row.keys:
        detail["k"] = [list(key) for key in row.keys]
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


# What placing an entry again decides: (its index among _ROW_COLUMNS, its name).
_PLACED_AT = tuple(
    (_ROW_COLUMNS.index(name), name) for name in ("place", "shared", "decided_by", "tier")
)


def _stored_rows(session: Session, contest_id: int) -> dict[int, tuple[Any, ...]]:
    """The contest's stored rows: entry id -> the values of _ROW_COLUMNS."""
    return {
        line[0]: tuple(line[1:])
        for line in session.connection().execute(
            select(STANDING.c.registration_id, *(STANDING.c[name] for name in _ROW_COLUMNS)).where(
                STANDING.c.contest_id == contest_id
            )
        )
    }


def _store_rows(
    session: Session,
    contest_id: int,
    rows: Iterable[contest_results.EntryOutcome],
    stored: dict[int, tuple[Any, ...]] | None = None,
    fresh: frozenset[int] | None = None,
) -> None:
    """Write the rows that differ from *stored* (read here if not given); a row not among
    *fresh* (None: all are) keeps its stored values but for what placing it decides."""
    if stored is None:
        stored = _stored_rows(session, contest_id)
    changed: list[dict[str, Any]] = []
    seen: set[int] = set()
    for position, row in enumerate(rows):
        seen.add(row.entry_id)
        was = stored.get(row.entry_id)
        if fresh is None or row.entry_id in fresh or was is None:
            values = row_values(position, row)
        elif all(was[at] == getattr(row, name) for at, name in _PLACED_AT):
            continue  # placed where it was: nothing to write
        else:
            values = dict(zip(_ROW_COLUMNS, was, strict=True))
            values.update((name, getattr(row, name)) for _at, name in _PLACED_AT)
        if was != tuple(values.values()):
            changed.append({"contest_id": contest_id, "registration_id": row.entry_id, **values})
    gone = [entry_id for entry_id in stored if entry_id not in seen]
    if gone:
        session.execute(
            delete(STANDING).where(
                STANDING.c.contest_id == contest_id, STANDING.c.registration_id.in_(gone)
            )
        )
    if changed:
        session.execute(_upsert(session, STANDING, ["contest_id", "registration_id"]), changed)


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
