"""What a scorer enters for one match, and the checked result each sport makes of it.

Every sport module (``table_tennis``, ``gateball``, ``billiards``, ``score``) has one
``check_result(side_a, side_b, entry, rules)`` that returns a `CheckedResult` or raises
`InvalidResult`. That error names what is wrong by a code, the form field it belongs to and the
values the sentence needs; it is not a sentence itself: the service turns the code into one
translated sentence (``eventsys.services.tournament_messages``).

Plain values in, plain values out: nothing here knows about requests, tables or languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: How a match can end, as a scorer chooses it.
OUTCOMES = ("played", "walkover", "retired")


class InvalidResult(ValueError):
    """An entered result the rules do not allow: *code* says why, *field* where.

    *params* are the values the user-facing sentence needs (numbers, or a side's id under
    ``team``; ``role`` names which side was asked for: walkover_winner, retired,
    playoff_winner or tiebreak_winner).
    """

    def __init__(self, code: str, field: str, **params: object) -> None:
        super().__init__(code, field, params)
        self.code = code
        self.field = field
        self.params = params


@dataclass(frozen=True)
class ResultInput:
    """What a scorer enters. Sides are named by their ids (registration ids).

    ``games``: table tennis (a's points, b's points) per game. ``score_a``/``score_b``: gateball
    points, billiards frames, or a generic score. ``balls_a``/``balls_b``: gateball points per
    ball (0, 1, 2, 3 or 5). ``tiebreak_winner_id``: a gateball play-off winner, or the winner of
    a level knockout match in a generic score sport."""

    outcome: str = "played"
    winner_id: int | None = None
    retired_id: int | None = None
    games: tuple[tuple[int, int], ...] = ()
    score_a: int | None = None
    score_b: int | None = None
    balls_a: tuple[int, ...] | None = None
    balls_b: tuple[int, ...] | None = None
    tiebreak_winner_id: int | None = None


@dataclass(frozen=True)
class MatchRules:
    """The settings of a tournament and match that a result is checked against.

    ``knockout``: the match must have a winner. ``draws``: the tournament gives points for a
    draw. ``needs_progression``: the standings rank by how far the gateball balls got.
    """

    best_of: int = 5
    race_to: int = 1
    knockout: bool = False
    draws: bool = False
    needs_progression: bool = False


@dataclass(frozen=True)
class CheckedResult:
    """A result the rules allow: what to store for the match."""

    status: str
    winner: int | None
    score_a: int
    score_b: int
    detail: dict[str, object] = field(default_factory=dict)
    decided_by: str = ""


def check_outcome(entry: ResultInput, *, retirement: bool = False) -> None:
    """Raise InvalidResult unless the outcome is one the sport knows."""
    if entry.outcome not in OUTCOMES:
        raise InvalidResult("outcome_unknown", "outcome")
    if entry.outcome == "retired" and not retirement:
        raise InvalidResult("retirement_not_allowed", "outcome")


def side_of(side_a: int, side_b: int, who: int | None, role: str) -> str:
    """Return "a" or "b" for *who*, or raise InvalidResult naming the *role* asked for."""
    if who is not None and who == side_a:
        return "a"
    if who is not None and who == side_b:
        return "b"
    raise InvalidResult("not_a_side", "winner_id", role=role)


def walkover(side_a: int, side_b: int, winner: int | None, **detail: object) -> CheckedResult:
    """Return the walkover to *winner*, one of the two sides."""
    side_of(side_a, side_b, winner, "walkover_winner")
    return CheckedResult("walkover", winner, 0, 0, dict(detail), "walkover")
