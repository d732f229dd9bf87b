"""Prize tiers under each tie policy, tier plans, and organisation totals."""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventsys.domain.prizes import (
    POLICIES,
    award_by_threshold,
    award_tiers,
    check_tier_plan,
    points_for_places,
    quotas_from_shares,
    rank_organisations,
    rank_organisations_by_place,
)

GOLD_SILVER_BRONZE = [("一等奖", 1), ("二等奖", 2), ("三等奖", 3)]

# Two tied at the top; D and E tied further down. Competition ranks:
#   A 1, B 1, C 3, D 4, E 4, F 6, G 7, H 8
TIED_AT_TOP = {
    "A": Decimal("95"),
    "B": Decimal("95"),
    "C": Decimal("92"),
    "D": Decimal("90"),
    "E": Decimal("90"),
    "F": Decimal("88"),
    "G": Decimal("85"),
    "H": Decimal("80"),
}


def by_tier(awards: dict[str, str | None]) -> dict[str | None, list[str]]:
    grouped: dict[str | None, list[str]] = {}
    for entry, tier in awards.items():
        grouped.setdefault(tier, []).append(entry)
    return grouped


# --- competition_rank --------------------------------------------------------------------


def test_competition_rank_gives_tied_entries_the_higher_tier_and_shrinks_the_next() -> None:
    # Cut-offs 1, 3, 6. A and B (rank 1) both win first prize, so second prize shrinks to
    # C (rank 3); D, E (rank 4) and F (rank 6) win third; G (rank 7) wins nothing.
    awards = award_tiers(TIED_AT_TOP, GOLD_SILVER_BRONZE, "competition_rank")
    assert by_tier(awards) == {
        "一等奖": ["A", "B"],
        "二等奖": ["C"],
        "三等奖": ["D", "E", "F"],
        None: ["G", "H"],
    }


def test_competition_rank_with_a_tie_across_the_last_cut_off_awards_all_of_the_tie() -> None:
    scores = {"A": 9, "B": 8, "C": 7, "D": 7, "E": 7, "F": 6}
    awards = award_tiers(scores, [("金", 1), ("银", 1), ("铜", 2)], "competition_rank")
    assert by_tier(awards) == {"金": ["A"], "银": ["B"], "铜": ["C", "D", "E"], None: ["F"]}


def test_competition_rank_skips_a_tier_swallowed_by_a_tie() -> None:
    scores = {"A": 9, "B": 9, "C": 9, "D": 8}
    awards = award_tiers(scores, [("金", 1), ("银", 1), ("铜", 1)], "competition_rank")
    assert awards == {"A": "金", "B": "金", "C": "金", "D": None}


def test_the_brief_example_two_tied_golds_then_one_silver_then_three_bronzes() -> None:
    scores = {"a": 10, "b": 10, "c": 9, "d": 8, "e": 7, "f": 6, "g": 5}
    awards = award_tiers(
        scores, [("gold", 1), ("silver", 2), ("bronze", 3)], policy="competition_rank"
    )
    assert awards == {
        "a": "gold",
        "b": "gold",
        "c": "silver",
        "d": "bronze",
        "e": "bronze",
        "f": "bronze",
        "g": None,
    }


# --- quota_extends -----------------------------------------------------------------------


def test_quota_extends_keeps_every_tiers_full_quota_after_tied_extras() -> None:
    # First prize: A and B (tied, so one extra). Second prize still takes two: C, then the
    # D-E tie, all three. Third prize takes three: F, G, H.
    awards = award_tiers(TIED_AT_TOP, GOLD_SILVER_BRONZE, "quota_extends")
    assert by_tier(awards) == {
        "一等奖": ["A", "B"],
        "二等奖": ["C", "D", "E"],
        "三等奖": ["F", "G", "H"],
    }


def test_quota_extends_takes_the_whole_tie_at_a_boundary_but_no_further() -> None:
    scores = {"A": 9, "B": 8, "C": 8, "D": 7, "E": 6}
    awards = award_tiers(scores, [("一", 2), ("二", 1)], "quota_extends")
    assert awards == {"A": "一", "B": "一", "C": "一", "D": "二", "E": None}


