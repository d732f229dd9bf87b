"""Group and round-robin standings, computed by the sport's rules in eventsys.domain, stored.

Table tennis groups follow ITTF 3.7.5 (eventsys.domain.sports.table_tennis); gateball, billiards and
generic score sports use the tournament's ordered criteria (eventsys.domain.standings). What no
rule separates needs a lot, which organizers draw and record per team (TournamentPoolMember.lot).

The tables are stored (TournamentStanding, TournamentStandingLine): :func:`refresh_stored` runs
inside every commit that touched a tournament (eventsys.versions.before_bump), so a result, a
correction, a lot, a rule change or a new draw brings that tournament's stored tables up to date
in the same transaction, writing only the lines that changed. Pages read them
(:func:`tournament_tables`); :func:`compute_tables` is the computation itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from eventsys import versions
from eventsys.domain import standings as engine
from eventsys.domain.sports import gateball, table_tennis, tables
from eventsys.extensions import db
from eventsys.labels import criterion_label
from eventsys.models.tournaments import (
    Tournament,
    TournamentMatch,
    TournamentPool,
    TournamentStage,
    TournamentStanding,
    TournamentStandingLine,
)

#: Extras keys of a table tennis match record: the points won and lost in all its games.
RALLY_FOR = "rally_for"
RALLY_AGAINST = "rally_against"


@dataclass
class StandingLine:
    place: int
    registration_id: int
    played: int = 0
    won: int = 0
    drawn: int = 0
    lost: int = 0
    points: int = 0
    score_for: int = 0
    score_against: int = 0
    # Table tennis only: points won and lost in all games.
    rally_for: int = 0
    rally_against: int = 0
    decided_by: str | None = None
    shared: bool = False

    @property
    def decided_by_label(self) -> str:
        return criterion_label(self.decided_by)

    @property
    def score_diff(self) -> int:
        return self.score_for - self.score_against


@dataclass
class PoolTable:
    pool: TournamentPool
    lines: list[StandingLine]
    complete: bool
    played: int
    total: int
    notes: list[str] = field(default_factory=list)

    @property
    def needs_lot(self) -> bool:
        return any(line.shared for line in self.lines)

    @property
    def lot_drawn(self) -> bool:
        return any(line.decided_by == "lot_drawn" for line in self.lines)

    def tied_blocks(self) -> list[list[StandingLine]]:
        """Return the runs of teams that share a place, each a lot to draw (best place first)."""
        blocks: list[list[StandingLine]] = []
        for line in self.lines:
            if not line.shared:
                continue
            if blocks and blocks[-1][0].place == line.place:
                blocks[-1].append(line)
            else:
                blocks.append([line])
        return blocks


def _scheme(tournament: Tournament) -> engine.PointsScheme:
    return engine.PointsScheme(
        win=tournament.points_win,
        draw=tournament.points_draw,
        loss=tournament.points_loss,
        walkover_loss=tournament.points_walkover_loss,
    )


class DecidedMatch(Protocol):
    """What the standings read of a match: a TournamentMatch, or a row of its columns."""

    @property
    def pool_id(self) -> int | None: ...
    @property
    def side_a_id(self) -> int | None: ...
    @property
    def side_b_id(self) -> int | None: ...
    @property
    def status(self) -> str: ...
    @property
    def winner_id(self) -> int | None: ...
    @property
    def score_a(self) -> int | None: ...
    @property
    def score_b(self) -> int | None: ...
    @property
    def detail(self) -> Any: ...


class MatchColumns(NamedTuple):
    """One match's columns as compute_tables loads them (the order of _MATCH_COLUMNS).

    A plain tuple: reading a field is several times cheaper than reading a SQLAlchemy Row's
    attribute, which was most of a 64-team league's recompute (bench/tournament_standings.py)."""

    pool_id: int | None
    side_a_id: int | None
    side_b_id: int | None
    status: str
    winner_id: int | None
    score_a: int | None
    score_b: int | None
    detail: Any


