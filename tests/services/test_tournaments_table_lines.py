"""The columns of a group table: matches, points, games and (table tennis) rally points.

Written before the standings tally moved into the standings engine; it passes before and after."""

from __future__ import annotations

from collections.abc import Callable

from eventsys.models import User
from eventsys.services import tournaments as service
from eventsys.services.tournament_results import ResultInput, record_result
from eventsys.services.tournament_standings import tournament_tables
from tests.services.test_tournaments_helpers import find_match, setup_tournament


def _columns(line) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    return (
        line.played,
        line.won,
        line.drawn,
        line.lost,
        line.points,
        line.score_for,
        line.score_against,
        line.rally_for,
        line.rally_against,
    )


def test_a_table_tennis_retirement_and_walkover_give_the_loser_no_match_points(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, (jia, yi, bing) = setup_tournament(
        make_event, organizer, "table_tennis", ["甲", "乙", "丙"]
    )
    service.make_draw(tournament, "round_robin", actor=organizer)

    def side(match, first, games):  # type: ignore[no-untyped-def]
        return tuple(games) if match.side_a_id == first else tuple((b, a) for a, b in games)

    played = find_match(tournament, jia, yi)
    record_result(
        played, ResultInput(games=side(played, jia, [(11, 5), (11, 7), (12, 10)])), actor=organizer
    )
    retired = find_match(tournament, yi, bing)
    record_result(
        retired,
        ResultInput(outcome="retired", retired_id=yi, games=side(retired, yi, [(11, 9)])),
        actor=organizer,
    )
    walkover = find_match(tournament, jia, bing)
    record_result(walkover, ResultInput(outcome="walkover", winner_id=jia), actor=organizer)

    (table,) = tournament_tables(tournament)
    lines = {line.registration_id: line for line in table.lines}
    # played, won, drawn, lost, match points, games for/against, rally points for/against
    assert _columns(lines[jia]) == (2, 2, 0, 0, 4, 3, 0, 34, 22)
    # 乙 lost a played match (1 point) and retired (0 points, an unfinished match).
    assert _columns(lines[yi]) == (2, 0, 0, 2, 1, 1, 3, 33, 43)
    assert _columns(lines[bing]) == (2, 1, 0, 1, 2, 0, 1, 9, 11)
    assert [line.registration_id for line in table.lines] == [jia, bing, yi]


def test_a_gateball_draw_and_walkover_are_counted_by_the_tournament_points(
    organizer: User, make_event: Callable[..., int]
) -> None:
    tournament, (red, white, blue) = setup_tournament(
        make_event, organizer, "gateball", ["红队", "白队", "蓝队"], points_draw=1
    )
    service.make_draw(tournament, "round_robin", actor=organizer)
    level = find_match(tournament, red, white)
    record_result(
        level,
        ResultInput(score_a=6, score_b=6, balls_a=(3, 3), balls_b=(3, 3)),
        actor=organizer,
    )
    won = find_match(tournament, red, blue)
    score = (12, 7) if won.side_a_id == red else (7, 12)
    record_result(won, ResultInput(score_a=score[0], score_b=score[1]), actor=organizer)
    walkover = find_match(tournament, white, blue)
    record_result(walkover, ResultInput(outcome="walkover", winner_id=white), actor=organizer)

    (table,) = tournament_tables(tournament)
    lines = {line.registration_id: line for line in table.lines}
    win, draw, loss, walkover_loss = (
        tournament.points_win,
        tournament.points_draw,
        tournament.points_loss,
        tournament.points_walkover_loss,
    )
    assert _columns(lines[red]) == (2, 1, 1, 0, win + draw, 18, 13, 0, 0)
    assert _columns(lines[white]) == (2, 1, 1, 0, win + draw, 6, 6, 0, 0)
    assert _columns(lines[blue]) == (2, 0, 0, 2, loss + walkover_loss, 7, 12, 0, 0)
