"""Judged contests: set-up refusals, score sheets with locking and audit, results, publication."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from eventsys.errors import Conflict, EventsysError, Forbidden
from eventsys.extensions import db
from eventsys.models import AuditRecord, Event, Organisation, Registration, User
from eventsys.models.contests import Contest, Mark, ScoreSheet
from eventsys.services import contests, exports, judging, results
from tests.conftest import in_app
from tests.factories import confirmed_entry

D = Decimal
POETRY = (
    contests.CriterionData("立意", D(30)),
    contests.CriterionData("格律", D(30)),
    contests.CriterionData("语言", D(20)),
    contests.CriterionData("意境", D(20)),
)


@dataclass
class World:
    event_id: int
    organizer_id: int
    judge_ids: list[int]
    entry_ids: list[int]
    org_ids: list[int]
    extra: dict[str, Any] = field(default_factory=dict)


def poem(app: Flask, event_id: int, author: int, org_id: int, title: str, text: str) -> int:
    """A confirmed individual entry of a poem, committed: its id."""
    with in_app(app):
        entry_id = confirmed_entry(
            event_id, author, "individual", 1, organisation_id=org_id, title=title, text=text
        )
        db.session.commit()
        return entry_id


def build_world(
    app: Flask,
    make_event: Callable[..., int],
    make_user: Callable[..., int],
    *,
    entries: int = 4,
    judges: int = 3,
    kind: str = "poetry_contest",
    entry_orgs: Sequence[int] | None = None,
    judge_orgs: dict[int, int] | None = None,
) -> World:
    """An event with organisations, *entries* confirmed entries and *judges* judges.

    Entry i belongs to organisation entry_orgs[i] (an index into the organisations made);
    judge_orgs maps a judge's index to an organisation index."""
    organizer_id = make_user(roles=("organizer",))
    event_id = make_event(kind=kind, title="城区诗词大赛", organizer_id=organizer_id)
    with in_app(app):
        taken = db.session.scalar(select(func.count()).select_from(Organisation)) or 0
        orgs = [Organisation(name=f"第{taken + i + 1}干休所") for i in range(4)]
        db.session.add_all(orgs)
        db.session.commit()
        org_ids = [o.id for o in orgs]
    entry_orgs = entry_orgs if entry_orgs is not None else [i % 4 for i in range(entries)]
    judge_ids = [
        make_user(
            roles=("judge",),
            name=f"评委{i + 1}",
            organisation_id=org_ids[judge_orgs[i]] if judge_orgs and i in judge_orgs else None,
        )
        for i in range(judges)
    ]
    entry_ids = []
    for i in range(entries):
        org_id = org_ids[entry_orgs[i]]
        author = make_user(name=f"诗人{i + 1}", organisation_id=org_id)
        entry_ids.append(
            poem(app, event_id, author, org_id, f"咏秋{i + 1}", "金风送爽，丹桂飘香。")
        )
    return World(event_id, organizer_id, judge_ids, entry_ids, org_ids)


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


def entry(entry_id: int) -> Registration:
    return db.session.get(Registration, entry_id)


def set_up(w: World, **overrides: Any) -> Contest:
    settings = {
        "criteria": POETRY,
        "tiers": (
            contests.TierData("一等奖", D(7), quota=1),
            contests.TierData("二等奖", D(5), quota=1),
            contests.TierData("三等奖", D(3), quota=1),
        ),
        **overrides,
    }
    contest = contests.set_up_contest(
        db.session.get(Event, w.event_id),
        contests.ContestSettings(**settings),
        actor=user(w.organizer_id),
    )
    contests.appoint_panel(contest, w.judge_ids, actor=user(w.organizer_id))
    db.session.commit()
    return contest


def sheet_of(contest: Contest, judge_id: int, entry_id: int) -> ScoreSheet | None:
    """The judge's sheet for the entry, if there is one."""
    return judging.sheet_for(contest, user(judge_id), entry(entry_id))


