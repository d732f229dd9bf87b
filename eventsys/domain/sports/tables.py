"""A group's table by its sport's rules: the one place that says which ranking a sport uses.

Table tennis groups are ranked by ITTF 3.7.5 (eventsys.domain.sports.table_tennis: match points,
then among the tied the match points, games ratio and points ratio of their matches with each
other); gateball, billiards and generic score sports by the tournament's ordered criteria
(eventsys.domain.standings.rank). Either way the columns are summed once, by
eventsys.domain.standings.tally, and a lot drawn for teams no rule separates orders them last
(eventsys.domain.standings.apply_lots).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from eventsys.domain.sports import table_tennis
from eventsys.domain.standings import (
    MatchRecord,
    PointsScheme,
    StandingRow,
    apply_lots,
    rank,
    tally,
)

T = TypeVar("T", bound=Hashable)


def group_table(
    sport: str,
    teams: Sequence[T],
    records: Sequence[MatchRecord[T]],
    scheme: PointsScheme,
    criteria: Sequence[str],
    *,
    rallies: Iterable[table_tennis.MatchResult[T]] = (),
    best_of: int = 5,
    lots: Mapping[T, int | None] | None = None,
) -> list[StandingRow[T]]:
    """Return the rows of one group's table, first place first.

    *records* are the group's decided matches in the standings engine's form; for table tennis
    *rallies* are the same matches with their games (which the ITTF tie-breaks read) and every
    member of a tied run shows the ITTF criterion that settled it. *lots* (team -> lot number)
    order teams that still share a place."""
    if sport == "table_tennis":
        stats = tally(teams, records, scheme)
        rows: list[StandingRow[T]] = []
        for group, criterion in table_tennis.group_ranking_explained(teams, rallies, best_of):
            place = len(rows) + 1
            for team in group:
                rows.append(StandingRow(team, place, len(group) > 1, stats[team], criterion.value))
    else:
        rows = rank(teams, records, criteria, scheme)
    return apply_lots(rows, lots or {})
