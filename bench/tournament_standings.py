"""In-process cost of a 64-team tournament's stored standings (issue 17, item 1: <= 20 ms).

    .venv/bin/python bench/tournament_standings.py [--repeat 20] [--url sqlite:///...]

Two 64-team gateball tournaments are made through the services in a fresh database (a temporary
SQLite file unless ``--url`` names another, which is emptied first):

* "groups": 8 groups of 8, the top two into a 16-team knockout, every group match played
  (224 results, entered through record_result);
* "league": one 64-team round robin, every match played (2,016 results, written in bulk).

For each the figures are the best of ``--repeat`` runs of:

* ``compute``: eventsys.services.tournament_standings.compute_tables, from a cold session
  (matches, stages, groups and members read, every table ranked by the domain);
* ``refresh``: what a result's commit adds: one result corrected, then the refresher
  (``refresh_stored``) for the touched tournament: compute, compare with the stored lines,
  write the changed ones; the result is rolled back after each run;
* ``read``: ``tournament_tables`` as the pages call it (the stored lines, no computing).
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--url", help="database URL (emptied first); default a temporary SQLite")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-standings-")
    url = args.url or f"sqlite:///{folder}/bench.sqlite3"

    from sqlalchemy import bindparam, select, update

    from eventsys import create_app, versions
    from eventsys.extensions import db
    from eventsys.models import Event, Registration, User, Venue
    from eventsys.models.tournaments import Tournament, TournamentMatch
    from eventsys.services import accounts, events
    from eventsys.services import tournament_standings as ts
    from eventsys.services import tournaments as service
    from eventsys.services.tournament_results import ResultInput, record_result

    app = create_app(test_config={"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    rnd = random.Random(17)
    with app.app_context():
        db.drop_all()
        db.create_all()
        session = db.session
        organizer = accounts.create_user(
            accounts.NewUser(
                name="组织者", login="org", password=secrets.token_urlsafe(12), roles=("organizer",)
            ),
            actor=None,
        )
        session.commit()

        def tournament_of(title: str, day: int) -> tuple[Tournament, list[int]]:
            venue = Venue(name=f"门球场{day}", capacity=500, kind="room")
            session.add(venue)
            session.flush()
            start = datetime(2026, 12, day, 1, 0, tzinfo=UTC)
            event = events.create_event(
                events.EventData(
                    kind="ball_game",
                    title=title,
                    venue_id=venue.id,
                    starts_at=start,
                    ends_at=start + timedelta(hours=20),
                ),
                organizer=organizer,
            )
            events.set_status(event, "published", actor=organizer)
            teams = []
            for number in range(64):
                captain = User(
                    login=f"cap{day}-{number}",
                    name=f"队长{number}",
                    password_hash=secrets.token_hex(8),
                )
                session.add(captain)
                session.flush()
                registration = Registration(
                    event_id=event.id,
                    kind="team",
                    captain_id=captain.id,
                    team_name=f"队{number:02d}",
                    status="confirmed",
                    size=5,
                )
                session.add(registration)
                session.flush()
                teams.append(registration.id)
            tournament = service.create_tournament(
                session.get(Event, event.id),
                service.TournamentSettings.for_sport("gateball", points_draw=1),
                actor=organizer,
            )
            service.set_entries(
                tournament, {team: seed for seed, team in enumerate(teams, 1)}, actor=organizer
            )
            return tournament, teams

        groups, _ = tournament_of("64队分组赛", 3)
        service.make_draw(groups, "groups_knockout", groups=8, qualifiers=2, actor=organizer)
        session.commit()
        for match in service.all_matches(groups):
            if match.pool_id is not None:
                a, b = rnd.randint(0, 25), rnd.randint(0, 25)
                if a == b:
                    a += 1
                record_result(match, ResultInput(score_a=a, score_b=b), actor=organizer)
        session.commit()

        league, _ = tournament_of("64队循环赛", 4)
        service.make_draw(league, "round_robin", actor=organizer)
        session.commit()
        rows = session.execute(
            select(TournamentMatch.id).where(TournamentMatch.tournament_id == league.id)
        ).all()
        updates = []
        for (match_id,) in rows:
            a, b = rnd.randint(0, 25), rnd.randint(0, 25)
            updates.append({"b_id": match_id, "score_a": a, "score_b": b})
        session.execute(
            update(TournamentMatch.__table__)
            .where(TournamentMatch.__table__.c.id == bindparam("b_id"))
            .values(status="played", score_a=bindparam("score_a"), score_b=bindparam("score_b")),
            updates,
        )
        session.execute(
            update(TournamentMatch)
            .where(
                TournamentMatch.tournament_id == league.id,
                TournamentMatch.score_a > TournamentMatch.score_b,
            )
            .values(winner_id=TournamentMatch.side_a_id)
        )
        session.execute(
            update(TournamentMatch)
            .where(
                TournamentMatch.tournament_id == league.id,
                TournamentMatch.score_b > TournamentMatch.score_a,
            )
            .values(winner_id=TournamentMatch.side_b_id)
        )
        versions.touch(session, versions.tournament(league.id))
        session.commit()

        print(f"database: {url.split('://')[0]}, best of {args.repeat}")
        for name, tournament_id in (("groups", groups.id), ("league", league.id)):
            matches = session.scalar(
                select(db.func.count(TournamentMatch.id)).where(
                    TournamentMatch.tournament_id == tournament_id,
                    TournamentMatch.status == "played",
                )
            )

            def compute(tournament_id: int = tournament_id) -> None:
                session.expire_all()
                ts.compute_tables(session.get(Tournament, tournament_id))

            timings: list[float] = []

            def refresh(tournament_id: int = tournament_id, timings: list[float] = timings) -> None:
                session.rollback()
                match = session.scalars(
                    select(TournamentMatch).where(
                        TournamentMatch.tournament_id == tournament_id,
                        TournamentMatch.pool_id.is_not(None),
                    )
                ).first()
                assert match is not None
                match.score_a, match.score_b = match.score_b, match.score_a
                match.winner_id = (
                    None
                    if match.winner_id is None
                    else (
                        match.side_b_id if match.winner_id == match.side_a_id else match.side_a_id
                    )
                )
                session.flush()
                started = time.perf_counter()
                ts.refresh_stored(session(), frozenset({versions.tournament(tournament_id)}))
                session.flush()
                timings.append(time.perf_counter() - started)
                session.rollback()

            def read(tournament_id: int = tournament_id) -> None:
                session.expire_all()
                ts.tournament_tables(session.get(Tournament, tournament_id))

            t_compute = best(compute, args.repeat)
            best(refresh, args.repeat)
            t_refresh = min(timings)
            t_read = best(read, args.repeat)
            print(
                f"{name:7s} 64 teams, {matches:5d} results: compute {t_compute * 1000:6.1f} ms, "
                f"refresh in a commit {t_refresh * 1000:6.1f} ms, page read "
                f"{t_read * 1000:6.1f} ms"
            )


if __name__ == "__main__":
    main()
