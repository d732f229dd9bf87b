"""The database models, one module per aggregate."""

from eventsys.models import contests as _contests  # noqa: F401  (tables of judged contests)
from eventsys.models import imports as _imports  # noqa: F401  (member import uploads)
from eventsys.models import notices as _notices  # noqa: F401  (outbound messages)
from eventsys.models import tournaments as _tournaments  # noqa: F401  (tables of tournaments)
from eventsys.models import versions as _versions  # noqa: F401  (aggregate versions)
from eventsys.models.audit import AuditRecord
from eventsys.models.events import (
    CAPACITY_COUNTS,
    EVENT_KINDS,
    EVENT_STATUSES,
    REGISTRATION_MODES,
    Event,
    Occurrence,
)
from eventsys.models.groups import (
    GROUP_KINDS,
    JOIN_REQUEST_STATUSES,
    Group,
    GroupMember,
    Honour,
    JoinRequest,
)
from eventsys.models.organisations import Organisation
from eventsys.models.registrations import (
    ACTIVE_STATUSES,
    MEMBER_ROLES,
    REGISTRATION_STATUSES,
    Attendance,
    Notice,
    Registration,
    RegistrationMember,
    TeamInvitation,
)
from eventsys.models.users import (
    ROLES,
    LoginSession,
    LoginThrottle,
    PasswordResetCode,
    SignupRefusal,
    User,
)
from eventsys.models.venues import VENUE_KINDS, Venue

__all__ = [
    "ACTIVE_STATUSES",
    "CAPACITY_COUNTS",
    "EVENT_KINDS",
    "EVENT_STATUSES",
    "GROUP_KINDS",
    "JOIN_REQUEST_STATUSES",
    "MEMBER_ROLES",
    "REGISTRATION_MODES",
    "REGISTRATION_STATUSES",
    "ROLES",
    "VENUE_KINDS",
    "Attendance",
    "AuditRecord",
    "Event",
    "Group",
    "GroupMember",
    "Honour",
    "JoinRequest",
    "LoginSession",
    "LoginThrottle",
    "Notice",
    "Occurrence",
    "Organisation",
    "PasswordResetCode",
    "Registration",
    "RegistrationMember",
    "SignupRefusal",
    "TeamInvitation",
    "User",
    "Venue",
]
