"""Turn judges' marks into one exact score per entry, and round it for show.

Plain values in, plain values out: nothing here knows about requests, tables or judges'
names beyond the keys it is handed.

Numbers. Marks and weights arrive as ``Decimal``, ``Fraction`` or ``int``; binary floats are
refused because 0.1 + 0.2 != 0.3 would decide prizes. All arithmetic is done in ``Fraction``.
Exact results follow one rule (see :func:`exact_result`): a ``Fraction`` if any input was a
``Fraction`` or the value has no finite decimal expansion (8/3), otherwise a ``Decimal``
(8.86). Results are never rounded here except by :func:`round_half_up` and :func:`spread`,
whose job it is.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from numbers import Rational
from typing import Final, NamedTuple, TypeAlias, TypeVar

Mark: TypeAlias = Decimal | Fraction | int
Exact: TypeAlias = Decimal | Fraction

J = TypeVar("J")
C = TypeVar("C")

PER_JUDGE_TOTAL_THEN_TRIM: Final = "per_judge_total_then_trim"
PER_CRITERION_TRIM_THEN_WEIGHT: Final = "per_criterion_trim_then_weight"
METHODS: Final[tuple[str, str]] = (PER_JUDGE_TOTAL_THEN_TRIM, PER_CRITERION_TRIM_THEN_WEIGHT)


@functools.lru_cache(maxsize=4096)
def _decimal_fraction(value: Decimal) -> Fraction:
    # Marks repeat (a panel gives a few dozen distinct values to a thousand entries) and
    # Fraction(Decimal) is slow; equal Decimals (8.5, 8.50) give the same Fraction.
    return Fraction(value)


def to_fraction(value: object) -> Fraction:
    """Convert a mark, weight or score to an exact Fraction, refusing floats and non-numbers."""
    # bool is an int subclass; True as a mark is always a bug upstream.
    if isinstance(value, bool):
        raise TypeError(f"{value!r} is not a mark: expected Decimal, Fraction or int")
    # int and Fraction are both Rational; so is any other exact rational type.
    if isinstance(value, Rational):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value!r} is not a finite number")
        return _decimal_fraction(value)
    if isinstance(value, float):
        raise TypeError(
            f"{value!r} is a binary float, which cannot hold most decimal marks exactly; "
            "pass Decimal(str(value)) or a Fraction instead"
        )
    raise TypeError(f"{value!r} is not a mark: expected Decimal, Fraction or int")


def _finite_decimal(value: Fraction) -> Decimal | None:
    """Return *value* as an exact Decimal, or None when its decimal expansion never ends."""
    rest = value.denominator
    twos = fives = 0
    while rest % 2 == 0:
        rest //= 2
        twos += 1
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    if rest != 1:
        return None
    places = max(twos, fives)
    scaled = value.numerator * (10**places // value.denominator)
    # The string constructor is exact whatever the decimal context's precision is.
    return Decimal(f"{scaled}E-{places}")


def exact_result(value: Fraction, inputs: Iterable[object]) -> Exact:
    """Return *value* as a Decimal if no input was a Fraction and it is a finite decimal."""
    if any(isinstance(item, Fraction) for item in inputs):
        return value
    as_decimal = _finite_decimal(value)
    return value if as_decimal is None else as_decimal


def _check_drop_count(name: str, count: int) -> None:
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"{name} must be a whole number, not {count!r}")
    if count < 0:
        raise ValueError(f"{name} cannot be negative (got {count})")


def _nonempty(marks: Iterable[Mark], what: str) -> list[Mark]:
    listed = list(marks)
    if not listed:
        raise ValueError(f"cannot take the {what} of no marks: at least one mark is needed")
    return listed


def _mean_of(values: Sequence[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def mean(marks: Iterable[Mark]) -> Exact:
    """Return the arithmetic mean of *marks*, exactly."""
    listed = _nonempty(marks, "mean")
    return exact_result(_mean_of([to_fraction(m) for m in listed]), listed)


def median(marks: Iterable[Mark]) -> Exact:
    """Return the median of *marks*: the middle mark, or the mean of the middle two."""
    listed = _nonempty(marks, "median")
    ordered = sorted(to_fraction(m) for m in listed)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return exact_result(ordered[middle], listed)
    return exact_result((ordered[middle - 1] + ordered[middle]) / 2, listed)


def _trim_applies(count: int, drop_highest: int, drop_lowest: int) -> bool:
    # Trimming needs at least one mark left over; below that the contest rules fall back
    # to the plain mean rather than refuse to score the entry.
    return count >= drop_highest + drop_lowest + 1


def trimmed_mean(marks: Iterable[Mark], drop_highest: int = 1, drop_lowest: int = 1) -> Exact:
    """Return the mean after dropping the highest and lowest marks (去掉最高分和最低分)."""
    _check_drop_count("drop_highest", drop_highest)
    _check_drop_count("drop_lowest", drop_lowest)
    listed = _nonempty(marks, "trimmed mean")
    ordered = sorted(to_fraction(m) for m in listed)
    if _trim_applies(len(ordered), drop_highest, drop_lowest):
        # Slicing the sorted list drops one copy of a repeated extreme per count, not all.
        ordered = ordered[drop_lowest : len(ordered) - drop_highest]
    return exact_result(_mean_of(ordered), listed)


class DroppedMarks(NamedTuple):
    """Positions of the marks a trimmed mean left out, lowest first and highest first."""

    lowest: tuple[int, ...]
    highest: tuple[int, ...]

    @property
    def indexes(self) -> frozenset[int]:
        """Return every dropped position, low or high."""
        return frozenset(self.lowest + self.highest)


def dropped_marks(
    marks: Sequence[Mark], drop_highest: int = 1, drop_lowest: int = 1
) -> DroppedMarks:
    """Return which positions of *marks* :func:`trimmed_mean` leaves out."""
    _check_drop_count("drop_highest", drop_highest)
    _check_drop_count("drop_lowest", drop_lowest)
    # Whole numbers compare exactly as they are (contest_results passes scaled totals).
    values = [m if type(m) is int else to_fraction(m) for m in marks]
    if not _trim_applies(len(values), drop_highest, drop_lowest):
        return DroppedMarks((), ())
    # Among equal extremes the earliest position is shown as dropped, so the score matrix
    # strikes out the same cell every time it is drawn.
    positions = range(len(values))
    if drop_lowest == drop_highest == 1:
        # The usual 去掉一个最高分和一个最低分: min() and max() keep the earliest of equals.
        low = min(positions, key=values.__getitem__)
        high = max((i for i in positions if i != low), key=values.__getitem__)
        return DroppedMarks((low,), (high,))
    # (sorted() is stable, also in reverse, so equal values keep their positions' order.)
    lowest = sorted(positions, key=values.__getitem__)[:drop_lowest]
    rest = [i for i in range(len(values)) if i not in lowest]
    highest = sorted(rest, key=values.__getitem__, reverse=True)[:drop_highest]
    return DroppedMarks(tuple(lowest), tuple(highest))


def variance(marks: Iterable[Mark]) -> Exact:
    """Return the population variance of *marks*, exactly."""
    listed = _nonempty(marks, "variance")
    values = [to_fraction(m) for m in listed]
    centre = _mean_of(values)
    return exact_result(_mean_of([(v - centre) ** 2 for v in values]), listed)


def spread(marks: Iterable[Mark], places: int = 2) -> Decimal:
    """Return the population standard deviation of *marks*, rounded half up to *places*."""
    _check_places(places)
    listed = _nonempty(marks, "spread")
    values = [to_fraction(m) for m in listed]
    centre = _mean_of(values)
    return root_half_up(_mean_of([(v - centre) ** 2 for v in values]), places)


def root_half_up(var: Fraction, places: int = 2) -> Decimal:
    """Return the square root of *var* (a variance, >= 0) rounded half up to *places*."""
    return root_ratio_half_up(var.numerator, var.denominator, places)


def root_ratio_half_up(numerator: int, denominator: int, places: int = 2) -> Decimal:
    """Return the square root of numerator/denominator (>= 0) rounded half up to *places*."""
    _check_places(places)
    # Round sqrt(var) half up without ever forming the irrational root: the rounded
    # value n satisfies (n - 1/2)^2 <= var * 10^(2p) < (n + 1/2)^2, so with t the integer
    # square root of floor(4 * var * 10^(2p)), 2n - 1 is the largest odd number <= t.
    root = math.isqrt(numerator * 4 * 10 ** (2 * places) // denominator)
    return Decimal(f"{(root + 1) // 2}E-{places}")


def _check_places(places: int) -> None:
    if isinstance(places, bool) or not isinstance(places, int):
        raise TypeError(f"places must be a whole number, not {places!r}")
    if places < 0:
        raise ValueError(f"places cannot be negative (got {places})")


def round_half_up(value: Mark | float, places: int = 2) -> Decimal:
    """Round *value* half away from zero to exactly *places* decimals (保留两位小数)."""
    _check_places(places)
    if isinstance(value, float):
        # A float literal such as 8.125 is taken as the decimal it was typed as (its
        # shortest repr), not as the binary number 8.12499... it is stored as.
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite number")
        value = Decimal(repr(value))
    exact = to_fraction(value)
    return round_ratio_half_up(exact.numerator, exact.denominator, places)


def round_ratio_half_up(numerator: int, denominator: int, places: int = 2) -> Decimal:
    """Round numerator/denominator (denominator > 0) half away from zero to *places*."""
    _check_places(places)
    scaled_numerator = abs(numerator) * 10**places
    # floor(x + 1/2) for x >= 0, in integers; rounding the magnitude gives "half away from
    # zero", the decimal module's ROUND_HALF_UP.
    units = (2 * scaled_numerator + denominator) // (2 * denominator)
    # A negative value that rounds to zero is shown as 0.00, never -0.00.
    sign = "-" if numerator < 0 and units else ""
    return Decimal(f"{sign}{units}E-{places}")


# The contest stores one of these keys and the set-up form offers them; trimmed_mean here
# drops one mark at each end, and aggregate() passes other drop counts through.
AGGREGATORS: Final[dict[str, Callable[[Iterable[Mark]], Exact]]] = {
    "mean": mean,
    "median": median,
    "trimmed_mean": trimmed_mean,
}


def aggregate(
    marks: Iterable[Mark], method: str, *, drop_highest: int = 1, drop_lowest: int = 1
) -> Exact:
    """Aggregate *marks* with the registry method named *method*."""
    if method == "trimmed_mean":
        return trimmed_mean(marks, drop_highest, drop_lowest)
    try:
        aggregator = AGGREGATORS[method]
    except KeyError:
        known = ", ".join(sorted(AGGREGATORS))
        raise ValueError(f"unknown aggregation method {method!r}; known: {known}") from None
    return aggregator(marks)


def _positive_weights(weights: Mapping[C, Mark]) -> dict[C, Fraction]:
    exact = {criterion: to_fraction(w) for criterion, w in weights.items()}
    for criterion, weight in exact.items():
        if weight < 0:
            raise ValueError(f"the weight of criterion {criterion!r} cannot be negative")
    total = sum(exact.values(), Fraction(0))
    if total == 0:
        raise ValueError("the weights add up to zero, so no weighted average exists")
    # A zero-weight criterion cannot move the score, so it is neither required nor used.
    return {criterion: weight for criterion, weight in exact.items() if weight}


def _complete_sheets(
    sheets: Mapping[J, Mapping[C, Mark]], criteria: Iterable[C]
) -> dict[J, dict[C, Fraction]]:
    wanted = list(criteria)
    complete: dict[J, dict[C, Fraction]] = {}
    for judge, sheet in sheets.items():
        present = [c for c in wanted if c in sheet]
        if not present:
            # A judge excluded from this entry (回避) has no marks for it; skip them.
            continue
        if len(present) < len(wanted):
            missing = next(c for c in wanted if c not in sheet)
            raise ValueError(
                f"judge {judge!r} has no mark for criterion {missing!r}; "
                "a sheet must be complete or empty"
            )
        complete[judge] = {c: to_fraction(sheet[c]) for c in wanted}
    if not complete:
        raise ValueError("no judge has marked this entry")
    return complete


def _weighted_average(values: Mapping[C, Fraction], weights: Mapping[C, Fraction]) -> Fraction:
    total_weight = sum(weights.values(), Fraction(0))
    return sum((weights[c] * values[c] for c in weights), Fraction(0)) / total_weight


def weighted_score(
    sheets: Mapping[J, Mapping[C, Mark]],
    weights: Mapping[C, Mark],
    *,
    method: str,
    drop_highest: int = 1,
    drop_lowest: int = 1,
) -> Exact:
    """Combine judges' sheets into one score: weight and trim in the order *method* names."""
    if method not in METHODS:
        raise ValueError(f"unknown weighting method {method!r}; known: {', '.join(METHODS)}")
    _check_drop_count("drop_highest", drop_highest)
    _check_drop_count("drop_lowest", drop_lowest)
    exact_weights = _positive_weights(weights)
    marks = _complete_sheets(sheets, exact_weights)
    if method == PER_JUDGE_TOTAL_THEN_TRIM:
        totals = [_weighted_average(sheet, exact_weights) for sheet in marks.values()]
        value = to_fraction(trimmed_mean(totals, drop_highest, drop_lowest))
    else:
        trimmed = {
            c: to_fraction(trimmed_mean([s[c] for s in marks.values()], drop_highest, drop_lowest))
            for c in exact_weights
        }
        value = _weighted_average(trimmed, exact_weights)
    inputs = [*weights.values(), *(sheets[j][c] for j in marks for c in exact_weights)]
    return exact_result(value, inputs)