# --- exact_quota_secondary_key -----------------------------------------------------------


def test_exact_quota_breaks_a_tie_across_a_cut_off_with_the_secondary_key() -> None:
    # Only A and B straddle a cut-off (1); the D-E tie lies wholly inside third prize, so
    # no secondary key is needed for them.
    awards = award_tiers(
        TIED_AT_TOP,
        GOLD_SILVER_BRONZE,
        "exact_quota_secondary_key",
        secondary_key={"A": Decimal("8.5"), "B": Decimal("9.0")},
    )
    assert by_tier(awards) == {
        "一等奖": ["B"],
        "二等奖": ["A", "C"],
        "三等奖": ["D", "E", "F"],
        None: ["G", "H"],
    }


def test_entries_still_tied_on_the_secondary_key_share_the_higher_tier() -> None:
    awards = award_tiers(
        TIED_AT_TOP,
        GOLD_SILVER_BRONZE,
        "exact_quota_secondary_key",
        secondary_key={"A": 9, "B": 9},
    )
    assert by_tier(awards) == {
        "一等奖": ["A", "B"],
        "二等奖": ["C"],
        "三等奖": ["D", "E", "F"],
        None: ["G", "H"],
    }


def test_a_partly_broken_tie_shares_the_higher_tier_and_the_rest_move_down() -> None:
    scores = {"A": 90, "B": 90, "C": 90, "D": 80}
    awards = award_tiers(
        scores,
        [("金", 1), ("银", 1), ("铜", 1)],
        "exact_quota_secondary_key",
        secondary_key={"A": 5, "B": 5, "C": 4},
    )
    # A and B share gold; C is third by the secondary key and takes bronze; D is fourth.
    assert awards == {"A": "金", "B": "金", "C": "铜", "D": None}


def test_a_missing_secondary_key_for_a_tie_across_a_cut_off_is_refused() -> None:
    with pytest.raises(ValueError, match=r"tied on score across a prize cut-off.*'B'"):
        award_tiers(
            TIED_AT_TOP, GOLD_SILVER_BRONZE, "exact_quota_secondary_key", secondary_key={"A": 1}
        )
    with pytest.raises(ValueError, match="secondary key"):
        award_tiers(TIED_AT_TOP, GOLD_SILVER_BRONZE, "exact_quota_secondary_key")


def test_exact_quota_needs_no_secondary_key_when_no_tie_crosses_a_cut_off() -> None:
    scores = {"A": 9, "B": 8, "C": 8, "D": 7}
    awards = award_tiers(scores, [("一", 1), ("二", 2)], "exact_quota_secondary_key")
    assert awards == {"A": "一", "B": "二", "C": "二", "D": None}


def test_a_tie_across_the_last_cut_off_needs_the_secondary_key_too() -> None:
    scores = {"A": 9, "B": 8, "C": 8}
    tiers = [("一", 1), ("二", 1)]
    with pytest.raises(ValueError, match="secondary key"):
        award_tiers(scores, tiers, "exact_quota_secondary_key")
    awards = award_tiers(scores, tiers, "exact_quota_secondary_key", secondary_key={"B": 1, "C": 2})
    assert awards == {"A": "一", "B": None, "C": "二"}


# --- the poetry society's 3 / 6 / 7 / 8 plan over 30 entries -----------------------------

POETRY_PLAN = [("一等奖", 3), ("二等奖", 6), ("三等奖", 7), ("优秀奖", 8)]  # cut-offs 3 9 16 24


def score_table(text: str) -> dict[str, Decimal]:
    words = text.split()
    return {entry: Decimal(score) for entry, score in zip(words[::2], words[1::2], strict=True)}


POETRY_SCORES = score_table(
    """
    P01 95.20  P02 94.80  P03 94.10  P04 94.10  P05 93.60  P06 93.30
    P07 92.90  P08 92.50  P09 92.20  P10 91.80  P11 91.40  P12 91.00
    P13 90.70  P14 90.30  P15 89.90  P16 89.50  P17 89.10  P18 88.80
    P19 88.40  P20 88.00  P21 87.60  P22 87.20  P23 86.90  P24 86.50
    P25 86.50  P26 86.10  P27 85.70  P28 85.30  P29 84.90  P30 84.50
    """
)