def score(
    contest: Contest,
    judge_id: int,
    entry_id: int,
    marks: Sequence[str | int],
    *,
    submit: bool = True,
) -> ScoreSheet:
    sheet = judging.sheet_for(contest, user(judge_id), entry(entry_id))
    raw = {c.id: str(m) for c, m in zip(contest.criteria, marks, strict=True)}
    saved = judging.save_sheet(
        contest,
        user(judge_id),
        entry(entry_id),
        raw,
        version=sheet.version if sheet else 0,
        submit=submit,
    )
    db.session.commit()
    return saved


def mark_count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(Mark)) or 0)


# ---- set-up ------------------------------------------------------------------------------


def test_a_contest_is_set_up_with_criteria_in_order_and_prize_tiers(
    world: Callable[..., World],
) -> None:
    w = world()
    contest = set_up(w, blind=True)
    assert [c.name for c in contest.criteria] == ["立意", "格律", "语言", "意境"]
    assert [t.name for t in contest.tiers] == ["一等奖", "二等奖", "三等奖"]
    assert len(contest.panel) == 3
    codes = [entry(e).blind_code for e in w.entry_ids]
    assert all(codes) and len(set(codes)) == len(codes)


@pytest.mark.parametrize(
    ("overrides", "field_name"),
    [
        ({"criteria": ()}, "criteria"),
        ({"criteria": (contests.CriterionData("立意", D(10), min_mark=D(10)),)}, "criteria"),
        ({"criteria": (contests.CriterionData("立意", D(10)),) * 2}, "criteria"),
        ({"criteria": (contests.CriterionData("立意", D(10), weight=D(-1)),)}, "criteria"),
        ({"criteria": (contests.CriterionData("立意", D(10), weight=D(0)),)}, "criteria"),
        ({"tiebreaks": ("criterion:9",)}, "tiebreaks"),
        ({"tie_policy": "exact_quota_secondary_key"}, "tiebreaks"),
        (
            {"tiers": (contests.TierData("一等奖", quota=3), contests.TierData("二等奖", quota=6))},
            "tiers",
        ),
        (
            {
                "prize_mode": "share",
                "tiers": (
                    contests.TierData("一等奖", share=D("0.7")),
                    contests.TierData("二等奖", share=D("0.5")),
                ),
            },
            "tiers",
        ),
        (
            {
                "prize_mode": "threshold",
                "tiers": (
                    contests.TierData("一等奖", threshold=D(80)),
                    contests.TierData("二等奖", threshold=D(90)),
                ),
            },
            "tiers",
        ),
        ({"aggregation": "skating", "dances": ()}, "dances"),
        ({"drop_highest": 9}, "drop_highest"),
        ({"org_points_basis": "place"}, "place_points"),
    ],
)
def test_bad_set_up_is_refused_naming_the_field_and_nothing_is_stored(
    world: Callable[..., World], overrides: dict[str, Any], field_name: str
) -> None:
    w = world()
    settings = contests.ContestSettings(**{"criteria": POETRY, **overrides})
    with pytest.raises(EventsysError) as refusal:
        contests.set_up_contest(
            db.session.get(Event, w.event_id), settings, actor=user(w.organizer_id)
        )
    assert refusal.value.field == field_name
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Contest)) == 0


def test_a_tier_plan_with_more_winners_than_entries_is_refused_in_words(
    world: Callable[..., World],
) -> None:
    w = world(entries=4)
    settings = contests.ContestSettings(
        criteria=POETRY,
        tiers=(contests.TierData("一等奖", quota=2), contests.TierData("二等奖", quota=3)),
    )
    with pytest.raises(EventsysError, match="5") as refusal:
        contests.set_up_contest(
            db.session.get(Event, w.event_id), settings, actor=user(w.organizer_id)
        )
    assert "4" in str(refusal.value)


def test_only_judged_kinds_of_event_can_have_a_contest(world: Callable[..., World]) -> None:
    w = world(kind="lecture")
    with pytest.raises(EventsysError):
        contests.set_up_contest(
            db.session.get(Event, w.event_id),
            contests.ContestSettings(criteria=POETRY),
            actor=user(w.organizer_id),
        )


