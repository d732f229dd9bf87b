"""Stored tournament standings: refreshed in the commit that changes the tournament, read by pages.

A result, a correction, a lot, a rule change or a new draw brings the stored tables of that one
tournament up to date in the same transaction (eventsys.versions.before_bump); only the lines
that changed are written; a refresh that fails leaves the stored tables as they were."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import event, select, update

from eventsys.domain.sports import ResultInput
from eventsys.extensions import db
from eventsys.models import User
from eventsys.models.tournaments import (
    Tournament,
    TournamentMatch,
    TournamentStanding,
    TournamentStandingLine,
)
from eventsys.services import tournament_standings as standings
from eventsys.services import tournaments as service
from eventsys.services.tournament_results import record_result, set_lots
from eventsys.services.tournament_standings import compute_tables, tournament_tables
from tests.services.test_tournaments_helpers import find_match, play_score, setup_tournament


def _stored_lines(tournament_id: int) -> list[tuple[int, int, int, int, str | None, bool]]:
    return [
        (row.registration_id, row.place, row.points, row.score_for, row.decided_by, row.shared)
        for row in db.session.scalars(
            select(TournamentStandingLine)
            .where(TournamentStandingLine.tournament_id == tournament_id)
            .order_by(TournamentStandingLine.pool_id, TournamentStandingLine.position)
        )
    ]


def _lines(tables: list[standings.PoolTable]) -> list[tuple[int, int, int, int, str | None, bool]]:
    return [
        (
            line.registration_id,
            line.place,
            line.points,
            line.score_for,
            line.decided_by,
            line.shared,
        )
        for table in tables
        for line in table.lines
    ]


def _gateball_three(
    make_event: Callable[..., int], organizer: User
) -> tuple[Tournament, list[int]]:
    tournament, teams = setup_tournament(
        make_event, organizer, "gateball", ["甲", "乙", "丙"], points_draw=1
    )
    service.make_draw(tournament, "round_robin", actor=organizer)
    db.session.commit()
    return tournament, teams


def test_a_new_draw_stores_an_empty_table_and_a_result_refreshes_it_at_commit(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, (a, b, c) = _gateball_three(make_event, organizer)
    stored = _stored_lines(tournament.id)
    assert sorted(row[0] for row in stored) == [a, b, c]
    assert all(row[2] == 0 for row in stored)
    (table,) = db.session.scalars(select(TournamentStanding)).all()
    assert (table.played, table.total) == (0, 3)

    play_score(tournament, find_match(tournament, a, b), 12, 7, organizer)
    db.session.commit()
    # 甲 won 12-7 (2 points); 丙 has not played and 乙 lost, so 丙 is second on score difference.
    assert _stored_lines(tournament.id)[0][:4] == (a, 1, 2, 12)
    assert _stored_lines(tournament.id) == _lines(compute_tables(tournament))
    assert db.session.get(TournamentStanding, table.pool_id).played == 1


def test_pages_read_the_stored_lines_not_the_matches(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, (a, b, _c) = _gateball_three(make_event, organizer)
    play_score(tournament, find_match(tournament, a, b), 12, 7, organizer)
    db.session.commit()
    # A write the refresher is not told about (a bulk update past the ORM): pages keep showing
    # the stored table, which is what proves they read it.
    db.session.execute(
        update(TournamentMatch)
        .where(TournamentMatch.tournament_id == tournament.id, TournamentMatch.status == "played")
        .values(score_a=30)
    )
    db.session.commit()
    first = tournament_tables(tournament)[0].lines[0]
    assert (first.registration_id, first.score_for) == (a, 12)
    assert compute_tables(tournament)[0].lines[0].score_for == 30


def test_inside_the_changing_transaction_the_tables_are_computed(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, (_a, b, c) = _gateball_three(make_event, organizer)
    play_score(tournament, find_match(tournament, b, c), 3, 9, organizer)
    # Not committed yet: the stored lines are the draw's, the service sees its own result.
    assert all(row[2] == 0 for row in _stored_lines(tournament.id))
    assert tournament_tables(tournament)[0].lines[0].registration_id == c


def _full_rows(tournament_id: int) -> dict[int, tuple[object, ...]]:
    columns = TournamentStandingLine.__table__.columns
    return {
        row.id: tuple(getattr(row, column.key) for column in columns)
        for row in db.session.scalars(
            select(TournamentStandingLine).where(
                TournamentStandingLine.tournament_id == tournament_id
            )
        )
    }


def test_a_refresh_writes_only_the_lines_that_changed(
    app: Flask, organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, (a, b, c, d) = setup_tournament(
        make_event, organizer, "gateball", ["甲", "乙", "丙", "丁"]
    )
    service.make_draw(tournament, "round_robin", actor=organizer)
    play_score(tournament, find_match(tournament, a, b), 12, 7, organizer)
    db.session.commit()
    before = _full_rows(tournament.id)
    updated: list[int] = []
    other: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, parameters, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("UPDATE tournament_standing_line"):
            many = parameters if isinstance(parameters, list) else [parameters]
            updated.extend(
                row[-1] if isinstance(row, tuple) else [*row.values()][-1] for row in many
            )
        elif "tournament_standing" in statement and not statement.startswith("SELECT"):
            other.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        # 丙 v 丁 ends 10-9: 甲 (2 points, +5) stays first, the winner (+1) second, the loser
        # (-1) third, 乙 (-5) last: 乙's line is the same as before and is not written.
        match = find_match(tournament, c, d)
        winner, loser = match.side_a_id, match.side_b_id
        play_score(tournament, match, 10, 9, organizer)
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    after = _full_rows(tournament.id)
    changed = {line for line in after if after[line] != before[line]}
    assert sorted(updated) == sorted(changed)
    assert len(changed) < 4
    assert [statement.split()[0] for statement in other] == ["UPDATE"]  # the played count
    assert [row[0] for row in _stored_lines(tournament.id)] == [a, winner, loser, b]
    # Told again with nothing changed, the refresh writes nothing.
    assert standings.store_tables(db.session(), tournament.id, compute_tables(tournament)) == 0


def test_a_refresh_that_fails_halfway_leaves_the_stored_tables_and_the_result_as_they_were(
    organizer: User, make_event: Callable[..., int], monkeypatch: pytest.MonkeyPatch
) -> None:
    tournament, _teams = setup_tournament(
        make_event, organizer, "gateball", ["甲", "乙", "丙", "丁", "戊", "己"]
    )
    service.make_draw(tournament, "groups_knockout", groups=2, qualifiers=1, actor=organizer)
    db.session.commit()
    tournament_id = tournament.id
    before = _stored_lines(tournament_id)
    match = next(m for m in service.all_matches(tournament) if m.pool_id is not None)
    match_id = match.id
    play_score(tournament, match, 10, 4, organizer)
    real = standings.pool_table
    calls: list[int] = []

    def second_group_fails(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("standings broke on the second group")
        return real(*args, **kwargs)

    monkeypatch.setattr(standings, "pool_table", second_group_fails)
    with pytest.raises(RuntimeError):
        db.session.commit()
    db.session.rollback()
    monkeypatch.setattr(standings, "pool_table", real)
    assert len(calls) == 2
    assert _stored_lines(tournament_id) == before
    assert db.session.get(TournamentMatch, match_id).status == "scheduled"


def test_a_lot_and_a_rule_change_refresh_the_stored_table(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, (a, b, c) = _gateball_three(make_event, organizer)
    # Three 5-5 draws: every criterion leaves them level, a lot is needed.
    for one, other in ((a, b), (b, c), (a, c)):
        level = (2, 3, 0, 0, 0)
        play_score(
            tournament,
            find_match(tournament, one, other),
            5,
            5,
            organizer,
            balls_a=level,
            balls_b=level,
        )
    db.session.commit()
    assert [row[5] for row in _stored_lines(tournament.id)] == [True, True, True]
    pool = tournament.stages[0].pools[0]
    set_lots(pool, [c, a, b], actor=organizer)
    db.session.commit()
    assert [(row[0], row[1], row[4]) for row in _stored_lines(tournament.id)] == [
        (c, 1, "lot_drawn"),
        (a, 2, "lot_drawn"),
        (b, 3, "lot_drawn"),
    ]
    changed = service.TournamentSettings.for_sport(
        "gateball", points_draw=2, first_slot_at=tournament.first_slot_at
    )
    service.update_settings(tournament, changed, actor=organizer)
    db.session.commit()
    assert {row[2] for row in _stored_lines(tournament.id)} == {4}


def test_a_walkover_and_a_correction_refresh_the_stored_table(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, (a, b, _c) = _gateball_three(make_event, organizer)
    match = find_match(tournament, a, b)
    record_result(match, ResultInput(outcome="walkover", winner_id=b), actor=organizer)
    db.session.commit()
    assert _stored_lines(tournament.id)[0][:3] == (b, 1, 2)
    record_result(
        match,
        ResultInput(score_a=9, score_b=1)
        if match.side_a_id == a
        else ResultInput(score_a=1, score_b=9),
        actor=organizer,
        reason="the walkover was entered for the wrong team",
    )
    db.session.commit()
    assert _stored_lines(tournament.id)[0][:4] == (a, 1, 2, 9)
    assert _stored_lines(tournament.id) == _lines(compute_tables(tournament))
