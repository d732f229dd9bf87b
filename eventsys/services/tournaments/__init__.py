"""Set up a ball-game tournament, make its draw and place its matches on courts and times.

The rules (Berger tables, serpentine groups, bracket seeding, the court timetable) are in
eventsys.domain.draws; this module turns them into rows. Results are recorded by
eventsys.services.tournament_results, standings computed by eventsys.services.tournament_standings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from eventsys.domain import bracket, draws, text
from eventsys.domain.standings import CRITERIA, PROGRESSION_CRITERIA, PointsScheme
from eventsys.errors import Conflict, EventsysError, Forbidden, NotFound
from eventsys.extensions import db
from eventsys.i18n import format_clock, format_when
from eventsys.models import Event, Occurrence, Registration, User
from eventsys.models.tournaments import (
    SPORTS,
    Tournament,
    TournamentCourt,
    TournamentEntry,
    TournamentMatch,
    TournamentPool,
    TournamentPoolMember,
    TournamentReferee,
    TournamentStage,
)
from eventsys.services import audit

FORMATS = ("round_robin", "double_round_robin", "groups_knockout", "knockout")
TABLE_TENNIS_LENGTHS = (3, 5, 7)
#: The settings whose value comes from the sport's defaults until the organizer changes it.
DEFAULTED_FIELDS = (
    "best_of",
    "race_to",
    "points_win",
    "points_draw",
    "points_loss",
    "points_walkover_loss",
    "criteria",
)
SETTINGS_FIELDS = (
    "sport",
    *DEFAULTED_FIELDS,
    "min_rest_slots",
    "slot_minutes",
    "first_slot_at",
    "third_place_match",
)

#: Sensible settings for each sport; the organizer may change points and criteria.
SPORT_DEFAULTS: Mapping[str, Mapping[str, object]] = {
    "table_tennis": {
        "best_of": 5,
        "points_win": 2,
        "points_draw": None,
        "points_loss": 1,
        "points_walkover_loss": 0,
        "criteria": ("match_points", "head_to_head"),
    },
    "gateball": {
        "points_win": 2,
        "points_draw": 1,
        "points_loss": 0,
        "points_walkover_loss": 0,
        "criteria": ("match_points", "head_to_head", "score_difference", "points_scored"),
    },
    "billiards": {
        "race_to": 5,
        "points_win": 2,
        "points_draw": None,
        "points_loss": 0,
        "points_walkover_loss": 0,
        "criteria": ("match_points", "head_to_head", "score_difference", "points_scored"),
    },
    "score": {
        "points_win": 3,
        "points_draw": 1,
        "points_loss": 0,
        "points_walkover_loss": 0,
        "criteria": ("match_points", "head_to_head", "score_difference", "points_scored"),
    },
}


@dataclass(frozen=True)
class TournamentSettings:
    sport: str
    best_of: int | None = None
    race_to: int | None = None
    points_win: int = 2
    points_draw: int | None = None
    points_loss: int = 0
    points_walkover_loss: int = 0
    criteria: tuple[str, ...] = ("match_points",)
    min_rest_slots: int = 0
    slot_minutes: int = 30
    first_slot_at: datetime | None = None
    third_place_match: bool = False

    @classmethod
    def for_sport(cls, sport: str, **overrides: object) -> TournamentSettings:
        """Return the defaults of *sport*, with *overrides*."""
        values: dict[str, object] = dict(SPORT_DEFAULTS.get(sport, {}))
        values.update(overrides)
        return cls(sport=sport, **values)  # type: ignore[arg-type]


def apply_sport_defaults(
    values: Mapping[str, object], *, shown_for: str, sport: str
) -> dict[str, object]:
    """Give the values still at *shown_for*'s defaults the defaults of *sport* instead.

    A form filled with one sport's defaults and then switched to another sport (without the
    script that swaps them) keeps what the organizer typed and follows the new sport elsewhere."""
    result = dict(values)
    if shown_for == sport or shown_for not in SPORT_DEFAULTS or sport not in SPORT_DEFAULTS:
        return result
    old = TournamentSettings.for_sport(shown_for)
    new = TournamentSettings.for_sport(sport)
    for name in DEFAULTED_FIELDS:
        if name in result and result[name] == getattr(old, name):
            result[name] = getattr(new, name)
    return result


# ---- permissions ------------------------------------------------------------------------------


def can_enter_results(user: User | None, tournament: Tournament) -> bool:
    """Tell whether *user* may enter results: an organizer or an appointed referee."""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    if user.is_organizer:
        return True
    return any(referee.user_id == user.id for referee in tournament.referees)


def require_organizer(user: User) -> None:
    if not user.is_organizer:
        raise Forbidden(_("Only organizers can change the tournament."))


# ---- settings ---------------------------------------------------------------------------------


def _validate_settings(data: TournamentSettings) -> None:
    if data.sport not in SPORTS:
        raise EventsysError(_("Choose a sport from the list."), field="sport")
    if data.sport == "table_tennis" and data.best_of not in TABLE_TENNIS_LENGTHS:
        raise EventsysError(
            _("A table tennis match is the best of 3, 5 or 7 games."), field="best_of"
        )
    if data.sport == "billiards" and (data.race_to is None or not 1 <= data.race_to <= 50):
        raise EventsysError(_("Give the race length: 1 to 50 frames."), field="race_to")
    if not data.criteria:
        raise EventsysError(_("Choose at least one standings criterion."), field="criteria")
    unknown = [name for name in data.criteria if name not in CRITERIA]
    if unknown:
        raise EventsysError(
            _("Unknown standings criterion: %(name)s.", name=", ".join(unknown)), field="criteria"
        )
    if len(set(data.criteria)) != len(data.criteria):
        raise EventsysError(_("Each criterion can be listed only once."), field="criteria")
    try:
        PointsScheme(
            win=data.points_win,
            draw=data.points_draw,
            loss=data.points_loss,
            walkover_loss=data.points_walkover_loss,
        )
    except ValueError as error:
        raise EventsysError(
            _(
                "These match points cannot be used: a win must be worth more than a loss, "
                "a draw between them, and a walkover loss no more than a loss."
            ),
            field="points_win",
        ) from error
    if not 0 <= data.min_rest_slots <= 20:
        raise EventsysError(_("The rest must be 0 to 20 slots."), field="min_rest_slots")
    if not 5 <= data.slot_minutes <= 600:
        raise EventsysError(_("A slot lasts 5 to 600 minutes."), field="slot_minutes")


def _apply_settings(tournament: Tournament, data: TournamentSettings, event: Event) -> None:
    tournament.sport = data.sport
    tournament.best_of = data.best_of if data.sport == "table_tennis" else None
    tournament.race_to = data.race_to if data.sport == "billiards" else None
    if data.sport == "table_tennis":
        # ITTF 3.7.5.1: 2 for a win, 1 for a played loss, 0 for a walkover loss.
        tournament.points_win, tournament.points_draw = 2, None
        tournament.points_loss, tournament.points_walkover_loss = 1, 0
    else:
        tournament.points_win = data.points_win
        tournament.points_draw = data.points_draw
        tournament.points_loss = data.points_loss
        tournament.points_walkover_loss = data.points_walkover_loss
    tournament.criteria = ",".join(data.criteria)
    tournament.min_rest_slots = data.min_rest_slots
    tournament.slot_minutes = data.slot_minutes
    tournament.first_slot_at = data.first_slot_at or event.starts_at
    tournament.third_place_match = data.third_place_match


def create_tournament(event: Event, data: TournamentSettings, *, actor: User) -> Tournament:
    """Make *event* (a ball game) a tournament with the given settings."""
    require_organizer(actor)
    if event.kind != "ball_game":
        raise EventsysError(_("Only a ball-game event can hold a tournament."))
    if db.session.scalar(select(Tournament.id).where(Tournament.event_id == event.id)):
        raise Conflict(_("This event already has a tournament."))
    _validate_settings(data)
    tournament = Tournament(event_id=event.id)
    _apply_settings(tournament, data, event)
    db.session.add(tournament)
    db.session.flush()
    audit.record_change(actor, "tournament.create", "tournament", tournament, SETTINGS_FIELDS)
    return tournament


def has_results(tournament: Tournament) -> bool:
    """Tell whether any match has a result (byes do not count)."""
    return (
        db.session.scalar(
            select(TournamentMatch.id)
            .where(
                TournamentMatch.tournament_id == tournament.id,
                TournamentMatch.status.in_(("played", "walkover")),
            )
            .limit(1)
        )
        is not None
    )


def update_settings(tournament: Tournament, data: TournamentSettings, *, actor: User) -> None:
    """Change the settings; the sport and match length are fixed once results exist."""
    require_organizer(actor)
    _validate_settings(data)
    fixed = (
        data.sport,
        data.best_of if data.sport == "table_tennis" else None,
        data.race_to if data.sport == "billiards" else None,
    )
    if fixed != (tournament.sport, tournament.best_of, tournament.race_to) and has_results(
        tournament
    ):
        raise EventsysError(
            _("Results have been entered: the sport and the match length can no longer change."),
            field="sport",
        )
    if data.sport != tournament.sport and has_draw(tournament):
        raise EventsysError(
            _("The draw is made: delete it before changing the sport."), field="sport"
        )
    added = [
        name
        for name in data.criteria
        if name in PROGRESSION_CRITERIA and name not in tournament.criteria_list
    ]
    if added and _played_without_balls(tournament):
        raise EventsysError(
            _(
                "Some gateball results were saved without each ball's points, so the standings "
                "cannot count how far the balls got. Correct those results first."
            ),
            field="criteria",
        )
    before = audit.snapshot(tournament, SETTINGS_FIELDS)
    with db.session.begin_nested():  # rolled back if anything below raises
        _apply_settings(tournament, data, tournament.event)
        _retime(tournament)
        db.session.flush()
        _refuse_outside_booking(tournament, field="first_slot_at")
    audit.record_change(
        actor, "tournament.update", "tournament", tournament, SETTINGS_FIELDS, before=before
    )
    db.session.flush()


def _played_without_balls(tournament: Tournament) -> bool:
    """Tell whether a played (not walkover) match has no per-ball points recorded."""
    for detail in db.session.scalars(
        select(TournamentMatch.detail).where(
            TournamentMatch.tournament_id == tournament.id, TournamentMatch.status == "played"
        )
    ):
        if not (detail or {}).get("balls_a"):
            return True
    return False


def _retime(tournament: Tournament) -> None:
    """Recompute every scheduled match's start from its slot (after a change of timing)."""
    for match in db.session.scalars(
        select(TournamentMatch).where(
            TournamentMatch.tournament_id == tournament.id, TournamentMatch.slot.is_not(None)
        )
    ):
        match.starts_at = slot_start(tournament, match.slot)


