"""Two judges, tabs or devices saving one score sheet at once: one wins, none is lost silently."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from flask import Flask

from eventsys.extensions import db
from eventsys.models import Registration, User
from eventsys.models.contests import Contest
from eventsys.services import judging
from tests.services.racing import race
from tests.services.test_contests import build_world, score, set_up, sheet_of

WORKERS = 6


@pytest.mark.parametrize("first_save", [True, False])
def test_concurrent_saves_of_one_sheet_keep_exactly_one_and_refuse_the_others(
    app: Flask,
    make_event: Callable[..., int],
    make_user: Callable[..., int],
    first_save: bool,
) -> None:
    w = build_world(app, make_event, make_user, entries=1, judges=1)
    with app.app_context():
        contest_id = set_up(w, tiers=()).id
        version = 0
        if not first_save:
            contest = db.session.get(Contest, contest_id)
            version = score(
                contest, w.judge_ids[0], w.entry_ids[0], [1, 1, 1, 1], submit=False
            ).version

    def save(index: int, barrier: threading.Barrier) -> None:
        contest = db.session.get(Contest, contest_id)
        judge = db.session.get(User, w.judge_ids[0])
        entry = db.session.get(Registration, w.entry_ids[0])
        criteria = list(contest.criteria)
        db.session.commit()
        barrier.wait()
        raw = {c.id: str(10 + index) for c in criteria}
        judging.save_sheet(contest, judge, entry, raw, version=version, submit=True)

    outcomes = race(app, WORKERS, save, refusal=lambda _error: "conflict")
    assert sorted(outcomes.values()) == ["conflict"] * (WORKERS - 1) + ["saved"], outcomes
    winner = next(i for i, result in outcomes.items() if result == "saved")
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        sheet = sheet_of(contest, w.judge_ids[0], w.entry_ids[0])
        assert {m.value for m in sheet.marks} == {Decimal(10 + winner)}
        assert sheet.version == (1 if first_save else version + 1)
