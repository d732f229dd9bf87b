"""The demo world: the Fengtai veteran cadres' activity centre, its rooms, groups and programme.

Built through the services, so the demo obeys the same rules (no double-booked rooms) as users."""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from eventsys.extensions import db
from eventsys.models import Event, User, Venue
from eventsys.services import accounts, places, registrations
from eventsys.services import events as event_service
from eventsys.timeutil import LOCAL_TZ, local_today

DEMO_LOGINS = ("organizer", "judge", "participant")
PASSWORD_FILE = "demo-accounts.json"  # noqa: S105 - a file name, not a password

BUREAU = "丰台区委老干部局"
UNITS = (
    "丰台区老干部活动中心",
    "卢沟桥街道离退休干部党支部",
    "方庄地区老干部党支部",
    "长辛店镇老干部党支部",
    "区教委离退休干部处",
    "区卫健委离退休干部处",
    "海南后海“候鸟式”临时党支部",
)
VENUES = (  # name, kind, capacity, where
    ("多功能厅", "hall", 300, "活动中心一层"),
    ("影像厅", "room", 120, "活动中心二层"),
    ("影视棚", "room", 40, "活动中心二层"),
    ("舞蹈排练室", "room", 40, "活动中心三层"),
    ("阅览室", "room", 30, "活动中心三层"),
    ("门球场", "court", 60, "活动中心东侧"),
)
MEMBERS = (
    "张和顺",
    "单丽华",
    "曾国庆",
    "解秀兰",
    "区志刚",
    "仇建国",
    "王淑芬",
    "李长青",
    "刘玉梅",
    "陈德明",
    "杨桂英",
    "赵文华",
    "黄美玲",
    "周建华",
    "吴秀英",
    "孙立新",
    "马振国",
    "朱淑珍",
    "胡连生",
    "郭素云",
    "何晓月",
    "高凤兰",
    "林海涛",
    "罗玉兰",
)
GROUPS = (  # name, kind, description
    ("金秋艺术团", "troupe", "老干部活动中心的舞蹈艺术团，参加全国及市区舞蹈比赛。"),
    ("晓月诗社", "society", "诗词楹联创作与学习；北京市原创诗歌征集活动总分全市第一。"),
    ("门球队", "team", "参加丰台门球协会组织的赛事交流。"),
    ("乒乓球协会", "interest_group", "每周两次训练，参加区乒乓球比赛。"),
    ("戏曲班", "interest_group", "京剧、评剧清唱与身段。"),
    ("象棋组", "interest_group", "每周对弈与讲棋。"),
    ("摄影协会", "society", "外拍、作品点评与摄影展。"),
    ("书画社", "society", "书画笔会与作品展。"),
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL_TZ)


def build_demo_world(instance_path: str) -> dict[str, str]:
    """Create the demo organisations, rooms, people, groups and events; return the passwords."""
    passwords = {login: secrets.token_urlsafe(9) for login in DEMO_LOGINS}
    organizer = accounts.create_user(
        accounts.NewUser(
            name="李卫东",
            login="organizer",
            password=passwords["organizer"],
            roles=("organizer", "participant"),
        ),
        actor=None,
    )
    bureau = places.save_organisation(BUREAU, None, actor=organizer)
    units = [places.save_organisation(name, bureau.id, actor=organizer) for name in UNITS]
    organizer.organisation_id = units[0].id
    accounts.create_user(
        accounts.NewUser(
            name="吴雅琴",
            login="judge",
            password=passwords["judge"],
            organisation_id=units[4].id,
            roles=("judge", "participant"),
        ),
        actor=organizer,
    )
    participant = accounts.create_user(
        accounts.NewUser(
            name="张和顺",
            login="participant",
            phone="13800138000",
            password=passwords["participant"],
            organisation_id=units[1].id,
        ),
        actor=organizer,
    )
    people: list[User] = [participant]
    for index, name in enumerate(MEMBERS[1:], start=1):
        people.append(
            accounts.create_user(
                accounts.NewUser(
                    name=name,
                    login=f"member{index:02d}",
                    password=secrets.token_urlsafe(12),
                    phone=f"139{index:08d}",
                    organisation_id=units[index % len(units)].id,
                ),
                actor=organizer,
            )
        )
    venues = {
        name: places.save_venue(
            places.VenueData(name=name, kind=kind, capacity=cap, location=where), actor=organizer
        )
        for name, kind, cap, where in VENUES
    }
    groups = {}
    for index, (name, kind, description) in enumerate(GROUPS):
        leader = people[index * 2 % len(people)]
        groups[name] = places.save_group(
            places.GroupData(
                name=name,
                kind=kind,
                description=description,
                organisation_id=units[0].id,
                leader_id=leader.id,
            ),
            actor=organizer,
        )
        for person in people[index : index + 6]:
            if person.id != leader.id:
                places.add_member(groups[name], person, actor=organizer)
    _build_programme(organizer, venues)
    db.session.flush()
    path = Path(instance_path) / PASSWORD_FILE
    path.write_text(json.dumps(passwords, ensure_ascii=False, indent=2))
    path.chmod(0o600)
    return passwords


