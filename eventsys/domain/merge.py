"""Merging two records of one person: what moves from the duplicate to the kept record, and
what wins where both records hold the same thing.

Plain values in, plain values out: the caller loads both people's roster places, group
memberships, attendance, invitations and judging, asks `plan` once and writes its answer.
Nothing here knows about requests, tables or the clock.

The rules, in the order a person would check them:
- A record is never merged into itself, nor into a record that was itself merged away.
- Judging cannot be merged by moving rows: two records on one contest's panel would become one
  judge with two sets of marks, and a judge may not judge a contest they are entered in
  (回避). Both refuse the merge with a reason; staff fix the panel first.
- Both on the rosters of one event: one roster place is kept, the better registration's:
  confirmed before pending before waiting, then the earlier registration (its place in the
  queue). The other place is given up: an individual registration is cancelled, a team loses
  one member. No registration's status is ever raised, so no event holds more places after
  a merge than before it (nothing oversold); the caller promotes from the waiting list where
  a place was freed.
- Both on one roster (one team): the duplicate's row goes, the kept row takes the more
  responsible role of the two (captain, player, performer, substitute).
- Both in one group, at one sitting, invited to one team, referees of one tournament: the
  kept record's row stays and the duplicate's goes; everything else moves.
- The record's own fields: the kept record's value, or the duplicate's where the kept one has
  none (a phone number, a member number, a unit); roles are the union of both.

Worked examples are in tests/domain/test_merge.py."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# Better first: the registration whose place is kept when both records are on one event.
STATUS_ORDER = ("confirmed", "pending", "waiting")
# More responsible first: the role the kept row takes when both are on one roster.
ROLE_ORDER = ("captain", "player", "performer", "substitute")
# Fields the kept record takes from the duplicate when it has none of its own.
FILLED_FIELDS = ("phone", "member_number", "organisation_id")


class MergeRefused(Exception):
    """The two records cannot be merged as they are; *code* says why (see module note)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Seat:
    """One roster row of a person: on *registration_id* for *event_id*."""

    member_id: int
    registration_id: int
    event_id: int
    status: str  # the registration's: confirmed, pending or waiting
    role: str
    roster_size: int  # people on the registration's roster, this one included


@dataclass(frozen=True)
class Keyed:
    """A row of a person that is unique per *key* (a group, a sitting, a team, a tournament)."""

    row_id: int
    key: int


@dataclass(frozen=True)
class Person:
    """What one record holds that a merge may move."""

    id: int
    merged: bool = False
    fields: dict[str, object] = field(default_factory=dict)
    roles: tuple[str, ...] = ()
    seats: tuple[Seat, ...] = ()
    groups: tuple[Keyed, ...] = ()  # key: the group
    attendance: tuple[Keyed, ...] = ()  # key: the sitting
    invitations: tuple[Keyed, ...] = ()  # key: the registration invited to
    referees: tuple[Keyed, ...] = ()  # key: the tournament
    judged_contests: tuple[int, ...] = ()  # contests with the person on the panel or a sheet
    judged_events: tuple[int, ...] = ()  # the events of those contests


@dataclass(frozen=True)
class Rows:
    """Rows of the duplicate to point at the kept record, and rows (of either) to delete."""

    move: tuple[int, ...] = ()
    drop: tuple[int, ...] = ()


@dataclass(frozen=True)
class EventConflict:
    """Both records were on *event_id*: the place on *kept_registration* stayed."""

    event_id: int
    kept_registration: int
    kept_status: str
    given_up_registration: int
    given_up_status: str
    same_team: bool


@dataclass(frozen=True)
class Plan:
    """What to write; every id is a row id of its table."""

    seats: Rows = Rows()
    cancel_registrations: tuple[int, ...] = ()  # lost their only member
    shrink_registrations: tuple[int, ...] = ()  # lost one member of several
    set_roles: tuple[tuple[int, str], ...] = ()  # (roster row, role) for the kept rows
    groups: Rows = Rows()
    attendance: Rows = Rows()
    invitations: Rows = Rows()
    shrink_for_invitations: tuple[int, ...] = ()  # registrations whose invitation place goes
    referees: Rows = Rows()
    conflicts: tuple[EventConflict, ...] = ()
    fields: dict[str, object] = field(default_factory=dict)  # to set on the kept record
    roles: tuple[str, ...] = ()  # the kept record's roles afterwards
    freed_events: tuple[int, ...] = ()  # events where a place was given up


def _rank(seat: Seat) -> tuple[int, int]:
    status = STATUS_ORDER.index(seat.status) if seat.status in STATUS_ORDER else len(STATUS_ORDER)
    return status, seat.registration_id


