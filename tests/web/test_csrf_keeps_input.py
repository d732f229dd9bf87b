"""A form sent with an expired or missing CSRF token comes back as typed (UX.md item 6).

Every view marked @keeps_input is found in the app's view functions, so a newly marked form is
covered here without a list to update: it is posted from its own page with a value typed into
it and a wrong or missing token, and must answer 400 with the value shown again, a message at
the top, a fresh token, and no table changed. Unmarked endpoints keep the plain error page.

(The page is the view's own answer to a form failing on its csrf_token field: forms.check_csrf
lets the refused request of a marked view through, flagged, and a flagged request cannot
commit.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, render_template_string, request
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from eventsys.extensions import db
from eventsys.models import Event, User, Venue
from eventsys.web.forms import KEEPS_INPUT, keeps_input
from tests.conftest import csrf, csrf_from, make_app
from tests.snapshots import differences, snapshot
from tests.web.test_authorization_matrix import Seeded, _clients, _seed, _url
from tests.web.test_hostile_input import Form, _forms_for, _role, forms_on

MESSAGE = "press the button again"
PLAIN = "This form had expired or was sent from elsewhere"
TYPED_TEXT = "留住输入 keep 4711"
TYPED = {
    "text": TYPED_TEXT,
    "textarea": TYPED_TEXT,
    "search": TYPED_TEXT,
    "tel": "13911112222",
    "number": "4711",
    "datetime-local": "2031-05-06T07:08",
    "date": "2031-05-06",
}
SECRET = "Secret-pass-9876"
EN = {"Accept-Language": "en"}


def marked_endpoints(app: Flask) -> list[str]:
    return sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, KEEPS_INPUT, False)
    )


@pytest.fixture
def world(app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]) -> Seeded:
    """The authorization matrix's world, with the events some forms need to show their fields."""
    seeded = _seed(app, make_event, make_user)
    with app.app_context():
        organizer_id = db.session.scalar(
            select(User.id).where(User.login == seeded.logins["organizer"])
        )
        for key, mode, asks in (
            ("title_event_id", "individual", True),
            ("team_event_id", "team", False),
        ):
            event = db.session.get(Event, make_event(status="draft", organizer_id=organizer_id))
            event.registration_mode, event.asks_title, event.status = mode, asks, "published"
            seeded.ids[key] = event.id
        db.session.commit()
    return seeded


# Where the seeded object would not show the form's fields (the owner is registered already, the
# event takes no teams, the tournament exists already).
OVERRIDES = {
    "registrations.register": "title_event_id",
    "registrations.register_team": "team_event_id",
    "tournaments.create": "title_event_id",
    "registrations.manage_list": "title_event_id",
}
# Where the form shows only once something is chosen (staff register the member they found).
CHOSEN = {"registrations.manage_list": "?person={user_id}"}


def _url_for(rule: Any, seeded: Seeded) -> str:
    ids = dict(seeded.ids)
    if rule.endpoint in OVERRIDES:
        ids["event_id"] = ids["contest_event_id"] = ids["ball_event_id"] = seeded.ids[
            OVERRIDES[rule.endpoint]
        ]
    return _url(rule, ids) + CHOSEN.get(rule.endpoint, "").format(**ids)


def _choose(form: Form) -> tuple[str, list[str]]:
    """A field to change and the values to send for it, as a person would."""
    for name, known in form.fields.items():
        if name.endswith("csrf_token") or known.kind in ("hidden", "password", "submit"):
            continue
        kind = "textarea" if known.tag == "textarea" else known.kind
        if kind in TYPED:
            return name, [TYPED[kind]]
    for name, known in form.fields.items():
        if known.kind == "select" and len(known.options) > 1:
            other = next(o for o in reversed(known.options) if o not in known.values)
            return name, [other]
        if known.kind == "checkbox" and set(known.options) - set(known.values):
            extra = sorted(set(known.options) - set(known.values))[0]
            return name, [*known.values, extra]
    raise AssertionError(f"{form.action}: no field to type into; seed an object that shows one")


def _payload(
    form: Form, chosen: str, values: list[str], token: str | None
) -> list[tuple[str, str]]:
    payload: list[tuple[str, str]] = []
    for name, known in form.fields.items():
        if name.endswith("csrf_token"):
            if token is not None:
                payload.append((name, token))
        elif name == chosen:
            payload.extend((name, value) for value in values)
        elif known.kind == "password":
            payload.append((name, SECRET))
        elif known.kind in ("submit",) or (known.tag == "button" and not known.values):
            continue
        else:
            payload.extend((name, value) for value in known.values)
    # The button that was pressed (forms on a page with several name theirs).
    for name, known in form.fields.items():
        if name.endswith("submit") and known.tag == "button":
            payload.append((name, known.values[0] if known.values else "1"))
    return payload


def _shown_again(html: str, url: str, action: str, chosen: str) -> tuple[list[str], str | None]:
    """The values the page shows for *chosen*, and the CSRF token of that form."""
    path = urlsplit(action).path
    for form in forms_on(html, url):
        if urlsplit(form.action).path == path and chosen in form.fields:
            token = next(
                (
                    k.values[0]
                    for n, k in form.fields.items()
                    if n.endswith("csrf_token") and k.values
                ),
                None,
            )
            known = form.fields[chosen]
            return [v.strip() for v in known.values], token
    return [], None


