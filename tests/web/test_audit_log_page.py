"""The audit log reads as sentences: who did what to what, the changes in words, filtered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from eventsys.extensions import db
from eventsys.models import AuditRecord, User
from eventsys.services import audit
from tests.querycount import count_queries


def _record(
    app: Flask,
    actor_id: int | None,
    action: str,
    kind: str,
    object_id: int,
    at: datetime,
    **values: object,
) -> None:
    with app.app_context():
        actor = db.session.get(User, actor_id) if actor_id else None
        entry = audit.record(actor, action, kind, object_id, **values)  # type: ignore[arg-type]
        entry.at = at
        db.session.commit()


def test_each_action_is_a_sentence_with_its_object_linked_and_its_changes_in_words(
    app: Flask, signed_in: Callable[..., FlaskClient], make_user: Callable[..., int]
) -> None:
    staff = signed_in("organizer", name="王主任")
    clerk = make_user(roles=("organizer",), name="李干事")
    _record(
        app,
        clerk,
        "event.update",
        "event",
        42,
        datetime(2026, 12, 1, 2, 0, tzinfo=UTC),
        before={"title": "合唱", "capacity": 30},
        after={"title": "合唱排练", "capacity": 40},
    )
    _record(
        app,
        clerk,
        "user.roles",
        "user",
        staff.user_id,
        datetime(2026, 12, 2, 2, 0, tzinfo=UTC),  # type: ignore[attr-defined]
        before={"roles": ["participant"]},
        after={"roles": ["participant", "judge"]},
    )
    page = staff.get("/manage/audit").get_data(as_text=True)
    assert "修改了活动" in page
    assert 'href="/events/42"' in page
    assert "名额：30 → 40" in page
    assert "event.update" not in page and "{&#34;" not in page
    assert "修改了角色" in page and "参与者 → 参与者、评委" in page
    english = staff.get("/manage/audit", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "changed the event" in english and "Capacity: 30 → 40" in english


def test_the_log_filters_by_person_object_and_dates_without_writing(
    app: Flask, signed_in: Callable[..., FlaskClient], make_user: Callable[..., int]
) -> None:
    staff = signed_in("organizer")
    clerk = make_user(roles=("organizer",), name="李干事")
    other = make_user(roles=("organizer",), name="赵会计")
    _record(app, clerk, "event.update", "event", 7, datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    _record(app, clerk, "venue.save", "venue", 3, datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
    _record(app, other, "event.create", "event", 8, datetime(2026, 12, 2, 3, 0, tzinfo=UTC))
    with app.app_context():
        before = db.session.query(AuditRecord).count()

    def shown(query: str) -> str:
        response = staff.get(f"/manage/audit?{query}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    by_person = shown("who=李干事")
    assert 'href="/events/7"' in by_person and "赵会计" not in by_person.split("<tbody>")[1]
    by_object = shown("type=event&id=8")
    assert 'href="/events/8"' in by_object and 'href="/events/7"' not in by_object
    by_dates = shown("from=2026-12-01&to=2026-12-31")
    assert 'href="/events/8"' in by_dates and 'href="/events/7"' not in by_dates
    assert staff.get("/manage/audit?from=2026-13-01").status_code == 400
    assert staff.get("/manage/audit?id=abc").status_code == 400
    with app.app_context():
        assert db.session.query(AuditRecord).count() == before


def test_the_log_pages_through_many_records_in_the_same_number_of_statements(
    app: Flask, signed_in: Callable[..., FlaskClient], make_user: Callable[..., int]
) -> None:
    staff = signed_in("organizer")
    clerk = make_user(roles=("organizer",), name="李干事")
    with app.app_context():
        actor = db.session.get(User, clerk)
        for number in range(120):
            audit.record(
                actor, "event.update", "event", number + 1, after={"title": f"活动{number}"}
            )
        db.session.commit()
    first = staff.get("/manage/audit").get_data(as_text=True)
    assert 'href="/manage/audit?page=2"' in first
    with count_queries(app) as one:
        staff.get("/manage/audit?page=1")
    with count_queries(app) as two:
        third = staff.get("/manage/audit?page=3").get_data(as_text=True)
    assert len(one) == len(two)
    assert 'href="/events/1"' in third and 'href="/events/120"' not in third


def test_dates_and_numbers_past_what_can_be_held_are_refused_not_a_server_error(
    signed_in: Callable[..., FlaskClient],
) -> None:
    staff = signed_in("organizer")
    for query in ("to=9999-12-31", "from=0001-01-01", "id=99999999999999999999", "page=10**9"):
        assert staff.get(f"/manage/audit?{query}").status_code == 400, query
    assert staff.get("/manage/audit?page=99999999999").status_code == 400
    assert staff.get("/manage/audit?to=2026-12-31&page=0").status_code == 200

def test_the_log_finds_a_person_by_a_phone_number_written_with_dashes(
    app: Flask, signed_in: Callable[..., FlaskClient], make_user: Callable[..., int]
) -> None:
    staff = signed_in("organizer")
    clerk = make_user(roles=("organizer",), name="李干事", phone="13800138000")
    other = make_user(roles=("organizer",), name="赵会计", phone="13911112222")
    _record(app, clerk, "event.update", "event", 7, datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    _record(app, other, "event.create", "event", 8, datetime(2026, 12, 2, 3, 0, tzinfo=UTC))
    page = staff.get("/manage/audit", query_string={"who": "138-0013-8000"}).get_data(True)
    rows = page.split("<tbody>")[1]
    assert 'href="/events/7"' in rows and 'href="/events/8"' not in rows
