"""Reading a typed mark: however a judge's keyboard or input method writes digits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask

from eventsys.errors import EventsysError
from eventsys.models.contests import Criterion
from eventsys.services.judging import parse_mark

TEN = Criterion(name="立意", min_mark=Decimal(0), max_mark=Decimal(10), weight=Decimal(3))


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("8.5", Decimal("8.5")),
        ("８．５", Decimal("8.5")),
        ("1e1", Decimal(10)),  # full-width digits and point (Chinese input method)
        ("８.５", Decimal("8.5")),
        ("8。5", Decimal("8.5")),  # the ideographic full stop
        (" ９ ", Decimal(9)),
        ("9 .5", Decimal("9.5")),
        (".5", Decimal("0.5")),
        ("8.", Decimal(8)),
        ("１０", Decimal(10)),
        ("0", Decimal(0)),
        ("", None),
        ("   ", None),
        ("\u3000", None),  # an ideographic space only
    ],
)
def test_a_mark_is_read_however_its_digits_were_typed(
    ctx: Flask, typed: str, value: Decimal | None
) -> None:
    assert parse_mark(typed, TEN) == value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "is not a number"),
        ("NaN", "is not a number"),
        ("Infinity", "is not a number"),
        ("٨", "is not a number"),  # digits of another script are not taken on trust
        ("8,5", "is not a number"),
        ("8.5.1", "is not a number"),
        ("8.555", "at most two decimals"),
        ("10.5", "between 0 and 10"),
        ("-1", "between 0 and 10"),
        ("１１", "between 0 and 10"),
    ],
)
def test_a_wrong_mark_is_refused_in_words_the_judge_can_act_on(
    ctx: Flask, typed: str, message: str
) -> None:
    with pytest.raises(EventsysError) as refusal:
        parse_mark(typed, TEN)
    assert message in str(refusal.value)
