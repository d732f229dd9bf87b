"""The Skating System calculation page: majority tables per dance and the final summary."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from flask import Flask
from flask.testing import FlaskClient

from eventsys.extensions import db
from eventsys.models import User
from eventsys.services import judging
from tests.conftest import csrf
from tests.querycount import count_queries as counted
from tests.services.test_contests import World, build_world, set_up
from tests.web.test_contests_pages import login_as


def skating_world(
    app: Flask,
    make_event: Callable[..., int],
    make_user: Callable[..., int],
    dances: Sequence[str],
    sheets: Mapping[str, Sequence[Sequence[int]]],
    *,
    couples: int,
    judges: int,
) -> tuple[World, int]:
    """A final where sheets[dance][j][c] is judge j's place for couple c."""
    w = build_world(
        app, make_event, make_user, entries=couples, judges=judges, kind="troupe_competition"
    )
    with app.app_context():
        contest = set_up(w, aggregation="skating", dances=tuple(dances), criteria=(), tiers=())
        for dance in dances:
            for judge_id, places in zip(w.judge_ids, sheets[dance], strict=True):
                judging.save_placings(
                    contest,
                    db.session.get(User, judge_id),
                    dance,
                    {e: str(p) for e, p in zip(w.entry_ids, places, strict=True)},
                    version=0,
                    submit=True,
                )
                db.session.commit()
        return w, contest.id


def cells(page: str) -> str:
    return " ".join(page.split())


def test_a_single_dance_shows_the_majority_columns_with_counts_and_sums_and_the_rule(
    app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    # Five judges; couples 1 and 2 both have four marks of "2nd or better" adding up to 6
    # and stay tied through "1-3" (rule 7), so they share 1st-2nd; couple 3 is third.
    marks = {"诗人1": [1, 1, 3, 2, 2], "诗人2": [2, 2, 1, 1, 3], "诗人3": [3, 3, 2, 3, 1]}
    sheets = {"华尔兹": [[marks[c][j] for c in marks] for j in range(5)]}
    w, contest_id = skating_world(
        app, make_event, make_user, ["华尔兹"], sheets, couples=3, judges=5
    )
    organizer = login_as(app, w.organizer_id)
    response = organizer.get(f"/contests/{contest_id}/skating")
    assert response.status_code == 200
    page = cells(response.get_data(as_text=True))
    for header in ("1", "1-2", "1-3"):
        assert f'<th scope="col" class="num column">{header}</th>' in page
    assert page.count(">4(6)<") == 2 and page.count(">5(9)<") == 2
    assert "Majority: 3 of 5 judges." in page
    assert ">R7</abbr>" in page and ">R5</abbr>" in page
    assert "<strong>1.5</strong>" in page and "<strong>3</strong>" in page
    assert "Rule 9" not in page  # one dance: no final summary
    # Judges are lettered, their names shown to organizers.
    assert "A 评委1" in page


def test_a_two_dance_final_names_rule_11_where_it_decided(
    app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    sheets = {
        "华尔兹": [[1, 2, 3]] * 3,
        "探戈": [[2, 1, 3], [2, 1, 3], [1, 2, 3]],
    }
    w, contest_id = skating_world(
        app, make_event, make_user, ["华尔兹", "探戈"], sheets, couples=3, judges=3
    )
    organizer = login_as(app, w.organizer_id)
    page = cells(organizer.get(f"/contests/{contest_id}/skating").get_data(as_text=True))
    assert "Final summary" in page
    assert page.index("<h2>华尔兹</h2>") < page.index("<h2>探戈</h2>") < page.index("Final summary")
    summary = page[page.index("Final summary") :]
    assert ">R11</abbr>" in summary and ">R9</abbr>" in summary
    assert "R11 1" in summary  # the rule 11 columns are shown because rule 11 was used
    # Rule 11 over all six marks: couple 1 has four 1sts, couple 2 two.
    assert ">4<" in summary


def test_the_calculation_is_public_once_published_and_hidden_before(
    app: Flask,
    client: FlaskClient,
    make_event: Callable[..., int],
    make_user: Callable[..., int],
) -> None:
    sheets = {"华尔兹": [[1, 2, 3], [1, 3, 2], [2, 1, 3]]}
    w, contest_id = skating_world(
        app, make_event, make_user, ["华尔兹"], sheets, couples=3, judges=3
    )
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    before = cells(client.get(f"/contests/{contest_id}/skating").get_data(as_text=True))
    # A column header as a cell, not "1-2" anywhere: the page's random CSRF token may hold it.
    assert "诗人1" not in before and ">1-2<" not in before
    organizer = login_as(app, w.organizer_id)
    organizer.post(
        f"/contests/{contest_id}/publish",
        data={"csrf_token": csrf(organizer, f"/contests/{contest_id}")},
    )
    after = cells(client.get(f"/contests/{contest_id}/skating").get_data(as_text=True))
    assert "诗人1" in after and ">1-2<" in after
    assert "评委1" not in after  # the public sees letters, not the judges' names
    assert "Skating System calculation" in client.get(f"/contests/{contest_id}/results").get_data(
        as_text=True
    )


def test_a_marks_contest_has_no_skating_page_and_unknown_ids_are_404(
    app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    w = build_world(app, make_event, make_user, entries=3, judges=1)
    with app.app_context():
        contest_id = set_up(w).id
    organizer = login_as(app, w.organizer_id)
    assert organizer.get(f"/contests/{contest_id}/skating").status_code == 404
    assert organizer.get("/contests/99999/skating").status_code == 404


def test_an_unfinished_final_says_how_many_sheets_are_missing(
    app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    w = build_world(app, make_event, make_user, entries=3, judges=2, kind="troupe_competition")
    with app.app_context():
        contest_id = set_up(
            w, aggregation="skating", dances=("华尔兹", "探戈"), criteria=(), tiers=()
        ).id
    organizer = login_as(app, w.organizer_id)
    page = organizer.get(f"/contests/{contest_id}/skating").get_data(as_text=True)
    assert "4 still to come" in page


def test_the_calculation_page_runs_a_fixed_number_of_queries(
    app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    def queries(couples: int) -> int:
        sheets = {dance: [list(range(1, couples + 1))] * 3 for dance in ("华尔兹", "探戈")}
        w, contest_id = skating_world(
            app, make_event, make_user, ["华尔兹", "探戈"], sheets, couples=couples, judges=3
        )
        organizer = login_as(app, w.organizer_id)
        with counted(app) as statements:
            assert organizer.get(f"/contests/{contest_id}/skating").status_code == 200
        return len(statements)

    assert queries(3) == queries(6)
