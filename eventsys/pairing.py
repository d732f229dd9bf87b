"""The next round of a Swiss tournament: the pairing rule's costs (eventsys.domain.swiss) and
a minimum-cost perfect matching over them (networkx's blossom algorithm).

Why a library for the matching: the best pairing by the rules is a minimum-weight perfect
matching on the graph of all pairs (and a stand-in "bye" vertex with an odd field), which
Edmonds' blossom algorithm finds exactly in polynomial time, for 60 players as for 6; writing
and testing a blossom implementation by hand would be the larger, riskier part of this feature.
networkx (BSD, maintained since 2004, pure Python) computes it with integer arithmetic when the
weights are integers, so the lexicographic order of the rules becomes one exact integer weight.
The rules stay in the domain: this module only adds the costs up and asks for the matching.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import networkx as nx

from eventsys.domain import swiss

_BYE = "bye"


def _weight(cost: Sequence[int], bases: Sequence[int]) -> int:
    """One integer that orders like the tuple *cost* (each component below its base)."""
    total = 0
    for component, base in zip(cost, bases, strict=True):
        total = total * base + component
    return total


def pair_round(
    players: Iterable[int],
    rounds: Sequence[Iterable[swiss.Game]],
    points: swiss.Points = (2, 1, 0),
    bye_points: object = None,
) -> list[tuple[int, int | None]]:
    """Return the next round: every player of *players* once, ``(p, None)`` for the bye, the
    first of each pair playing the first colour; boards ordered by the pair's score."""
    rounds = [list(games) for games in rounds]
    state = swiss.pairing_state(players, rounds, points, bye_points)
    field = state.players
    if not rounds or all(not games for games in rounds):
        return swiss.first_round(field)
    if len(field) < 2:
        return [(p, None) for p in field]
    bases = [bound + 1 for bound in swiss.cost_bounds(state)]
    costs: dict[tuple[object, object], int] = {}
    for i, a in enumerate(field):
        for b in field[i + 1 :]:
            costs[(a, b)] = _weight(swiss.pair_cost(state, a, b), bases)
        if len(field) % 2:
            costs[(a, _BYE)] = _weight(swiss.bye_cost(state, a), bases)
    ceiling = max(costs.values()) + 1
    graph = nx.Graph()
    for (a, b), weight in costs.items():
        graph.add_edge(a, b, weight=ceiling - weight)  # every matching has the same size
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    pairs: list[tuple[int, int]] = []
    bye: list[tuple[int, int | None]] = []
    for a, b in matching:
        if a == _BYE or b == _BYE:
            bye.append((b if a == _BYE else a, None))
        else:
            pairs.append(swiss.orient(state, a, b))
    pairs.sort(key=lambda pair: (-max(state.scores[p] for p in pair), min(pair)))
    return [*pairs, *bye]
