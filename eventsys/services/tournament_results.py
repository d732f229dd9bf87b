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

from eventsys.domain.sports import CheckedResult, InvalidResult, MatchRules, ResultInput
from eventsys.domain.sports import checks as sports
from eventsys.domain.standings import PROGRESSION_CRITERIA
from eventsys.errors import Conflict, EventsysError, Forbidden
from eventsys.extensions import db
from eventsys.models import User
from eventsys.models.tournaments import Tournament, TournamentMatch, TournamentPool
from eventsys.services import audit
from eventsys.services.tournament_messages import refusal
from eventsys.services.tournament_standings import final_order, pool_table
from eventsys.services.tournaments import can_enter_results, claim, match_label, team_names
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


class _Cascade:
    """Changes to later matches, collected so that they can be confirmed first."""

    def __init__(self, *, confirm: bool, actor: User, reason: str) -> None:
        self.confirm = confirm
        self.actor = actor
        self.reason = reason
        self.blocked: list[TournamentMatch] = []
        self.cleared: list[TournamentMatch] = []
        self.filled: list[TournamentMatch] = []

    def clear(self, match: TournamentMatch) -> None:
        """Undo a decided match whose team changes, and withdraw its winner from later rounds."""
        if match.status == "bye":
            winner = match.winner_id
            match.winner_id = None
            if winner is not None:
                self.withdraw(match, winner)
            return
        if not self.confirm:
            self.blocked.append(match)
        before = audit.snapshot(match, RESULT_FIELDS)
        winner = match.winner_id
        loser = None
        if winner is not None:
            loser = match.side_b_id if winner == match.side_a_id else match.side_a_id
        match.status = "scheduled"
        match.winner_id = None
        match.score_a = match.score_b = None
        match.detail = None
        match.decided_by = None
        match.version += 1
        self.cleared.append(match)
        audit.record(
            self.actor,
            "match.clear",
            "tournament_match",
            match.id,
            before=before,
            after={"reason": self.reason or "earlier result corrected"},
        )
        if winner is not None:
            self.withdraw(match, winner, loser)

    def withdraw(self, match: TournamentMatch, winner: int, loser: int | None = None) -> None:
        if match.next_match_id is not None:
            following = db.session.get(TournamentMatch, match.next_match_id)
            if following is not None and getattr(following, f"side_{match.next_side}_id") == winner:
                self.seat(following, match.next_side or "a", None)
        if loser is not None and match.loser_next_match_id is not None:
            following = db.session.get(TournamentMatch, match.loser_next_match_id)
            side = match.loser_next_side or "a"
            if following is not None and getattr(following, f"side_{side}_id") == loser:
                self.seat(following, side, None)

    def seat(self, match: TournamentMatch, side: str, registration_id: int | None) -> None:
        """Put *registration_id* (or nobody) on one side of *match*, re-deriving what follows."""
        if getattr(match, f"side_{side}_id") == registration_id:
            return
        if match.status in ("played", "walkover"):
            self.clear(match)
        other = getattr(match, f"side_{'b' if side == 'a' else 'a'}_id")
        if registration_id is not None and registration_id == other:
            # The team moved sides within this match (a re-derived group order): free the other.
            setattr(match, f"side_{'b' if side == 'a' else 'a'}_id", None)
        setattr(match, f"side_{side}_id", registration_id)
        match.version += 1
        if registration_id is not None:
            self.filled.append(match)
        if match.status == "bye":
            old = match.winner_id
            match.winner_id = match.side_a_id
            if old is not None and old != match.side_a_id:
                self.withdraw(match, old)
            self.advance(match)

    def advance(self, match: TournamentMatch) -> None:
        """Send a decided match's winner (and a semi-final loser) to their next matches."""
        winner = match.winner_id
        if match.next_match_id is not None and winner is not None:
            following = db.session.get(TournamentMatch, match.next_match_id)
            if following is not None:
                self.seat(following, match.next_side or "a", winner)
        if match.loser_next_match_id is not None and winner is not None:
            loser = match.side_b_id if winner == match.side_a_id else match.side_a_id
            following = db.session.get(TournamentMatch, match.loser_next_match_id)
            if following is not None and loser is not None:
                self.seat(following, match.loser_next_side or "a", loser)


