"""The contest results pipeline (domain.contest_results.compute), with worked examples."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest

from eventsys.domain import contest_results as cr
from eventsys.domain import scoring

D = Decimal
C1, C2 = 1, 2
CRITERIA = (cr.Criterion(C1, D("0.6")), cr.Criterion(C2, D("0.4")))


def judges(n: int, orgs: dict[int, int] | None = None) -> list[cr.Judge]:
    orgs = orgs or {}
    return [cr.Judge(100 + j, orgs.get(100 + j)) for j in range(1, n + 1)]


def sheets(marks: dict[int, list[tuple[str, str]]]) -> dict[tuple[int, int], dict[int, D]]:
    """entry -> the judges' (c1, c2) marks in panel order (judge 101, 102, ...)."""
    return {
        (100 + j, entry): {C1: D(a), C2: D(b)}
        for entry, line in marks.items()
        for j, (a, b) in enumerate(line, start=1)
        if a
    }


def row(outcome: cr.Outcome, entry: int) -> cr.EntryOutcome:
    return next(r for r in outcome.rows if r.entry_id == entry)


def test_trimmed_mean_of_weighted_totals_drops_the_highest_and_lowest_sheet() -> None:
    # Sheet totals 0.6a + 0.4b: 8.6, 8.0, 7.8, 8.4, 9.0; 7.8 (judge 103) and 9.0 (judge 105)
    # go, the mean of 8.6, 8.0, 8.4 is 25/3.
    inputs = cr.Inputs(
        cr.Rules(),
        [cr.Entry(1)],
        judges(5),
        CRITERIA,
        sheets={
            **sheets({1: [("9", "8"), ("8", "8"), ("7", "9"), ("10", "6"), ("9", "9")]}),
        },
    )
    result = row(cr.compute(inputs), 1)
    assert result.totals == {
        101: Fraction("8.6"),
        102: Fraction(8),
        103: Fraction("7.8"),
        104: Fraction("8.4"),
        105: Fraction(9),
    }
    assert result.exact == Fraction(25, 3)
    assert result.rounded == D("8.33")
    assert result.dropped == {(103, None), (105, None)}
    assert result.place == 1 and result.complete


def test_trimmed_mean_with_too_few_judges_is_the_plain_mean_and_drops_nothing() -> None:
    inputs = cr.Inputs(
        cr.Rules(drop_highest=1, drop_lowest=1),
        [cr.Entry(1)],
        judges(2),
        CRITERIA,
        sheets=sheets({1: [("9", "8"), ("8", "8")]}),
    )
    result = row(cr.compute(inputs), 1)
    assert result.exact == D("8.3")  # (8.6 + 8.0) / 2, a finite decimal stays a Decimal
    assert result.dropped == set()


def test_per_criterion_trimming_strikes_single_marks_then_weights() -> None:
    inputs = cr.Inputs(
        cr.Rules(weighting_order=scoring.PER_CRITERION_TRIM_THEN_WEIGHT),
        [cr.Entry(1)],
        judges(3),
        CRITERIA,
        sheets=sheets({1: [("9", "6"), ("7", "8"), ("8", "8")]}),
    )
    result = row(cr.compute(inputs), 1)
    # c1: 7 and 9 go, 8 stays; c2: 6 and the first 8 (judge 102) go, 8 stays.
    assert result.dropped == {(102, C1), (101, C1), (101, C2), (102, C2)}
    assert result.exact == D("8.0")  # 0.6 x 8 + 0.4 x 8


def test_median_of_an_even_panel_is_the_mean_of_the_middle_two_totals() -> None:
    inputs = cr.Inputs(
        cr.Rules(aggregation="median"),
        [cr.Entry(1)],
        judges(4),
        CRITERIA,
        sheets=sheets({1: [("9", "8"), ("8", "8"), ("7", "9"), ("10", "6")]}),
    )
    assert row(cr.compute(inputs), 1).exact == D("8.2")  # (8.0 + 8.4) / 2


