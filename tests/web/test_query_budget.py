"""Query budget: every page, feed and main form costs a fixed number of SQL statements.

Each route of the URL map is requested, as someone allowed to see it, in two worlds built the
same way: a small one and one with about three times the rows everywhere (events, sittings,
registrations, rosters, groups, entries, judges' marks, teams, matches, attendance, audit,
notices, feed items). A route passes when it runs as many statements in both worlds (no query
per row: no N+1) and no more than its constant in BUDGET. A route without a budget fails, like
an unclassified route in the authorization matrix.

KNOWN_GROWTH lists routes that do grow, in code being rewritten elsewhere, with their measured
counts; each must still grow (else it belongs in BUDGET) and not grow further."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from eventsys.domain import member_import as member_import_rules
from eventsys.extensions import db
from eventsys.models import (
    Attendance,
    Event,
    Group,
    GroupMember,
    Honour,
    JoinRequest,
    Notice,
    Occurrence,
    Organisation,
    Registration,
    RegistrationMember,
    User,
    Venue,
)
from eventsys.models.contests import Contest
from eventsys.models.tournaments import Tournament, TournamentMatch
from eventsys.services import calendar as feeds
from eventsys.services import contests, judging, member_import, results
from eventsys.services import events as event_service
from eventsys.services import groups as group_service
from eventsys.services import registrations as registration_service
from eventsys.services import tournaments as tournament_service
from eventsys.services.groups import photo_folder
from eventsys.services.tournament_results import ResultInput, record_result
from eventsys.timeutil import LOCAL_TZ, local_today, utcnow
from tests import factories
from tests.conftest import _empty_tables, csrf, csrf_from, login
from tests.domain.test_group_rules import PNG
from tests.querycount import Statements, clear_caches, count_queries
from tests.web.test_authorization_matrix import ACCESS, _url

SMALL, BIG = 1, 3

# The most statements each request may run, counted cold (caches emptied first) on SQLite and
# PostgreSQL (the larger count), in both worlds. BEGIN and SAVEPOINT are not counted.
BUDGET: dict[str, int] = {
    "GET /": 3,  # + the versions' read
    "GET /calendar/": 2,  # + the versions' read
    "GET /calendar/contests/<int:event_id>.ics": 9,  # + versions, its tournament
    "GET /calendar/contests/<int:event_id>.ics (304)": 2,  # versions, its tournament
    "GET /calendar/contests/<int:event_id>.ics (tournament)": 9,  # + versions, its tournament
    "GET /calendar/events/<int:event_id>": 2,  # + the versions' read
    "GET /calendar/me": 1,
    "GET /calendar/programme.ics": 5,  # + the versions' read
    "GET /calendar/programme.ics (304)": 1,  # the versions' read: nothing else
    "GET /calendar/u/<int:user_id>/<token>.ics": 10,  # + the versions' read
    "GET /calendar/u/<int:user_id>/<token>.ics (304)": 1,  # the versions' read: nothing else
    "GET /calendar/venues/<int:venue_id>": 2,  # + the versions' read
    "GET /checkin/<token>": 4,
    "GET /contests/<int:contest_id>": 9,
    "GET /contests/<int:contest_id> (skating)": 8,
    "GET /contests/<int:contest_id>/certificates": 9,
    "GET /contests/<int:contest_id>/export/<what>.<fmt>": 8,
    "GET /contests/<int:contest_id>/export/<what>.<fmt> (matrix)": 8,
    "GET /contests/<int:contest_id>/matrix": 9,
    "GET /contests/<int:contest_id>/panel": 8,
    "GET /contests/<int:contest_id>/panel (skating)": 8,
    "GET /contests/<int:contest_id>/results": 10,  # + versions, its event
    "GET /contests/<int:contest_id>/results (skating)": 9,  # + versions, its event
    "GET /contests/<int:contest_id>/scoreboard": 10,  # + versions, its event
    "GET /contests/<int:contest_id>/scoreboard (304)": 1,  # the versions' read: nothing else
    "GET /contests/<int:contest_id>/scoreboard (skating)": 9,  # + versions, its event
    "GET /contests/<int:contest_id>/skating": 9,  # + versions, its event
    # The request: visibility and the version; the payload is rendered outside it, as the
    # public sees it, once per version (eventsys.web.streams), by the pages' own context code.
    "GET /contests/<int:contest_id>/stream": 3,
    "GET /contests/events/<int:event_id>/setup": 5,
    "GET /events/<int:event_id>": 6,  # + the versions' read
    "GET /events/<int:event_id> (contest)": 6,  # + the versions' read
    "GET /events/<int:event_id> (signed in)": 8,  # + the versions' read
    "GET /events/<int:event_id>.ics": 6,  # + the versions' read
    "GET /events/<int:event_id>.ics (304)": 1,  # the versions' read: nothing else
    "GET /events/<int:event_id>/register": 5,
    "GET /events/<int:event_id>/teams/new": 2,
    "GET /groups/": 1,
    "GET /groups/<int:group_id>": 3,  # the group and its leader, activities, honours
    "GET /groups/<int:group_id> (leader)": 8,  # + members, standing, requests, events
    "GET /groups/<int:group_id>/events/<int:event_id>/register": 4,
    "GET /honours": 3,  # years, honours with their groups, group names
    "GET /honours/<int:honour_id>/photo": 1,
    "GET /honours/export.<fmt>": 1,
    "GET /judging/": 2,
    "GET /judging/<int:contest_id>": 7,
    "GET /judging/<int:contest_id> (skating)": 5,
    "GET /judging/<int:contest_id>/dances/<int:dance_index>": 7,
    "GET /judging/<int:contest_id>/entries/<int:registration_id>": 11,
    "GET /forgot-password": 0,
    "GET /login": 0,
    "GET /manage/": 6,
    "GET /manage/attendance": 5,
    "GET /manage/attendance/export.<fmt>": 5,
    "GET /manage/audit": 3,
    "GET /manage/events": 3,
    "GET /manage/events/<int:event_id>/cancel": 5,  # + the people to ring, one join
    "GET /manage/events/<int:event_id>/checkin": 5,  # the running count: one statement
    "GET /manage/events/<int:event_id>/edit": 4,  # + the groups to choose from
    "GET /manage/events/<int:event_id>/export/<what>.<fmt>": 7,
    "GET /manage/events/<int:event_id>/export/<what>.<fmt> (attendance)": 5,
    "GET /manage/events/<int:event_id>/export/<what>.<fmt> (rosters)": 7,
    "GET /manage/events/<int:event_id>/registrations": 8,
    "GET /manage/events/<int:event_id>/registrants/print": 4,
    "GET /manage/events/<int:event_id>/sittings": 3,
    "GET /manage/events/new": 3,  # + the groups to choose from
    "GET /manage/honours/<int:honour_id>/edit": 3,
    "GET /manage/honours/new": 2,
    "GET /manage/groups": 5,
    "GET /manage/groups/<int:group_id>": 5,
    "GET /manage/groups/<int:group_id>/notice": 2,
    "GET /manage/events/<int:event_id>/notice": 2,
    "GET /manage/groups/new": 3,
    "GET /manage/organisations": 4,
    "GET /manage/organisations/<int:organisation_id>/edit": 3,
    "GET /manage/organisations/new": 2,
    "GET /manage/people": 3,
    # with the desk: paused sign-in, unused code; the file: entries (+ events, rooms), ended
    # ones (+ events, rooms), groups, attendance, notices, records merged into this one
    "GET /manage/people/<int:user_id>": 15,
    "GET /manage/people/<int:user_id>/merge": 2,
    "GET /manage/people/<int:user_id>/record": 3,
    "GET /manage/people/<int:user_id>/reset-slip": 2,
    "GET /manage/people/new": 2,
    "GET /manage/people/import/": 1,
    "GET /manage/people/import/<upload>": 6,  # the upload, then members, units, groups, places
    "GET /manage/people/import/template.xlsx": 1,
    "GET /manage/sittings/<int:occurrence_id>/move": 4,
    "GET /manage/print/events/<int:event_id>/poster": 4,  # + its room, its next sittings
    "GET /manage/print/events/<int:event_id>/sign-in": 5,  # people: one join; + a one-off's sitting
    "GET /manage/print/programme": 2,  # the week's sittings with events and rooms: one join
    "GET /manage/print/sittings/<int:occurrence_id>/sign-in": 5,
    "GET /manage/venues": 2,
    "GET /manage/venues/<int:venue_id>/edit": 2,
    "GET /manage/venues/new": 1,
    "GET /me/": 5,  # + unread notices and open team invitations
    "GET /me/devices": 2,
    "GET /me/registrations": 10,  # + open team invitations
    "GET /me/registrations/<int:registration_id>": 7,  # + unanswered invitations
    "GET /registrations/<int:registration_id>/cancel": 4,
    "GET /reset-password": 0,
    "GET /signup": 1,
    "GET /tournaments/": 2,  # + the versions' read
    "GET /tournaments/<int:tournament_id>": 18,  # + versions, its event
    "GET /tournaments/<int:tournament_id> (singles)": 15,  # + versions, its event
    "GET /tournaments/<int:tournament_id>/bracket": 11,  # + versions, its event
    "GET /tournaments/<int:tournament_id>/entries": 6,
    "GET /tournaments/<int:tournament_id>/entries (singles)": 6,
    "GET /tournaments/<int:tournament_id>/manage": 10,
    "GET /tournaments/<int:tournament_id>/manage (singles)": 10,
    "GET /tournaments/<int:tournament_id>/schedule": 11,  # + versions, its event
    "GET /tournaments/<int:tournament_id>/schedule (singles)": 9,  # + versions, its event
    "GET /tournaments/<int:tournament_id>/screen": 16,  # + versions, its event
    "GET /tournaments/<int:tournament_id>/screen (singles)": 14,  # + versions, its event
    "GET /tournaments/<int:tournament_id>/settings": 3,
    "GET /tournaments/<int:tournament_id>/standings": 11,  # + versions, its event
    "GET /tournaments/<int:tournament_id>/standings (singles)": 11,  # + versions, its event
    "GET /tournaments/<int:tournament_id>/teams/<int:registration_id>": 12,  # + versions, its event
    "GET /tournaments/<int:tournament_id>/teams/<int:registration_id> (singles)": 10,
    "GET /tournaments/<int:tournament_id>/stream": 3,
    "GET /tournaments/matches/<int:match_id>/move": 15,
    "GET /tournaments/matches/<int:match_id>/move (singles)": 13,
    "GET /tournaments/matches/<int:match_id>/result": 12,
    "GET /tournaments/matches/<int:match_id>/result (singles)": 12,
    "GET /tournaments/my-team/<int:registration_id>": 5,
    "GET /tournaments/my-team/<int:registration_id> (in a tournament)": 5,
    "GET /tournaments/new/<int:event_id>": 3,
    "GET /tournaments/pools/<int:pool_id>/lot": 9,
    "GET /venues": 2,  # + the versions' read
    "GET /venues/<int:venue_id>": 3,  # + the versions' read
    "GET /venues/<int:venue_id>.ics": 6,  # + the versions' read
    "GET /venues/<int:venue_id>.ics (304)": 1,  # the versions' read: nothing else
    # + the stored-standings refresher asks whether the event has a contest, + pg_notify (PG)
    "POST /checkin/<token>": 15,
    "POST /events/<int:event_id>/register": 15,  # + freed places promoted first
    # + promotion first, invitations, judge check; + event:<id> raised, a judged kind's contest
    "POST /events/<int:event_id>/teams/new": 25,
    # + the stored standings refreshed in the commit: inputs, stored rows, two upserts (any size)
    "POST /judging/<int:contest_id>/entries/<int:registration_id>": 36,
    "POST /manage/events/<int:event_id>/checkin": 7,
    "POST /manage/events/<int:event_id>/checkin/undo": 8,
    "POST /manage/events/new": 12,
    "POST /manage/people/import/<upload>/confirm": 18,  # each kind of row in one statement
    "POST /registrations/<int:registration_id>/cancel": 22,  # + invitations, event:<id> raised
    # + event:<id> (an entry changed), + the stored standings refreshed
    "POST /tournaments/matches/<int:match_id>/result": 28,
}

# Routes whose count grows with the data, in files being rewritten (caching) by the lead:
# key -> (statements in the small world, statements in the big world), as measured.
KNOWN_GROWTH: dict[str, tuple[int, int]] = {}

# Pages whose content does not depend on how much data there is. Every other page must come
# out longer in the big world: that shows the big world really has more of what it reads.
SAME_SIZE = {
    # 304 answers have no body.
    "GET /calendar/contests/<int:event_id>.ics (304)",
    "GET /calendar/programme.ics (304)",
    "GET /calendar/u/<int:user_id>/<token>.ics (304)",
    "GET /contests/<int:contest_id>/scoreboard (304)",
    "GET /events/<int:event_id>.ics (304)",
    "GET /venues/<int:venue_id>.ics (304)",
    # Forms and pages about one row: a person, a room, one sitting, one match, one address.
    "GET /calendar/events/<int:event_id>",
    "GET /calendar/me",
    "GET /calendar/venues/<int:venue_id>",
    "GET /events/<int:event_id>/register",
    "GET /forgot-password",
    "GET /login",
    "GET /manage/events/<int:event_id>/cancel",
    "GET /manage/events/<int:event_id>/notice",
    "GET /manage/groups/<int:group_id>/notice",
    "GET /manage/people/<int:user_id>",
    "GET /manage/people/<int:user_id>/reset-slip",
    # The same certificate photo.
    "GET /honours/<int:honour_id>/photo",
    "GET /manage/people/<int:user_id>/merge",
    # The import's upload form and its template: the same whatever is on record.
    "GET /manage/people/import/",
    "GET /manage/people/import/template.xlsx",
    "GET /reset-password",
    "GET /manage/sittings/<int:occurrence_id>/move",
    "GET /manage/venues/<int:venue_id>/edit",
    "GET /manage/venues/new",
    "GET /me/",
    "GET /me/devices",
    "GET /registrations/<int:registration_id>/cancel",
    "GET /tournaments/<int:tournament_id>/settings",
    "GET /tournaments/matches/<int:match_id>/result",
    "GET /tournaments/matches/<int:match_id>/result (singles)",
    "GET /tournaments/new/<int:event_id>",
    # A redirect; and a group with no tie to draw lots for (the page says so).
    "GET /tournaments/my-team/<int:registration_id> (in a tournament)",
    "GET /tournaments/pools/<int:pool_id>/lot",
}

# Who asks for each kind of route (see ACCESS in the authorization matrix).
ASKER = {
    "public": "anonymous",
    "token": "anonymous",
    "signed_in": "owner",
    "owner": "owner",
    "judge": "judge",
    "organizer": "organizer",
    "referee": "referee",
}
POETRY = (
    contests.CriterionData("立意", Decimal(30)),
    contests.CriterionData("格律", Decimal(30)),
    contests.CriterionData("语言", Decimal(20)),
    contests.CriterionData("意境", Decimal(20)),
)
DANCES = ("华尔兹", "探戈", "狐步", "快步", "维也纳华尔兹")


# ---- the worlds ------------------------------------------------------------------------------


@dataclass
class World:
    n: int
    ids: dict[str, Any] = field(default_factory=dict)
    logins: dict[str, str] = field(default_factory=dict)


class _Builder:
    """Build a world of size *n* through the services, as people would have made it."""

    def __init__(self, app: Flask, n: int) -> None:
        self.app, self.n = app, n
        self.world = World(n)
        self.now = utcnow()
        # Two days ahead at 00:00 Beijing time; every event is laid out from here.
        self.day0 = local_today() + timedelta(days=2)
        self._venues = 0
        self._people = 0

    def at(self, days: int, hour: int, minute: int = 0) -> datetime:
        """A Beijing time *days* after day 0."""
        return datetime.combine(self.day0 + timedelta(days=days), time(hour, minute), LOCAL_TZ)

    def account(self, key: str, roles: tuple[str, ...], org: int | None = None) -> User:
        login_name = f"{key}-{self.n}"
        user = factories.person(f"{key}{self.n}", login_name, *roles, organisation_id=org)
        db.session.flush()
        self.world.logins[key] = login_name
        return user

    def member(self, org: int | None) -> User:
        self._people += 1
        user = User(
            login=f"m{self.n}-{self._people}",
            name=f"会员{self._people:03d}",
            name_pinyin=f"huiyuan{self._people:03d}",
            phone=f"139{self.n:02d}{self._people:06d}",
            password_hash="-",
            organisation_id=org,
        )
        db.session.add(user)
        db.session.flush()
        return user

    def venue(self, kind: str = "room") -> Venue:
        self._venues += 1
        venue = Venue(name=f"活动室{self._venues}", capacity=200, kind=kind, location="二层")
        db.session.add(venue)
        db.session.flush()
        return venue

    def event(
        self,
        venue: Venue,
        start: datetime,
        *,
        hours: float = 2,
        kind: str = "activity",
        title: str = "太极拳",
        mode: str = "none",
        status: str = "published",
        **extra: Any,
    ) -> Event:
        return factories.new_event(
            self.organizer,
            venue.id,
            kind,
            title,
            start,
            hours,
            status=status,
            registration_mode=mode,
            description="请提前十分钟到场。",
            **extra,
        )

    def build(self) -> World:
        n, ids = self.n, self.world.ids
        ids["day0"] = self.day0.isoformat()
        unit = Organisation(name=f"丰台区老干部活动中心{n}")
        db.session.add(unit)
        db.session.flush()
        orgs = [unit]
        for i in range(2 * n):
            org = Organisation(name=f"第{i + 1}干休所{n}", parent_id=unit.id if i % 2 else None)
            db.session.add(org)
            orgs.append(org)
        db.session.flush()
        ids["organisation_id"] = unit.id

        self.organizer = self.account("organizer", ("organizer", "participant"))
        judge = self.account("judge", ("judge",))
        self.referee = self.account("referee", ("judge", "participant"))
        owner = self.account("owner", ("participant", "judge"), org=unit.id)
        stranger = self.account("stranger", ("participant",))
        members = [self.member(orgs[1 + i % (2 * n)].id) for i in range(2 * (n + 1) * (n + 3))]
        extra_judges = [self.account(f"judge{i}", ("judge",)) for i in range(n)]
        # Judges of entrants' organisations: they stand aside for those entries (回避).
        for i, extra in enumerate(extra_judges):
            extra.organisation_id = orgs[1 + i].id
        ids.update(owner_id=owner.id, user_id=stranger.id)

        main = self.venue()
        ids["venue_id"] = main.id
        for _i in range(n):
            self.venue()

        self._programme(main, owner, members)
        self._team_event(owner, members)
        self._groups(owner, stranger, members, orgs)
        self._contest(judge, owner, extra_judges, members)
        self._skating(judge, extra_judges, members)
        self._tournaments(owner, members)
        # Members on no roster of the team event: a new team's players.
        ids["free_member_logins"] = [m.login for m in members[-2:]]
        ids["checkin_token"] = URLSafeSerializer(
            self.app.config["SECRET_KEY"], salt="eventsys-checkin"
        ).dumps(ids["owner_team_id"])
        ids["calendar_token"] = feeds.new_token(owner, actor=owner)
        ids["upload"] = self._member_list(members, orgs)
        db.session.commit()
        return self.world

    def _member_list(self, members: list[User], orgs: list[Organisation]) -> str:
        """A spreadsheet for the import preview: every member, renamed, and one new member."""
        rows = [["会员编号", "姓名", "手机号", "单位"]]
        rows += [[f"N{m.id}", m.name + "新", m.phone, orgs[0].name] for m in members]
        rows.append(["", "新会员", f"13{self.n:02d}0000000", orgs[0].name])
        body = "".join(",".join(map(str, row)) + "\r\n" for row in rows).encode("utf-8")
        options = member_import_rules.Options()
        upload = member_import.store_upload(
            body, "名单.csv", options, actor=self.organizer, now=self.now
        )
        return upload.token

    def _programme(self, main: Venue, owner: User, members: list[User]) -> None:
        n, ids = self.n, self.world.ids
        # A weekly event with 2n+1 sittings, more registrations than places, and attendance.
        weekly = self.event(
            main,
            self.at(0, 9),
            title="太极拳晨练",
            mode="individual",
            capacity=2 * n + 1,
            weekdays=(self.day0.weekday(),),
            repeat_until=self.day0 + timedelta(days=14 * n),
        )
        ids["event_id"] = weekly.id
        registration_service.register(weekly, owner, by=owner, now=self.now)
        for person in members[: 3 * n + 1]:
            registration_service.register(weekly, person, by=self.organizer, now=self.now)
        leaving = db.session.scalars(
            select(Registration).where(
                Registration.event_id == weekly.id, Registration.captain_id == members[0].id
            )
        ).one()
        registration_service.cancel(leaving, by=self.organizer, now=self.now)
        mine = db.session.scalars(
            select(Registration).where(
                Registration.event_id == weekly.id, Registration.captain_id == owner.id
            )
        ).one()
        ids["registration_id"] = mine.id
        sittings = db.session.scalars(
            select(Occurrence).where(Occurrence.event_id == weekly.id).order_by(Occurrence.id)
        ).all()
        ids["occurrence_id"] = sittings[1].id
        # One sitting moved, the last n skipped: the event's feed lists each exception.
        event_service.move_occurrence(
            sittings[1],
            sittings[1].starts_at + timedelta(hours=5),
            sittings[1].ends_at + timedelta(hours=5),
            actor=self.organizer,
        )
        for sitting in sittings[-n:]:
            event_service.skip_occurrence(sitting, True, actor=self.organizer)
        confirmed = db.session.scalars(
            select(Registration)
            .where(Registration.event_id == weekly.id, Registration.status == "confirmed")
            .order_by(Registration.id)
        ).all()
        for sitting in sittings[:2]:
            for registration in confirmed:
                registration_service.check_in(
                    sitting,
                    db.session.get(User, registration.captain_id),
                    by=self.organizer,
                    method="list",
                    now=self.now,
                )
        # More of the programme: 2n events in the main room the same day, one in each other
        # room, a draft; the owner registered for n of them and told of n+1 promotions.
        for i in range(2 * n):
            event = self.event(
                main,
                self.at(0, 12 + i, 0),
                hours=0.75,
                kind=("lecture", "performance", "health_clinic")[i % 3],
                title=f"讲座{i + 1}",
                mode="individual",
            )
            if i < n:
                registration_service.register(event, owner, by=owner, now=self.now)
            db.session.add(Notice(user_id=owner.id, kind="promoted", event_id=event.id))
        db.session.add(Notice(user_id=owner.id, kind="promoted", event_id=weekly.id))
        for number, venue in enumerate(db.session.scalars(select(Venue)).all()):
            if venue.id != main.id:
                self.event(venue, self.at(1, 8 + number), title=f"合唱{number}")
        self.event(main, self.at(1, 20), title="草稿活动", status="draft")

    def _team_event(self, owner: User, members: list[User]) -> None:
        n, ids = self.n, self.world.ids
        event = self.event(
            self.venue(),
            self.at(2, 9),
            kind="performance",
            title="合唱比赛",
            mode="team",
            roster_min=2,
            roster_max=8,
            substitutes_max=2,
        )
        ids["team_event_id"] = event.id
        size = n + 2
        for t in range(n + 1):
            roster = members[t * size : (t + 1) * size]
            captain = owner if t == 0 else roster[0]
            players = tuple(p.id for p in roster[1:] if p.id != captain.id)
            registration = registration_service.register_team(
                event,
                captain,
                registration_service.TeamEntry(team_name=f"合唱团{t + 1}", player_ids=players),
                by=self.organizer,
                now=self.now,
            )
            if t == 0:
                ids["owner_team_id"] = registration.id

    def _groups(
        self, owner: User, stranger: User, members: list[User], orgs: list[Organisation]
    ) -> None:
        n = self.n
        for g in range(n + 1):
            group = Group(
                name=f"晓月诗社{g + 1}",
                kind=("society", "troupe", "team", "interest_group")[g % 4],
                organisation_id=orgs[g % len(orgs)].id,
                leader_id=(owner if g == 0 else members[g]).id,
            )
            db.session.add(group)
            db.session.flush()
            people = [stranger, *members[g : g + 2 * n]]
            db.session.add_all(GroupMember(group_id=group.id, user_id=p.id) for p in people)
            db.session.add_all(
                Honour(
                    group_id=group.id,
                    competition=f"原创诗歌作品征集{h}",
                    organiser="北京市委老干部局",
                    award=("一等奖", "二等奖", "三等奖", "优秀奖")[h % 4],
                    awarded_on=self.day0.replace(year=2017 + h % 3),
                )
                for h in range(n + 1)
            )
            if g == 0:
                self.world.ids["group_id"] = group.id
                # Its weekly activity, and n people outside it asking to join.
                db.session.get(Event, self.world.ids["event_id"]).group_id = group.id
                requests = [
                    JoinRequest(group_id=group.id, user_id=p.id) for p in members[2 * n : 3 * n]
                ]
                db.session.add_all(requests)
                db.session.flush()
                self.world.ids["request_id"] = requests[0].id
                framed = group_service.save_honour(
                    group_service.HonourData(
                        competition="全国老年舞蹈大赛",
                        awarded_on=self.day0,
                        award="金奖",
                        group_id=group.id,
                    ),
                    actor=self.organizer,
                    folder=photo_folder(),
                    photo=PNG,
                )
                self.world.ids["honour_id"] = framed.id
        db.session.flush()

    def _entries(self, event: Event, people: list[User]) -> list[Registration]:
        return [
            registration_service.register(
                event, person, by=self.organizer, now=self.now, title=f"咏秋{i}", text="金风送爽"
            )
            for i, person in enumerate(people)
        ]

    def _contest(
        self, judge: User, owner: User, extra_judges: list[User], members: list[User]
    ) -> None:
        n, ids = self.n, self.world.ids
        event = self.event(
            self.venue("hall"),
            self.at(3, 14),
            hours=3,
            kind="poetry_contest",
            title="诗词大赛",
            mode="individual",
            weekdays=(self.day0.weekday(),),
            repeat_until=self.day0 + timedelta(days=7 * n + 3),
        )
        entries = self._entries(event, members[: 2 * n + 2])
        contest = contests.set_up_contest(
            event,
            contests.ContestSettings(
                criteria=POETRY,
                tiers=(
                    contests.TierData("一等奖", Decimal(7), quota=1),
                    contests.TierData("二等奖", Decimal(5), quota=n),
                    contests.TierData("三等奖", Decimal(3), quota=n),
                ),
            ),
            actor=self.organizer,
        )
        panel = [judge, owner, *extra_judges]
        contests.appoint_panel(contest, [j.id for j in panel], actor=self.organizer)
        criteria = list(contest.criteria)
        for j, person in enumerate(panel):
            for e, entry in enumerate(entries):
                if contests.is_excluded(person, entry):
                    continue
                marks = {c.id: str(5 + (e * 3 + j + k) % 15) for k, c in enumerate(criteria)}
                judging.save_sheet(contest, person, entry, marks, version=0, submit=True)
        results.publish(contest, actor=self.organizer)
        ids.update(contest_id=contest.id, contest_event_id=event.id, contest_entry_id=entries[0].id)
        # The judge sits on n more panels.
        for i in range(n):
            other = self.event(
                self.venue(), self.at(4, 9 + i), kind="knowledge_contest", title=f"知识竞赛{i}"
            )
            other_contest = contests.set_up_contest(
                other, contests.ContestSettings(criteria=POETRY[:1]), actor=self.organizer
            )
            contests.appoint_panel(other_contest, [judge.id], actor=self.organizer)

    def _skating(self, judge: User, extra_judges: list[User], members: list[User]) -> None:
        n, ids = self.n, self.world.ids
        event = self.event(
            self.venue("hall"),
            self.at(3, 19),
            kind="troupe_competition",
            title="国标舞决赛",
            mode="individual",
        )
        couples = self._entries(event, members[-(n + 3) :])
        dances = DANCES[: n + 1]
        contest = contests.set_up_contest(
            event,
            contests.ContestSettings(aggregation="skating", dances=dances),
            actor=self.organizer,
        )
        panel = [judge, *extra_judges]
        if len(panel) % 2 == 0:  # an odd panel: majorities are never split evenly
            panel.append(self.account("judge-extra", ("judge",)))
        contests.appoint_panel(contest, [j.id for j in panel], actor=self.organizer)
        for d, dance in enumerate(dances):
            for j, person in enumerate(panel):
                order = [(c + j + d) % len(couples) for c in range(len(couples))]
                places = {couple.id: str(order[c] + 1) for c, couple in enumerate(couples)}
                judging.save_placings(contest, person, dance, places, version=0, submit=True)
        results.publish(contest, actor=self.organizer)
        ids["skating_contest_id"] = contest.id

    def _tournaments(self, owner: User, members: list[User]) -> None:
        n, ids = self.n, self.world.ids
        court = self.venue("court")
        event = self.event(
            court, self.at(5, 7), hours=14, kind="ball_game", title="门球赛", mode="team"
        )
        tournament = tournament_service.create_tournament(
            event,
            tournament_service.TournamentSettings.for_sport("gateball"),
            actor=self.organizer,
        )
        teams = []
        # n+1 groups of n+3 teams.
        for t in range((n + 1) * (n + 3)):
            captain = owner if t == 0 else members[2 * t]
            registration = registration_service.register_team(
                event,
                captain,
                registration_service.TeamEntry(
                    team_name=f"门球{t + 1:02d}队", player_ids=(members[2 * t + 1].id,)
                ),
                by=self.organizer,
                now=self.now,
            )
            teams.append(registration.id)
        tournament_service.set_entries(
            tournament,
            {team: seed for seed, team in enumerate(teams, start=1)},
            actor=self.organizer,
        )
        for number in range(n + 1):
            tournament_service.add_court(tournament, f"{number + 1}号场", actor=self.organizer)
        tournament_service.make_draw(
            tournament, "groups_knockout", groups=n + 1, qualifiers=2, actor=self.organizer
        )
        tournament_service.make_schedule(tournament, actor=self.organizer)
        referee = tournament_service.appoint_referee(tournament, self.referee, actor=self.organizer)
        group_matches = [m for m in tournament_service.all_matches(tournament) if m.pool_id]
        # Every group match is played but one: that one is left for the result form.
        waiting = group_matches[0]
        for match in group_matches[1:]:
            a, b = (
                (10, 5) if teams.index(match.side_a_id) < teams.index(match.side_b_id) else (4, 9)
            )
            record_result(match, ResultInput(score_a=a, score_b=b), actor=self.organizer)
        ids.update(
            ball_event_id=event.id,
            tournament_id=tournament.id,
            team_registration_id=teams[0],
            pool_id=tournament.stages[0].pools[0].id,
            match_id=group_matches[1].id,
            open_match_id=waiting.id,
            court_id=tournament.courts[0].id,
            referee_id=referee.id,
        )
        self._singles(members)
        for i in range(n):
            other = self.event(
                court, self.at(6 + i, 9), hours=3, kind="ball_game", title=f"台球赛{i}"
            )
            tournament_service.create_tournament(
                other,
                tournament_service.TournamentSettings.for_sport("billiards"),
                actor=self.organizer,
            )
        # A bare ball-game event: the tournament set-up form.
        ids["bare_ball_event_id"] = self.event(
            court, self.at(6 + n, 9), hours=3, kind="ball_game", title="乒乓球赛"
        ).id

    def _singles(self, members: list[User]) -> None:
        """A table tennis singles round robin: players are shown by their own names."""
        n, ids = self.n, self.world.ids
        event = self.event(
            self.venue(),
            self.at(5, 9),
            hours=8,
            kind="ball_game",
            title="乒乓球单打",
            mode="individual",
        )
        players = [
            registration_service.register(event, person, by=self.organizer, now=self.now).id
            for person in members[: 2 * n + 2]
        ]
        tournament = tournament_service.create_tournament(
            event,
            tournament_service.TournamentSettings.for_sport("table_tennis", best_of=3),
            actor=self.organizer,
        )
        tournament_service.set_entries(
            tournament, {p: seed for seed, p in enumerate(players, start=1)}, actor=self.organizer
        )
        for number in range(n + 1):
            tournament_service.add_court(tournament, f"{number + 1}号台", actor=self.organizer)
        tournament_service.make_draw(tournament, "round_robin", actor=self.organizer)
        tournament_service.make_schedule(tournament, actor=self.organizer)
        tournament_service.appoint_referee(tournament, self.referee, actor=self.organizer)
        matches = tournament_service.all_matches(tournament)
        for match in matches[1:]:
            games = ((11, 7), (9, 11), (11, 8)) if match.id % 2 else ((7, 11), (11, 4), (5, 11))
            record_result(match, ResultInput(games=games), actor=self.organizer)
        ids.update(
            singles_id=tournament.id,
            singles_event_id=event.id,
            singles_player_id=players[0],
            singles_match_id=matches[1].id,
        )


def build_world(app: Flask, n: int) -> World:
    with app.app_context():
        world = _Builder(app, n).build()
        db.session.remove()
    return world


# ---- what is requested -----------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    key: str
    url: str
    asker: str
    # Ask once for the ETag, then count the conditional request (answered 304).
    conditional: bool = False


# Routes asked with other ids or by someone else than ACCESS suggests, so that the page itself
# is measured rather than a redirect (the owner is already registered, the tournament exists...).
# Each maps the id _url() reads (tests/web/test_authorization_matrix.py) to the one to use.
IDS: dict[str, dict[str, str]] = {
    "contests.skating": {"contest_id": "skating_contest_id"},
    "contests.placings": {"contest_id": "skating_contest_id"},
    "registrations.register_team": {"event_id": "team_event_id"},
    "tournaments.my_team": {"team_registration_id": "owner_team_id"},
    "tournaments.create": {"ball_event_id": "bare_ball_event_id"},
    "registrations.mine_detail": {"registration_id": "owner_team_id"},
}
ASKED_BY = {"registrations.register": "stranger", "registrations.register_team": "stranger"}
QUERY = {
    "public.venue_week": "week={day0}",  # the week of the world's events
    "printouts.programme": "week={day0}",
    # Attendance counts on the sittings' days: the first sitting's day, where the check-ins are.
    "registrations.statistics": "from={day0}&to={day0}",
    "registrations.statistics_export": "from={day0}&to={day0}",
}
# Variants of a route: (key suffix, endpoint, id overrides, asker, conditional request).
SINGLES = {
    "tournament_id": "singles_id",
    "team_registration_id": "singles_player_id",
    "match_id": "singles_match_id",
}
SKATING = {"contest_id": "skating_contest_id"}
VARIANTS: list[tuple[str, str, dict[str, str], str | None, bool]] = [
    ("signed in", "public.event_detail", {}, "owner", False),
    ("leader", "groups.detail", {}, "owner", False),
    ("contest", "public.event_detail", {"event_id": "contest_event_id"}, None, False),
    ("tournament", "calendar.contest_ics", {"contest_event_id": "ball_event_id"}, None, False),
    ("skating", "contests.judging_list", SKATING, None, False),
    ("skating", "contests.public_results", SKATING, None, False),
    ("skating", "contests.overview", SKATING, None, False),
    ("skating", "contests.scoreboard", SKATING, None, False),
    ("skating", "contests.panel", SKATING, None, False),
    *(
        ("singles", f"tournaments.{name}", SINGLES, None, False)
        for name in (
            "overview",
            "standings",
            "schedule",
            "screen",
            "team",
            "entries",
            "manage",
            "result",
            "move",
        )
    ),
    (
        "in a tournament",
        "tournaments.my_team",
        {"team_registration_id": "team_registration_id"},
        None,
        False,
    ),
    ("matrix", "contests.export", {}, None, False),
    ("rosters", "registrations.export", {"event_id": "team_event_id"}, None, False),
    ("attendance", "registrations.export", {}, None, False),
    ("304", "contests.scoreboard", {}, None, True),
    ("304", "calendar.event_ics", {}, None, True),
    ("304", "calendar.contest_ics", {}, None, True),
    ("304", "calendar.venue_ics", {}, None, True),
    ("304", "calendar.programme_ics", {}, None, True),
    ("304", "calendar.personal_ics", {}, None, True),
]
EXPORT_WHAT = {"matrix": "matrix", "rosters": "rosters", "attendance": "attendance"}
STATUS = {"GET /tournaments/my-team/<int:registration_id> (in a tournament)": 302}


def _rules(app: Flask) -> dict[str, Any]:
    """The GET rules by key ("GET /path/<int:id>")."""
    return {
        f"GET {rule.rule}": rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and "GET" in (rule.methods or ())
    }


def _address(rule: Any, world: World, ids: dict[str, str], suffix: str = "") -> str:
    values = dict(world.ids)
    for name, source in {**IDS.get(rule.endpoint, {}), **ids}.items():
        values[name] = world.ids[source]
    url = _url(rule, values)
    what = EXPORT_WHAT.get(suffix)
    if what is not None:
        url = url.replace("/results.csv", f"/{what}.csv").replace(
            "/registrants.csv", f"/{what}.csv"
        )
    query = QUERY.get(rule.endpoint)
    if query:
        url += "?" + query.format(**world.ids)
    return url


def visits(app: Flask, world: World) -> list[Visit]:
    """Every GET route once, then the variants."""
    rules = _rules(app)
    found = [
        Visit(
            key,
            _address(rule, world, {}),
            ASKED_BY.get(rule.endpoint, ASKER[ACCESS[rule.endpoint]]),
        )
        for key, rule in sorted(rules.items())
    ]
    by_endpoint = {rule.endpoint: (key, rule) for key, rule in rules.items()}
    for suffix, endpoint, ids, asker, conditional in VARIANTS:
        key, rule = by_endpoint[endpoint]
        variant = f"{key} ({suffix})"
        found.append(
            Visit(
                variant,
                _address(rule, world, ids, suffix),
                asker or ASKED_BY.get(endpoint, ASKER[ACCESS[endpoint]]),
                conditional=conditional,
            )
        )
    return found


# ---- measuring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    status: int
    statements: Statements
    size: int


def clients(app: Flask, world: World) -> dict[str, FlaskClient]:
    made = {"anonymous": app.test_client()}
    for role, login_name in world.logins.items():
        if role in ("organizer", "judge", "referee", "owner", "stranger"):
            made[role] = app.test_client()
            login(made[role], login_name)
    for client in made.values():
        client.get("/")  # every client's first page, before anything is counted
    return made


def measure(app: Flask, client: FlaskClient, visit: Visit) -> Measured:
    """Count one request, cold; a conditional one comes right after the answer whose ETag it
    sends, as a calendar app asks again (whatever the server kept from that answer, it uses)."""
    clear_caches(app)
    headers = {}
    if visit.conditional:
        etag = client.get(visit.url).headers.get("ETag")
        assert etag, f"{visit.key}: no ETag"
        headers["If-None-Match"] = etag
    with count_queries(app) as statements:
        response = client.get(visit.url, headers=headers)
    return Measured(response.status_code, statements, len(response.data))


# The test of the test: while measuring, this page also runs with a query per player patched
# in (each name read through its captain, one by one); the budget check must catch it.
LOOPED = "GET /tournaments/<int:tournament_id>/schedule (singles)"
WITH_LOOP = " [with a query per player]"


def _names_one_by_one(tournament: Tournament) -> dict[int, str]:
    rows = db.session.scalars(
        select(Registration).where(Registration.event_id == tournament.event_id)
    ).all()
    return {row.id: row.team_name or row.captain.name for row in rows}


def measure_world(app: Flask, n: int) -> dict[str, Measured]:
    """Build the world of size *n* and count every request in it."""
    _empty_tables(app)
    world = build_world(app, n)
    made = clients(app, world)
    planned = visits(app, world)
    measured = {visit.key: measure(app, made[visit.asker], visit) for visit in planned}
    looped = next(visit for visit in planned if visit.key == LOOPED)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tournament_service, "team_names", _names_one_by_one)
        measured[LOOPED + WITH_LOOP] = measure(app, made[looped.asker], looped)
    measured.update(measure_posts(app, world, made))
    return measured


# ---- the main forms --------------------------------------------------------------------------

# Each prepares its request outside the count (a CSRF token, an unpublished contest...) and
# returns who sends it, where and what. All succeed (302), in the order given.
Post = Callable[[Flask, World, dict[str, FlaskClient]], tuple[str, str, dict[str, Any]]]


def _token(made: dict[str, FlaskClient], asker: str, page: str) -> str:
    return csrf(made[asker], page)


def _register(app: Flask, world: World, made: dict[str, FlaskClient]) -> Any:
    url = f"/events/{world.ids['event_id']}/register"
    return "stranger", url, {"csrf_token": _token(made, "stranger", url), "title": "", "text": ""}


def _register_team(app: Flask, world: World, made: dict[str, FlaskClient]) -> Any:
    url = f"/events/{world.ids['team_event_id']}/teams/new"
    return (
        "stranger",
        url,
        {
            "csrf_token": _token(made, "stranger", url),
            "team_name": "新来的合唱团",
            "players": "\n".join(world.ids["free_member_logins"]),
        },
    )


def _score_sheet(app: Flask, world: World, made: dict[str, FlaskClient]) -> Any:
    """A judge corrects a submitted sheet (the results are withdrawn first)."""
    with app.app_context():
        contest = db.session.get(Contest, world.ids["contest_id"])
        organizer = db.session.scalar(select(User).where(User.login == world.logins["organizer"]))
        results.unpublish(contest, actor=organizer)
        db.session.commit()
        criteria = [c.id for c in contest.criteria]
    url = f"/judging/{world.ids['contest_id']}/entries/{world.ids['contest_entry_id']}"
    page = made["judge"].get(url).get_data(as_text=True)
    version = page.split('name="version"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    marks = {f"mark_{c}": "12" for c in criteria}
    return (
        "judge",
        url,
        {"csrf_token": csrf_from(page), "version": version, "action": "submit", **marks},
    )


def _match_result(app: Flask, world: World, made: dict[str, FlaskClient]) -> Any:
    """The referee enters the last result of group A: its table is final, the bracket fills."""
    match_id = world.ids["open_match_id"]
    with app.app_context():
        version = db.session.get(TournamentMatch, match_id).version
    url = f"/tournaments/matches/{match_id}/result"
    return (
        "referee",
        url,
        {
            "csrf_token": _token(made, "referee", url),
            "outcome": "played",
            "version": str(version),
            "score_a": "11",
            "score_b": "6",
        },
    )


def _new_weekly_event(app: Flask, world: World, made: dict[str, FlaskClient]) -> Any:
    """A weekly event with four sittings a week for 2n weeks, in the busiest room."""
    start = local_today() + timedelta(days=2)
    url = "/manage/events/new"
    return (
        "organizer",
        url,
        {
            "csrf_token": _token(made, "organizer", url),
            "title": "早操",
            "kind": "activity",
            "venue_id": str(world.ids["venue_id"]),
            "starts_at": f"{start.isoformat()}T06:00",
            "ends_at": f"{start.isoformat()}T07:00",
            "weekdays": ["0", "2", "4", "6"],
            "repeat_until": (start + timedelta(days=14 * world.n)).isoformat(),
            "registration_mode": "none",
            "capacity_counts": "people",
        },
    )


def _check_in(app: Flask, world: World, made: dict[str, FlaskClient]) -> Any:
    with app.app_context():
        person = db.session.scalars(
            select(Registration.captain_id)
            .where(
                Registration.event_id == world.ids["event_id"],
                Registration.status == "confirmed",
            )
            .order_by(Registration.id.desc())
        ).first()
    url = f"/manage/events/{world.ids['event_id']}/checkin"
    return (
        "organizer",
        url,
        {
            "csrf_token": _token(made, "organizer", url),
            "user_id": str(person),
            "sitting": str(world.ids["occurrence_id"]),
        },
    )


def _undo_check_in(app: Flask, world: World, made: dict[str, FlaskClient]) -> Any:
    """Staff take back the latest check-in of the weekly event (a mistaken one)."""
    with app.app_context():
        attendance_id = db.session.scalars(
            select(Attendance.id)
            .where(Attendance.event_id == world.ids["event_id"])
            .order_by(Attendance.id.desc())
        ).first()
    url = f"/manage/events/{world.ids['event_id']}/checkin"
    return (
        "organizer",
        f"{url}/undo",
        {"csrf_token": _token(made, "organizer", url), "attendance_id": str(attendance_id)},
    )


def _scan_team(app: Flask, world: World, made: dict[str, FlaskClient]) -> Any:
    """Staff scan a team's code: the whole roster is checked in."""
    token = URLSafeSerializer(app.config["SECRET_KEY"], salt="eventsys-checkin").dumps(
        world.ids["owner_team_id"]
    )
    url = f"/checkin/{token}"
    return "organizer", url, {"csrf_token": _token(made, "organizer", url)}


