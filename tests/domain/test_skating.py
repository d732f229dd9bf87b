"""Skating System rules 5-11: published worked examples, awkward ties, input checks.

Sources of the worked examples:

* DTV Turnier- und Sportordnung, Anhang 2 "Skating-System" (Dawson's text,
  examples adapted to five dances), https://tso.turnierprotokoll.de/tso_anh2.htm
  - Beispiele A-P. The marks and expected results below are as transcribed in
  the open-source DTV implementation github.com/fellmann/tanzen
  (tests/judge/calculateFinal.test.ts, "TSO Beispiele"); the marks of M and P
  also appear in github.com/sdobber/BallroomSkatingSystem.jl (docs/src/examples.md,
  "from the TSO Homepage"). The notation is kept as in that transcription so it
  can be compared line by line: per couple "<one digit per judge> <place>".
* The note to rule 6 in the Official Board / WDSF text ("…the couple with the
  largest majority of '3rd and higher' places shall be allocated the next
  position, which in this example is the '4th'"), e.g. as reproduced at
  http://www.fdo.fi/skating_system.htm.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventsys.domain.skating import (
    SkatingInputError,
    combine_dances,
    multi_dance,
    multi_dance_explain,
    single_dance,
    single_dance_table,
)

Marks = dict[int, list[int]]


def parse_dance(text: str) -> tuple[Marks, dict[int, Decimal]]:
    """Parse "15112 1,22541 2,..." into marks and expected places (couples 1..n)."""
    marks: Marks = {}
    places: dict[int, Decimal] = {}
    for number, entry in enumerate(text.split(","), start=1):
        digits, place = entry.split()
        marks[number] = [int(digit) for digit in digits]
        places[number] = Decimal(place)
    return marks, places


def parse_example(text: str) -> tuple[list[Marks], list[dict[int, Decimal]], dict[int, Decimal]]:
    """Parse a whole TSO example: dances separated by ";", final places last."""
    *dances, final = text.split(";")
    parsed = [parse_dance(dance) for dance in dances]
    expected_final = {n: Decimal(p) for n, p in enumerate(final.split(","), start=1)}
    return [m for m, _ in parsed], [p for _, p in parsed], expected_final


# --------------------------------------------------------------------------
# DTV TSO Anhang 2: single dances (rules 5-8), 5 judges, 6 couples
# --------------------------------------------------------------------------

TSO_SINGLE = {
    # rule 5: a clear majority of 1st places, then of "2nd and better", ...
    "A": "15112 1,22541 2,33323 3,44234 4,51455 5,66666 6",
    # rule 6: two couples with a majority for 2nd; the larger majority wins
    "B": "11144 1,32211 2,25522 3,43453 4,54335 5,66666 6",
    # rule 7(a): equal majorities for 2nd; the lower sum (5 against 6) wins
    "C": "11155 1,22514 2,55222 3,33461 4,44333 5,66646 6",
    # rule 7(b): equal majority and sum 3(5) in 1-2, 1-3 and 1-4; 1-5 decides
    "D": "21511 1,12255 2,56122 3,33336 4,44464 5,65643 6",
    # rule 7: equal in every column - the couples share 2nd and 3rd
    "E": "21511 1,12255 2.5,55122 2.5,33336 4,44464 5,66643 6",
}


@pytest.mark.parametrize("name", sorted(TSO_SINGLE))
def test_tso_single_dance_examples(name: str) -> None:
    marks, expected = parse_dance(TSO_SINGLE[name])
    assert single_dance(marks) == expected


def test_shared_place_is_a_decimal_half() -> None:
    marks, _ = parse_dance(TSO_SINGLE["E"])
    places = single_dance(marks)
    assert places[2] == places[3] == Decimal("2.5")
    assert all(isinstance(place, Decimal) for place in places.values())
    assert places[1] == 1  # whole places compare equal to ints


# --------------------------------------------------------------------------
# DTV TSO Anhang 2: final summary, rules 9 and 10 (places only)
# --------------------------------------------------------------------------

# One place per couple and dance; the final places are the rule 10 results.
TSO_RULE10 = {
    # rule 9 only: no equal totals
    "F": ("132456;213456;123456;213456;243165", "1,2,3,4,5,6"),
    # rule 10(a): most places "place under consideration or better" (4 dances)
    "G": ("132465;135264;214356;524613", "1,2,4,3,6,5"),
    # rule 10(a) with the count decided at once, then rule 10 for 4th
    "H": ("321456;124536;132654;125436;163254", "1,2,3,4,5,6"),
    # rule 10(b): same count, lower sum of those places wins
    "J": ("132654;142356;213456;321546;213546", "1,2,3,4,5,6"),
    # rule 10(c): four couples on 17; after one is placed the others are
    # examined afresh for the next place - 50 (count 1 for 3rd) beats 60
    # (count 3 for 3rd) for 4th because it has five 4ths-or-better
    "K": ("216453;126435;521436;361425;263145", "1,2,3,4,5,6"),
}


def rule10_places(text: str) -> dict[int, dict[str, int]]:
    by_couple: dict[int, dict[str, int]] = {}
    for dance_number, dance in enumerate(text.split(";"), start=1):
        for couple, digit in enumerate(dance, start=1):
            by_couple.setdefault(couple, {})[f"dance{dance_number}"] = int(digit)
    return by_couple


@pytest.mark.parametrize("name", sorted(TSO_RULE10))
def test_tso_rule_10_examples_with_combine_dances(name: str) -> None:
    places, final = TSO_RULE10[name]
    expected = {n: Decimal(p) for n, p in enumerate(final.split(","), start=1)}
    assert combine_dances(rule10_places(places)) == expected


@pytest.mark.parametrize("name", sorted(TSO_RULE10))
def test_tso_rule_10_examples_with_multi_dance_and_one_judge(name: str) -> None:
    # With a single judge the marks are the places, as in the transcription.
    places, final = TSO_RULE10[name]
    by_dance = {
        f"dance{d}": {c: [int(digit)] for c, digit in enumerate(dance, start=1)}
        for d, dance in enumerate(places.split(";"), start=1)
    }
    expected = {n: Decimal(p) for n, p in enumerate(final.split(","), start=1)}
    assert multi_dance(by_dance)[1] == expected


def test_rule_10_explains_count_then_sum() -> None:
    # Beispiel K: 30, 40, 50, 60 (couples 2-5) tie on 17 for 2nd place.
    places, _ = TSO_RULE10["K"]
    by_dance = {
        f"dance{d}": {c: [int(digit)] for c, digit in enumerate(dance, start=1)}
        for d, dance in enumerate(places.split(";"), start=1)
    }
    explanation = multi_dance_explain(by_dance)
    rows = {row.couple: row for row in explanation.rows}
    # 2nd: couple 2 has three "2nd or better", nobody else more than two.
    assert [rows[c].rule10[1] for c in (2, 3, 4, 5)] == ["3", "2", "1", "1"]
    # 3rd: couples 3 and 5 both have three - the sums 5 and 8 decide.
    assert [rows[c].rule10[2] for c in (3, 4, 5)] == ["3(5)", "1", "3(8)"]
    # 4th: looked at afresh - couple 4 has five "4th or better", couple 5 four.
    assert [rows[c].rule10[3] for c in (4, 5)] == ["5", "4"]
    assert explanation.decided_by == {1: "R9", 2: "R10", 3: "R10", 4: "R10", 5: "R10", 6: "R9"}


# --------------------------------------------------------------------------
# DTV TSO Anhang 2: full finals with rule 11 (5 dances, 5 judges, 6 couples)
# --------------------------------------------------------------------------

TSO_RULE11 = {
    # Two couples tie on 7.5 for 1st and on 27.5 for 5th; rule 10 cannot
    # separate them (2(2) each, 2(10) each); rule 11 decides both ties.
    "M": "11253 1,22525 2,45311 3,33636 4,66144 5,54462 6;"
    "12234 1,53122 2,31313 3,44441 4,25555 5,66666 6;"
    "11223 1.5,32112 1.5,53361 3,26634 4,44556 5.5,65445 5.5;"
    "22515 2,11252 1,56323 4,33136 3,64664 6,45441 5;"
    "26261 2,15152 1,32424 4,51513 3,44636 6,63345 5;"
    "2,1,3,4,6,5",
    # Three couples tie on 16 for 2nd; two of them also under rule 10; rule
    # 11 between those two decides 2nd AND 3rd - the couple left over does
    # not go back to rule 10 against the third couple (which would win it).
    "N": "11253 1,22525 2,33636 4,45311 3,66144 5,54462 6;"
    "12234 1,53122 2,44441 4,31313 3,25555 5,66666 6;"
    "11111 1,23456 4,34562 4,45623 4,52234 2,66345 6;"
    "11252 1,56323 4,22515 2,33136 3,45441 5,64664 6;"
    "15152 1,32424 4,26261 2,51513 3,63345 5,44636 6;"
    "1,2,3,4,5,6",
    # Three couples tie on 18 for 2nd and also under rule 10; rule 11 gives
    # 2nd to one, the other two go back to rule 10 for 3rd (where rule 11
    # would have ranked them the other way round).
    "P": "22525 2,33636 4,45311 3,11253 1,66144 5,54462 6;"
    "12234 1,31313 3,25555 5,44441 4,66666 6,53122 2;"
    "11111 1,23456 4,34562 4,45623 4,52234 2,66345 6;"
    "33136 3,11252 1,45441 5,56323 4,22515 2,64664 6;"
    "26261 2,44636 6,15152 1,63345 5,51514 4,32423 3;"
    "1,2,3,4,5,6",
}


def tso_final(
    name: str,
) -> tuple[dict[str, Marks], dict[str, dict[int, Decimal]], dict[int, Decimal]]:
    dances = ["W", "T", "V", "S", "Q"]
    marks, places, final = parse_example(TSO_RULE11[name])
    return dict(zip(dances, marks, strict=True)), dict(zip(dances, places, strict=True)), final


@pytest.mark.parametrize("name", sorted(TSO_RULE11))
def test_tso_rule_11_examples(name: str) -> None:
    marks, expected_places, expected_final = tso_final(name)
    places_by_dance, final = multi_dance(marks)
    assert places_by_dance == expected_places
    assert final == expected_final


def test_rule_11_breaks_a_two_couple_tie_that_rule_10_cannot() -> None:
    marks, _, _ = tso_final("M")
    explanation = multi_dance_explain(marks)
    rows = {row.couple: row for row in explanation.rows}
    # Rule 10 for 1st: both have two 1sts (sum 2) - no decision.
    assert rows[1].rule10[0] == rows[2].rule10[0] == "2(2)"
    # Rule 11 over all 25 marks (majority 13): no majority of 1sts (7 each),
    # then 17 against 16 "2nd or better" - couple 2 wins.
    assert rows[2].rule11[:2] == ("7", "17")
    assert rows[1].rule11[:2] == ("7", "16")
    # For 5th both have 17 marks "5th or better"; the sums 66 and 68 decide.
    assert rows[6].rule11[4] == "17(66)"
    assert rows[5].rule11[4] == "17(68)"
    assert explanation.decided_by == {2: "R11", 1: "R11", 3: "R9", 4: "R9", 6: "R11", 5: "R11"}
    assert list(explanation.final_places) == [2, 1, 3, 4, 6, 5]


def test_rule_11_winner_then_back_to_rule_10_for_the_next_place() -> None:
    marks, _, _ = tso_final("P")
    explanation = multi_dance_explain(marks)
    assert explanation.decided_by == {1: "R9", 2: "R11", 3: "R10", 4: "R10", 5: "R9", 6: "R9"}
    rows = {row.couple: row for row in explanation.rows}
    # 3rd place: couple 3 has two "3rd or better" (3 and 1), couple 4 one.
    assert rows[3].rule10[2] == "2"
    assert rows[4].rule10[2] == "1"
    assert any("Rule 11 for place 2" in note for note in explanation.notes)


def test_rule_11_loser_of_two_takes_the_next_place() -> None:
    marks, _, _ = tso_final("N")
    explanation = multi_dance_explain(marks)
    rows = {row.couple: row for row in explanation.rows}
    # Rule 10 for 2nd: couples 2 and 3 have 2(4), couple 4 has none.
    assert [rows[c].rule10[1] for c in (2, 3, 4)] == ["2(4)", "2(4)", "0"]
    # Couple 4 would win a fresh rule 10 test for 3rd (four 3rds against two)
    # but the rule 11 loser takes 3rd.
    assert explanation.final_places[3] == 3
    assert explanation.final_places[4] == 4
    assert explanation.decided_by[3] == "R11"
    assert explanation.decided_by[4] == "R10"


def test_three_dance_variant_of_beispiel_p() -> None:
    # Cross-check against jUdge (github.com/fellmann/jUdge, CalculatorTest,
    # BEISPIEL_P_INCOMPLETE_3DANCES): only W, V and S of Beispiel P. Rule 10
    # gives 2nd to couple 5; 2 and 4 stay equal and rule 11 decides.
    marks, _, _ = tso_final("P")
    three = {dance: marks[dance] for dance in ("W", "V", "S")}
    _, final = multi_dance(three)
    assert final == {1: 1, 5: 2, 4: 3, 2: 4, 3: 5, 6: 6}


# --------------------------------------------------------------------------
# Rules 5-8: further cases
# --------------------------------------------------------------------------


def test_rule_6_note_next_place_looks_at_the_next_column_not_the_place_number() -> None:
    marks = {
        "A": [2, 3, 5, 2, 1],
        "B": [5, 2, 4, 1, 2],
        "C": [1, 1, 1, 5, 5],
        "D": [3, 5, 2, 4, 3],
        "E": [4, 4, 3, 3, 4],
    }
    # C has three 1sts. A and B both have 3(5) in 1-2; in 1-3 A has four, B
    # three, so A is 2nd and B 3rd. The 4th place is then looked for in 1-3
    # ("3rd and higher"), where only D has a majority. Jumping to 1-4 because
    # the place is the 4th would wrongly prefer E (five against four).
    assert single_dance(marks) == {"C": 1, "A": 2, "B": 3, "D": 4, "E": 5}


def test_no_majority_of_firsts_goes_to_the_next_column() -> None:
    # Rule 8; then rule 6 in 1-2 (five against four).
    marks = {11: [1, 1, 2, 2, 3], 12: [2, 2, 1, 1, 2], 13: [3, 3, 3, 3, 1]}
    assert single_dance(marks) == {12: 1, 11: 2, 13: 3}


def test_majority_of_firsts_wins_despite_last_places() -> None:
    marks = {"A": [1, 1, 1, 4, 4], "B": [2, 2, 2, 1, 1], "C": [3, 3, 4, 2, 2], "D": [4, 4, 3, 3, 3]}
    assert single_dance(marks) == {"A": 1, "B": 2, "C": 3, "D": 4}


def test_two_couples_share_a_place_after_winning_with_second_places() -> None:
    marks = {11: [1, 1, 3, 3, 4], 12: [2, 2, 2, 2, 2], 13: [3, 3, 4, 1, 1], 14: [4, 4, 1, 4, 3]}
    assert single_dance(marks) == {12: 1, 11: Decimal("2.5"), 13: Decimal("2.5"), 14: 4}


def test_three_couples_share_second_to_fourth_as_third() -> None:
    marks = {"A": [1, 1, 1], "B": [2, 3, 4], "C": [3, 4, 2], "D": [4, 2, 3]}
    assert single_dance(marks) == {"A": 1, "B": 3, "C": 3, "D": 3}
    assert single_dance(marks)["B"] == Decimal("3")


def test_unbreakable_tie_of_everybody() -> None:
    # A Latin square: every couple has one mark of each place.
    marks = {c: [(c + j) % 5 + 1 for j in range(5)] for c in range(5)}
    assert single_dance(marks) == dict.fromkeys(range(5), Decimal(3))


def test_even_number_of_judges_needs_more_than_half() -> None:
    # Four judges: a majority is three. A's two 1sts are not enough; in 1-2
    # only B has a majority (four), then A and C have 4 in 1-3, sums 8 and 9.
    marks = {"A": [1, 1, 3, 3], "B": [2, 2, 2, 1], "C": [3, 3, 1, 2]}
    assert single_dance(marks) == {"B": 1, "A": 2, "C": 3}


def test_single_couple_and_single_judge() -> None:
    assert single_dance({"solo": [1]}) == {"solo": 1}
    assert single_dance({"x": [2], "y": [1]}) == {"y": 1, "x": 2}


def test_results_come_in_order_of_place() -> None:
    marks, _ = parse_dance(TSO_SINGLE["D"])
    reversed_marks = dict(reversed(list(marks.items())))
    assert list(single_dance(reversed_marks)) == [1, 2, 3, 4, 5, 6]


# --------------------------------------------------------------------------
# Calculation table for the UI
# --------------------------------------------------------------------------


def test_single_dance_table_shows_counts_sums_and_unused_columns() -> None:
    marks, _ = parse_dance(TSO_SINGLE["D"])
    table = single_dance_table(marks)
    assert table.headers == ("1", "1-2", "1-3", "1-4", "1-5", "1-6")
    assert table.majority == 3
    cells = {row.couple: row.cells for row in table.rows}
    assert cells[1] == ("3", "-", "-", "-", "-", "-")
    assert cells[2] == ("1", "3(5)", "3(5)", "3(5)", "5", "-")
    assert cells[3] == ("1", "3(5)", "3(5)", "3(5)", "4", "-")
    assert cells[4] == ("0", "0", "4", "-", "-", "-")
    assert cells[6] == ("0", "0", "1", "2", "3", "-")
    rows = {row.couple: row for row in table.rows}
    assert rows[2].counts == (1, 3, 3, 3, 5, 5)
    assert rows[2].sums == (1, 5, 5, 5, 15, 15)
    assert (rows[2].decided_in, rows[2].rule) == ("1-2", "R7")
    assert (rows[1].decided_in, rows[1].rule) == ("1", "R5")
    assert [row.couple for row in table.rows] == [1, 2, 3, 4, 5, 6]
    assert table.places() == single_dance(marks)


def test_single_dance_table_rule_labels() -> None:
    b, _ = parse_dance(TSO_SINGLE["B"])
    c, _ = parse_dance(TSO_SINGLE["C"])
    rows_b = {row.couple: row for row in single_dance_table(b).rows}
    rows_c = {row.couple: row for row in single_dance_table(c).rows}
    assert (rows_b[2].rule, rows_b[2].cells[1]) == ("R6", "4")  # larger majority
    assert (rows_c[2].rule, rows_c[2].cells[1]) == ("R7", "3(5)")  # lower sum
    assert rows_c[3].cells[1] == "3(6)"


def test_multi_dance_explain_contains_each_dance_table() -> None:
    marks, _, _ = tso_final("M")
    explanation = multi_dance_explain(marks)
    assert explanation.dances == ("W", "T", "V", "S", "Q")
    assert explanation.tables["V"].places() == explanation.places_by_dance["V"]
    first = explanation.rows[0]
    assert first.couple == 2
    assert first.total == Decimal("7.5")
    assert first.places == tuple(Decimal(p) for p in ("2", "2", "1.5", "1", "1"))


# --------------------------------------------------------------------------
# Unbreakable ties in the final summary
# --------------------------------------------------------------------------


def test_rule_11_that_cannot_separate_two_couples_leaves_them_sharing() -> None:
    marks = {
        "waltz": {"A": [1, 1, 2], "B": [2, 2, 1], "C": [3, 3, 3]},
        "tango": {"A": [2, 2, 1], "B": [1, 1, 2], "C": [3, 3, 3]},
    }
    places_by_dance, final = multi_dance(marks)
    assert places_by_dance == {"waltz": {"A": 1, "B": 2, "C": 3}, "tango": {"B": 1, "A": 2, "C": 3}}
    assert final == {"A": Decimal("1.5"), "B": Decimal("1.5"), "C": 3}
    assert multi_dance_explain(marks).decided_by == {"A": "R11", "B": "R11", "C": "R9"}


def test_rule_11_that_cannot_separate_three_couples_gives_them_all_second() -> None:
    rotation = ["A", "B", "C"]
    marks = {
        f"dance{d}": {couple: [(i - d) % 3 + 1] * 3 for i, couple in enumerate(rotation)}
        for d in range(3)
    }
    _, final = multi_dance(marks)
    assert final == {"A": 2, "B": 2, "C": 2}
    assert final["A"] == Decimal("2")


def test_combine_dances_shares_when_rule_10_cannot_decide() -> None:
    # Beispiel M's places: rule 10 cannot split 25/35 or 65/75 (rule 11 is
    # needed, but combine_dances has no marks), so they share. The 1.5s are
    # not "1st or better" - else 35 and 25 would have 3(3.5) each.
    places: dict[int, dict[str, int | float | Decimal]] = {
        25: {"W": 1, "T": 1, "V": Decimal("1.5"), "S": 2, "Q": 2},
        35: {"W": 2, "T": 2, "V": Decimal("1.5"), "S": 1, "Q": 1},
        45: {"W": 3, "T": 3, "V": 3, "S": 4, "Q": 4},
        55: {"W": 4, "T": 4, "V": 4, "S": 3, "Q": 3},
        65: {"W": 5, "T": 5, "V": 5.5, "S": 6, "Q": 6},
        75: {"W": 6, "T": 6, "V": 5.5, "S": 5, "Q": 5},
    }
    assert combine_dances(places) == {
        25: Decimal("1.5"),
        35: Decimal("1.5"),
        45: 3,
        55: 4,
        65: Decimal("5.5"),
        75: Decimal("5.5"),
    }


def test_combine_dances_half_places_are_not_that_place_or_better() -> None:
    # B and C tie on 4.5 for 2nd. "2nd or better": B has its 1, C its 2 - the
    # 2.5 (shared 2nd/3rd) is not 2nd or better. Count 1 each, sums 1 and 2:
    # B is 2nd. Counting the 2.5 would wrongly give C 2(4.5) and 2nd place.
    places: dict[str, dict[str, int | Decimal]] = {
        "A": {"W": 4, "T": Decimal("3.5")},
        "B": {"W": 1, "T": Decimal("3.5")},
        "C": {"W": Decimal("2.5"), "T": 2},
        "D": {"W": Decimal("2.5"), "T": 1},
    }
    assert combine_dances(places) == {"D": 1, "B": 2, "C": 3, "A": 4}


def test_combine_dances_rule_10_places_one_and_the_other_two_share() -> None:
    # A, B, C tie on 8. 1st: B has two 1sts, A and C one each - B is 1st.
    # 2nd, looked at afresh: A and C both 3(5) - rule 10 cannot decide and
    # without marks there is no rule 11, so they share 2nd/3rd.
    places = {
        "A": {"W": 2, "T": 1, "Q": 3, "S": 2},
        "B": {"W": 1, "T": 3, "Q": 1, "S": 3},
        "C": {"W": 3, "T": 2, "Q": 2, "S": 1},
        "D": {"W": 4, "T": 4, "Q": 4, "S": 4},
    }
    assert combine_dances(places) == {"B": 1, "A": Decimal("2.5"), "C": Decimal("2.5"), "D": 4}


def test_combine_dances_accepts_floats_and_ints() -> None:
    places: dict[str, dict[str, int | float | Decimal]] = {
        "A": {"W": 1.5, "T": 1},
        "B": {"W": 1.5, "T": 2},
    }
    assert combine_dances(places) == {"A": 1, "B": 2}


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("marks", "message"),
    [
        ({}, "no couples"),
        ({"A": [1, 2], "B": [2]}, "different numbers of marks"),
        ({"A": [1, 3], "B": [2, 1]}, "outside 1..2"),
        ({"A": [0, 1], "B": [2, 2]}, "outside 1..2"),
        ({"A": [1, 1], "B": [1, 2]}, "judge 1 gave place 1 to both 'A' and 'B'"),
        ({"A": [1, 2], "B": [2, 2]}, "judge 2 gave place 2"),
        ({"A": [], "B": []}, "no judges"),
        ({"A": "12", "B": "21"}, "sequence of integers"),
        ({"A": [1.0], "B": [2.0]}, "not an integer"),
        ({"A": [True], "B": [2]}, "not an integer"),
    ],
)
def test_single_dance_rejects_bad_marks(marks: Mapping[str, Sequence[int]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        single_dance(marks)


def test_validation_errors_are_value_errors() -> None:
    assert issubclass(SkatingInputError, ValueError)
    with pytest.raises(SkatingInputError):
        single_dance_table({"A": [1], "B": [1]})


def test_multi_dance_rejects_empty_input_and_bad_dances() -> None:
    with pytest.raises(ValueError, match="no dances"):
        multi_dance({})
    with pytest.raises(ValueError, match="no couples to place in dance 'T'"):
        multi_dance({"W": {"A": [1], "B": [2]}, "T": {}})
    with pytest.raises(ValueError, match="in dance 'T'"):
        multi_dance({"W": {"A": [1], "B": [2]}, "T": {"A": [1], "B": [1]}})


def test_multi_dance_rejects_different_couples_across_dances() -> None:
    with pytest.raises(ValueError, match=r"dance 'T' does not have the same couples.*'C'"):
        multi_dance({"W": {"A": [1], "B": [2]}, "T": {"A": [1], "C": [2]}})


def test_multi_dance_allows_a_different_panel_size_per_dance() -> None:
    marks = {"W": {"A": [1, 1, 2], "B": [2, 2, 1]}, "T": {"A": [1], "B": [2]}}
    assert multi_dance(marks)[1] == {"A": 1, "B": 2}


@pytest.mark.parametrize(
    ("places", "message"),
    [
        ({}, "no couples"),
        ({"A": {}, "B": {}}, "has no places"),
        ({"A": {"W": 1}, "B": {"T": 2}}, "same dances"),
        ({"A": {"W": 1}, "B": {"W": 3}}, "between 1 and 2"),
        ({"A": {"W": 0}, "B": {"W": 1}}, "between 1 and 2"),
        ({"A": {"W": 1.25}, "B": {"W": 2}}, "whole or half"),
        ({"A": {"W": "1"}, "B": {"W": 2}}, "not a number"),
        ({"A": {"W": float("nan")}, "B": {"W": 2}}, "between 1 and 2"),
    ],
)
def test_combine_dances_rejects_bad_places(places: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        combine_dances(places)


# --------------------------------------------------------------------------
# Properties over random finals
# --------------------------------------------------------------------------


@st.composite
def dance_marks(draw: st.DrawFn, couples: int, judges: int) -> Marks:
    """Marks of one dance: each judge's marks are a permutation of 1..n."""
    columns = [draw(st.permutations(range(1, couples + 1))) for _ in range(judges)]
    return {c: [columns[j][c] for j in range(judges)] for c in range(couples)}