def test_a_judge_standing_aside_for_their_organisation_is_not_a_missing_sheet() -> None:
    # Judge 102 belongs to organisation 7, as entry 1 does (回避): two sheets make it complete.
    inputs = cr.Inputs(
        cr.Rules(),
        [cr.Entry(1, 7), cr.Entry(2, 8)],
        judges(2, {102: 7}),
        CRITERIA,
        sheets=sheets({1: [("9", "9"), ("", "")], 2: [("8", "8"), ("8", "8")]}),
    )
    outcome = cr.compute(inputs)
    first = row(outcome, 1)
    assert first.excluded == {102} and first.missing == set()
    assert first.complete and first.place == 1
    assert outcome.missing_sheets == 0


def test_a_missing_sheet_leaves_the_entry_unplaced_and_is_counted() -> None:
    inputs = cr.Inputs(
        cr.Rules(),
        [cr.Entry(1), cr.Entry(2)],
        judges(2),
        CRITERIA,
        sheets=sheets({1: [("9", "9"), ("", "")], 2: [("8", "8"), ("8", "8")]}),
    )
    outcome = cr.compute(inputs)
    assert row(outcome, 1).missing == {102}
    assert row(outcome, 1).place is None and not row(outcome, 1).complete
    assert row(outcome, 2).place == 1
    assert outcome.missing_sheets == 1


def test_a_withdrawn_entry_is_not_an_entry_and_its_sheets_count_for_nothing() -> None:
    # Entry 2 withdrew: the caller hands in the confirmed entries only.
    inputs = cr.Inputs(
        cr.Rules(),
        [cr.Entry(1), cr.Entry(3)],
        judges(1),
        CRITERIA,
        [cr.Tier("一等奖", quota=1)],
        sheets=sheets({1: [("8", "8")], 2: [("10", "10")], 3: [("9", "9")]}),
    )
    outcome = cr.compute(inputs)
    assert [(r.entry_id, r.place, r.tier) for r in outcome.rows] == [
        (1, 2, None),
        (3, 1, "一等奖"),
    ]
    assert outcome.missing_sheets == 0


def three_entries(rules: cr.Rules, tiers: list[cr.Tier]) -> cr.Outcome:
    # Entries 1 and 2 tie on 8.60 (1 has the better first criterion), entry 3 has 8.00.
    return cr.compute(
        cr.Inputs(
            rules,
            [cr.Entry(1, 7), cr.Entry(2, 8), cr.Entry(3, 8)],
            judges(1),
            CRITERIA,
            tiers,
            sheets=sheets({1: [("9", "8")], 2: [("8", "9.5")], 3: [("8", "8")]}),
        )
    )


def test_a_tie_across_the_first_prize_cut_off_shares_the_higher_prize() -> None:
    tiers = [cr.Tier("一等奖", quota=1, points=D(5)), cr.Tier("二等奖", quota=1, points=D(3))]
    outcome = three_entries(cr.Rules(), tiers)
    assert [(r.place, r.shared, r.tier) for r in outcome.rows] == [
        (1, True, "一等奖"),
        (1, True, "一等奖"),
        (3, False, None),  # competition rank 3 is past both cut-offs: 二等奖 shrank
    ]


def test_a_tie_break_decides_the_place_and_names_itself_by_its_rule_key() -> None:
    tiers = [cr.Tier("一等奖", quota=1), cr.Tier("二等奖", quota=1)]
    outcome = three_entries(cr.Rules(tiebreaks=("criterion:1",)), tiers)
    assert [(r.place, r.shared, r.decided_by, r.tier) for r in outcome.rows] == [
        (1, False, "criterion:1", "一等奖"),
        (2, False, "criterion:1", "二等奖"),
        (3, False, None, None),
    ]


def test_exact_quota_orders_a_straddling_tie_by_the_secondary_key_only() -> None:
    tiers = [cr.Tier("一等奖", quota=1), cr.Tier("二等奖", quota=2)]
    rules = cr.Rules(tiebreaks=("criterion:2",), tie_policy="exact_quota_secondary_key")
    outcome = three_entries(rules, tiers)
    # criterion 2 puts entry 2 (9.5) before entry 1 (8).
    assert {r.entry_id: r.tier for r in outcome.rows} == {1: "二等奖", 2: "一等奖", 3: "二等奖"}