def _refresh_feeds(tournament: Tournament, pool: TournamentPool, cascade: _Cascade) -> None:
    """Fill (or re-fill) the knockout places that this group's final order feeds."""
    fed = list(
        db.session.scalars(
            select(TournamentMatch).where(
                (TournamentMatch.feed_a_pool_id == pool.id)
                | (TournamentMatch.feed_b_pool_id == pool.id)
            )
        )
    )
    if not fed:
        return
    matches = db.session.scalars(
        select(TournamentMatch).where(TournamentMatch.pool_id == pool.id)
    ).all()
    order = final_order(pool_table(tournament, pool, matches))
    for match in fed:
        for side in ("a", "b"):
            if getattr(match, f"feed_{side}_pool_id") != pool.id:
                continue
            place = getattr(match, f"feed_{side}_place")
            wanted = order[place - 1] if place is not None and place <= len(order) else None
            cascade.seat(match, side, wanted)


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
    savepoint = db.session.begin_nested()
    if not claim(match, expected_version):
        savepoint.rollback()
        raise Conflict(
            _("This result was changed by someone else meanwhile. Please look at it again.")
        )
    cascade = _Cascade(confirm=confirm, actor=actor, reason=reason)
    before = audit.snapshot(match, RESULT_FIELDS)
    old_winner = match.winner_id
    old_loser = None
    if old_winner is not None:
        old_loser = match.side_b_id if old_winner == match.side_a_id else match.side_a_id
    match.status = decided.status
    match.winner_id = decided.winner
    match.score_a, match.score_b = decided.score_a, decided.score_b
    match.detail = decided.detail
    match.decided_by = decided.decided_by
    match.result_by_id = actor.id
    match.result_at = now or utcnow()
    if match.pool_id is None:
        if correcting and old_winner is not None and old_winner != decided.winner:
            cascade.withdraw(match, old_winner, old_loser)
        cascade.advance(match)
    else:
        pool = db.session.get(TournamentPool, match.pool_id)
        assert pool is not None
        with db.session.no_autoflush:
            _refresh_feeds(tournament, pool, cascade)
    if cascade.blocked:
        names = team_names(tournament)
        listed = "; ".join(match_label(blocked, names) for blocked in cascade.blocked)
        savepoint.rollback()
        raise NeedsConfirmation(
            _(
                "Later matches were already played with the old result: %(matches)s. "
                "Confirm to clear their results and re-derive the draw.",
                matches=listed,
            ),
            cascade.blocked,
        )
    audit.record(
        actor,
        "match.correct" if correcting else "match.result",
        "tournament_match",
        match.id,
        before=before if correcting else None,
        after={**audit.snapshot(match, RESULT_FIELDS), "reason": reason.strip() or None},
    )
    savepoint.commit()
    db.session.flush()
    return ResultOutcome(match=match, cleared=cascade.cleared, filled=cascade.filled)


def set_lots(pool: TournamentPool, order: Sequence[int], *, actor: User) -> None:
    """Record the order drawn by lot for teams no criterion separates (first listed ranks first)."""
    tournament = pool.stage.tournament
    if not actor.is_organizer:
        raise Forbidden(_("Only organizers can record a lot."))
    members = {member.registration_id: member for member in pool.members}
    if len(set(order)) != len(order) or any(team not in members for team in order):
        raise EventsysError(_("Choose teams of this group, each once."), field="order")
    savepoint = db.session.begin_nested()
    before = {str(team): member.lot for team, member in members.items()}
    for member in members.values():
        member.lot = None
    for position, team in enumerate(order, start=1):
        members[team].lot = position
    db.session.flush()
    cascade = _Cascade(confirm=False, actor=actor, reason="lot")
    _refresh_feeds(tournament, pool, cascade)
    if cascade.blocked:
        savepoint.rollback()
        raise EventsysError(_("Knockout matches fed by this group were already played."))
    audit.record(
        actor,
        "pool.lot",
        "tournament_pool",
        pool.id,
        before=before,
        after={str(team): position for position, team in enumerate(order, start=1)},
    )
    savepoint.commit()
    db.session.flush()
