"""Sports scored by one number per side (the generic score sport): the higher score wins.

A level score is a draw where the tournament gives points for one; a knockout match, or a
tournament without draws, needs the tie-break winner (a penalty shoot-out, an extra end...).
"""

from __future__ import annotations

from eventsys.domain import sports


def check_result(
    side_a: int, side_b: int, entry: sports.ResultInput, rules: sports.MatchRules
) -> sports.CheckedResult:
    """Return the checked result of a match decided by its score, or raise InvalidResult.

    Codes: scores_missing, tiebreak_not_level, not_a_side, draw_not_allowed, and those of
    `check_outcome`.
    """
    sports.check_outcome(entry)
    if entry.outcome == "walkover":
        return sports.walkover(side_a, side_b, entry.winner_id)
    a, b = entry.score_a, entry.score_b
    if a is None or b is None or a < 0 or b < 0:
        raise sports.InvalidResult("scores_missing", "score_a")
    if a != b:
        if entry.tiebreak_winner_id is not None:
            raise sports.InvalidResult("tiebreak_not_level", "tiebreak_winner_id")
        return sports.CheckedResult("played", side_a if a > b else side_b, a, b, {}, "score")
    if entry.tiebreak_winner_id is not None:
        side = sports.side_of(side_a, side_b, entry.tiebreak_winner_id, "tiebreak_winner")
        return sports.CheckedResult(
            "played", entry.tiebreak_winner_id, a, b, {"tiebreak": side}, "tiebreak"
        )
    if rules.knockout or not rules.draws:
        raise sports.InvalidResult("draw_not_allowed", "tiebreak_winner_id")
    return sports.CheckedResult("played", None, a, b, {}, "draw")