def test_organisation_totals_add_the_prize_points_best_first() -> None:
    tiers = [cr.Tier("一等奖", quota=1, points=D(5)), cr.Tier("二等奖", quota=2, points=D(3))]
    outcome = three_entries(cr.Rules(tiebreaks=("criterion:1",)), tiers)
    assert [(o.organisation_id, o.points, o.place, dict(o.tier_counts)) for o in outcome.orgs] == [
        (8, D(6), 1, {"一等奖": 0, "二等奖": 2}),
        (7, D(5), 2, {"一等奖": 1, "二等奖": 0}),
    ]


def test_more_prizes_than_entries_is_a_problem_with_its_numbers() -> None:
    outcome = three_entries(cr.Rules(), [cr.Tier("一等奖", quota=4)])
    assert outcome.problem == cr.Problem(cr.TOO_MANY_PRIZES, {"prizes": 4, "entries": 3})
    assert all(r.tier is None for r in outcome.rows)


def test_ranking_on_the_rounded_figure_shares_what_the_exact_values_separate() -> None:
    # 8.334 and 8.333 both show as 8.33.
    entries = [cr.Entry(1), cr.Entry(2)]
    marked = {
        (101, 1): {C1: D("8.334")},
        (101, 2): {C1: D("8.333")},
    }
    one = (cr.Criterion(C1, D(1)),)
    rounded = cr.compute(cr.Inputs(cr.Rules(), entries, judges(1), one, sheets=marked))
    exact = cr.compute(
        cr.Inputs(cr.Rules(rank_on_rounded=False), entries, judges(1), one, sheets=marked)
    )
    assert [r.place for r in rounded.rows] == [1, 1]
    assert [r.place for r in exact.rows] == [1, 2]


def test_skating_majority_tie_that_no_rule_breaks_shares_the_places() -> None:
    # Each couple has one 1st, one 2nd and one 3rd: equal majorities, equal sums, all columns.
    placings = {
        (101, "W"): {1: 1, 2: 2, 3: 3},
        (102, "W"): {1: 2, 2: 3, 3: 1},
        (103, "W"): {1: 3, 2: 1, 3: 2},
    }
    inputs = cr.Inputs(
        cr.Rules(aggregation="skating", dances=("W",)),
        [cr.Entry(1), cr.Entry(2), cr.Entry(3)],
        judges(3),
        tiers=[cr.Tier("一等奖", quota=1)],
        placings=placings,
    )
    outcome = cr.compute(inputs)
    assert [(r.place, r.skating_place, r.shared, r.tier) for r in outcome.rows] == [
        (1, D(2), True, "一等奖"),
        (1, D(2), True, "一等奖"),
        (1, D(2), True, "一等奖"),
    ]
    assert outcome.rows[0].placings == {"W": [1, 2, 3]}


def test_skating_majority_places_the_couples_and_a_missing_sheet_stops_it() -> None:
    placings = {
        (101, "W"): {1: 1, 2: 2, 3: 3},
        (102, "W"): {1: 1, 2: 3, 3: 2},
        (103, "W"): {1: 2, 2: 1, 3: 3},
    }
    rules = cr.Rules(aggregation="skating", dances=("W",))
    entries = [cr.Entry(1), cr.Entry(2), cr.Entry(3)]
    outcome = cr.compute(cr.Inputs(rules, entries, judges(3), placings=placings))
    assert [(r.entry_id, r.place) for r in outcome.rows] == [(1, 1), (2, 2), (3, 3)]
    del placings[(103, "W")]
    stopped = cr.compute(cr.Inputs(rules, entries, judges(3), placings=placings))
    assert stopped.missing_sheets == 1 and all(r.place is None for r in stopped.rows)


def test_placings_cannot_be_given_prizes_by_a_minimum_score() -> None:
    placings = {(101, "W"): {1: 1, 2: 2}}
    inputs = cr.Inputs(
        cr.Rules(aggregation="skating", dances=("W",), prize_mode="threshold"),
        [cr.Entry(1), cr.Entry(2)],
        judges(1),
        tiers=[cr.Tier("一等奖", threshold=D(1))],
        placings=placings,
    )
    assert cr.compute(inputs).problem == cr.Problem(cr.THRESHOLD_WITH_PLACINGS)