def _cancel(app: Flask, world: World, made: dict[str, FlaskClient]) -> Any:
    """The owner gives up their place; the first on the waiting list gets it."""
    url = f"/registrations/{world.ids['registration_id']}/cancel"
    return "owner", url, {"csrf_token": _token(made, "owner", url)}


def _confirm_import(app: Flask, world: World, made: dict[str, FlaskClient]) -> Any:
    """The desk confirms the member list's preview: every member renamed, one new."""
    url = f"/manage/people/import/{world.ids['upload']}"
    page = made["organizer"].get(url).get_data(as_text=True)
    fingerprint = page.split('name="fingerprint"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    return (
        "organizer",
        f"{url}/confirm",
        {"csrf_token": csrf_from(page), "fingerprint": fingerprint},
    )


POSTS: dict[str, Post] = {
    "POST /events/<int:event_id>/register": _register,
    "POST /events/<int:event_id>/teams/new": _register_team,
    "POST /judging/<int:contest_id>/entries/<int:registration_id>": _score_sheet,
    "POST /tournaments/matches/<int:match_id>/result": _match_result,
    "POST /manage/events/new": _new_weekly_event,
    "POST /manage/events/<int:event_id>/checkin": _check_in,
    "POST /checkin/<token>": _scan_team,
    "POST /manage/events/<int:event_id>/checkin/undo": _undo_check_in,
    "POST /registrations/<int:registration_id>/cancel": _cancel,
    "POST /manage/people/import/<upload>/confirm": _confirm_import,
}