def entries(first: int, last: int) -> list[str]:
    return [f"P{n:02d}" for n in range(first, last + 1)]


def test_poetry_plan_under_competition_rank_keeps_the_cut_offs_at_3_9_16_24() -> None:
    awards = award_tiers(POETRY_SCORES, POETRY_PLAN, "competition_rank")
    assert by_tier(awards) == {
        "一等奖": entries(1, 4),  # P03 and P04 tie for third place
        "二等奖": entries(5, 9),  # so second prize shrinks to five
        "三等奖": entries(10, 16),
        "优秀奖": entries(17, 25),  # P24 and P25 tie for 24th, the last place with a prize
        None: entries(26, 30),
    }


def test_poetry_plan_under_quota_extends_gives_every_tier_its_full_quota() -> None:
    awards = award_tiers(POETRY_SCORES, POETRY_PLAN, "quota_extends")
    assert by_tier(awards) == {
        "一等奖": entries(1, 4),
        "二等奖": entries(5, 10),
        "三等奖": entries(11, 17),
        "优秀奖": entries(18, 25),
        None: entries(26, 30),
    }


def test_poetry_plan_with_a_secondary_key_awards_exactly_3_6_7_and_8() -> None:
    awards = award_tiers(
        POETRY_SCORES,
        POETRY_PLAN,
        "exact_quota_secondary_key",
        secondary_key={
            "P03": Decimal("8.5"),
            "P04": Decimal("9.0"),
            "P24": Decimal("8.0"),
            "P25": Decimal("8.6"),
        },
    )
    assert Counter(awards.values()) == {
        "一等奖": 3,
        "二等奖": 6,
        "三等奖": 7,
        "优秀奖": 8,
        None: 6,
    }
    assert (awards["P04"], awards["P03"]) == ("一等奖", "二等奖")
    assert (awards["P25"], awards["P24"]) == ("优秀奖", None)


# --- awards in general -------------------------------------------------------------------


@pytest.mark.parametrize("policy", POLICIES)
def test_every_entry_appears_in_the_awards_in_the_order_given(policy: str) -> None:
    scores = {"C": 5, "A": 9, "B": 1}
    awards = award_tiers(scores, [("一", 1)], policy)
    assert list(awards) == ["C", "A", "B"]
    assert awards == {"C": None, "A": "一", "B": None}


@pytest.mark.parametrize("policy", POLICIES)
def test_quotas_larger_than_the_field_just_leave_prizes_unawarded(policy: str) -> None:
    awards = award_tiers({"A": 9, "B": 8}, GOLD_SILVER_BRONZE, policy)
    assert awards == {"A": "一等奖", "B": "二等奖"}


@pytest.mark.parametrize("policy", POLICIES)
def test_a_tier_with_a_quota_of_zero_is_given_to_nobody(policy: str) -> None:
    awards = award_tiers({"A": 9, "B": 8}, [("特等奖", 0), ("一等奖", 1)], policy)
    assert awards == {"A": "一等奖", "B": None}


@pytest.mark.parametrize("policy", POLICIES)
def test_no_entries_means_no_awards(policy: str) -> None:
    assert award_tiers({}, GOLD_SILVER_BRONZE, policy) == {}


def test_an_unknown_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown tie policy 'coin_toss'"):
        award_tiers({"A": 1}, GOLD_SILVER_BRONZE, "coin_toss")


def test_a_negative_quota_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        award_tiers({"A": 1}, [("一", -1)], "competition_rank")


def test_tier_names_must_be_distinct() -> None:
    with pytest.raises(ValueError, match="distinct"):
        award_tiers({"A": 1}, [("一", 1), ("一", 2)], "competition_rank")


def test_binary_float_scores_are_refused() -> None:
    with pytest.raises(TypeError, match="float"):
        award_tiers({"A": 8.86}, [("一", 1)], "competition_rank")


# --- properties of the three policies ----------------------------------------------------

