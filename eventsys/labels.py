"""Translated labels for the stored codes (kinds, statuses, roles)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

EVENT_KIND_LABELS = {
    "performance": _l("Performance"),
    "ball_game": _l("Ball game"),
    "poetry_contest": _l("Poetry contest"),
    "troupe_competition": _l("Art-troupe competition"),
    "lecture": _l("Lecture"),
    "exhibition": _l("Exhibition"),
    "health_clinic": _l("Health clinic"),
    "knowledge_contest": _l("Knowledge contest"),
    "activity": _l("Regular activity"),
    "other": _l("Other"),
}
STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published"), "cancelled": _l("Cancelled")}
GROUP_KIND_LABELS = {
    "interest_group": _l("Interest group"),
    "society": _l("Society"),
    "troupe": _l("Troupe"),
    "team": _l("Team"),
}
VENUE_KIND_LABELS = {
    "room": _l("Room"),
    "hall": _l("Hall"),
    "court": _l("Court"),
    "outdoor": _l("Outdoor"),
}
REGISTRATION_MODE_LABELS = {
    "none": _l("No registration: people just come"),
    "individual": _l("Each person registers"),
    "team": _l("Teams or troupes enter"),
}
CAPACITY_COUNT_LABELS = {"people": _l("people"), "entries": _l("entries (teams)")}
REGISTRATION_STATUS_LABELS = {
    "pending": _l("Awaiting approval"),
    "confirmed": _l("Confirmed"),
    "waiting": _l("On the waiting list"),
    "cancelled": _l("Cancelled"),
    "rejected": _l("Not accepted"),
    # Shown for a live registration whose event was cancelled (Registration.shown_status).
    "event_cancelled": _l("Cancelled"),
}
MEMBER_ROLE_LABELS = {
    "captain": _l("Captain"),
    "player": _l("Player"),
    "substitute": _l("Substitute"),
    "performer": _l("Performer"),
}
ROLE_LABELS = {"organizer": _l("Organizer"), "judge": _l("Judge"), "participant": _l("Participant")}


def event_kind_label(kind: str) -> str:
    return str(EVENT_KIND_LABELS.get(kind, kind))


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def group_kind_label(kind: str) -> str:
    return str(GROUP_KIND_LABELS.get(kind, kind))


def venue_kind_label(kind: str) -> str:
    return str(VENUE_KIND_LABELS.get(kind, kind))


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def registration_status_label(status: str) -> str:
    return str(REGISTRATION_STATUS_LABELS.get(status, status))


def member_role_label(role: str) -> str:
    return str(MEMBER_ROLE_LABELS.get(role, role))


# Skating System finals: the rule that broke a tie on the totals (domain.skating's
# tie_broken_by), in words a member reads on the results card.
SKATING_TIE_LABELS = {
    "R10": _l(
        "Tie decided by Rule 10 (majority of places: more dances placed this well or better)"
    ),
    "R11": _l("Tie decided by Rule 11 (all judges' marks of all dances counted together)"),
}


def skating_tie_label(rule: str) -> str:
    return str(SKATING_TIE_LABELS.get(rule, rule))