def _whole_roster_present(app: Flask, world: World) -> None:
    team = world.ids["owner_team_id"]
    with app.app_context():
        roster = db.session.scalars(
            select(RegistrationMember.user_id).where(RegistrationMember.registration_id == team)
        ).all()
        present = db.session.scalars(
            select(Attendance.user_id).where(Attendance.registration_id == team)
        ).all()
    assert sorted(present) == sorted(roster) and len(roster) == world.n + 2


# What must be true after a form, besides its answer (302).
AFTER: dict[str, Callable[[Flask, World], None]] = {"POST /checkin/<token>": _whole_roster_present}


def measure_posts(app: Flask, world: World, made: dict[str, FlaskClient]) -> dict[str, Measured]:
    measured = {}
    for key, prepare in POSTS.items():
        asker, url, data = prepare(app, world, made)
        clear_caches(app)
        with count_queries(app) as statements:
            response = made[asker].post(url, data=data)
        measured[key] = Measured(response.status_code, statements, len(response.data))
        if response.status_code == 302 and key in AFTER:
            AFTER[key](app, world)
    return measured


# ---- the tests -------------------------------------------------------------------------------


def expected_keys(app: Flask) -> set[str]:
    """Every request this file makes: each GET route, its variants and the main forms."""
    rules = _rules(app)
    by_endpoint = {rule.endpoint: key for key, rule in rules.items()}
    variants = {f"{by_endpoint[endpoint]} ({suffix})" for suffix, endpoint, *_ in VARIANTS}
    return set(rules) | variants | set(POSTS)


