"""Stored contest results (services.standings): written in the commit of every change that
affects them, read by the pages, frozen while published, never half-written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from eventsys.domain import contest_results
from eventsys.extensions import db
from eventsys.models import Registration
from eventsys.models.contests import ContestOutcome, ContestStanding, ScoreSheet
from eventsys.services import contests, judging, results, standings
from tests.querycount import listening
from tests.services.test_contests import World, entry, score, set_up, user

D = Decimal


TIERS = (
    contests.TierData("一等奖", D(7), quota=1),
    contests.TierData("二等奖", D(5), quota=1),
)


def facts(outcome: results.ContestResults) -> Any:
    """What a results page, the matrix and the exports show (names aside)."""
    rows = [
        (
            r.entry.id,
            r.complete,
            r.place,
            r.shared,
            r.exact,
            type(r.exact).__name__,
            r.rounded,
            r.spread,
            r.tier,
            r.decided_by,
            r.totals,
            r.dropped,
            r.excluded,
            r.missing,
            r.skating_place,
            r.placings,
            r.dance_places,
        )
        for r in results.ordered(outcome)
    ]
    orgs = [(o.name, o.points, o.place, o.shared, o.tier_counts) for o in outcome.orgs]
    return rows, orgs, outcome.missing_sheets, outcome.problem, results.sheets_progress(outcome)


@contextmanager
def statements() -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, sql: str, params: Any, _ctx: Any, many: bool) -> None:
        seen.append((sql, params if many else [params]))

    with listening(db.engine, record):
        yield seen


def writes(seen: list[tuple[str, Any]]) -> list[str]:
    return [
        sql for sql, _ in seen if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_the_stored_results_are_the_computed_ones_after_every_sheet(
    world: Callable[..., World],
) -> None:
    w = world(entries=4, judges=3, judge_orgs={0: 1})  # judge 1 stands aside for entry 2
    contest = set_up(w, tiers=TIERS, tiebreaks=("criterion:1",))
    marks = [[20, 20, 15, 15], [25, 20, 15, 15], [20, 25, 15, 15], [28, 27, 18, 17]]
    for e, entry_id in enumerate(w.entry_ids):
        for j, judge_id in enumerate(w.judge_ids):
            if j == 0 and e % 4 == 1:
                continue
            score(contest, judge_id, entry_id, marks[(e + j) % 4])
            assert facts(results.stored(contest, marks=True)) == facts(results.compute(contest))
    stored = results.stored(contest)
    assert stored.missing_sheets == 0
    assert {r.tier for r in stored.rows} == {"一等奖", "二等奖", None}
    assert stored.orgs


def test_a_withdrawn_entry_leaves_the_stored_results_in_the_same_commit(
    world: Callable[..., World],
) -> None:
    w = world(entries=3, judges=1)
    contest = set_up(w, tiers=())
    for entry_id, mark in zip(w.entry_ids, (10, 20, 30), strict=True):
        score(contest, w.judge_ids[0], entry_id, [mark, mark, 10, 10])
    assert results.ordered(results.stored(contest))[0].entry.id == w.entry_ids[2]
    entry(w.entry_ids[2]).status = "cancelled"
    db.session.commit()
    stored = results.stored(contest)
    assert sorted(r.entry.id for r in stored.rows) == sorted(w.entry_ids[:2])
    assert results.ordered(stored)[0].place == 1
    assert facts(results.stored(contest, marks=True)) == facts(results.compute(contest))


def test_a_rule_change_refreshes_the_stored_scores(world: Callable[..., World]) -> None:
    w = world(entries=1, judges=3)
    contest = set_up(w, tiers=())
    for judge_id, mark in zip(w.judge_ids, (10, 20, 30), strict=True):
        score(contest, judge_id, w.entry_ids[0], [mark, mark, 10, 10])
    assert results.stored(contest).rows[0].exact == D(60)  # 40, 60, 80: the middle one
    contest.aggregation = "mean"
    db.session.commit()
    assert results.stored(contest).rows[0].exact == D(60)
    contest.drop_highest = 0
    contest.drop_lowest = 0
    contest.aggregation = "trimmed_mean"
    contest.decimals = 1
    db.session.commit()
    row = results.stored(contest).rows[0]
    assert row.rounded == D("60.0") and row.dropped == set()


def test_published_results_are_frozen_until_withdrawn(world: Callable[..., World]) -> None:
    w = world(entries=2, judges=1)
    contest = set_up(w, tiers=(contests.TierData("一等奖", D(3), quota=1),))
    score(contest, w.judge_ids[0], w.entry_ids[0], [30, 30, 20, 20])
    score(contest, w.judge_ids[0], w.entry_ids[1], [10, 10, 10, 10])
    results.publish(contest, actor=user(w.organizer_id))
    db.session.commit()
    published = facts(results.stored(contest))
    entry(w.entry_ids[0]).status = "cancelled"  # after publication: the results stand
    db.session.commit()
    assert facts(results.stored(contest)) == published
    results.unpublish(contest, actor=user(w.organizer_id))
    db.session.commit()
    stored = results.stored(contest)
    assert [(r.entry.id, r.place, r.tier) for r in stored.rows] == [(w.entry_ids[1], 1, "一等奖")]


def test_a_refresh_that_fails_takes_the_whole_commit_down_and_leaves_the_rows(
    world: Callable[..., World], monkeypatch: pytest.MonkeyPatch
) -> None:
    w = world(entries=2, judges=1)
    contest = set_up(w, tiers=TIERS)
    score(contest, w.judge_ids[0], w.entry_ids[0], [10, 10, 10, 10])
    before = facts(results.stored(contest, marks=True))

    def broken(*_args: Any) -> None:
        raise RuntimeError("the refresh broke half way")

    # The entries' rows are written, then the contest's own row fails: half-way through.
    monkeypatch.setattr(standings, "_store_outcome", broken)
    with pytest.raises(RuntimeError, match="half way"):
        score(contest, w.judge_ids[0], w.entry_ids[1], [30, 30, 20, 20])
    db.session.rollback()
    monkeypatch.undo()
    db.session.expire_all()
    assert facts(results.stored(contest, marks=True)) == before
    assert results.stored(contest, marks=True).rows[1].missing == {w.judge_ids[0]}
    assert db.session.scalar(select(func.count()).select_from(ScoreSheet)) == 1  # the save too


@pytest.mark.parametrize("step", ["compute", "update"])  # the whole recompute, one sheet's
def test_a_recompute_that_raises_changes_nothing(
    world: Callable[..., World], monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    w = world(entries=2, judges=1)
    contest = set_up(w, tiers=())
    score(contest, w.judge_ids[0], w.entry_ids[0], [10, 10, 10, 10])
    rows = select(ContestStanding.registration_id, ContestStanding.exact)
    before = db.session.execute(rows).all()

    def broken(*_args: Any) -> contest_results.Outcome:
        raise ArithmeticError("no")

    monkeypatch.setattr(contest_results, step, broken)
    with pytest.raises(ArithmeticError):
        if step == "compute":  # a rule change recomputes the contest whole
            contest.decimals = 1
            db.session.commit()
        else:  # a corrected sheet updates its entry
            score(contest, w.judge_ids[0], w.entry_ids[0], [30, 30, 20, 20])
    db.session.rollback()
    monkeypatch.undo()
    assert db.session.execute(rows).all() == before


def test_a_sheet_save_refreshes_with_the_same_statements_for_any_number_of_entries(
    world: Callable[..., World],
) -> None:
    counts = []
    for entries in (2, 9):
        w = world(entries=entries, judges=2)
        contest = set_up(w, tiers=TIERS)
        for entry_id in w.entry_ids:
            score(contest, w.judge_ids[0], entry_id, [20, 20, 15, 15])
        with statements() as seen:
            score(contest, w.judge_ids[1], w.entry_ids[0], [21, 20, 15, 15])
        counts.append(len(seen))
    assert counts[0] == counts[1]


def test_only_the_rows_that_changed_are_written(world: Callable[..., World]) -> None:
    w = world(entries=6, judges=1)
    contest = set_up(w, tiers=())
    for n, entry_id in enumerate(w.entry_ids):
        score(contest, w.judge_ids[0], entry_id, [10 + n, 10, 10, 10])
    with statements() as seen:
        # Entry 6 stays first: only its own row (score) changes.
        score(contest, w.judge_ids[0], w.entry_ids[5], [30, 10, 10, 10])
    standing_writes = [params for sql, params in seen if "INTO contest_standing" in sql]
    assert [len(params) for params in standing_writes] == [1]
    assert [sql for sql in writes(seen) if "contest_standing" in sql] == [
        sql for sql, _ in seen if "INTO contest_standing" in sql
    ]


def test_reading_the_stored_results_writes_nothing(world: Callable[..., World]) -> None:
    w = world(entries=2, judges=1)
    contest = set_up(w, tiers=TIERS)
    score(contest, w.judge_ids[0], w.entry_ids[0], [30, 30, 20, 20])
    db.session.expire_all()
    with statements() as seen:
        results.stored(contest, marks=True)
    assert writes(seen) == []
    assert db.session.get(ContestOutcome, contest.id) is not None


def test_a_new_entry_appears_in_the_stored_results_as_missing_its_sheets(
    world: Callable[..., World],
) -> None:
    w = world(entries=1, judges=2)
    contest = set_up(w, tiers=())
    newcomer = Registration(
        event_id=w.event_id,
        kind="individual",
        captain_id=w.organizer_id,
        title="新作",
        status="confirmed",
        size=1,
    )
    db.session.add(newcomer)
    db.session.commit()
    stored = results.stored(contest)
    assert {r.entry.id for r in stored.rows} == {w.entry_ids[0], newcomer.id}
    assert stored.missing_sheets == 4
    assert results.sheets_progress(stored) == (0, 4)


def test_a_judge_moving_organisation_refreshes_the_contests_they_judge(
    world: Callable[..., World],
) -> None:
    w = world(entries=4, judges=2, judge_orgs={0: 1})  # judge 1 stands aside for entry 2
    contest = set_up(w, tiers=TIERS)
    for e, entry_id in enumerate(w.entry_ids):
        for j, judge_id in enumerate(w.judge_ids):
            if not (j == 0 and e % 4 == 1):  # as in the first test: judge 1 skips entry 2
                score(contest, judge_id, entry_id, [20, 20, 15, 15])
    before = results.stored(contest, marks=True)
    assert before.missing_sheets == 0
    assert any(r.excluded for r in before.rows)
    user(w.judge_ids[0]).organisation_id = None  # the desk corrects the judge's unit
    db.session.commit()
    after = results.stored(contest, marks=True)
    assert facts(after) == facts(results.compute(contest))
    assert not any(r.excluded for r in after.rows)
    assert after.missing_sheets == 1  # the sheet they never had to mark is now wanted


def stored_rows(contest_id: int) -> Any:
    """Every stored value of the contest: its entries' rows and its own row."""
    columns = [c for c in ContestStanding.__table__.c if c.name != "contest_id"]
    rows = db.session.execute(
        select(*columns)
        .where(ContestStanding.contest_id == contest_id)
        .order_by(ContestStanding.registration_id)
    ).all()
    own = db.session.execute(
        select(ContestOutcome.__table__).where(ContestOutcome.contest_id == contest_id)
    ).one()
    return [tuple(row) for row in rows], tuple(own)


