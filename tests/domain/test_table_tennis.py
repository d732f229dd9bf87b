"""Table tennis games, matches and the ITTF 3.7.5 group ranking."""

from __future__ import annotations

import random
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventsys.domain.sports.table_tennis import (
    Criterion,
    MatchResult,
    group_ranking,
    group_ranking_explained,
    match_points,
    valid_game,
    valid_match,
)

Result = MatchResult[str]


def parse_games(text: str) -> tuple[tuple[int, int], ...]:
    games = []
    for game in text.split(","):
        a, b = game.strip().split("-")
        games.append((int(a), int(b)))
    return tuple(games)


def played(p1: str, p2: str, games: str) -> Result:
    return MatchResult(p1, p2, parse_games(games))


def walkover(p1: str, p2: str, winner: str) -> Result:
    return MatchResult(p1, p2, walkover_winner=winner)


# --------------------------------------------------------------------------
# Games (ITTF Law 2.11.1)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [(11, 0), (11, 9), (9, 11), (12, 10), (10, 12), (15, 13), (13, 15), (30, 28)],
)
def test_finished_games(a: int, b: int) -> None:
    assert valid_game(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (11, 10),
        (10, 11),
        (12, 9),
        (10, 8),
        (11, 11),
        (12, 12),
        (13, 10),
        (14, 10),
        (12, 11),
        (0, 0),
        (5, 3),
        (-1, 11),
        (11, -2),
        (21, 18),  # the old 21-point game is not a game any more
    ],
)
def test_unfinished_or_impossible_games(a: int, b: int) -> None:
    assert not valid_game(a, b)


@pytest.mark.parametrize(("a", "b"), [(11.0, 5), ("11", 5), (True, 11), (11, None)])
def test_non_integer_scores_are_not_games(a: object, b: object) -> None:
    assert not valid_game(a, b)  # type: ignore[arg-type]


@given(st.integers(min_value=-5, max_value=40), st.integers(min_value=-5, max_value=40))
def test_valid_game_matches_the_law(a: int, b: int) -> None:
    high, low = max(a, b), min(a, b)
    expected = low >= 0 and ((high == 11 and low <= 9) or (low >= 10 and high == low + 2))
    assert valid_game(a, b) == expected
    assert valid_game(a, b) == valid_game(b, a)


# --------------------------------------------------------------------------
# Matches (ITTF Law 2.12.1)
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("games", "best_of"),
    [
        ("11-5,11-7,11-9", 5),
        ("11-5,9-11,11-7,13-11", 5),
        ("5-11,9-11,11-7,11-9,12-10", 5),
        ("11-5,11-7", 3),
        ("11-5,3-11,11-7", 3),
        ("11-5", 1),
        ("11-1,11-2,11-3,11-4", 7),
        ("1-11,11-1,2-11,11-2,3-11,11-3,11-9", 7),
    ],
)
def test_finished_matches(games: str, best_of: int) -> None:
    assert valid_match(parse_games(games), best_of)


@pytest.mark.parametrize(
    ("games", "best_of"),
    [
        ("11-5,11-7", 5),  # unfinished
        ("11-5,11-7,11-9,11-3", 5),  # a game after the match was decided
        ("11-5,11-7,11-9", 3),  # a game after a best-of-3 was decided
        ("11-5,11-10,11-9", 5),  # 11-10 is not a finished game
        ("11-5,12-9,11-9", 5),  # 12-9 neither
        ("11-5,11-7,9-11,11-9", 3),
        ("11-5,11-7,11-9", 7),
    ],
)
def test_invalid_matches(games: str, best_of: int) -> None:
    assert not valid_match(parse_games(games), best_of)


def test_no_games_is_not_a_match() -> None:
    assert not valid_match([], 5)


@pytest.mark.parametrize("best_of", [0, 2, 4, 6, -1, -3])
def test_best_of_must_be_a_positive_odd_number(best_of: int) -> None:
    with pytest.raises(ValueError):
        valid_match(parse_games("11-5,11-7,11-9"), best_of)


