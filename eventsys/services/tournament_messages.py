"""The sentences a scorer reads when a match result is refused: one per InvalidResult code.

The domain says what is wrong (``eventsys.domain.sports.InvalidResult``: a code, a field and
values); this table is the only place that says it in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from flask_babel import lazy_gettext as _l

from eventsys.domain.sports import InvalidResult
from eventsys.errors import EventsysError

#: code -> sentence, with the error's params as %(name)s.
RESULT_SENTENCES = {
    "outcome_unknown": _l("Choose how the match ended from the list."),
    "retirement_not_allowed": _l("Record a retirement as a walkover to the other side."),
    "not_a_side": _l("%(what)s must be one of the two teams of this match."),
    # table tennis
    "too_many_games": _l("A best-of-%(n)d match has at most %(n)d games."),
    "game_unfinished": _l(
        "Game %(number)d: %(a)d-%(b)d is not a finished game. A game is won at 11 "
        "with the other at 9 or less, or from 10-10 by two clear points."
    ),
    "games_after_decided": _l(
        "The match was already decided after game %(number)d: leave the games after it empty."
    ),
    "walkover_with_games": _l("A walkover has no games: leave them empty."),
    "retired_had_won": _l("The player who retired had already won the match."),
    "match_undecided": _l(
        "Nobody has won %(needed)d games yet: enter every game up to the deciding one."
    ),
    # gateball
    "team_score_range": _l("A team scores 0 to 25 points (five balls, at most 5 each)."),
    "ball_count": _l("%(team)s: give the points of each of the five balls."),
    "ball_points": _l(
        "%(team)s: a ball scores 0, 1, 2 or 3 for the gates passed, or 5 when it has "
        "hit the goal pole; %(value)d is impossible."
    ),
    "balls_one_side": _l("Give the balls of both teams, or of neither."),
    "balls_sum": _l("%(team)s: the balls add up to %(sum)d, not %(score)d."),
    "balls_needed_for_ranking": _l(
        "This tournament ranks by how far the balls got: give each ball's points for both teams."
    ),
    "level_needs_balls": _l(
        "The scores are level: give each ball's points, which decide the winner."
    ),
    "playoff_not_level": _l("A play-off is held only when score and ball progress are level."),
    "level_knockout_needs_playoff": _l(
        "Score and balls are level: a knockout match needs the play-off winner."
    ),
    "level_no_draws": _l(
        "Score and balls are level and this tournament has no draws: give the play-off winner."
    ),
    # billiards
    "frames_missing": _l("Give the frames won by each player."),
    "race_overrun": _l("The match stops when a player reaches %(n)d frames."),
    "race_unfinished": _l("Nobody has reached %(n)d frames yet."),
    "race_both": _l("Both players cannot reach %(n)d frames."),
    # a generic score
    "scores_missing": _l("Give both scores, 0 or more."),
    "tiebreak_not_level": _l("A tie-break winner is given only for a level score."),
    "draw_not_allowed": _l("A draw is not possible here: give the tie-break winner."),
}

#: The side a not_a_side error asked for (its ``role`` param), as the sentence's %(what)s.
SIDE_ROLES = {
    "walkover_winner": _l("The winner of the walkover"),
    "retired": _l("The player who retired"),
    "playoff_winner": _l("The play-off winner"),
    "tiebreak_winner": _l("The tie-break winner"),
}


def refusal(error: InvalidResult, team_names: Mapping[int, str]) -> EventsysError:
    """Return the refusal to show for *error*, its sentence attached to the error's field."""
    params = dict(error.params)
    if "role" in params:
        params["what"] = str(SIDE_ROLES[str(params.pop("role"))])
    if "team" in params:
        params["team"] = team_names.get(cast(int, params["team"]), "")
    sentence = str(RESULT_SENTENCES[error.code])
    return EventsysError(sentence % params if params else sentence, field=error.field)
