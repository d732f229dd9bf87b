"""The database models, one module per aggregate."""

from eventsys.models.audit import AuditRecord
from eventsys.models.events import EVENT_KINDS, EVENT_STATUSES, Event, Occurrence
from eventsys.models.organisations import GROUP_KINDS, Group, GroupMember, Organisation
from eventsys.models.users import ROLES, LoginFailure, User
from eventsys.models.venues import VENUE_KINDS, Venue

__all__ = [
    "EVENT_KINDS",
    "EVENT_STATUSES",
    "GROUP_KINDS",
    "ROLES",
    "VENUE_KINDS",
    "AuditRecord",
    "Event",
    "Group",
    "GroupMember",
    "LoginFailure",
    "Occurrence",
    "Organisation",
    "User",
    "Venue",
]
