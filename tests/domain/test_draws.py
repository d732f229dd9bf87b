"""Round robins (FIDE Berger tables), groups, knockout brackets and court schedules."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventsys.domain.draws import (
    THIRD_PLACE_MATCH_INDEX,
    Block,
    Booking,
    Slot,
    berger_rounds,
    bracket_positions,
    bracket_size,
    court_schedule,
    day_schedule,
    double_round_robin,
    first_round,
    group_match_order,
    knockout_rounds,
    loser_next_slot,
    next_free_slot,
    next_match_slot,
    rested,
    snake_groups,
)

# The FIDE Berger tables (FIDE Handbook C.05, Annex 1), one line per round,
# white first, boards in published order.
PUBLISHED_BERGER = {
    4: """
        1-4 2-3
        4-3 1-2
        2-4 3-1
    """,
    6: """
        1-6 2-5 3-4
        6-4 5-3 1-2
        2-6 3-1 4-5
        6-5 1-4 2-3
        3-6 4-2 5-1
    """,
    8: """
        1-8 2-7 3-6 4-5
        8-5 6-4 7-3 1-2
        2-8 3-1 4-7 5-6
        8-6 7-5 1-4 2-3
        3-8 4-2 5-1 6-7
        8-7 1-6 2-5 3-4
        4-8 5-3 6-2 7-1
    """,
    10: """
        1-10 2-9 3-8 4-7 5-6
        10-6 7-5 8-4 9-3 1-2
        2-10 3-1 4-9 5-8 6-7
        10-7 8-6 9-5 1-4 2-3
        3-10 4-2 5-1 6-9 7-8
        10-8 9-7 1-6 2-5 3-4
        4-10 5-3 6-2 7-1 8-9
        10-9 1-8 2-7 3-6 4-5
        5-10 6-4 7-3 8-2 9-1
    """,
    12: """
        1-12 2-11 3-10 4-9 5-8 6-7
        12-7 8-6 9-5 10-4 11-3 1-2
        2-12 3-1 4-11 5-10 6-9 7-8
        12-8 9-7 10-6 11-5 1-4 2-3
        3-12 4-2 5-1 6-11 7-10 8-9
        12-9 10-8 11-7 1-6 2-5 3-4
        4-12 5-3 6-2 7-1 8-11 9-10
        12-10 11-9 1-8 2-7 3-6 4-5
        5-12 6-4 7-3 8-2 9-1 10-11
        12-11 1-10 2-9 3-8 4-7 5-6
        6-12 7-5 8-4 9-3 10-2 11-1
    """,
    14: """
        1-14 2-13 3-12 4-11 5-10 6-9 7-8
        14-8 9-7 10-6 11-5 12-4 13-3 1-2
        2-14 3-1 4-13 5-12 6-11 7-10 8-9
        14-9 10-8 11-7 12-6 13-5 1-4 2-3
        3-14 4-2 5-1 6-13 7-12 8-11 9-10
        14-10 11-9 12-8 13-7 1-6 2-5 3-4
        4-14 5-3 6-2 7-1 8-13 9-12 10-11
        14-11 12-10 13-9 1-8 2-7 3-6 4-5
        5-14 6-4 7-3 8-2 9-1 10-13 11-12
        14-12 13-11 1-10 2-9 3-8 4-7 5-6
        6-14 7-5 8-4 9-3 10-2 11-1 12-13
        14-13 1-12 2-11 3-10 4-9 5-8 6-7
        7-14 8-6 9-5 10-4 11-3 12-2 13-1
    """,
}


def parse_table(text: str) -> list[list[tuple[int, int]]]:
    rounds = []
    for line in text.strip().splitlines():
        pairs = []
        for pair in line.split():
            white, black = pair.split("-")
            pairs.append((int(white), int(black)))
        rounds.append(pairs)
    return rounds


# --------------------------------------------------------------------------
# Berger tables
# --------------------------------------------------------------------------


@pytest.mark.parametrize("n", sorted(PUBLISHED_BERGER))
def test_even_tables_match_fide_exactly(n: int) -> None:
    assert berger_rounds(n) == parse_table(PUBLISHED_BERGER[n])


def test_brief_examples() -> None:
    assert berger_rounds(4) == [[(1, 4), (2, 3)], [(4, 3), (1, 2)], [(2, 4), (3, 1)]]
    assert berger_rounds(6)[:2] == [[(1, 6), (2, 5), (3, 4)], [(6, 4), (5, 3), (1, 2)]]


def test_three_players_use_the_four_player_table_with_byes() -> None:
    assert berger_rounds(3) == [
        [(1, None), (2, 3)],
        [(3, None), (1, 2)],
        [(2, None), (3, 1)],
    ]


def test_five_players_bye_sits_where_the_dummy_six_would_play() -> None:
    assert berger_rounds(5) == [
        [(1, None), (2, 5), (3, 4)],
        [(4, None), (5, 3), (1, 2)],
        [(2, None), (3, 1), (4, 5)],
        [(5, None), (1, 4), (2, 3)],
        [(3, None), (4, 2), (5, 1)],
    ]


@pytest.mark.parametrize("n", [3, 5, 7, 9, 11, 13])
def test_odd_tables_are_the_next_even_table_with_the_top_number_as_bye(n: int) -> None:
    # FIDE: "if there is an odd number of players, the highest number counts as a bye".
    even = parse_table(PUBLISHED_BERGER[n + 1])
    expected = [
        [(b, None) if a == n + 1 else (a, None) if b == n + 1 else (a, b) for a, b in round_]
        for round_ in even
    ]
    assert berger_rounds(n) == expected


def test_two_players_play_one_round() -> None:
    assert berger_rounds(2) == [[(1, 2)]]


@pytest.mark.parametrize("n", [-1, 0, 1])
def test_too_few_players_is_rejected(n: int) -> None:
    with pytest.raises(ValueError):
        berger_rounds(n)


@pytest.mark.parametrize("n", [4.0, "4", True])
def test_non_int_player_count_is_a_type_error(n: object) -> None:
    with pytest.raises(TypeError):
        berger_rounds(n)  # type: ignore[arg-type]


@given(st.integers(min_value=2, max_value=30))
def test_every_pair_meets_exactly_once_and_nobody_plays_twice_in_a_round(n: int) -> None:
    rounds = berger_rounds(n)
    assert len(rounds) == n - 1 + n % 2
    meetings: Counter[frozenset[int]] = Counter()
    for round_ in rounds:
        seen = [p for pair in round_ for p in pair if p is not None]
        assert len(seen) == len(set(seen)) == n
        meetings.update(frozenset((a, b)) for a, b in round_ if b is not None)
    assert set(meetings) == {frozenset(pair) for pair in combinations(range(1, n + 1), 2)}
    assert set(meetings.values()) == {1}


@given(st.integers(min_value=3, max_value=31).filter(lambda n: n % 2 == 1))
def test_odd_fields_give_one_bye_a_round_and_one_bye_each(n: int) -> None:
    rounds = berger_rounds(n)
    byes = []
    for round_ in rounds:
        round_byes = [a for a, b in round_ if b is None]
        assert len(round_byes) == 1
        assert round_[0][1] is None  # the dummy always plays on board 1
        byes.extend(round_byes)
    assert sorted(byes) == list(range(1, n + 1))


@given(st.integers(min_value=2, max_value=30))
def test_colours_are_balanced_within_one(n: int) -> None:
    balance: Counter[int] = Counter()
    for round_ in berger_rounds(n):
        for white, black in round_:
            if black is not None:
                balance[white] += 1
                balance[black] -= 1
    assert all(abs(balance[player]) <= 1 for player in range(1, n + 1))


# --------------------------------------------------------------------------
# Double round robin and group order
# --------------------------------------------------------------------------


def test_double_round_robin_repeats_the_rounds_with_colours_swapped() -> None:
    assert double_round_robin(4) == [
        [(1, 4), (2, 3)],
        [(4, 3), (1, 2)],
        [(2, 4), (3, 1)],
        [(4, 1), (3, 2)],
        [(3, 4), (2, 1)],
        [(4, 2), (1, 3)],
    ]


def test_double_round_robin_keeps_byes_as_player_none() -> None:
    rounds = double_round_robin(3)
    assert rounds[3:] == [[(1, None), (3, 2)], [(3, None), (2, 1)], [(2, None), (1, 3)]]


@given(st.integers(min_value=2, max_value=20))
def test_double_round_robin_plays_each_pair_once_with_each_colour(n: int) -> None:
    games = Counter(
        pair for round_ in double_round_robin(n) for pair in round_ if pair[1] is not None
    )
    assert set(games) == {(a, b) for a in range(1, n + 1) for b in range(1, n + 1) if a != b}
    assert set(games.values()) == {1}


def test_group_of_four_follows_the_ittf_order() -> None:
    assert group_match_order(4) == [[(1, 4), (2, 3)], [(1, 3), (2, 4)], [(1, 2), (3, 4)]]


def test_group_of_three_keeps_one_against_two_for_last() -> None:
    assert group_match_order(3) == [[(2, 3)], [(1, 3)], [(1, 2)]]


@given(st.integers(min_value=2, max_value=16))
def test_group_order_is_a_round_robin_with_the_top_seeds_meeting_last(n: int) -> None:
    rounds = group_match_order(n)
    assert (1, 2) in rounds[-1]
    assert all((1, 2) not in round_ for round_ in rounds[:-1])
    matches = [pair for round_ in rounds for pair in round_]
    assert sorted(matches) == list(combinations(range(1, n + 1), 2))
    for round_ in rounds:
        players = [p for pair in round_ for p in pair]
        assert len(players) == len(set(players))


# --------------------------------------------------------------------------
# Snake groups
# --------------------------------------------------------------------------


def test_snake_sixteen_into_four() -> None:
    assert snake_groups(16, 4) == [[1, 8, 9, 16], [2, 7, 10, 15], [3, 6, 11, 14], [4, 5, 12, 13]]


def test_snake_uneven_count_continues_the_serpentine() -> None:
    # Row 4 runs right to left, so seed 10 lands in the last group.
    assert snake_groups(10, 3) == [[1, 6, 7], [2, 5, 8], [3, 4, 9, 10]]
    assert snake_groups(7, 3) == [[1, 6, 7], [2, 5], [3, 4]]


def test_snake_edge_sizes() -> None:
    assert snake_groups(5, 1) == [[1, 2, 3, 4, 5]]
    assert snake_groups(3, 3) == [[1], [2], [3]]


@pytest.mark.parametrize(("seeds", "groups"), [(4, 5), (4, 0), (4, -1), (0, 1)])
def test_snake_rejects_impossible_splits(seeds: int, groups: int) -> None:
    with pytest.raises(ValueError):
        snake_groups(seeds, groups)


@given(st.integers(min_value=1, max_value=64), st.data())
def test_snake_deals_every_seed_once_in_even_groups(seeds: int, data: st.DataObject) -> None:
    groups = data.draw(st.integers(min_value=1, max_value=seeds))
    dealt = snake_groups(seeds, groups)
    assert len(dealt) == groups
    assert sorted(s for group in dealt for s in group) == list(range(1, seeds + 1))
    sizes = [len(group) for group in dealt]
    assert max(sizes) - min(sizes) <= 1
    # The top seeds head the groups in order.
    assert [group[0] for group in dealt] == list(range(1, groups + 1))


# --------------------------------------------------------------------------
# Knockout brackets
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "lines"),
    [
        (1, [1]),
        (2, [1, 2]),
        (4, [1, 4, 2, 3]),
        (8, [1, 8, 4, 5, 2, 7, 3, 6]),
        (16, [1, 16, 8, 9, 4, 13, 5, 12, 2, 15, 7, 10, 3, 14, 6, 11]),
    ],
)
def test_bracket_positions(size: int, lines: list[int]) -> None:
    assert bracket_positions(size) == lines


@pytest.mark.parametrize("size", [0, -2, 3, 6, 12, 24, 100])
def test_bracket_size_must_be_a_power_of_two(size: int) -> None:
    with pytest.raises(ValueError):
        bracket_positions(size)


@given(st.integers(min_value=1, max_value=9))
def test_seeds_are_spread_so_the_top_k_meet_only_in_the_last_rounds(exponent: int) -> None:
    size = 2**exponent
    lines = bracket_positions(size)
    assert sorted(lines) == list(range(1, size + 1))
    for top, bottom in zip(lines[::2], lines[1::2], strict=True):
        assert top + bottom == size + 1
    k = 2
    while k <= size:
        # Seeds 1..k sit in k different blocks of size/k lines.
        block = size // k
        blocks = {lines.index(seed) // block for seed in range(1, k + 1)}
        assert len(blocks) == k
        k *= 2


def test_first_round_of_six_gives_byes_to_the_top_seeds() -> None:
    assert first_round(6) == [(1, None), (4, 5), (2, None), (3, 6)]


@pytest.mark.parametrize(
    ("entries", "pairs"),
    [
        (2, [(1, 2)]),
        (3, [(1, None), (2, 3)]),
        (4, [(1, 4), (2, 3)]),
        (5, [(1, None), (4, 5), (2, None), (3, None)]),
        (8, [(1, 8), (4, 5), (2, 7), (3, 6)]),
    ],
)
def test_first_round(entries: int, pairs: list[tuple[int, int | None]]) -> None:
    assert first_round(entries) == pairs


@pytest.mark.parametrize("entries", [1, 0, -3])
def test_first_round_needs_two_entries(entries: int) -> None:
    with pytest.raises(ValueError):
        first_round(entries)


@given(st.integers(min_value=2, max_value=300))
def test_first_round_byes_fall_to_the_top_seeds(entries: int) -> None:
    size = bracket_size(entries)
    assert size >= entries > size // 2
    pairs = first_round(entries)
    assert len(pairs) == size // 2
    byes = sorted(top for top, bottom in pairs if bottom is None)
    assert byes == list(range(1, size - entries + 1))
    seen = sorted(p for pair in pairs for p in pair if p is not None)
    assert seen == list(range(1, entries + 1))
    assert knockout_rounds(entries) == size.bit_length() - 1


def test_winners_move_to_half_the_match_index() -> None:
    assert next_match_slot(0, 0) == (1, 0, 0)
    assert next_match_slot(0, 1) == (1, 0, 1)
    assert next_match_slot(0, 6) == Slot(1, 3, 0)
    assert next_match_slot(2, 3, rounds=5) == (3, 1, 1)


@given(st.integers(min_value=2, max_value=7), st.data())
def test_winners_of_a_round_fill_the_next_round_exactly_once(
    rounds: int, data: st.DataObject
) -> None:
    round_index = data.draw(st.integers(min_value=0, max_value=rounds - 2))
    matches = 2 ** (rounds - 1 - round_index)
    slots = [next_match_slot(round_index, m, rounds=rounds) for m in range(matches)]
    assert sorted(slots) == [
        (round_index + 1, m, side) for m in range(matches // 2) for side in (0, 1)
    ]


def test_no_slot_after_the_final() -> None:
    with pytest.raises(ValueError):
        next_match_slot(2, 0, rounds=3)
    with pytest.raises(ValueError):
        next_match_slot(0, 4, rounds=3)  # round 0 of 3 has matches 0..3
    with pytest.raises(ValueError):
        next_match_slot(-1, 0)


def test_semi_final_losers_play_for_third_only_when_asked() -> None:
    assert loser_next_slot(1, 0, rounds=3, third_place_match=True) == (
        2,
        THIRD_PLACE_MATCH_INDEX,
        0,
    )
    assert loser_next_slot(1, 1, rounds=3, third_place_match=True) == (
        2,
        THIRD_PLACE_MATCH_INDEX,
        1,
    )
    assert loser_next_slot(1, 0, rounds=3) is None
    assert loser_next_slot(0, 2, rounds=3, third_place_match=True) is None
    assert loser_next_slot(2, 0, rounds=3, third_place_match=True) is None


# --------------------------------------------------------------------------
# Court schedule
# --------------------------------------------------------------------------


def test_group_of_four_on_two_courts_plays_three_slots() -> None:
    matches = [pair for round_ in group_match_order(4) for pair in round_]
    assert court_schedule(matches, 2) == [
        Booking(0, 0, 0, (1, 4)),
        Booking(0, 1, 1, (2, 3)),
        Booking(1, 0, 2, (1, 3)),
        Booking(1, 1, 3, (2, 4)),
        Booking(2, 0, 4, (1, 2)),
        Booking(2, 1, 5, (3, 4)),
    ]


def test_rest_leaves_empty_slots_between_a_teams_matches() -> None:
    matches = [("a", "b"), ("a", "c"), ("d", "e")]
    assert court_schedule(matches, 3, min_rest=1) == [
        Booking(0, 0, 0, ("a", "b")),
        Booking(0, 1, 2, ("d", "e")),
        Booking(2, 0, 1, ("a", "c")),
    ]


def test_free_courts_are_filled_from_later_rounds() -> None:
    # (c, d) cannot go first on the single court, but (e, f) may use the
    # second court while c rests.
    matches = [("a", "c"), ("c", "d"), ("e", "f")]
    assert court_schedule(matches, 2, min_rest=1) == [
        Booking(0, 0, 0, ("a", "c")),
        Booking(0, 1, 2, ("e", "f")),
        Booking(2, 0, 1, ("c", "d")),
    ]


def test_a_team_never_skips_ahead_of_its_own_earlier_match() -> None:
    # 1-3 waits for 3 to rest, so 1-2 (listed later) must wait too, keeping
    # the deciding match last even though 1 and 2 are free.
    matches = [(3, 4), (1, 3), (1, 2)]
    bookings = court_schedule(matches, 3, min_rest=1)
    slot_of = {b.match_index: b.slot for b in bookings}
    assert slot_of == {0: 0, 1: 2, 2: 4}


@pytest.mark.parametrize("courts", [0, -1])
def test_no_courts_is_impossible(courts: int) -> None:
    with pytest.raises(ValueError):
        court_schedule([(1, 2)], courts)


def test_bad_schedule_inputs() -> None:
    with pytest.raises(ValueError):
        court_schedule([(1, 2)], 1, min_rest=-1)
    with pytest.raises(ValueError):
        court_schedule([(1, 1)], 1)
    assert court_schedule([], 2) == []


@given(
    st.lists(
        st.tuples(st.integers(0, 7), st.integers(0, 7)).filter(lambda p: p[0] != p[1]),
        max_size=25,
    ),
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=0, max_value=3),
)
def test_schedule_respects_courts_rest_and_team_order(
    matches: list[tuple[int, int]], courts: int, rest: int
) -> None:
    bookings = court_schedule(matches, courts, min_rest=rest)
    assert sorted(b.match_index for b in bookings) == list(range(len(matches)))
    assert bookings == sorted(bookings, key=lambda b: (b.slot, b.court))
    per_slot: Counter[int] = Counter(b.slot for b in bookings)
    assert max(per_slot.values(), default=0) <= courts
    for b in bookings:
        assert b.teams == matches[b.match_index]
        assert 0 <= b.court < courts
    last_slot: dict[int, tuple[int, int]] = {}
    for b in sorted(bookings, key=lambda b: b.match_index):
        for team in b.teams:
            if team in last_slot:
                previous_slot, previous_index = last_slot[team]
                # Listed order is kept and at least `rest` empty slots pass.
                assert b.slot - previous_slot >= rest + 1
                assert previous_index < b.match_index
            last_slot[team] = (b.slot, b.match_index)
    # Greedy: the first slot is always used to the full.
    if matches:
        assert per_slot[0] >= 1


# ---- the rest rule and deciding matches held for last --------------------------------------------


def test_a_team_plays_again_after_its_rest() -> None:
    assert next_free_slot(3, 0) == 4
    assert next_free_slot(3, 2) == 6  # slots 4 and 5 stay empty


@pytest.mark.parametrize(
    ("slot", "other", "rest", "expected"),
    [(3, 4, 0, True), (3, 3, 0, False), (3, 6, 2, True), (6, 3, 2, True), (3, 5, 2, False)],
)
def test_two_matches_of_a_team_leave_it_its_rest(
    slot: int, other: int, rest: int, expected: bool
) -> None:
    assert rested(slot, other, rest) is expected


def test_a_deciding_match_comes_after_the_rest_of_its_group() -> None:
    # Group A's 1-2 match is held back; group B's match fills the second court.
    matches = [(1, 2), (3, 4), (1, 3), (2, 4), (5, 6)]
    bookings = court_schedule(matches, 2, groups=["A", "A", "A", "A", "B"], last=[0])
    assert bookings == [
        Booking(0, 0, 1, (3, 4)),
        Booking(0, 1, 4, (5, 6)),
        Booking(1, 0, 2, (1, 3)),
        Booking(1, 1, 3, (2, 4)),
        Booking(2, 0, 0, (1, 2)),
    ]


def test_a_held_match_may_share_its_groups_last_slot_on_a_free_court() -> None:
    matches = [(1, 2), (3, 4), (5, 6)]
    groups = ["A", "A", "B"]
    assert court_schedule(matches, 3, groups=groups, last=[0])[2] == Booking(0, 2, 0, (1, 2))
    # With the courts all taken it waits for the next free one.
    assert court_schedule(matches, 2, groups=groups, last=[0])[2] == Booking(1, 0, 0, (1, 2))
    # Its teams rest as well: 1 played in slot 0, so with a rest of 1 it plays in slot 2.
    rest = court_schedule([(1, 2), (1, 3)], 2, min_rest=1, groups=["A", "A"], last=[0])
    assert rest == [Booking(0, 0, 1, (1, 3)), Booking(2, 0, 0, (1, 2))]


def test_held_matches_need_the_groups() -> None:
    with pytest.raises(ValueError, match="groups"):
        court_schedule([(1, 2), (3, 4)], 1, last=[0])
    with pytest.raises(ValueError, match="one group per match"):
        court_schedule([(1, 2), (3, 4)], 1, groups=["A"])


def test_a_day_places_a_group_stage_then_each_knockout_round_after_the_rest() -> None:
    # A group of three on two courts with one slot of rest, then semi-finals and a final: each
    # round starts once every team of the one before has rested (slot + 1 + rest), and a
    # knockout round ignores the rest inside itself (each team plays once in it).
    group = Block([("a", "b"), ("a", "c"), ("b", "c")], groups=[1, 1, 1])
    semis = Block([("w", "x"), ("y", "z")], rested_inside=False)
    empty = Block([], rested_inside=False)  # a round of byes only takes no slot
    final = Block([("sf1", "sf2")], rested_inside=False)
    placed = day_schedule([group, semis, empty, final], 2, rest=1)
    assert [[(b.slot, b.court, b.match_index) for b in block] for block in placed] == [
        [(0, 0, 0), (2, 0, 1), (4, 0, 2)],
        [(6, 0, 0), (6, 1, 1)],
        [],
        [(8, 0, 0)],
    ]
    # No rest: the stages follow each other slot after slot.
    assert [b.slot for block in day_schedule([group, final], 1) for b in block] == [0, 1, 2, 3]
