"""TRF-16 (eventsys.domain.trf): a Swiss tournament written as FIDE's report file and read
back; files that do not hold together are refused with their line."""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import pytest

from eventsys import pairing
from eventsys.domain import swiss, trf
from tests.domain.test_swiss_pairing import play

PLAYERS = [
    trf.Player(1, "王建国", rating=1850, sex="m"),
    trf.Player(2, "李秀英", rating=1720, sex="w"),
    trf.Player(3, "Zhang Wei"),
    trf.Player(4, "赵明"),
    trf.Player(5, "陈老"),
]
ROUNDS = [
    [(1, 3, "1-0"), (4, 2, "1/2"), (5, None, "bye")],
    [(2, 1, "0-1"), (5, 3, "+-"), (4, None, "bye")],
]


def as_sets(rounds: list) -> list[set]:
    return [set(games) for games in rounds]


def test_a_written_report_has_the_columns_of_trf16() -> None:
    text = trf.export(trf.Report("区象棋赛", PLAYERS, ROUNDS, points=(2, 1, 0), criteria=()))
    lines = text.splitlines()
    assert lines[0] == "012 区象棋赛"
    assert "XXS W=2.0 D=1.0 PAB=2.0" in lines
    first = next(line for line in lines if line.startswith("001    1"))
    assert first[14:47].strip() == "王建国" and first[48:52] == "1850" and first[9] == "m"
    assert first[80:84] == " 4.0"  # two wins at 2 points
    assert first[91:99] == "   3 w 1" and first[101:109] == "   2 b 1"
    fifth = next(line for line in lines if line.startswith("001    5"))
    assert fifth[91:99] == "0000 - U" and fifth[101:109] == "   3 w +"


def test_the_report_reads_back_as_it_was_written() -> None:
    report = trf.Report("区象棋赛", PLAYERS, ROUNDS, points=(2, 1, 0), start="2026/12/05")
    back = trf.parse(trf.export(report))
    assert [p.name for p in back.players] == [p.name for p in PLAYERS]
    assert back.players[0].rating == 1850 and back.start == "2026/12/05"
    assert back.points == (2, 1, 0)
    assert as_sets(back.rounds) == as_sets(ROUNDS)


@pytest.mark.parametrize("seed", range(8))
def test_random_tournaments_survive_the_round_trip(seed: int) -> None:
    rnd = random.Random(seed)
    field = list(range(1, rnd.randint(5, 14) + 1))
    players = [trf.Player(n, f"选手{n}") for n in field]
    points = rnd.choice([(2, 1, 0), (Fraction(1), Fraction(1, 2), Fraction(0))])
    rounds: list[list[tuple]] = []
    active = list(field)
    gone: list[int] = []
    for number in range(rnd.randint(1, 7)):
        if number and rnd.random() < 0.2:
            gone.append(active.pop(rnd.randrange(len(active))))
        rounds.append(play(rnd, pairing.pair_round(active, rounds, points)))
        rounds[-1] += [(p, None, "-+") for p in gone]
    report = trf.Report("x", players, rounds, points=points)
    back = trf.parse(trf.export(report))
    assert as_sets(back.rounds) == as_sets(rounds)
    numbers = [p.number for p in players]
    assert swiss.score(numbers, back.rounds, back.points) == swiss.score(numbers, rounds, points)


def test_a_total_that_disagrees_with_the_games_is_refused_with_its_line() -> None:
    text = trf.export(trf.Report("x", PLAYERS, ROUNDS, points=(2, 1, 0)))
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("001    1"))
    lines[index] = lines[index][:80] + " 3.0" + lines[index][84:]
    with pytest.raises(swiss.SwissError, match=f"line {index + 1}: player 1 has 3.0 points"):
        trf.parse("\n".join(lines))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello\n", "no player"),
        ("001 abcd\n", "start number"),
        ("001    1  " + " " * 81 + "   2 w 1\n001    2" + " " * 83 + "   1 w 0\n", "disagree"),
        ("001    1  " + " " * 81 + "   2 w 1\n001    2" + " " * 83 + "   1 b 1\n", "go together"),
        ("001    1  " + " " * 81 + "   9 w 1\n", "no player 9"),
        ("001    1  " + " " * 81 + "0000 - H\n", "half-point"),
        ("001    1  " + " " * 81 + "xx\n", "no cell"),
    ],
)
def test_files_that_do_not_parse_are_refused(text: str, message: str) -> None:
    with pytest.raises(swiss.SwissError, match=message):
        trf.parse(text)


def test_py4swiss_reads_our_report_strictly_and_scores_it_as_we_do(tmp_path: Path) -> None:
    """An independent reader (py4swiss's TRF parser, strict mode, which checks every player's
    points against their games under the file's point system) accepts a 24-player 7-round
    象棋 tournament with a withdrawal."""
    from py4swiss.trf.trf_parser import TrfParser

    rnd = random.Random(24)
    field = list(range(1, 25))
    rounds: list[list[tuple]] = []
    for number in range(7):
        active = field if number < 4 else field[:-1]
        rounds.append(play(rnd, pairing.pair_round(active, rounds, (2, 1, 0))))
        if number >= 4:
            rounds[-1].append((24, None, "-+"))  # player 24 withdrew after round 4
    players = [trf.Player(n, f"选手{n}", rating=2000 - 10 * n) for n in field]
    path = tmp_path / "xiangqi.trf"
    path.write_text(trf.export(trf.Report("区象棋赛", players, rounds, points=(2, 1, 0))), "utf-8")
    parsed = TrfParser.parse(path, strict=True)
    ours = swiss.score(field, rounds)
    theirs = {p.starting_number: Fraction(p.points_times_ten, 10) for p in parsed.player_sections}
    assert theirs == ours