def test_only_judges_can_sit_on_a_panel(world: Callable[..., World]) -> None:
    w = world()
    contest = set_up(w)
    with pytest.raises(EventsysError):
        contests.appoint_panel(contest, [w.organizer_id], actor=user(w.organizer_id))


def test_criteria_ranges_cannot_change_once_marks_exist(world: Callable[..., World]) -> None:
    w = world()
    contest = set_up(w)
    score(contest, w.judge_ids[0], w.entry_ids[0], [20, 20, 15, 15], submit=False)
    changed = (contests.CriterionData("立意", D(40)), *POETRY[1:])
    with pytest.raises(EventsysError):
        contests.set_up_contest(
            contest.event, contests.ContestSettings(criteria=changed), actor=user(w.organizer_id)
        )


# ---- score sheets ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31", "between 0 and 30"),
        ("-1", "between 0 and 30"),
        ("八", "not a number"),
        ("abc", "not a number"),
        ("1e400", "between"),
        ("9.555", "two decimals"),
        ("NaN", "not a number"),
    ],
)
def test_a_bad_mark_is_refused_next_to_its_field_and_nothing_changes(
    world: Callable[..., World], typed: str, message: str
) -> None:
    w = world()
    contest = set_up(w)
    score(contest, w.judge_ids[0], w.entry_ids[0], [20, 20, 15, 15], submit=False)
    sheet = judging.sheet_for(contest, user(w.judge_ids[0]), entry(w.entry_ids[0]))
    first = contest.criteria[0]
    with pytest.raises(judging.MarkErrors) as refusal:
        judging.save_sheet(
            contest,
            user(w.judge_ids[0]),
            entry(w.entry_ids[0]),
            {first.id: typed},
            version=sheet.version,
            submit=False,
        )
    assert message in refusal.value.errors[f"mark_{first.id}"]
    db.session.rollback()
    assert {m.value for m in sheet.marks if m.criterion_id == first.id} == {D(20)}


def test_full_width_digits_are_read_as_marks(world: Callable[..., World]) -> None:
    w = world()
    contest = set_up(w)
    sheet = score(contest, w.judge_ids[0], w.entry_ids[0], ["２８．５", " 27 ", "１８", "19"])
    assert sorted(m.value for m in sheet.marks) == [D(18), D(19), D(27), D("28.5")]


def test_submitting_needs_every_mark_but_a_draft_may_be_partial(
    world: Callable[..., World],
) -> None:
    w = world()
    contest = set_up(w)
    draft = score(contest, w.judge_ids[0], w.entry_ids[0], [20, "", "", ""], submit=False)
    assert draft.status == "draft" and len(draft.marks) == 1
    with pytest.raises(judging.MarkErrors):
        score(contest, w.judge_ids[0], w.entry_ids[0], [20, "", 15, 15])


def test_a_judge_from_the_entrys_organisation_is_excluded_from_scoring_it(
    world: Callable[..., World],
) -> None:
    w = world(judge_orgs={0: 0})
    contest = set_up(w)
    with pytest.raises(Forbidden, match="回避"):
        score(contest, w.judge_ids[0], w.entry_ids[0], [20, 20, 15, 15])
    db.session.rollback()
    assert mark_count() == 0


def test_a_judge_off_the_panel_cannot_score(
    world: Callable[..., World], make_user: Callable[..., int]
) -> None:
    w = world()
    contest = set_up(w)
    outsider = make_user(roles=("judge",))
    with pytest.raises(Forbidden):
        score(contest, outsider, w.entry_ids[0], [20, 20, 15, 15])


def test_an_entry_of_another_event_cannot_be_scored(
    world: Callable[..., World], make_event: Callable[..., int]
) -> None:
    w = world()
    contest = set_up(w)
    other = world()
    with pytest.raises(Forbidden):
        score(contest, w.judge_ids[0], other.entry_ids[0], [20, 20, 15, 15])