@st.composite
def finished_matches(draw: st.DrawFn) -> tuple[list[tuple[int, int]], int]:
    best_of = draw(st.sampled_from([1, 3, 5, 7, 9]))
    needed = (best_of + 1) // 2
    lost = draw(st.integers(min_value=0, max_value=needed - 1))
    order = [True] * (needed - 1) + [False] * lost
    order = [*draw(st.permutations(order)), True]
    games = []
    for first_wins in order:
        loser = draw(st.integers(min_value=0, max_value=9))
        deuce = draw(st.integers(min_value=10, max_value=20))
        score = draw(st.sampled_from([(11, loser), (deuce + 2, deuce)]))
        games.append(score if first_wins else (score[1], score[0]))
    if draw(st.booleans()):
        games = [(b, a) for a, b in games]
    return games, best_of


@given(finished_matches(), st.integers(0, 9), st.booleans())
def test_any_game_after_a_finished_match_makes_it_invalid(
    match: tuple[list[tuple[int, int]], int], loser: int, flip: bool
) -> None:
    games, best_of = match
    assert valid_match(games, best_of)
    extra = (loser, 11) if flip else (11, loser)
    assert not valid_match([*games, extra], best_of)
    assert not valid_match(games[:-1], best_of)


# --------------------------------------------------------------------------
# MatchResult and match points (ITTF 3.7.5.1)
# --------------------------------------------------------------------------


def test_match_result_is_frozen_and_normalises_games() -> None:
    result = MatchResult("A", "B", [[11, 5], [11, 7], [11, 9]])  # type: ignore[arg-type]
    assert result.games == ((11, 5), (11, 7), (11, 9))
    assert result.winner() == "A"
    assert result.loser() == "B"
    with pytest.raises(AttributeError):
        result.p1 = "C"  # type: ignore[misc]


@pytest.mark.parametrize(
    "make",
    [
        lambda: MatchResult("A", "A", parse_games("11-5,11-5,11-5")),
        lambda: MatchResult("A", "B", walkover_winner="C"),
        lambda: MatchResult("A", "B", parse_games("11-5"), walkover_winner="A"),
        lambda: MatchResult("A", "B", walkover_winner="A", retired="B"),
        lambda: MatchResult("A", "B", retired="C"),
    ],
)
def test_self_contradicting_results_are_rejected(make: object) -> None:
    with pytest.raises(ValueError):
        make()  # type: ignore[operator]


def test_win_two_played_loss_one_unplayed_loss_zero() -> None:
    results = [
        played("A", "B", "11-5,11-7,11-9"),
        walkover("A", "C", "C"),
        MatchResult("B", "C", parse_games("11-5,11-7"), retired="C"),
    ]
    assert match_points(["A", "B", "C"], results) == {"A": 2, "B": 3, "C": 2}


def test_match_points_without_results_are_zero() -> None:
    assert match_points(["A", "B"], []) == {"A": 0, "B": 0}


def test_match_points_can_check_the_match_length() -> None:
    results = [played("A", "B", "11-5,11-7")]
    assert match_points(["A", "B"], results) == {"A": 2, "B": 1}
    assert match_points(["A", "B"], results, best_of=3) == {"A": 2, "B": 1}
    with pytest.raises(ValueError):
        match_points(["A", "B"], results, best_of=5)


def test_match_points_reject_a_drawn_or_invalid_record() -> None:
    with pytest.raises(ValueError):
        match_points(["A", "B"], [played("A", "B", "11-5,5-11")])
    with pytest.raises(ValueError):
        match_points(["A", "B"], [played("A", "B", "11-10,11-5")])


# --------------------------------------------------------------------------
# Group ranking: NTTB published scenarios (nttb/tt-match-ranking), scored
# with ITTF match points (2/1/0).  All best of 5.
# --------------------------------------------------------------------------