@st.composite
def finals(draw: st.DrawFn) -> dict[str, Marks]:
    couples = draw(st.integers(1, 7))
    judges = draw(st.integers(1, 7))
    dances = draw(st.integers(1, 5))
    return {f"d{d}": draw(dance_marks(couples, judges)) for d in range(dances)}


def is_valid_ranking(places: Mapping[int, Decimal]) -> bool:
    """Places must be consecutive blocks, each block sharing its average."""
    values = sorted(places.values())
    position = 1
    index = 0
    while index < len(values):
        size = values.count(values[index])
        if values[index] != Decimal(2 * position + size - 1) / 2:
            return False
        position += size
        index += size
    return True


FAST = settings(max_examples=150, deadline=None, database=None)


@FAST
@given(finals())
def test_places_always_form_a_valid_ranking(marks: dict[str, Marks]) -> None:
    places_by_dance, final = multi_dance(marks)
    assert all(is_valid_ranking(places) for places in places_by_dance.values())
    assert is_valid_ranking(final)


@FAST
@given(finals())
def test_rule_9_lower_total_is_always_placed_higher(marks: dict[str, Marks]) -> None:
    explanation = multi_dance_explain(marks)
    for a, b in itertools.permutations(explanation.rows, 2):
        if a.total < b.total:
            assert a.place < b.place