def slot_start(tournament: Tournament, slot: int) -> datetime:
    """Return when time slot *slot* (0-based) begins."""
    return tournament.first_slot_at + timedelta(minutes=tournament.slot_minutes * slot)


# ---- courts, entries, referees ------------------------------------------------------------------


def add_court(
    tournament: Tournament, name: str, *, venue_id: int | None = None, actor: User
) -> TournamentCourt:
    """Add a court or table the matches can be played on."""
    require_organizer(actor)
    name = name.strip()
    if not name:
        raise EventsysError(_("Give the court a name."), field="name")
    if any(court.name == name for court in tournament.courts):
        raise Conflict(_("There is already a court called %(name)s.", name=name), field="name")
    position = max((court.position for court in tournament.courts), default=-1) + 1
    court = TournamentCourt(name=name, venue_id=venue_id, position=position)
    tournament.courts.append(court)
    db.session.flush()
    audit.record(actor, "tournament.court_add", "tournament", tournament.id, after={"court": name})
    return court


def remove_court(court: TournamentCourt, *, actor: User) -> None:
    """Remove a court that no match is placed on."""
    require_organizer(actor)
    used = db.session.scalar(
        select(TournamentMatch.id).where(TournamentMatch.court_id == court.id).limit(1)
    )
    if used is not None:
        raise EventsysError(
            _(
                "Matches are placed on %(name)s: move them or make the schedule again first.",
                name=court.name,
            )
        )
    tournament = court.tournament
    tournament.courts.remove(court)
    audit.record(
        actor, "tournament.court_remove", "tournament", tournament.id, before={"court": court.name}
    )
    db.session.flush()