def test_a_stale_save_is_refused_and_the_saved_marks_are_kept(
    world: Callable[..., World],
) -> None:
    w = world()
    contest = set_up(w)
    sheet = score(contest, w.judge_ids[0], w.entry_ids[0], [20, 20, 15, 15], submit=False)
    opened_at = sheet.version
    # Another tab saves first...
    score(contest, w.judge_ids[0], w.entry_ids[0], [25, 20, 15, 15], submit=False)
    # ...so this tab's save, typed against the old version, is refused.
    with pytest.raises(Conflict, match="NOT saved"):
        judging.save_sheet(
            contest,
            user(w.judge_ids[0]),
            entry(w.entry_ids[0]),
            {c.id: "10" for c in contest.criteria},
            version=opened_at,
            submit=True,
        )
    db.session.rollback()
    db.session.refresh(sheet)
    assert sheet.status == "draft"
    assert sorted(m.value for m in sheet.marks) == [D(15), D(15), D(20), D(25)]


def test_a_first_save_racing_another_first_save_is_refused(world: Callable[..., World]) -> None:
    w = world()
    contest = set_up(w)
    score(contest, w.judge_ids[0], w.entry_ids[0], [20, 20, 15, 15], submit=False)
    with pytest.raises(Conflict):
        judging.save_sheet(
            contest,
            user(w.judge_ids[0]),
            entry(w.entry_ids[0]),
            {c.id: "10" for c in contest.criteria},
            version=0,
            submit=False,
        )


def test_every_change_after_submission_is_audited_with_before_and_after(
    world: Callable[..., World],
) -> None:
    w = world()
    contest = set_up(w)
    sheet = score(contest, w.judge_ids[0], w.entry_ids[0], [20, 20, 15, 15])
    score(contest, w.judge_ids[0], w.entry_ids[0], [22, 20, 15, 15])
    records = db.session.scalars(
        select(AuditRecord)
        .where(AuditRecord.object_type == "score_sheet", AuditRecord.object_id == sheet.id)
        .order_by(AuditRecord.id)
    ).all()
    assert [r.action for r in records] == ["score.submit", "score.change"]
    change = records[-1]
    assert change.actor_id == w.judge_ids[0]
    assert change.before["marks"]["立意"] == "20" and change.after["marks"]["立意"] == "22"


def test_a_submitted_sheet_cannot_be_emptied_again(world: Callable[..., World]) -> None:
    w = world()
    contest = set_up(w)
    score(contest, w.judge_ids[0], w.entry_ids[0], [20, 20, 15, 15])
    with pytest.raises(judging.MarkErrors):
        score(contest, w.judge_ids[0], w.entry_ids[0], [20, "", 15, 15], submit=False)


# ---- results -----------------------------------------------------------------------------


def score_all(contest: Contest, w: World, table: dict[int, list[list[int | str]]]) -> None:
    """table[entry index] = one list of marks per judge (None-judges skipped)."""
    for e_index, sheets in table.items():
        for j_index, marks in enumerate(sheets):
            if marks:
                score(contest, w.judge_ids[j_index], w.entry_ids[e_index], marks)


def test_trimmed_mean_of_judges_totals_drops_one_high_and_one_low_total(
    world: Callable[..., World],
) -> None:
    w = world(entries=1, judges=5)
    contest = set_up(w, tiers=())
    # Totals 80, 85, 90, 70, 95: drop 95 and 70, mean of 80, 85, 90 = 85.
    score_all(
        contest,
        w,
        {
            0: [
                [25, 25, 15, 15],
                [25, 25, 20, 15],
                [28, 27, 18, 17],
                [20, 20, 15, 15],
                [30, 29, 18, 18],
            ]
        },
    )
    result = results.compute(contest)
    row = result.rows[0]
    assert row.exact == D(85) and row.rounded == D("85.00")
    dropped = {judge for judge, _c in row.dropped}
    assert dropped == {w.judge_ids[3], w.judge_ids[4]}
    assert row.spread == D("8.60")  # population sd of 80, 85, 90, 70, 95


