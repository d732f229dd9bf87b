"""Two referees, tabs or devices saving one match at once: one wins, none is lost silently."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from eventsys.errors import Conflict
from eventsys.extensions import db
from eventsys.models import AuditRecord, User
from eventsys.models.tournaments import Tournament, TournamentMatch
from eventsys.services import tournaments as service
from eventsys.services.tournament_results import ResultInput, record_result
from tests.services.racing import race
from tests.services.test_tournaments_helpers import setup_tournament

WORKERS = 6


def _world(
    app: Flask, make_user: Callable[..., int], make_event: Callable[..., int]
) -> tuple[int, int, int, int]:
    """An organizer and a scheduled one-match round robin on two courts; return their ids."""
    with app.app_context():
        organizer = db.session.get(User, make_user(roles=("organizer",)))
        tournament, _teams = setup_tournament(
            make_event, organizer, "score", ["甲", "乙"], courts=2
        )
        service.make_draw(tournament, "round_robin", actor=organizer)
        service.make_schedule(tournament, actor=organizer)
        (match,) = service.all_matches(tournament)
        db.session.commit()
        return organizer.id, tournament.id, match.id, match.version


def test_concurrent_result_saves_of_one_match_keep_exactly_one_and_refuse_the_others(
    app: Flask, make_user: Callable[..., int], make_event: Callable[..., int]
) -> None:
    organizer_id, _tid, match_id, version = _world(app, make_user, make_event)

    def save(index: int, barrier: threading.Barrier) -> None:
        match = db.session.get(TournamentMatch, match_id)
        actor = db.session.get(User, organizer_id)
        assert match is not None and actor is not None
        db.session.commit()
        barrier.wait()
        record_result(
            match,
            ResultInput(score_a=10 + index, score_b=1),
            actor=actor,
            expected_version=version,
        )

    outcomes = race(app, WORKERS, save)
    saved = [index for index, result in outcomes.items() if result == "saved"]
    refused = [result for result in outcomes.values() if result.startswith("conflict")]
    assert len(saved) == 1 and len(refused) == WORKERS - 1, outcomes
    assert all("changed by someone else" in result for result in refused)
    with app.app_context():
        match = db.session.get(TournamentMatch, match_id)
        assert (match.score_a, match.score_b) == (10 + saved[0], 1)
        assert match.version == version + 1
        results = db.session.scalar(
            select(func.count())
            .select_from(AuditRecord)
            .where(AuditRecord.action.in_(("match.result", "match.correct")))
        )
        assert results == 1


def test_concurrent_moves_of_one_match_keep_exactly_one(
    app: Flask, make_user: Callable[..., int], make_event: Callable[..., int]
) -> None:
    organizer_id, tid, match_id, version = _world(app, make_user, make_event)
    with app.app_context():
        court_ids = [court.id for court in db.session.get(Tournament, tid).courts]

    def move(index: int, barrier: threading.Barrier) -> None:
        match = db.session.get(TournamentMatch, match_id)
        actor = db.session.get(User, organizer_id)
        assert match is not None and actor is not None
        db.session.commit()
        barrier.wait()
        service.move_match(
            match, court_id=court_ids[1], slot=index + 1, actor=actor, expected_version=version
        )

    outcomes = race(app, WORKERS, move)
    saved = [index for index, result in outcomes.items() if result == "saved"]
    assert len(saved) == 1, outcomes
    assert sum(result.startswith("conflict") for result in outcomes.values()) == WORKERS - 1
    with app.app_context():
        match = db.session.get(TournamentMatch, match_id)
        assert match.slot == saved[0] + 1 and match.version == version + 1


@pytest.mark.parametrize("stale", [True, False])
def test_a_save_typed_against_an_old_version_is_refused_and_changes_nothing(
    ctx: Flask, organizer: User, make_event: Callable[..., int], stale: bool
) -> None:
    tournament, _teams = setup_tournament(make_event, organizer, "score", ["甲", "乙"])
    service.make_draw(tournament, "round_robin", actor=organizer)
    (match,) = service.all_matches(tournament)
    version = match.version
    record_result(match, ResultInput(score_a=3, score_b=1), actor=organizer)
    if stale:
        with pytest.raises(Conflict, match="changed by someone else"):
            record_result(
                match,
                ResultInput(score_a=0, score_b=4),
                actor=organizer,
                expected_version=version,
                reason="记错",
            )
        assert (match.score_a, match.score_b, match.version) == (3, 1, version + 1)
    else:
        record_result(
            match,
            ResultInput(score_a=0, score_b=4),
            actor=organizer,
            expected_version=version + 1,
            reason="记错",
        )
        assert (match.score_a, match.score_b, match.version) == (0, 4, version + 2)