def has_draw(tournament: Tournament) -> bool:
    return bool(tournament.stages)


def set_entries(
    tournament: Tournament, seeds: Mapping[int, int], *, actor: User
) -> list[TournamentEntry]:
    """Enter the confirmed registrations given as {registration id: seed}; seeds run 1..n."""
    require_organizer(actor)
    if has_draw(tournament):
        raise EventsysError(_("The draw is made: delete it before changing the teams or seeds."))
    wanted = dict(seeds)
    confirmed = {
        registration.id: registration
        for registration in db.session.scalars(
            select(Registration).where(
                Registration.event_id == tournament.event_id,
                Registration.status == "confirmed",
                Registration.id.in_(list(wanted) or [0]),
            )
        )
    }
    for registration_id in wanted:
        if registration_id not in confirmed:
            raise EventsysError(
                _("Only confirmed entries of this event can take part."), field="seeds"
            )
    values = sorted(wanted.values())
    if values != list(range(1, len(values) + 1)):
        raise EventsysError(
            _("Seeds must be the numbers 1 to %(count)d, each used once.", count=len(values)),
            field="seeds",
        )
    before = {str(entry.registration_id): entry.seed for entry in tournament.entries}
    for entry in list(tournament.entries):
        tournament.entries.remove(entry)
    db.session.flush()
    for registration_id, seed in sorted(wanted.items(), key=lambda item: item[1]):
        tournament.entries.append(TournamentEntry(registration_id=registration_id, seed=seed))
    db.session.flush()
    audit.record(
        actor,
        "tournament.entries",
        "tournament",
        tournament.id,
        before=before,
        after={str(key): value for key, value in wanted.items()},
    )
    return list(tournament.entries)


def appoint_referee(tournament: Tournament, user: User, *, actor: User) -> TournamentReferee:
    """Let *user* enter results for this tournament."""
    require_organizer(actor)
    if any(referee.user_id == user.id for referee in tournament.referees):
        raise Conflict(_("%(name)s is already a referee here.", name=user.name), field="person")
    referee = TournamentReferee(user_id=user.id)
    tournament.referees.append(referee)
    db.session.flush()
    audit.record(
        actor, "tournament.referee_add", "tournament", tournament.id, after={"user_id": user.id}
    )
    return referee


def remove_referee(referee: TournamentReferee, *, actor: User) -> None:
    require_organizer(actor)
    tournament = referee.tournament
    tournament.referees.remove(referee)
    audit.record(
        actor,
        "tournament.referee_remove",
        "tournament",
        tournament.id,
        before={"user_id": referee.user_id},
    )
    db.session.flush()


