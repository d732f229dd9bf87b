"""Organisations, groups and venues."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy import func, select

from eventsys.errors import Conflict, EventsysError, NotFound
from eventsys.extensions import db
from eventsys.models import GROUP_KINDS, Group, GroupMember, Organisation, User, Venue
from eventsys.services import audit

VENUE_FIELDS = ("name", "kind", "capacity", "location", "description", "active")
GROUP_FIELDS = ("name", "kind", "description", "organisation_id", "leader_id")
T = TypeVar("T", Venue, Group)


def _name_taken(
    model: type[Organisation | Group | Venue], name: str, exclude_id: int | None
) -> bool:
    query = select(model.id).where(func.lower(model.name) == name.lower())
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return db.session.scalar(query) is not None


@dataclass(frozen=True)
class VenueData:
    name: str
    kind: str
    capacity: int
    location: str = ""
    description: str = ""
    active: bool = True


def save_venue(data: VenueData, *, actor: User, venue: Venue | None = None) -> Venue:
    """Create a venue, or update *venue*, refusing a name another venue already has."""
    if data.capacity < 0:
        raise EventsysError(_("Capacity cannot be below zero."), field="capacity")
    if _name_taken(Venue, data.name, venue.id if venue else None):
        raise Conflict(_("Another venue already has this name."), field="name")
    venue, before = _upsert(Venue, venue, data, VENUE_FIELDS)
    audit.record_change(actor, "venue.save", "venue", venue, VENUE_FIELDS, before=before)
    return venue


def _upsert(model: type[T], obj: T | None, data: object, fields: tuple[str, ...]) -> tuple[T, Any]:
    """Create *obj* (a *model*) if it is None, copy *fields* from *data* onto it and flush;
    return it with its audit snapshot from before (None for a new one)."""
    before = audit.snapshot(obj, fields) if obj is not None else None
    if obj is None:
        obj = model()
        db.session.add(obj)
    for name in fields:
        setattr(obj, name, getattr(data, name))
    db.session.flush()
    return obj, before


def save_organisation(
    name: str, parent_id: int | None, *, actor: User, organisation: Organisation | None = None
) -> Organisation:
    """Create or rename an organisation, keeping the tree free of loops."""
    if _name_taken(Organisation, name, organisation.id if organisation else None):
        raise Conflict(_("Another organisation already has this name."), field="name")
    if parent_id is not None:
        parent = db.session.get(Organisation, parent_id)
        if parent is None:
            raise NotFound(_("Choose a parent organisation from the list."), field="parent_id")
        if organisation is not None:
            ancestor: Organisation | None = parent
            while ancestor is not None:
                if ancestor.id == organisation.id:
                    raise EventsysError(
                        _("An organisation cannot be placed under itself or its own units."),
                        field="parent_id",
                    )
                ancestor = ancestor.parent
    before = (
        {"name": organisation.name, "parent_id": organisation.parent_id} if organisation else None
    )
    if organisation is None:
        organisation = Organisation()
        db.session.add(organisation)
    organisation.name = name
    organisation.parent_id = parent_id
    db.session.flush()
    audit.record(
        actor,
        "organisation.save",
        "organisation",
        organisation.id,
        before=before,
        after={"name": name, "parent_id": parent_id},
    )
    return organisation


@dataclass(frozen=True)
class GroupData:
    name: str
    kind: str
    description: str = ""
    organisation_id: int | None = None
    leader_id: int | None = None


def save_group(data: GroupData, *, actor: User, group: Group | None = None) -> Group:
    """Create or update a group; its leader becomes a member."""
    if data.kind not in GROUP_KINDS:
        raise EventsysError(_("Choose a kind of group from the list."), field="kind")
    if _name_taken(Group, data.name, group.id if group else None):
        raise Conflict(_("Another group already has this name."), field="name")
    if (
        data.organisation_id is not None
        and db.session.get(Organisation, data.organisation_id) is None
    ):
        raise NotFound(_("Choose an organisation from the list."), field="organisation_id")
    if data.leader_id is not None and db.session.get(User, data.leader_id) is None:
        raise NotFound(_("Choose a leader from the list."), field="leader_id")
    group, before = _upsert(Group, group, data, GROUP_FIELDS)
    if data.leader_id is not None:
        _ensure_member(group, data.leader_id)
    audit.record_change(actor, "group.save", "group", group, GROUP_FIELDS, before=before)
    return group


def _ensure_member(group: Group, user_id: int) -> None:
    if db.session.get(GroupMember, (group.id, user_id)) is None:
        db.session.add(GroupMember(group_id=group.id, user_id=user_id))
        db.session.flush()


def find_person(login_or_phone: str) -> User:
    """Find a member by login name or phone number, or refuse with a message."""
    from eventsys.services.accounts import find_by_login_or_phone

    user = find_by_login_or_phone(login_or_phone)
    if user is None:
        raise NotFound(_("No member has this login name or phone number."), field="person")
    return user


def add_member(group: Group, person: User, *, actor: User) -> None:
    """Add *person* to *group* (adding them twice is refused)."""
    if db.session.get(GroupMember, (group.id, person.id)) is not None:
        raise Conflict(_("%(name)s is already a member.", name=person.name), field="person")
    _ensure_member(group, person.id)
    audit.record(actor, "group.member.add", "group", group.id, after={"user_id": person.id})


def remove_member(group: Group, user_id: int, *, actor: User) -> None:
    """Remove a member from a group; the leader must be replaced first."""
    membership = db.session.get(GroupMember, (group.id, user_id))
    if membership is None:
        raise NotFound(_("This person is not a member of the group."))
    if group.leader_id == user_id:
        raise EventsysError(_("Choose another leader before removing this member."))
    db.session.delete(membership)
    audit.record(actor, "group.member.remove", "group", group.id, before={"user_id": user_id})
    db.session.flush()