def _a_dance(data: st.DataObject) -> tuple[int, Marks]:
    """A dance drawn for a property: 1 to 7 couples marked by 1 to 7 judges; (judges, marks)."""
    couples = data.draw(st.integers(1, 7))
    judges = data.draw(st.integers(1, 7))
    return judges, data.draw(dance_marks(couples, judges))


@FAST
@given(st.data())
def test_majority_of_firsts_always_wins(data: st.DataObject) -> None:
    judges, marks = _a_dance(data)
    places = single_dance(marks)
    for couple, row in marks.items():
        if row.count(1) > judges // 2:
            assert places[couple] == 1


@FAST
@given(finals(), st.randoms(use_true_random=False))
def test_order_of_judges_dances_and_couples_does_not_matter(
    marks: dict[str, Marks], rnd: random.Random
) -> None:
    places_by_dance, final = multi_dance(marks)
    couples = list(marks["d0"])
    judge_orders = {dance: list(range(len(marks[dance][couples[0]]))) for dance in marks}
    for order in judge_orders.values():
        rnd.shuffle(order)
    rnd.shuffle(couples)
    dances = list(marks)
    rnd.shuffle(dances)
    shuffled = {
        dance: {c: [marks[dance][c][j] for j in judge_orders[dance]] for c in couples}
        for dance in dances
    }
    assert multi_dance(shuffled) == (places_by_dance, final)