# ---- the draw ------------------------------------------------------------------------------------


def pool_name(position: int) -> str:
    """Return the letter of group *position* (0 -> A, 25 -> Z, 26 -> AA)."""
    return text.letters(position)


def delete_draw(tournament: Tournament, *, actor: User) -> None:
    """Delete the draw and its matches, which is refused once results exist."""
    require_organizer(actor)
    if has_results(tournament):
        raise EventsysError(_("Results have been entered: the draw can no longer be deleted."))
    db.session.execute(
        delete(TournamentMatch).where(TournamentMatch.tournament_id == tournament.id)
    )
    for stage in list(tournament.stages):
        tournament.stages.remove(stage)
    db.session.flush()
    audit.record(actor, "tournament.draw_delete", "tournament", tournament.id)


def make_draw(
    tournament: Tournament,
    fmt: str,
    *,
    groups: int | None = None,
    qualifiers: int | None = None,
    actor: User,
) -> list[TournamentStage]:
    """Make the draw from the seeded entries: a round robin, groups then a knockout, or a knockout.

    An earlier draw without results is replaced."""
    require_organizer(actor)
    if fmt not in FORMATS:
        raise EventsysError(_("Choose a format from the list."), field="format")
    seeded = [entry.registration_id for entry in sorted(tournament.entries, key=lambda e: e.seed)]
    if len(seeded) < 2:
        raise EventsysError(_("A draw needs at least two teams: enter and seed them first."))
    if has_results(tournament):
        raise EventsysError(_("Results have been entered: the draw can no longer be made again."))
    if tournament.stages:
        db.session.execute(
            delete(TournamentMatch).where(TournamentMatch.tournament_id == tournament.id)
        )
        for stage in list(tournament.stages):
            tournament.stages.remove(stage)
        db.session.flush()

    if fmt in ("round_robin", "double_round_robin"):
        stages = [_round_robin(tournament, seeded, double=fmt == "double_round_robin")]
    elif fmt == "knockout":
        stage = TournamentStage(kind="knockout", position=0)
        tournament.stages.append(stage)
        db.session.flush()
        _bracket(tournament, stage, [_Direct(registration_id) for registration_id in seeded])
        stages = [stage]
    else:
        stages = _groups_then_knockout(tournament, seeded, groups, qualifiers)
    db.session.flush()
    audit.record(
        actor,
        "tournament.draw",
        "tournament",
        tournament.id,
        after={"format": fmt, "groups": groups, "qualifiers": qualifiers, "teams": len(seeded)},
    )
    return stages


def _round_robin(tournament: Tournament, seeded: list[int], *, double: bool) -> TournamentStage:
    stage = TournamentStage(kind="double_round_robin" if double else "round_robin", position=0)
    tournament.stages.append(stage)
    pool = _new_pool(stage, 0, seeded)
    db.session.flush()
    rounds = draws.double_round_robin(len(seeded)) if double else draws.berger_rounds(len(seeded))
    for round_index, pairs in enumerate(rounds):
        index = 0
        for home, away in pairs:
            if away is None:
                continue  # a bye in an odd-sized round robin is no match
            _add_pool_match(pool, round_index, index, seeded[home - 1], seeded[away - 1])
            index += 1
    return stage


def _new_pool(stage: TournamentStage, position: int, members: list[int]) -> TournamentPool:
    """Add group *position* (named A, B, ...) to *stage* with *members*, seeded in that order."""
    pool = TournamentPool(name=pool_name(position), position=position)
    stage.pools.append(pool)
    for seed, registration_id in enumerate(members, start=1):
        pool.members.append(TournamentPoolMember(registration_id=registration_id, seed=seed))
    return pool


def _add_pool_match(
    pool: TournamentPool, round_index: int, index: int, side_a: int, side_b: int
) -> None:
    """Add a scheduled match of *pool* (flushed) between two of its members."""
    db.session.add(
        TournamentMatch(
            tournament_id=pool.stage.tournament_id,
            stage_id=pool.stage_id,
            pool_id=pool.id,
            round_index=round_index,
            match_index=index,
            side_a_id=side_a,
            side_b_id=side_b,
            status="scheduled",
            version=1,
        )
    )


