"""Which sport checks a result: the registry of each sport's ``check_result``."""

from __future__ import annotations

from collections.abc import Callable

from eventsys.domain.sports import (
    CheckedResult,
    MatchRules,
    ResultInput,
    billiards,
    gateball,
    score,
    table_tennis,
)

Check = Callable[[int, int, ResultInput, MatchRules], CheckedResult]

#: The sports with rules of their own; any other sport is decided by its score.
CHECKS: dict[str, Check] = {
    "table_tennis": table_tennis.check_result,
    "gateball": gateball.check_result,
    "billiards": billiards.check_result,
}


def check_result(
    sport: str, side_a: int, side_b: int, entry: ResultInput, rules: MatchRules
) -> CheckedResult:
    """Check *entry* by the rules of *sport*; raise InvalidResult saying what is wrong."""
    return CHECKS.get(sport, score.check_result)(side_a, side_b, entry, rules)