def test_weights_multiply_marks_and_rounding_is_half_up_from_exact_values(
    world: Callable[..., World],
) -> None:
    w = world(entries=1, judges=3)
    criteria = (
        contests.CriterionData("内容", D(10), weight=D("0.6")),
        contests.CriterionData("表现", D(10), weight=D("0.4")),
    )
    contest = set_up(w, criteria=criteria, tiers=(), aggregation="mean")
    # Totals 0.6*9 + 0.4*8 = 8.6, 4.8 + 4 = 8.8 and 5.55 + 3.424 = 8.974; mean 8.79133...
    score_all(contest, w, {0: [[9, 8], [8, 10], ["9.25", "8.56"]]})
    row = results.compute(contest).rows[0]
    assert row.exact == Fraction(26374, 3000) and row.rounded == D("8.79")


def test_a_mean_ending_in_five_rounds_up_not_to_even(world: Callable[..., World]) -> None:
    w = world(entries=1, judges=2)
    contest = set_up(
        w, criteria=(contests.CriterionData("总分", D(100)),), tiers=(), aggregation="mean"
    )
    # (80.01 + 80.00) / 2 = 80.005 exactly: half up gives 80.01 (a float would give 80.0).
    score_all(contest, w, {0: [["80.01"], ["80.00"]]})
    row = results.compute(contest).rows[0]
    assert row.exact == D("80.005") and row.rounded == D("80.01")


def test_trim_each_criterion_then_weight_drops_marks_per_criterion(
    world: Callable[..., World],
) -> None:
    w = world(entries=1, judges=3)
    criteria = (contests.CriterionData("甲", D(10)), contests.CriterionData("乙", D(10)))
    contest = set_up(
        w, criteria=criteria, tiers=(), weighting_order="per_criterion_trim_then_weight"
    )
    score_all(contest, w, {0: [[9, 1], [5, 5], [1, 9]]})
    row = results.compute(contest).rows[0]
    # 甲: drop 9 and 1 -> 5; 乙: drop 9 and 1 -> 5; total 10.
    assert row.exact == D(10)
    first, second = contest.criteria
    assert row.dropped == {
        (w.judge_ids[0], first.id),
        (w.judge_ids[2], first.id),
        (w.judge_ids[0], second.id),
        (w.judge_ids[2], second.id),
    }


def test_an_excluded_judge_leaves_a_gap_that_the_aggregation_copes_with(
    world: Callable[..., World],
) -> None:
    w = world(entries=2, judges=4, entry_orgs=[0, 1], judge_orgs={0: 0})
    contest = set_up(w, tiers=(), aggregation="mean")
    score_all(
        contest,
        w,
        {0: [[], [20, 20, 15, 15], [25, 25, 15, 15], [20, 20, 20, 20]], 1: [[10, 10, 10, 10]] * 4},
    )
    result = results.compute(contest)
    first = next(r for r in result.rows if r.entry.id == w.entry_ids[0])
    assert first.excluded == {w.judge_ids[0]} and first.complete
    assert first.exact == Fraction(230, 3)  # (70 + 80 + 80) / 3, never a float
    assert first.rounded == D("76.67")
    assert result.missing_sheets == 0


def test_equal_totals_share_a_place_and_the_next_place_is_skipped(
    world: Callable[..., World],
) -> None:
    w = world(entries=4, judges=1)
    contest = set_up(w, tiers=(), aggregation="mean")
    score_all(
        contest,
        w,
        {
            0: [[30, 30, 20, 20]],
            1: [[25, 25, 15, 15]],
            2: [[20, 30, 15, 15]],
            3: [[10, 10, 10, 10]],
        },
    )
    rows = {r.entry.id: r for r in results.compute(contest).rows}
    assert [rows[e].place for e in w.entry_ids] == [1, 2, 2, 4]
    assert rows[w.entry_ids[1]].shared


def test_a_declared_criterion_tie_break_separates_equal_totals_and_is_named(
    world: Callable[..., World],
) -> None:
    w = world(entries=2, judges=1)
    contest = set_up(w, tiers=(), aggregation="mean", tiebreaks=("criterion:1",))
    score_all(contest, w, {0: [[20, 30, 15, 15]], 1: [[25, 25, 15, 15]]})
    rows = {r.entry.id: r for r in results.compute(contest).rows}
    assert rows[w.entry_ids[1]].place == 1 and rows[w.entry_ids[0]].place == 2
    assert "立意" in (rows[w.entry_ids[1]].decided_by or "")


