"""Join requests, registering a group's members for its event, and honours (services.groups)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from eventsys.errors import Conflict, EventsysError, Forbidden
from eventsys.extensions import db
from eventsys.models import Event, Group, GroupMember, JoinRequest, Notice, Registration, User
from eventsys.services import groups as group_service
from eventsys.services import places
from eventsys.services import registrations as registration_service
from eventsys.services.groups import queries
from eventsys.timeutil import utcnow
from tests.domain.test_group_rules import JPEG, PNG


@dataclass
class GroupWorld:
    staff: User
    leader: User
    members: list[User]
    outsider: User
    group: Group
    other_group: Group


@pytest.fixture
def world(ctx: Flask, make_user: Callable[..., int]) -> GroupWorld:
    staff = db.session.get(User, make_user(roles=("organizer",)))
    leader = db.session.get(User, make_user(name="王诗韵"))
    members = [db.session.get(User, make_user(name=f"会员{i}")) for i in range(3)]
    outsider = db.session.get(User, make_user(name="李外"))
    other_leader = db.session.get(User, make_user(name="赵别组"))
    group = places.save_group(
        places.GroupData(name="晓月诗社", kind="society", leader_id=leader.id), actor=staff
    )
    for person in members:
        places.add_member(group, person, actor=staff)
    other = places.save_group(
        places.GroupData(name="金秋艺术团", kind="troupe", leader_id=other_leader.id), actor=staff
    )
    db.session.commit()
    return GroupWorld(staff, leader, members, outsider, group, other)


def test_a_member_asks_once_and_the_leader_accepts(world: GroupWorld) -> None:
    now = utcnow()
    request = group_service.ask_to_join(world.group, world.outsider, now=now)
    with pytest.raises(Conflict, match="already asked"):
        group_service.ask_to_join(world.group, world.outsider, now=now)
    group_service.answer_request(world.group, request.id, "accept", by=world.leader, now=now)
    db.session.commit()
    assert db.session.get(GroupMember, (world.group.id, world.outsider.id)) is not None
    notice = db.session.scalars(select(Notice).where(Notice.user_id == world.outsider.id)).one()
    assert (notice.kind, notice.group_id) == ("group_join_accepted", world.group.id)
    with pytest.raises(Conflict, match="already been answered"):
        group_service.answer_request(world.group, request.id, "refuse", by=world.staff, now=now)
    with pytest.raises(Conflict, match="already a member"):
        group_service.ask_to_join(world.group, world.outsider, now=now)


def test_a_refused_member_is_told_and_may_ask_again(world: GroupWorld) -> None:
    now = utcnow()
    first = group_service.ask_to_join(world.group, world.outsider, now=now)
    group_service.answer_request(world.group, first.id, "refuse", by=world.staff, now=now)
    again = group_service.ask_to_join(world.group, world.outsider, now=now)
    db.session.commit()
    assert db.session.get(GroupMember, (world.group.id, world.outsider.id)) is None
    kinds = db.session.scalars(select(Notice.kind).where(Notice.user_id == world.outsider.id))
    assert list(kinds) == ["group_join_refused"]
    assert [r.id for r in queries.pending_requests(world.group)] == [again.id]


def test_another_groups_leader_and_a_member_may_not_answer(world: GroupWorld) -> None:
    request = group_service.ask_to_join(world.group, world.outsider, now=utcnow())
    db.session.commit()
    other_leader = world.other_group.leader
    for person in (other_leader, world.members[0]):
        with pytest.raises(Forbidden):
            group_service.answer_request(world.group, request.id, "accept", by=person, now=utcnow())
    # A request of one group is not answered through another group's address either.
    with pytest.raises(EventsysError, match="does not exist"):
        group_service.answer_request(
            world.other_group, request.id, "accept", by=other_leader, now=utcnow()
        )
    assert db.session.get(JoinRequest, request.id).status == "pending"


def _group_event(make_event: Callable[..., int], group: Group, capacity: int) -> Event:
    event = db.session.get(Event, make_event(start=utcnow() + timedelta(days=5)))
    event.group_id, event.registration_mode, event.capacity = group.id, "individual", capacity
    db.session.commit()
    return event


def test_the_leader_registers_the_members_and_places_are_not_oversold(
    world: GroupWorld, make_event: Callable[..., int]
) -> None:
    event = _group_event(make_event, world.group, capacity=2)
    first = world.members[0]
    registration_service.register(event, first, by=first, now=utcnow())
    db.session.commit()
    everyone = [world.leader.id, *(m.id for m in world.members)]
    outcomes = group_service.register_members(
        world.group, event, everyone, by=world.leader, now=utcnow()
    )
    db.session.commit()
    by_name = {o.name: o for o in outcomes}
    assert by_name[first.name].status == "refused"
    assert "already registered" in by_name[first.name].reason
    assert sorted(o.status for o in outcomes) == ["confirmed", "refused", "waiting", "waiting"]
    statuses = db.session.scalars(
        select(Registration.status).where(Registration.event_id == event.id)
    ).all()
    assert sorted(statuses) == ["confirmed", "confirmed", "waiting", "waiting"]
    registered_by = db.session.scalars(
        select(Registration.registered_by_id).where(Registration.captain_id != first.id)
    ).all()
    assert set(registered_by) == {world.leader.id}


def test_only_members_for_the_groups_own_event_by_its_leader_or_staff(
    world: GroupWorld, make_event: Callable[..., int]
) -> None:
    event = _group_event(make_event, world.group, capacity=10)
    other_event = _group_event(make_event, world.other_group, capacity=10)
    ids = [m.id for m in world.members]
    with pytest.raises(Forbidden):
        group_service.register_members(
            world.group, event, ids, by=world.other_group.leader, now=utcnow()
        )
    with pytest.raises(EventsysError, match="not one of the group's"):
        group_service.register_members(world.group, other_event, ids, by=world.staff, now=utcnow())
    with pytest.raises(EventsysError, match="members of this group"):
        group_service.register_members(
            world.group, event, [*ids, world.outsider.id], by=world.staff, now=utcnow()
        )
    outcomes = group_service.register_members(world.group, event, ids, by=world.staff, now=utcnow())
    assert [o.status for o in outcomes] == ["confirmed"] * 3


def test_an_honour_keeps_its_photo_under_a_random_name(world: GroupWorld, tmp_path: Path) -> None:
    data = group_service.HonourData(
        competition="“喜迎十九大 诗歌抒情怀”原创诗歌作品征集",
        awarded_on=date(2017, 10, 10),
        award="一等奖",
        organiser="北京市委老干部局",
        group_id=world.group.id,
    )
    honour = group_service.save_honour(data, actor=world.staff, folder=tmp_path, photo=PNG)
    db.session.commit()
    assert honour.photo_type == "image/png"
    assert honour.photo.endswith(".png") and len(honour.photo) == 36
    assert (tmp_path / honour.photo).read_bytes() == PNG
    assert honour.shown_winner == "晓月诗社"
    old = honour.photo
    group_service.save_honour(data, actor=world.staff, folder=tmp_path, honour=honour, photo=JPEG)
    db.session.commit()
    assert honour.photo.endswith(".jpg") and not (tmp_path / old).exists()
    with pytest.raises(EventsysError, match="JPEG or PNG") as refused:
        group_service.save_honour(data, actor=world.staff, folder=tmp_path, photo=b"<svg/>")
    assert refused.value.field == "photo"
    db.session.rollback()
    group_service.delete_honour(honour, actor=world.staff, folder=tmp_path)
    db.session.commit()
    assert list(tmp_path.iterdir()) == []


def test_honours_are_filtered_by_year_and_group_and_exported(
    world: GroupWorld, tmp_path: Path
) -> None:
    def add(award: str, day: date, group: Group | None, winner: str = "") -> None:
        group_service.save_honour(
            group_service.HonourData(
                competition="比赛",
                awarded_on=day,
                award=award,
                winner=winner,
                group_id=group.id if group else None,
            ),
            actor=world.staff,
            folder=tmp_path,
        )

    add("一等奖", date(2017, 10, 1), world.group, winner="王诗韵")
    add("金奖", date(2018, 5, 1), world.other_group)
    add("优秀奖", date(2018, 9, 1), None, winner="门球一队")
    db.session.commit()
    with pytest.raises(EventsysError, match="who won"):
        add("三等奖", date(2018, 9, 1), None)
    db.session.rollback()
    by_year = queries.honours(queries.HonourFilter(year=2018))
    assert [h.award for h in by_year] == ["优秀奖", "金奖"]
    by_group = queries.honours(queries.HonourFilter(group_id=world.group.id))
    assert [h.shown_winner for h in by_group] == ["王诗韵"]
    assert queries.board(queries.HonourFilter()).years == [2018, 2017]
    header, rows = queries.honours_table(queries.HonourFilter(year=2017))
    assert header[:2] == ["Date", "Winner"]
    assert rows == [["2017-10-01", "王诗韵", "晓月诗社", "比赛", "", "一等奖"]]
