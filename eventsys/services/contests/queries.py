"""The one rule of who may see a contest's public pages."""

from __future__ import annotations

from eventsys.models import User
from eventsys.models.contests import Contest
from eventsys.services.events.queries import is_staff


def may_see_contest(contest: Contest, viewer: User | None) -> bool:
    """The one rule for a contest's results, scoreboard, Skating page and streams: a published
    event's contest is public; any other only organizers see. (Whether its results are out
    yet is the contest's own publishing, asked separately.)"""
    return contest.event.status == "published" or is_staff(viewer)