fields = st.dictionaries(
    st.sampled_from([f"E{n:02d}" for n in range(20)]), st.integers(0, 6), max_size=20
)
plans = st.lists(st.integers(0, 5), min_size=1, max_size=4).map(
    lambda quotas: [(f"T{i}", q) for i, q in enumerate(quotas)]
)


def cumulative(plan: list[tuple[str, int]]) -> list[int]:
    totals, running = [], 0
    for _, quota in plan:
        running += quota
        totals.append(running)
    return totals


def tier_index(plan: list[tuple[str, int]], tier: str | None) -> int:
    names = [name for name, _ in plan]
    return len(names) if tier is None else names.index(tier)


@given(fields, plans)
def test_competition_rank_never_awards_beyond_a_cut_off_except_to_a_tie(
    scores: dict[str, int], plan: list[tuple[str, int]]
) -> None:
    awards = award_tiers(scores, plan, "competition_rank")
    for i, cutoff in enumerate(cumulative(plan)):
        won = [e for e in scores if tier_index(plan, awards[e]) <= i]
        if won:
            lowest = min(scores[e] for e in won)
            assert sum(1 for e in won if scores[e] > lowest) < cutoff
            assert all(scores[e] < lowest for e in scores if e not in won)
        assert len(won) >= min(cutoff, len(scores))


@given(fields, plans)
def test_quota_extends_fills_each_quota_and_overshoots_only_by_a_tie(
    scores: dict[str, int], plan: list[tuple[str, int]]
) -> None:
    awards = award_tiers(scores, plan, "quota_extends")
    unplaced = len(scores)
    for name, quota in plan:
        members = [e for e in scores if awards[e] == name]
        assert len(members) >= min(quota, unplaced)
        if members:
            lowest = min(scores[e] for e in members)
            assert sum(1 for e in members if scores[e] > lowest) < quota
        unplaced -= len(members)


@given(fields, plans, st.randoms(use_true_random=False))
def test_exact_quota_with_distinct_secondary_keys_awards_exactly_the_quotas(
    scores: dict[str, int], plan: list[tuple[str, int]], rng: random.Random
) -> None:
    order = list(scores)
    rng.shuffle(order)
    secondary = {entry: position for position, entry in enumerate(order)}
    awards = award_tiers(scores, plan, "exact_quota_secondary_key", secondary)
    placed = 0
    for name, quota in plan:
        expected = min(quota, len(scores) - placed)
        assert sum(1 for tier in awards.values() if tier == name) == expected
        placed += expected


@given(fields, plans, st.sampled_from(POLICIES))
def test_a_higher_score_never_wins_a_lower_tier(
    scores: dict[str, int], plan: list[tuple[str, int]], policy: str
) -> None:
    secondary = dict.fromkeys(scores, 0)
    awards = award_tiers(scores, plan, policy, secondary)
    for a in scores:
        for b in scores:
            if scores[a] > scores[b]:
                assert tier_index(plan, awards[a]) <= tier_index(plan, awards[b])
            if scores[a] == scores[b] and policy != "exact_quota_secondary_key":
                assert awards[a] == awards[b]


@given(st.lists(st.integers(0, 1000), unique=True, max_size=20), plans)
def test_without_ties_the_three_policies_agree(
    values: list[int], plan: list[tuple[str, int]]
) -> None:
    scores = {f"E{i:02d}": v for i, v in enumerate(values)}
    results = [award_tiers(scores, plan, policy) for policy in POLICIES]
    assert results[0] == results[1] == results[2]


# --- tier plans --------------------------------------------------------------------------


def test_a_plan_with_more_prizes_than_entries_is_refused() -> None:
    with pytest.raises(ValueError, match="award 24 prizes but there are only 20 entries"):
        check_tier_plan(20, POETRY_PLAN)


def test_a_plan_that_gives_every_entry_a_prize_is_allowed() -> None:
    check_tier_plan(24, POETRY_PLAN)
    check_tier_plan(30, POETRY_PLAN)


def test_a_plan_with_a_negative_quota_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        check_tier_plan(30, [("一等奖", 3), ("二等奖", -1)])