@FAST
@given(st.data())
def test_one_dance_final_equals_the_dance(data: st.DataObject) -> None:
    _judges, marks = _a_dance(data)
    places_by_dance, final = multi_dance({"only": marks})
    assert final == places_by_dance["only"] == single_dance(marks)


@FAST
@given(finals())
def test_combine_dances_agrees_with_multi_dance_without_rule_11(marks: dict[str, Marks]) -> None:
    explanation = multi_dance_explain(marks)
    by_couple = {
        couple: {dance: explanation.places_by_dance[dance][couple] for dance in marks}
        for couple in marks["d0"]
    }
    combined = combine_dances(by_couple)
    if "R11" not in explanation.decided_by.values():
        assert combined == explanation.final_places
    else:
        assert is_valid_ranking(combined)


# --------------------------------------------------------------------------
# Which rule broke a tie (only where couples were tied on their totals)
# --------------------------------------------------------------------------


def _one_judge(text: str) -> dict[str, dict[int, list[int]]]:
    return {
        f"dance{d}": {c: [int(digit)] for c, digit in enumerate(dance, start=1)}
        for d, dance in enumerate(text.split(";"), start=1)
    }


def test_no_tie_on_the_totals_means_no_tie_was_broken() -> None:
    # Beispiel F: rule 9 alone places every couple; decided_by still names rule 9 for each.
    explanation = multi_dance_explain(_one_judge(TSO_RULE10["F"][0]))
    assert set(explanation.decided_by.values()) == {"R9"}
    assert explanation.tie_broken_by == {}