def expected_status(key: str) -> int:
    if key.startswith("POST "):
        return 302
    if key.endswith("(304)"):
        return 304
    return STATUS.get(key, 200)


Pairs = dict[str, tuple[Measured, Measured]]


def budget_problems(measured: Pairs, budget: dict[str, int]) -> list[str]:
    """What breaks the budget: a wrong answer, a count that grows with the data, or one above
    its constant. Each problem comes with the big world's statements, repeated ones first."""
    problems = []
    for key, limit in sorted(budget.items()):
        small, big = measured[key]
        expected = expected_status(key)
        if (small.status, big.status) != (expected, expected):
            problems.append(f"{key}: answered {small.status}/{big.status}, not {expected}")
        elif len(small.statements) != len(big.statements):
            problems.append(
                f"{key}: {len(small.statements)} statements in the small world, "
                f"{len(big.statements)} in the big one (a query per row?)\n"
                + big.statements.listing()
            )
        elif len(big.statements) > limit:
            problems.append(
                f"{key}: {len(big.statements)} statements, budget {limit}\n"
                + big.statements.listing()
            )
    return problems


@pytest.fixture(scope="module")
def measured(backend_app: Flask) -> Iterator[Pairs]:
    """Every request counted in the small and in the big world, once per database."""
    small = measure_world(backend_app, SMALL)
    big = measure_world(backend_app, BIG)
    yield {key: (small[key], big[key]) for key in small}
    _empty_tables(backend_app)


