"""Issue 15.5: nobody can put another member on their team. A named team-mate accepts or
declines on their own page (POST + CSRF), may leave at any time, is not blocked by a team that
named them, and the team form's lookups are limited like sign-up probing."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from eventsys.extensions import db
from eventsys.models import Event, Registration, RegistrationMember, SignupRefusal
from eventsys.timeutil import utcnow
from tests.conftest import csrf

EN = {"Accept-Language": "en"}


@pytest.fixture
def team_event(app: Flask, make_event: Callable[..., int]) -> int:
    event_id = make_event(start=utcnow() + timedelta(days=5), status="draft")
    with app.app_context():
        event = db.session.get(Event, event_id)
        event.registration_mode = "team"
        event.roster_max = 3
        event.capacity = 10
        event.status = "published"
        db.session.commit()
    return event_id


def _enter(client: FlaskClient, event_id: int, name: str, players: str) -> object:
    url = f"/events/{event_id}/teams/new"
    return client.post(
        url,
        data={"csrf_token": csrf(client, url), "team_name": name, "players": players},
        headers=EN,
    )


def _on_roster(app: Flask, user_id: int) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(RegistrationMember.registration_id).where(
                    RegistrationMember.user_id == user_id
                )
            )
        )


def test_a_member_named_by_someone_else_is_not_on_the_team_and_enters_their_own(
    app: Flask, team_event: int, signed_in: Callable[..., FlaskClient]
) -> None:
    victim = signed_in("participant", phone="13912345678")
    attacker = signed_in("participant")
    assert _enter(attacker, team_event, "冒名队", "139 1234 5678").status_code == 302  # type: ignore[attr-defined]
    assert _on_roster(app, victim.user_id) == []  # type: ignore[attr-defined]
    for where in ("/me/", "/me/registrations"):  # My page and My registrations
        page = victim.get(where, headers=EN).get_data(as_text=True)
        assert "冒名队" in page and "Accept" in page and "Decline" in page
        assert re.search(r'action="/invitations/\d+/decline"', page)
    # The victim enters a team of their own: nothing blocks them.
    signed_in("participant", login="friend1")
    assert _enter(victim, team_event, "自己的队", "friend1").status_code == 302  # type: ignore[attr-defined]
    assert len(_on_roster(app, victim.user_id)) == 1  # type: ignore[attr-defined]
    # ...and the team that named them no longer holds a place for them.
    assert "冒名队" not in victim.get("/me/registrations").get_data(as_text=True)


def test_accept_and_decline_are_posts_with_a_csrf_token_for_the_invited_person_only(
    app: Flask, team_event: int, signed_in: Callable[..., FlaskClient]
) -> None:
    mate = signed_in("participant", login="mate1")
    captain = signed_in("participant")
    _enter(captain, team_event, "甲队", "mate1")
    staff = signed_in("organizer")
    listed = staff.get(f"/manage/events/{team_event}/registrations", headers=EN)
    assert "1 not confirmed yet" in listed.get_data(as_text=True)
    page = mate.get("/me/registrations").get_data(as_text=True)
    accept = re.search(r'action="(/invitations/\d+/accept)"', page)
    assert accept is not None
    url = accept.group(1)
    assert mate.get(url).status_code == 405  # no GET writes
    assert mate.post(url, data={}).status_code == 400  # no CSRF token, nothing happens
    stranger = signed_in("participant")
    refused = stranger.post(url, data={"csrf_token": csrf(stranger, "/me/registrations")})
    assert refused.status_code == 302 and _on_roster(app, stranger.user_id) == []  # type: ignore[attr-defined]
    assert mate.post(url, data={"csrf_token": csrf(mate, "/me/registrations")}).status_code == 302
    assert len(_on_roster(app, mate.user_id)) == 1  # type: ignore[attr-defined]


def test_a_team_mate_leaves_the_team_and_the_captain_is_told(
    app: Flask, team_event: int, signed_in: Callable[..., FlaskClient]
) -> None:
    mate = signed_in("participant", login="mate2")
    captain = signed_in("participant")
    _enter(captain, team_event, "乙队", "mate2")
    page = mate.get("/me/registrations").get_data(as_text=True)
    url = re.search(r'action="(/invitations/\d+/accept)"', page).group(1)  # type: ignore[union-attr]
    mate.post(url, data={"csrf_token": csrf(mate, "/me/registrations")})
    (registration_id,) = _on_roster(app, mate.user_id)  # type: ignore[attr-defined]
    detail = mate.get(f"/me/registrations/{registration_id}", headers=EN).get_data(as_text=True)
    assert f'action="/registrations/{registration_id}/leave"' in detail
    token = csrf(mate, f"/me/registrations/{registration_id}")
    assert (
        mate.post(f"/registrations/{registration_id}/leave", data={"csrf_token": token}).status_code
        == 302
    )
    assert _on_roster(app, mate.user_id) == []  # type: ignore[attr-defined]
    with app.app_context():
        assert db.session.get(Registration, registration_id).size == 1
    told = captain.get("/me/registrations", headers=EN).get_data(as_text=True)
    assert "a team-mate declined or left" in told


def test_the_team_form_stops_answering_whether_a_phone_exists_after_the_sign_up_limit(
    app: Flask, team_event: int, signed_in: Callable[..., FlaskClient]
) -> None:
    signed_in("participant", phone="13800000001")
    prober = signed_in("participant")
    answers = [
        _enter(prober, team_event, f"探{n}", f"1380000{n:04d}")  # type: ignore[attr-defined]
        for n in range(2, 9)
    ]
    assert [a.status_code for a in answers[:5]] == [422] * 5  # type: ignore[attr-defined]
    assert [a.status_code for a in answers[5:]] == [429, 429]  # type: ignore[attr-defined]
    # Past the limit even an existing number gets the same refusal: nothing is looked up.
    known = _enter(prober, team_event, "探已知", "13800000001")
    assert known.status_code == 429  # type: ignore[attr-defined]
    assert "Too many unknown names" in known.get_data(as_text=True)  # type: ignore[attr-defined]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SignupRefusal)) == 5


def test_a_roster_longer_than_allowed_is_refused_before_any_lookup(
    app: Flask, team_event: int, signed_in: Callable[..., FlaskClient]
) -> None:
    prober = signed_in("participant")
    many = "\n".join(f"1380000{n:04d}" for n in range(30))
    response = _enter(prober, team_event, "长名单", many)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "at most 2 people" in response.get_data(as_text=True)  # type: ignore[attr-defined]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SignupRefusal)) == 0
