"""Skating System arithmetic for the final round of a dance competition.

This module turns the judges' placings of a final into places, following the
Skating System rules 5 to 11 (WDSF "The Skating System"; DTV Turnier- und
Sportordnung, Anhang 2 "Skating-System", which translates Dawson's original):

* rules 5-8 place the couples in one dance from the judges' marks
  (:func:`single_dance`, working shown by :func:`single_dance_table`);
* rules 9-10 combine the places of several dances (:func:`combine_dances`);
* rules 9-11 do the same but may fall back on all the judges' marks of all
  dances (:func:`multi_dance`, working shown by :func:`multi_dance_explain`).

Places are :class:`~decimal.Decimal` values; couples that stay tied share the
average of the places they cover (``Decimal("2.5")`` for 2nd/3rd,
``Decimal("3")`` for 2nd-4th). Couples and dances may be any hashable keys.
Invalid input raises :class:`SkatingInputError`, a :class:`ValueError`.

How the texts are read where they leave room (sources in brackets):

* Rules 5-8 walk the columns "1", "1-2", "1-3", ... in order. Couples with a
  majority in a column take the next places among themselves; the next place
  is then looked for in the next column, not in the column of its number
  (note to rule 6: after 2nd and 3rd go in "1-2", the 4th is looked for in
  "1-3").
* Rule 10 settles one place at a time, the place under consideration. After
  it gives that place to one couple, all couples still tied on the total are
  examined afresh for the next place, so a couple beaten for one place can
  win the next (DTV Anhang 2, Beispiel K).
* A half place counts as "that place or better" only if it is no worse than
  the place itself: 2.5 is not "2nd or better" but is "3rd or better".
* Rule 11 is applied only to the couples rule 10 cannot separate. The winner
  takes the place under consideration. If exactly one of those couples is
  left, it takes the next place at once (Beispiel N: three couples on the
  same total, two of them equal under rule 10; the rule 11 loser is 3rd
  although the third couple would win a fresh rule 10 test for 3rd). If two
  or more are left, they go back to rule 10 for the next place, with any
  other couples still tied on the total (Beispiel P).
* A tie that rule 11 (or, in :func:`combine_dances`, rule 10) cannot break
  is a shared place.

It is pure standard-library code with no I/O, so the web layer can call it
directly and tests can run it without a database. The ``notes`` of
:class:`MultiDanceExplanation` are plain English for logs; a translated UI
should build its text from the structured fields instead.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Generic, TypeVar

__all__ = [
    "FinalRow",
    "MultiDanceExplanation",
    "SingleDanceRow",
    "SingleDanceTable",
    "SkatingInputError",
    "combine_dances",
    "multi_dance",
    "multi_dance_explain",
    "single_dance",
    "single_dance_table",
]

C = TypeVar("C", bound=Hashable)
D = TypeVar("D", bound=Hashable)
K = TypeVar("K", bound=Hashable)

# Cell shown in a calculation table for a column that was not needed.
NOT_EXAMINED = "-"


class SkatingInputError(ValueError):
    """Marks or places that the Skating System cannot be applied to."""


# --------------------------------------------------------------------------
# Public result types (for the UI)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SingleDanceRow(Generic[C]):
    """One couple's line in the calculation table of a single dance.

    ``counts[i]`` / ``sums[i]`` are the number and the total of the couple's
    marks in column ``headers[i]`` (marks of ``i + 1`` or better). ``cells``
    is what a scrutineer writes: the count, the count with the sum in
    brackets (``"3(5)"``) where the sum was needed (rule 7), and ``"-"`` for
    columns after the couple's place was settled. ``rule`` says which rule
    settled it: ``"R5"`` (only couple with a majority in that column),
    ``"R6"`` (larger majority) or ``"R7"`` (sums or later columns needed,
    including a tie that stayed unbroken and so shares places).
    """

    couple: C
    marks: tuple[int, ...]
    counts: tuple[int, ...]
    sums: tuple[int, ...]
    cells: tuple[str, ...]
    place: Decimal
    decided_in: str
    rule: str


@dataclass(frozen=True)
class SingleDanceTable(Generic[C]):
    """Calculation table of one dance (rules 5-8), rows in order of place."""

    headers: tuple[str, ...]
    majority: int
    rows: tuple[SingleDanceRow[C], ...]

    def places(self) -> dict[C, Decimal]:
        """Return the places shown in the table, keyed by couple."""
        return {row.couple: row.place for row in self.rows}


@dataclass(frozen=True)
class FinalRow(Generic[C]):
    """One couple's line in the final summary (rules 9-11).

    ``places`` follows ``MultiDanceExplanation.dances``. ``rule10`` and
    ``rule11`` have one cell per place column ``"1"``, ``"1-2"``, ...:
    ``""`` when the rule was not used for the couple, else the count
    (rule 10: dances placed that well or better; rule 11: marks that good or
    better over all dances) with the sum in brackets where it was compared.
    ``decided_by`` is ``"R9"``, ``"R10"`` or ``"R11"``.
    """

    couple: C
    places: tuple[Decimal, ...]
    total: Decimal
    rule10: tuple[str, ...]
    rule11: tuple[str, ...]
    place: Decimal
    decided_by: str


@dataclass(frozen=True)
class MultiDanceExplanation(Generic[C, D]):
    """Everything the UI needs to show how a multi-dance final was worked out.

    ``rows`` is in order of final place, ``notes`` is a step-by-step account
    of how each tie was resolved (in English, for the scrutineer's log).
    ``decided_by`` names, for every couple, the rule that fixed its place
    (``"R9"`` for a total nobody else has). ``tie_broken_by`` holds only the
    couples that were tied on their total and still got a place of their
    own, with the rule that broke the tie (``"R10"`` or ``"R11"``): what a
    result sheet should explain. A tie no rule breaks (a shared place) is
    not in it.
    """

    dances: tuple[D, ...]
    tables: dict[D, SingleDanceTable[C]]
    places_by_dance: dict[D, dict[C, Decimal]]
    rows: tuple[FinalRow[C], ...]
    final_places: dict[C, Decimal]
    decided_by: dict[C, str]
    notes: tuple[str, ...]
    tie_broken_by: dict[C, str] = field(default_factory=dict)


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def single_dance(marks: Mapping[C, Sequence[int]]) -> dict[C, Decimal]:
    """Place the couples of one dance from the judges' marks (rules 5-8)."""
    return single_dance_table(marks).places()


def single_dance_table(marks: Mapping[C, Sequence[int]]) -> SingleDanceTable[C]:
    """Work out one dance (rules 5-8) and return the calculation table."""
    rows = _validated_dance(marks)
    return _single_dance_table(rows)


def multi_dance(
    marks_by_dance: Mapping[D, Mapping[C, Sequence[int]]],
) -> tuple[dict[D, dict[C, Decimal]], dict[C, Decimal]]:
    """Place each dance (rules 5-8) and the whole final (rules 9-11)."""
    explanation = multi_dance_explain(marks_by_dance)
    return explanation.places_by_dance, explanation.final_places


def multi_dance_explain(
    marks_by_dance: Mapping[D, Mapping[C, Sequence[int]]],
) -> MultiDanceExplanation[C, D]:
    """Work out a multi-dance final and return every table and decision."""
    dances, rows_by_dance = _validated_dances(marks_by_dance)
    tables = {dance: _single_dance_table(rows_by_dance[dance]) for dance in dances}
    places_by_dance = {dance: tables[dance].places() for dance in dances}
    couples = list(rows_by_dance[dances[0]])
    # Rule 11: the marks of all judges in all dances, as if one dance.
    all_marks = {
        couple: tuple(mark for dance in dances for mark in rows_by_dance[dance][couple])
        for couple in couples
    }
    summary = _final_summary(couples, dances, places_by_dance, all_marks)
    return MultiDanceExplanation(
        dances=tuple(dances),
        tables=tables,
        places_by_dance=places_by_dance,
        rows=summary.rows,
        final_places=summary.final_places,
        decided_by=summary.decided_by,
        notes=summary.notes,
        tie_broken_by=summary.tie_broken_by,
    )


def combine_dances(
    places_by_couple: Mapping[C, Mapping[D, int | float | Decimal]],
) -> dict[C, Decimal]:
    """Combine per-dance places into final places (rules 9 and 10 only)."""
    couples, dances, places_by_dance = _validated_places(places_by_couple)
    return _final_summary(couples, dances, places_by_dance, None).final_places


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


def _where(dance: object, in_dance: bool) -> str:
    return f" in dance {dance!r}" if in_dance else ""


def _validated_dance(
    marks: Mapping[C, Sequence[int]], dance: object = None, *, in_dance: bool = False
) -> dict[C, tuple[int, ...]]:
    """Check one dance's marks (rules 2-4) and return them as tuples."""
    where = _where(dance, in_dance)
    if not isinstance(marks, Mapping):
        raise SkatingInputError(f"marks{where} must map each couple to its marks")
    if not marks:
        raise SkatingInputError(f"no couples to place{where}")
    rows: dict[C, tuple[int, ...]] = {}
    for couple, sequence in marks.items():
        if isinstance(sequence, str | bytes) or not isinstance(sequence, Sequence):
            raise SkatingInputError(
                f"marks for couple {couple!r}{where} must be a sequence of integers"
            )
        row = tuple(sequence)
        for mark in row:
            # bool is an int subclass; True as "1st place" is surely a mistake.
            if isinstance(mark, bool) or not isinstance(mark, int):
                raise SkatingInputError(
                    f"mark {mark!r} for couple {couple!r}{where} is not an integer"
                )
        rows[couple] = row
    lengths = {len(row) for row in rows.values()}
    if len(lengths) != 1:
        detail = ", ".join(f"{couple!r}: {len(row)}" for couple, row in rows.items())
        raise SkatingInputError(
            f"couples have different numbers of marks{where} ({detail}); "
            "every judge must mark every couple"
        )
    judges = lengths.pop()
    if judges == 0:
        raise SkatingInputError(f"no judges' marks{where}")
    n = len(rows)
    for couple, row in rows.items():
        for mark in row:
            if not 1 <= mark <= n:
                raise SkatingInputError(
                    f"mark {mark} for couple {couple!r}{where} is outside 1..{n}"
                )
    # Rule 4: a judge must not tie couples, so each judge's marks are a
    # permutation of 1..n (in range and no repeats, with n couples).
    for judge in range(judges):
        seen: dict[int, C] = {}
        for couple, row in rows.items():
            mark = row[judge]
            if mark in seen:
                raise SkatingInputError(
                    f"judge {judge + 1}{where} gave place {mark} to both "
                    f"{seen[mark]!r} and {couple!r}; a judge must not tie couples"
                )
            seen[mark] = couple
    return rows


def _validated_dances(
    marks_by_dance: Mapping[D, Mapping[C, Sequence[int]]],
) -> tuple[list[D], dict[D, dict[C, tuple[int, ...]]]]:
    """Check every dance and that all dances have the same couples."""
    if not isinstance(marks_by_dance, Mapping):
        raise SkatingInputError("marks_by_dance must map each dance to its marks")
    if not marks_by_dance:
        raise SkatingInputError("no dances to combine")
    dances = list(marks_by_dance)
    rows_by_dance = {
        dance: _validated_dance(marks_by_dance[dance], dance, in_dance=True) for dance in dances
    }
    _check_same_couples({dance: list(rows) for dance, rows in rows_by_dance.items()})
    return dances, rows_by_dance


def _check_same_couples(couples_by_dance: Mapping[D, Sequence[C]]) -> None:
    _check_same_items(
        couples_by_dance,
        lambda dance, first: f"dance {dance!r} does not have the same couples as dance {first!r}",
    )


def _check_same_items(
    items_by_key: Mapping[K, Iterable[object]], differs: Callable[[K, K], str]
) -> None:
    """Check that every key of *items_by_key* holds the same items as the first key; if not,
    raise the sentence *differs* (key, first key) gives, naming the missing and extra items."""
    keys = list(items_by_key)
    expected = set(items_by_key[keys[0]])
    for key in keys[1:]:
        got = set(items_by_key[key])
        if got != expected:
            missing = sorted(map(repr, expected - got))
            extra = sorted(map(repr, got - expected))
            raise SkatingInputError(
                f"{differs(key, keys[0])}"
                f" (missing: {', '.join(missing) or 'none'};"
                f" extra: {', '.join(extra) or 'none'})"
            )


def _as_place(value: object, couple: object, dance: object, n: int) -> Decimal:
    """Convert a per-dance place to Decimal, checking it can be a place."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise SkatingInputError(
            f"place {value!r} of couple {couple!r} in dance {dance!r} is not a number"
        )
    # str() keeps 2.5 as exactly 2.5 rather than a binary fraction.
    place = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    # A shared place is the average of consecutive whole places, hence a
    # multiple of one half (rule 7 sharing; e.g. 2.5 or 3).
    if not place.is_finite() or not 1 <= place <= n or (place * 2) % 1 != 0:
        raise SkatingInputError(
            f"place {value!r} of couple {couple!r} in dance {dance!r} is not a "
            f"place between 1 and {n} (whole or half)"
        )
    return place


def _validated_places(
    places_by_couple: Mapping[C, Mapping[D, int | float | Decimal]],
) -> tuple[list[C], list[D], dict[D, dict[C, Decimal]]]:
    """Check the final summary input and pivot it to places by dance."""
    if not isinstance(places_by_couple, Mapping):
        raise SkatingInputError("places_by_couple must map each couple to its places")
    if not places_by_couple:
        raise SkatingInputError("no couples to place")
    couples = list(places_by_couple)
    for couple in couples:
        by_dance = places_by_couple[couple]
        if not isinstance(by_dance, Mapping):
            raise SkatingInputError(f"places of couple {couple!r} must map dance to place")
        if not by_dance:
            raise SkatingInputError(f"couple {couple!r} has no places")
    dances = list(places_by_couple[couples[0]])
    _check_same_items(
        places_by_couple,
        lambda couple, first: (
            f"couple {couple!r} does not have places for the same dances as {first!r}"
        ),
    )
    n = len(couples)
    places_by_dance = {
        dance: {
            couple: _as_place(places_by_couple[couple][dance], couple, dance, n)
            for couple in couples
        }
        for dance in dances
    }
    return couples, dances, places_by_dance


# --------------------------------------------------------------------------
# Rules 5-8: majority ranking (also used for rule 11)
# --------------------------------------------------------------------------


def _headers(n: int) -> tuple[str, ...]:
    return tuple("1" if column == 1 else f"1-{column}" for column in range(1, n + 1))


def _shared(first: int, size: int) -> Decimal:
    """Return the place shared by ``size`` couples from place ``first`` on."""
    return Decimal(2 * first + size - 1) / Decimal(2)


@dataclass
class _Cumulative:
    """Counts and sums of a row of marks per column (index = column)."""

    counts: list[int]
    sums: list[int]


def _cumulative(row: Sequence[int], columns: int) -> _Cumulative:
    counts = [0] * (columns + 1)
    sums = [0] * (columns + 1)
    for column in range(1, columns + 1):
        good = [mark for mark in row if mark <= column]
        counts[column] = len(good)
        sums[column] = sum(good)
    return _Cumulative(counts, sums)


@dataclass
class _Trace:
    """How far down the columns a couple's place had to be looked for."""

    column: int
    last_column: int
    sum_columns: set[int] = field(default_factory=set)
    rule: str = "R5"


@dataclass
class _Ranking(Generic[C]):
    groups: list[list[C]]
    traces: dict[C, _Trace]
    cumulative: dict[C, _Cumulative]
    majority: int


def _majority_ranking(
    rows: Mapping[C, Sequence[int]], couples: Sequence[C], columns: int, start: int
) -> _Ranking[C]:
    """Rank ``couples`` by rules 5-8, looking at columns ``start``..``columns``.

    Returns groups of couples in order; a group of two or more is a tie that
    no column breaks. Used for a single dance (start 1, every couple) and for
    rule 11 (start at the place under consideration, only the tied couples,
    rows holding all marks of all dances).
    """
    total_marks = len(rows[couples[0]])
    majority = total_marks // 2 + 1  # an absolute majority (rule 5)
    cumulative = {couple: _cumulative(rows[couple], columns) for couple in couples}
    groups: list[list[C]] = []
    traces: dict[C, _Trace] = {}
    unranked = list(couples)
    for column in range(start, columns + 1):
        if not unranked:
            break
        with_majority = [c for c in unranked if cumulative[c].counts[column] >= majority]
        if not with_majority:
            # Rule 8: nobody has a majority for this column; the next lower
            # place is taken into account as well (next column).
            continue

        def key(couple: C, column: int = column) -> tuple[tuple[int, int], ...]:
            # Rule 6: larger majority first; rule 7(a): equal majorities go
            # to the lower sum of the marks making up the majority; rule
            # 7(b): equal sums look at the next lower place(s) for these
            # couples only - i.e. compare the later columns the same way.
            cum = cumulative[couple]
            return tuple((-cum.counts[j], cum.sums[j]) for j in range(column, columns + 1))

        ordered = sorted(with_majority, key=key)  # stable: input order on ties
        for couple in ordered:
            traces[couple] = _Trace(
                column=column,
                last_column=column,
                rule="R5" if len(ordered) == 1 else "R6",
            )
        # Record, as a scrutineer would, which columns and sums were needed
        # to tell each couple from its neighbours in the order.
        for first, second in pairwise(ordered):
            decisive = columns
            for j in range(column, columns + 1):
                a, b = cumulative[first], cumulative[second]
                if a.counts[j] != b.counts[j]:
                    decisive = j
                    break
                traces[first].sum_columns.add(j)
                traces[second].sum_columns.add(j)
                if a.sums[j] != b.sums[j]:
                    decisive = j
                    break
            for couple in (first, second):
                trace = traces[couple]
                trace.last_column = max(trace.last_column, decisive)
                if decisive > column or trace.sum_columns:
                    trace.rule = "R7"
        group = [ordered[0]]
        for couple in ordered[1:]:
            if key(couple) == key(group[0]):
                group.append(couple)
            else:
                groups.append(group)
                group = [couple]
        groups.append(group)
        placed = set(with_majority)
        unranked = [c for c in unranked if c not in placed]
    if unranked:  # pragma: no cover - at the last column every mark counts
        raise AssertionError("couples left without a majority in the last column")
    return _Ranking(groups, traces, cumulative, majority)


def _cell(cumulative: _Cumulative, trace: _Trace, column: int) -> str:
    """Format a count as a calculation table shows it: "3", or "3(5)" with the sum."""
    text = str(cumulative.counts[column])
    if column in trace.sum_columns:
        text += f"({cumulative.sums[column]})"
    return text


def _single_dance_table(rows: Mapping[C, tuple[int, ...]]) -> SingleDanceTable[C]:
    couples = list(rows)
    n = len(couples)
    headers = _headers(n)
    ranking = _majority_ranking(rows, couples, n, 1)
    table_rows: list[SingleDanceRow[C]] = []
    place = 1
    for group in ranking.groups:
        value = _shared(place, len(group))
        for couple in group:
            trace = ranking.traces[couple]
            cum = ranking.cumulative[couple]
            table_rows.append(
                SingleDanceRow(
                    couple=couple,
                    marks=rows[couple],
                    counts=tuple(cum.counts[1:]),
                    sums=tuple(cum.sums[1:]),
                    cells=tuple(
                        _cell(cum, trace, column) if column <= trace.last_column else NOT_EXAMINED
                        for column in range(1, n + 1)
                    ),
                    place=value,
                    decided_in=headers[trace.column - 1],
                    rule=trace.rule,
                )
            )
        place += len(group)
    return SingleDanceTable(headers=headers, majority=ranking.majority, rows=tuple(table_rows))


# --------------------------------------------------------------------------
# Rules 9-11: the final summary
# --------------------------------------------------------------------------


@dataclass
class _Summary(Generic[C]):
    rows: tuple[FinalRow[C], ...]
    final_places: dict[C, Decimal]
    decided_by: dict[C, str]
    notes: tuple[str, ...]
    tie_broken_by: dict[C, str]


def _fmt(value: Decimal) -> str:
    """Format a place or total without trailing zeros ("2.5", "18")."""
    return format(value.normalize(), "f")


def _final_summary(
    couples: list[C],
    dances: Sequence[D],
    places_by_dance: Mapping[D, Mapping[C, Decimal]],
    all_marks: Mapping[C, tuple[int, ...]] | None,
) -> _Summary[C]:
    """Apply rule 9, then rule 10 and (if ``all_marks`` is given) rule 11."""
    n = len(couples)
    places = {c: tuple(places_by_dance[d][c] for d in dances) for c in couples}
    # Rule 9: add up the places of each couple; the lowest total wins.
    totals = {c: sum(places[c], Decimal(0)) for c in couples}
    final: dict[C, Decimal] = {}
    decided_by: dict[C, str] = {}
    rule10_cells: dict[C, dict[int, str]] = {c: {} for c in couples}
    rule11_cells: dict[C, dict[int, str]] = {c: {} for c in couples}
    notes: list[str] = []
    tied_on_total: set[C] = set()

    def assign(group: Sequence[C], first: int, rule: str) -> int:
        value = _shared(first, len(group))
        for couple in group:
            final[couple] = value
            decided_by[couple] = rule
        if len(group) > 1:
            names = ", ".join(map(str, group))
            notes.append(f"{names} share place {_fmt(value)} ({rule}).")
        return first + len(group)

    def rule11(marks: Mapping[C, tuple[int, ...]], tied: list[C], place: int) -> list[list[C]]:
        # Rules 5-8 on all marks of all dances of the tied couples only,
        # starting with the place under consideration ("place or better").
        ranking = _majority_ranking(marks, tied, n, place)
        for couple in tied:
            trace = ranking.traces[couple]
            for column in range(place, trace.last_column + 1):
                rule11_cells[couple][column] = _cell(ranking.cumulative[couple], trace, column)
        total_marks = len(marks[tied[0]])
        order = "; ".join(", ".join(map(str, g)) for g in ranking.groups)
        notes.append(
            f"Rule 11 for place {place}: all {total_marks} marks of "
            f"{', '.join(map(str, tied))} as one dance (majority {ranking.majority});"
            f" order {order}."
        )
        return ranking.groups

    def resolve(tied: list[C], place: int) -> None:
        """Allocate places ``place``.. to couples tied on their totals."""
        remaining = list(tied)
        # The rule under which each couple was last compared: a couple left
        # on its own at the end owes its place to that comparison.
        last_rule = dict.fromkeys(remaining, "R10")
        while remaining:
            if len(remaining) == 1:
                assign(remaining, place, last_rule[remaining[0]])
                return
            # Rule 10 looks at ONE place at a time: the place under
            # consideration. (a) most dances in which the couple was placed
            # that place or better; (b) lowest sum of those places.
            # Half places count only where they are that good or better
            # (a 2.5 is not "2nd or better").
            for couple in remaining:
                last_rule[couple] = "R10"
            counts = {c: sum(1 for p in places[c] if p <= place) for c in remaining}
            sums = {c: sum((p for p in places[c] if p <= place), Decimal(0)) for c in remaining}
            best = max(counts.values())
            lead = [c for c in remaining if counts[c] == best]
            sum_used = len(lead) > 1
            for couple in remaining:
                text = str(counts[couple])
                if sum_used and couple in lead:
                    text += f"({_fmt(sums[couple])})"
                rule10_cells[couple][place] = text
            if sum_used:
                lowest = min(sums[c] for c in lead)
                lead = [c for c in lead if sums[c] == lowest]
            detail = ", ".join(f"{c}: {counts[c]}({_fmt(sums[c])})" for c in remaining)
            notes.append(f"Rule 10 for place {place} (places {place} or better): {detail}.")
            if len(lead) == 1:
                notes.append(f"{lead[0]} gets place {place} (R10).")
                place = assign(lead, place, "R10")
                remaining.remove(lead[0])
                # The other couples are examined afresh for the next place,
                # starting again with rule 10 (DTV Anhang 2, Beispiel K).
                continue
            if all_marks is None:
                # combine_dances: without the marks rule 11 is impossible,
                # so the couples rule 10 cannot separate share the places.
                place = assign(lead, place, "R10")
                remaining = [c for c in remaining if c not in lead]
                continue
            # Rule 11 decides the place under consideration between the
            # couples rule 10 could not separate (and only those).
            groups = rule11(all_marks, lead, place)
            winners = groups[0]
            if len(winners) == 1:
                notes.append(f"{winners[0]} gets place {place} (R11).")
            place = assign(winners, place, "R11")
            rest = [c for group in groups[1:] for c in group]
            if len(rest) == 1:
                # Only one of the couples concerned is left: it takes the
                # next place without going back to rule 10, even if another
                # couple with the same total would win a fresh rule 10 test
                # for that place (DTV Anhang 2, Beispiel N).
                notes.append(f"{rest[0]} gets place {place} (R11).")
                place = assign(rest, place, "R11")
            # Two or more left: back to rule 10 for the next place, together
            # with any other couples still tied on the total (Beispiel P).
            done = set(winners) | (set(rest) if len(rest) == 1 else set())
            remaining = [c for c in remaining if c not in done]
            for couple in lead:
                last_rule[couple] = "R11"

    order = sorted(range(n), key=lambda i: (totals[couples[i]], i))
    place = 1
    index = 0
    while index < n:
        total = totals[couples[order[index]]]
        tied: list[C] = []
        while index < n and totals[couples[order[index]]] == total:
            tied.append(couples[order[index]])
            index += 1
        if len(tied) == 1:
            assign(tied, place, "R9")
        else:
            notes.append(
                f"{', '.join(map(str, tied))} tie on total {_fmt(total)} for place {place} (R9)."
            )
            tied_on_total.update(tied)
            resolve(tied, place)
        place += len(tied)

    ranked = sorted(range(n), key=lambda i: (final[couples[i]], i))
    final_places = {couples[i]: final[couples[i]] for i in ranked}
    rows = tuple(
        FinalRow(
            couple=couple,
            places=places[couple],
            total=totals[couple],
            rule10=tuple(rule10_cells[couple].get(k, "") for k in range(1, n + 1)),
            rule11=tuple(rule11_cells[couple].get(k, "") for k in range(1, n + 1)),
            place=final[couple],
            decided_by=decided_by[couple],
        )
        for couple in final_places
    )
    shared = {value for value in final.values() if list(final.values()).count(value) > 1}
    return _Summary(
        rows=rows,
        final_places=final_places,
        decided_by={c: decided_by[c] for c in final_places},
        notes=tuple(notes),
        tie_broken_by={
            c: decided_by[c]
            for c in final_places
            if c in tied_on_total and final_places[c] not in shared
        },
    )
