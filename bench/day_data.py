"""What bench/day.py adds to a data set of bench/generate.py, and puts back before every run.

* A **live contest** ("the day"): a copy of the published contest (its event moved to today,
  entries, criteria, panel), not published, the running results hidden (the hall screen shows
  "score sheets in: N of M"). The first 60 % of the entries carry every judge's submitted
  sheet; the rest have none: those are the sheets the judges submit during the run. Copied
  row by row from the published contest with Core (columns other helpers add come along).
* The **live tournament**: the published tournament's last group round goes back to
  "scheduled", for the referee to enter again.
* Bench passwords (cheap pbkdf2, what is measured is not the hash) for the judges, the
  organizer (the referee) and the 200 registrants; their registrations for the registration
  day's events deleted.

Every reset goes through the app's session and raises the versions of what it changed
(``versions.touch``), so a shared cache (Redis) never keeps a page of the previous run.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARE_SUBMITTED = 0.6
REGISTRANTS = 200
REGISTRATION_EVENTS = 20
BENCH_HASH_METHOD = "pbkdf2:sha256:1000"


def prepare(meta: dict[str, Any], *, registrants: int = REGISTRANTS) -> dict[str, Any]:
    """Add the live contest if the data set has none, reset the day; return what day.py needs."""
    from generate import make_app

    app = make_app(meta["url"], meta["secret_key"])
    with app.app_context():
        from eventsys.extensions import db

        live = _live_contest(db.session, meta)
        day = _reset(db.session, meta, live, registrants)
        db.session.remove()
        db.engine.dispose()
    return day


def _table(name: str) -> Any:
    from eventsys.extensions import db

    return db.metadata.tables[name]


def _next_id(session: Any, name: str) -> int:
    from sqlalchemy import func, select

    table = _table(name)
    return int(session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1


def _live_contest(session: Any, meta: dict[str, Any]) -> dict[str, Any]:
    """Find the live contest (an unpublished copy of contest meta['contest_id']) or make it."""
    from sqlalchemy import insert, select

    contest, event = _table("contest"), _table("event")
    found = session.execute(
        select(contest.c.id, contest.c.event_id)
        .join(event, event.c.id == contest.c.event_id)
        .where(event.c.title == "现场诗词比赛（压测）")
    ).first()
    if found is not None:
        return _live_ids(session, found[0], found[1])
    source = session.execute(select(contest).where(contest.c.id == meta["contest_id"])).one()
    source_event = session.execute(select(event).where(event.c.id == source.event_id)).one()
    now = datetime.now(UTC).replace(microsecond=0)
    event_id = _next_id(session, "event")
    row = dict(source_event._mapping)
    begins = now.replace(hour=0, minute=30, second=0)  # 08:30 in Shanghai
    row.update(
        id=event_id,
        title="现场诗词比赛（压测）",
        starts_at=begins,
        ends_at=begins + timedelta(hours=9),
        registration_closes_at=begins - timedelta(days=10),
        created_at=now,
        updated_at=now,
    )
    session.execute(insert(event), [row])
    occurrence = _table("occurrence")
    occ = dict(
        session.execute(select(occurrence).where(occurrence.c.event_id == source.event_id))
        .first()
        ._mapping
    )
    occ.update(
        id=_next_id(session, "occurrence"),
        event_id=event_id,
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        original_start=row["starts_at"],
    )
    session.execute(insert(occurrence), [occ])
    contest_id = _next_id(session, "contest")
    crow = dict(source._mapping)
    crow.update(
        id=contest_id,
        event_id=event_id,
        published_at=None,
        show_running_results=False,
        results_version=1,
        created_at=now,
        updated_at=now,
    )
    session.execute(insert(contest), [crow])
    # Entries: copies of the published contest's registrations and their roster rows.
    registration, member = _table("registration"), _table("registration_member")
    regs = [
        dict(r._mapping)
        for r in session.execute(
            select(registration)
            .where(registration.c.event_id == source.event_id)
            .order_by(registration.c.id)
        )
    ]
    members = [
        dict(r._mapping)
        for r in session.execute(select(member).where(member.c.event_id == source.event_id))
    ]
    first_reg, first_member = (
        _next_id(session, "registration"),
        _next_id(session, "registration_member"),
    )
    new_reg = {}
    for offset, reg in enumerate(regs):
        new_reg[reg["id"]] = first_reg + offset
        reg.update(id=first_reg + offset, event_id=event_id, created_at=now, updated_at=now)
    for offset, roster in enumerate(members):
        roster.update(
            id=first_member + offset,
            event_id=event_id,
            registration_id=new_reg[roster["registration_id"]],
        )
    session.execute(insert(registration), regs)
    session.execute(insert(member), members)
    new_criterion = {}
    for name in ("criterion", "prize_tier", "judge_assignment"):
        table = _table(name)
        rows = [
            dict(r._mapping)
            for r in session.execute(
                select(table).where(table.c.contest_id == source.id).order_by(table.c.id)
            )
        ]
        first = _next_id(session, name)
        for offset, item in enumerate(rows):
            if name == "criterion":
                new_criterion[item["id"]] = first + offset
            item.update(id=first + offset, contest_id=contest_id)
        session.execute(insert(table), rows)
    # Submitted sheets for the first 60 % of the entries (copies of the published marks).
    sheet, mark = _table("score_sheet"), _table("mark")
    keep = {old for old, _new in list(new_reg.items())[: int(len(new_reg) * SHARE_SUBMITTED)]}
    sheets = [
        dict(r._mapping)
        for r in session.execute(
            select(sheet).where(sheet.c.contest_id == source.id).order_by(sheet.c.id)
        )
        if r.registration_id in keep
    ]
    first_sheet = _next_id(session, "score_sheet")
    new_sheet = {}
    for offset, item in enumerate(sheets):
        new_sheet[item["id"]] = first_sheet + offset
        item.update(
            id=first_sheet + offset,
            contest_id=contest_id,
            registration_id=new_reg[item["registration_id"]],
            submitted_at=now - timedelta(hours=1),
        )
    marks = []
    first_mark = _next_id(session, "mark")
    for chunk_start in range(0, len(new_sheet), 2000):
        chunk = list(new_sheet)[chunk_start : chunk_start + 2000]
        marks += [
            dict(r._mapping)
            for r in session.execute(select(mark).where(mark.c.sheet_id.in_(chunk)))
        ]
    for offset, item in enumerate(marks):
        item.update(
            id=first_mark + offset,
            sheet_id=new_sheet[item["sheet_id"]],
            criterion_id=new_criterion[item["criterion_id"]],
        )
    for start in range(0, len(sheets), 20_000):
        session.execute(insert(sheet), sheets[start : start + 20_000])
    for start in range(0, len(marks), 20_000):
        session.execute(insert(mark), marks[start : start + 20_000])
    _fix_sequences(session)
    session.commit()
    return _live_ids(session, contest_id, event_id)


def _fix_sequences(session: Any) -> None:
    from sqlalchemy import text

    if session.get_bind().dialect.name != "postgresql":
        return
    for name in (
        "event",
        "occurrence",
        "contest",
        "registration",
        "registration_member",
        "criterion",
        "prize_tier",
        "judge_assignment",
        "score_sheet",
        "mark",
    ):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
            )
        )


def _live_ids(session: Any, contest_id: int, event_id: int) -> dict[str, Any]:
    from sqlalchemy import select

    registration = _table("registration")
    entries = list(
        session.scalars(
            select(registration.c.id)
            .where(registration.c.event_id == event_id)
            .order_by(registration.c.id)
        )
    )
    cut = int(len(entries) * SHARE_SUBMITTED)
    return {"contest_id": contest_id, "event_id": event_id, "open_entries": entries[cut:]}


def _reset(session: Any, meta: dict[str, Any], live: dict[str, Any], count: int) -> dict[str, Any]:
    from sqlalchemy import delete, select, update
    from werkzeug.security import generate_password_hash

    from eventsys import versions

    sheet, mark = _table("score_sheet"), _table("mark")
    open_entries = live["open_entries"]
    for start in range(0, len(open_entries), 500):
        chunk = open_entries[start : start + 500]
        ids = select(sheet.c.id).where(
            sheet.c.contest_id == live["contest_id"], sheet.c.registration_id.in_(chunk)
        )
        session.execute(delete(mark).where(mark.c.sheet_id.in_(ids)))
        session.execute(
            delete(sheet).where(
                sheet.c.contest_id == live["contest_id"], sheet.c.registration_id.in_(chunk)
            )
        )
    touched = [versions.contest(live["contest_id"]), versions.event_key(live["event_id"])]

    # The tournament: its last group round back to "scheduled".
    match, stage = _table("tournament_match"), _table("tournament_stage")
    tid = meta["tournament_id"]
    group_stages = select(stage.c.id).where(
        stage.c.tournament_id == tid, stage.c.kind != "knockout"
    )
    rounds = session.execute(
        select(match.c.round_index).where(match.c.stage_id.in_(group_stages)).distinct()
    ).scalars()
    last_round = max(rounds, default=None)
    reopened: list[int] = []
    if last_round is not None:
        reopened = list(
            session.scalars(
                select(match.c.id)
                .where(
                    match.c.stage_id.in_(group_stages),
                    match.c.round_index >= last_round - 1,
                    match.c.side_a_id.is_not(None),
                    match.c.side_b_id.is_not(None),
                )
                .order_by(match.c.id)
            )
        )
        values: dict[str, Any] = {
            "status": "scheduled",
            "score_a": None,
            "score_b": None,
            "winner_id": None,
            "result_by_id": None,
            "result_at": None,
            "version": match.c.version + 1,
        }
        if "detail" in match.c:
            values["detail"] = None
        session.execute(update(match).where(match.c.id.in_(reopened)).values(**values))
        touched.append(versions.tournament(tid))

    # Accounts: the judges, the referee, the registrants sign in with the bench password.
    user, assignment = _table("user_account"), _table("judge_assignment")
    judge_ids = list(
        session.scalars(
            select(assignment.c.judge_id)
            .where(assignment.c.contest_id == live["contest_id"])
            .order_by(assignment.c.position)
        )
    )
    judges = list(
        session.execute(
            select(user.c.id, user.c.login).where(user.c.id.in_(judge_ids)).order_by(user.c.id)
        )
    )
    registrant_rows = list(
        session.execute(
            select(user.c.id, user.c.login)
            .where(user.c.login.like("m%"), user.c.active.is_(True))
            .order_by(user.c.id)
            .limit(count)
        )
    )
    cheap = generate_password_hash(meta["password"], method=BENCH_HASH_METHOD)
    session.execute(
        update(user)
        .where(user.c.id.in_([r.id for r in [*judges, *registrant_rows]] + [meta["organizer_id"]]))
        .values(password_hash=cheap)
    )
    # Registration day: future one-off events with open individual registration and room.
    event = _table("event")
    now = datetime.now(UTC)
    targets = list(
        session.scalars(
            select(event.c.id)
            .where(
                event.c.status == "published",
                event.c.registration_mode == "individual",
                event.c.repeat_weekdays == "",
                event.c.starts_at > now + timedelta(days=2),
                event.c.id != meta["post_event_id"],
                (event.c.capacity.is_(None)) | (event.c.capacity >= 80),
                event.c.registration_opens_at.is_(None),
                event.c.registration_closes_at.is_(None),
                event.c.asks_title.is_(False),
                event.c.requires_approval.is_(False),
            )
            .order_by(event.c.starts_at)
            .limit(REGISTRATION_EVENTS)
        )
    )
    browse_only = list(
        session.scalars(
            select(event.c.id)
            .where(
                event.c.status == "published",
                event.c.starts_at > now,
                event.c.id.not_in(targets or [0]),
            )
            .order_by(event.c.starts_at)
            .limit(REGISTRATION_EVENTS)
        )
    )
    registration, member = _table("registration"), _table("registration_member")
    people = [r.id for r in registrant_rows]
    theirs = select(member.c.registration_id).where(
        member.c.event_id.in_(targets or [0]), member.c.user_id.in_(people or [0])
    )
    doomed = list(session.scalars(theirs))
    if doomed:
        session.execute(delete(member).where(member.c.registration_id.in_(doomed)))
        session.execute(delete(registration).where(registration.c.id.in_(doomed)))
    touched += [versions.event_key(e) for e in targets] + [versions.PROGRAMME]
    touched += [versions.person(p) for p in people]
    versions.touch(session, *touched)
    session.commit()
    return {
        "live_contest_id": live["contest_id"],
        "live_event_id": live["event_id"],
        "open_entries": open_entries,
        "judges": [r.login for r in judges],
        "reopened_matches": reopened,
        "registrants": [r.login for r in registrant_rows],
        "registration_events": targets,
        "browse_events": browse_only,
    }
