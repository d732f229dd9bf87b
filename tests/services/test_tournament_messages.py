"""A refused match result reads as one translated sentence, made from the domain's error code."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask_babel import force_locale

from eventsys.domain.sports import InvalidResult
from eventsys.services.tournament_messages import RESULT_SENTENCES, SIDE_ROLES, refusal

SPORTS = Path(__file__).resolve().parents[2] / "eventsys/domain/sports"


def test_every_code_the_sports_raise_has_one_sentence_and_every_sentence_a_code() -> None:
    raised = set()
    for module in SPORTS.glob("*.py"):
        raised |= set(re.findall(r'InvalidResult\(\s*"(\w+)"', module.read_text("utf-8")))
    assert raised == set(RESULT_SENTENCES)
    roles = set()
    for module in SPORTS.glob("*.py"):
        roles |= set(re.findall(r'side_of\([^)]*"(\w+)"\)', module.read_text("utf-8")))
    assert roles == set(SIDE_ROLES)


def test_the_sentence_names_the_team_and_stands_at_the_field(app: Flask) -> None:
    error = InvalidResult("balls_sum", "balls_b", team=7, sum=9, score=10)
    with app.test_request_context(), force_locale("en"):
        refused = refusal(error, {7: "红队"})
        assert (str(refused), refused.field) == ("红队: the balls add up to 9, not 10.", "balls_b")
    with app.test_request_context(), force_locale("zh_CN"):
        assert str(refusal(error, {7: "红队"})) == "红队：各球相加为9分，而不是10分。"


def test_the_side_asked_for_is_named_in_the_sentence(app: Flask) -> None:
    error = InvalidResult("not_a_side", "winner_id", role="playoff_winner")
    with app.test_request_context(), force_locale("en"):
        refused = refusal(error, {})
        assert str(refused) == "The play-off winner must be one of the two teams of this match."
        assert refused.field == "winner_id"
    with app.test_request_context(), force_locale("zh_CN"):
        assert str(refusal(error, {})) == "同点决胜的获胜方必须是本场比赛的两队之一。"


def test_a_sentence_without_values_is_left_as_it_is(app: Flask) -> None:
    with app.test_request_context(), force_locale("en"):
        refused = refusal(InvalidResult("outcome_unknown", "outcome"), {})
        assert (str(refused), refused.field) == (
            "Choose how the match ended from the list.",
            "outcome",
        )
