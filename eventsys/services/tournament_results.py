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

from eventsys.domain import billiards, gateball, table_tennis
from eventsys.domain.gateball import TeamProgress
from eventsys.domain.standings import PROGRESSION_CRITERIA
from eventsys.errors import Conflict, EventsysError, Forbidden
from eventsys.extensions import db
from eventsys.models import User
from eventsys.models.tournaments import Tournament, TournamentMatch, TournamentPool
from eventsys.services import audit
from eventsys.services.tournament_standings import final_order, pool_table
from eventsys.services.tournaments import can_enter_results, claim, match_label, team_names
from eventsys.timeutil import utcnow

OUTCOMES = ("played", "walkover", "retired")
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


@dataclass(frozen=True)
class ResultInput:
    """What a scorer enters. Sides are named by registration id.

    ``games``: table tennis (a's points, b's points) per game. ``score_a``/``score_b``: gateball
    points, billiards frames, or a generic score. ``balls_a``/``balls_b``: gateball points per
    ball (0, 1, 2, 3 or 5). ``tiebreak_winner_id``: a gateball play-off winner, or the winner of
    a level knockout match in a generic score sport."""

    outcome: str = "played"
    winner_id: int | None = None
    retired_id: int | None = None
    games: tuple[tuple[int, int], ...] = ()
    score_a: int | None = None
    score_b: int | None = None
    balls_a: tuple[int, ...] | None = None
    balls_b: tuple[int, ...] | None = None
    tiebreak_winner_id: int | None = None


@dataclass
class _Decided:
    status: str
    winner_id: int | None
    score_a: int
    score_b: int
    detail: dict[str, object]
    decided_by: str


@dataclass
class ResultOutcome:
    match: TournamentMatch
    cleared: list[TournamentMatch] = field(default_factory=list)
    filled: list[TournamentMatch] = field(default_factory=list)


# ---- checking a result by sport ------------------------------------------------------------------


def _side_key(match: TournamentMatch, registration_id: int | None, what: str) -> str:
    side = match.side_of(registration_id) if registration_id is not None else None
    if side is None:
        raise EventsysError(
            _("%(what)s must be one of the two teams of this match.", what=what), field="winner_id"
        )
    return side


def _table_tennis(tournament: Tournament, match: TournamentMatch, data: ResultInput) -> _Decided:
    best_of = tournament.best_of or 5
    needed = (best_of + 1) // 2
    games = [tuple(game) for game in data.games]
    if len(games) > best_of:
        raise EventsysError(
            _("A best-of-%(n)d match has at most %(n)d games.", n=best_of), field="games"
        )
    won_a = won_b = 0
    for number, (a, b) in enumerate(games, start=1):
        if not table_tennis.valid_game(a, b):
            raise EventsysError(
                _(
                    "Game %(number)d: %(a)d-%(b)d is not a finished game. A game is won at 11 "
                    "with the other at 9 or less, or from 10-10 by two clear points.",
                    number=number,
                    a=a,
                    b=b,
                ),
                field="games",
            )
        if max(won_a, won_b) >= needed:
            raise EventsysError(
                _(
                    "The match was already decided after game %(number)d: "
                    "leave the games after it empty.",
                    number=number - 1,
                ),
                field="games",
            )
        if a > b:
            won_a += 1
        else:
            won_b += 1
    a_id, b_id = match.side_a_id, match.side_b_id
    assert a_id is not None and b_id is not None
    if data.outcome == "walkover":
        if games:
            raise EventsysError(_("A walkover has no games: leave them empty."), field="games")
        side = _side_key(match, data.winner_id, _("The winner of the walkover"))
        return _Decided("walkover", data.winner_id, 0, 0, {"games": []}, "walkover")
    if data.outcome == "retired":
        side = _side_key(match, data.retired_id, _("The player who retired"))
        retiring_won = won_a if side == "a" else won_b
        if retiring_won >= needed:
            raise EventsysError(
                _("The player who retired had already won the match."), field="retired_id"
            )
        winner = b_id if side == "a" else a_id
        return _Decided(
            "played",
            winner,
            won_a,
            won_b,
            {"games": [list(g) for g in games], "retired": side},
            "retired",
        )
    if max(won_a, won_b) < needed:
        raise EventsysError(
            _(
                "Nobody has won %(needed)d games yet: enter every game up to the deciding one.",
                needed=needed,
            ),
            field="games",
        )
    result = table_tennis.MatchResult(a_id, b_id, games=tuple(games))  # type: ignore[arg-type]
    result.check(best_of)
    return _Decided(
        "played", result.winner(), won_a, won_b, {"games": [list(g) for g in games]}, "games"
    )


