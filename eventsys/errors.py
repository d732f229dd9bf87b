"""Refusals a user can act on. Anything else that is raised is a bug."""

from __future__ import annotations


class EventsysError(Exception):
    """A refusal whose message (already translated) tells the user what to do."""

    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field


class NotFound(EventsysError):
    """The thing asked for does not exist (or is not visible to this user)."""


class Forbidden(EventsysError):
    """The user may not do this."""


class Clash(EventsysError):
    """A booking overlaps another booking of the same venue."""

    field = "starts_at"


class Conflict(EventsysError):
    """The data changed underneath the user, or a unique value is taken."""


class TooManyAttempts(EventsysError):
    """A limit on attempts (sign-in, sign-up) is reached: wait, or call the centre."""
