"""A group's table by its sport (eventsys.domain.sports.tables.group_table) and lots drawn for
teams no rule separates (eventsys.domain.standings.apply_lots), with worked examples."""

from __future__ import annotations

from eventsys.domain.sports.table_tennis import MatchResult
from eventsys.domain.sports.tables import group_table
from eventsys.domain.standings import (
    LOT_DRAWN,
    MatchRecord,
    PointsScheme,
    StandingRow,
    TeamStats,
    apply_lots,
)

ITTF = PointsScheme(win=2, draw=None, loss=1, walkover_loss=0)


def row(team: str, place: int, shared: bool = False, decided_by: str | None = None) -> StandingRow:
    return StandingRow(team, place, shared, TeamStats(), decided_by)


def test_a_lot_orders_a_shared_place_and_the_places_run_on_from_it() -> None:
    rows = [
        row("A", 1, decided_by="match_points"),
        row("B", 2, True),
        row("C", 2, True),
        row("D", 2, True),
        row("E", 5),
    ]
    drawn = apply_lots(rows, {"D": 1, "B": 2, "C": 3, "A": 9})
    assert [(r.team, r.place, r.shared, r.decided_by) for r in drawn] == [
        ("A", 1, False, "match_points"),  # a lot for a team not tied changes nothing
        ("D", 2, False, LOT_DRAWN),
        ("B", 3, False, LOT_DRAWN),
        ("C", 4, False, LOT_DRAWN),
        ("E", 5, False, None),
    ]


def test_a_lot_missing_for_one_tied_team_leaves_the_whole_run_shared() -> None:
    rows = [row("B", 1, True), row("C", 1, True), row("D", 3, True), row("E", 3, True)]
    drawn = apply_lots(rows, {"B": 2, "C": 1, "D": 1})
    assert [(r.team, r.place, r.shared) for r in drawn] == [
        ("C", 1, False),
        ("B", 2, False),
        ("D", 3, True),
        ("E", 3, True),
    ]


def test_a_table_tennis_circle_of_three_is_broken_by_points_between_the_tied() -> None:
    # ITTF 3.7.5.4 (handbook example): A beat B, B beat C, C beat A, each 3-0, so match points
    # (3 each: a win 2, a loss 1) and games (3:3 each) are level; the points of their games
    # decide: A 54:48, C 60:54, B 48:60.
    rallies = [
        MatchResult("A", "B", games=((11, 5),) * 3),
        MatchResult("B", "C", games=((11, 9),) * 3),
        MatchResult("C", "A", games=((11, 7),) * 3),
    ]
    records = [
        MatchRecord("A", "B", 3, 0, "A"),
        MatchRecord("B", "C", 3, 0, "B"),
        MatchRecord("C", "A", 3, 0, "C"),
    ]
    rows = group_table("table_tennis", ["A", "B", "C"], records, ITTF, [], rallies=rallies)
    assert [(r.team, r.place, r.points, r.decided_by) for r in rows] == [
        ("A", 1, 3, "points ratio between tied"),
        ("C", 2, 3, "points ratio between tied"),
        ("B", 3, 3, "points ratio between tied"),
    ]


def test_a_table_tennis_walkover_earns_its_loser_nothing_and_a_full_tie_needs_a_lot() -> None:
    # B did not turn up against A: 0 points, against 1 for a played loss (ITTF 3.7.5.1).
    rallies = [
        MatchResult("A", "B", walkover_winner="A"),
        MatchResult("A", "C", games=((11, 9),) * 3),
    ]
    records = [
        MatchRecord("A", "B", 0, 0, "A", walkover=True),
        MatchRecord("A", "C", 3, 0, "A"),
    ]
    rows = group_table("table_tennis", ["A", "B", "C"], records, ITTF, [], rallies=rallies)
    assert [(r.team, r.points) for r in rows] == [("A", 4), ("C", 1), ("B", 0)]
    # Two players who have not played: level on everything, a lot decides, then it is drawn.
    level = group_table("table_tennis", ["P", "Q"], [], ITTF, [])
    assert [(r.team, r.place, r.shared) for r in level] == [("P", 1, True), ("Q", 1, True)]
    drawn = group_table("table_tennis", ["P", "Q"], [], ITTF, [], lots={"Q": 1, "P": 2})
    assert [(r.team, r.place, r.decided_by) for r in drawn] == [
        ("Q", 1, LOT_DRAWN),
        ("P", 2, LOT_DRAWN),
    ]


def test_a_gateball_group_follows_its_criteria_and_balls_through_gate_3_decide_a_level_pair() -> (
    None
):
    scheme = PointsScheme(win=2, draw=1, loss=0, walkover_loss=0)
    # X and Y both beat Z and drew 10-10 with each other; X got three balls through gate 3
    # against Y's two (progress counted from each ball's points).
    progress_x = {"finished_balls": 1, "through_gate_3": 3}
    progress_y = {"finished_balls": 1, "through_gate_3": 2}
    records = [
        MatchRecord("X", "Y", 10, 10, None, home_extras=progress_x, away_extras=progress_y),
        MatchRecord("X", "Z", 12, 4, "X", home_extras=progress_x, away_extras=progress_y),
        MatchRecord("Y", "Z", 12, 4, "Y", home_extras=progress_x, away_extras=progress_y),
    ]
    criteria = ["match_points", "score_difference", "finished_balls", "through_gate_3"]
    rows = group_table("gateball", ["Z", "Y", "X"], records, scheme, criteria)
    assert [(r.team, r.place, r.points, r.decided_by) for r in rows] == [
        ("X", 1, 3, "through_gate_3"),
        ("Y", 2, 3, "match_points"),
        ("Z", 3, 0, None),
    ]
