"""Bracket progression (eventsys.domain.bracket): winners and losers moved on, byes, group
places, and corrections that re-derive (or, unconfirmed, are blocked by) later results."""

from __future__ import annotations

from dataclasses import replace

import pytest

from eventsys.domain import bracket
from eventsys.domain.bracket import BracketMatch, ByesThrough, Decided, GroupOrder

# A four-team knockout with a third-place match (ITTF and gateball events play one when the
# bronze is not shared): semi-finals 1 and 2, the final 3, the third-place match 4.
SF1, SF2, FINAL, THIRD = 1, 2, 3, 4


def four(**changes: BracketMatch[str]) -> list[BracketMatch[str]]:
    matches = {
        SF1: BracketMatch(SF1, "A", "D", next_match=FINAL, next_side="a", loser_next_match=THIRD),
        SF2: BracketMatch(
            SF2,
            "B",
            "C",
            next_match=FINAL,
            next_side="b",
            loser_next_match=THIRD,
            loser_next_side="b",
        ),
        FINAL: BracketMatch(FINAL),
        THIRD: BracketMatch(THIRD),
    }
    for name, match in changes.items():
        matches[{"sf1": SF1, "sf2": SF2, "final": FINAL, "third": THIRD}[name]] = match
    return list(matches.values())


def state(outcome: bracket.Outcome[str], matches: list[BracketMatch[str]]) -> dict[int, tuple]:
    merged = {match.id: match for match in matches} | outcome.changed
    return {key: (m.side_a, m.side_b, m.status, m.winner) for key, m in merged.items()}


def test_a_semi_final_sends_its_winner_to_the_final_and_its_loser_to_the_third_place_match() -> (
    None
):
    matches = four()
    outcome = bracket.apply(matches, Decided(SF1, "played", "D"))
    after = state(outcome, matches)
    assert after[SF1] == ("A", "D", "played", "D")
    assert after[FINAL] == ("D", None, "scheduled", None)
    assert after[THIRD] == ("A", None, "scheduled", None)
    assert outcome.filled == [FINAL, THIRD]
    assert outcome.cleared == outcome.blocked == []


def test_a_walkover_moves_the_winner_on_like_a_played_match() -> None:
    matches = four()
    outcome = bracket.apply(matches, Decided(SF2, "walkover", "C"))
    assert state(outcome, matches)[FINAL] == (None, "C", "scheduled", None)
    assert state(outcome, matches)[THIRD] == (None, "B", "scheduled", None)


def test_a_corrected_winner_before_the_final_is_played_swaps_the_teams_without_asking() -> None:
    matches = four(
        sf1=BracketMatch(
            SF1, "A", "D", "played", "A", next_match=FINAL, next_side="a", loser_next_match=THIRD
        ),
        final=BracketMatch(FINAL, "A", None),
        third=BracketMatch(THIRD, "D", None),
    )
    outcome = bracket.apply(matches, Decided(SF1, "played", "D"))
    after = state(outcome, matches)
    assert after[FINAL] == ("D", None, "scheduled", None)
    assert after[THIRD] == ("A", None, "scheduled", None)
    assert outcome.blocked == [] and outcome.cleared == []


def test_a_corrected_score_with_the_same_winner_changes_nothing_downstream() -> None:
    matches = four(
        sf1=BracketMatch(
            SF1, "A", "D", "played", "A", next_match=FINAL, next_side="a", loser_next_match=THIRD
        ),
        final=BracketMatch(FINAL, "A", "B", "played", "B"),
        third=BracketMatch(THIRD, "D", "C"),
    )
    outcome = bracket.apply(matches, Decided(SF1, "played", "A"))
    assert set(outcome.changed) == {SF1}
    assert outcome.blocked == []


def played_through() -> list[BracketMatch[str]]:
    """A won SF1 and B won SF2; the final (A v B, won by B) and the bronze (D v C) are played."""
    return four(
        sf1=BracketMatch(
            SF1, "A", "D", "played", "A", next_match=FINAL, next_side="a", loser_next_match=THIRD
        ),
        sf2=BracketMatch(
            SF2,
            "B",
            "C",
            "played",
            "B",
            next_match=FINAL,
            next_side="b",
            loser_next_match=THIRD,
            loser_next_side="b",
        ),
        final=BracketMatch(FINAL, "A", "B", "played", "B"),
        third=BracketMatch(THIRD, "D", "C", "walkover", "C"),
    )