def test_competition_rank_prizes_and_organisation_totals_with_tier_counts(
    world: Callable[..., World],
) -> None:
    # Entries of organisations 0, 1, 0, 1: scores 90, 80, 80, 70; 1 first, 1 second, 1 third.
    w = world(entries=4, judges=1, entry_orgs=[0, 1, 0, 1])
    contest = set_up(w, aggregation="mean")
    score_all(
        contest,
        w,
        {
            0: [[30, 30, 15, 15]],
            1: [[25, 25, 15, 15]],
            2: [[25, 25, 15, 15]],
            3: [[20, 20, 15, 15]],
        },
    )
    result = results.compute(contest)
    tiers = {r.entry.id: r.tier for r in result.rows}
    # Two entries tied for 2nd both take 二等奖; 三等奖 is used up by the tie (cut-off 3).
    assert [tiers[e] for e in w.entry_ids] == ["一等奖", "二等奖", "二等奖", None]
    orgs = {o.name: o for o in result.orgs}
    assert orgs["第1干休所"].points == D(12) and orgs["第1干休所"].place == 1
    assert orgs["第2干休所"].points == D(5) and orgs["第2干休所"].place == 2


def test_publishing_needs_every_sheet_and_then_locks_the_marks(
    world: Callable[..., World],
) -> None:
    w = world(entries=2, judges=2)
    contest = set_up(w, tiers=(contests.TierData("一等奖", D(3), quota=1),))
    score(contest, w.judge_ids[0], w.entry_ids[0], [20, 20, 15, 15])
    with pytest.raises(EventsysError, match="3"):
        results.publish(contest, actor=user(w.organizer_id))
    db.session.rollback()
    assert contest.published_at is None
    score(contest, w.judge_ids[1], w.entry_ids[0], [20, 20, 15, 15])
    score(contest, w.judge_ids[0], w.entry_ids[1], [10, 20, 15, 15])
    score(contest, w.judge_ids[1], w.entry_ids[1], [10, 20, 15, 15])
    results.publish(contest, actor=user(w.organizer_id))
    db.session.commit()
    assert contest.is_published
    with pytest.raises(EventsysError, match="published"):
        score(contest, w.judge_ids[0], w.entry_ids[0], [30, 30, 20, 20])
    db.session.rollback()
    sheet = judging.sheet_for(contest, user(w.judge_ids[0]), entry(w.entry_ids[0]))
    assert sorted(m.value for m in sheet.marks) == [D(15), D(15), D(20), D(20)]
    with pytest.raises(EventsysError):
        results.publish(contest, actor=user(w.organizer_id))


def test_skating_final_places_couples_from_judges_placings(
    world: Callable[..., World],
) -> None:
    w = world(entries=3, judges=3, kind="troupe_competition")
    contest = set_up(w, aggregation="skating", dances=("华尔兹",), criteria=(), tiers=())
    a, b, c = w.entry_ids
    placings = [{a: 1, b: 2, c: 3}, {a: 1, b: 3, c: 2}, {a: 2, b: 1, c: 3}]
    for judge_id, places in zip(w.judge_ids, placings, strict=True):
        judging.save_placings(
            contest,
            user(judge_id),
            "华尔兹",
            {k: str(v) for k, v in places.items()},
            version=0,
            submit=True,
        )
        db.session.commit()
    rows = {r.entry.id: r for r in results.compute(contest).rows}
    assert [rows[e].place for e in (a, b, c)] == [1, 2, 3]


def test_a_judge_may_not_give_one_place_twice(world: Callable[..., World]) -> None:
    w = world(entries=3, judges=1, kind="troupe_competition")
    contest = set_up(w, aggregation="skating", dances=("探戈",), criteria=(), tiers=())
    a, b, c = w.entry_ids
    with pytest.raises(judging.MarkErrors):
        judging.save_placings(
            contest, user(w.judge_ids[0]), "探戈", {a: "1", b: "1", c: "2"}, version=0, submit=True
        )


