"""Build the benchmark data set of issue 7 into a database, fast.

    python bench/generate.py --scale district --url sqlite:////abs/path/bench.sqlite3
    python bench/generate.py --scale city --url postgresql+psycopg://postgres@127.0.0.1/eventsys_bench_city

The schema is made by the migrations (flask db upgrade, on an empty database). Bulk rows
(members, organisations, groups, venues, events, occurrences, registrations, attendance,
score sheets and marks) are inserted with SQLAlchemy Core ``insert()`` executemany and ids
chosen here; domain structures that have rules of their own (the tournament draws and the
court schedule) are made by ``eventsys.services.tournaments``. A JSON file beside the data
(``bench/out/data-<scale>-<db>.json``) records the ids, accounts and secret key run.py needs.

Everything is deterministic for a given scale (random.Random(7)), except "now": the year of
programme is laid out around the day the data is generated.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"
BENCH_PASSWORD = "bench-password-7"  # the bench accounts only; members cannot sign in


@dataclass(frozen=True)
class Scale:
    members: int
    organisations: int
    groups: int
    events: int
    checkins: int
    entries: int  # of the judged contest
    judges: int
    criteria: int
    teams: int  # of the groups-then-knockout gateball tournament (and of the league)
    tournaments: int  # how many such tournaments exist (the first one is benchmarked)
    venues: int
    calendar_events: int  # events in the bench user's personal calendar


SCALES: dict[str, Scale] = {
    # 1/20 of district, for developing the bench while others use the machine.
    "tiny": Scale(150, 2, 2, 25, 5_000, 50, 7, 4, 16, 1, 3, 20),
    "district": Scale(3_000, 40, 39, 500, 100_000, 1_000, 7, 4, 64, 1, 12, 100),
    "city": Scale(30_000, 400, 390, 5_000, 1_000_000, 10_000, 7, 4, 64, 10, 120, 100),
}

SURNAMES = [
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("赵", "zhao"),
    ("黄", "huang"),
    ("周", "zhou"),
    ("吴", "wu"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("胡", "hu"),
    ("朱", "zhu"),
    ("高", "gao"),
    ("林", "lin"),
    ("何", "he"),
    ("郭", "guo"),
    ("马", "ma"),
    ("罗", "luo"),
    ("梁", "liang"),
    ("宋", "song"),
    ("郑", "zheng"),
    ("谢", "xie"),
]
GIVEN = [
    ("秀", "xiu"),
    ("英", "ying"),
    ("华", "hua"),
    ("兰", "lan"),
    ("明", "ming"),
    ("国", "guo"),
    ("建", "jian"),
    ("文", "wen"),
    ("玉", "yu"),
    ("珍", "zhen"),
    ("德", "de"),
    ("和", "he"),
    ("顺", "shun"),
    ("芳", "fang"),
    ("淑", "shu"),
    ("志", "zhi"),
    ("凤", "feng"),
    ("桂", "gui"),
    ("春", "chun"),
    ("海", "hai"),
    ("平", "ping"),
    ("荣", "rong"),
    ("霞", "xia"),
    ("军", "jun"),
]
TOPICS = [
    "书法",
    "太极拳",
    "合唱",
    "国画",
    "摄影",
    "京剧",
    "健康讲座",
    "智能手机课",
    "舞蹈",
    "诗词",
    "门球",
    "乒乓球",
    "棋艺",
    "养生",
    "手工",
]
# (kind, registration mode) by share of the one-off events
ONE_OFF_KINDS = [
    ("lecture", "individual"),
    ("health_clinic", "individual"),
    ("performance", "none"),
    ("exhibition", "none"),
    ("knowledge_contest", "individual"),
    ("other", "individual"),
    ("lecture", "individual"),
    ("activity", "individual"),
]
# Local start and end of the day's sittings; the first (morning) one is for weekly activities.
SITTINGS = [
    (dtime(8, 30), dtime(10, 0)),
    (dtime(10, 15), dtime(11, 45)),
    (dtime(14, 0), dtime(15, 30)),
    (dtime(15, 45), dtime(17, 15)),
]
LOCAL_TZ_NAME = "Asia/Shanghai"


def utc(day: date, at: dtime) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.combine(day, at, ZoneInfo(LOCAL_TZ_NAME)).astimezone(UTC)


class Ids:
    """Primary keys chosen here (the database is empty), so rows can refer to each other."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, table: str, count: int = 1) -> int:
        first = self.next.get(table, 1)
        self.next[table] = first + count
        return first


