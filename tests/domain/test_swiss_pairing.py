"""The next round's pairing (eventsys.pairing.pair_round): seeded random tournaments, each
round checked against every possible pairing, by the rules' order of what to minimise, counted
here from the rounds themselves (not by the module's own cost function)."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from fractions import Fraction

import pytest

from eventsys import pairing
from eventsys.domain import swiss

Pairing = list[tuple[int, int | None]]


def matchings(players: Sequence[int]) -> Iterator[list[tuple[int, int | None]]]:
    """Every way to pair *players* (one bye when odd)."""
    if not players:
        yield []
        return
    if len(players) % 2:
        for bye in players:
            rest = [p for p in players if p != bye]
            for m in matchings(rest):
                yield [*m, (bye, None)]
        return
    first, rest = players[0], players[1:]
    for i, other in enumerate(rest):
        for m in matchings(rest[:i] + rest[i + 1 :]):
            yield [(first, other), *m]


def facts(rounds: list[list[tuple]]) -> tuple[set, dict, dict]:
    met: set[frozenset[int]] = set()
    colours: dict[int, list[str]] = {}
    byes: dict[int, int] = {}
    for games in rounds:
        for first, second, outcome in games:
            if outcome in ("1-0", "0-1", "1/2"):
                met.add(frozenset((first, second)))
                colours.setdefault(first, []).append("F")
                colours.setdefault(second, []).append("S")
            if outcome == "bye":
                byes[first] = byes.get(first, 0) + 1
    return met, colours, byes


def bad_colour(history: list[str], colour: str) -> bool:
    if history[-2:] == [colour, colour]:
        return True
    after = [*history, colour]
    return abs(after.count("F") - after.count("S")) > 2


def cost(players, rounds, points, chosen: Pairing, *, best_colours: bool) -> tuple:
    scores = swiss.score(players_all(rounds, players), rounds, points)
    met, colours, byes = facts(rounds)
    rematches = second_byes = colour_breaks = bye_score = unequal = difference = 0
    for first, second in chosen:
        if second is None:
            second_byes += byes.get(first, 0) > 0
            bye_score += scores[first]
            continue
        rematches += frozenset((first, second)) in met
        ways = [(first, second), (second, first)] if best_colours else [(first, second)]
        colour_breaks += min(
            bad_colour(colours.get(a, []), "F") + bad_colour(colours.get(b, []), "S")
            for a, b in ways
        )
        gap = abs(scores[first] - scores[second])
        unequal += gap != 0
        difference += gap
    return (rematches, second_byes, colour_breaks, bye_score, unequal, difference)


def players_all(rounds, players) -> list[int]:
    seen = set(players)
    for games in rounds:
        for first, second, _outcome in games:
            seen.update(p for p in (first, second) if p is not None)
    return sorted(seen)


def play(rnd: random.Random, chosen: Pairing) -> list[tuple]:
    games = []
    for first, second in chosen:
        if second is None:
            games.append((first, None, "bye"))
            continue
        roll = rnd.random()
        outcome = (
            "+-" if roll < 0.03 else "-+" if roll < 0.06 else rnd.choice(["1-0", "0-1", "1/2"])
        )
        games.append((first, second, outcome))
    return games


@pytest.mark.parametrize("seed", range(40))
def test_every_round_is_as_good_as_the_best_possible_pairing(seed: int) -> None:
    rnd = random.Random(seed)
    n = rnd.randint(4, 10)
    points = rnd.choice([(2, 1, 0), (1, Fraction(1, 2), 0)])
    field = list(range(1, n + 1))
    withdrawn: list[int] = []
    rounds: list[list[tuple]] = []
    for number in range(rnd.randint(2, 7)):
        if number and len(field) > 4 and rnd.random() < 0.15:
            leaving = rnd.choice(field)
            field.remove(leaving)
            withdrawn.append(leaving)
        chosen = pairing.pair_round(field, rounds, points)
        seated = [p for pair in chosen for p in pair if p is not None]
        assert sorted(seated) == field, "every player once, nobody withdrawn"
        assert sum(second is None for _first, second in chosen) == len(field) % 2
        if number:
            ours = cost(field, rounds, points, chosen, best_colours=False)
            best = min(cost(field, rounds, points, m, best_colours=True) for m in matchings(field))
            assert ours == best, f"round {number + 1}: {chosen}"
        games = play(rnd, chosen)
        games += [(p, None, "-+") for p in withdrawn]
        rounds.append(games)
        swiss.standings(players_all(rounds, field), rounds, ["buchholz_cut1", "buchholz"], points)


def test_a_small_field_late_in_the_event_still_gets_a_round_and_the_rematch_is_named() -> None:
    players = [1, 2, 3, 4]
    rounds = [
        [(1, 2, "1-0"), (3, 4, "1-0")],
        [(3, 1, "1/2"), (4, 2, "1/2")],
        [(1, 4, "1-0"), (2, 3, "0-1")],
    ]
    chosen = pairing.pair_round(players, rounds)
    assert sorted(p for pair in chosen for p in pair if p) == players
    state = swiss.pairing_state(players, rounds)
    assert [b.code for b in swiss.rule_breaks(state, chosen)].count("rematch") == 2


def test_a_sixty_player_round_is_paired() -> None:
    rnd = random.Random(60)
    field = list(range(1, 61))
    rounds: list[list[tuple]] = []
    for _ in range(5):
        chosen = pairing.pair_round(field, rounds)
        rounds.append(play(rnd, chosen))
    met, _colours, _byes = facts(rounds[:-1])
    played = [(first, second) for first, second in chosen if second is not None]
    assert len(played) == 30
    assert not [pair for pair in played if frozenset(pair) in met], "no rematch in round 5"