def test_floats_are_refused_as_marks() -> None:
    inputs = cr.Inputs(
        cr.Rules(), [cr.Entry(1)], judges(1), CRITERIA, sheets={(101, 1): {C1: 8.5, C2: 8.0}}
    )
    with pytest.raises(TypeError):
        cr.compute(inputs)


@pytest.mark.parametrize("order", scoring.METHODS)
@pytest.mark.parametrize("aggregation", ["mean", "median", "trimmed_mean"])
def test_whole_number_arithmetic_agrees_with_the_registry_s_fractions(
    aggregation: str, order: str
) -> None:
    rng = random.Random(f"{aggregation}{order}")
    weights = {1: D("0.35"), 2: D("0.4"), 3: D("0.25"), 4: D(0)}
    criteria = [cr.Criterion(c, w) for c, w in weights.items()]
    panel = judges(6)
    entries = [cr.Entry(e) for e in range(1, 41)]
    marked = {
        (j.id, e.id): {c: D(rng.randint(50, 100)) / 10 for c in weights}
        for e in entries
        for j in panel[: rng.randint(1, 6)]
    }
    for judge in panel:  # entries nobody marked are missing, not wrong
        for entry in entries:
            marked.setdefault((judge.id, entry.id), {c: D("7.5") for c in weights})
    rules = cr.Rules(aggregation=aggregation, weighting_order=order, drop_highest=2)
    outcome = cr.compute(cr.Inputs(rules, entries, panel, criteria, sheets=marked))
    total_weight = sum(weights.values())
    for result in outcome.rows:
        by_judge = {j.id: marked[(j.id, result.entry_id)] for j in panel}
        totals = [sum(weights[c] * m for c, m in s.items()) for s in by_judge.values()]
        if aggregation == "median":
            expected = scoring.to_fraction(scoring.median(totals))
        else:
            high, low = (2, 1) if aggregation == "trimmed_mean" else (0, 0)
            expected = scoring.to_fraction(
                scoring.weighted_score(
                    by_judge, weights, method=order, drop_highest=high, drop_lowest=low
                )
            ) * scoring.to_fraction(total_weight)
        assert scoring.to_fraction(result.exact) == expected
        assert result.rounded == scoring.round_half_up(expected, 2)
        assert result.spread == scoring.spread(totals, 2)


def test_a_judge_stands_aside_for_their_organisation_or_a_roster_they_are_on() -> None:
    judge = cr.Judge(101, 7)
    assert cr.stands_aside(judge, cr.Entry(1, 7))
    assert not cr.stands_aside(judge, cr.Entry(2, 8))
    assert cr.stands_aside(judge, cr.Entry(2, 8), on_its_roster=True)
    assert not cr.stands_aside(cr.Judge(102), cr.Entry(3))  # no organisation is no conflict


# ---- one sheet at a time (update) ------------------------------------------------------------


def kept_of(outcome: cr.Outcome, *changed: int) -> dict[int, cr.Kept]:
    """What the stored rows keep of every entry but the *changed* ones."""
    return {
        r.entry_id: cr.Kept(r.complete, r.rounded, r.keys, len(r.missing), len(r.excluded))
        for r in outcome.rows
        if r.entry_id not in changed
    }


def updated(before: cr.Inputs, after: cr.Inputs, *changed: int) -> cr.Outcome:
    """update() after the sheets of *changed* went from *before*'s to *after*'s."""
    own = {key: sheet for key, sheet in after.sheets.items() if key[1] in changed}
    inputs = cr.Inputs(after.rules, after.entries, after.judges, after.criteria, after.tiers, own)
    return cr.update(inputs, kept_of(cr.compute(before), *changed))


PLACED = ("entry_id", "place", "shared", "decided_by", "tier")


def assert_same(outcome: cr.Outcome, whole: cr.Outcome) -> None:
    """The rows update() works out whole equal compute()'s; the others are placed the same."""
    assert outcome.fresh is not None
    for mine, theirs in zip(outcome.rows, whole.rows, strict=True):
        if mine.entry_id in outcome.fresh:
            assert mine == theirs
        assert [getattr(mine, n) for n in PLACED] == [getattr(theirs, n) for n in PLACED]
    assert outcome.orgs == whole.orgs
    assert (outcome.missing_sheets, outcome.expected_sheets, outcome.problem) == (
        whole.missing_sheets,
        whole.expected_sheets,
        whole.problem,
    )