def test_rule_10_broke_the_four_couple_tie_of_beispiel_k() -> None:
    # Couples 2-5 tie on 17: rule 10 places 2nd, 3rd, 4th and 5th; 1 and 6 are rule 9 only.
    explanation = multi_dance_explain(_one_judge(TSO_RULE10["K"][0]))
    assert explanation.tie_broken_by == {2: "R10", 3: "R10", 4: "R10", 5: "R10"}


def test_rule_11_broke_both_ties_of_beispiel_m() -> None:
    marks, _, _ = tso_final("M")
    assert multi_dance_explain(marks).tie_broken_by == {2: "R11", 1: "R11", 6: "R11", 5: "R11"}


def test_beispiel_p_names_rule_11_for_second_and_rule_10_for_third_and_fourth() -> None:
    marks, _, _ = tso_final("P")
    assert multi_dance_explain(marks).tie_broken_by == {2: "R11", 3: "R10", 4: "R10"}


def test_a_tie_that_no_rule_breaks_is_shared_and_not_reported_as_broken() -> None:
    marks = {
        "waltz": {"A": [1, 1, 2], "B": [2, 2, 1], "C": [3, 3, 3]},
        "tango": {"A": [2, 2, 1], "B": [1, 1, 2], "C": [3, 3, 3]},
    }
    explanation = multi_dance_explain(marks)
    assert explanation.final_places == {"A": Decimal("1.5"), "B": Decimal("1.5"), "C": 3}
    assert explanation.tie_broken_by == {}


@FAST
@given(finals())
def test_a_tie_is_reported_broken_exactly_for_couples_tied_on_total_with_a_place_of_their_own(
    marks: dict[str, Marks],
) -> None:
    explanation = multi_dance_explain(marks)
    totals = {row.couple: row.total for row in explanation.rows}
    places = list(explanation.final_places.values())
    expected = {
        couple: explanation.decided_by[couple]
        for couple, place in explanation.final_places.items()
        if list(totals.values()).count(totals[couple]) > 1 and places.count(place) == 1
    }
    assert explanation.tie_broken_by == expected
    assert set(expected.values()) <= {"R10", "R11"}