def read_demo_passwords(instance_path: str) -> dict[str, str]:
    """Return the demo passwords saved when the demo world was built."""
    path = Path(instance_path) / PASSWORD_FILE
    if not path.exists():
        return {login: "(set before this run; see instance/)" for login in DEMO_LOGINS}
    return dict(json.loads(path.read_text()))


def _build_programme(organizer: User, venues: dict[str, Venue]) -> None:
    today = local_today()
    monday = today - timedelta(days=today.weekday())
    ids = {name: venue.id for name, venue in venues.items()}

    def day(offset: int, hour: int, minute: int = 0) -> datetime:
        return _at(monday + timedelta(days=offset), hour, minute)

    def add(
        kind: str,
        title: str,
        venue: str,
        start: datetime,
        hours: float,
        *,
        publish: bool = True,
        **settings: Any,
    ) -> Event:
        if settings.get("registration_mode", "none") != "none":
            settings.setdefault("registration_opens_at", start - timedelta(days=14))
            settings.setdefault("registration_closes_at", start - timedelta(hours=2))
        event = event_service.create_event(
            event_service.EventData(
                kind=kind,
                title=title,
                venue_id=ids[venue],
                starts_at=start,
                ends_at=start + timedelta(hours=hours),
                **settings,
            ),
            organizer=organizer,
        )
        if publish:
            event_service.set_status(event, "published", actor=organizer)
        return event

    until = monday + timedelta(weeks=8)
    rehearsal = add(
        "activity",
        "金秋艺术团舞蹈排练",
        "舞蹈排练室",
        day(1, 9),
        2.5,
        description="每周二、周四上午排练参赛舞蹈《金色的秋天》。",
        weekdays=(1, 3),
        repeat_until=until,
    )
    # The rehearsal of the third Thursday gives way to the 重阳 performance preparations.
    event_service.skip_occurrence(rehearsal.occurrences[5], True, actor=organizer)
    add(
        "activity",
        "戏曲班京剧清唱",
        "影视棚",
        day(2, 14),
        2,
        description="京剧、评剧清唱，欢迎新学员。",
        weekdays=(2,),
        repeat_until=until,
        walk_ins=True,
    )
    add(
        "activity",
        "象棋组对弈",
        "阅览室",
        day(0, 14),
        3,
        weekdays=(0, 4),
        repeat_until=until,
        walk_ins=True,
    )
    add(
        "lecture",
        "形势报告会",
        "影像厅",
        day(9, 9, 30),
        2,
        description="每月一次形势报告会。",
        capacity=120,
        registration_mode="individual",
    )
    clinic = add(
        "health_clinic",
        "健康义诊",
        "多功能厅",
        day(10, 8, 30),
        3,
        description="区医院专家义诊：血压、血糖、骨密度。请带医保卡。",
        capacity=40,
        registration_mode="individual",
    )
    add(
        "poetry_contest",
        "“诗歌抒情怀”原创诗词比赛",
        "阅览室",
        day(16, 9),
        3,
        description="晓月诗社承办；评审：立意、格律、语言、意境。",
        capacity=60,
        registration_mode="individual",
        asks_title=True,
        asks_text=True,
    )
    gateball = add(
        "ball_game",
        "全区离退休干部门球比赛",
        "门球场",
        day(12, 8),
        8,
        description="16支队伍分4组循环后进行淘汰赛。每队5名队员，最多3名替补。",
        capacity=16,
        registration_mode="team",
        capacity_counts="entries",
        roster_min=5,
        roster_max=5,
        substitutes_max=3,
        max_entries_per_organisation=2,
    )
    add(
        "ball_game",
        "乒乓球友谊赛",
        "多功能厅",
        day(19, 9),
        4,
        capacity=32,
        registration_mode="individual",
    )
    add(
        "performance",
        "重阳节慰问演出",
        "多功能厅",
        day(17, 14, 30),
        2,
        description="金秋艺术团、戏曲班联合演出。",
        capacity=300,
        registration_mode="individual",
    )
    add("exhibition", "摄影作品展", "影像厅", day(3, 9), 8, description="摄影协会年度作品展。")
    add(
        "knowledge_contest",
        "“不忘初心”知识竞赛",
        "影像厅",
        day(24, 14),
        2,
        capacity=100,
        registration_mode="individual",
        publish=False,
    )
    _register_demo_people(organizer, clinic, gateball)


def _register_demo_people(organizer: User, clinic: Event, gateball: Event) -> None:
    people = list(
        db.session.scalars(select(User).where(User.login != "organizer").order_by(User.id))
    )
    opened = clinic.registration_opens_at
    assert opened is not None
    for person in people[:12]:
        registrations.register(clinic, person, by=organizer, now=opened)
    team = registrations.TeamEntry(
        team_name="卢沟桥门球队",
        player_ids=tuple(p.id for p in people[13:17]),
        substitute_ids=(people[17].id,),
    )
    assert gateball.registration_opens_at is not None
    registrations.register_team(
        gateball, people[12], team, by=organizer, now=gateball.registration_opens_at
    )
