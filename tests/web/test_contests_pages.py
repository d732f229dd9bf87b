"""Contest pages: set-up, panel, judges' sheets (blind, locking), matrix, results, exports."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from eventsys.extensions import db
from eventsys.models import Registration, User
from eventsys.models.contests import Contest
from eventsys.services import contests as contest_service
from tests.conftest import csrf, login
from tests.querycount import count_queries as counted
from tests.services.test_contests import World, build_world, score, set_up, sheet_of


def login_as(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    # English pages, so that the assertions read the untranslated messages.
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with app.app_context():
        name = db.session.get(User, user_id).login
    login(client, name)
    return client


@pytest.fixture
def contest_world(
    app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> Callable[..., tuple[World, int]]:
    def make(entries: int = 4, judges: int = 3, **settings: Any) -> tuple[World, int]:
        w = build_world(
            app,
            make_event,
            make_user,
            entries=entries,
            judges=judges,
            judge_orgs=settings.pop("judge_orgs", None),
        )
        with app.app_context():
            contest = set_up(w, **settings)
            return w, contest.id

    return make


def first_sheet(app: Flask, w: World, contest_id: int) -> tuple[FlaskClient, str]:
    """The first judge signed in, and the address of their sheet for the first entry."""
    return login_as(app, w.judge_ids[0]), f"/judging/{contest_id}/entries/{w.entry_ids[0]}"


def post_sheet(
    client: FlaskClient, url: str, marks: list[str], *, version: str = "0"
) -> tuple[TestResponse, list[str]]:
    """The score sheet at *url* read, then submitted with *marks* in the order of its fields:
    the answer and the fields' names."""
    ids = re.findall(r'name="(mark_\d+)"', client.get(url).get_data(as_text=True))
    data = {"csrf_token": csrf(client, url), "version": version, "action": "submit"}
    data.update(dict(zip(ids, marks, strict=True)))
    return client.post(url, data=data), ids


def score_everything(app: Flask, w: World, contest_id: int) -> None:
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        for j_index, judge_id in enumerate(w.judge_ids):
            for e_index, entry_id in enumerate(w.entry_ids):
                judge = db.session.get(User, judge_id)
                entry = db.session.get(Registration, entry_id)
                if contest_service.is_excluded(judge, entry):
                    continue
                score(contest, judge_id, entry_id, [20 + e_index, 20 + j_index, 15, 15])


# ---- roles and addresses -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/contests/{c}", "/contests/{c}/matrix", "/contests/{c}/panel", "/judging/"]
)
def test_anonymous_visitors_are_sent_to_sign_in(
    client: FlaskClient, contest_world: Callable[..., Any], path: str
) -> None:
    _w, contest_id = contest_world()
    response = client.get(path.format(c=contest_id))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "path", ["/contests/{c}", "/contests/{c}/matrix", "/contests/{c}/export/matrix.csv"]
)
def test_participants_and_judges_may_not_see_the_organizers_pages(
    app: Flask, contest_world: Callable[..., Any], path: str
) -> None:
    w, contest_id = contest_world()
    judge = login_as(app, w.judge_ids[0])
    assert judge.get(path.format(c=contest_id)).status_code == 403


def test_a_judge_off_the_panel_gets_403_on_its_sheets(
    app: Flask, contest_world: Callable[..., Any], make_user: Callable[..., int]
) -> None:
    w, contest_id = contest_world()
    outsider = login_as(app, make_user(roles=("judge",)))
    assert outsider.get(f"/judging/{contest_id}").status_code == 403
    url = f"/judging/{contest_id}/entries/{w.entry_ids[0]}"
    assert outsider.get(url).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/contests/99999",
        "/contests/99999/matrix",
        "/contests/events/99999/setup",
        "/contests/{c}/export/everything.csv",
        "/contests/{c}/export/results.pdf",
    ],
)
def test_forged_ids_are_404(
    signed_in: Callable[..., FlaskClient], contest_world: Callable[..., Any], path: str
) -> None:
    _w, contest_id = contest_world()
    organizer = signed_in("organizer")
    assert organizer.get(path.format(c=contest_id)).status_code == 404


