"""Decide who wins which prize tier, and rank organisations by the prizes they won.

Plain values in, plain values out: scores, tier plans and points tables are handed in; nothing
here knows about contests, tables or requests. Higher scores are better throughout. Scores are
compared exactly as given, so pass the published (rounded) totals when ties are meant to be
judged on the published figure.

Tie policies for :func:`award_tiers` (a tier plan is ``[(name, quota), ...]``, best first, and
``Q_i`` is the cumulative quota of tiers 1..i):

``competition_rank``
    An entry's competition rank r (1, 2, 2, 4) puts it in the first tier with r <= Q_i. Tied
    entries take the higher tier and later tiers shrink, so the cumulative cut-offs hold; a tie
    across the last cut-off wins the last tier for all of its members.
``quota_extends``
    Tier after tier, each takes its full quota of the best entries left, plus everyone tied
    with the last of them; the next tier still takes its full quota after those extras.
``exact_quota_secondary_key``
    Where a group tied on score straddles a cut-off, the secondary key (higher is better)
    orders it and ``competition_rank`` is applied to the result, so quotas are exact. Entries
    still tied on the secondary key share the higher tier, which may then exceed its quota
    (later tiers shrink). The key is needed only for those straddling entries; a needed key
    that is missing is refused.

A plan whose quotas exceed the number of entries simply leaves prizes unawarded here; the
set-up screen refuses such a plan with :func:`check_tier_plan`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from fractions import Fraction
from itertools import pairwise
from typing import Final, TypeVar

from eventsys.domain.ranking import Comparable, competition_ranking, position_groups
from eventsys.domain.scoring import Exact, Mark, exact_result, round_half_up, to_fraction

E = TypeVar("E", bound=Hashable)
Org = TypeVar("Org", bound=Hashable)
P = TypeVar("P", bound=Hashable)

COMPETITION_RANK: Final = "competition_rank"
QUOTA_EXTENDS: Final = "quota_extends"
EXACT_QUOTA_SECONDARY_KEY: Final = "exact_quota_secondary_key"
POLICIES: Final[tuple[str, str, str]] = (
    COMPETITION_RANK,
    QUOTA_EXTENDS,
    EXACT_QUOTA_SECONDARY_KEY,
)


def _checked_tiers(tiers: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    names = [name for name, _ in tiers]
    if len(set(names)) != len(names):
        raise ValueError(f"prize tier names must be distinct: {names}")
    for name, quota in tiers:
        if isinstance(quota, bool) or not isinstance(quota, int):
            raise TypeError(f"the quota of tier {name!r} must be a whole number, not {quota!r}")
        if quota < 0:
            raise ValueError(f"the quota of tier {name!r} cannot be negative (got {quota})")
    return list(tiers)


def _checked_scores(scores: Mapping[E, Comparable]) -> None:
    for entry, score in scores.items():
        if isinstance(score, float):
            raise TypeError(
                f"the score of {entry!r} is a binary float {score!r}; pass a Decimal or Fraction"
            )


def _cutoffs(tiers: Sequence[tuple[str, int]]) -> list[int]:
    cutoffs, running = [], 0
    for _, quota in tiers:
        running += quota
        cutoffs.append(running)
    return cutoffs


def _tier_for_rank(rank: int, tiers: Sequence[tuple[str, int]], cutoffs: list[int]) -> str | None:
    for (name, _), cutoff in zip(tiers, cutoffs, strict=True):
        if rank <= cutoff:
            return name
    return None


def check_tier_plan(n_entries: int, tiers: Sequence[tuple[str, int]]) -> None:
    """Refuse a tier plan with bad quotas or more prizes than there are entries."""
    checked = _checked_tiers(tiers)
    if n_entries < 0:
        raise ValueError(f"the number of entries cannot be negative (got {n_entries})")
    prizes = sum(quota for _, quota in checked)
    if prizes > n_entries:
        raise ValueError(
            f"the prize tiers award {prizes} prizes but there are only {n_entries} entries"
        )


def quotas_from_shares(n_entries: int, shares: Sequence[tuple[str, Mark]]) -> list[tuple[str, int]]:
    """Turn shares of the field (Decimal("0.1") is 10 %) into whole quotas, rounding half up."""
    if n_entries < 0:
        raise ValueError(f"the number of entries cannot be negative (got {n_entries})")
    exact = [(name, to_fraction(share)) for name, share in shares]
    for name, share in exact:
        if not 0 <= share <= 1:
            raise ValueError(f"the share of tier {name!r} must lie between 0 and 1 (got {share})")
    if sum((share for _, share in exact), Fraction(0)) > 1:
        raise ValueError("the shares of the prize tiers add up to more than the whole field")
    # Each tier is rounded on its own, as the organisers would by hand ("10 % of 25 is 2.5,
    # so 3"); if that overshoots the field, the lowest tiers give the surplus back.
    quotas = [int(round_half_up(share * n_entries, 0)) for _, share in exact]
    surplus = sum(quotas) - n_entries
    for index in reversed(range(len(quotas))):
        if surplus <= 0:
            break
        give_back = min(surplus, quotas[index])
        quotas[index] -= give_back
        surplus -= give_back
    return [(name, quota) for (name, _), quota in zip(exact, quotas, strict=True)]


def award_by_threshold(
    scores: Mapping[E, Mark], thresholds: Sequence[tuple[str, Mark]]
) -> dict[E, str | None]:
    """Give each entry the best tier whose minimum score it reaches, else None."""
    exact = [(name, to_fraction(minimum)) for name, minimum in thresholds]
    names = [name for name, _ in exact]
    if len(set(names)) != len(names):
        raise ValueError(f"prize tier names must be distinct: {names}")
    for (upper, high), (lower, low) in pairwise(exact):
        if not high > low:
            raise ValueError(
                f"tier {upper!r} must need a higher score than tier {lower!r}, best tier first"
            )
    awards: dict[E, str | None] = {}
    for entry, score in scores.items():
        value = to_fraction(score)
        awards[entry] = next((name for name, minimum in exact if value >= minimum), None)
    return awards


def _competition_rank(
    scores: Mapping[E, Comparable], tiers: Sequence[tuple[str, int]]
) -> dict[E, str | None]:
    cutoffs = _cutoffs(tiers)
    return {
        placing.entry: _tier_for_rank(placing.place, tiers, cutoffs)
        for placing in competition_ranking(scores)
    }


def _quota_extends(
    scores: Mapping[E, Comparable], tiers: Sequence[tuple[str, int]]
) -> dict[E, str | None]:
    awards: dict[E, str | None] = dict.fromkeys(scores)
    groups = iter(position_groups(competition_ranking(scores)))
    for name, quota in tiers:
        taken = 0
        # Whole tie groups are taken until the quota is met; the last may overshoot it.
        while taken < quota:
            group = next(groups, None)
            if group is None:
                return awards
            for entry in group:
                awards[entry] = name
            taken += len(group)
    return awards


def _exact_quota(
    scores: Mapping[E, Comparable],
    tiers: Sequence[tuple[str, int]],
    secondary_key: Mapping[E, Comparable] | None,
) -> dict[E, str | None]:
    cutoffs = _cutoffs(tiers)
    awards: dict[E, str | None] = {}
    place = 1
    for group in position_groups(competition_ranking(scores)):
        last = place + len(group) - 1
        straddles = any(place <= cutoff < last for cutoff in cutoffs)
        if not straddles:
            for entry in group:
                awards[entry] = _tier_for_rank(place, tiers, cutoffs)
        else:
            seconds = secondary_key or {}
            missing = [e for e in group if e not in seconds]
            if missing:
                raise ValueError(
                    f"entries {sorted(group, key=str)} are tied on score across a prize "
                    f"cut-off, and the secondary key has no value for {sorted(missing, key=str)}"
                )
            within = competition_ranking({e: seconds[e] for e in group})
            for placing in within:
                awards[placing.entry] = _tier_for_rank(place + placing.place - 1, tiers, cutoffs)
        place = last + 1
    return awards


def award_tiers(
    scores: Mapping[E, Comparable],
    tiers: Sequence[tuple[str, int]],
    policy: str,
    secondary_key: Mapping[E, Comparable] | None = None,
) -> dict[E, str | None]:
    """Give every entry its prize tier name under the tie *policy*, or None if it wins none."""
    checked = _checked_tiers(tiers)
    _checked_scores(scores)
    if policy == COMPETITION_RANK:
        awards = _competition_rank(scores, checked)
    elif policy == QUOTA_EXTENDS:
        awards = _quota_extends(scores, checked)
    elif policy == EXACT_QUOTA_SECONDARY_KEY:
        awards = _exact_quota(scores, checked, secondary_key)
    else:
        raise ValueError(f"unknown tie policy {policy!r}; known: {', '.join(POLICIES)}")
    # Keep the caller's entry order, which is what pages and exports expect.
    return {entry: awards[entry] for entry in scores}


def _ordered_groups(keys: Mapping[Org, Comparable]) -> list[list[Org]]:
    return position_groups(competition_ranking(keys))


def rank_organisations(
    awards_by_org: Mapping[Org, Iterable[str | None]],
    points_per_tier: Mapping[str, Mark],
) -> tuple[dict[Org, Exact], list[list[Org]]]:
    """Total each organisation's prize points and order them, medal-table style on ties."""
    points = {tier: to_fraction(value) for tier, value in points_per_tier.items()}
    seniority = list(points_per_tier)
    totals: dict[Org, Exact] = {}
    keys: dict[Org, tuple[Fraction, tuple[int, ...]]] = {}
    for org, awards in awards_by_org.items():
        # None is what award_tiers gives an entry that won nothing: it counts for nothing.
        won = Counter(tier for tier in awards if tier is not None)
        unknown = sorted(set(won) - set(points), key=str)
        if unknown:
            raise ValueError(f"{org!r} has awards in unknown tiers {unknown}; known: {seniority}")
        total = sum((points[tier] * count for tier, count in won.items()), Fraction(0))
        totals[org] = exact_result(total, points_per_tier.values())
        # Medal-table order breaks equal totals: more of the best tier, then the next, ...
        keys[org] = (total, tuple(won[tier] for tier in seniority))
    return totals, _ordered_groups(keys)