def test_a_corrected_sheet_breaks_a_tie_and_moves_the_dropped_mark() -> None:
    # One criterion of weight 1, three judges, the highest and lowest total dropped; ties on
    # the score go to the mean of all three totals.
    one = (cr.Criterion(C1, D(1)),)
    rules = cr.Rules(tiebreaks=("untrimmed_mean",))
    tiers = (cr.Tier("一等奖", quota=1, points=D(3)),)
    entries = [cr.Entry(1, 7), cr.Entry(2, 8), cr.Entry(3, 7)]

    def contest(marks: dict[int, tuple[str, str, str]]) -> cr.Inputs:
        sheets = {
            (100 + j, e): {C1: D(m)}
            for e, line in marks.items()
            for j, m in enumerate(line, start=1)
        }
        return cr.Inputs(rules, entries, judges(3), one, tiers, sheets=sheets)

    # Every entry scores 8 (the middle total); the means are 8, 8 and 22/3.
    before = contest({1: ("7", "8", "9"), 2: ("6", "8", "10"), 3: ("5", "8", "9")})
    placed = cr.compute(before)
    assert [(r.place, r.shared, r.decided_by, r.tier) for r in placed.rows] == [
        (1, True, "untrimmed_mean", "一等奖"),
        (1, True, "untrimmed_mean", "一等奖"),
        (3, False, "untrimmed_mean", None),
    ]
    # Judge 103 corrects entry 2 from 10 to 9: still 8, but its mean is 23/3 and the dropped
    # high total is now judge 103's 9 (the first of the two 9s, panel order).
    after = contest({1: ("7", "8", "9"), 2: ("6", "8", "9"), 3: ("5", "8", "9")})
    outcome = updated(before, after, 2)
    assert [(r.place, r.shared, r.decided_by, r.tier) for r in outcome.rows] == [
        (1, False, "untrimmed_mean", "一等奖"),
        (2, False, "untrimmed_mean", None),
        (3, False, "untrimmed_mean", None),
    ]
    corrected = row(outcome, 2)
    assert corrected.exact == D(8) and corrected.dropped == {(101, None), (103, None)}
    assert [(o.organisation_id, o.points, o.place) for o in outcome.orgs] == [
        (7, Fraction(3), 1),
        (8, Fraction(0), 2),
    ]
    assert_same(outcome, cr.compute(after))


@pytest.mark.parametrize(
    "policy", ["competition_rank", "quota_extends", "exact_quota_secondary_key"]
)
def test_one_sheet_at_a_time_gives_the_whole_computation_over_random_changes(
    policy: str,
) -> None:
    rng = random.Random(1217)
    entries = [cr.Entry(e, 200 + e % 3) for e in range(1, 13)]
    panel = judges(5, {101: 201})
    tiers = (cr.Tier("一等奖", quota=2, points=D(5)), cr.Tier("二等奖", quota=3, points=D(2)))
    for aggregation in ("trimmed_mean", "mean", "median"):
        rules = cr.Rules(
            aggregation=aggregation,
            tiebreaks=("criterion:2", "lower_spread", "median"),
            tie_policy=policy,
            rank_on_rounded=aggregation != "mean",
        )
        sheets: dict[tuple[int, int], dict[int, D]] = {}
        inputs = cr.Inputs(rules, entries, panel, CRITERIA, tiers, sheets=dict(sheets))
        for _step in range(60):
            judge = rng.choice(panel)
            entry = rng.choice(entries)
            if judge.organisation_id == entry.organisation_id:
                continue  # stands aside
            if (judge.id, entry.id) in sheets and rng.random() < 0.15:
                del sheets[(judge.id, entry.id)]  # taken back to a draft
            else:
                sheets[(judge.id, entry.id)] = {
                    C1: D(rng.choice(("7", "8", "8.5", "9"))),
                    C2: D(rng.choice(("6", "8", "10"))),
                }
            after = cr.Inputs(rules, entries, panel, CRITERIA, tiers, sheets=dict(sheets))
            assert_same(updated(inputs, after, entry.id), cr.compute(after))
            inputs = after