def _groups_then_knockout(
    tournament: Tournament, seeded: list[int], groups: int | None, qualifiers: int | None
) -> list[TournamentStage]:
    if groups is None or groups < 1:
        raise EventsysError(_("Give the number of groups."), field="groups")
    if groups > len(seeded) // 2:
        raise EventsysError(
            _(
                "%(teams)d teams make at most %(most)d groups of two or more.",
                teams=len(seeded),
                most=len(seeded) // 2,
            ),
            field="groups",
        )
    dealt = draws.snake_groups(len(seeded), groups)
    smallest = min(len(members) for members in dealt)
    if qualifiers is None or not 1 <= qualifiers < smallest:
        raise EventsysError(
            _("Between 1 and %(most)d teams of each group can go through.", most=smallest - 1),
            field="qualifiers",
        )
    if groups * qualifiers < 2:
        raise EventsysError(
            _("At least two teams must go through to the knockout."), field="qualifiers"
        )
    group_stage = TournamentStage(kind="groups", position=0, qualifiers=qualifiers)
    tournament.stages.append(group_stage)
    pools: list[TournamentPool] = []
    for position, seeds in enumerate(dealt):
        pools.append(_new_pool(group_stage, position, [seeded[seed - 1] for seed in seeds]))
    db.session.flush()
    index_in_round: dict[int, int] = {}
    for pool, seeds in zip(pools, dealt, strict=True):
        members = [seeded[seed - 1] for seed in seeds]
        # The two top seeds of a group meet last (the deciding match, ITTF group order).
        for round_index, pairs in enumerate(draws.group_match_order(len(members))):
            for home, away in pairs:
                index = index_in_round.get(round_index, 0)
                index_in_round[round_index] = index + 1
                _add_pool_match(pool, round_index, index, members[home - 1], members[away - 1])
    knockout = TournamentStage(kind="knockout", position=1)
    tournament.stages.append(knockout)
    db.session.flush()
    _bracket(tournament, knockout, qualifier_order(pools, qualifiers))
    return [group_stage, knockout]


@dataclass(frozen=True)
class _Direct:
    registration_id: int


@dataclass(frozen=True)
class _Feed:
    pool: TournamentPool
    place: int


def qualifier_order(pools: Sequence[TournamentPool], qualifiers: int) -> list[_Feed]:
    """Return the knockout seeds: group winners first, then runners-up and so on.

    Winners take seeds 1..g in group order. Each later finisher is placed where it would meet a
    team of its own group as late as possible (a runner-up lands in the other half from its
    group's winner), which is how group-to-knockout draws keep groups apart."""
    groups = len(pools)
    total = groups * qualifiers
    size = draws.bracket_size(total)
    line_of = {seed: line for line, seed in enumerate(draws.bracket_positions(size))}
    order: list[_Feed] = [_Feed(pool, 1) for pool in pools]
    lines_of_pool: dict[int, list[int]] = {
        pool.id: [line_of[index + 1]] for index, pool in enumerate(pools)
    }
    for place in range(2, qualifiers + 1):
        left = list(pools)
        for offset in range(groups):
            seed = (place - 1) * groups + offset + 1
            line = line_of[seed]

            def meeting_round(pool: TournamentPool, line: int = line) -> int:
                # The round two lines could meet in: the highest bit in which they differ.
                return min((line ^ other).bit_length() for other in lines_of_pool[pool.id])

            best = max(left, key=meeting_round)  # max keeps the first (group order) on ties
            left.remove(best)
            order.append(_Feed(best, place))
            lines_of_pool[best.id].append(line)
    return order


def _bracket(
    tournament: Tournament, stage: TournamentStage, seeds: Sequence[_Direct | _Feed]
) -> list[TournamentMatch]:
    """Create the knockout matches for *seeds* (seed 1 first), byes to the top seeds."""
    if len(seeds) < 2:
        raise EventsysError(_("A knockout needs at least two teams."))
    size = draws.bracket_size(len(seeds))
    if len(seeds) > size:  # pragma: no cover - bracket_size always holds the entries
        raise EventsysError(_("The bracket has fewer places than seeds."))
    rounds = draws.knockout_rounds(len(seeds))
    matches: dict[tuple[int, int], TournamentMatch] = {}
    for round_index in range(rounds):
        count = 2 ** (rounds - 1 - round_index)
        for match_index in range(count):
            matches[(round_index, match_index)] = TournamentMatch(
                tournament_id=tournament.id,
                stage_id=stage.id,
                round_index=round_index,
                match_index=match_index,
                status="scheduled",
                version=1,
            )
    if tournament.third_place_match and rounds >= 2:
        matches[(rounds - 1, draws.THIRD_PLACE_MATCH_INDEX)] = TournamentMatch(
            tournament_id=tournament.id,
            stage_id=stage.id,
            round_index=rounds - 1,
            match_index=draws.THIRD_PLACE_MATCH_INDEX,
            is_third_place=True,
            status="scheduled",
            version=1,
        )
    for match_index, (top, bottom) in enumerate(draws.first_round(len(seeds))):
        match = matches[(0, match_index)]
        _seat(match, "a", seeds[top - 1])
        if bottom is None:
            match.status = "bye"
        else:
            _seat(match, "b", seeds[bottom - 1])
    db.session.add_all(matches.values())
    db.session.flush()
    for (round_index, match_index), match in matches.items():
        if round_index == rounds - 1:
            continue
        slot = draws.next_match_slot(round_index, match_index, rounds=rounds)
        match.next_match_id = matches[(slot.round_index, slot.match_index)].id
        match.next_side = "ab"[slot.side]
        loser = draws.loser_next_slot(
            round_index,
            match_index,
            rounds=rounds,
            third_place_match=tournament.third_place_match,
        )
        if loser is not None:
            match.loser_next_match_id = matches[(loser.round_index, loser.match_index)].id
            match.loser_next_side = "ab"[loser.side]
    db.session.flush()
    # A bye whose team is already known goes straight through.
    by_id = {match.id: match for match in matches.values()}
    through = bracket.apply(
        [bracket_match(match) for match in by_id.values()], bracket.ByesThrough()
    )
    for match_id, state in through.changed.items():
        match = by_id[match_id]
        match.side_a_id, match.side_b_id = state.side_a, state.side_b
        match.winner_id = state.winner
    db.session.flush()
    return list(matches.values())