def _balls(values: tuple[int, ...] | None, team: str, field_name: str) -> TeamProgress | None:
    if values is None:
        return None
    if not 1 <= len(values) <= gateball.BALLS_PER_TEAM:
        raise EventsysError(
            _("%(team)s: give the points of each of the five balls.", team=team), field=field_name
        )
    for value in values:
        if value not in (0, 1, 2, 3, 5):
            raise EventsysError(
                _(
                    "%(team)s: a ball scores 0, 1, 2 or 3 for the gates passed, or 5 when it has "
                    "hit the goal pole; %(value)d is impossible.",
                    team=team,
                    value=value,
                ),
                field=field_name,
            )
    return TeamProgress.from_points(values)


def _gateball(tournament: Tournament, match: TournamentMatch, data: ResultInput) -> _Decided:
    a_id, b_id = match.side_a_id, match.side_b_id
    assert a_id is not None and b_id is not None
    if data.outcome == "walkover":
        _side_key(match, data.winner_id, _("The winner of the walkover"))
        return _Decided("walkover", data.winner_id, 0, 0, {}, "walkover")
    if data.outcome != "played":
        raise EventsysError(_("Choose how the match ended from the list."), field="outcome")
    names = team_names(tournament)
    for value, field_name in ((data.score_a, "score_a"), (data.score_b, "score_b")):
        if value is None or not 0 <= value <= gateball.MAX_TEAM_SCORE:
            raise EventsysError(
                _("A team scores 0 to 25 points (five balls, at most 5 each)."), field=field_name
            )
    progress_a = _balls(data.balls_a, names.get(a_id, ""), "balls_a")
    progress_b = _balls(data.balls_b, names.get(b_id, ""), "balls_b")
    if (progress_a is None) != (progress_b is None):
        raise EventsysError(_("Give the balls of both teams, or of neither."), field="balls_a")
    for progress, score, team, field_name in (
        (progress_a, data.score_a, a_id, "balls_a"),
        (progress_b, data.score_b, b_id, "balls_b"),
    ):
        if progress is not None and progress.points != score:
            raise EventsysError(
                _(
                    "%(team)s: the balls add up to %(sum)d, not %(score)d.",
                    team=names.get(team, ""),
                    sum=progress.points,
                    score=score,
                ),
                field=field_name,
            )
    if progress_a is None and any(
        name in PROGRESSION_CRITERIA for name in tournament.criteria_list
    ):
        raise EventsysError(
            _(
                "This tournament ranks by how far the balls got: "
                "give each ball's points for both teams."
            ),
            field="balls_a",
        )
    if data.score_a == data.score_b and progress_a is None:
        raise EventsysError(
            _("The scores are level: give each ball's points, which decide the winner."),
            field="balls_a",
        )
    shootout = data.tiebreak_winner_id
    if shootout is not None:
        _side_key(match, shootout, _("The play-off winner"))
    try:
        result = gateball.GateballResult(
            a_id,
            b_id,
            data.score_a,
            data.score_b,
            progress_a,
            progress_b,  # type: ignore[arg-type]
            shootout_winner=shootout,
        )
    except ValueError as error:
        raise EventsysError(
            _("A play-off is held only when score and ball progress are level."),
            field="tiebreak_winner_id",
        ) from error
    decision = gateball.decide(result)
    record = gateball.to_match_record(result)
    detail: dict[str, object] = {
        "extras_a": dict(record.home_extras),
        "extras_b": dict(record.away_extras),
    }
    if data.balls_a is not None:
        detail["balls_a"], detail["balls_b"] = list(data.balls_a), list(data.balls_b or ())
    if shootout is not None:
        detail["shootout"] = match.side_of(shootout)
    return _Decided(
        "played",
        decision.winner,
        data.score_a or 0,
        data.score_b or 0,
        detail,
        decision.decided_by,
    )


