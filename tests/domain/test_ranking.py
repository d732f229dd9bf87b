"""Competition ranking: shared places, skipped places and named tie-breaks."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventsys.domain.ranking import (
    Placing,
    TieBreak,
    competition_ranking,
    places,
    placings_from_groups,
    position_groups,
    rank,
)


def as_rows(placings: list[Placing[str]]) -> list[tuple[str, int, bool]]:
    return [(p.entry, p.place, p.shared) for p in placings]


def test_equal_totals_share_a_place_and_the_next_place_is_skipped() -> None:
    ranking = competition_ranking(
        {"A": Decimal("9.10"), "B": Decimal("8.86"), "C": Decimal("8.86"), "D": Decimal("8.50")}
    )
    assert as_rows(ranking) == [
        ("A", 1, False),
        ("B", 2, True),
        ("C", 2, True),
        ("D", 4, False),
    ]


def test_three_tied_for_first_are_followed_by_fourth() -> None:
    assert places(competition_ranking({"A": 9, "B": 9, "C": 9, "D": 8})) == {
        "A": 1,
        "B": 1,
        "C": 1,
        "D": 4,
    }


def test_a_tie_for_last_place_is_shared() -> None:
    assert as_rows(competition_ranking({"A": 9, "B": 7, "C": 7})) == [
        ("A", 1, False),
        ("B", 2, True),
        ("C", 2, True),
    ]


def test_equal_values_of_different_exact_types_share_a_place() -> None:
    ranking = competition_ranking({"A": Decimal("8.50"), "B": Fraction(17, 2), "C": Decimal(8)})
    assert places(ranking) == {"A": 1, "B": 1, "C": 3}


def test_entries_sharing_a_place_are_listed_in_a_fixed_order() -> None:
    first = competition_ranking({"乙": 5, "甲": 5, "丙": 5})
    second = competition_ranking({"丙": 5, "甲": 5, "乙": 5})
    assert [p.entry for p in first] == [p.entry for p in second] == sorted(["甲", "乙", "丙"])


def test_lower_can_be_better() -> None:
    ranking = competition_ranking({"A": 3, "B": 1, "C": 3}, higher_is_better=False)
    assert as_rows(ranking) == [("B", 1, False), ("A", 2, True), ("C", 2, True)]


def test_tuples_rank_lexicographically_so_later_items_only_break_ties() -> None:
    ranking = competition_ranking({"A": (9, 1), "B": (9, 3), "C": (8, 5)})
    assert places(ranking) == {"B": 1, "A": 2, "C": 3}


def test_an_empty_field_has_no_placings() -> None:
    assert competition_ranking({}) == []


def test_a_value_that_cannot_be_ordered_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be ordered"):
        competition_ranking({"A": Decimal("NaN"), "B": Decimal(1)})


# --- tie-breaks --------------------------------------------------------------------------

SCORES = {"A": Decimal("8.86"), "B": Decimal("8.86"), "C": Decimal("8.86"), "D": Decimal("9.00")}


def test_tie_breaks_are_consulted_in_their_declared_order() -> None:
    imagery = TieBreak("highest_criterion:意境", {"A": 9, "B": 9, "C": 8})
    dropped = TieBreak("fewest_dropped", {"A": 1, "B": 0, "C": 0}, higher_is_better=False)
    ranking = rank(SCORES, [imagery, dropped])
    assert [(p.entry, p.place, p.shared, p.decided_by) for p in ranking] == [
        ("D", 1, False, None),
        ("B", 2, False, "fewest_dropped"),
        ("A", 3, False, "fewest_dropped"),
        ("C", 4, False, "highest_criterion:意境"),
    ]


def test_swapping_the_tie_break_order_changes_the_result() -> None:
    imagery = TieBreak("highest_criterion:意境", {"A": 9, "B": 9, "C": 8})
    dropped = TieBreak("fewest_dropped", {"A": 1, "B": 0, "C": 0}, higher_is_better=False)
    assert places(rank(SCORES, [dropped, imagery])) == {"D": 1, "B": 2, "C": 3, "A": 4}


def test_entries_still_tied_after_every_tie_break_share_a_place() -> None:
    imagery = TieBreak("highest_criterion:意境", {"A": 9, "B": 9, "C": 8})
    ranking = rank(SCORES, [imagery])
    assert [(p.entry, p.place, p.shared) for p in ranking] == [
        ("D", 1, False),
        ("A", 2, True),
        ("B", 2, True),
        ("C", 4, False),
    ]


def test_a_tie_break_that_separates_nobody_is_not_named_as_deciding() -> None:
    same = TieBreak("same_for_all", {"A": 1, "B": 1, "C": 1})
    ranking = rank(SCORES, [same])
    assert {p.entry: p.decided_by for p in ranking} == dict.fromkeys("DABC")


def test_tie_break_values_are_needed_only_for_tied_entries() -> None:
    # D is alone on 9.00, so its tie-break value is never asked for.
    ranking = rank(SCORES, [TieBreak("random_draw", {"A": 3, "B": 2, "C": 1})])
    assert places(ranking) == {"D": 1, "A": 2, "B": 3, "C": 4}


def test_a_missing_tie_break_value_for_a_tied_entry_is_refused() -> None:
    with pytest.raises(ValueError, match="'random_draw' is needed for 'C'"):
        rank(SCORES, [TieBreak("random_draw", {"A": 3, "B": 2})])


def test_a_tie_break_may_be_a_function_of_the_entry() -> None:
    by_name: TieBreak[str] = TieBreak("name", ord, higher_is_better=False)
    ranking = rank(SCORES, [by_name])
    assert [p.entry for p in ranking] == ["D", "A", "B", "C"]


def test_tie_break_names_must_be_distinct() -> None:
    with pytest.raises(ValueError, match="distinct"):
        rank(SCORES, [TieBreak("x", dict.fromkeys("ABC", 1)), TieBreak("x", {})])


# --- position groups ---------------------------------------------------------------------


def test_position_groups_gather_entries_sharing_a_place() -> None:
    ranking = competition_ranking({"甲": 12, "乙": 9, "丙": 12, "丁": 3})
    assert position_groups(ranking) == [["丙", "甲"], ["乙"], ["丁"]]


def test_position_groups_turn_back_into_the_same_placings() -> None:
    ranking = competition_ranking({"甲": 12, "乙": 9, "丙": 12, "丁": 3})
    assert placings_from_groups(position_groups(ranking)) == ranking


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 5), max_size=15))
def test_a_place_is_one_more_than_the_number_of_strictly_better_entries(
    scores: dict[str, int],
) -> None:
    for placing in competition_ranking(scores):
        better = sum(1 for other in scores.values() if other > scores[placing.entry])
        equal = sum(1 for other in scores.values() if other == scores[placing.entry])
        assert placing.place == better + 1
        assert placing.shared == (equal > 1)


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 5), max_size=15))
def test_placings_list_every_entry_once_best_first(scores: dict[str, int]) -> None:
    ranking = competition_ranking(scores)
    assert sorted(p.entry for p in ranking) == sorted(scores)
    assert [p.place for p in ranking] == sorted(p.place for p in ranking)