def test_a_sheet_at_a_time_stores_exactly_what_a_whole_recompute_stores(
    world: Callable[..., World], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random saves, corrections, drafts and withdrawals (fixed seed): after each commit the
    stored rows are those a whole recompute stores, and the sheet saves took the one-sheet
    path (contest_results.update), the withdrawals the whole one."""
    import random

    rng = random.Random(17)
    w = world(entries=7, judges=4, judge_orgs={0: 1})  # judge 1 stands aside for entries 2, 6
    contest = set_up(
        w,
        tiers=(
            contests.TierData("一等奖", D(7), quota=1),
            contests.TierData("二等奖", D(5), quota=2),
        ),
        tiebreaks=("criterion:1", "lower_spread"),
    )
    updates: list[int] = []
    real_update = contest_results.update

    def counted(*args: Any) -> contest_results.Outcome:
        updates.append(1)
        return real_update(*args)

    monkeypatch.setattr(contest_results, "update", counted)
    live = list(w.entry_ids)
    saves = 0
    tied = dropped = False
    for step in range(45):
        if step in (20, 35):  # a withdrawal: the whole recompute
            gone = live.pop(rng.randrange(len(live)))
            entry(gone).status = "cancelled"
            db.session.commit()
        else:
            judge_id = rng.choice(w.judge_ids[1:] if rng.random() < 0.3 else w.judge_ids)
            entry_id = rng.choice(live)
            if judge_id == w.judge_ids[0] and entry(entry_id).organisation_id == w.org_ids[1]:
                continue  # stands aside
            marks = [rng.choice((10, 15, 20)) for _ in range(4)]
            sheet = judging.sheet_for(contest, user(judge_id), entry(entry_id))
            submit = (sheet is not None and sheet.status == "submitted") or rng.random() < 0.8
            score(contest, judge_id, entry_id, marks, submit=submit)
            saves += 1
        db.session.expire_all()
        incremental = stored_rows(contest.id)
        standings.refresh(db.session(), contest)  # the whole recompute, rolled back
        whole = stored_rows(contest.id)
        db.session.rollback()
        assert incremental == whole, f"step {step}"
        rows = results.stored(contest, marks=True).rows
        tied |= any(r.shared or r.decided_by for r in rows)
        dropped |= any(r.dropped for r in rows)
    assert len(updates) == saves > 30
    assert tied and dropped  # ties happened and were placed, marks were dropped