#: The columns of TournamentMatch the standings read (compute_tables loads only these).
_MATCH_COLUMNS = (
    TournamentMatch.pool_id,
    TournamentMatch.side_a_id,
    TournamentMatch.side_b_id,
    TournamentMatch.status,
    TournamentMatch.winner_id,
    TournamentMatch.score_a,
    TournamentMatch.score_b,
    TournamentMatch.detail,
)


def _tt_result(match: DecidedMatch) -> table_tennis.MatchResult[int]:
    assert match.side_a_id is not None and match.side_b_id is not None
    detail = match.detail or {}
    retired = detail.get("retired")
    return table_tennis.MatchResult(
        match.side_a_id,
        match.side_b_id,
        games=tuple(tuple(game) for game in detail.get("games", ())),
        walkover_winner=match.winner_id if match.status == "walkover" else None,
        retired={"a": match.side_a_id, "b": match.side_b_id}.get(retired) if retired else None,
    )


def _progress_extras(detail: Mapping[str, object], side: str) -> Mapping[str, int]:
    """Return one side's progression counts, from its balls' points when they were recorded."""
    balls = detail.get(f"balls_{side}")
    if isinstance(balls, list) and balls:
        progress = gateball.TeamProgress.from_points(balls)
        return {
            engine.FINISHED_BALLS: progress.finished,
            engine.THROUGH_GATE_3: progress.reached(gateball.BallProgress.GATE_3),
            engine.THROUGH_GATE_2: progress.reached(gateball.BallProgress.GATE_2),
            engine.THROUGH_GATE_1: progress.reached(gateball.BallProgress.GATE_1),
        }
    extras = detail.get(f"extras_{side}")
    return extras if isinstance(extras, Mapping) else {}


def _rally_extras(detail: Mapping[str, object]) -> tuple[dict[str, int], dict[str, int]]:
    """Return each side's points won and lost in all the games of a table tennis match."""
    games: Sequence[Sequence[int]] = detail.get("games") or ()  # type: ignore[assignment]
    points_a = sum(game[0] for game in games)
    points_b = sum(game[1] for game in games)
    return (
        {RALLY_FOR: points_a, RALLY_AGAINST: points_b},
        {RALLY_FOR: points_b, RALLY_AGAINST: points_a},
    )


def match_record(match: DecidedMatch, sport: str = "") -> engine.MatchRecord[int]:
    """Return a decided match in the standings engine's neutral form.

    Table tennis (*sport*): the score is the games won and the extras are the points won and lost.
    A retirement is an unfinished match and, like a walkover, earns its loser the unplayed-loss
    points (ITTF 3.7.5.1); its winner need not lead on games, so it is not read as a score."""
    assert match.side_a_id is not None and match.side_b_id is not None
    detail = match.detail or {}
    unplayed = match.status == "walkover"
    home_extras: Mapping[str, int]
    away_extras: Mapping[str, int]
    if sport == "table_tennis":
        unplayed = unplayed or bool(detail.get("retired"))
        home_extras, away_extras = _rally_extras(detail)
    else:
        home_extras, away_extras = _progress_extras(detail, "a"), _progress_extras(detail, "b")
    return engine.MatchRecord(
        home=match.side_a_id,
        away=match.side_b_id,
        home_score=match.score_a or 0,
        away_score=match.score_b or 0,
        winner=match.winner_id,
        walkover=unplayed,
        home_extras=home_extras,
        away_extras=away_extras,
    )


#: The table columns a standings line copies from the engine's stats.
_COLUMNS = ("played", "won", "drawn", "lost", "points", "score_for", "score_against")


def _line(row: engine.StandingRow[int]) -> StandingLine:
    """Return a team's line of the table, from the row the domain ranked and summed."""
    stats = row.stats
    return StandingLine(
        place=row.place,
        registration_id=row.team,
        rally_for=stats.extras.get(RALLY_FOR, 0),
        rally_against=stats.extras.get(RALLY_AGAINST, 0),
        decided_by=row.decided_by,
        shared=row.shared,
        **{name: getattr(stats, name) for name in _COLUMNS},
    )


