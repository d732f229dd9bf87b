"""Tournaments run through the services: draws, schedules, results by sport, standings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from itertools import pairwise

import pytest
from sqlalchemy import func, select

from eventsys import versions
from eventsys.errors import EventsysError, Forbidden
from eventsys.extensions import db
from eventsys.models import AuditRecord, User
from eventsys.models.tournaments import TournamentMatch
from eventsys.services import tournaments as service
from eventsys.services.tournament_results import NeedsConfirmation, ResultInput, record_result
from eventsys.services.tournament_standings import tournament_tables
from tests.services.test_tournaments_helpers import (
    find_match,
    play_score,
    play_tt,
    setup_tournament,
)

TEAMS16 = [f"队{n:02d}" for n in range(1, 17)]


def test_sixteen_gateball_teams_play_four_groups_then_an_eight_team_knockout_on_three_courts(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, teams = setup_tournament(
        make_event, organizer, "gateball", TEAMS16, courts=3, min_rest_slots=1
    )
    group_stage, knockout = service.make_draw(
        tournament, "groups_knockout", groups=4, qualifiers=2, actor=organizer
    )
    seeds = [[m.registration_id for m in pool.members] for pool in group_stage.pools]
    # Serpentine: A gets seeds 1, 8, 9, 16.
    assert seeds[0] == [teams[0], teams[7], teams[8], teams[15]]
    assert seeds[3] == [teams[3], teams[4], teams[11], teams[12]]
    slots = service.make_schedule(tournament, actor=organizer)
    matches = service.all_matches(tournament)
    group_matches = [m for m in matches if m.pool_id is not None]
    assert len(group_matches) == 24
    by_slot: dict[int, list[int]] = {}
    for match in matches:
        if match.slot is None:
            continue
        for team in match.sides:
            if team is not None:
                assert team not in by_slot.setdefault(match.slot, []), "a team plays twice at once"
                by_slot[match.slot].append(team)
    assert max(Counter((m.slot, m.court_id) for m in matches if m.slot is not None).values()) == 1
    # One slot of rest between a team's matches.
    for team in teams:
        played = sorted(m.slot for m in group_matches if team in m.sides)
        assert all(b - a >= 2 for a, b in pairwise(played))
    # In every group the two top seeds meet last.
    for pool, members in zip(group_stage.pools, seeds, strict=True):
        mine = [m for m in group_matches if m.pool_id == pool.id]
        top = next(m for m in mine if set(m.sides) == {members[0], members[1]})
        assert top.slot == max(m.slot for m in mine)
    knockout_matches = [m for m in matches if m.stage_id == knockout.id]
    assert min(m.slot for m in knockout_matches) > max(m.slot for m in group_matches)
    assert slots == max(m.slot for m in matches if m.slot is not None) + 1

    # Every group: the lower seed number wins by 10 - 5, so group seeds finish in order.
    for match in group_matches:
        a_seed = teams.index(match.side_a_id)
        b_seed = teams.index(match.side_b_id)
        a, b = (10, 5) if a_seed < b_seed else (5, 10)
        play_score(tournament, match, a, b, organizer)
    first_round = sorted(
        (m for m in knockout_matches if m.round_index == 0), key=lambda m: m.match_index
    )
    names = service.team_names(tournament)
    pairs = [(names[m.side_a_id], names[m.side_b_id]) for m in first_round]
    # A1 v C2, D1 v B2, B1 v D2, C1 v A2: no group meets itself before the final.
    assert pairs == [("队01", "队06"), ("队04", "队07"), ("队02", "队05"), ("队03", "队08")]
    for match in first_round:
        play_score(tournament, match, 12, 3, organizer)
    semis = [m for m in knockout_matches if m.round_index == 1]
    assert {names[t] for m in semis for t in m.sides} == {"队01", "队04", "队02", "队03"}
    for match in semis:
        play_score(tournament, match, 3, 12, organizer)
    final = next(m for m in knockout_matches if m.round_index == 2 and not m.is_third_place)
    assert {names[t] for t in final.sides} == {"队04", "队03"}
    play_score(tournament, final, 20, 7, organizer)
    assert names[final.winner_id] == names[final.side_a_id]
    tables = tournament_tables(tournament)
    assert [line.registration_id for line in tables[0].lines] == seeds[0]
    assert tables[0].lines[0].points == 6 and tables[0].lines[0].decided_by == "match_points"


def test_a_six_player_table_tennis_group_is_ranked_by_ittf_rules(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, (p1, p2, p3, p4, p5, p6) = setup_tournament(
        make_event, organizer, "table_tennis", ["甲", "乙", "丙", "丁", "戊", "己"], best_of=5
    )
    service.make_draw(tournament, "round_robin", actor=organizer)
    assert len(service.all_matches(tournament)) == 15
    easy = ((11, 5), (11, 5), (11, 5))
    for other in (p2, p3, p4, p5, p6):
        play_tt(tournament, p1, other, easy, organizer)
    for winner in (p2, p3, p4):
        for loser in (p5, p6):
            play_tt(tournament, winner, loser, easy, organizer)
    play_tt(tournament, p2, p3, ((11, 5), (11, 7), (11, 9)), organizer)
    play_tt(tournament, p3, p4, ((11, 9), (9, 11), (11, 4), (11, 6)), organizer)
    play_tt(tournament, p4, p2, ((11, 8), (8, 11), (12, 14), (11, 9), (11, 7)), organizer)
    walkover = find_match(tournament, p5, p6)
    record_result(walkover, ResultInput(outcome="walkover", winner_id=p5), actor=organizer)
    (table,) = tournament_tables(tournament)
    assert table.complete
    order = [(line.place, line.registration_id, line.points) for line in table.lines]
    # 2 points a win, 1 a played loss, 0 the walkover loss; 乙丙丁 tie on 8 and are separated by
    # games among themselves: 乙 5/3, 丁 4/5, 丙 3/4.
    assert order == [(1, p1, 10), (2, p2, 8), (3, p4, 8), (4, p3, 8), (5, p5, 6), (6, p6, 4)]
    assert [line.decided_by for line in table.lines] == [
        "match points",
        "games ratio between tied",
        "games ratio between tied",
        "games ratio between tied",
        "match points",
        "match points",
    ]


@pytest.mark.parametrize(
    ("games", "message"),
    [
        (((11, 10), (11, 5), (11, 5)), "Game 1: 11-10"),
        (((12, 9), (11, 5), (11, 5)), "Game 1: 12-9"),
        (((11, 5), (11, 5), (11, 5), (11, 5)), "already decided after game 3"),
        (((11, 5), (11, 5)), "Nobody has won 3 games"),
    ],
)
def test_impossible_table_tennis_scores_are_refused_and_nothing_is_saved(
    organizer: User,
    make_event: Callable[..., int],
    games,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    tournament, _teams = setup_tournament(make_event, organizer, "table_tennis", ["甲", "乙"])
    service.make_draw(tournament, "round_robin", actor=organizer)
    (match,) = service.all_matches(tournament)
    with pytest.raises(EventsysError, match=message):
        record_result(match, ResultInput(games=games), actor=organizer)
    db.session.refresh(match)
    assert match.status == "scheduled" and match.winner_id is None


def test_a_walkover_to_a_team_not_in_the_match_is_refused(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, (a, b, c) = setup_tournament(make_event, organizer, "gateball", ["甲", "乙", "丙"])
    service.make_draw(tournament, "round_robin", actor=organizer)
    match = find_match(tournament, a, b)
    with pytest.raises(EventsysError, match="one of the two teams"):
        record_result(match, ResultInput(outcome="walkover", winner_id=c), actor=organizer)
    assert match.status == "scheduled"


def test_gateball_level_scores_are_decided_by_finished_balls(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, (_a, b) = setup_tournament(make_event, organizer, "gateball", ["红队", "白队"])
    service.make_draw(tournament, "knockout", actor=organizer)
    (match,) = service.all_matches(tournament)
    with pytest.raises(EventsysError, match="level"):
        record_result(match, ResultInput(score_a=10, score_b=10), actor=organizer)
    with pytest.raises(EventsysError, match="add up to 9"):
        record_result(
            match,
            ResultInput(score_a=10, score_b=10, balls_a=(5, 3, 1, 0, 0), balls_b=(5, 5, 0, 0, 0)),
            actor=organizer,
        )
    with pytest.raises(EventsysError, match="4 is impossible"):
        record_result(
            match,
            ResultInput(score_a=10, score_b=10, balls_a=(4, 3, 3, 0, 0), balls_b=(5, 5, 0, 0, 0)),
            actor=organizer,
        )
    with pytest.raises(EventsysError, match="0 to 25"):
        record_result(match, ResultInput(score_a=26, score_b=3), actor=organizer)
    record_result(
        match,
        ResultInput(score_a=10, score_b=10, balls_a=(3, 3, 3, 1, 0), balls_b=(5, 5, 0, 0, 0)),
        actor=organizer,
    )
    assert match.winner_id == b and match.decided_by == "finished_balls"


def test_billiards_is_a_race_and_stops_at_the_target(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, _teams = setup_tournament(
        make_event, organizer, "billiards", ["甲", "乙"], race_to=5
    )
    service.make_draw(tournament, "round_robin", actor=organizer)
    (match,) = service.all_matches(tournament)
    for score_a, score_b, message in ((6, 2, "stops"), (4, 2, "Nobody"), (5, 5, "Both")):
        with pytest.raises(EventsysError, match=message):
            record_result(match, ResultInput(score_a=score_a, score_b=score_b), actor=organizer)
    record_result(match, ResultInput(score_a=3, score_b=5), actor=organizer)
    assert match.winner_id == match.side_b_id


def test_a_knockout_gives_byes_to_the_top_seeds_and_winners_advance(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, teams = setup_tournament(
        make_event, organizer, "score", [f"T{n}" for n in range(1, 7)], third_place_match=True
    )
    service.make_draw(tournament, "knockout", actor=organizer)
    matches = service.all_matches(tournament)
    first = [m for m in matches if m.round_index == 0]
    byes = [m for m in first if m.status == "bye"]
    assert {m.side_a_id for m in byes} == {teams[0], teams[1]}
    semis = [m for m in matches if m.round_index == 1]
    assert {teams[0], teams[1]} <= {t for m in semis for t in m.sides}
    assert any(m.is_third_place for m in matches)


def test_correcting_a_result_whose_next_round_was_played_warns_then_re_derives(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, (t1, t2, t3, t4) = setup_tournament(
        make_event, organizer, "score", ["T1", "T2", "T3", "T4"]
    )
    service.make_draw(tournament, "knockout", actor=organizer)
    semi1 = find_match(tournament, t1, t4)
    semi2 = find_match(tournament, t2, t3)
    play_score(tournament, semi1, 3, 1, organizer)
    play_score(tournament, semi2, 2, 0, organizer)
    final = find_match(tournament, t1, t2)
    play_score(tournament, final, 1, 0, organizer)
    with pytest.raises(EventsysError, match="reason"):
        record_result(semi1, ResultInput(score_a=0, score_b=2), actor=organizer)
    with pytest.raises(NeedsConfirmation, match="already played"):
        record_result(semi1, ResultInput(score_a=0, score_b=2), actor=organizer, reason="记错")
    db.session.refresh(final)
    db.session.refresh(semi1)
    assert semi1.winner_id == t1 and final.status == "played" and final.side_a_id == t1
    outcome = record_result(
        semi1, ResultInput(score_a=0, score_b=2), actor=organizer, reason="记错", confirm=True
    )
    assert outcome.cleared == [final]
    assert final.status == "scheduled" and final.winner_id is None
    assert set(final.sides) == {t4, t2}
    actions = db.session.scalars(select(AuditRecord.action).order_by(AuditRecord.id)).all()
    assert actions[-2:] == ["match.clear", "match.correct"]


def test_a_result_can_be_entered_by_an_appointed_referee_but_not_by_others(
    organizer: User, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    tournament, (a, _b) = setup_tournament(make_event, organizer, "score", ["甲", "乙"])
    service.make_draw(tournament, "round_robin", actor=organizer)
    (match,) = service.all_matches(tournament)
    stranger = db.session.get(User, make_user(roles=("judge",)))
    with pytest.raises(Forbidden):
        record_result(match, ResultInput(score_a=1, score_b=0), actor=stranger)
    service.appoint_referee(tournament, stranger, actor=organizer)
    record_result(match, ResultInput(score_a=1, score_b=0), actor=stranger)
    assert match.winner_id == a and match.result_by_id == stranger.id


def test_moving_a_match_refuses_a_team_twice_at_once_and_a_taken_court(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, (a, b, c, d) = setup_tournament(
        make_event, organizer, "score", ["甲", "乙", "丙", "丁"], courts=3
    )
    service.make_draw(tournament, "round_robin", actor=organizer)
    service.make_schedule(tournament, actor=organizer)
    court1, _court2, court3 = tournament.courts
    ab = find_match(tournament, a, b)
    ac = find_match(tournament, a, c)
    with pytest.raises(EventsysError, match="twice at once"):
        service.move_match(ac, court_id=court3.id, slot=ab.slot, actor=organizer)
    bd = find_match(tournament, b, d)
    cd = find_match(tournament, c, d)
    with pytest.raises(EventsysError, match="is taken at that time"):
        service.move_match(bd, court_id=cd.court_id, slot=cd.slot, actor=organizer)
    service.move_match(ab, court_id=court1.id, slot=10, actor=organizer)
    assert ab.slot == 10 and ab.starts_at == service.slot_start(tournament, 10)


def test_seeds_must_be_one_to_n_and_groups_must_fit_the_teams(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, teams = setup_tournament(make_event, organizer, "score", ["甲", "乙", "丙", "丁"])
    with pytest.raises(EventsysError, match="1 to 4"):
        service.set_entries(
            tournament, {team: seed for seed, team in enumerate(teams, start=2)}, actor=organizer
        )
    with pytest.raises(EventsysError, match="at most 2 groups"):
        service.make_draw(tournament, "groups_knockout", groups=3, qualifiers=1, actor=organizer)
    with pytest.raises(EventsysError, match="Between 1 and 1"):
        service.make_draw(tournament, "groups_knockout", groups=2, qualifiers=2, actor=organizer)
    assert db.session.scalar(select(func.count()).select_from(TournamentMatch)) == 0


def test_a_tournament_needs_a_ball_game_event(
    organizer: User, make_event: Callable[..., int]
) -> None:
    from eventsys.models import Event

    event = db.session.get(Event, make_event(kind="lecture", organizer_id=organizer.id))
    with pytest.raises(EventsysError, match="ball-game"):
        service.create_tournament(
            event, service.TournamentSettings.for_sport("score"), actor=organizer
        )


def test_a_gateball_place_decided_by_balls_through_gate_3_is_named_in_the_standings(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, (x, y, z) = setup_tournament(
        make_event,
        organizer,
        "gateball",
        ["红队", "白队", "蓝队"],
        criteria=("match_points", "points_scored", "finished_balls", "through_gate_3"),
    )
    service.make_draw(tournament, "round_robin", actor=organizer)
    # 红 and 白 beat 蓝 10:7 each with one finished ball; 红's 5 3 2 0 0 has two balls through
    # gate 3, 白's 5 2 1 1 1 one. 红 v 白 is a 6:6 draw decided by nothing (same balls).
    level = (3, 3, 0, 0, 0)
    record_result(
        find_match(tournament, x, z),
        _balls(find_match(tournament, x, z), x, (5, 3, 2, 0, 0), (3, 2, 2, 0, 0)),
        actor=organizer,
    )
    record_result(
        find_match(tournament, y, z),
        _balls(find_match(tournament, y, z), y, (5, 2, 1, 1, 1), (3, 2, 2, 0, 0)),
        actor=organizer,
    )
    record_result(
        find_match(tournament, x, y),
        _balls(find_match(tournament, x, y), x, level, level),
        actor=organizer,
    )
    (table,) = tournament_tables(tournament)
    assert [(line.registration_id, line.place, line.decided_by) for line in table.lines] == [
        (x, 1, "through_gate_3"),
        (y, 2, "match_points"),
        (z, 3, None),
    ]
    assert table.lines[0].decided_by_label == "balls through gate 3"


def _balls(
    match: TournamentMatch, first: int, balls_first: tuple[int, ...], balls_other: tuple[int, ...]
) -> ResultInput:
    """A played gateball result with *first*'s balls and the other side's, in match order."""
    a, b = (balls_first, balls_other) if match.side_a_id == first else (balls_other, balls_first)
    return ResultInput(score_a=sum(a), score_b=sum(b), balls_a=a, balls_b=b)


def test_a_gateball_tournament_ranking_by_gates_needs_each_balls_points(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, _teams = setup_tournament(
        make_event,
        organizer,
        "gateball",
        ["红队", "白队"],
        criteria=("match_points", "through_gate_2"),
    )
    service.make_draw(tournament, "round_robin", actor=organizer)
    (match,) = service.all_matches(tournament)
    with pytest.raises(EventsysError, match="how far the balls got"):
        record_result(match, ResultInput(score_a=12, score_b=7), actor=organizer)
    assert match.status == "scheduled"


def test_an_order_of_play_running_past_the_events_booking_is_refused_and_nothing_is_placed(
    organizer: User, make_event: Callable[..., int]
) -> None:
    # The event books its room 14:00-16:00; six 30-minute matches on one court need three hours.
    tournament, _teams = setup_tournament(
        make_event, organizer, "score", ["甲", "乙", "丙", "丁"], courts=1, hours=2
    )
    service.make_draw(tournament, "round_robin", actor=organizer)
    with pytest.raises(EventsysError, match="outside the time the event has booked its room"):
        service.make_schedule(tournament, actor=organizer)
    assert all(match.slot is None for match in service.all_matches(tournament))
    # On two courts the three rounds fit: 14:00, 14:30, 15:00.
    service.add_court(tournament, "2号场", actor=organizer)
    assert service.make_schedule(tournament, actor=organizer) == 3
    assert service.outside_booking(tournament, service.all_matches(tournament)) == []


def test_a_match_cannot_be_moved_or_retimed_outside_the_events_booking(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, (a, b, *_others) = setup_tournament(
        make_event, organizer, "score", ["甲", "乙", "丙", "丁"], courts=2, hours=2
    )
    service.make_draw(tournament, "round_robin", actor=organizer)
    service.make_schedule(tournament, actor=organizer)
    match = find_match(tournament, a, b)
    court = tournament.courts[0]
    # Slot 3 is 15:30-16:00, the last half hour booked; slot 4 would end at 16:30.
    with pytest.raises(EventsysError, match="outside the time") as refused:
        service.move_match(match, court_id=court.id, slot=4, actor=organizer)
    assert refused.value.field == "slot"
    service.move_match(match, court_id=court.id, slot=3, actor=organizer)
    assert match.slot == 3
    later = service.TournamentSettings.for_sport(
        "score", first_slot_at=tournament.first_slot_at + timedelta(minutes=30)
    )
    with pytest.raises(EventsysError, match="outside the time") as refused:
        service.update_settings(tournament, later, actor=organizer)
    assert refused.value.field == "first_slot_at"
    db.session.refresh(tournament)
    db.session.refresh(match)
    assert tournament.first_slot_at == tournament.event.starts_at
    assert match.starts_at == service.slot_start(tournament, 3)


# ---- settings and referees ------------------------------------------------------------------


def _audit(action: str) -> list[AuditRecord]:
    return list(
        db.session.scalars(
            select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.id)
        )
    )


def test_changing_points_criteria_and_timing_is_saved_audited_and_retimes_the_matches(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, _teams = setup_tournament(make_event, organizer, "gateball", ["甲", "乙", "丙"])
    service.make_draw(tournament, "round_robin", actor=organizer)
    service.make_schedule(tournament, actor=organizer)
    db.session.commit()
    changed = service.TournamentSettings.for_sport(
        "gateball",
        points_win=3,
        points_draw=None,
        criteria=("match_points", "finished_balls", "through_gate_3", "through_gate_2"),
        slot_minutes=40,
        first_slot_at=tournament.first_slot_at + timedelta(minutes=30),
    )
    service.update_settings(tournament, changed, actor=organizer)
    assert (tournament.points_win, tournament.points_draw) == (3, None)
    assert tournament.criteria_list == [
        "match_points",
        "finished_balls",
        "through_gate_3",
        "through_gate_2",
    ]
    assert versions.tournament(tournament.id) in versions.pending(db.session)
    for match in service.all_matches(tournament):
        assert match.starts_at == tournament.event.starts_at + timedelta(
            minutes=30 + 40 * match.slot
        )
    (record,) = _audit("tournament.update")
    assert record.actor_id == organizer.id
    assert record.before["points_win"] == 2 and record.after["points_win"] == 3
    assert record.after["criteria"] == "match_points,finished_balls,through_gate_3,through_gate_2"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"criteria": ("match_points", "nonsense")}, "criteria", "Unknown standings criterion"),
        ({"criteria": ("match_points", "match_points")}, "criteria", "only once"),
        ({"criteria": ()}, "criteria", "at least one"),
        ({"points_win": 0, "points_loss": 1}, "points_win", "cannot be used"),
        ({"slot_minutes": 2}, "slot_minutes", "5 to 600"),
        ({"min_rest_slots": 21}, "min_rest_slots", "0 to 20"),
    ],
)
def test_impossible_settings_are_refused_and_change_nothing(
    organizer: User,
    make_event: Callable[..., int],
    overrides: dict[str, object],
    field: str,
    message: str,
) -> None:
    tournament, _teams = setup_tournament(make_event, organizer, "gateball", ["甲", "乙"])
    before = (tournament.criteria, tournament.points_win, tournament.slot_minutes)
    with pytest.raises(EventsysError, match=message) as refused:
        service.update_settings(
            tournament,
            service.TournamentSettings.for_sport("gateball", **overrides),
            actor=organizer,
        )
    assert refused.value.field == field
    assert (tournament.criteria, tournament.points_win, tournament.slot_minutes) == before
    assert _audit("tournament.update") == []


def test_the_sport_cannot_change_once_the_draw_is_made(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, _teams = setup_tournament(make_event, organizer, "gateball", ["甲", "乙"])
    service.make_draw(tournament, "round_robin", actor=organizer)
    table_tennis = service.TournamentSettings.for_sport("table_tennis")
    with pytest.raises(EventsysError, match="delete it before changing the sport") as refused:
        service.update_settings(tournament, table_tennis, actor=organizer)
    assert refused.value.field == "sport" and tournament.sport == "gateball"
    service.delete_draw(tournament, actor=organizer)
    service.update_settings(tournament, table_tennis, actor=organizer)
    assert (tournament.sport, tournament.best_of, tournament.points_loss) == ("table_tennis", 5, 1)


def test_the_match_length_cannot_change_once_results_exist(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, (a, b) = setup_tournament(
        make_event, organizer, "table_tennis", ["甲", "乙"], best_of=5
    )
    service.make_draw(tournament, "round_robin", actor=organizer)
    play_tt(tournament, a, b, ((11, 5), (11, 5), (11, 5)), organizer)
    with pytest.raises(EventsysError, match="match length can no longer change"):
        service.update_settings(
            tournament,
            service.TournamentSettings.for_sport("table_tennis", best_of=7),
            actor=organizer,
        )
    assert tournament.best_of == 5
    with pytest.raises(EventsysError, match="draw can no longer be deleted"):
        service.delete_draw(tournament, actor=organizer)


def test_ranking_by_gates_cannot_be_added_after_results_saved_without_ball_points(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, _teams = setup_tournament(make_event, organizer, "gateball", ["甲", "乙"])
    service.make_draw(tournament, "round_robin", actor=organizer)
    (match,) = service.all_matches(tournament)
    play_score(tournament, match, 12, 7, organizer)
    gates = service.TournamentSettings.for_sport(
        "gateball", criteria=("match_points", "through_gate_3")
    )
    with pytest.raises(EventsysError, match="without each ball's points") as refused:
        service.update_settings(tournament, gates, actor=organizer)
    assert refused.value.field == "criteria" and tournament.criteria_list[-1] != "through_gate_3"
    record_result(
        match,
        ResultInput(score_a=12, score_b=7, balls_a=(5, 5, 2, 0, 0), balls_b=(3, 2, 2, 0, 0)),
        actor=organizer,
        reason="补记每球得分",
    )
    service.update_settings(tournament, gates, actor=organizer)
    (table,) = tournament_tables(tournament)
    assert table.lines[0].registration_id == match.side_a_id


def test_only_organizers_change_settings_appoint_or_remove_referees(
    organizer: User, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    tournament, _teams = setup_tournament(make_event, organizer, "score", ["甲", "乙"])
    judge = db.session.get(User, make_user(roles=("judge",)))
    with pytest.raises(Forbidden):
        service.update_settings(
            tournament, service.TournamentSettings.for_sport("score"), actor=judge
        )
    with pytest.raises(Forbidden):
        service.appoint_referee(tournament, judge, actor=judge)
    referee = service.appoint_referee(tournament, judge, actor=organizer)
    with pytest.raises(Forbidden):
        service.remove_referee(referee, actor=judge)
    assert [r.user_id for r in tournament.referees] == [judge.id]


def test_a_removed_referee_can_no_longer_enter_results_and_the_removal_is_audited(
    organizer: User, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    tournament, _teams = setup_tournament(make_event, organizer, "score", ["甲", "乙"])
    service.make_draw(tournament, "round_robin", actor=organizer)
    (match,) = service.all_matches(tournament)
    judge = db.session.get(User, make_user(roles=("judge",)))
    referee = service.appoint_referee(tournament, judge, actor=organizer)
    with pytest.raises(EventsysError, match="already a referee"):
        service.appoint_referee(tournament, judge, actor=organizer)
    assert service.can_enter_results(judge, tournament)
    service.remove_referee(referee, actor=organizer)
    assert tournament.referees == []
    assert not service.can_enter_results(judge, tournament)
    with pytest.raises(Forbidden):
        record_result(match, ResultInput(score_a=1, score_b=0), actor=judge)
    (record,) = _audit("tournament.referee_remove")
    assert record.before == {"user_id": judge.id} and record.actor_id == organizer.id