def test_shares_of_the_field_round_half_up_tier_by_tier() -> None:
    shares = [
        ("一等奖", Decimal("0.10")),
        ("二等奖", Decimal("0.20")),
        ("三等奖", Decimal("0.30")),
    ]
    # 2.5 -> 3, 5 -> 5, 7.5 -> 8
    assert quotas_from_shares(25, shares) == [("一等奖", 3), ("二等奖", 5), ("三等奖", 8)]
    # 3, 6, 9
    assert quotas_from_shares(30, shares) == [("一等奖", 3), ("二等奖", 6), ("三等奖", 9)]
    # 0.4 -> 0, 0.8 -> 1, 1.2 -> 1
    assert quotas_from_shares(4, shares) == [("一等奖", 0), ("二等奖", 1), ("三等奖", 1)]


def test_shares_that_round_up_past_the_field_give_the_surplus_back_from_the_lowest_tier() -> None:
    halves = [("一", Fraction(1, 2)), ("二", Fraction(1, 2))]
    # 2.5 -> 3 twice would be 6 prizes for 5 entries
    assert quotas_from_shares(5, halves) == [("一", 3), ("二", 2)]


def test_shares_above_the_whole_field_are_refused() -> None:
    with pytest.raises(ValueError, match="more than the whole field"):
        quotas_from_shares(10, [("一", Decimal("0.6")), ("二", Decimal("0.5"))])
    with pytest.raises(ValueError, match="between 0 and 1"):
        quotas_from_shares(10, [("一", Decimal("-0.1"))])


@given(
    st.integers(0, 200),
    st.lists(st.fractions(min_value=0, max_value=Fraction(1, 3)), min_size=1, max_size=3),
)
def test_quotas_from_shares_never_exceed_the_field(n: int, shares: list[Fraction]) -> None:
    quotas = quotas_from_shares(n, [(f"T{i}", s) for i, s in enumerate(shares)])
    check_tier_plan(n, quotas)


def test_thresholds_award_the_best_tier_whose_minimum_is_reached() -> None:
    thresholds = [("一等奖", Decimal("90")), ("二等奖", Decimal("80")), ("三等奖", Decimal("70"))]
    scores = {
        "A": Decimal("90.00"),
        "B": Decimal("89.99"),
        "C": Decimal("70"),
        "D": Decimal("69.99"),
        "E": Decimal("98"),
    }
    assert award_by_threshold(scores, thresholds) == {
        "A": "一等奖",
        "B": "二等奖",
        "C": "三等奖",
        "D": None,
        "E": "一等奖",
    }


def test_thresholds_must_fall_from_the_best_tier_down() -> None:
    with pytest.raises(ValueError, match="higher score"):
        award_by_threshold({"A": 1}, [("一", 80), ("二", 90)])
    with pytest.raises(ValueError, match="higher score"):
        award_by_threshold({"A": 1}, [("一", 80), ("二", 80)])


# --- organisation totals by prize tier ---------------------------------------------------

POINTS = {"一等奖": 5, "二等奖": 3, "三等奖": 1}


def test_organisation_totals_sum_the_points_of_their_prizes() -> None:
    totals, order = rank_organisations(
        {"甲": ["一等奖", "三等奖"], "乙": ["二等奖"], "丙": ["一等奖", "二等奖"]}, POINTS
    )
    assert totals == {"甲": 6, "乙": 3, "丙": 8}
    assert order == [["丙"], ["甲"], ["乙"]]


def test_an_organisation_without_prizes_still_appears_with_zero() -> None:
    totals, order = rank_organisations({"甲": ["一等奖"], "乙": []}, POINTS)
    assert totals == {"甲": 5, "乙": 0}
    assert order == [["甲"], ["乙"]]


def test_equal_totals_are_broken_by_more_first_prizes_then_more_second_prizes() -> None:
    # All three total 6: 甲 has a first prize; 乙 two seconds beat 丙's one second.
    totals, order = rank_organisations(
        {
            "丙": ["二等奖", "三等奖", "三等奖", "三等奖"],
            "乙": ["二等奖", "二等奖"],
            "甲": ["一等奖", "三等奖"],
        },
        POINTS,
    )
    assert set(totals.values()) == {6}
    assert order == [["甲"], ["乙"], ["丙"]]