SCENARIOS = {
    1: """
        C-D 11-7,11-3,11-9
        B-E 11-8,11-5,9-11,11-9
        A-F 11-4,9-11,7-11,11-8,12-10
        B-D 11-8,7-11,11-9,11-5
        C-F 11-9,9-11,7-11,12-10,11-8
        A-E 11-6,11-8,11-6
        E-F 8-11,11-7,11-6,9-11,11-8
        B-C 11-8,11-9,11-7
        A-D 11-5,11-3,11-6
        B-F 11-6,11-5,11-8
        D-E 9-11,12-10,11-5,11-8
        A-C 11-8,11-7,11-5
        D-F 11-7,11-5,10-12,11-9
        C-E 11-8,11-8,11-7
        A-B 8-11,7-11,11-9,12-10,11-8
    """,
    2: """
        C-D 7-11,8-11,9-11
        B-E 5-11,9-11,10-12
        A-F 11-5,11-9,11-7
        B-D 11-8,11-3,11-9
        C-F 11-5,11-7,11-4
        A-E 9-11,11-8,12-10,11-8
        E-F 9-11,7-11,10-12
        B-C 3-11,9-11,7-11
        A-D 11-5,11-8,11-3
        B-F 11-7,11-8,11-4
        D-E 11-9,11-9,11-9
        A-C 9-11,7-11,10-12
        D-F 8-11,6-11,9-11
        C-E 11-9,12-10,12-10
        A-B 11-9,11-8,11-6
    """,
    3: """
        C-D 9-11,8-11,9-11
        B-E 7-11,9-11,9-11
        A-F 10-12,10-12,10-12
        B-D 11-7,11-4,11-6
        C-F 11-3,11-7,11-9
        A-E 11-7,11-5,11-2
        E-F 11-9,11-5,11-8
        B-C 6-11,9-11,10-12
        A-D 11-3,11-0,11-4
        B-F 11-7,11-7,11-8
        D-E 11-8,11-9,11-5
        A-C 7-11,10-12,8-11
        D-F 5-11,4-11,8-11
        C-E 11-7,11-5,9-11,10-12,9-11
        A-B 11-8,11-7,11-2
    """,
    4: """
        C-D 11-7,10-12,6-11,11-9,8-11
        B-E 7-11,9-11,9-11
        A-F 10-12,10-12,10-12
        B-D 8-11,9-11,6-11
        C-F 11-3,6-11,11-7,9-11,11-8
        A-E 7-11,5-11,2-11
        E-F 11-9,11-5,8-11,11-7
        B-C 6-11,9-11,10-12
        A-D 11-3,0-11,11-4,9-11,11-8
        B-F 11-7,11-7,11-8
        D-E 8-11,9-11,5-11
        A-C 11-7,10-12,11-8,11-9
        D-F 7-11,11-6,7-11,11-6,10-12
        C-E 7-11,5-11,9-11
        A-B 11-8,11-7,9-11,11-2
    """,
    5: """
        C-D 11-7,13-11,9-11,11-8
        B-E 6-11,10-12,5-11
        A-F 8-11,11-9,7-11,8-11
        B-D 6-11,5-11,7-11
        C-F 11-2,3-11,11-7,11-8
        A-E 7-11,6-11,8-11
        E-F 7-11,1-11,7-11
        B-C 9-11,8-11,10-12
        A-D 6-11,12-10,13-11,8-11,11-9
        B-F 11-5,11-9,11-2
        D-E 8-11,6-11,7-11
        A-C 10-12,11-8,11-6,11-9
        D-F 6-11,11-9,8-11,10-12
        C-E 6-11,11-13,10-12
        A-B 11-3,11-6,9-11,11-9
    """,
    6: """
        C-D 11-5,11-7,10-12,11-2
        B-E 9-11,8-11,11-8,9-11
        A-F 11-8,10-12,11-9,9-11,11-5
        B-D 6-11,5-11,7-11
        C-F 3-11,11-4,11-8,7-11,8-11
        A-E 7-11,11-6,8-11,11-9,4-11
        E-F 7-11,12-10,9-11,13-11,6-11
        B-C 11-5,6-11,3-11,11-7,11-9
        A-D 9-11,11-7,12-10,7-11,11-4
        B-F 11-8,11-8,11-8
        D-E 11-6,11-9,11-8
        A-C 13-11,7-11,10-12,7-11
        D-F 7-11,12-10,6-11,11-13
        C-E 4-11,11-13,12-10,12-10,7-11
        A-B 11-9,11-3,6-11,7-11,12-10
    """,
    # In NTTB scenario 7 the fourth to sixth players added are F, E, D.
    7: """
        C-F 11-8,11-9,11-13,11-5
        B-E 11-8,13-11,11-9
        A-D 11-5,7-11,4-11,11-9,11-6
        B-F 11-7,11-9,6-11,9-11,13-11
        C-D 11-7,5-11,11-9,11-8
        A-E 11-7,15-13,11-6
        E-D 7-11,10-12,6-11
        B-C 7-11,14-12,11-5,10-12,11-7
        A-F 11-6,11-9,11-8
        B-D 13-11,11-7,11-2
        F-E 4-11,7-11,8-11
        A-C 11-8,13-11,15-17,4-11,10-12
        F-D 7-11,12-10,6-11,11-13
        C-E 11-4,11-9,13-11
        A-B 9-11,14-12,9-11,11-5,13-11
    """,
}