def test_every_marked_form_comes_back_with_its_input_and_a_new_token(
    app: Flask, world: Seeded
) -> None:
    endpoints = marked_endpoints(app)
    # The forms people spend time on are marked (new ones are found without this list).
    assert {
        "auth.signup",
        "me.profile",
        "manage.event_new",
        "registrations.register",
        "contests.setup",
        "tournaments.result",
    } <= set(endpoints)
    clients = _clients(app, world)
    problems: list[str] = []
    checked = 0
    for endpoint in endpoints:
        client = clients[_role(endpoint)]
        rules = sorted((r for r in app.url_map.iter_rules() if r.endpoint == endpoint), key=str)
        for rule in rules:
            url = _url_for(rule, world)
            forms = _forms_for(app, client, url, endpoint, world)
            form = forms[0]
            chosen, values = _choose(form)
            for token in ("an-expired-token", None):
                before = snapshot(app)
                response = client.post(
                    url, data=MultiDict(_payload(form, chosen, values, token)), headers=EN
                )
                html = response.get_data(as_text=True)
                where = f"POST {url} ({endpoint}) token={token!r}"
                after = snapshot(app)
                if response.status_code != 400:
                    problems.append(f"{where}: {response.status_code}, not 400")
                    continue
                shown, new_token = _shown_again(html, url, form.action, chosen)
                if sorted(shown) != sorted(values):
                    problems.append(f"{where}: shows {shown!r} for {chosen}, not {values!r}")
                if not new_token or new_token == token:
                    problems.append(f"{where}: no fresh CSRF token")
                if MESSAGE not in html:
                    problems.append(f"{where}: no message at the top")
                if SECRET in html:
                    problems.append(f"{where}: a password was shown again")
                if differences(before, after):
                    problems.append(f"{where}: changed {differences(before, after)}")
                checked += 1
    assert problems == [], "\n".join(problems)
    assert checked >= 2 * len(endpoints)


def test_the_page_shown_again_can_be_sent_with_its_new_token(app: Flask) -> None:
    client = app.test_client()
    typed = {"name": "孙立新", "login": "sunlixin", "phone": "13900002222"}
    refused = client.post(
        "/signup",
        data={**typed, "csrf_token": "expired", "password": "long enough 1"},
        headers=EN,
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert MESSAGE in page and "type the password again" in page
    assert all(f'value="{value}"' in page for value in typed.values())
    assert "long enough 1" not in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
    accepted = client.post(
        "/signup",
        data={**typed, "csrf_token": csrf_from(page), "password": "long enough 1"},
        headers=EN,
    )
    assert accepted.status_code == 302, accepted.get_data(as_text=True)[:1000]
    with app.app_context():
        assert db.session.scalars(select(User.login)).all() == ["sunlixin"]


def test_a_good_token_refused_for_its_referer_still_saves_nothing(app: Flask) -> None:
    """Over HTTPS Flask-WTF also wants a same-site Referer; the page comes back, unsaved."""
    client = app.test_client()
    token = csrf(client, "/signup")
    response = client.post(
        "/signup",
        base_url="https://localhost",
        data={
            "csrf_token": token,
            "name": "孙立新",
            "login": "sunlixin",
            "password": "long enough 1",
        },
        headers=EN,
    )
    assert response.status_code == 400
    assert 'value="sunlixin"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_buttons_and_refused_roles_keep_the_plain_error_page(
    app: Flask, signed_in: Callable[..., FlaskClient]
) -> None:
    member = signed_in("participant")
    for url in ("/logout", "/me/sign-out-everywhere"):
        response = member.post(url, headers=EN)
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and PLAIN in page and MESSAGE not in page
    # A marked form, but not for this person: the plain page, not the organizers' form.
    response = member.post("/manage/events/new", data={"title": TYPED_TEXT}, headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and PLAIN in page
    assert TYPED_TEXT not in page and 'name="title"' not in page
    anonymous = app.test_client()
    response = anonymous.post("/me/", data={"profile-name": TYPED_TEXT}, headers=EN)
    assert response.status_code == 400 and TYPED_TEXT not in response.get_data(as_text=True)
    # The plain page does not carry the form page's message into the next page either.
    assert MESSAGE not in member.get("/", headers=EN).get_data(as_text=True)


@pytest.mark.parametrize("commits", [True, False])
def test_a_marked_view_that_saves_by_hand_saves_nothing(tmp_path: Path, commits: bool) -> None:
    app = make_app(f"sqlite:///{tmp_path}/by-hand.sqlite3", str(tmp_path))

    @app.route("/by-hand", methods=["GET", "POST"])
    @keeps_input
    def by_hand() -> Any:
        db.session.add(Venue(name=request.form.get("name", "?"), capacity=1, kind="room"))
        db.session.flush()
        if commits:
            db.session.commit()
        return render_template_string("{% extends 'base.html' %}{% block content %}x{% endblock %}")

    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parents[2] / "migrations"), revision="heads")
    try:
        response = app.test_client().post(
            "/by-hand", data={"name": "偷偷保存", "csrf_token": "x"}, headers=EN
        )
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        # Committing is refused, a flush is rolled back; with no form to say why, the page is
        # the plain one.
        assert PLAIN in page
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Venue)) == 0
    finally:
        with app.app_context():
            db.engine.dispose()


def test_the_form_shown_again_says_so_in_chinese(app: Flask) -> None:
    refused = app.test_client().post(
        "/signup",
        data={"name": "李淑芬", "login": "lishufen", "password": "jinqiu-2026"},
        headers={"Accept-Language": "zh-CN"},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    alert = page[page.index('role="alert"') :]
    assert "没有保存" in alert and "密码需要重新输入" in alert
    assert 'value="lishufen"' in page and "jinqiu-2026" not in page


def test_a_post_to_no_route_is_a_404_not_a_csrf_refusal(app: Flask) -> None:
    assert app.test_client().post("/no-such-page", data={"x": "1"}).status_code == 404
    assert app.test_client().post("/forgot-password", data={"x": "1"}).status_code == 405
