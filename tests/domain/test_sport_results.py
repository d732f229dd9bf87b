"""Checking an entered match result by the rules of its sport: worked examples, every refusal.

Table tennis: ITTF Laws 2.11.1 (a game goes to 11, from 10-10 to a two-point lead) and 2.12.1
(best of an odd number of games). Gateball: WGU/JGU scoring (0, 1, 2, 3 or 5 a ball, 0-25 a
team; level scores go to ball progress, then a play-off or a draw). Billiards: a race to N frames.
"""

from __future__ import annotations

import pytest

from eventsys.domain.sports import (
    OUTCOMES,
    CheckedResult,
    InvalidResult,
    MatchRules,
    ResultInput,
    billiards,
    checks,
    gateball,
    score,
    table_tennis,
)

A, B, C = 1, 2, 3  # side a, side b, a team not in the match


def refused(check, entry: ResultInput, rules: MatchRules | None = None) -> InvalidResult:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidResult) as caught:
        check(A, B, entry, rules or MatchRules())
    return caught.value


def games(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((int(a), int(b)) for a, b in (game.split("-") for game in text.split(",") if game))


# ---- every sport: how a match ended --------------------------------------------------------------


@pytest.mark.parametrize(
    "check",
    [table_tennis.check_result, gateball.check_result, billiards.check_result, score.check_result],
)
def test_an_unknown_outcome_is_refused_on_the_outcome_field(check) -> None:  # type: ignore[no-untyped-def]
    error = refused(check, ResultInput(outcome="abandoned"))
    assert (error.code, error.field, error.params) == ("outcome_unknown", "outcome", {})


@pytest.mark.parametrize(
    "check", [gateball.check_result, billiards.check_result, score.check_result]
)
def test_only_table_tennis_records_a_retirement(check) -> None:  # type: ignore[no-untyped-def]
    error = refused(check, ResultInput(outcome="retired", retired_id=A))
    assert (error.code, error.field) == ("retirement_not_allowed", "outcome")


@pytest.mark.parametrize(
    "check",
    [table_tennis.check_result, gateball.check_result, billiards.check_result, score.check_result],
)
def test_a_walkover_goes_to_one_of_the_two_sides(check) -> None:  # type: ignore[no-untyped-def]
    error = refused(check, ResultInput(outcome="walkover", winner_id=C))
    assert (error.code, error.field, error.params) == (
        "not_a_side",
        "winner_id",
        {"role": "walkover_winner"},
    )
    assert refused(check, ResultInput(outcome="walkover")).code == "not_a_side"
    result = check(A, B, ResultInput(outcome="walkover", winner_id=B), MatchRules())
    assert (result.status, result.winner, result.score_a, result.score_b, result.decided_by) == (
        "walkover",
        B,
        0,
        0,
        "walkover",
    )


def test_the_outcomes_a_scorer_chooses_from() -> None:
    assert OUTCOMES == ("played", "walkover", "retired")


def test_the_registry_checks_each_sport_by_its_own_rules() -> None:
    assert checks.CHECKS["table_tennis"] is table_tennis.check_result
    assert checks.CHECKS["gateball"] is gateball.check_result
    assert checks.CHECKS["billiards"] is billiards.check_result
    # Any other sport is decided by its score: 3:1 in croquet, a level 2:2 refused by default.
    entry = ResultInput(score_a=3, score_b=1)
    assert checks.check_result("croquet", A, B, entry, MatchRules()).winner == A
    with pytest.raises(InvalidResult, match="draw_not_allowed"):
        checks.check_result("croquet", A, B, ResultInput(score_a=2, score_b=2), MatchRules())


# ---- table tennis --------------------------------------------------------------------------------

TT = table_tennis.check_result


@pytest.mark.parametrize(
    ("text", "best_of", "winner", "won"),
    [
        ("11-9,11-7,11-3", 5, A, (3, 0)),
        ("12-10,13-11,9-11,11-0", 5, A, (3, 1)),  # deuce games: two clear points from 10-10
        ("5-11,11-13,11-9,11-8,10-12", 5, B, (2, 3)),  # the fifth game decides
        ("11-9,15-13", 3, A, (2, 0)),
        ("11-1,1-11,11-1,1-11,11-1,1-11,20-22", 7, B, (3, 4)),
    ],
)
def test_a_finished_match_is_won_by_the_player_who_reaches_the_games_needed(
    text: str, best_of: int, winner: int, won: tuple[int, int]
) -> None:
    result = TT(A, B, ResultInput(games=games(text)), MatchRules(best_of=best_of))
    assert result == CheckedResult(
        "played", winner, won[0], won[1], {"games": [list(g) for g in games(text)]}, "games"
    )


@pytest.mark.parametrize(
    ("text", "number", "a", "b"),
    [
        ("11-10", 1, 11, 10),  # at 10-10 the game goes on
        ("11-5,12-9", 2, 12, 9),  # past 11 only from 10-10
        ("11-5,11-6,13-12", 3, 13, 12),  # a lead of one is not enough
        ("11-5,10-8", 2, 10, 8),  # nobody has reached 11
        ("11-5,11-11", 2, 11, 11),
    ],
)
def test_an_unfinished_game_is_refused_with_its_number_and_score(
    text: str, number: int, a: int, b: int
) -> None:
    error = refused(TT, ResultInput(games=games(text)))
    assert (error.code, error.field, error.params) == (
        "game_unfinished",
        "games",
        {"number": number, "a": a, "b": b},
    )


def test_games_after_the_match_is_decided_are_refused() -> None:
    error = refused(TT, ResultInput(games=games("11-5,11-5,11-5,11-5")))
    assert (error.code, error.field, error.params) == (
        "games_after_decided",
        "games",
        {"number": 3},
    )
    # Best of 3: decided after two games.
    error = refused(TT, ResultInput(games=games("11-5,11-5,5-11")), MatchRules(best_of=3))
    assert (error.code, error.params) == ("games_after_decided", {"number": 2})


def test_more_games_than_the_match_length_are_refused_first() -> None:
    error = refused(TT, ResultInput(games=games("11-10,11-5,11-5,5-11")), MatchRules(best_of=3))
    assert (error.code, error.field, error.params) == ("too_many_games", "games", {"n": 3})


def test_a_match_nobody_has_won_yet_is_refused() -> None:
    error = refused(TT, ResultInput(games=games("11-5,11-5")))
    assert (error.code, error.field, error.params) == ("match_undecided", "games", {"needed": 3})
    assert refused(TT, ResultInput()).code == "match_undecided"


def test_a_table_tennis_walkover_has_no_games() -> None:
    error = refused(TT, ResultInput(outcome="walkover", winner_id=A, games=games("11-5")))
    assert (error.code, error.field) == ("walkover_with_games", "games")
    result = TT(A, B, ResultInput(outcome="walkover", winner_id=A), MatchRules())
    assert result.detail == {"games": []} and result.winner == A


def test_a_retirement_is_lost_by_the_player_who_retired() -> None:
    entry = ResultInput(outcome="retired", retired_id=A, games=games("11-5,3-11"))
    result = TT(A, B, entry, MatchRules())
    assert result == CheckedResult(
        "played", B, 1, 1, {"games": [[11, 5], [3, 11]], "retired": "a"}, "retired"
    )
    # A retirement before the first game.
    assert TT(A, B, ResultInput(outcome="retired", retired_id=B), MatchRules()).winner == A


def test_the_player_who_retired_must_be_in_the_match_and_not_have_won_already() -> None:
    error = refused(TT, ResultInput(outcome="retired", retired_id=C))
    assert (error.code, error.field, error.params) == (
        "not_a_side",
        "winner_id",
        {"role": "retired"},
    )
    error = refused(TT, ResultInput(outcome="retired", retired_id=A, games=games("11-5,11-5,11-5")))
    assert (error.code, error.field) == ("retired_had_won", "retired_id")


# ---- gateball ------------------------------------------------------------------------------------

GB = gateball.check_result


def test_the_higher_gateball_score_wins_without_ball_details() -> None:
    result = GB(A, B, ResultInput(score_a=12, score_b=7), MatchRules())
    assert (result.winner, result.score_a, result.score_b, result.decided_by) == (A, 12, 7, "score")
    assert result.detail == {"extras_a": {}, "extras_b": {}}


def test_level_gateball_scores_go_to_the_team_with_more_finished_balls() -> None:
    # 10:10, but b has two balls at the goal pole and a none.
    entry = ResultInput(score_a=10, score_b=10, balls_a=(3, 3, 3, 1, 0), balls_b=(5, 5, 0, 0, 0))
    result = GB(A, B, entry, MatchRules(knockout=True))
    assert (result.winner, result.decided_by) == (B, "finished_balls")
    assert result.detail["balls_a"] == [3, 3, 3, 1, 0]
    assert result.detail["extras_b"] == {
        "finished_balls": 2,
        "through_gate_3": 2,
        "through_gate_2": 2,
        "through_gate_1": 2,
    }


@pytest.mark.parametrize(("score_a", "score_b", "field"), [(26, 3, "score_a"), (3, -1, "score_b")])
def test_a_team_scores_0_to_25(score_a: int, score_b: int, field: str) -> None:
    error = refused(GB, ResultInput(score_a=score_a, score_b=score_b))
    assert (error.code, error.field) == ("team_score_range", field)
    assert refused(GB, ResultInput(score_a=3)).code == "team_score_range"
    # 25 is the perfect game.
    assert GB(A, B, ResultInput(score_a=25, score_b=0), MatchRules()).winner == A


def test_a_ball_scores_0_1_2_3_or_5_and_a_team_has_at_most_five() -> None:
    error = refused(GB, ResultInput(score_a=7, score_b=3, balls_a=(4, 3), balls_b=(3,)))
    assert (error.code, error.field, error.params) == (
        "ball_points",
        "balls_a",
        {"team": A, "value": 4},
    )
    error = refused(GB, ResultInput(score_a=6, score_b=6, balls_a=(1,) * 6, balls_b=(5, 1)))
    assert (error.code, error.field, error.params) == ("ball_count", "balls_a", {"team": A})
    error = refused(GB, ResultInput(score_a=3, score_b=0, balls_a=(3,), balls_b=()))
    assert (error.code, error.field, error.params) == ("ball_count", "balls_b", {"team": B})


def test_balls_are_given_for_both_teams_and_add_up_to_the_score() -> None:
    error = refused(GB, ResultInput(score_a=5, score_b=3, balls_a=(5,)))
    assert (error.code, error.field) == ("balls_one_side", "balls_a")
    entry = ResultInput(score_a=10, score_b=10, balls_a=(5, 3, 1, 0, 0), balls_b=(5, 5, 0, 0, 0))
    error = refused(GB, entry)
    assert (error.code, error.field, error.params) == (
        "balls_sum",
        "balls_a",
        {"team": A, "sum": 9, "score": 10},
    )
    error = refused(GB, ResultInput(score_a=5, score_b=4, balls_a=(5,), balls_b=(3,)))
    assert (error.code, error.field, error.params) == (
        "balls_sum",
        "balls_b",
        {"team": B, "sum": 3, "score": 4},
    )


def test_a_tournament_ranking_by_progression_needs_the_balls() -> None:
    error = refused(GB, ResultInput(score_a=12, score_b=7), MatchRules(needs_progression=True))
    assert (error.code, error.field) == ("balls_needed_for_ranking", "balls_a")


def test_level_scores_need_the_balls() -> None:
    error = refused(GB, ResultInput(score_a=10, score_b=10))
    assert (error.code, error.field) == ("level_needs_balls", "balls_a")


def test_a_play_off_winner_is_a_side_and_only_for_a_level_match() -> None:
    level = ResultInput(score_a=6, score_b=6, balls_a=(3, 3), balls_b=(3, 3), tiebreak_winner_id=C)
    error = refused(GB, level)
    assert (error.code, error.field, error.params) == (
        "not_a_side",
        "winner_id",
        {"role": "playoff_winner"},
    )
    error = refused(GB, ResultInput(score_a=8, score_b=6, tiebreak_winner_id=A))
    assert (error.code, error.field) == ("playoff_not_level", "tiebreak_winner_id")
    ahead = ResultInput(
        score_a=6, score_b=6, balls_a=(5, 1), balls_b=(3, 3), tiebreak_winner_id=B
    )  # level on score, but a finished a ball: progression decides, there is no play-off
    assert refused(GB, ahead).code == "playoff_not_level"
    result = GB(
        A,
        B,
        ResultInput(score_a=6, score_b=6, balls_a=(3, 3), balls_b=(3, 3), tiebreak_winner_id=B),
        MatchRules(knockout=True),
    )
    assert (result.winner, result.decided_by, result.detail["shootout"]) == (B, "shootout", "b")


def test_a_level_gateball_match_is_a_draw_only_in_a_group_with_draws() -> None:
    level = ResultInput(score_a=6, score_b=6, balls_a=(3, 3), balls_b=(3, 3))
    error = refused(GB, level, MatchRules(knockout=True, draws=True))
    assert (error.code, error.field) == ("level_knockout_needs_playoff", "tiebreak_winner_id")
    error = refused(GB, level, MatchRules(draws=False))
    assert (error.code, error.field) == ("level_no_draws", "tiebreak_winner_id")
    result = GB(A, B, level, MatchRules(draws=True))
    assert (result.winner, result.decided_by) == (None, "draw")
    # Two perfect games are a draw.
    perfect = ResultInput(score_a=25, score_b=25, balls_a=(5,) * 5, balls_b=(5,) * 5)
    assert GB(A, B, perfect, MatchRules(draws=True)).decided_by == "draw"


# ---- billiards -----------------------------------------------------------------------------------

BI = billiards.check_result


@pytest.mark.parametrize(("a", "b", "winner"), [(5, 0, A), (3, 5, B), (5, 4, A)])
def test_a_race_to_5_is_won_by_the_first_to_5_frames(a: int, b: int, winner: int) -> None:
    result = BI(A, B, ResultInput(score_a=a, score_b=b), MatchRules(race_to=5))
    assert result == CheckedResult("played", winner, a, b, {}, "frames")


@pytest.mark.parametrize(
    ("a", "b", "code"),
    [(6, 2, "race_overrun"), (4, 2, "race_unfinished"), (5, 5, "race_both")],
)
def test_a_race_stops_at_the_target(a: int, b: int, code: str) -> None:
    error = refused(BI, ResultInput(score_a=a, score_b=b), MatchRules(race_to=5))
    assert (error.code, error.field, error.params) == (code, "score_a", {"n": 5})


@pytest.mark.parametrize("entry", [ResultInput(score_a=5), ResultInput(score_a=-1, score_b=5)])
def test_the_frames_of_both_players_are_needed(entry: ResultInput) -> None:
    error = refused(BI, entry, MatchRules(race_to=5))
    assert (error.code, error.field) == ("frames_missing", "score_a")


# ---- a generic score -----------------------------------------------------------------------------

SC = score.check_result


def test_the_higher_score_wins() -> None:
    assert SC(A, B, ResultInput(score_a=1, score_b=3), MatchRules()) == CheckedResult(
        "played", B, 1, 3, {}, "score"
    )


@pytest.mark.parametrize("entry", [ResultInput(score_b=2), ResultInput(score_a=1, score_b=-2)])
def test_both_scores_are_needed(entry: ResultInput) -> None:
    error = refused(SC, entry)
    assert (error.code, error.field) == ("scores_missing", "score_a")


def test_a_tie_break_winner_only_for_a_level_score_and_one_of_the_sides() -> None:
    error = refused(SC, ResultInput(score_a=2, score_b=1, tiebreak_winner_id=A))
    assert (error.code, error.field) == ("tiebreak_not_level", "tiebreak_winner_id")
    error = refused(SC, ResultInput(score_a=1, score_b=1, tiebreak_winner_id=C))
    assert (error.code, error.params) == ("not_a_side", {"role": "tiebreak_winner"})
    result = SC(A, B, ResultInput(score_a=1, score_b=1, tiebreak_winner_id=B), MatchRules())
    assert (result.winner, result.detail, result.decided_by) == (B, {"tiebreak": "b"}, "tiebreak")


def test_a_draw_only_in_a_group_with_draws() -> None:
    level = ResultInput(score_a=1, score_b=1)
    for rules in (MatchRules(draws=False), MatchRules(knockout=True, draws=True)):
        error = refused(SC, level, rules)
        assert (error.code, error.field) == ("draw_not_allowed", "tiebreak_winner_id")
    assert SC(A, B, level, MatchRules(draws=True)).decided_by == "draw"