PLAYERS = ["A", "B", "C", "D", "E", "F"]

MP = Criterion.MATCH_POINTS
MP_TIED = Criterion.MATCH_POINTS_BETWEEN_TIED
GAMES = Criterion.GAMES_RATIO_BETWEEN_TIED
POINTS = Criterion.POINTS_RATIO_BETWEEN_TIED
LOT = Criterion.LOT


def scenario(number: int) -> list[Result]:
    results = []
    for line in SCENARIOS[number].strip().splitlines():
        pair, games = line.split()
        p1, p2 = pair.split("-")
        results.append(played(p1, p2, games))
    return results


def test_scenario_1_no_ties() -> None:
    results = scenario(1)
    assert match_points(PLAYERS, results) == {"A": 10, "B": 9, "C": 8, "D": 7, "E": 6, "F": 5}
    assert group_ranking_explained(PLAYERS, results) == [
        (["A"], MP),
        (["B"], MP),
        (["C"], MP),
        (["D"], MP),
        (["E"], MP),
        (["F"], MP),
    ]


def test_scenario_2_two_and_three_way_ties_settled_head_to_head() -> None:
    assert group_ranking_explained(PLAYERS, scenario(2)) == [
        (["C"], MP_TIED),
        (["A"], MP_TIED),
        (["B"], MP_TIED),
        (["F"], MP_TIED),
        (["D"], MP_TIED),
        (["E"], MP),
    ]


def test_scenario_3_three_way_tie_on_games_ratio() -> None:
    # A, C, E each beat one of the others: games 3/3, 5/3, 3/5 among them.
    assert group_ranking_explained(PLAYERS, scenario(3)) == [
        (["C"], GAMES),
        (["A"], GAMES),
        (["E"], GAMES),
        (["B"], MP_TIED),
        (["F"], MP_TIED),
        (["D"], MP_TIED),
    ]


def test_scenario_4_points_ratio_must_be_exact() -> None:
    # C, D, F are 5-5 in games; points 94/90 > 96/92 > 86/94.  C and D have
    # the same difference (+4), so only the exact ratio separates them.
    assert group_ranking_explained(PLAYERS, scenario(4)) == [
        (["E"], MP),
        (["A"], MP),
        (["C"], POINTS),
        (["D"], POINTS),
        (["F"], POINTS),
        (["B"], MP),
    ]


def test_scenario_5_unbreakable_three_way_tie_goes_to_lot() -> None:
    # A, C, F: one win each, 4-4 in games and 77/77, 71/71, 70/70 in points.
    # NTTB then looks at all group matches; ITTF 3.7.5.4 says lot.
    assert group_ranking_explained(PLAYERS, scenario(5)) == [
        (["E"], MP),
        (["A", "C", "F"], LOT),
        (["D"], MP_TIED),
        (["B"], MP_TIED),
    ]


def test_scenario_6_two_three_way_ties() -> None:
    assert group_ranking_explained(PLAYERS, scenario(6)) == [
        (["A", "E", "F"], LOT),
        (["D"], GAMES),
        (["C"], GAMES),
        (["B"], GAMES),
    ]


