"""Record and correct match results, checked by the sport's rules, and move winners on.

Knockout winners advance to their next match (semi-final losers to the third-place match when
there is one); a finished group fills the knockout places it feeds. Correcting a result whose
consequences were already played needs a confirmation; the later results are then cleared and
the bracket re-derived, every step written to the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from eventsys.domain import bracket
from eventsys.domain.sports import CheckedResult, InvalidResult, MatchRules, ResultInput
from eventsys.domain.sports import checks as sports
from eventsys.domain.standings import PROGRESSION_CRITERIA
from eventsys.errors import Conflict, EventsysError, Forbidden
from eventsys.extensions import db
from eventsys.models import Event, User
from eventsys.models.tournaments import Tournament, TournamentMatch, TournamentPool
from eventsys.services import audit, notices
from eventsys.services.tournament_messages import refusal
from eventsys.services.tournament_standings import final_order, pool_table
from eventsys.services.tournaments import (
    bracket_match,
    can_enter_results,
    claim,
    match_label,
    team_names,
)
from eventsys.timeutil import utcnow

RESULT_FIELDS = (
    "status",
    "winner_id",
    "score_a",
    "score_b",
    "detail",
    "decided_by",
    "side_a_id",
    "side_b_id",
)


class NeedsConfirmation(EventsysError):
    """A change would undo results already played later on; ask before doing it."""

    def __init__(self, message: str, matches: Sequence[TournamentMatch]) -> None:
        super().__init__(message)
        self.matches = list(matches)


@dataclass
class ResultOutcome:
    match: TournamentMatch
    cleared: list[TournamentMatch] = field(default_factory=list)
    filled: list[TournamentMatch] = field(default_factory=list)


# ---- checking a result by sport ------------------------------------------------------------------


def check_result(
    tournament: Tournament, match: TournamentMatch, data: ResultInput
) -> CheckedResult:
    """Return the checked result of *match*, or raise EventsysError saying what is wrong."""
    a_id, b_id = match.side_a_id, match.side_b_id
    assert a_id is not None and b_id is not None
    rules = MatchRules(
        best_of=tournament.best_of or 5,
        race_to=tournament.race_to or 1,
        knockout=match.pool_id is None,
        draws=tournament.points_draw is not None,
        needs_progression=any(name in PROGRESSION_CRITERIA for name in tournament.criteria_list),
    )
    try:
        return sports.check_result(tournament.sport, a_id, b_id, data, rules)
    except InvalidResult as error:
        raise refusal(error, team_names(tournament)) from None


# ---- recording and re-deriving ------------------------------------------------------------------


def _tournament_matches(tournament_id: int) -> list[TournamentMatch]:
    return list(
        db.session.scalars(
            select(TournamentMatch)
            .where(TournamentMatch.tournament_id == tournament_id)
            .order_by(TournamentMatch.id)
        )
    )


def _write_progress(
    outcome: bracket.Outcome[int],
    rows: dict[int, TournamentMatch],
    *,
    actor: User,
    reason: str,
    decided: int | None = None,
) -> None:
    """Write what the domain decided: cleared results (audited), new sides and byes' winners."""
    for match_id in outcome.cleared:
        match = rows[match_id]
        before = audit.snapshot(match, RESULT_FIELDS)
        match.score_a = match.score_b = None
        match.detail = None
        match.decided_by = None
        audit.record(
            actor,
            "match.clear",
            "tournament_match",
            match.id,
            before=before,
            after={"reason": reason or "earlier result corrected"},
        )
    for match_id, state in outcome.changed.items():
        if match_id == decided:
            continue  # the recorded match: written by the caller
        match = rows[match_id]
        match.side_a_id, match.side_b_id = state.side_a, state.side_b
        match.status, match.winner_id = state.status, state.winner
        match.version += 1


def _group_order(
    tournament: Tournament, pool: TournamentPool, matches: Sequence[TournamentMatch]
) -> bracket.GroupOrder[int]:
    """The group's final order by its standings (None in places a lot or a match must decide)."""
    order = final_order(pool_table(tournament, pool, matches))
    return bracket.GroupOrder(group=pool.id, order=tuple(order))