def _billiards(tournament: Tournament, match: TournamentMatch, data: ResultInput) -> _Decided:
    a_id, b_id = match.side_a_id, match.side_b_id
    assert a_id is not None and b_id is not None
    race_to = tournament.race_to or 1
    if data.outcome == "walkover":
        _side_key(match, data.winner_id, _("The winner of the walkover"))
        return _Decided("walkover", data.winner_id, 0, 0, {}, "walkover")
    if data.outcome != "played":
        raise EventsysError(_("Choose how the match ended from the list."), field="outcome")
    a, b = data.score_a, data.score_b
    if a is None or b is None or a < 0 or b < 0:
        raise EventsysError(_("Give the frames won by each player."), field="score_a")
    if not billiards.valid_race(a, b, race_to):
        if max(a, b) > race_to:
            message = _("The match stops when a player reaches %(n)d frames.", n=race_to)
        elif max(a, b) < race_to:
            message = _("Nobody has reached %(n)d frames yet.", n=race_to)
        else:
            message = _("Both players cannot reach %(n)d frames.", n=race_to)
        raise EventsysError(message, field="score_a")
    result = billiards.BilliardsResult(a_id, b_id, a, b, race_to)
    return _Decided("played", result.winner, a, b, {}, "frames")


def _score(
    tournament: Tournament, match: TournamentMatch, data: ResultInput, *, knockout: bool
) -> _Decided:
    if data.outcome == "walkover":
        _side_key(match, data.winner_id, _("The winner of the walkover"))
        return _Decided("walkover", data.winner_id, 0, 0, {}, "walkover")
    if data.outcome != "played":
        raise EventsysError(_("Choose how the match ended from the list."), field="outcome")
    a, b = data.score_a, data.score_b
    if a is None or b is None or a < 0 or b < 0:
        raise EventsysError(_("Give both scores, 0 or more."), field="score_a")
    if a != b:
        if data.tiebreak_winner_id is not None:
            raise EventsysError(
                _("A tie-break winner is given only for a level score."),
                field="tiebreak_winner_id",
            )
        return _Decided("played", match.side_a_id if a > b else match.side_b_id, a, b, {}, "score")
    if data.tiebreak_winner_id is not None:
        side = _side_key(match, data.tiebreak_winner_id, _("The tie-break winner"))
        return _Decided("played", data.tiebreak_winner_id, a, b, {"tiebreak": side}, "tiebreak")
    if knockout or tournament.points_draw is None:
        raise EventsysError(
            _("A draw is not possible here: give the tie-break winner."),
            field="tiebreak_winner_id",
        )
    return _Decided("played", None, a, b, {}, "draw")


def check_result(tournament: Tournament, match: TournamentMatch, data: ResultInput) -> _Decided:
    """Return the checked result of *match*, or raise EventsysError saying what is wrong."""
    if data.outcome not in OUTCOMES:
        raise EventsysError(_("Choose how the match ended from the list."), field="outcome")
    if data.outcome == "retired" and tournament.sport != "table_tennis":
        raise EventsysError(
            _("Record a retirement as a walkover to the other side."), field="outcome"
        )
    knockout = match.pool_id is None
    if tournament.sport == "table_tennis":
        decided = _table_tennis(tournament, match, data)
    elif tournament.sport == "gateball":
        decided = _gateball(tournament, match, data)
        if knockout and decided.winner_id is None:
            raise EventsysError(
                _("Score and balls are level: a knockout match needs the play-off winner."),
                field="tiebreak_winner_id",
            )
        if decided.winner_id is None and tournament.points_draw is None:
            raise EventsysError(
                _(
                    "Score and balls are level and this tournament has no draws: "
                    "give the play-off winner."
                ),
                field="tiebreak_winner_id",
            )
    elif tournament.sport == "billiards":
        decided = _billiards(tournament, match, data)
    else:
        decided = _score(tournament, match, data, knockout=knockout)
    return decided


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
    match.winner_id = decided.winner_id
    match.score_a, match.score_b = decided.score_a, decided.score_b
    match.detail = decided.detail
    match.decided_by = decided.decided_by
    match.result_by_id = actor.id
    match.result_at = now or utcnow()
    if match.pool_id is None:
        if correcting and old_winner is not None and old_winner != decided.winner_id:
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
    tournament.version += 1
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
    tournament.version += 1
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
