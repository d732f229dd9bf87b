"""Blind codes: every entry a judge can see has one, random and unique within the contest."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from eventsys.extensions import db
from eventsys.models import Registration
from eventsys.models.contests import Contest
from eventsys.services import contests
from tests.services.test_contests import World, entry, poem, set_up


def late_entry(w: World, make_user: Callable[..., int], app: Flask, n: int) -> int:
    """An entry confirmed after the panel was set (as the registration service would)."""
    author = make_user(name=f"迟到诗人{n}", organisation_id=w.org_ids[0])
    return poem(app, w.event_id, author, w.org_ids[0], f"晚秋{n}", "霜叶红于二月花。")


def test_entries_confirmed_after_the_panel_get_a_code_before_a_judge_sees_them(
    ctx: Flask, world: Callable[..., World], make_user: Callable[..., int]
) -> None:
    w = world(entries=3)
    contest = set_up(w, blind=True)
    first_codes = {e: entry(e).blind_code for e in w.entry_ids}
    late = [late_entry(w, make_user, ctx, n) for n in range(2)]
    assert all(entry(e).blind_code is None for e in late)
    version = contest.results_version

    assert contests.ensure_blind_codes(contest) is True
    db.session.commit()
    codes = [entry(e).blind_code for e in [*w.entry_ids, *late]]
    assert all(codes) and len(set(codes)) == len(codes)
    # Codes already given never change, and the scoreboard's version moves on.
    assert {e: entry(e).blind_code for e in w.entry_ids} == first_codes
    assert db.session.get(Contest, contest.id).results_version > version
    # Nothing missing: nothing to do.
    assert contests.ensure_blind_codes(contest) is False


def test_an_open_contest_gives_no_codes(
    ctx: Flask, world: Callable[..., World], make_user: Callable[..., int]
) -> None:
    w = world(entries=3)
    contest = set_up(w, blind=False)
    assert contests.ensure_blind_codes(contest) is False
    assert all(entry(e).blind_code is None for e in w.entry_ids)


def test_codes_do_not_follow_the_order_of_registration(
    ctx: Flask, world: Callable[..., World]
) -> None:
    w = world(entries=24, judges=1)
    set_up(w, blind=True)
    codes = [entry(e).blind_code for e in w.entry_ids]
    assert all(code is not None and code.startswith("A") for code in codes)
    assert len(set(codes)) == 24
    # 24 random draws from a pool of 82 come out in registration order once in 24! times.
    assert codes != sorted(codes)
    assert max(int(code[1:]) for code in codes if code) > 24  # not simply 1..n


def test_a_withdrawn_entry_keeps_its_code_and_nobody_else_gets_it(
    ctx: Flask, world: Callable[..., World], make_user: Callable[..., int]
) -> None:
    w = world(entries=3)
    contest = set_up(w, blind=True)
    gone = entry(w.entry_ids[0])
    gone.status = "cancelled"
    db.session.commit()
    late = [late_entry(w, make_user, ctx, n) for n in range(20)]
    contests.ensure_blind_codes(contest)
    db.session.commit()
    codes = set(
        db.session.scalars(select(Registration.blind_code).where(Registration.id.in_(late)))
    )
    assert len(codes) == 20 and gone.blind_code not in codes


def test_unpublishing_a_blind_contest_draws_fresh_codes_under_the_next_letter(
    ctx: Flask, world: Callable[..., World], make_user: Callable[..., int]
) -> None:
    """Published results tie every code to a name; after unpublishing those codes tell a
    judge who is who, so every entry gets a new code (B.. after A..), audited."""
    from eventsys.models import AuditRecord, User
    from eventsys.services import judging, results
    from tests.services.test_contests import score

    w = world(entries=6, judges=1)
    contest = set_up(w, blind=True, tiers=())
    for n, entry_id in enumerate(w.entry_ids):
        score(contest, w.judge_ids[0], entry_id, [20 + n, 20, 15, 15])
    organizer = db.session.get(User, w.organizer_id)
    results.publish(contest, actor=organizer)
    db.session.commit()
    published = {e: entry(e).blind_code for e in w.entry_ids}
    assert all(code.startswith("A") for code in published.values())

    results.unpublish(contest, actor=organizer)
    db.session.commit()
    fresh = {e: entry(e).blind_code for e in w.entry_ids}
    assert all(code is not None and code.startswith("B") for code in fresh.values())
    assert len(set(fresh.values())) == 6
    assert not set(fresh.values()) & set(published.values())
    record = db.session.scalars(
        select(AuditRecord).where(AuditRecord.action == "contest.unpublish")
    ).one()
    assert record.after["codes"] == "redrawn"
    # The judge's list follows the codes, not the order of registration.
    rows = judging.sheets_of(contest, db.session.get(User, w.judge_ids[0]))
    assert [row.entry.blind_code for row in rows] == sorted(fresh.values())
    # An entry arriving now is coded under the new letter too.
    late = late_entry(w, make_user, ctx, 1)
    contests.ensure_blind_codes(contest)
    db.session.commit()
    assert entry(late).blind_code.startswith("B")


def test_unpublishing_an_open_contest_gives_no_codes(
    ctx: Flask, world: Callable[..., World]
) -> None:
    from eventsys.models import User
    from eventsys.services import results
    from tests.services.test_contests import score

    w = world(entries=2, judges=1)
    contest = set_up(w, blind=False, tiers=())
    for entry_id in w.entry_ids:
        score(contest, w.judge_ids[0], entry_id, [20, 20, 15, 15])
    organizer = db.session.get(User, w.organizer_id)
    results.publish(contest, actor=organizer)
    results.unpublish(contest, actor=organizer)
    db.session.commit()
    assert all(entry(e).blind_code is None for e in w.entry_ids)