def test_scenario_7_lot_at_the_top() -> None:
    assert group_ranking(PLAYERS, scenario(7)) == [["A", "B", "C"], ["D"], ["E"], ["F"]]


# --------------------------------------------------------------------------
# Group ranking: the awkward cases
# --------------------------------------------------------------------------


def test_partial_split_restarts_with_only_the_matches_of_those_still_level() -> None:
    # A, B, C, D all have 8 match points.  Between them A has 6 and is
    # placed first; B, C, D (one win each among themselves) start again
    # without A's matches: games B 5/3, D 4/5, C 3/4.  Counting the matches
    # against A as well would give B 5/6, C 5/7, D 4/8: C before D.
    results = [
        played("A", "B", "11-5,11-5,11-5"),
        played("A", "C", "11-5,5-11,11-5,5-11,11-5"),
        played("A", "D", "11-5,11-5,11-5"),
        played("B", "C", "11-5,11-5,11-5"),
        played("C", "D", "11-5,5-11,11-5,11-5"),
        played("D", "B", "11-5,5-11,11-5,5-11,11-5"),
        played("E", "A", "11-5,11-5,11-5"),
        played("F", "A", "11-5,11-5,11-5"),
        played("B", "E", "11-5,11-5,11-5"),
        played("B", "F", "11-5,11-5,11-5"),
        played("C", "E", "11-5,11-5,11-5"),
        played("C", "F", "11-5,11-5,11-5"),
        played("D", "E", "11-5,11-5,11-5"),
        played("D", "F", "11-5,11-5,11-5"),
        played("E", "F", "11-5,11-5,11-5"),
    ]
    assert match_points(PLAYERS, results) == {"A": 8, "B": 8, "C": 8, "D": 8, "E": 7, "F": 6}
    assert group_ranking_explained(PLAYERS, results) == [
        (["A"], MP_TIED),
        (["B"], GAMES),
        (["D"], GAMES),
        (["C"], GAMES),
        (["E"], MP),
        (["F"], MP),
    ]


def test_games_ratio_splits_one_off_and_the_two_still_level_restart_head_to_head() -> None:
    # Five players, two wins each.  Games: D 10/7, B 9/8, E 9/8, C 8/10,
    # A 6/9.  B and E start again from match points between them: E beat B.
    # (Points over all five would put B above E: 149/137 against 147/145.)
    results = [
        played("A", "B", "11-3,11-3,3-11,11-7"),
        played("A", "C", "3-11,11-3,11-9,9-11,11-3"),
        played("A", "D", "9-11,3-11,3-11"),
        played("A", "E", "9-11,3-11,5-11"),
        played("B", "C", "11-7,11-9,11-5"),
        played("B", "D", "11-5,3-11,11-5,7-11,11-3"),
        played("B", "E", "11-5,9-11,9-11,11-7,9-11"),
        played("C", "D", "5-11,11-5,5-11,11-3,11-7"),
        played("C", "E", "7-11,11-3,3-11,11-9,11-5"),
        played("D", "E", "11-9,11-3,3-11,11-7"),
    ]
    players = ["A", "B", "C", "D", "E"]
    assert set(match_points(players, results).values()) == {6}
    assert group_ranking_explained(players, results) == [
        (["D"], GAMES),
        (["E"], MP_TIED),
        (["B"], MP_TIED),
        (["C"], GAMES),
        (["A"], GAMES),
    ]


def test_nothing_lost_ranks_above_any_ratio_and_walkovers_add_no_games() -> None:
    # All four have 4 match points.  A won its only played match 3-0 (and
    # the walkover over B brings no games), so its games ratio is 3/0.  Had
    # D's walkover over A counted as 3-0, A would be 3/3 and B (6/3) first.
    results = [
        walkover("A", "B", "A"),
        played("A", "C", "11-5,11-5,11-5"),
        walkover("D", "A", "D"),
        played("B", "C", "11-5,5-11,11-5,11-5"),
        played("B", "D", "11-5,5-11,11-5,5-11,11-5"),
        played("C", "D", "11-5,11-5,11-5"),
    ]
    players = ["A", "B", "C", "D"]
    assert match_points(players, results) == {"A": 4, "B": 4, "C": 4, "D": 4}
    assert group_ranking_explained(players, results) == [
        (["A"], GAMES),
        (["B"], GAMES),
        (["C"], GAMES),
        (["D"], GAMES),
    ]