def _checked_results(results: Iterable[tuple[P, Org, int]]) -> list[tuple[P, Org, int]]:
    listed = list(results)
    seen: set[P] = set()
    for competitor, _, place in listed:
        if competitor in seen:
            raise ValueError(f"{competitor!r} appears more than once in the results")
        seen.add(competitor)
        if isinstance(place, bool) or not isinstance(place, int) or place < 1:
            raise ValueError(f"the place of {competitor!r} must be a whole number >= 1")
    at_place = Counter(place for _, _, place in listed)
    for place, count in at_place.items():
        # k competitors sharing place p occupy p .. p+k-1, so nobody may be placed inside.
        inside = [p for p in range(place + 1, place + count) if p in at_place]
        if inside:
            raise ValueError(
                f"{count} competitors share place {place}, so nobody can be placed "
                f"{inside[0]}; the next place is {place + count}"
            )
    return listed


def points_for_places(
    results: Iterable[tuple[P, Org, int]], points_by_place: Mapping[int, Mark]
) -> dict[P, Exact]:
    """Give each competitor the points of their place; a shared place shares the average."""
    listed = _checked_results(results)
    table = {place: to_fraction(points) for place, points in points_by_place.items()}
    at_place = Counter(place for _, _, place in listed)
    share: dict[int, Fraction] = {}
    for place, count in at_place.items():
        # Places past the end of the points table are worth nothing.
        occupied = [table.get(p, Fraction(0)) for p in range(place, place + count)]
        share[place] = sum(occupied, Fraction(0)) / count
    return {
        competitor: exact_result(share[place], points_by_place.values())
        for competitor, _, place in listed
    }


def rank_organisations_by_place(
    results: Iterable[tuple[P, Org, int]], points_by_place: Mapping[int, Mark]
) -> tuple[dict[Org, Exact], list[list[Org]]]:
    """Total each organisation's placing points and order them, more good places first on ties."""
    listed = _checked_results(results)
    per_competitor = points_for_places(listed, points_by_place)
    all_places = sorted({place for _, _, place in listed})
    sums: dict[Org, Fraction] = {}
    counts: dict[Org, Counter[int]] = {}
    for competitor, org, place in listed:
        sums[org] = sums.get(org, Fraction(0)) + to_fraction(per_competitor[competitor])
        counts.setdefault(org, Counter())[place] += 1
    totals = {org: exact_result(total, points_by_place.values()) for org, total in sums.items()}
    # Equal totals are broken as Chinese sports meets do (以获第一名多者列前, 依此类推):
    # more first places, then more second places, ...; a shared place counts as that place.
    keys = {
        org: (total, tuple(counts[org][place] for place in all_places))
        for org, total in sums.items()
    }
    return totals, _ordered_groups(keys)