def test_every_route_and_main_form_has_a_budget(app: Flask) -> None:
    keys = expected_keys(app)
    assert sorted(keys - BUDGET.keys() - KNOWN_GROWTH.keys()) == [], "give these a BUDGET"
    assert sorted((BUDGET.keys() | KNOWN_GROWTH.keys()) - keys) == [], "no longer requested"
    assert sorted(BUDGET.keys() & KNOWN_GROWTH.keys()) == []
    assert sorted(SAME_SIZE - keys) == []


def test_no_page_feed_or_form_runs_more_statements_with_more_data(measured: Pairs) -> None:
    problems = budget_problems(measured, BUDGET)
    assert problems == [], "\n\n".join(problems)


def test_the_big_world_has_more_of_what_each_page_shows(measured: Pairs) -> None:
    """Otherwise comparing the two worlds would prove nothing for that page."""
    same = sorted(
        f"{key}: {small.size} bytes, then {big.size}"
        for key, (small, big) in measured.items()
        if key.startswith("GET ")
        and not key.endswith(WITH_LOOP)
        and key not in SAME_SIZE
        and big.size <= small.size
    )
    assert same == []


def test_known_growth_still_grows_and_no_faster(measured: Pairs) -> None:
    """A route fixed elsewhere must move to BUDGET; one that got worse must be looked at."""
    wrong = []
    for key, (small_count, big_count) in sorted(KNOWN_GROWTH.items()):
        small, big = (len(m.statements) for m in measured[key])
        if big <= small:
            wrong.append(f"{key}: no longer grows ({small}, {big}): move it to BUDGET")
        elif small > small_count or big > big_count:
            wrong.append(f"{key}: grows more than recorded: ({small}, {big})")
    assert wrong == []


def test_the_budget_catches_a_query_per_row(measured: Pairs) -> None:
    """The schedule with each player's name read one by one is refused, its loop shown."""
    assert budget_problems({LOOPED: measured[LOOPED]}, {LOOPED: BUDGET[LOOPED]}) == []
    problems = budget_problems({LOOPED: measured[LOOPED + WITH_LOOP]}, {LOOPED: BUDGET[LOOPED]})
    assert len(problems) == 1
    assert "in the small world" in problems[0], problems[0]
    assert "x SELECT … FROM user_account WHERE user_account.id = " in problems[0], problems[0]
