"""The small world the browser tests walk through, built through the services like real use.

Dates are relative to today (Beijing), so the programme always has something coming up and the
room's week page always has bookings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Flask

from eventsys.extensions import db
from eventsys.models import Event, User
from eventsys.services import accounts, places
from eventsys.services import events as event_service
from eventsys.timeutil import LOCAL_TZ, local_today
from tests.conftest import PASSWORD

ORGANIZER = "organizer"
PARTICIPANT = "participant"
LONG_TITLE = "全区离退休干部门球比赛（第十二届）暨丰台区老年人体育健身大会门球项目选拔赛"


@dataclass
class World:
    """Logins and the ids of what was created, for building addresses."""

    password: str = PASSWORD
    ids: dict[str, int] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    venues: dict[str, str] = field(default_factory=dict)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LOCAL_TZ)


def build_world(app: Flask) -> World:
    """Create people, organisations, rooms, a group and a programme; return their ids."""
    world = World()
    with app.app_context():
        organizer = accounts.create_user(
            accounts.NewUser(
                name="李卫东",
                login=ORGANIZER,
                password=PASSWORD,
                roles=("organizer", "participant"),
            ),
            actor=None,
        )
        bureau = places.save_organisation("丰台区委老干部局", None, actor=organizer)
        centre = places.save_organisation("丰台区老干部活动中心", bureau.id, actor=organizer)
        branch = places.save_organisation("卢沟桥街道离退休干部党支部", bureau.id, actor=organizer)
        participant = accounts.create_user(
            accounts.NewUser(
                name="张和顺",
                login=PARTICIPANT,
                password=PASSWORD,
                phone="13800138000",
                organisation_id=branch.id,
            ),
            actor=organizer,
        )
        judge = accounts.create_user(
            accounts.NewUser(
                name="吴雅琴",
                login="judge",
                password=PASSWORD,
                organisation_id=centre.id,
                roles=("judge", "participant"),
            ),
            actor=organizer,
        )
        members: list[User] = [
            accounts.create_user(
                accounts.NewUser(
                    name=name, login=f"member{n}", password=PASSWORD, phone=f"1390000000{n}"
                ),
                actor=organizer,
            )
            for n, name in enumerate(("单丽华", "曾国庆", "解秀兰", "区志刚"), start=1)
        ]
        venues = {
            name: places.save_venue(
                places.VenueData(name=name, kind=kind, capacity=capacity, location=where),
                actor=organizer,
            )
            for name, kind, capacity, where in (
                ("多功能厅", "hall", 300, "活动中心一层"),
                ("舞蹈排练室", "room", 40, "活动中心三层"),
                ("阅览室", "room", 30, "活动中心三层"),
                ("门球场", "court", 60, "活动中心东侧"),
            )
        }
        poetry = places.save_group(
            places.GroupData(
                name="晓月诗社",
                kind="society",
                description="诗词楹联创作与学习。",
                organisation_id=centre.id,
                leader_id=participant.id,
            ),
            actor=organizer,
        )
        for member in members[:3]:
            places.add_member(poetry, member, actor=organizer)

        today = local_today()
        monday = today - timedelta(days=today.weekday())

        def add(
            key: str,
            kind: str,
            title: str,
            venue: str,
            start: datetime,
            hours: float,
            status: str = "published",
            **extra: Any,
        ) -> Event:
            event = event_service.create_event(
                event_service.EventData(
                    kind=kind,
                    title=title,
                    venue_id=venues[venue].id,
                    starts_at=start,
                    ends_at=start + timedelta(hours=hours),
                    **extra,
                ),
                organizer=organizer,
            )
            if status != "draft":
                event_service.set_status(event, status, actor=organizer)
            world.ids[key] = event.id
            world.titles[key] = title
            world.venues[key] = venue
            return event

        rehearsal = add(
            "weekly",
            "activity",
            "金秋艺术团舞蹈排练",
            "舞蹈排练室",
            _at(monday, 9),
            2.5,
            description="每周一、周四上午排练参赛舞蹈《金色的秋天》。\n请穿软底鞋。",
            weekdays=(0, 3),
            repeat_until=monday + timedelta(weeks=6),
        )
        event_service.skip_occurrence(rehearsal.occurrences[4], True, actor=organizer)
        moved = rehearsal.occurrences[5]
        event_service.move_occurrence(
            moved,
            moved.starts_at + timedelta(hours=5),
            moved.ends_at + timedelta(hours=5),
            actor=organizer,
        )
        world.ids["occurrence"] = rehearsal.occurrences[1].id
        add(
            "show",
            "performance",
            "重阳节慰问演出",
            "多功能厅",
            _at(today + timedelta(days=10), 14, 30),
            2,
            description="金秋艺术团、戏曲班联合演出。",
            capacity=300,
            registration_opens_at=_at(today - timedelta(days=1), 9),
            registration_closes_at=_at(today + timedelta(days=9), 17),
        )
        add(
            "long",
            "ball_game",
            LONG_TITLE,
            "门球场",
            _at(today + timedelta(days=12), 8),
            8,
            description="16支队伍分4组循环后进行淘汰赛。",
            capacity=16,
        )
        add(
            "lecture",
            "lecture",
            "诗词格律讲座",
            "阅览室",
            _at(today + timedelta(days=3), 9, 30),
            2,
        )
        add(
            "draft",
            "knowledge_contest",
            "“不忘初心”知识竞赛",
            "多功能厅",
            _at(today + timedelta(days=20), 14),
            2,
            status="draft",
        )
        add(
            "cancelled",
            "exhibition",
            "摄影作品展",
            "阅览室",
            _at(today + timedelta(days=5), 9),
            6,
            status="cancelled",
        )
        db.session.commit()
        world.ids.update(
            organizer=organizer.id,
            participant=participant.id,
            judge=judge.id,
            centre=centre.id,
            group=poetry.id,
            hall=venues["多功能厅"].id,
            studio=venues["舞蹈排练室"].id,
        )
        db.session.remove()
    return world