def test_organisations_equal_on_total_and_every_tier_share_a_place() -> None:
    _, order = rank_organisations(
        {"甲": ["一等奖", "三等奖"], "乙": ["二等奖"], "丁": ["三等奖", "一等奖"]}, POINTS
    )
    assert order == [["丁", "甲"], ["乙"]]


def test_tier_seniority_follows_the_order_of_the_points_table() -> None:
    awards = {"甲": ["一等奖"], "乙": ["特别奖"]}
    _, order = rank_organisations(awards, {"一等奖": 4, "特别奖": 4})
    assert order == [["甲"], ["乙"]]
    _, order = rank_organisations(awards, {"特别奖": 4, "一等奖": 4})
    assert order == [["乙"], ["甲"]]


def test_a_higher_total_beats_more_first_prizes() -> None:
    _, order = rank_organisations({"甲": ["一等奖"], "乙": ["二等奖", "二等奖"]}, POINTS)
    assert order == [["乙"], ["甲"]]


def test_decimal_points_give_exact_decimal_totals() -> None:
    totals, _ = rank_organisations(
        {"甲": ["一等奖", "优秀奖"]}, {"一等奖": Decimal("3"), "优秀奖": Decimal("0.5")}
    )
    assert totals == {"甲": Decimal("3.5")}
    assert isinstance(totals["甲"], Decimal)


def test_an_award_in_an_unknown_tier_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown tiers.*金奖"):
        rank_organisations({"甲": ["金奖"]}, POINTS)


def test_entries_that_won_nothing_count_for_nothing() -> None:
    totals, _ = rank_organisations({"甲": ["一等奖", None, None]}, POINTS)
    assert totals == {"甲": 5}


def test_the_district_of_the_poetry_society_ranks_first_on_total_score() -> None:
    awards = award_tiers(
        POETRY_SCORES,
        POETRY_PLAN,
        "exact_quota_secondary_key",
        {"P03": 1, "P04": 2, "P24": 1, "P25": 2},
    )
    district = {entry: "丰台区" if int(entry[1:]) % 2 else "海淀区" for entry in POETRY_SCORES}
    by_org: dict[str, list[str | None]] = {"丰台区": [], "海淀区": [], "朝阳区": []}
    for entry, tier in awards.items():
        by_org[district[entry]].append(tier)
    totals, order = rank_organisations(
        by_org, {"一等奖": 10, "二等奖": 6, "三等奖": 3, "优秀奖": 1}
    )
    # P04 beats P03 and P25 beats P24 on the secondary key. Odd entries are 丰台区:
    #   一 P01 | 二 P03 P05 P07 P09 | 三 P11 P13 P15 | 优秀 P17 P19 P21 P23 P25
    #   10 + 4*6 + 3*3 + 5*1 = 48
    # Even entries are 海淀区:
    #   一 P02 P04 | 二 P06 P08 | 三 P10 P12 P14 P16 | 优秀 P18 P20 P22 (P24 wins nothing)
    #   2*10 + 2*6 + 4*3 + 3*1 = 47
    assert totals == {"丰台区": 48, "海淀区": 47, "朝阳区": 0}
    assert order == [["丰台区"], ["海淀区"], ["朝阳区"]]


# --- organisation totals by place ---------------------------------------------------------

PLACE_POINTS = {1: 7, 2: 5, 3: 4, 4: 3, 5: 2, 6: 1}


def test_competitors_sharing_a_place_share_the_points_of_the_places_they_occupy() -> None:
    results = [
        ("张", "甲", 1),
        ("李", "乙", 2),
        ("王", "丙", 2),  # 李 and 王 occupy 2nd and 3rd: (5 + 4) / 2 = 4.5 each
        ("赵", "甲", 4),
        ("钱", "乙", 5),
        ("孙", "丙", 6),
        ("周", "丁", 7),  # beyond the table: 0
    ]
    assert points_for_places(results, PLACE_POINTS) == {
        "张": 7,
        "李": Decimal("4.5"),
        "王": Decimal("4.5"),
        "赵": 3,
        "钱": 2,
        "孙": 1,
        "周": 0,
    }
    points, order = rank_organisations_by_place(results, PLACE_POINTS)
    assert points == {"甲": 10, "乙": Decimal("6.5"), "丙": Decimal("5.5"), "丁": 0}
    assert order == [["甲"], ["乙"], ["丙"], ["丁"]]