def bracket_match(match: TournamentMatch) -> bracket.BracketMatch[int]:
    """A match as the bracket rules (eventsys.domain.bracket) see it."""
    return bracket.BracketMatch(
        id=match.id,
        side_a=match.side_a_id,
        side_b=match.side_b_id,
        status=match.status,
        winner=match.winner_id,
        next_match=match.next_match_id,
        next_side=match.next_side,
        loser_next_match=match.loser_next_match_id,
        loser_next_side=match.loser_next_side,
        feed_a=(
            (match.feed_a_pool_id, match.feed_a_place)
            if match.feed_a_pool_id is not None and match.feed_a_place is not None
            else None
        ),
        feed_b=(
            (match.feed_b_pool_id, match.feed_b_place)
            if match.feed_b_pool_id is not None and match.feed_b_place is not None
            else None
        ),
    )


def _seat(match: TournamentMatch, side: str, source: _Direct | _Feed) -> None:
    if isinstance(source, _Direct):
        setattr(match, f"side_{side}_id", source.registration_id)
    else:
        setattr(match, f"feed_{side}_pool_id", source.pool.id)
        setattr(match, f"feed_{side}_place", source.place)


# ---- schedule ------------------------------------------------------------------------------------


def booked_spans(tournament: Tournament) -> list[tuple[datetime, datetime]]:
    """Return the times the tournament's event has booked its room (its occurrences)."""
    rows = db.session.execute(
        select(Occurrence.starts_at, Occurrence.ends_at)
        .where(Occurrence.event_id == tournament.event_id, Occurrence.blocks_venue.is_(True))
        .order_by(Occurrence.starts_at)
    ).all()
    return [(row[0], row[1]) for row in rows]


def _inside(start: datetime, minutes: int, spans: Sequence[tuple[datetime, datetime]]) -> bool:
    end = start + timedelta(minutes=minutes)
    return any(begins <= start and end <= ends for begins, ends in spans)


def outside_booking(
    tournament: Tournament, matches: Iterable[TournamentMatch]
) -> list[TournamentMatch]:
    """Return the timed matches that would not fit in the time the event has booked its room."""
    spans = booked_spans(tournament)
    return [
        match
        for match in matches
        if match.starts_at is not None
        and not _inside(match.starts_at, tournament.slot_minutes, spans)
    ]


def _outside_refusal(
    tournament: Tournament, what: str, start: datetime, *, field: str | None = None
) -> EventsysError:
    """Say that *what* at *start* falls outside the event's booking, and what can be done."""
    spans = booked_spans(tournament)
    if not spans:
        return EventsysError(
            _(
                "The event has no time booked for its room, so no match can be placed. "
                "Give the event its dates first."
            ),
            field=field,
        )
    booked = "; ".join(f"{format_when(begins)}–{format_clock(ends)}" for begins, ends in spans[:3])
    if len(spans) > 3:
        booked += " …"
    return EventsysError(
        _(
            "%(match)s would be played at %(when)s, outside the time the event has booked its "
            "room (%(booked)s): the room may be someone else's then. Add courts, shorten the "
            "slots or the rest, start earlier, or lengthen the event first.",
            match=what,
            when=format_when(start),
            booked=booked,
        ),
        field=field,
    )


def _refuse_outside_booking(tournament: Tournament, *, field: str | None = None) -> None:
    """Raise EventsysError if a scheduled match falls outside the event's booked time."""
    timed = [match for match in all_matches(tournament) if match.starts_at is not None]
    outside = outside_booking(tournament, timed)
    if outside:
        first = min(outside, key=lambda match: match.starts_at or tournament.first_slot_at)
        assert first.starts_at is not None
        raise _outside_refusal(tournament, match_label(first), first.starts_at, field=field)


def _stage_matches(stage: TournamentStage) -> list[TournamentMatch]:
    return list(
        db.session.scalars(
            select(TournamentMatch)
            .where(TournamentMatch.stage_id == stage.id)
            .order_by(TournamentMatch.round_index, TournamentMatch.match_index)
        )
    )