def test_a_correction_that_undoes_played_matches_is_blocked_until_confirmed() -> None:
    matches = played_through()
    refused = bracket.apply(matches, Decided(SF1, "played", "D"))
    assert refused.blocked == [FINAL, THIRD]
    confirmed = bracket.apply(matches, Decided(SF1, "played", "D"), confirm=True)
    assert confirmed.blocked == []
    assert confirmed.cleared == [FINAL, THIRD]
    after = state(confirmed, matches)
    # Both later matches are to be played again, with the corrected teams in them.
    assert after[FINAL] == ("D", "B", "scheduled", None)
    assert after[THIRD] == ("A", "C", "scheduled", None)


def test_a_bye_sends_its_team_on_and_a_new_team_in_a_bye_passes_through_without_asking() -> None:
    # Three teams: A has a bye (match 1), B v C (match 2); the final is match 3.
    matches = [
        BracketMatch(1, "A", None, "bye", next_match=3, next_side="a"),
        BracketMatch(2, "B", "C", next_match=3, next_side="b"),
        BracketMatch(3),
    ]
    through = bracket.apply(matches, ByesThrough())
    assert state(through, matches)[1] == ("A", None, "bye", "A")
    assert state(through, matches)[3] == ("A", None, "scheduled", None)
    # A group feeding the bye's place is re-ordered: the bye's new team goes on instead.
    fed = [
        replace(match, winner="A", feed_a=(7, 1)) if match.id == 1 else match for match in matches
    ]
    fed[2] = replace(fed[2], side_a="A")
    outcome = bracket.apply(fed, GroupOrder(7, ("E", "A")))
    after = state(outcome, fed)
    assert after[1] == ("E", None, "bye", "E")
    assert after[3] == ("E", None, "scheduled", None)
    assert outcome.blocked == []


def groups_final() -> list[BracketMatch[str]]:
    """A one-group stage whose top two meet in a final: group 1's first on side a, second on b."""
    return [BracketMatch(9, feed_a=(1, 1), feed_b=(1, 2))]


def test_a_finished_group_fills_the_places_it_feeds_and_a_lot_still_to_draw_leaves_them_open() -> (
    None
):
    matches = groups_final()
    outcome = bracket.apply(matches, GroupOrder(1, ("P", "Q", "R")))
    assert state(outcome, matches)[9] == ("P", "Q", "scheduled", None)
    # Q and R share second place until the lot: side b stays open.
    waiting = bracket.apply(matches, GroupOrder(1, ("P", None, None)))
    assert state(waiting, matches)[9] == ("P", None, "scheduled", None)
    # Another group's order does not touch it.
    assert bracket.apply(matches, GroupOrder(2, ("X", "Y"))).changed == {}


def test_a_re_derived_group_order_moves_a_team_across_sides_of_one_match() -> None:
    matches = [BracketMatch(9, "P", "Q", feed_a=(1, 1), feed_b=(1, 2))]
    outcome = bracket.apply(matches, GroupOrder(1, ("Q", "P")))
    assert state(outcome, matches)[9] == ("Q", "P", "scheduled", None)


def test_a_group_order_changed_after_its_knockout_match_was_played_needs_confirming() -> None:
    matches = [
        BracketMatch(9, "P", "Q", "played", "P", next_match=10, feed_a=(1, 1), feed_b=(1, 2)),
        BracketMatch(10, "P", "Z"),
    ]
    refused = bracket.apply(matches, GroupOrder(1, ("P", "R")))
    assert refused.blocked == [9]
    confirmed = bracket.apply(matches, GroupOrder(1, ("P", "R")), confirm=True)
    after = state(confirmed, matches)
    assert after[9] == ("P", "R", "scheduled", None)
    assert after[10] == (None, "Z", "scheduled", None)  # P's win over Q no longer stands


@pytest.mark.parametrize(
    "change",
    [Decided(99, "played", "A"), Decided(SF1, "played", "B"), Decided(SF1, "scheduled", "A")],
)
def test_a_result_for_no_match_a_winner_who_did_not_play_or_no_result_is_refused(
    change: Decided[str],
) -> None:
    with pytest.raises(ValueError):
        bracket.apply(four(), change)
