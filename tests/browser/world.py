"""The small world the browser tests walk through, built through the services like real use.

Dates are relative to today (Beijing), so the programme always has something coming up and the
room's week page always has bookings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from flask import Flask
from sqlalchemy import select

from eventsys.extensions import db
from eventsys.models import Event, Registration, User, Venue
from eventsys.services import accounts, contests, judging, notices, places, results
from eventsys.services import events as event_service
from eventsys.services import registrations as registration_service
from eventsys.services import tournaments as tournament_service
from eventsys.services.tournament_results import ResultInput, record_result
from eventsys.timeutil import LOCAL_TZ, local_today, utcnow
from tests.conftest import PASSWORD
from tests.factories import confirmed_entry, confirmed_team, new_event, person

ORGANIZER = "organizer"
PARTICIPANT = "participant"
JUDGE = "judge"
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
                login=JUDGE,
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
            event = new_event(
                organizer, venues[venue].id, kind, title, start, hours, status=status, **extra
            )
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
        _registrations_contests_tournaments(world, add, organizer, participant, judge, members)
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


POEMS = (
    ("咏秋", "金风送爽，丹桂飘香。"),
    ("登高", "九九重阳，登高望远。"),
    ("秋菊", "采菊东篱，悠然见山。"),
)
CUP_TEAMS = ("卢沟桥一队", "卢沟桥二队", "长辛店队", "丰台镇队", "新村队", "右安门队")


def _person(name: str, login: str, phone: str, organisation_id: int | None = None) -> User:
    return person(name, login, phone=phone, organisation_id=organisation_id)


def poets_contest(
    title: str, days_ahead: int, poets: Sequence[str], key: str, phone: str, entry: str
) -> tuple[User, Event, list[Registration]]:
    """A published poetry contest in the hall *days_ahead* days on, for a test module to add to
    the world: one confirmed entry a poet (logins *key*0…, phones *phone*0000…, titles *entry*1…).
    The organiser, the event and the entries."""
    organizer = db.session.scalar(select(User).where(User.login == ORGANIZER))
    hall = db.session.scalar(select(Venue).where(Venue.name == "多功能厅"))
    start = _at(local_today() + timedelta(days=days_ahead), 9)
    event = new_event(
        organizer,
        hall.id,
        "poetry_contest",
        title,
        start,
        3,
        registration_mode="individual",
        asks_title=True,
    )
    entries = []
    for number, name in enumerate(poets):
        poet = _person(name, f"{key}{number}", f"{phone}{number:04d}")
        entry_id = confirmed_entry(event.id, poet.id, "individual", 1, title=f"{entry}{number + 1}")
        entries.append(db.session.get(Registration, entry_id))
    return organizer, event, entries


def _teams(event: Event, names: tuple[str, ...], key: str) -> list[int]:
    """Confirmed team entries, each with a captain of its own (as an organizer would enter)."""
    ids = []
    for number, name in enumerate(names):
        captain = _person(f"{name}队长", f"{key}{number}", f"1370000{event.id:02d}{number:02d}")
        ids.append(confirmed_team(event.id, captain.id, name))
    return ids


def _tournament(event: Event, teams: list[int], organizer: User) -> Any:
    tournament = tournament_service.create_tournament(
        event, tournament_service.TournamentSettings.for_sport("gateball"), actor=organizer
    )
    tournament_service.set_entries(
        tournament, {team: seed for seed, team in enumerate(teams, start=1)}, actor=organizer
    )
    for number in (1, 2):
        tournament_service.add_court(tournament, f"{number}号场", actor=organizer)
    return tournament


def _registrations_contests_tournaments(
    world: World,
    add: Any,
    organizer: User,
    participant: User,
    judge: User,
    members: list[User],
) -> None:
    """Registrations, a check-in list, judged contests and gateball tournaments."""
    today = local_today()
    now = utcnow()
    opens = _at(today - timedelta(days=1), 9)
    # A class with places: the participant is registered (detail page, check-in list).
    lesson = add(
        "class",
        "lecture",
        "智能手机使用课",
        "阅览室",
        _at(today + timedelta(days=1), 9),
        2,
        registration_mode="individual",
        capacity=20,
        registration_opens_at=opens,
    )
    mine = registration_service.register(lesson, participant, by=participant, now=now)
    registration_service.register(lesson, members[3], by=organizer, now=now)
    world.ids["registration"] = mine.id
    # A notice: the header's unread count and My page's list show it.
    notices.notify(
        [participant.id], "sitting_moved", now=now, event=lesson, params={"from": now.isoformat()}
    )
    # One place left: journey (a) fills it and waits for it.
    add(
        "onespot",
        "lecture",
        "八段锦体验课",
        "阅览室",
        _at(today + timedelta(days=2), 9),
        2,
        registration_mode="individual",
        capacity=1,
        registration_opens_at=opens,
    )
    add(
        "open",
        "lecture",
        "老年人防诈骗讲座",
        "阅览室",
        _at(today + timedelta(days=4), 9),
        2,
        registration_mode="individual",
        capacity=50,
        registration_opens_at=opens,
    )
    add(
        "teamcup",
        "ball_game",
        "社区门球友谊赛",
        "门球场",
        _at(today + timedelta(days=15), 8),
        8,
        registration_mode="team",
        capacity=8,
        capacity_counts="entries",
        roster_min=3,
        roster_max=5,
        substitutes_max=1,
        registration_opens_at=opens,
    )
    # Journeys: two participants for the wait list, a captain and his players.
    for key, name, phone in (
        ("first", "王桂兰", "13600000001"),
        ("second", "赵福海", "13600000002"),
        ("captain", "刘振国", "13600000003"),
        ("player1", "陈玉梅", "13600000004"),
        ("player2", "杨德胜", "13600000005"),
    ):
        world.ids[key] = _person(name, key, phone).id

    # A judged poetry contest, marked and published (results, scoreboard, certificates).
    poetry = add(
        "poetry",
        "poetry_contest",
        "重阳诗词大赛",
        "多功能厅",
        _at(today - timedelta(days=3), 9),
        3,
        registration_mode="individual",
        asks_title=True,
        asks_text=True,
    )
    poets = [participant, *members[:2]]
    entries = [
        registration_service.register(poetry, poet, by=organizer, now=now, title=t, text=x)
        for poet, (t, x) in zip(poets, POEMS, strict=True)
    ]
    contest = contests.set_up_contest(
        poetry,
        contests.ContestSettings(
            aggregation="mean",
            criteria=(
                contests.CriterionData("立意", Decimal(30)),
                contests.CriterionData("格律", Decimal(30)),
                contests.CriterionData("语言", Decimal(20)),
                contests.CriterionData("意境", Decimal(20)),
            ),
            tiers=(
                contests.TierData("一等奖", Decimal(7), quota=1),
                contests.TierData("二等奖", Decimal(5), quota=1),
            ),
        ),
        actor=organizer,
    )
    contests.appoint_panel(contest, [judge.id], actor=organizer)
    db.session.flush()
    for entry, marks in zip(
        entries, ((28, 27, 18, 19), (25, 24, 17, 16), (20, 22, 15, 14)), strict=True
    ):
        raw = {c.id: str(m) for c, m in zip(contest.criteria, marks, strict=True)}
        judging.save_sheet(contest, judge, entry, raw, version=0, submit=True)
    db.session.flush()
    results.publish(contest, actor=organizer)
    world.ids.update(contest=contest.id, entry=entries[0].id)
    # A contest still being marked: the judge's score sheet is open.
    marking = add(
        "marking",
        "poetry_contest",
        "书法楹联征集评选",
        "多功能厅",
        _at(today + timedelta(days=22), 9),
        3,
        registration_mode="individual",
        asks_title=True,
    )
    pending = registration_service.register(
        marking, members[0], by=organizer, now=now, title="春联"
    )
    open_contest = contests.set_up_contest(
        marking,
        contests.ContestSettings(
            aggregation="mean",
            criteria=(
                contests.CriterionData("书法", Decimal(50)),
                contests.CriterionData("内容", Decimal(50)),
            ),
            tiers=(contests.TierData("优秀奖", Decimal(1), quota=1),),
        ),
        actor=organizer,
    )
    contests.appoint_panel(open_contest, [judge.id], actor=organizer)
    world.ids.update(marking_contest=open_contest.id, marking_entry=pending.id)
    # Journey (d): a poetry contest with two entries and no set-up yet.
    judged = add(
        "judged",
        "poetry_contest",
        "金秋诗会",
        "多功能厅",
        _at(today + timedelta(days=26), 9),
        3,
        registration_mode="individual",
        asks_title=True,
    )
    for poet, (title, _text) in zip(members[2:4], POEMS, strict=False):
        registration_service.register(judged, poet, by=organizer, now=now, title=title)

    # A gateball tournament drawn, scheduled, with one result (every tournament page).
    cup = add("cup", "ball_game", "门球邀请赛", "门球场", _at(today + timedelta(days=18), 8), 9)
    cup_teams = _teams(cup, CUP_TEAMS, "cup")
    tournament = _tournament(cup, cup_teams, organizer)
    tournament_service.make_draw(
        tournament, "groups_knockout", groups=2, qualifiers=2, actor=organizer
    )
    tournament_service.make_schedule(tournament, actor=organizer)
    first = tournament_service.order_of_play(tournament)[0]
    record_result(first, ResultInput(score_a=12, score_b=7), actor=organizer)
    second = tournament_service.order_of_play(tournament)[1]
    world.ids.update(
        tournament=tournament.id, cup_team=cup_teams[0], match=second.id, played=first.id
    )
    # Journey (e): a tournament with its teams and courts, not yet drawn.
    league = add("league", "ball_game", "门球联赛", "门球场", _at(today + timedelta(days=19), 8), 9)
    world.ids["league"] = _tournament(league, _teams(league, CUP_TEAMS[:4], "league"), organizer).id


def new_member(live_server: Any, *, name: str, login: str, phone: str, password: str) -> int:
    """Make a member's account through the service, as a desk journey starts with one."""
    with live_server.app.app_context():
        user = accounts.create_user(
            accounts.NewUser(name=name, login=login, phone=phone, password=password), actor=None
        )
        db.session.commit()
        return user.id