def _better_role(first: str, second: str) -> str:
    def order(role: str) -> int:
        return ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)

    return first if order(first) <= order(second) else second


def _keyed(kept: Iterable[Keyed], duplicate: Iterable[Keyed]) -> Rows:
    held = {row.key for row in kept}
    move: list[int] = []
    drop: list[int] = []
    for row in duplicate:
        (drop if row.key in held else move).append(row.row_id)
    return Rows(tuple(move), tuple(drop))


def _check(kept: Person, duplicate: Person) -> None:
    if kept.id == duplicate.id:
        raise MergeRefused("same_record")
    if kept.merged:
        raise MergeRefused("kept_was_merged")
    if duplicate.merged:
        raise MergeRefused("already_merged")
    both = sorted(set(kept.judged_contests) & set(duplicate.judged_contests))
    if both:
        raise MergeRefused("both_judge", contest_id=both[0])
    for judge, entrant in ((kept, duplicate), (duplicate, kept)):
        entered = {seat.event_id for seat in entrant.seats}
        clash = sorted(set(judge.judged_events) & entered)
        if clash:
            raise MergeRefused("judges_own_contest", event_id=clash[0])


def plan(kept: Person, duplicate: Person) -> Plan:
    """Decide how *duplicate* is merged into *kept* (MergeRefused if it cannot be)."""
    _check(kept, duplicate)
    kept_seats = {seat.event_id: seat for seat in kept.seats}
    move: list[int] = []
    drop: list[int] = []
    cancel: list[int] = []
    shrink: list[int] = []
    roles: list[tuple[int, str]] = []
    conflicts: list[EventConflict] = []
    for seat in sorted(duplicate.seats, key=lambda s: s.event_id):
        other = kept_seats.get(seat.event_id)
        if other is None:
            move.append(seat.member_id)
            continue
        same_team = other.registration_id == seat.registration_id
        if same_team:
            winner, loser = other, seat
            drop.append(seat.member_id)
            shrink.append(seat.registration_id)
            role = _better_role(other.role, seat.role)
            if role != other.role:
                roles.append((other.member_id, role))
        else:
            winner, loser = sorted((other, seat), key=_rank)
            drop.append(loser.member_id)
            (cancel if loser.roster_size <= 1 else shrink).append(loser.registration_id)
            if winner is seat:
                move.append(seat.member_id)
        conflicts.append(
            EventConflict(
                event_id=seat.event_id,
                kept_registration=winner.registration_id,
                kept_status=winner.status,
                given_up_registration=loser.registration_id,
                given_up_status=loser.status,
                same_team=same_team,
            )
        )
    invitations = _invitations(kept, duplicate, kept_seats)
    return Plan(
        seats=Rows(tuple(move), tuple(drop)),
        cancel_registrations=tuple(cancel),
        shrink_registrations=tuple(shrink),
        set_roles=tuple(roles),
        groups=_keyed(kept.groups, duplicate.groups),
        attendance=_keyed(kept.attendance, duplicate.attendance),
        invitations=invitations[0],
        shrink_for_invitations=invitations[1],
        referees=_keyed(kept.referees, duplicate.referees),
        conflicts=tuple(conflicts),
        fields=filled_fields(kept.fields, duplicate.fields),
        roles=tuple(role for role in _all_roles(kept.roles, duplicate.roles)),
        freed_events=tuple(sorted({c.event_id for c in conflicts})),
    )


def _invitations(
    kept: Person, duplicate: Person, kept_seats: dict[int, Seat]
) -> tuple[Rows, tuple[int, ...]]:
    """The duplicate's invitations move unless the kept record is already invited to that team,
    or is already on it; a dropped invitation gives up the place its team held for it."""
    seats = {seat.registration_id for seat in kept_seats.values()}
    invited = {row.key for row in kept.invitations}
    move: list[int] = []
    drop: list[int] = []
    shrink: list[int] = []
    for row in duplicate.invitations:
        if row.key in invited or row.key in seats:
            drop.append(row.row_id)
            shrink.append(row.key)
        else:
            move.append(row.row_id)
    return Rows(tuple(move), tuple(drop)), tuple(shrink)


def _all_roles(first: Sequence[str], second: Sequence[str]) -> list[str]:
    order = ("organizer", "judge", "participant")
    held = set(first) | set(second)
    return [role for role in order if role in held]


def filled_fields(kept: dict[str, object], duplicate: dict[str, object]) -> dict[str, object]:
    """The kept record's fields that are empty and that the duplicate can fill."""
    return {
        name: duplicate[name]
        for name in FILLED_FIELDS
        if kept.get(name) in (None, "") and duplicate.get(name) not in (None, "")
    }
