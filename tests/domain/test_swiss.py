"""Swiss-system rules (eventsys.domain.swiss): scores, tie-breaks by FIDE C.07 (2023) Art. 16
and the 中国象棋协会 rules, standings, and the pairing's rule checks. Worked by hand below."""

from __future__ import annotations

from fractions import Fraction

import pytest

from eventsys.domain import swiss

F = Fraction

# Four players, three rounds, 象棋 points 2/1/0. Round 3: 3 wins by forfeit against 4.
SMALL = [
    [(1, 3, "1-0"), (2, 4, "1/2")],
    [(4, 1, "0-1"), (3, 2, "1/2")],
    [(1, 2, "1/2"), (3, 4, "+-")],
]
# Player 1 wins twice over the board, then loses round 3 by forfeit to 4.
FORFEIT_LOSS = [
    [(1, 2, "1-0"), (3, 4, "1/2")],
    [(3, 1, "0-1"), (4, 2, "1/2")],
    [(1, 4, "-+"), (2, 3, "1-0")],
]
P = [1, 2, 3, 4]


def test_scores_count_forfeits_as_results_and_a_bye_as_a_win() -> None:
    assert swiss.score(P, SMALL) == {1: 5, 2: 3, 3: 3, 4: 1}
    rounds = [[(1, 2, "1-0"), (3, None, "bye")]]
    assert swiss.score([1, 2, 3], rounds) == {1: 2, 2: 0, 3: 2}
    assert swiss.score([1, 2, 3], rounds, bye_points=1) == {1: 2, 2: 0, 3: 1}
    chess = swiss.score(P, SMALL, points=(1, 0.5, 0))
    assert chess == {1: F(5, 2), 2: F(3, 2), 3: F(3, 2), 4: F(1, 2)}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # opponents' final scores; 3's and 4's forfeit round counts as their own score
        ("buchholz", {1: 3 + 1 + 3, 2: 1 + 3 + 5, 3: 5 + 3 + 3, 4: 3 + 5 + 1}),
        ("buchholz_cut1", {1: 6, 2: 8, 3: 8, 4: 8}),
        ("median_buchholz", {1: 3, 2: 3, 3: 3, 4: 3}),
        ("sonneborn_berger", {1: 3 * 2 + 1 * 2 + 3 * 1, 2: 1 + 3 + 5, 3: 0 + 3 + 3 * 2, 4: 3}),
        ("progressive", {1: 2 + 4 + 5, 2: 1 + 2 + 3, 3: 0 + 1 + 3, 4: 1 + 1 + 1}),
        ("wins", {1: 2, 2: 0, 3: 0, 4: 0}),  # 3's forfeit win is no game won
        ("black_wins", {1: 1, 2: 0, 3: 0, 4: 0}),
        ("games_as_black", {1: 1, 2: 2, 3: 1, 4: 1}),  # 4's forfeit round gives no colour
    ],
)
def test_tiebreaks_worked_by_hand(name: str, expected: dict[int, int]) -> None:
    assert swiss.tiebreak(P, SMALL, name) == {p: F(v) for p, v in expected.items()}


def test_the_cut_removes_a_forfeit_loss_rather_than_the_lowest_opponent() -> None:
    assert swiss.score(P, FORFEIT_LOSS) == {1: 4, 2: 3, 3: 1, 4: 4}
    buchholz = swiss.tiebreak(P, FORFEIT_LOSS, "buchholz")
    assert buchholz[1] == 3 + 1 + 4 and buchholz[4] == 1 + 3 + 4
    cut = swiss.tiebreak(P, FORFEIT_LOSS, "buchholz_cut1")
    assert cut[1] == 3 + 1  # the forfeit round (own score 4) goes, not the weakest opponent
    assert cut[4] == 3 + 4  # no forfeit loss: the lowest (opponent 3's 1) goes
    assert swiss.tiebreak(P, FORFEIT_LOSS, "median_buchholz")[1] == 1
    assert swiss.tiebreak(P, FORFEIT_LOSS, "sonneborn_berger")[4] == 1 * 1 + 3 * 1 + 4 * 2


def test_standings_split_ties_criterion_by_criterion() -> None:
    assert swiss.standings(P, SMALL, ["buchholz"]) == [[1], [3], [2], [4]]
    assert swiss.standings(P, SMALL, ["wins"]) == [[1], [2, 3], [4]]
    # 2 and 3 drew their game: the direct encounter does not split them, Buchholz does
    assert swiss.standings(P, SMALL, ["direct_encounter", "buchholz"]) == [[1], [3], [2], [4]]
    assert swiss.standings(P, FORFEIT_LOSS, ["buchholz_cut1"]) == [[4], [1], [2], [3]]
    # 1 and 4 never met over the board (a forfeit is no meeting): no split
    assert swiss.standings(P, FORFEIT_LOSS, ["direct_encounter"]) == [[1, 4], [2], [3]]