def record_result(
    match: TournamentMatch,
    data: ResultInput,
    *,
    actor: User,
    expected_version: int | None = None,
    confirm: bool = False,
    reason: str = "",
    now: datetime | None = None,
) -> ResultOutcome:
    """Record (or correct) the result of *match* and move the winners on.

    A correction that would undo results played later is refused with NeedsConfirmation unless
    *confirm* is given; then those results are cleared and the bracket re-derived."""
    tournament = db.session.get(Tournament, match.tournament_id)
    assert tournament is not None
    if not can_enter_results(actor, tournament):
        raise Forbidden(_("Only organizers and this tournament's referees can enter results."))
    if expected_version is not None and expected_version != match.version:
        raise Conflict(
            _("This result was changed by someone else meanwhile. Please look at it again.")
        )
    if match.status == "bye":
        raise EventsysError(_("This is a bye: the team goes through without playing."))
    if match.side_a_id is None or match.side_b_id is None:
        raise EventsysError(_("The teams of this match are not known yet."))
    correcting = match.status in ("played", "walkover")
    if correcting and not reason.strip():
        raise EventsysError(
            _("Say why the result is corrected; the reason is kept with the record."),
            field="reason",
        )
    decided = check_result(tournament, match, data)
    with db.session.begin_nested():  # rolled back if anything below raises
        if not claim(match, expected_version):
            raise Conflict(
                _("This result was changed by someone else meanwhile. Please look at it again.")
            )
        before = audit.snapshot(match, RESULT_FIELDS)
        with db.session.no_autoflush:
            # The bracket as it was (this match's old result included), then the change.
            matches = _tournament_matches(tournament.id)
            rows = {other.id: other for other in matches}
            states = [bracket_match(other) for other in matches]
            match.status = decided.status
            match.winner_id = decided.winner
            match.score_a, match.score_b = decided.score_a, decided.score_b
            match.detail = decided.detail
            match.decided_by = decided.decided_by
            match.result_by_id = actor.id
            match.result_at = now or utcnow()
            outcome = bracket.Outcome[int]()
            if match.pool_id is None:
                change = bracket.Decided(match.id, decided.status, decided.winner)
                outcome = bracket.apply(states, change, confirm=confirm)
            elif bracket.fed_by(states, match.pool_id):
                pool = db.session.get(TournamentPool, match.pool_id)
                assert pool is not None
                outcome = bracket.apply(
                    states, _group_order(tournament, pool, matches), confirm=confirm
                )
        if outcome.blocked:
            names = team_names(tournament)
            listed = "; ".join(match_label(rows[blocked], names) for blocked in outcome.blocked)
            raise NeedsConfirmation(
                _(
                    "Later matches were already played with the old result: %(matches)s. "
                    "Confirm to clear their results and re-derive the draw.",
                    matches=listed,
                ),
                [rows[blocked] for blocked in outcome.blocked],
            )
        _write_progress(outcome, rows, actor=actor, reason=reason, decided=match.id)
        audit.record(
            actor,
            "match.correct" if correcting else "match.result",
            "tournament_match",
            match.id,
            before=before if correcting else None,
            after={**audit.snapshot(match, RESULT_FIELDS), "reason": reason.strip() or None},
        )
    db.session.flush()
    if not correcting and all(other.is_decided for other in rows.values()):
        event = db.session.get(Event, tournament.event_id)
        assert event is not None
        notices.notify_registrants(
            event, "tournament_finished", now=match.result_at, statuses=("confirmed",)
        )
    return ResultOutcome(
        match=match,
        cleared=[rows[cleared] for cleared in outcome.cleared],
        filled=[rows[filled] for filled in dict.fromkeys(outcome.filled)],
    )


def set_lots(pool: TournamentPool, order: Sequence[int], *, actor: User) -> None:
    """Record the order drawn by lot for teams no criterion separates (first listed ranks first)."""
    tournament = pool.stage.tournament
    if not actor.is_organizer:
        raise Forbidden(_("Only organizers can record a lot."))
    members = {member.registration_id: member for member in pool.members}
    if len(set(order)) != len(order) or any(team not in members for team in order):
        raise EventsysError(_("Choose teams of this group, each once."), field="order")
    with db.session.begin_nested():  # rolled back if anything below raises
        before = {str(team): member.lot for team, member in members.items()}
        for member in members.values():
            member.lot = None
        for position, team in enumerate(order, start=1):
            members[team].lot = position
        db.session.flush()
        matches = _tournament_matches(tournament.id)
        states = [bracket_match(match) for match in matches]
        outcome = bracket.Outcome[int]()
        if bracket.fed_by(states, pool.id):
            outcome = bracket.apply(states, _group_order(tournament, pool, matches), confirm=False)
        if outcome.blocked:
            raise EventsysError(_("Knockout matches fed by this group were already played."))
        _write_progress(outcome, {match.id: match for match in matches}, actor=actor, reason="lot")
        audit.record(
            actor,
            "pool.lot",
            "tournament_pool",
            pool.id,
            before=before,
            after={str(team): position for position, team in enumerate(order, start=1)},
        )
    db.session.flush()
