"""Small factories for tournament tests: ball-game events with confirmed team entries."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from eventsys.extensions import db
from eventsys.models import Event, User
from eventsys.models.tournaments import Tournament, TournamentMatch
from eventsys.services import tournaments as service
from eventsys.services.tournament_results import ResultInput, record_result
from tests.factories import confirmed_team


def add_teams(event_id: int, names: Sequence[str]) -> list[int]:
    """Create one confirmed team registration per name (with a captain) and return their ids."""
    ids: list[int] = []
    for number, name in enumerate(names):
        captain = User(
            login=f"cap{event_id}-{number}",
            name=f"队长{number}",
            password_hash="x",
            is_participant=True,
        )
        db.session.add(captain)
        db.session.flush()
        ids.append(confirmed_team(event_id, captain.id, name))
    return ids


def setup_tournament(
    make_event: Callable[..., int],
    organizer: User,
    sport: str,
    names: Sequence[str],
    *,
    courts: int = 1,
    hours: float = 8,
    **settings: object,
) -> tuple[Tournament, list[int]]:
    """A published ball-game event made a tournament, with seeded teams and courts.

    The event books its room for *hours* from 14:00 on 3 December: matches must fit in it."""
    event_id = make_event(kind="ball_game", title="门球赛", organizer_id=organizer.id, hours=hours)
    event = db.session.get(Event, event_id)
    tournament = service.create_tournament(
        event, service.TournamentSettings.for_sport(sport, **settings), actor=organizer
    )
    teams = add_teams(event_id, names)
    service.set_entries(
        tournament, {team: seed for seed, team in enumerate(teams, start=1)}, actor=organizer
    )
    for number in range(courts):
        service.add_court(tournament, f"{number + 1}号场", actor=organizer)
    return tournament, teams


def scheduled_round_robin(
    make_event: Callable[..., int],
    organizer: User,
    sport: str,
    names: Sequence[str],
    **options: Any,
) -> tuple[Tournament, list[int]]:
    """setup_tournament(...) drawn as a round robin and scheduled."""
    tournament, teams = setup_tournament(make_event, organizer, sport, names, **options)
    service.make_draw(tournament, "round_robin", actor=organizer)
    service.make_schedule(tournament, actor=organizer)
    return tournament, teams


def find_match(tournament: Tournament, one: int, other: int) -> TournamentMatch:
    for match in service.all_matches(tournament):
        if set(match.sides) == {one, other}:
            return match
    raise AssertionError(f"no match {one} v {other}")


def flip(games: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    return tuple((b, a) for a, b in games)


def play_tt(tournament: Tournament, winner: int, loser: int, games, actor: User) -> TournamentMatch:  # type: ignore[no-untyped-def]
    """Record a table tennis match with *games* written from the winner's side."""
    match = find_match(tournament, winner, loser)
    written = tuple(games) if match.side_a_id == winner else flip(games)
    record_result(match, ResultInput(games=written), actor=actor)
    return match


def play_score(
    tournament: Tournament, match: TournamentMatch, a: int, b: int, actor: User, **kw
) -> None:  # type: ignore[no-untyped-def]
    record_result(match, ResultInput(score_a=a, score_b=b, **kw), actor=actor)