def pool_table(
    tournament: Tournament,
    pool: TournamentPool,
    matches: Sequence[DecidedMatch],
    *,
    use_lots: bool = True,
) -> PoolTable:
    """Rank one group from its matches (those of other groups are ignored).

    With *use_lots* false the lots drawn are left out, which shows the ties they break."""
    members = [member.registration_id for member in pool.members]
    lots = {member.registration_id: member.lot for member in pool.members}
    mine = [match for match in matches if match.pool_id == pool.id]
    decided = [match for match in mine if match.status in ("played", "walkover")]
    table_tennis_group = tournament.sport == "table_tennis"
    rows = tables.group_table(
        tournament.sport,
        members,
        [match_record(match, tournament.sport) for match in decided],
        _scheme(tournament),
        tournament.criteria_list,
        rallies=[_tt_result(match) for match in decided] if table_tennis_group else (),
        best_of=tournament.best_of or 5,
        lots=lots if use_lots else None,
    )
    ordered = [_line(row) for row in rows]
    return PoolTable(
        pool=pool,
        lines=ordered,
        complete=len(decided) == len(mine),
        played=len(decided),
        total=len(mine),
    )


def final_order(table: PoolTable) -> list[int | None]:
    """Return the team in each place of a finished group; None where a lot is still needed."""
    if not table.complete:
        return [None] * len(table.lines)
    return [None if line.shared else line.registration_id for line in table.lines]


def load_pools(
    tournament: Tournament, *, members: bool = True, session: Session | None = None
) -> list[tuple[TournamentStage, list[TournamentPool]]]:
    """Return the stages that have groups, with their groups (and members: one query more)."""
    pools = selectinload(TournamentStage.pools)
    if members:
        pools = pools.selectinload(TournamentPool.members)
    stages = (
        (session or db.session())
        .scalars(
            select(TournamentStage)
            .where(TournamentStage.tournament_id == tournament.id)
            .options(pools)
            .order_by(TournamentStage.position)
        )
        .all()
    )
    return [(stage, list(stage.pools)) for stage in stages if stage.pools]


def compute_tables(tournament: Tournament, *, session: Session | None = None) -> list[PoolTable]:
    """Compute the table of every group of every stage from the matches (four queries)."""
    session = session or db.session()
    # Rows of the columns read, not entities: a 64-team league's 2,016 matches load in a
    # fraction of the time (bench/tournament_standings.py).
    matches: Sequence[DecidedMatch] = [
        MatchColumns._make(row)
        for row in session.execute(
            select(*_MATCH_COLUMNS).where(
                TournamentMatch.tournament_id == tournament.id,
                TournamentMatch.pool_id.is_not(None),
            )
        )
    ]
    tables: list[PoolTable] = []
    for _stage, pools in load_pools(tournament, session=session):
        for pool in pools:
            tables.append(pool_table(tournament, pool, matches))
    return tables


#: The columns of a stored line, as StandingLine names them.
_STORED = (
    "place",
    *_COLUMNS,
    "rally_for",
    "rally_against",
    "decided_by",
    "shared",
)