def test_three_sharing_first_split_the_first_three_places_points_exactly() -> None:
    results = [("A", "甲", 1), ("B", "乙", 1), ("C", "丙", 1), ("D", "甲", 4)]
    points, order = rank_organisations_by_place(results, PLACE_POINTS)
    # (7 + 5 + 4) / 3 = 16/3 each; 甲 also has D's 3
    assert points == {"甲": Fraction(25, 3), "乙": Fraction(16, 3), "丙": Fraction(16, 3)}
    assert isinstance(points["乙"], Fraction)
    assert order == [["甲"], ["丙", "乙"]]


def test_a_shared_place_running_off_the_table_averages_in_zeros() -> None:
    results = [("A", "甲", 5), ("B", "乙", 5), ("C", "丙", 5)]
    # places 5, 6, 7: (2 + 1 + 0) / 3 = 1 each
    assert points_for_places(results, PLACE_POINTS) == {"A": 1, "B": 1, "C": 1}


def test_equal_place_points_are_broken_by_more_first_places() -> None:
    # 甲: 1st + 6th = 7 + 1 = 8; 乙: 2nd + 4th = 5 + 3 = 8; 丙: 3rd + 5th = 4 + 2 = 6
    results = [
        ("A", "乙", 2),
        ("B", "甲", 6),
        ("C", "丙", 3),
        ("D", "甲", 1),
        ("E", "乙", 4),
        ("F", "丙", 5),
    ]
    points, order = rank_organisations_by_place(results, PLACE_POINTS)
    assert points == {"乙": 8, "甲": 8, "丙": 6}
    assert order == [["甲"], ["乙"], ["丙"]]


def test_organisations_equal_on_points_and_places_share_a_position() -> None:
    _, order = rank_organisations_by_place([("A", "甲", 1), ("B", "乙", 1)], PLACE_POINTS)
    assert order == [["乙", "甲"]]


def test_only_organisations_in_the_results_are_ranked() -> None:
    points, _ = rank_organisations_by_place([("A", "甲", 1)], PLACE_POINTS)
    assert points == {"甲": 7}


def test_places_may_leave_gaps_for_competitors_not_listed() -> None:
    points, _ = rank_organisations_by_place([("A", "甲", 1), ("B", "乙", 3)], PLACE_POINTS)
    assert points == {"甲": 7, "乙": 4}


def test_a_place_inside_a_shared_place_is_refused() -> None:
    with pytest.raises(ValueError, match=r"share place 2.*the next place is 4"):
        rank_organisations_by_place([("A", "甲", 2), ("B", "乙", 2), ("C", "丙", 3)], PLACE_POINTS)


def test_a_competitor_listed_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="more than once"):
        rank_organisations_by_place([("A", "甲", 1), ("A", "甲", 2)], PLACE_POINTS)


@pytest.mark.parametrize("place", [0, -1, True])
def test_a_place_below_one_or_not_a_whole_number_is_refused(place: int) -> None:
    with pytest.raises(ValueError, match="whole number >= 1"):
        points_for_places([("A", "甲", place)], PLACE_POINTS)


@given(st.lists(st.integers(1, 8), min_size=1, max_size=12))
def test_shared_places_hand_out_exactly_the_points_of_the_places_occupied(
    shape: list[int],
) -> None:
    # Build a consistent result list: groups of the given sizes in competition order.
    results, place = [], 1
    for group, size in enumerate(shape):
        results += [(f"c{group}-{i}", f"org{i % 3}", place) for i in range(size)]
        place += size
    handed_out = sum(Fraction(p) for p in points_for_places(results, PLACE_POINTS).values())
    occupied = range(1, place)
    assert handed_out == sum(PLACE_POINTS.get(p, 0) for p in occupied)