def test_the_csv_export_opens_in_excel_with_chinese_intact(world: Callable[..., World]) -> None:
    w = world(entries=1, judges=1)
    contest = set_up(w, tiers=())
    score(contest, w.judge_ids[0], w.entry_ids[0], [20, 20, 15, 15])
    data = exports.to_csv(*results.result_table(results.compute(contest)))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1][2] == "诗人1" and rows[1][5] == "70.00"


def test_the_xlsx_export_holds_the_score_matrix(world: Callable[..., World]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    w = world(entries=1, judges=1)
    contest = set_up(w, tiers=())
    score(contest, w.judge_ids[0], w.entry_ids[0], [20, 20, 15, 15])
    data = exports.to_xlsx(*results.matrix_table(results.compute(contest)), title="矩阵")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [cell.value for cell in sheet[2]]
    assert "诗人1" in values and 70 in values  # the judge's total is a number, not text


def test_a_two_dance_final_combines_places_by_rule_9(world: Callable[..., World]) -> None:
    w = world(entries=3, judges=3, kind="troupe_competition")
    contest = set_up(w, aggregation="skating", dances=("华尔兹", "探戈"), criteria=(), tiers=())
    a, b, c = w.entry_ids
    waltz = [{a: 1, b: 2, c: 3}] * 3
    tango = [{a: 2, b: 1, c: 3}, {a: 2, b: 1, c: 3}, {a: 1, b: 2, c: 3}]
    for dance, sheets in (("华尔兹", waltz), ("探戈", tango)):
        for judge_id, places in zip(w.judge_ids, sheets, strict=True):
            judging.save_placings(
                contest,
                user(judge_id),
                dance,
                {k: str(v) for k, v in places.items()},
                version=0,
                submit=True,
            )
            db.session.commit()
    rows = {r.entry.id: r for r in results.compute(contest).rows}
    # a: 1 + 2 = 3, b: 2 + 1 = 3, c: 6. a and b tie on the total; rule 10 for 1st place:
    # both have one 1st, sums equal; rule 11 over all six marks: a has four 1sts, b two.
    assert rows[a].place == 1 and rows[b].place == 2 and rows[c].place == 3
    assert rows[a].decided_by == "R11"


def test_a_whole_poetry_contest_with_thirty_entries_and_seven_judges(
    world: Callable[..., World],
) -> None:
    # Judge 1 belongs to the organisation of entries 0, 4, 8, ... and stands aside for them.
    w = world(entries=30, judges=7, judge_orgs={0: 0})
    contest = set_up(
        w,
        blind=True,
        tiers=(
            contests.TierData("一等奖", D(7), quota=3),
            contests.TierData("二等奖", D(5), quota=6),
            contests.TierData("三等奖", D(3), quota=7),
            contests.TierData("优秀奖", D(1), quota=8),
        ),
    )
    for e_index, entry_id in enumerate(w.entry_ids):
        for j_index, judge_id in enumerate(w.judge_ids):
            if j_index == 0 and e_index % 4 == 0:
                continue
            base = 10 + e_index // 2  # distinct per entry, 10..24
            score(contest, judge_id, entry_id, [base, base, 10 + j_index % 3, 10 + e_index % 2])
    outcome = results.publish(contest, actor=user(w.organizer_id))
    db.session.commit()
    tiers = [row.tier for row in outcome.rows]
    assert [tiers.count(t) for t in ("一等奖", "二等奖", "三等奖", "优秀奖")] == [3, 6, 7, 8]
    excluded = [row for row in outcome.rows if w.judge_ids[0] in row.excluded]
    assert len(excluded) == 8 and all(len(row.totals) == 6 for row in excluded)
    points = {"一等奖": 7, "二等奖": 5, "三等奖": 3, "优秀奖": 1, None: 0}
    assert sum(org.points for org in outcome.orgs) == sum(points[t] for t in tiers)
    assert [org.place for org in outcome.orgs] == sorted(org.place for org in outcome.orgs)