def test_direct_encounter_splits_only_a_group_whose_members_all_met() -> None:
    cycle = [
        [(1, 2, "1-0"), (3, 4, "1-0")],
        [(2, 3, "1-0"), (1, 4, "1-0")],
        [(3, 1, "1-0"), (2, 4, "1-0")],
    ]
    # 1 > 2 > 3 > 1 and all beat 4: the three met, but each scored 2 against the others
    assert swiss.score(P, cycle) == {1: 4, 2: 4, 3: 4, 4: 0}
    assert swiss.standings(P, cycle, ["direct_encounter"]) == [[1, 2, 3], [4]]
    pair = [[(1, 2, "1-0"), (3, 4, "1/2")], [(1, 3, "0-1"), (2, 4, "1-0")]]
    assert swiss.score(P, pair) == {1: 2, 2: 2, 3: 3, 4: 1}
    assert swiss.standings(P, pair, ["direct_encounter"]) == [[3], [1], [2], [4]]
    six = [
        [(1, 2, "1-0"), (3, 4, "1-0"), (5, 6, "1-0")],
        [(2, 3, "1-0"), (4, 5, "1-0"), (6, 1, "1-0")],
    ]
    # all six on 2 points; 1 beat 2, but 1 never met 3: the group is not split
    assert swiss.standings(list(range(1, 7)), six, ["direct_encounter"]) == [[1, 2, 3, 4, 5, 6]]


def test_the_deciding_criterion_is_named() -> None:
    places, scores, columns = swiss.ranked(
        swiss.history(P, SMALL, swiss.Scheme.of()), ["wins", "buchholz"]
    )
    assert [(p.players, p.decided_by) for p in places] == [
        ([1], "score"),
        ([3], "buchholz"),
        ([2], "buchholz"),
        ([4], "score"),
    ]
    assert scores[1] == 5 and columns["wins"][1] == 2


def test_an_absent_round_is_an_unplayed_loss() -> None:
    late = [[(1, 2, "1-0")], [(1, 3, "1/2"), (2, None, "bye")]]  # 3 joined in round 2
    assert swiss.score([1, 2, 3], late) == {1: 3, 2: 2, 3: 1}
    assert swiss.tiebreak([1, 2, 3], late, "buchholz")[3] == 1 + 3  # own score, then 1's


@pytest.mark.parametrize(
    ("rounds", "code"),
    [
        ([[(1, 2, "1-0"), (2, 3, "1-0")]], "paired_twice"),
        ([[(1, 9, "1-0")]], "unknown_player"),
        ([[(1, 2, "2-0")]], "outcome"),
        ([[(1, None, "1-0")]], "game"),
        ([[(1, 1, "1/2")]], "game"),
        ([[(1, 2, "bye")]], "game"),
    ],
)
def test_bad_rounds_are_refused_with_a_code(rounds: list, code: str) -> None:
    with pytest.raises(swiss.SwissError) as refused:
        swiss.score([1, 2, 3], rounds)
    assert refused.value.code == code


def test_unknown_or_repeated_tiebreaks_are_refused() -> None:
    with pytest.raises(swiss.SwissError, match="unknown tie-break"):
        swiss.tiebreak(P, SMALL, "koya")
    with pytest.raises(swiss.SwissError):
        swiss.standings(P, SMALL, ["buchholz", "buchholz"])


def test_forbidden_colours() -> None:
    rounds = [[(1, 2, "1-0"), (3, 4, "1-0")], [(1, 3, "1/2"), (4, 2, "1/2")]]
    state = swiss.pairing_state(P, rounds)
    assert swiss.forbidden(state, 1, swiss.FIRST)  # first twice running
    assert not swiss.forbidden(state, 1, swiss.SECOND)
    assert swiss.forbidden(state, 2, swiss.SECOND)
    assert not swiss.forbidden(state, 3, swiss.FIRST)  # second then first
    assert swiss.orient(state, 1, 2) == (2, 1)


def test_rule_breaks_are_reported_for_the_arbiter() -> None:
    rounds = [[(1, 2, "1-0"), (3, None, "bye")]]
    state = swiss.pairing_state([1, 2, 3], rounds)
    breaks = swiss.rule_breaks(state, [(1, 2), (3, None)])
    assert {(b.code, b.players) for b in breaks} == {("rematch", (1, 2)), ("second_bye", (3,))}
    assert swiss.rule_breaks(state, [(3, 1), (2, None)]) == []
    assert [b.code for b in swiss.rule_breaks(state, [(3, 1)])] == ["missing"]


def test_round_one_pairs_the_top_half_against_the_bottom_half() -> None:
    assert swiss.first_round([1, 2, 3, 4, 5, 6]) == [(1, 4), (5, 2), (3, 6)]
    assert swiss.first_round([1, 2, 3, 4, 5]) == [(1, 3), (4, 2), (5, None)]