def make_schedule(tournament: Tournament, *, actor: User) -> int:
    """Place every match on a court and a time slot; return the number of slots used.

    Stages follow one another; within a group stage nobody plays twice in a slot, everybody rests
    ``min_rest_slots`` between matches and each group keeps its order (top seeds last); knockout
    rounds follow one another with the same rest. Refused once results exist (move matches one
    by one instead)."""
    require_organizer(actor)
    courts = list(tournament.courts)
    if not courts:
        raise EventsysError(_("Add at least one court or table first."))
    if not tournament.stages:
        raise EventsysError(_("Make the draw first."))
    if has_results(tournament):
        raise EventsysError(
            _("Results have been entered: move single matches instead of making a new schedule.")
        )
    with db.session.begin_nested():  # rolled back if anything below raises
        blocks: list[draws.Block[object]] = []
        placed: list[list[TournamentMatch]] = []
        for stage in tournament.stages:
            matches = _stage_matches(stage)
            for match in matches:
                match.slot, match.court_id, match.starts_at = None, None, None
            if stage.kind == "knockout":
                by_round: dict[int, list[TournamentMatch]] = {}
                for match in matches:
                    if match.status != "bye":
                        by_round.setdefault(match.round_index, []).append(match)
                for round_index in sorted(by_round):
                    # The third-place match is listed before the final, so the final ends the day.
                    playing = sorted(
                        by_round[round_index], key=lambda m: (not m.is_third_place, m.match_index)
                    )
                    blocks.append(draws.Block(_pairs(playing), rested_inside=False))
                    placed.append(playing)
            elif matches:
                deciding = _deciding_matches(stage, matches)
                blocks.append(
                    draws.Block(
                        _pairs(matches),
                        groups=[match.pool_id for match in matches],
                        last=[index for index, match in enumerate(matches) if match.id in deciding],
                    )
                )
                placed.append(matches)
        schedule = draws.day_schedule(blocks, len(courts), rest=tournament.min_rest_slots)
        used = 0
        for matches, bookings in zip(placed, schedule, strict=True):
            for booking in bookings:
                match = matches[booking.match_index]
                match.slot = booking.slot
                match.court_id = courts[booking.court].id
                match.starts_at = slot_start(tournament, booking.slot)
                used = max(used, booking.slot + 1)
        db.session.flush()
        _refuse_outside_booking(tournament)
    db.session.flush()
    audit.record(actor, "tournament.schedule", "tournament", tournament.id, after={"slots": used})
    return used


def _deciding_matches(stage: TournamentStage, matches: Sequence[TournamentMatch]) -> set[int]:
    """Return the ids of each group's match between its two top seeds (played last)."""
    if stage.kind != "groups":
        return set()
    tops: dict[int, set[int]] = {}
    for pool in stage.pools:
        seeds = sorted(pool.members, key=lambda member: member.seed)
        if len(seeds) >= 3:
            tops[pool.id] = {seeds[0].registration_id, seeds[1].registration_id}
    return {
        match.id
        for match in matches
        if match.pool_id in tops and set(match.sides) == tops[match.pool_id]
    }


def _pairs(matches: Sequence[TournamentMatch]) -> list[tuple[object, object]]:
    """The teams of each match; unknown sides get placeholders unique to the match (no clash)."""
    return [
        (
            match.side_a_id if match.side_a_id is not None else ("tbd", match.id, "a"),
            match.side_b_id if match.side_b_id is not None else ("tbd", match.id, "b"),
        )
        for match in matches
    ]


def match_label(match: TournamentMatch, names: Mapping[int, str] | None = None) -> str:
    """Return a short description of *match* for messages: group, round and teams."""
    names = names or {}

    def side(registration_id: int | None) -> str:
        if registration_id is None:
            return _("to be decided")
        if registration_id in names:
            return names[registration_id]
        registration = db.session.get(Registration, registration_id)
        return registration.display_name if registration is not None else str(registration_id)

    teams = _("%(a)s v %(b)s", a=side(match.side_a_id), b=side(match.side_b_id))
    if match.pool is not None and match.stage.kind != "groups":
        where = _("Round %(round)d", round=match.round_index + 1)
    elif match.pool is not None:
        where = _(
            "Group %(name)s, round %(round)d", name=match.pool.name, round=match.round_index + 1
        )
    elif match.is_third_place:
        where = _("Third-place match")
    else:
        where = _("Knockout round %(round)d", round=match.round_index + 1)
    return f"{where}: {teams}"


