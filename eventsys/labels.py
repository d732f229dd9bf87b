"""Translated labels for the stored codes (kinds, statuses, roles)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

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


# ---- tournaments: what a side and a playing place are called, by sport and entry kind ----


class TournamentLabels:
    """The words for a tournament's sides (players or teams) and playing places (tables, courts)."""

    def __init__(self, sport: str, entry_kind: str) -> None:
        self.sport = sport
        self.singles = entry_kind != "team"

    @property
    def entrant(self) -> str:
        if self.singles:
            return pgettext("tournament singles", "Player")
        return pgettext("tournament teams", "Team")

    @property
    def entrants(self) -> str:
        if self.singles:
            return pgettext("tournament singles", "Players")
        return pgettext("tournament teams", "Teams")

    @property
    def place(self) -> str:
        if self.sport == "table_tennis":
            return pgettext("table tennis", "Table")
        if self.sport == "billiards":
            return pgettext("billiards", "Table")
        if self.sport == "gateball":
            return pgettext("gateball", "Court")
        return pgettext("tournament", "Court")


def tournament_labels(sport: str, entry_kind: str) -> TournamentLabels:
    """Return the words for *sport* with *entry_kind* entries ("individual" or "team")."""
    return TournamentLabels(sport, entry_kind)
