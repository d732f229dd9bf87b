"""Set-up numbers stay inside their columns: refused with a message, stored exactly, never a 500.

A weight of 1e20 overflowed Numeric(10, 4) on PostgreSQL (a server error); 0.00001 was saved
as 0 (SQLite rounds to the column's scale)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from eventsys.errors import EventsysError
from eventsys.extensions import db
from eventsys.models import Event
from eventsys.models.contests import Contest
from eventsys.services import contests
from tests.services.test_contests import POETRY, World, user

D = Decimal


def criteria_weighted(weight: Decimal) -> tuple[contests.CriterionData, ...]:
    return (contests.CriterionData("立意", D(30), weight=weight), *POETRY[1:])


def save(w: World, **overrides: Any) -> Contest:
    values = {"criteria": POETRY, **overrides}
    return contests.set_up_contest(
        db.session.get(Event, w.event_id),
        contests.ContestSettings(**values),
        actor=user(w.organizer_id),
    )


@pytest.mark.parametrize(
    ("overrides", "field_name"),
    [
        ({"criteria": criteria_weighted(D("1e20"))}, "criteria"),
        ({"criteria": criteria_weighted(D("0.00001"))}, "criteria"),
        ({"criteria": criteria_weighted(D("1000.0001"))}, "criteria"),
        ({"tiers": (contests.TierData("一等奖", D("1e20"), quota=1),)}, "tiers"),
        ({"tiers": (contests.TierData("一等奖", D("0.001"), quota=1),)}, "tiers"),
        ({"tiers": (contests.TierData("一等奖", quota=10**12),)}, "tiers"),
        (
            {
                "prize_mode": "threshold",
                "tiers": (contests.TierData("一等奖", threshold=D("1e20")),),
            },
            "tiers",
        ),
        (
            {
                "prize_mode": "threshold",
                "tiers": (contests.TierData("一等奖", threshold=D("80.00001")),),
            },
            "tiers",
        ),
        (
            {"prize_mode": "share", "tiers": (contests.TierData("一等奖", share=D("0.00001")),)},
            "tiers",
        ),
        ({"org_points_basis": "place", "place_points": (D("1e20"),)}, "place_points"),
        ({"org_points_basis": "place", "place_points": (D("7.001"),)}, "place_points"),
    ],
)
def test_numbers_outside_their_columns_are_refused_naming_the_field(
    world: Callable[..., World], overrides: dict[str, Any], field_name: str
) -> None:
    w = world()
    with pytest.raises(EventsysError) as refusal:
        save(w, **overrides)
    assert refusal.value.field == field_name
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Contest)) == 0


def test_the_largest_and_finest_numbers_allowed_are_stored_exactly(
    world: Callable[..., World],
) -> None:
    w = world(entries=4)
    save(
        w,
        criteria=criteria_weighted(contests.MAX_WEIGHT),
        tiers=(contests.TierData("一等奖", contests.MAX_POINTS, quota=1),),
    )
    db.session.commit()
    db.session.expire_all()
    contest = db.session.scalars(select(Contest)).one()
    assert contest.criteria[0].weight == contests.MAX_WEIGHT
    assert contest.tiers[0].points == contests.MAX_POINTS
    save(
        w,
        criteria=criteria_weighted(D("0.0001")),
        prize_mode="threshold",
        tiers=(contests.TierData("一等奖", D("0.01"), threshold=contests.MAX_THRESHOLD),),
    )
    db.session.commit()
    db.session.expire_all()
    contest = db.session.scalars(select(Contest)).one()
    assert contest.criteria[0].weight == D("0.0001")
    assert contest.tiers[0].threshold == contests.MAX_THRESHOLD
    assert contest.tiers[0].points == D("0.01")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    weight=st.decimals(
        min_value=D("0.0001"), max_value=contests.MAX_WEIGHT, places=4, allow_nan=False
    ),
    points=st.decimals(min_value=0, max_value=contests.MAX_POINTS, places=2, allow_nan=False),
    finer=st.decimals(min_value=D("1e-9"), max_value=D("1e30"), allow_nan=False, places=None),
)
def test_any_weight_is_either_stored_exactly_or_refused(
    world: Callable[..., World], weight: Decimal, points: Decimal, finer: Decimal
) -> None:
    w = world(entries=1, judges=0)
    try:
        contest = save(
            w,
            criteria=criteria_weighted(weight),
            tiers=(contests.TierData("一等奖", points, quota=1),),
        )
        db.session.commit()
        db.session.expire_all()
        assert contest.criteria[0].weight == weight and contest.tiers[0].points == points
        # Any other number: stored as typed or refused, never changed and never a crash.
        try:
            save(w, criteria=criteria_weighted(finer))
        except EventsysError as refusal:
            assert refusal.field == "criteria"
            db.session.rollback()
        else:
            db.session.commit()
            db.session.expire_all()
            assert contest.criteria[0].weight == finer
    finally:
        db.session.rollback()
        db.session.execute(Contest.__table__.delete())
        db.session.commit()