def test_a_judge_asking_for_an_entry_of_another_contest_gets_404(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world()
    other, _other_contest = contest_world()
    judge = login_as(app, w.judge_ids[0])
    assert judge.get(f"/judging/{contest_id}/entries/{other.entry_ids[0]}").status_code == 404
    assert judge.get(f"/judging/{contest_id}/entries/99999").status_code == 404


# ---- set-up ------------------------------------------------------------------------------


def rows(name: str, fields: tuple[str, ...], values: list[tuple[str, ...]]) -> dict[str, str]:
    """The inputs of a list of rows as the set-up form names them (criteria-0-name...)."""
    return {
        f"{name}-{index}-{field}": value
        for index, row in enumerate(values)
        for field, value in zip(fields, row, strict=True)
    }


def criteria_rows(*values: tuple[str, str, str]) -> dict[str, str]:
    return rows("criteria", ("name", "max_mark", "weight"), list(values))


def tier_rows(*values: tuple[str, str, str]) -> dict[str, str]:
    return rows("tiers", ("name", "amount", "points"), list(values))


def setup_form(**overrides: str) -> dict[str, str]:
    return {
        "aggregation": "trimmed_mean",
        "weighting_order": "per_judge_total_then_trim",
        "drop_highest": "1",
        "drop_lowest": "1",
        "decimals": "2",
        "rank_on_rounded": "y",
        **criteria_rows(
            ("立意", "30", "1"), ("格律", "３０", "1"), ("语言", "20", ""), ("意境", "20", "1")
        ),
        "tiebreaks-0": "criterion:1",
        "tiebreaks-1": "",
        "prize_mode": "count",
        "tie_policy": "competition_rank",
        **tier_rows(("一等奖", "1", "7"), ("二等奖", "1", "5")),
        "org_points_basis": "tier",
        "place_points": "",
        "dances": "",
        "blind": "y",
        **overrides,
    }


def test_an_organizer_sets_up_a_poetry_contest_through_the_form(
    app: Flask,
    make_event: Callable[..., int],
    make_user: Callable[..., int],
) -> None:
    organizer_id = make_user(roles=("organizer",))
    event_id = make_event(kind="poetry_contest", organizer_id=organizer_id)
    client = login_as(app, organizer_id)
    url = f"/contests/events/{event_id}/setup"
    page = client.get(url).get_data(as_text=True)
    assert "立意" in page
    response = client.post(url, data={"csrf_token": csrf(client, url), **setup_form()})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        contest = db.session.query(Contest).one()
        assert [c.name for c in contest.criteria] == ["立意", "格律", "语言", "意境"]
        assert contest.blind and contest.tiebreak_list == ["criterion:1"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"criteria-0-max_mark": "thirty"}, "not a number"),
        ({"criteria-0-max_mark": ""}, "Give a number here"),
        ({"tiers-0-amount": "1.5"}, "whole number"),
        ({"tie_policy": "coin_toss"}, "Not a valid choice"),
        ({"drop_highest": "９９"}, "between 0 and 5"),
        ({"tiebreaks-0": "luck"}, "Not a valid choice"),
    ],
)
def test_bad_set_up_input_gets_a_message_next_to_the_field_not_a_500(
    app: Flask,
    make_event: Callable[..., int],
    make_user: Callable[..., int],
    overrides: dict[str, str],
    message: str,
) -> None:
    organizer_id = make_user(roles=("organizer",))
    event_id = make_event(kind="poetry_contest", organizer_id=organizer_id)
    client = login_as(app, organizer_id)
    url = f"/contests/events/{event_id}/setup"
    response = client.post(url, data={"csrf_token": csrf(client, url), **setup_form(**overrides)})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Contest).count() == 0