def tournament_tables(tournament: Tournament) -> list[PoolTable]:
    """Return the table of every group of every stage, as stored (four queries).

    Inside a transaction that has itself changed the tournament and not committed yet, the
    stored tables are not brought up to date until the commit, so they are computed instead (a
    service reading what it just wrote). A group never stored (made before the tables were
    stored) is computed too, and stored by the next change."""
    session: Session = db.session()
    session.flush()
    if versions.tournament(tournament.id) in versions.pending(session):
        return compute_tables(tournament)
    stages = load_pools(tournament)
    stored, stored_lines = _stored(session, tournament.id)
    lines: dict[int, list[StandingLine]] = {}
    for row in sorted(stored_lines.values(), key=lambda row: (row.pool_id, row.position)):
        line = StandingLine(
            registration_id=row.registration_id, **{name: getattr(row, name) for name in _STORED}
        )
        lines.setdefault(row.pool_id, []).append(line)
    if any(pool.id not in stored for _stage, pools in stages for pool in pools):
        return compute_tables(tournament)
    return [
        PoolTable(
            pool=pool,
            lines=lines.get(pool.id, []),
            complete=stored[pool.id].played == stored[pool.id].total,
            played=stored[pool.id].played,
            total=stored[pool.id].total,
        )
        for _stage, pools in stages
        for pool in pools
    ]


def _stored(
    session: Session, tournament_id: int
) -> tuple[dict[int, TournamentStanding], dict[tuple[int, int], TournamentStandingLine]]:
    """Return one tournament's stored tables and lines, by group and by (group, team): one query."""
    standings: dict[int, TournamentStanding] = {}
    lines: dict[tuple[int, int], TournamentStandingLine] = {}
    rows = session.execute(
        select(TournamentStanding, TournamentStandingLine)
        .outerjoin(
            TournamentStandingLine,
            TournamentStandingLine.pool_id == TournamentStanding.pool_id,
        )
        .where(TournamentStanding.tournament_id == tournament_id)
    )
    for standing, line in rows:
        standings[standing.pool_id] = standing
        if line is not None:
            lines[(line.pool_id, line.registration_id)] = line
    return standings, lines


def _tournament_ids(keys: frozenset[str]) -> list[int]:
    ids: set[int] = set()
    for key in keys:
        kind, _, rest = key.partition(":")
        if kind == "tournament" and rest.isdigit():
            ids.add(int(rest))
    return sorted(ids)


def store_tables(session: Session, tournament_id: int, tables: Sequence[PoolTable]) -> int:
    """Make the stored tables of one tournament say *tables*; return the rows written.

    Only what changed is written: a line whose numbers are the same is left alone, a line of a
    team no longer in a group (a new draw) is deleted."""
    standings, old_lines = _stored(session, tournament_id)
    written = 0
    wanted_pools: set[int] = set()
    wanted_lines: set[tuple[int, int]] = set()
    for table in tables:
        pool_id = table.pool.id
        wanted_pools.add(pool_id)
        standing = standings.get(pool_id)
        if standing is None:
            standing = TournamentStanding(pool_id=pool_id, tournament_id=tournament_id)
            session.add(standing)
        if (standing.played, standing.total) != (table.played, table.total):
            standing.played, standing.total = table.played, table.total
            written += 1
        for position, line in enumerate(table.lines):
            key = (pool_id, line.registration_id)
            wanted_lines.add(key)
            row = old_lines.get(key)
            if row is None:
                row = TournamentStandingLine(
                    tournament_id=tournament_id,
                    pool_id=pool_id,
                    registration_id=line.registration_id,
                )
                session.add(row)
            values = {"position": position, **{name: getattr(line, name) for name in _STORED}}
            changed = {name: value for name, value in values.items() if getattr(row, name) != value}
            if changed:
                for name, value in changed.items():
                    setattr(row, name, value)
                written += 1
    for key, row in old_lines.items():
        if key not in wanted_lines:
            session.delete(row)
            written += 1
    for pool_id, standing in standings.items():
        if pool_id not in wanted_pools:
            session.delete(standing)
            written += 1
    return written


@versions.before_bump
def refresh_stored(session: Session, keys: frozenset[str]) -> None:
    """Bring the stored tables of every tournament in *keys* up to date (inside the commit).

    If the computation fails the commit fails with it: the stored tables stay as they were, and
    so does the change that would have made them stale."""
    for tournament_id in _tournament_ids(keys):
        tournament = session.get(Tournament, tournament_id)
        if tournament is None:
            continue
        store_tables(session, tournament_id, compute_tables(tournament, session=session))
