"""Judges' marks become exact scores: means, trimming, weighting and half-up rounding."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventsys.domain import scoring as _scoring
from eventsys.domain.scoring import (
    AGGREGATORS,
    METHODS,
    aggregate,
    dropped_marks,
    exact_result,
    mean,
    median,
    round_half_up,
    spread,
    to_fraction,
    trimmed_mean,
    variance,
    weighted_score,
)

PER_JUDGE = "per_judge_total_then_trim"
PER_CRITERION = "per_criterion_trim_then_weight"


def marks(text: str) -> list[Decimal]:
    return [Decimal(word) for word in text.split()]


decimal_marks = st.lists(
    st.decimals(min_value=0, max_value=10, places=2, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=12,
)
fraction_marks = st.lists(
    st.fractions(min_value=0, max_value=10, max_denominator=12), min_size=1, max_size=12
)
drop_counts = st.integers(min_value=0, max_value=3)


# --- mean and median ---------------------------------------------------------------------


def test_mean_of_decimals_is_an_exact_decimal() -> None:
    result = mean(marks("9.2 9.0 8.8 8.8 8.5"))
    assert result == Decimal("8.86")
    assert isinstance(result, Decimal)


def test_mean_that_never_ends_as_a_decimal_is_a_fraction() -> None:
    result = mean(marks("9 9 8"))
    assert result == Fraction(26, 3)
    assert isinstance(result, Fraction)


def test_mean_of_fractions_stays_a_fraction_even_when_it_would_end() -> None:
    result = mean([Fraction(1, 2), Fraction(3, 2)])
    assert result == 1
    assert isinstance(result, Fraction)


def test_mean_of_whole_numbers_is_a_decimal() -> None:
    assert mean([9, 8]) == Decimal("8.5")
    assert isinstance(mean([9, 8]), Decimal)


def test_mean_is_exact_where_binary_floats_are_not() -> None:
    assert mean(marks("0.1 0.2")) == Decimal("0.15")
    assert sum([0.1, 0.2]) / 2 != 0.15


def test_mean_beyond_decimal_context_precision_stays_exact() -> None:
    long = Decimal("1." + "0" * 40 + "1")
    assert mean([long, Decimal(1)]) == Decimal("1." + "0" * 41 + "5")


def test_mean_accepts_a_generator() -> None:
    assert mean(Decimal(m) for m in ("7", "8")) == Decimal("7.5")


def test_mean_of_no_marks_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one mark"):
        mean([])


def test_binary_float_marks_are_refused() -> None:
    with pytest.raises(TypeError, match="binary float"):
        mean([Decimal("9.1"), 8.9])  # type: ignore[list-item]


def test_boolean_marks_are_refused() -> None:
    with pytest.raises(TypeError):
        mean([True, Decimal(9)])


def test_non_finite_decimal_marks_are_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        mean([Decimal("NaN"), Decimal(9)])
    with pytest.raises(ValueError, match="finite"):
        median([Decimal("Infinity")])


def test_text_marks_are_refused() -> None:
    with pytest.raises(TypeError):
        to_fraction("9.5")


def test_median_of_an_odd_count_is_the_middle_mark() -> None:
    assert median(marks("7.0 9.5 8.8 9.2 8.5")) == Decimal("8.8")


def test_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    assert median(marks("9.5 7.0 8.8 9.1")) == Decimal("8.95")


def test_median_of_fractions_is_a_fraction() -> None:
    assert median([Fraction(1, 3), Fraction(2, 3), Fraction(5, 3)]) == Fraction(2, 3)
    assert isinstance(median([Fraction(1, 3)]), Fraction)


def test_median_of_no_marks_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one mark"):
        median([])


def test_exact_result_is_a_decimal_only_for_finite_decimals_from_non_fraction_inputs() -> None:
    assert exact_result(Fraction(443, 50), [Decimal(1)]) == Decimal("8.86")
    assert isinstance(exact_result(Fraction(443, 50), [Decimal(1)]), Decimal)
    assert isinstance(exact_result(Fraction(443, 50), [Fraction(1)]), Fraction)
    assert isinstance(exact_result(Fraction(1, 3), [Decimal(1)]), Fraction)
    assert str(exact_result(Fraction(30), [1])) == "30"
    assert str(exact_result(Fraction(-1, 8), [1])) == "-0.125"


# --- trimmed mean ------------------------------------------------------------------------


def test_seven_judges_drop_one_highest_and_one_lowest_before_the_mean() -> None:
    # 9.5 and 7.0 go; (9.2 + 9.0 + 8.8 + 8.8 + 8.5) / 5 = 44.3 / 5
    assert trimmed_mean(marks("9.5 9.2 9.0 8.8 8.8 8.5 7.0")) == Decimal("8.86")


def test_trimming_ignores_the_order_the_marks_come_in() -> None:
    assert trimmed_mean(marks("8.8 7.0 9.2 8.5 9.5 8.8 9.0")) == Decimal("8.86")


def test_a_repeated_highest_mark_loses_only_one_copy() -> None:
    # One 9.5 and one 7.0 go; the other 9.5 and 7.0 stay: (9.5 + 8.0 + 7.0) / 3
    assert trimmed_mean(marks("9.5 9.5 8.0 7.0 7.0")) == Fraction(49, 6)


def test_all_marks_equal_trim_to_that_mark() -> None:
    assert trimmed_mean(marks("8.5 8.5 8.5 8.5")) == Decimal("8.5")


def test_dropping_two_from_each_end_of_nine_marks_keeps_the_middle_five() -> None:
    nine = marks("6.0 9.9 8.1 8.2 9.8 8.3 8.4 8.5 7.0")
    assert trimmed_mean(nine, drop_highest=2, drop_lowest=2) == Decimal("8.3")


def test_highest_and_lowest_drop_counts_may_differ() -> None:
    # Drop only the top mark: (8 + 7 + 6) / 3 = 7
    assert trimmed_mean(marks("10 8 7 6"), drop_highest=1, drop_lowest=0) == Decimal(7)
    # Drop the top two and the lowest one, leaving only 7
    assert trimmed_mean(marks("10 8 7 6"), drop_highest=2, drop_lowest=1) == Decimal(7)


def test_three_marks_are_enough_to_drop_one_at_each_end() -> None:
    assert trimmed_mean(marks("9.0 8.0 6.0")) == Decimal("8.0")


def test_two_marks_are_too_few_to_trim_so_the_plain_mean_is_used() -> None:
    assert trimmed_mean(marks("9.0 6.0")) == Decimal("7.5")


def test_a_single_mark_is_its_own_trimmed_mean() -> None:
    assert trimmed_mean(marks("8.25")) == Decimal("8.25")


def test_dropping_two_at_each_end_needs_five_marks_and_four_fall_back_to_the_mean() -> None:
    assert trimmed_mean(marks("10 9 6 1"), 2, 2) == Decimal("6.5")
    assert trimmed_mean(marks("10 9 6 2 1"), 2, 2) == Decimal(6)


def test_dropping_nothing_is_the_plain_mean() -> None:
    assert trimmed_mean(marks("10 9 6"), 0, 0) == mean(marks("10 9 6"))


def test_trimmed_mean_of_no_marks_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one mark"):
        trimmed_mean([])


@pytest.mark.parametrize(("high", "low"), [(-1, 1), (1, -1)])
def test_negative_drop_counts_are_refused(high: int, low: int) -> None:
    with pytest.raises(ValueError, match="negative"):
        trimmed_mean(marks("1 2 3 4 5"), high, low)
    with pytest.raises(ValueError, match="negative"):
        dropped_marks(marks("1 2 3 4 5"), high, low)


def test_trimmed_mean_of_fractions_is_a_fraction() -> None:
    assert trimmed_mean([Fraction(1, 3), Fraction(1, 2), Fraction(1)]) == Fraction(1, 2)
    assert isinstance(trimmed_mean([Fraction(1, 3), Fraction(1, 2), Fraction(1)]), Fraction)


@given(decimal_marks, drop_counts, drop_counts)
def test_trimmed_mean_lies_between_the_lowest_and_highest_marks(
    values: list[Decimal], high: int, low: int
) -> None:
    assert min(values) <= trimmed_mean(values, high, low) <= max(values)


@given(fraction_marks, drop_counts, drop_counts)
def test_trimmed_mean_is_the_mean_of_the_marks_not_dropped(
    values: list[Fraction], high: int, low: int
) -> None:
    dropped = dropped_marks(values, high, low).indexes
    kept = [v for i, v in enumerate(values) if i not in dropped]
    assert trimmed_mean(values, high, low) == mean(kept)


@given(decimal_marks, st.randoms(use_true_random=False))
def test_mean_median_and_trimmed_mean_do_not_depend_on_order(
    values: list[Decimal], rng: random.Random
) -> None:
    shuffled = values[:]
    rng.shuffle(shuffled)
    assert mean(shuffled) == mean(values)
    assert median(shuffled) == median(values)
    assert trimmed_mean(shuffled) == trimmed_mean(values)


@given(decimal_marks)
def test_mean_times_count_is_the_sum_exactly(values: list[Decimal]) -> None:
    assert to_fraction(mean(values)) * len(values) == sum(map(Fraction, values))


# --- dropped marks -----------------------------------------------------------------------


def test_dropped_marks_name_the_positions_of_the_lowest_and_highest() -> None:
    dropped = dropped_marks(marks("9.2 7.0 9.5 8.8"))
    assert dropped.lowest == (1,)
    assert dropped.highest == (2,)
    assert dropped.indexes == {1, 2}


def test_among_equal_extremes_the_earliest_position_is_marked_dropped() -> None:
    dropped = dropped_marks(marks("7.0 9.5 8.0 9.5 7.0"))
    assert dropped.lowest == (0,)
    assert dropped.highest == (1,)


def test_when_all_marks_are_equal_different_positions_are_dropped_low_and_high() -> None:
    dropped = dropped_marks(marks("8 8 8 8 8"), 2, 2)
    assert dropped.lowest == (0, 1)
    assert dropped.highest == (2, 3)


def test_no_marks_are_dropped_when_there_are_too_few_to_trim() -> None:
    assert dropped_marks(marks("9 7")).indexes == frozenset()


def test_two_dropped_at_each_end_are_listed_from_the_extreme_inwards() -> None:
    dropped = dropped_marks(marks("6.0 9.9 8.1 8.2 9.8 8.3 8.4 8.5 7.0"), 2, 2)
    assert dropped.lowest == (0, 8)
    assert dropped.highest == (1, 4)


# --- spread ------------------------------------------------------------------------------


def test_spread_is_the_population_standard_deviation() -> None:
    # mean 8, deviations -1 and +1: population sd 1 (the sample sd would be 1.41)
    assert spread(marks("7 9")) == Decimal("1.00")


def test_spread_of_identical_marks_is_zero() -> None:
    assert spread(marks("8.5 8.5 8.5")) == Decimal("0.00")
    assert str(spread(marks("8.5"))) == "0.00"


def test_spread_is_rounded_half_up_from_the_exact_root() -> None:
    # variance of 1, 2, 3, 4 is 1.25; its root 1.1180... rounds to 1.12
    assert spread([1, 2, 3, 4]) == Decimal("1.12")
    # 1 and 1.25 deviate by exactly 0.125 from their mean: the half rounds up
    assert spread(marks("1 1.25")) == Decimal("0.13")
    assert spread(marks("1 1.25"), places=3) == Decimal("0.125")


def test_spread_of_the_seven_judges_is_shown_to_two_places() -> None:
    values = marks("9.5 9.2 9.0 8.8 8.8 8.5 7.0")
    assert variance(values) == Fraction(55, 98)
    assert spread(values) == Decimal("0.75")


def test_spread_of_no_marks_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one mark"):
        spread([])


@given(decimal_marks, st.integers(min_value=0, max_value=4))
def test_spread_matches_a_high_precision_square_root(values: list[Decimal], places: int) -> None:
    with localcontext() as context:
        context.prec = 60
        exact_var = to_fraction(variance(values))
        expected = (
            (Decimal(exact_var.numerator) / Decimal(exact_var.denominator))
            .sqrt()
            .quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        )
    assert spread(values, places) == expected


# --- rounding ----------------------------------------------------------------------------


def test_round_half_up_worked_examples_from_the_contract() -> None:
    assert round_half_up(Decimal("8.125")) == Decimal("8.13")
    assert round_half_up(Fraction(107, 40)) == Decimal("2.68")
    assert str(round_half_up(30)) == "30.00"


def test_a_half_rounds_up_not_to_even() -> None:
    assert round_half_up(Decimal("8.125")) == Decimal("8.13")
    assert round_half_up(Decimal("8.135")) == Decimal("8.14")
    assert round(Decimal("8.125"), 2) == Decimal("8.12")


def test_rounding_keeps_exactly_the_requested_number_of_decimals() -> None:
    assert str(round_half_up(Decimal("8.5"))) == "8.50"
    assert str(round_half_up(Decimal("8.5"), 0)) == "9"
    assert str(round_half_up(Fraction(2, 3), 4)) == "0.6667"
    assert str(round_half_up(Decimal("8.86"), 1)) == "8.9"


def test_rounding_from_a_fraction_is_exact_not_through_a_float() -> None:
    # 2.675 as a float is 2.67499999..., so float(Fraction(107, 40)) would round to 2.67
    assert round(float(Fraction(107, 40)), 2) == 2.67
    assert round_half_up(Fraction(107, 40)) == Decimal("2.68")
    assert round_half_up(Fraction(26, 3)) == Decimal("8.67")
    assert round_half_up(Fraction(1, 3)) == Decimal("0.33")


def test_rounding_happens_once_so_a_value_just_below_the_half_rounds_down() -> None:
    assert round_half_up(Decimal("2.6749")) == Decimal("2.67")
    assert round_half_up(Decimal("0.00" + "4" + "9" * 40)) == Decimal("0.00")
    assert round_half_up(Fraction(5, 1000) - Fraction(1, 10**50)) == Decimal("0.00")


def test_a_typed_float_is_taken_as_the_decimal_it_was_written_as() -> None:
    assert round_half_up(8.125) == Decimal("8.13")
    assert round_half_up(2.675) == Decimal("2.68")
    assert round_half_up(1.005) == Decimal("1.01")


def test_non_finite_floats_are_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        round_half_up(float("nan"))
    with pytest.raises(ValueError, match="finite"):
        round_half_up(float("inf"))


def test_negative_halves_round_away_from_zero() -> None:
    assert round_half_up(Decimal("-2.675")) == Decimal("-2.68")
    assert round_half_up(Fraction(-107, 40)) == Decimal("-2.68")
    assert round_half_up(Decimal("-2.674")) == Decimal("-2.67")


def test_a_negative_value_that_rounds_to_zero_shows_as_plain_zero() -> None:
    assert str(round_half_up(Decimal("-0.004"))) == "0.00"


def test_negative_places_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        round_half_up(Decimal("8.5"), -1)


@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**6), max_value=10**6),
    st.integers(min_value=0, max_value=6),
)
def test_round_half_up_agrees_with_the_decimal_modules_round_half_up(
    value: Decimal, places: int
) -> None:
    with localcontext() as context:
        context.prec = 100
        expected = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    result = round_half_up(value, places)
    assert result == expected
    assert result.as_tuple().exponent == -places


@given(st.fractions(max_denominator=10**6), st.integers(min_value=0, max_value=5))
def test_round_half_up_is_within_half_a_unit_of_the_exact_value(
    value: Fraction, places: int
) -> None:
    unit = Fraction(1, 10**places)
    assert abs(Fraction(round_half_up(value, places)) - value) <= unit / 2


# --- weighted scores ---------------------------------------------------------------------

# 立意 weighs 3 and 格律 2. Each judge's weighted average:
#   J1 (10*3 + 2*2)/5 = 6.8   J2 (6*3 + 9*2)/5 = 7.2   J3 (8*3 + 8*2)/5 = 8.0
#   J4 (7*3 + 7*2)/5 = 7.0    J5 (9*3 + 6*2)/5 = 7.8
WEIGHTS = {"立意": Decimal(3), "格律": Decimal(2)}
SHEETS = {
    "J1": {"立意": Decimal(10), "格律": Decimal(2)},
    "J2": {"立意": Decimal(6), "格律": Decimal(9)},
    "J3": {"立意": Decimal(8), "格律": Decimal(8)},
    "J4": {"立意": Decimal(7), "格律": Decimal(7)},
    "J5": {"立意": Decimal(9), "格律": Decimal(6)},
}


def test_weighting_each_sheet_then_trimming_drops_the_highest_and_lowest_judge_totals() -> None:
    # Drop J3's 8.0 and J1's 6.8: (7.2 + 7.0 + 7.8) / 3 = 22/3
    assert weighted_score(SHEETS, WEIGHTS, method=PER_JUDGE) == Fraction(22, 3)


def test_trimming_each_criterion_then_weighting_drops_extremes_per_criterion() -> None:
    # 立意 10 6 8 7 9 -> (8 + 7 + 9)/3 = 8;  格律 2 9 8 7 6 -> (8 + 7 + 6)/3 = 7
    # (8*3 + 7*2) / 5 = 7.6
    result = weighted_score(SHEETS, WEIGHTS, method=PER_CRITERION)
    assert result == Decimal("7.6")
    assert isinstance(result, Decimal)


def test_the_two_orders_of_weighting_and_trimming_give_different_scores() -> None:
    assert weighted_score(SHEETS, WEIGHTS, method=PER_JUDGE) != weighted_score(
        SHEETS, WEIGHTS, method=PER_CRITERION
    )


def test_a_judge_excluded_from_an_entry_is_left_out_of_its_score() -> None:
    # Without J3: totals 6.8 7.2 7.0 7.8 -> drop 7.8 and 6.8 -> (7.2 + 7.0) / 2
    without_j3 = {judge: sheet for judge, sheet in SHEETS.items() if judge != "J3"}
    assert weighted_score(without_j3, WEIGHTS, method=PER_JUDGE) == Decimal("7.1")
    assert weighted_score({**without_j3, "J3": {}}, WEIGHTS, method=PER_JUDGE) == Decimal("7.1")


def test_an_excluded_judge_is_left_out_of_each_criterion_too() -> None:
    # Without J3: 立意 10 6 7 9 -> (7 + 9)/2 = 8;  格律 2 9 7 6 -> (7 + 6)/2 = 6.5
    # (8*3 + 6.5*2) / 5 = 7.4
    blank = {**SHEETS, "J3": {}}
    assert weighted_score(blank, WEIGHTS, method=PER_CRITERION) == Decimal("7.4")


def test_a_sheet_missing_a_weighted_criterion_is_refused_naming_judge_and_criterion() -> None:
    partial = {**SHEETS, "J4": {"立意": Decimal(7)}}
    for method in METHODS:
        with pytest.raises(ValueError, match=r"J4.*格律"):
            weighted_score(partial, WEIGHTS, method=method)


def test_criteria_that_carry_no_weight_are_ignored() -> None:
    extra = {judge: {**sheet, "书写": Decimal(1)} for judge, sheet in SHEETS.items()}
    assert weighted_score(extra, WEIGHTS, method=PER_CRITERION) == Decimal("7.6")
    zero_weight = {**WEIGHTS, "书写": Decimal(0)}
    assert weighted_score(SHEETS, zero_weight, method=PER_CRITERION) == Decimal("7.6")


def test_with_fewer_than_three_judges_the_weighted_totals_are_averaged_untrimmed() -> None:
    two = {"J1": SHEETS["J1"], "J2": SHEETS["J2"]}
    assert weighted_score(two, WEIGHTS, method=PER_JUDGE) == Decimal("7.0")
    assert weighted_score(two, WEIGHTS, method=PER_CRITERION) == Decimal("7.0")


def test_drop_counts_are_passed_to_the_trim() -> None:
    assert weighted_score(SHEETS, WEIGHTS, method=PER_JUDGE, drop_highest=0, drop_lowest=0) == (
        Decimal("7.36")
    )
    # Totals 6.8 7.0 7.2 7.8 8.0: dropping two at each end leaves J2's 7.2
    assert weighted_score(SHEETS, WEIGHTS, method=PER_JUDGE, drop_highest=2, drop_lowest=2) == (
        Decimal("7.2")
    )


def test_fraction_weights_give_a_fraction_score() -> None:
    thirds = {"立意": Fraction(2, 3), "格律": Fraction(1, 3)}
    one_judge = {"J1": {"立意": Decimal(9), "格律": Decimal(6)}}
    result = weighted_score(one_judge, thirds, method=PER_JUDGE)
    assert result == 8
    assert isinstance(result, Fraction)


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown weighting method"):
        weighted_score(SHEETS, WEIGHTS, method="trim_twice")


def test_weights_that_add_up_to_zero_are_refused() -> None:
    with pytest.raises(ValueError, match="zero"):
        weighted_score(SHEETS, {"立意": Decimal(0)}, method=PER_JUDGE)
    with pytest.raises(ValueError, match="zero"):
        weighted_score(SHEETS, {}, method=PER_JUDGE)


def test_negative_weights_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        weighted_score(SHEETS, {"立意": Decimal(3), "格律": Decimal(-1)}, method=PER_JUDGE)


def test_an_entry_nobody_marked_is_refused() -> None:
    with pytest.raises(ValueError, match="no judge"):
        weighted_score({"J1": {}}, WEIGHTS, method=PER_CRITERION)


def test_negative_drop_counts_are_refused_for_weighted_scores() -> None:
    with pytest.raises(ValueError, match="negative"):
        weighted_score(SHEETS, WEIGHTS, method=PER_JUDGE, drop_highest=-1)


sheet_grids = st.lists(
    st.tuples(
        st.decimals(min_value=0, max_value=10, places=1),
        st.decimals(min_value=0, max_value=10, places=1),
    ),
    min_size=1,
    max_size=9,
)
positive_weights = st.tuples(
    st.integers(min_value=1, max_value=5), st.integers(min_value=0, max_value=5)
)


@given(sheet_grids, positive_weights)
def test_without_trimming_both_orders_give_the_same_score(
    grid: list[tuple[Decimal, Decimal]], weights: tuple[int, int]
) -> None:
    sheets = {f"J{i}": {"a": a, "b": b} for i, (a, b) in enumerate(grid)}
    plan = {"a": weights[0], "b": weights[1]}
    assert weighted_score(
        sheets, plan, method=PER_JUDGE, drop_highest=0, drop_lowest=0
    ) == weighted_score(sheets, plan, method=PER_CRITERION, drop_highest=0, drop_lowest=0)


@given(sheet_grids, positive_weights, st.sampled_from(METHODS))
def test_a_weighted_score_lies_between_the_lowest_and_highest_marks(
    grid: list[tuple[Decimal, Decimal]], weights: tuple[int, int], method: str
) -> None:
    sheets = {f"J{i}": {"a": a, "b": b} for i, (a, b) in enumerate(grid)}
    every_mark = [m for pair in grid for m in pair]
    score = weighted_score(sheets, {"a": weights[0], "b": weights[1]}, method=method)
    assert min(every_mark) <= score <= max(every_mark)


# --- registry ----------------------------------------------------------------------------


def test_the_aggregator_registry_offers_mean_median_and_trimmed_mean() -> None:
    assert set(AGGREGATORS) == {"mean", "median", "trimmed_mean"}
    values = marks("9.5 9.2 9.0 8.8 8.8 8.5 7.0")
    assert AGGREGATORS["trimmed_mean"](values) == Decimal("8.86")
    assert AGGREGATORS["median"](values) == Decimal("8.8")
    assert AGGREGATORS["mean"](values) == Fraction(304, 35)


def test_the_weighting_methods_are_named_in_a_tuple() -> None:
    assert METHODS == ("per_judge_total_then_trim", "per_criterion_trim_then_weight")


def test_aggregate_passes_drop_counts_only_to_the_trimmed_mean() -> None:
    values = marks("10 9 6 2 1")
    assert aggregate(values, "trimmed_mean", drop_highest=2, drop_lowest=2) == Decimal(6)
    assert aggregate(values, "median", drop_highest=2, drop_lowest=2) == Decimal(6)
    assert aggregate(values, "mean") == Decimal("5.6")


def test_aggregate_refuses_an_unknown_method() -> None:
    with pytest.raises(ValueError, match="unknown aggregation method 'mode'"):
        aggregate(marks("1 2"), "mode")


# ---- ratios of whole numbers (what contest_results hands over) -------------------------------


def test_a_ratio_rounds_half_away_from_zero_and_never_shows_minus_zero() -> None:
    assert _scoring.round_ratio_half_up(-1, 200, 2) == Decimal("-0.01")
    assert str(_scoring.round_ratio_half_up(-1, 300, 2)) == "0.00"
    assert str(_scoring.round_ratio_half_up(230, 3, 2)) == "76.67"


def test_the_root_of_a_ratio_is_rounded_half_up_without_floats() -> None:
    assert str(_scoring.root_ratio_half_up(2, 1, 3)) == "1.414"
    assert str(_scoring.root_ratio_half_up(1, 4, 1)) == "0.5"


def test_equal_whole_number_extremes_drop_the_earliest_positions() -> None:
    assert _scoring.dropped_marks([5, 5, 5], 1, 1) == _scoring.DroppedMarks((0,), (1,))
    assert _scoring.dropped_marks([7, 9, 9, 7], 2, 1) == _scoring.DroppedMarks((0,), (1, 2))
