"""In-process figures of issue 7, items 3 and 4, on a data set made by bench/generate.py.

    python bench/compute.py --scale district [--db sqlite|postgresql] [--json out.json]

* Ranking the judged contest (entries x judges x criteria): ``eventsys.services.results.compute``
  (the page's work: read entries, sheets and marks, aggregate, rank, award prizes), against the
  time to merely read the same rows (entries with organisation and captain, submitted sheets,
  marks) in the same process. The difference is the computation.
* Ordering the 64-team league (a single round robin, every match played, gateball points and
  tie-breaks match points, head-to-head, score difference, points scored) with
  ``eventsys.domain.standings.rank``, against the time to read its match rows; and the whole
  service (``tournament_standings.tournament_tables``) for comparison.
* SQL statements per request of each benchmarked route when the page is built (page cache off;
  Flask test client, statements counted on
  the engine): a count that grows between scales is a query loop (N+1).

Each timing is the best of several repetitions (``--repeat``, default 5).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import meta_path  # noqa: E402


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    result, times = None, []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def routes(meta: dict[str, Any], token: str) -> dict[str, str]:
    return {
        "programme list": "/",
        "event page": f"/events/{meta['event_id']}",
        "contest results": f"/contests/{meta['contest_id']}/results",
        "tournament standings": f"/tournaments/{meta['tournament_id']}/standings",
        "tournament bracket": f"/tournaments/{meta['tournament_id']}/bracket",
        "personal feed": f"/calendar/u/{meta['bench_user_id']}/{token}.ics",
        "room week view": f"/venues/{meta['venue_id']}",
    }


def measure(meta: dict[str, Any], repeat: int) -> dict[str, Any]:
    from sqlalchemy import event, select
    from sqlalchemy.orm import joinedload

    from eventsys import create_app
    from eventsys.domain import standings as engine
    from eventsys.extensions import db
    from eventsys.models import Registration, User
    from eventsys.models.contests import Contest, Mark, ScoreSheet
    from eventsys.models.tournaments import (
        Tournament,
        TournamentMatch,
        TournamentPool,
        TournamentPoolMember,
        TournamentStage,
    )
    from eventsys.services import results
    from eventsys.services import tournament_standings as ts
    from eventsys.services.calendar import token_for

    app = create_app(
        test_config={"SQLALCHEMY_DATABASE_URI": meta["url"], "SECRET_KEY": meta["secret_key"]}
    )
    out: dict[str, Any] = {}
    with app.app_context():
        session = db.session
        contest = session.get(Contest, meta["contest_id"])

        def read_contest() -> int:
            session.expire_all()
            entries = session.scalars(
                select(Registration)
                .options(joinedload(Registration.organisation), joinedload(Registration.captain))
                .where(
                    Registration.event_id == contest.event_id, Registration.status == "confirmed"
                )
                .order_by(Registration.id)
            ).all()
            marks = session.execute(
                select(
                    ScoreSheet.judge_id, ScoreSheet.registration_id, Mark.criterion_id, Mark.value
                )
                .join(Mark, Mark.sheet_id == ScoreSheet.id)
                .where(ScoreSheet.contest_id == contest.id, ScoreSheet.status == "submitted")
            ).all()
            return len(entries) + len(marks)

        def compute_contest() -> Any:
            session.expire_all()
            return results.compute(session.get(Contest, meta["contest_id"]))

        t_read, n_rows = best(read_contest, repeat)
        t_compute, outcome = best(compute_contest, repeat)
        out["contest"] = {
            "entries": len(outcome.rows),
            "judges": len(outcome.judges),
            "rows_read": n_rows,
            "read_s": t_read,
            "compute_s": t_compute,
            "ratio": t_compute / t_read,
            "placed": len(outcome.placed),
        }

        league = session.get(Tournament, meta["league_tournament_id"])
        criteria = league.criteria_list
        scheme = engine.PointsScheme(
            win=league.points_win,
            draw=league.points_draw,
            loss=league.points_loss,
            walkover_loss=league.points_walkover_loss,
        )

        def read_league() -> tuple[list[int], list[Any]]:
            session.expire_all()
            teams = list(
                session.scalars(
                    select(TournamentPoolMember.registration_id)
                    .join(TournamentPool)
                    .join(TournamentStage)
                    .where(TournamentStage.tournament_id == league.id)
                    .order_by(TournamentPoolMember.seed)
                )
            )
            matches = session.scalars(
                select(TournamentMatch).where(
                    TournamentMatch.tournament_id == league.id,
                    TournamentMatch.status.in_(("played", "walkover")),
                )
            ).all()
            return teams, list(matches)

        t_read_l, (teams, matches) = best(read_league, repeat)
        records = [ts.match_record(m) for m in matches]
        t_rank, rows = best(lambda: engine.rank(teams, records, criteria, scheme), repeat)

        def service_tables() -> Any:
            session.expire_all()
            return ts.tournament_tables(session.get(Tournament, meta["league_tournament_id"]))

        t_service, _tables = best(service_tables, repeat)
        shared = sum(1 for row in rows if row.shared)
        deciders: dict[str, int] = {}
        for row in rows:
            if row.decided_by:
                deciders[row.decided_by] = deciders.get(row.decided_by, 0) + 1
        out["league"] = {
            "teams": len(teams),
            "matches": len(matches),
            "criteria": criteria,
            "read_s": t_read_l,
            "rank_s": t_rank,
            "ratio": t_rank / t_read_l,
            "service_s": t_service,
            "service_ratio": t_service / t_read_l,
            "shared_rows": shared,
            "decided_by": deciders,
        }

        # ---- statements per request ----------------------------------------------------------
        user = session.get(User, meta["bench_user_id"])
        token = token_for(user.id, user.calendar_secret)
        counts: dict[str, Any] = {}
        counter = {"n": 0}

        def count(*_args: Any) -> None:
            counter["n"] += 1

        event.listen(db.engine, "before_cursor_execute", count)
        client = app.test_client()
        for name, path in routes(meta, token).items():
            client.get(path)  # warm what stays warm in a server (templates, the catalog)
            # Count the page being built, not served again from the page cache (which costs
            # one read of the versions it is kept under).
            app.config["PAGE_CACHE"] = False
            counter["n"] = 0
            response = client.get(path)
            app.config["PAGE_CACHE"] = True
            counts[name] = {
                "path": path,
                "status": response.status_code,
                "statements": counter["n"],
                "bytes": len(response.data),
            }
        event.remove(db.engine, "before_cursor_execute", count)
        out["statements"] = counts
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="tiny")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    meta = json.loads(meta_path(args.scale, args.db).read_text())
    figures = measure(meta, args.repeat)
    text = json.dumps(figures, indent=2, ensure_ascii=False, default=str)
    if args.json:
        args.json.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
