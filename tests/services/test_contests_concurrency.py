"""Two judges, tabs or devices saving one score sheet at once: one wins, none is lost silently."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from flask import Flask

from eventsys.database import write_intent
from eventsys.errors import Conflict
from eventsys.extensions import db
from eventsys.models import Registration, User
from eventsys.models.contests import Contest
from eventsys.services import judging
from tests.services.test_contests import build_world, score, set_up

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
    barrier = threading.Barrier(WORKERS)
    outcomes: dict[int, str] = {}
    lock = threading.Lock()

    def save(index: int) -> None:
        write_intent.set(True)
        with app.app_context():
            contest = db.session.get(Contest, contest_id)
            judge = db.session.get(User, w.judge_ids[0])
            entry = db.session.get(Registration, w.entry_ids[0])
            criteria = list(contest.criteria)
            db.session.commit()
            barrier.wait()
            try:
                judging.save_sheet(
                    contest,
                    judge,
                    entry,
                    {c.id: str(10 + index) for c in criteria},
                    version=version,
                    submit=True,
                )
                db.session.commit()
                result = "saved"
            except Conflict:
                db.session.rollback()
                result = "conflict"
            except Exception as error:
                db.session.rollback()
                result = f"error: {type(error).__name__}: {error}"
        with lock:
            outcomes[index] = result

    threads = [threading.Thread(target=save, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["conflict"] * (WORKERS - 1) + ["saved"], outcomes
    winner = next(i for i, result in outcomes.items() if result == "saved")
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        sheet = judging.sheet_for(
            contest,
            db.session.get(User, w.judge_ids[0]),
            db.session.get(Registration, w.entry_ids[0]),
        )
        assert {m.value for m in sheet.marks} == {Decimal(10 + winner)}
        assert sheet.version == (1 if first_save else version + 1)