def test_no_games_at_all_ranks_below_every_ratio() -> None:
    # All six have 6 match points.  Among all six F played no game (0/0),
    # B, D and E are 3/6, A and C 3/0 and 6/0.  C beat A by walkover, and
    # B, D, E beat each other in a circle 3-0: a lot.
    results = [
        walkover("A", "B", "A"),
        walkover("A", "C", "C"),
        played("A", "D", "11-5,11-5,11-5"),
        walkover("A", "E", "A"),
        walkover("A", "F", "F"),
        played("B", "C", "5-11,5-11,5-11"),
        played("B", "D", "11-5,11-5,11-5"),
        played("B", "E", "5-11,5-11,5-11"),
        walkover("B", "F", "B"),
        walkover("C", "D", "D"),
        played("C", "E", "11-5,11-5,11-5"),
        walkover("C", "F", "F"),
        played("D", "E", "11-5,11-5,11-5"),
        walkover("D", "F", "F"),
        walkover("E", "F", "E"),
    ]
    assert set(match_points(PLAYERS, results).values()) == {6}
    assert group_ranking_explained(PLAYERS, results) == [
        (["C"], MP_TIED),
        (["A"], MP_TIED),
        (["B", "D", "E"], LOT),
        (["F"], GAMES),
    ]


def test_all_walkovers_in_a_circle_cannot_be_separated() -> None:
    results = [walkover("A", "B", "A"), walkover("B", "C", "B"), walkover("C", "A", "C")]
    assert group_ranking_explained(["A", "B", "C"], results) == [(["A", "B", "C"], LOT)]


def test_identical_circle_is_a_lot_in_player_order() -> None:
    results = [
        played("A", "B", "11-5,11-5,11-5"),
        played("B", "C", "11-5,11-5,11-5"),
        played("C", "A", "11-5,11-5,11-5"),
        played("D", "A", "11-5,11-5,11-5"),
        played("D", "B", "11-5,11-5,11-5"),
        played("D", "C", "11-5,11-5,11-5"),
    ]
    assert group_ranking(["C", "A", "D", "B"], results) == [["D"], ["C", "A", "B"]]


def test_a_lone_player_and_an_empty_group() -> None:
    assert group_ranking(["A"], []) == [["A"]]
    assert group_ranking_explained(["A"], []) == [(["A"], MP)]
    assert group_ranking([], []) == []
    assert group_ranking(["A", "B"], []) == [["A", "B"]]


def test_walkover_loser_gets_no_match_point() -> None:
    # A and B both lost to C, but B's loss was a walkover: A 1 point, B 0.
    results = [walkover("B", "C", "C"), played("A", "C", "5-11,5-11,5-11")]
    assert group_ranking_explained(["A", "B", "C"], results) == [
        (["C"], MP),
        (["A"], MP),
        (["B"], MP),
    ]


def test_retirement_counts_zero_match_points_and_the_games_played() -> None:
    # A retired against B after winning the first two games.  Counted as a
    # played loss A would tie B and C on 3 points and lead on games (5/0).
    results = [
        MatchResult("A", "B", parse_games("11-5,11-5"), retired="A"),
        played("A", "C", "11-5,11-5,11-5"),
        played("B", "C", "5-11,5-11,5-11"),
    ]
    assert match_points(["A", "B", "C"], results) == {"A": 2, "B": 3, "C": 3}
    assert group_ranking_explained(["A", "B", "C"], results) == [
        (["C"], MP_TIED),
        (["B"], MP_TIED),
        (["A"], MP),
    ]


def test_retirement_records_completed_in_the_opponents_favour_are_accepted() -> None:
    record = MatchResult("A", "B", parse_games("11-5,7-11,0-11,0-11"), retired="A")
    assert group_ranking(["A", "B"], [record]) == [["B"], ["A"]]