def claim(match: TournamentMatch, expected_version: int | None) -> bool:
    """Raise *match*'s version in one conditional UPDATE; False if someone else changed it first.

    The UPDATE ... WHERE version = :v is atomic: on PostgreSQL a second writer waits for the
    first one's row lock and then finds the version moved on; on SQLite writers are serialised by
    the immediate transaction. Either way exactly one of two simultaneous saves wins."""
    version = match.version if expected_version is None else expected_version
    claimed = db.session.execute(
        update(TournamentMatch)
        .where(TournamentMatch.id == match.id, TournamentMatch.version == version)
        .values(version=version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return False
    set_committed_value(match, "version", version + 1)
    return True


def move_match(
    match: TournamentMatch,
    *,
    court_id: int,
    slot: int,
    actor: User,
    expected_version: int | None = None,
) -> None:
    """Move *match* to another court or time slot, re-checking clashes and rests."""
    require_organizer(actor)
    tournament = db.session.get(Tournament, match.tournament_id)
    if expected_version is not None and expected_version != match.version:
        raise Conflict(_("This match was changed by someone else meanwhile. Please look again."))
    if match.is_decided:
        raise EventsysError(_("This match is finished and stays where it was played."))
    court = db.session.get(TournamentCourt, court_id)
    if court is None or court.tournament_id != match.tournament_id:
        raise NotFound(_("Choose a court from the list."), field="court_id")
    if not 0 <= slot <= 500:
        raise EventsysError(_("Choose a time from the list."), field="slot")
    others = list(
        db.session.scalars(
            select(TournamentMatch).where(
                TournamentMatch.tournament_id == match.tournament_id,
                TournamentMatch.id != match.id,
                TournamentMatch.slot.is_not(None),
            )
        )
    )
    for other in others:
        if other.slot == slot and other.court_id == court_id:
            raise EventsysError(
                _(
                    "%(court)s is taken at that time by %(match)s.",
                    court=court.name,
                    match=match_label(other),
                ),
                field="slot",
            )
    rest = tournament.min_rest_slots
    teams = {team for team in match.sides if team is not None}
    for other in others:
        shared = teams.intersection(team for team in other.sides if team is not None)
        if not shared or other.slot is None:
            continue
        if other.slot == slot:
            raise EventsysError(
                _(
                    "A team would play twice at once: it plays %(match)s at that time.",
                    match=match_label(other),
                ),
                field="slot",
            )
        if not draws.rested(other.slot, slot, rest):
            raise EventsysError(
                _(
                    "A team would not get its rest of %(rest)d slots: it plays %(match)s.",
                    rest=rest,
                    match=match_label(other),
                ),
                field="slot",
            )
    for other in others:
        feeds_this = match.id in (other.next_match_id, other.loser_next_match_id)
        fed_by_this = other.id in (match.next_match_id, match.loser_next_match_id)
        if feeds_this and other.slot is not None and other.slot >= slot:
            raise EventsysError(
                _(
                    "This match must come after %(match)s, whose winner plays in it.",
                    match=match_label(other),
                ),
                field="slot",
            )
        if fed_by_this and other.slot is not None and other.slot <= slot:
            raise EventsysError(
                _(
                    "This match must come before %(match)s, which its winner plays.",
                    match=match_label(other),
                ),
                field="slot",
            )
    if not _inside(slot_start(tournament, slot), tournament.slot_minutes, booked_spans(tournament)):
        raise _outside_refusal(
            tournament, match_label(match), slot_start(tournament, slot), field="slot"
        )
    if not claim(match, expected_version):
        raise Conflict(_("This match was changed by someone else meanwhile. Please look again."))
    before = {"slot": match.slot, "court_id": match.court_id}
    match.slot, match.court_id = slot, court_id
    match.starts_at = slot_start(tournament, slot)
    db.session.flush()
    audit.record(
        actor,
        "match.move",
        "tournament_match",
        match.id,
        before=before,
        after={"slot": slot, "court_id": court_id},
    )


# ---- reading -------------------------------------------------------------------------------------


def team_names(tournament: Tournament) -> dict[int, str]:
    """Return {registration id: display name} for the tournament's event, in one query."""
    rows = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == tournament.event_id)
        .options(selectinload(Registration.captain))
    )
    return {registration.id: registration.display_name for registration in rows}


def all_matches(tournament: Tournament) -> list[TournamentMatch]:
    """Return every match in draw order, with their courts and feeding groups, in a fixed
    number of queries."""
    return list(
        db.session.scalars(
            select(TournamentMatch)
            .join(TournamentStage, TournamentStage.id == TournamentMatch.stage_id)
            .where(TournamentMatch.tournament_id == tournament.id)
            .options(
                selectinload(TournamentMatch.court),
                # The bracket names "Group A, place 1" before the groups finish: load the groups
                # with the matches, not one query per group.
                selectinload(TournamentMatch.feed_a_pool),
                selectinload(TournamentMatch.feed_b_pool),
            )
            .order_by(
                TournamentStage.position,
                TournamentMatch.round_index,
                TournamentMatch.match_index,
            )
        )
    )


def order_of_play(tournament: Tournament) -> list[TournamentMatch]:
    """Return the scheduled matches by time, then court."""
    matches = [match for match in all_matches(tournament) if match.slot is not None]
    positions = {court.id: court.position for court in tournament.courts}
    return sorted(matches, key=lambda m: (m.slot, positions.get(m.court_id or 0, 0)))


def matches_of(tournament: Tournament, registration_id: int) -> list[TournamentMatch]:
    """Return the matches of one team, in time order (unscheduled last)."""
    mine = [
        match
        for match in all_matches(tournament)
        if registration_id in match.sides and match.status != "bye"
    ]
    return sorted(mine, key=lambda m: (m.slot is None, m.slot or 0))


def next_match(matches: Iterable[TournamentMatch]) -> TournamentMatch | None:
    """Return the first undecided match of a list in time order."""
    return next((match for match in matches if not match.is_decided), None)