def test_a_tier_plan_bigger_than_the_field_is_refused_on_the_form(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, _contest_id = contest_world(entries=4)
    client = login_as(app, w.organizer_id)
    url = f"/contests/events/{w.event_id}/setup"
    response = client.post(
        url,
        data={
            "csrf_token": csrf(client, url),
            **setup_form(**tier_rows(("一等奖", "3", "7"), ("二等奖", "6", "5"))),
        },
    )
    assert response.status_code == 422
    assert "only 4 entries" in response.get_data(as_text=True)


def test_the_panel_page_appoints_judges(app: Flask, contest_world: Callable[..., Any]) -> None:
    w, contest_id = contest_world()
    client = login_as(app, w.organizer_id)
    url = f"/contests/{contest_id}/panel"
    response = client.post(
        url, data={"csrf_token": csrf(client, url), "judges": [str(w.judge_ids[1])]}
    )
    assert response.status_code == 302
    with app.app_context():
        assert [a.judge_id for a in db.session.get(Contest, contest_id).panel] == [w.judge_ids[1]]


# ---- judges' sheets ----------------------------------------------------------------------


def test_a_blind_sheet_shows_the_code_and_the_work_but_no_name_or_organisation(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(blind=True)
    judge = login_as(app, w.judge_ids[0])
    listing = judge.get(f"/judging/{contest_id}").get_data(as_text=True)
    sheet = judge.get(f"/judging/{contest_id}/entries/{w.entry_ids[0]}").get_data(as_text=True)
    with app.app_context():
        entry = db.session.get(Registration, w.entry_ids[0])
        code, name, org = entry.blind_code, entry.captain.name, entry.organisation.name
    for page in (listing, sheet):
        assert code in page
        assert name not in page and org not in page
    assert "金风送爽" in sheet and "咏秋1" in sheet


def test_a_judge_submits_marks_typed_with_full_width_digits(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world()
    judge, url = first_sheet(app, w, contest_id)
    response, _ids = post_sheet(judge, url, ["２８", "27.5", "18", "19"])
    assert response.status_code == 302
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        row = contest_service.entries(contest)[0]
        sheet = __import__("eventsys.services.judging", fromlist=["x"]).sheet_for(
            contest, db.session.get(User, w.judge_ids[0]), row
        )
        assert sheet.status == "submitted" and len(sheet.marks) == 4


def test_a_mark_out_of_range_is_shown_next_to_its_field_with_the_typed_marks_kept(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world()
    judge, url = first_sheet(app, w, contest_id)
    response, ids = post_sheet(judge, url, ["31", "27.5", "abc", "19"])
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{ids[0]}-error"' in page and "between 0 and 30" in page
    assert 'value="27.5"' in page and 'value="abc"' in page


def test_a_stale_sheet_is_refused_with_a_clear_message_and_the_typed_marks_shown(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world()
    tab_one = login_as(app, w.judge_ids[0])
    tab_two = login_as(app, w.judge_ids[0])
    url = f"/judging/{contest_id}/entries/{w.entry_ids[0]}"
    ids = re.findall(r'name="(mark_\d+)"', tab_one.get(url).get_data(as_text=True))

    def post(client: FlaskClient, marks: list[str]) -> Any:
        data = {"csrf_token": csrf(client, url), "version": "0", "action": "draft"}
        data.update(dict(zip(ids, marks, strict=True)))
        return client.post(url, data=data)

    assert post(tab_one, ["20", "20", "15", "15"]).status_code == 302
    response = post(tab_two, ["21", "22", "16", "17"])
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "NOT saved" in page or "没有保存" in page
    assert 'value="22"' in page  # what this tab typed survives
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        sheet = sheet_of(contest, w.judge_ids[0], w.entry_ids[0])
        assert sorted(str(m.value) for m in sheet.marks) == ["15.00", "15.00", "20.00", "20.00"]


def test_an_excluded_judge_cannot_open_or_post_the_sheet(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(judge_orgs={0: 0})
    judge, url = first_sheet(app, w, contest_id)
    assert judge.get(url).status_code == 403
    token = csrf(judge, f"/judging/{contest_id}")
    assert judge.post(url, data={"csrf_token": token, "version": "0"}).status_code == 403
    assert "回避" in judge.get(f"/judging/{contest_id}").get_data(as_text=True)


def test_a_sheet_post_after_publication_is_refused(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(tiers=())
    score_everything(app, w, contest_id)
    organizer = login_as(app, w.organizer_id)
    overview = f"/contests/{contest_id}"
    response = organizer.post(
        f"/contests/{contest_id}/publish", data={"csrf_token": csrf(organizer, overview)}
    )
    assert response.status_code == 302
    judge, url = first_sheet(app, w, contest_id)
    # The published sheet is read-only; a post sent anyway (an old tab) names the saved version.
    with app.app_context():
        contest = db.session.get(Contest, contest_id)
        criteria = [c.id for c in contest.criteria]
    data = {"csrf_token": csrf(judge, url), "version": "1", "action": "submit"}
    data.update({f"mark_{c}": "10" for c in criteria})
    response = judge.post(url, data=data)
    assert response.status_code == 409
    assert "locked" in response.get_data(as_text=True) or "锁定" in response.get_data(as_text=True)


# ---- results, matrix, scoreboard, exports, certificates -----------------------------------


def test_the_matrix_loads_in_a_fixed_number_of_queries(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    counts = []
    for entries in (2, 6):
        w, contest_id = contest_world(entries=entries, tiers=())
        score_everything(app, w, contest_id)
        organizer = login_as(app, w.organizer_id)
        with counted(app) as statements:
            response = organizer.get(f"/contests/{contest_id}/matrix")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] and counts[0] < 25


def test_the_matrix_shows_every_judges_marks_the_spread_and_the_dropped_totals(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(entries=2, judges=3, tiers=())
    score_everything(app, w, contest_id)
    organizer = login_as(app, w.organizer_id)
    page = organizer.get(f"/contests/{contest_id}/matrix").get_data(as_text=True)
    # Entry 1's judge totals: 70, 71, 72; 70 and 72 are dropped, the score is 71.00.
    assert "<s>(70)</s>" in page and "<s>(72)</s>" in page and "71.00" in page
    assert "0.82" in page  # population standard deviation of 70, 71, 72


def test_results_are_public_only_once_published_and_show_prizes(
    app: Flask, client: FlaskClient, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(entries=4, judges=2)
    score_everything(app, w, contest_id)
    before = client.get(f"/contests/{contest_id}/results").get_data(as_text=True)
    assert "诗人4" not in before
    organizer = login_as(app, w.organizer_id)
    organizer.post(
        f"/contests/{contest_id}/publish",
        data={"csrf_token": csrf(organizer, f"/contests/{contest_id}")},
    )
    page = client.get(f"/contests/{contest_id}/results").get_data(as_text=True)
    assert "诗人4" in page and "一等奖" in page and "第1干休所" in page


def test_the_scoreboard_refreshes_itself_and_hides_names_in_a_blind_contest(
    app: Flask, client: FlaskClient, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(entries=2, judges=1, blind=True, tiers=())
    score_everything(app, w, contest_id)
    response = client.get(f"/contests/{contest_id}/scoreboard")
    page = response.get_data(as_text=True)
    # It refreshes its table by a conditional fetch (no meta refresh: WCAG 2.2.1/2.2.4).
    assert "js/scoreboard.js" in page and 'data-refresh-seconds="15"' in page
    assert "http-equiv" not in page
    assert "诗人1" not in page
    again = client.get(
        f"/contests/{contest_id}/scoreboard", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_the_sheet_form_has_no_refresh(app: Flask, contest_world: Callable[..., Any]) -> None:
    w, contest_id = contest_world()
    judge = login_as(app, w.judge_ids[0])
    page = judge.get(f"/judging/{contest_id}/entries/{w.entry_ids[0]}").get_data(as_text=True)
    assert "http-equiv" not in page


def test_exports_are_excel_friendly(app: Flask, contest_world: Callable[..., Any]) -> None:
    w, contest_id = contest_world(entries=2, judges=1, tiers=())
    score_everything(app, w, contest_id)
    organizer = login_as(app, w.organizer_id)
    csv_response = organizer.get(f"/contests/{contest_id}/export/results.csv")
    assert csv_response.data.startswith(b"\xef\xbb\xbf")
    assert "诗人1" in csv_response.data.decode("utf-8-sig")
    pytest.importorskip("openpyxl")
    xlsx = organizer.get(f"/contests/{contest_id}/export/matrix.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_certificates_are_printed_in_chinese_for_each_prize_winner(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world(entries=4, judges=1)
    score_everything(app, w, contest_id)
    organizer = login_as(app, w.organizer_id)
    organizer.post(
        f"/contests/{contest_id}/publish",
        data={"csrf_token": csrf(organizer, f"/contests/{contest_id}")},
    )
    page = organizer.get(f"/contests/{contest_id}/certificates").get_data(as_text=True)
    assert page.count('class="certificate"') == 3
    assert "荣誉证书" in page and "一等奖" in page and "《咏秋4》" in page


def test_the_overview_page_lists_progress_and_the_publish_button(
    app: Flask, contest_world: Callable[..., Any]
) -> None:
    w, contest_id = contest_world()
    organizer = login_as(app, w.organizer_id)
    page = organizer.get(f"/contests/{contest_id}").get_data(as_text=True)
    assert "12" in page  # 4 entries x 3 judges still to submit
    assert "main-action" in page