@pytest.mark.parametrize(
    "games",
    [
        "11-5,11-5,11-5",  # the retiring player had already won
        "5-11,5-11,5-11,11-5",  # a game after the match was decided
        "11-10",  # not a finished game
    ],
)
def test_impossible_retirements_are_rejected(games: str) -> None:
    record = MatchResult("A", "B", parse_games(games), retired="A")
    with pytest.raises(ValueError):
        group_ranking(["A", "B"], [record])


@pytest.mark.parametrize(
    "games",
    [
        "11-10,11-5,11-5",
        "12-9,11-5,11-5",
        "11-5,11-5",
        "11-5,11-5,11-5,11-5",
        "11-5,5-11,11-5,5-11",
    ],
)
def test_invalid_match_in_a_group_is_rejected(games: str) -> None:
    with pytest.raises(ValueError):
        group_ranking(["A", "B"], [played("A", "B", games)])


def test_best_of_is_applied_to_every_match() -> None:
    results = [played("A", "B", "11-5,11-5")]
    assert group_ranking(["A", "B"], results, best_of=3) == [["A"], ["B"]]
    with pytest.raises(ValueError):
        group_ranking(["A", "B"], results)  # best of 5 by default
    with pytest.raises(ValueError):
        group_ranking(["A", "B"], [walkover("A", "B", "A")], best_of=4)


def test_unknown_or_repeated_players_are_rejected() -> None:
    with pytest.raises(ValueError):
        group_ranking(["A", "B"], [played("A", "C", "11-5,11-5,11-5")])
    with pytest.raises(ValueError):
        group_ranking(["A", "B", "A"], [])
    with pytest.raises(ValueError):
        match_points(["A"], [walkover("A", "B", "A")])


def test_criterion_values_are_plain_strings_for_the_ui() -> None:
    assert [str(c) for c in Criterion] == [
        "match points",
        "match points between tied",
        "games ratio between tied",
        "points ratio between tied",
        "lot",
    ]
    assert isinstance(Criterion.LOT, str)
    assert Criterion("lot") is Criterion.LOT


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------


def random_group(seed: int, size: int, walkover_share: float) -> list[Result]:
    rng = random.Random(seed)
    players = [chr(ord("A") + i) for i in range(size)]
    results = []
    for p1, p2 in combinations(players, 2):
        winner_first = rng.random() < 0.5
        if rng.random() < walkover_share:
            results.append(walkover(p1, p2, p1 if winner_first else p2))
            continue
        lost = rng.randint(0, 2)
        order = [True, True] + [False] * lost
        rng.shuffle(order)
        games = []
        for winner_game in [*order, True]:
            score = rng.choice([(11, rng.randint(0, 9)), (12, 10), (13, 11)])
            games.append(score if winner_game else (score[1], score[0]))
        if not winner_first:
            games = [(b, a) for a, b in games]
        results.append(MatchResult(p1, p2, tuple(games)))
    return results


@given(
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=2, max_value=7),
    st.sampled_from([0.0, 0.2, 0.5]),
    st.randoms(use_true_random=False),
)
def test_ranking_is_a_partition_ordered_by_match_points_and_ignores_input_order(
    seed: int, size: int, walkover_share: float, rng: random.Random
) -> None:
    results = random_group(seed, size, walkover_share)
    players = [chr(ord("A") + i) for i in range(size)]
    explained = group_ranking_explained(players, results)
    groups = [group for group, _ in explained]
    assert sorted(p for group in groups for p in group) == players
    points = match_points(players, results)
    flat = [points[group[0]] for group in groups]
    assert flat == sorted(flat, reverse=True)
    for group, criterion in explained:
        assert len({points[p] for p in group}) == 1
        assert (criterion == Criterion.LOT) == (len(group) > 1)
    shuffled_players = players[:]
    rng.shuffle(shuffled_players)
    shuffled_results = results[:]
    rng.shuffle(shuffled_results)
    again = group_ranking(shuffled_players, shuffled_results)
    assert [sorted(group) for group in again] == [sorted(group) for group in groups]
