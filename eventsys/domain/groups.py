"""Interest groups: who may ask to join, how a join request is answered, who may answer it,
and what an uploaded certificate photo is.

Plain values in, plain values out: nothing here knows about requests, tables or the clock.
Worked examples are in tests/domain/test_group_rules.py."""

from __future__ import annotations

PENDING = "pending"
ACCEPTED = "accepted"
REFUSED = "refused"
# The answer a leader or staff give (the button pressed) -> the request's new status.
ANSWERS = {"accept": ACCEPTED, "refuse": REFUSED}


class JoinRefused(Exception):
    """A join request that cannot be made or answered; *code* says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def check_ask(*, is_member: bool, has_pending: bool) -> None:
    """Refuse a request to join from a member ("member") or from someone whose earlier
    request still waits ("pending"): one pending request per member and group."""
    if is_member:
        raise JoinRefused("member")
    if has_pending:
        raise JoinRefused("pending")


def answer(status: str, given: str) -> str:
    """The new status of a request in *status* answered *given* ("accept" or "refuse").

    Only a pending request is answered, once: an answer to an accepted or refused request
    (a second press, a second tab) is refused ("answered")."""
    if given not in ANSWERS:
        raise JoinRefused("unknown_answer")
    if status != PENDING:
        raise JoinRefused("answered")
    return ANSWERS[given]


def may_lead(*, person_id: int, is_staff: bool, leader_id: int | None) -> bool:
    """Tell whether *person_id* may answer requests and register the members of a group led
    by *leader_id*: staff, or that group's own leader (a leader of another group may not)."""
    return is_staff or (leader_id is not None and leader_id == person_id)


# ---- certificate photos -----------------------------------------------------------------------

# Recognised by their first bytes (the file's own signature, never its name or the browser's
# word): type -> (signature at offset 0, extension).
_SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff", ".jpg"),
    "image/png": (b"\x89PNG\r\n\x1a\n", ".png"),
}


def image_type(body: bytes) -> str | None:
    """The content type of *body* if it is a JPEG or PNG image by its signature, else None.

    A PNG must also begin with its header chunk (IHDR) and a JPEG's start be followed by a
    segment marker (FF C0..FE), so a file merely starting with the right bytes is refused. (The
    end of a JPEG is not asked for: phones append their own data after it.) Without Pillow
    nothing more is checked: the photo is served as an image, never run or shown as a page."""
    if body.startswith(_SIGNATURES["image/png"][0]):
        return "image/png" if body[12:16] == b"IHDR" else None
    if body.startswith(_SIGNATURES["image/jpeg"][0]):
        return "image/jpeg" if len(body) > 3 and 0xC0 <= body[3] <= 0xFE else None
    return None


def extension(content_type: str) -> str:
    """The file extension a stored photo of *content_type* gets."""
    return _SIGNATURES[content_type][1]