def log(message: str, started: float) -> None:
    print(f"  {time.perf_counter() - started:7.1f} s  {message}", flush=True)


def make_app(url: str, secret_key: str) -> Any:
    from eventsys import create_app

    return create_app(
        test_config={
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": secret_key,
            # Three bench accounts get real hashes; cheap parameters are not what is measured.
            "PASSWORD_HASH_METHOD": "scrypt",
        }
    )


def prepare_database(url: str) -> None:
    """Start from an empty database: delete the SQLite file, or drop and create the PG one."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    name = parsed.database
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def generate(scale_name: str, url: str, meta_path: Path, *, seed: int = 7) -> dict[str, Any]:
    scale = SCALES[scale_name]
    rnd = random.Random(seed)
    started = time.perf_counter()
    secret_key = secrets.token_hex(32)
    prepare_database(url)
    app = make_app(url, secret_key)
    timings: dict[str, float] = {}

    def mark(step: str) -> None:
        timings[step] = round(time.perf_counter() - started, 2)
        log(step, started)

    with app.app_context():
        import flask_migrate

        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        mark("schema (migrations)")
        meta = _fill(scale, rnd, mark)
    meta.update(
        scale=scale_name,
        url=url,
        secret_key=secret_key,
        password=BENCH_PASSWORD,
        scale_figures=asdict(scale),
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        generate_seconds=round(time.perf_counter() - started, 1),
        timings=timings,
    )
    meta_path.parent.mkdir(parents=True, exist_ok=True)
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False))
    print(f"generated {scale_name} in {meta['generate_seconds']} s -> {url}", flush=True)
    return meta


def _fill(scale: Scale, rnd: random.Random, mark: Any) -> dict[str, Any]:
    from sqlalchemy import insert, select, text, update
    from werkzeug.security import generate_password_hash

    from eventsys import versions
    from eventsys.extensions import db
    from eventsys.models import (
        Attendance,
        Event,
        Group,
        GroupMember,
        Occurrence,
        Organisation,
        Registration,
        RegistrationMember,
        User,
        Venue,
    )
    from eventsys.models.contests import (
        Contest,
        Criterion,
        JudgeAssignment,
        Mark,
        PrizeTier,
        ScoreSheet,
    )
    from eventsys.models.tournaments import TournamentMatch, TournamentStage
    from eventsys.services import tournaments as tsvc

    session = db.session
    ids = Ids()
    now = datetime.now(UTC).replace(microsecond=0)
    today = now.astimezone(__import__("zoneinfo").ZoneInfo(LOCAL_TZ_NAME)).date()
    first_day = today - timedelta(days=150)  # a year of programme: 150 days past, 215 to come
    days = 365

    def bulk(model: Any, rows: list[dict[str, Any]], chunk: int = 50_000) -> None:
        for start in range(0, len(rows), chunk):
            session.execute(insert(model.__table__), rows[start : start + chunk])

    # ---- organisations, people, groups -----------------------------------------------------
    org_rows = [{"id": 1, "name": "丰台区委老干部局", "parent_id": None, "created_at": now}]
    for n in range(2, scale.organisations + 1):
        org_rows.append(
            {"id": n, "name": f"第{n - 1}离退休干部党支部", "parent_id": 1, "created_at": now}
        )
    ids.take("organisation", len(org_rows))
    bulk(Organisation, org_rows)

    real_hash = generate_password_hash(BENCH_PASSWORD, method="scrypt")
    shared_hash = generate_password_hash(secrets.token_hex(16), method="scrypt")

    def person(uid: int, login: str, **extra: Any) -> dict[str, Any]:
        (sur, sur_py), (g1, g1_py), (g2, g2_py) = (
            rnd.choice(SURNAMES),
            rnd.choice(GIVEN),
            rnd.choice(GIVEN),
        )
        row = {
            "id": uid,
            "login": login,
            "phone": f"139{uid:08d}",
            "name": sur + g1 + g2,
            "name_pinyin": f"{sur_py}{g1_py}{g2_py} {sur_py[0]}{g1_py[0]}{g2_py[0]}",
            "password_hash": shared_hash,
            "is_organizer": False,
            "is_judge": False,
            "is_participant": True,
            "organisation_id": rnd.randint(1, scale.organisations),
            "language": None,
            "calendar_secret": None,
            "session_version": 1,
            "active": True,
            "created_at": now,
        }
        row.update(extra)
        return row

    organizer_id, bench_user_id, poster_id = 1, 2, 3
    calendar_seed = secrets.token_hex(32)
    user_rows = [
        person(
            organizer_id,
            "bench_org",
            is_organizer=True,
            password_hash=real_hash,
            organisation_id=None,
        ),
        person(bench_user_id, "bench_user", password_hash=real_hash, calendar_secret=calendar_seed),
        person(poster_id, "bench_poster", password_hash=real_hash),
    ]
    judge_ids = list(range(4, 4 + scale.judges))
    for uid in judge_ids:
        # Judges belong to no organisation, so no one stands aside (回避) in the bench contest.
        user_rows.append(person(uid, f"judge{uid}", is_judge=True, organisation_id=None))
    first_member = 4 + scale.judges
    member_ids = list(range(first_member, first_member + scale.members))
    user_rows += [person(uid, f"m{uid}") for uid in member_ids]
    ids.take("user_account", len(user_rows))
    bulk(User, user_rows)
    org_of = {row["id"]: row["organisation_id"] for row in user_rows}
    del user_rows

    group_rows, gm_rows = [], []
    kinds = ["interest_group", "society", "troupe", "team"]
    for n in range(1, scale.groups + 1):
        topic = TOPICS[n % len(TOPICS)]
        group_rows.append(
            {
                "id": n,
                "name": f"{topic}{'班社团队'[n % 4]}{n}",
                "kind": kinds[n % 4],
                "description": f"{topic}爱好者的{kinds[n % 4]}",
                "organisation_id": rnd.randint(1, scale.organisations),
                "leader_id": rnd.choice(member_ids),
                "created_at": now,
            }
        )
    for uid in member_ids:
        for gid in rnd.sample(range(1, scale.groups + 1), min(scale.groups, rnd.randint(0, 2))):
            gm_rows.append({"group_id": gid, "user_id": uid, "joined_at": now})
    bulk(Group, group_rows)
    bulk(GroupMember, gm_rows)
    mark(
        f"{len(org_rows)} organisations, {scale.members + 3 + scale.judges} people, "
        f"{len(group_rows)} groups ({len(gm_rows)} memberships)"
    )

    # ---- venues ------------------------------------------------------------------------------
    venue_rows = []
    for n in range(1, scale.venues + 1):
        venue_rows.append(
            {
                "id": n,
                "name": f"活动室{n:03d}",
                "kind": "room" if n % 4 else "hall",
                "capacity": 40 + 10 * (n % 8),
                "location": f"{1 + n % 5}号楼{n}室",
                "description": "",
                "active": True,
                "created_at": now,
            }
        )
    hall_id, court_id = scale.venues + 1, scale.venues + 2  # kept for the contest, tournaments
    venue_rows.append(
        {
            "id": hall_id,
            "name": "大礼堂",
            "kind": "hall",
            "capacity": 600,
            "location": "主楼一层",
            "description": "",
            "active": True,
            "created_at": now,
        }
    )
    venue_rows.append(
        {
            "id": court_id,
            "name": "门球场",
            "kind": "court",
            "capacity": 200,
            "location": "东院",
            "description": "",
            "active": True,
            "created_at": now,
        }
    )
    ids.take("venue", len(venue_rows))
    bulk(Venue, venue_rows)

    # ---- events and occurrences: no venue is ever double-booked -------------------------------
    event_rows: list[dict[str, Any]] = []
    occ_rows: list[dict[str, Any]] = []
    weekly_count = max(1, scale.events // 10)
    weekly_combos = [(v, wd) for v in range(1, scale.venues + 1) for wd in range(7)]
    rnd.shuffle(weekly_combos)
    taken: set[tuple[int, int, int]] = set()  # (venue, day index, sitting)

    def event_row(
        eid: int,
        kind: str,
        mode: str,
        title: str,
        venue: int,
        starts: datetime,
        ends: datetime,
        **extra: Any,
    ) -> dict[str, Any]:
        status = "published"
        roll = rnd.random()
        if roll < 0.03:
            status = "cancelled"
        elif roll < 0.05:
            status = "draft"
        row = {
            "id": eid,
            "kind": kind,
            "title": title,
            "description": f"{title}。欢迎各位老同志参加，请提前十分钟到场。" * 3,
            "venue_id": venue,
            "organizer_id": organizer_id,
            "starts_at": starts,
            "ends_at": ends,
            "repeat_weekdays": "",
            "repeat_until": None,
            "capacity": rnd.choice([None, 30, 50, 80, 120]) if mode != "none" else None,
            "registration_opens_at": None,
            "registration_closes_at": None,
            "status": status,
            "registration_mode": mode,
            "capacity_counts": "people",
            "requires_approval": False,
            "roster_min": None,
            "roster_max": None,
            "substitutes_max": 0,
            "max_entries_per_organisation": None,
            "asks_title": False,
            "asks_text": False,
            "cancel_deadline": None,
            "walk_ins": kind == "activity",
            "sequence": 0,
            "created_at": now,
            "updated_at": now,
        }
        row.update(extra)
        return row

    def occurrence(eid: int, venue: int, starts: datetime, ends: datetime, blocks: bool) -> None:
        occ_rows.append(
            {
                "id": ids.take("occurrence"),
                "event_id": eid,
                "venue_id": venue,
                "starts_at": starts,
                "ends_at": ends,
                "original_start": starts,
                "skipped": False,
                "blocks_venue": blocks,
            }
        )

    for n in range(weekly_count):
        eid = ids.take("event")
        venue, weekday = weekly_combos[n % len(weekly_combos)]
        start_day = first_day + timedelta(days=rnd.randint(0, 120))
        start_day += timedelta(days=(weekday - start_day.weekday()) % 7)
        weeks = rnd.randint(20, 52)
        until = min(start_day + timedelta(weeks=weeks - 1), first_day + timedelta(days=days - 1))
        begins, finishes = SITTINGS[0]
        topic = TOPICS[n % len(TOPICS)]
        row = event_row(
            eid,
            "activity",
            "individual" if n % 3 == 0 else "none",
            f"{topic}每周活动（{'一二三四五六日'[weekday]}）",
            venue,
            utc(start_day, begins),
            utc(start_day, finishes),
            repeat_weekdays=str(weekday),
            repeat_until=until,
        )
        event_rows.append(row)
        day = start_day
        while day <= until:
            occurrence(
                eid, venue, utc(day, begins), utc(day, finishes), row["status"] != "cancelled"
            )
            day += timedelta(weeks=1)
    for n in range(scale.events - weekly_count):
        eid = ids.take("event")
        while True:
            key = (rnd.randint(1, scale.venues), rnd.randrange(days), rnd.randint(1, 3))
            if key not in taken:
                taken.add(key)
                break
        venue, day_index, sitting = key
        day = first_day + timedelta(days=day_index)
        begins, finishes = SITTINGS[sitting]
        kind, mode = ONE_OFF_KINDS[n % len(ONE_OFF_KINDS)]
        row = event_row(
            eid,
            kind,
            mode,
            f"{TOPICS[n % len(TOPICS)]}{kind}第{n + 1}场",
            venue,
            utc(day, begins),
            utc(day, finishes),
        )
        event_rows.append(row)
        occurrence(eid, venue, row["starts_at"], row["ends_at"], row["status"] != "cancelled")

    # The judged contest (published results), in the hall 20 days ago.
    contest_day = today - timedelta(days=20)
    contest_event_id = ids.take("event")
    event_rows.append(
        event_row(
            contest_event_id,
            "poetry_contest",
            "individual",
            "金秋诗词大赛",
            hall_id,
            utc(contest_day, dtime(9, 0)),
            utc(contest_day, dtime(17, 0)),
            status="published",
            capacity=None,
            asks_title=True,
            registration_closes_at=utc(contest_day - timedelta(days=30), dtime(0, 0)),
        )
    )
    occurrence(
        contest_event_id, hall_id, event_rows[-1]["starts_at"], event_rows[-1]["ends_at"], True
    )
    # Gateball tournaments (groups then knockout) and one league (a 64-team round robin), each
    # on the court for two whole days, one after the other.
    tournament_event_ids, league_event_id = [], 0
    for n in range(scale.tournaments + 1):
        eid = ids.take("event")
        day = today - timedelta(days=40 + 3 * n)
        is_league = n == scale.tournaments
        title = "门球联赛（单循环）" if is_league else f"门球锦标赛第{n + 1}站"
        event_rows.append(
            event_row(
                eid,
                "ball_game",
                "team",
                title,
                court_id,
                utc(day, dtime(0, 0)),
                utc(day + timedelta(days=2), dtime(0, 0)),
                status="published",
                capacity=None,
                roster_min=5,
                roster_max=5,
                substitutes_max=0,
                registration_closes_at=utc(day - timedelta(days=20), dtime(0, 0)),
            )
        )
        occurrence(eid, court_id, event_rows[-1]["starts_at"], event_rows[-1]["ends_at"], True)
        if is_league:
            league_event_id = eid
        else:
            tournament_event_ids.append(eid)
    # The event the registration POST targets: open for registration, far ahead, no capacity.
    post_day = today + timedelta(days=200)
    post_event_id = ids.take("event")
    event_rows.append(
        event_row(
            post_event_id,
            "lecture",
            "individual",
            "压测报名讲座",
            hall_id,
            utc(post_day, dtime(9, 0)),
            utc(post_day, dtime(11, 0)),
            status="published",
            capacity=None,
        )
    )
    occurrence(post_event_id, hall_id, event_rows[-1]["starts_at"], event_rows[-1]["ends_at"], True)
    bulk(Event, event_rows)
    bulk(Occurrence, occ_rows)
    mark(f"{len(event_rows)} events ({weekly_count} weekly), {len(occ_rows)} occurrences")

    # ---- registrations -------------------------------------------------------------------------
    reg_rows: list[dict[str, Any]] = []
    mem_rows: list[dict[str, Any]] = []
    by_id = {row["id"]: row for row in event_rows}

    def register(
        eid: int,
        uid: int,
        status: str = "confirmed",
        *,
        title: str | None = None,
        text_: str | None = None,
        team: list[int] | None = None,
        team_name: str | None = None,
    ) -> int:
        rid = ids.take("registration")
        people = team or [uid]
        reg_rows.append(
            {
                "id": rid,
                "event_id": eid,
                "kind": "team" if team else "individual",
                "captain_id": people[0],
                "registered_by_id": people[0],
                "organisation_id": org_of.get(people[0]),
                "team_name": team_name,
                "title": title,
                "text": text_,
                "size": len(people),
                "status": status,
                "queued_at": now,
                "created_at": now,
                "updated_at": now,
                "promoted_at": None,
                "blind_code": None,
                "version": 1,
            }
        )
        for position, person_id in enumerate(people):
            mem_rows.append(
                {
                    "id": ids.take("registration_member"),
                    "registration_id": rid,
                    "event_id": eid,
                    "user_id": person_id,
                    "role": "captain" if position == 0 else ("player" if team else "performer"),
                    "position": position,
                }
            )
        return rid

    window_start = utc(today - timedelta(days=30), dtime(0, 0))
    calendar_candidates = [
        row["id"]
        for row in event_rows
        if row["registration_mode"] == "individual"
        and row["status"] == "published"
        and row["kind"] not in ("poetry_contest",)
        and row["id"] != post_event_id
        and (
            (
                row["repeat_until"] is not None
                and utc(row["repeat_until"], dtime(23, 0)) > window_start
            )
            or row["ends_at"] > window_start
        )
    ]
    if len(calendar_candidates) < scale.calendar_events:  # tiny: any published event will do
        calendar_candidates += [
            row["id"]
            for row in event_rows
            if row["status"] == "published"
            and row["registration_mode"] == "none"
            and row["ends_at"] > window_start
        ]
    calendar_events = sorted(
        rnd.sample(calendar_candidates, min(scale.calendar_events, len(calendar_candidates)))
    )
    for eid in calendar_events:
        register(eid, bench_user_id)
    for row in event_rows:
        if row["registration_mode"] != "individual" or row["id"] in (
            contest_event_id,
            post_event_id,
        ):
            continue
        count = min(row["capacity"] or 40, rnd.randint(5, 40))
        for uid in rnd.sample(member_ids, count):
            register(row["id"], uid)
    # Contest entries: one poem each, members of all organisations.
    entry_people = rnd.sample(member_ids, scale.entries)
    contest_entries = [
        register(
            contest_event_id,
            uid,
            title=f"七律·秋思其{k + 1}",
            text_="金风送爽桂花香，老骥伏枥志未央。\n" * 4,
        )
        for k, uid in enumerate(entry_people)
    ]
    # Teams of five, distinct people within each event.
    team_regs: dict[int, list[int]] = {}
    for eid in [*tournament_event_ids, league_event_id]:
        players = rnd.sample(member_ids, scale.teams * 5)
        team_regs[eid] = [
            register(eid, 0, team=players[5 * t : 5 * t + 5], team_name=f"门球{t + 1}队")
            for t in range(scale.teams)
        ]
    bulk(Registration, reg_rows)
    bulk(RegistrationMember, mem_rows)
    mark(
        f"{len(reg_rows)} registrations, {len(mem_rows)} roster rows "
        f"(bench user in {len(calendar_events)} events)"
    )

    # ---- check-ins at past sittings ------------------------------------------------------------
    past = [
        occ
        for occ in occ_rows
        if occ["ends_at"] < now and by_id[occ["event_id"]]["status"] == "published"
    ]
    att_rows: list[dict[str, Any]] = []
    remaining = scale.checkins
    att_id = 1
    for index, occ in enumerate(past):
        share = remaining // (len(past) - index)
        count = min(len(member_ids), max(1, int(share * rnd.uniform(0.7, 1.3))))
        if index == len(past) - 1:
            count = min(len(member_ids), remaining)
        for uid in rnd.sample(member_ids, count):
            att_rows.append(
                {
                    "id": att_id,
                    "event_id": occ["event_id"],
                    "occurrence_id": occ["id"],
                    "user_id": uid,
                    "registration_id": None,
                    "method": ("list", "qr", "walk_in")[att_id % 3],
                    "checked_in_at": occ["starts_at"] + timedelta(minutes=att_id % 20),
                    "checked_in_by_id": organizer_id,
                }
            )
            att_id += 1
        remaining -= count
        if len(att_rows) >= 100_000:
            bulk(Attendance, att_rows)
            att_rows.clear()
    bulk(Attendance, att_rows)
    ids.next["attendance"] = att_id
    session.commit()
    mark(f"{att_id - 1} check-ins over {len(past)} past sittings")

    # ---- the judged contest: criteria, panel, submitted sheets and their marks ------------------
    contest_id = 1
    bulk(
        Contest,
        [
            {
                "id": contest_id,
                "event_id": contest_event_id,
                "aggregation": "trimmed_mean",
                "weighting_order": "per_judge_total_then_trim",
                "drop_highest": 1,
                "drop_lowest": 1,
                "decimals": 2,
                "rank_on_rounded": True,
                "tiebreaks": "",
                "prize_mode": "count",
                "tie_policy": "competition_rank",
                "org_points_basis": "tier",
                "place_points": "",
                "dances": "",
                "blind": False,
                "published_at": now - timedelta(days=10),
                "results_version": 1,
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    names = ["立意", "格律", "语言", "意境", "书写", "朗诵"]
    weights = [Decimal("0.4"), Decimal("0.3"), Decimal("0.2"), Decimal("0.1")]
    criterion_ids = list(range(1, scale.criteria + 1))
    bulk(
        Criterion,
        [
            {
                "id": cid,
                "contest_id": contest_id,
                "name": names[cid - 1],
                "weight": weights[(cid - 1) % 4],
                "min_mark": Decimal(0),
                "max_mark": Decimal(10),
                "position": cid,
            }
            for cid in criterion_ids
        ],
    )
    tiers = [
        ("一等奖", max(1, scale.entries // 100), 5),
        ("二等奖", max(1, scale.entries // 33), 3),
        ("三等奖", max(1, scale.entries // 16), 1),
    ]
    bulk(
        PrizeTier,
        [
            {
                "id": k + 1,
                "contest_id": contest_id,
                "name": name,
                "position": k,
                "quota": quota,
                "share": None,
                "threshold": None,
                "points": Decimal(points),
            }
            for k, (name, quota, points) in enumerate(tiers)
        ],
    )
    bulk(
        JudgeAssignment,
        [
            {
                "id": k + 1,
                "contest_id": contest_id,
                "judge_id": jid,
                "position": k,
                "created_at": now,
            }
            for k, jid in enumerate(judge_ids)
        ],
    )
    sheet_rows, mark_rows = [], []
    sheet_id = mark_id = 1
    for rid in contest_entries:
        quality = rnd.uniform(5.5, 9.5)
        for jid in judge_ids:
            sheet_rows.append(
                {
                    "id": sheet_id,
                    "contest_id": contest_id,
                    "judge_id": jid,
                    "registration_id": rid,
                    "status": "submitted",
                    "version": 2,
                    "submitted_at": now - timedelta(days=15),
                    "updated_at": now,
                }
            )
            for cid in criterion_ids:
                value = min(10.0, max(0.0, rnd.gauss(quality, 0.6)))
                mark_rows.append(
                    {
                        "id": mark_id,
                        "sheet_id": sheet_id,
                        "criterion_id": cid,
                        "value": Decimal(f"{value:.1f}"),
                    }
                )
                mark_id += 1
            sheet_id += 1
    bulk(ScoreSheet, sheet_rows)
    bulk(Mark, mark_rows)
    session.commit()
    mark(
        f"contest: {len(contest_entries)} entries x {len(judge_ids)} judges x "
        f"{len(criterion_ids)} criteria = {len(mark_rows)} marks"
    )

    # ---- tournaments: the draws and the schedule by the services ------------------------------
    organizer = session.get(User, organizer_id)
    tournament_ids: list[int] = []
    groups = max(1, scale.teams // 4)
    for eid in [*tournament_event_ids, league_event_id]:
        event = session.get(Event, eid)
        settings = tsvc.TournamentSettings.for_sport(
            "gateball", slot_minutes=30, first_slot_at=event.starts_at
        )
        tournament = tsvc.create_tournament(event, settings, actor=organizer)
        for c in range(8):
            tsvc.add_court(tournament, f"{c + 1}号场", venue_id=court_id, actor=organizer)
        tsvc.set_entries(
            tournament, {rid: k + 1 for k, rid in enumerate(team_regs[eid])}, actor=organizer
        )
        if eid == league_event_id:
            tsvc.make_draw(tournament, "round_robin", actor=organizer)
        else:
            tsvc.make_draw(
                tournament, "groups_knockout", groups=groups, qualifiers=2, actor=organizer
            )
            tsvc.make_schedule(tournament, actor=organizer)
        session.commit()
        # Results of every group / league match in bulk: gateball scores, draws allowed.
        stage_ids = [s.id for s in tournament.stages if s.kind != "knockout"]
        matches = session.execute(
            select(TournamentMatch.id, TournamentMatch.side_a_id, TournamentMatch.side_b_id).where(
                TournamentMatch.stage_id.in_(stage_ids)
            )
        ).all()
        updates = []
        for match_id, side_a, side_b in matches:
            score_a, score_b = rnd.randint(0, 20), rnd.randint(0, 20)
            winner = side_a if score_a > score_b else side_b if score_b > score_a else None
            updates.append(
                {
                    "b_id": match_id,
                    "status": "played",
                    "score_a": score_a,
                    "score_b": score_b,
                    "winner_id": winner,
                    "result_by_id": organizer_id,
                    "result_at": now,
                    "version": 2,
                }
            )
        from sqlalchemy import bindparam

        session.execute(
            update(TournamentMatch.__table__)
            .where(TournamentMatch.__table__.c.id == bindparam("b_id"))
            .values(
                status=bindparam("status"),
                score_a=bindparam("score_a"),
                score_b=bindparam("score_b"),
                winner_id=bindparam("winner_id"),
                result_by_id=bindparam("result_by_id"),
                result_at=bindparam("result_at"),
                version=bindparam("version"),
            ),
            updates,
        )
        # A bulk update is not seen row by row: say the tournament changed, so its commit
        # brings the stored standings up to date.

        versions.touch(session, versions.tournament(tournament.id))
        session.commit()
        tournament_ids.append(tournament.id)
    n_matches = session.scalar(select(__import__("sqlalchemy").func.count(TournamentMatch.id)))
    mark(
        f"{len(tournament_ids) - 1} tournament(s) of {scale.teams} teams + a {scale.teams}-team "
        f"league: {n_matches} matches (group and league results entered)"
    )

    # PostgreSQL: the ids were chosen here, so move every sequence past them.
    if session.get_bind().dialect.name == "postgresql":
        for table in db.metadata.sorted_tables:
            if "id" in table.c and table.c.id.primary_key:
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                    )
                )
        session.commit()
        session.execute(text("ANALYZE"))
        session.commit()
    else:
        session.execute(text("ANALYZE"))
        session.commit()
    mark("sequences and statistics")
    # The rows above went in by bulk statements, which raise no versions: store the contest's
    # results and the tournaments' tables as the app would have in each commit (the pages read
    # stored rows; without them they fall back to computing on every read).
    versions.touch(
        session, versions.contest(contest_id), *(versions.tournament(t) for t in tournament_ids)
    )
    session.commit()
    mark("stored results and standings")
    knockout_stage = session.scalar(
        select(TournamentStage.id).where(
            TournamentStage.tournament_id == tournament_ids[0], TournamentStage.kind == "knockout"
        )
    )
    return {
        "organizer_id": organizer_id,
        "bench_user_id": bench_user_id,
        "poster_id": poster_id,
        "bench_user_login": "bench_user",
        "poster_login": "bench_poster",
        "calendar_events": len(calendar_events),
        "event_id": next(
            row["id"]
            for row in event_rows
            if row["kind"] == "lecture" and row["status"] == "published" and row["ends_at"] > now
        ),
        "venue_id": 1,
        "contest_id": contest_id,
        "contest_event_id": contest_event_id,
        "tournament_id": tournament_ids[0],
        "league_tournament_id": tournament_ids[-1],
        "knockout_stage_id": knockout_stage,
        "post_event_id": post_event_id,
        "counts": {
            "members": scale.members,
            "events": len(event_rows),
            "occurrences": len(occ_rows),
            "registrations": len(reg_rows),
            "checkins": att_id - 1,
            "marks": len(mark_rows),
            "matches": n_matches,
        },
    }


def default_url(scale: str, db: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{OUT / f'eventsys-{scale}.sqlite3'}"
    import os

    base = os.environ.get(
        "EVENTSYS_BENCH_POSTGRESQL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    from sqlalchemy.engine import make_url

    return (
        make_url(base).set(database=f"eventsys_bench_{scale}").render_as_string(hide_password=False)
    )


def meta_path(scale: str, db: str) -> Path:
    return OUT / f"data-{scale}-{db}.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="tiny")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--url",
        help="database URL (default: bench/out/eventsys-<scale>.sqlite3 "
        "or the eventsys_bench_<scale> PostgreSQL database)",
    )
    args = parser.parse_args()
    url = args.url or default_url(args.scale, args.db)
    generate(args.scale, url, meta_path(args.scale, args.db))


if __name__ == "__main__":
    main()
