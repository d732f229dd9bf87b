"""Every route of the app, for every role: the right answer, and never a server error.

Routes come from the URL map, so a new route must be classified in ACCESS below or this test
fails: no route is forgotten. Ids in the URLs are real objects of a seeded world, so a route that
forgets to check who owns an object is caught by the "someone else" roles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeSerializer
from werkzeug.routing import Rule

from eventsys.domain.member_import import Options
from eventsys.extensions import db
from eventsys.models import Event, Group, GroupMember, Occurrence, Organisation, Registration, User
from eventsys.models.groups import Honour, JoinRequest
from eventsys.services import calendar as feeds
from eventsys.services import contests, member_import
from eventsys.services import registrations as registration_service
from eventsys.services import tournaments as tournament_service
from eventsys.timeutil import utcnow
from tests.conftest import csrf, login
from tests.services.test_contests import POETRY, build_world
from tests.services.test_tournaments_helpers import setup_tournament
from tests.snapshots import differences, snapshot

# Who may use each endpoint.
#   public     anyone, signed in or not
#   token      anyone holding the secret in the address
#   signed_in  any signed-in person (their own things only)
#   owner      the person the object belongs to (and organizers)
#   judge      a judge on the contest's panel (and organizers where the view allows)
#   organizer  organizers only
#   referee    organizers and the tournament's referees
ACCESS: dict[str, str] = {
    "auth.devices": "signed_in",
    "auth.forgot_password": "public",
    "auth.reset_password": "public",
    "auth.language": "public",
    "auth.login": "public",
    "auth.logout": "signed_in",
    "auth.signup": "public",
    "calendar.contest_ics": "public",
    "calendar.event_ics": "public",
    "calendar.event_page": "public",
    "calendar.index": "public",
    "calendar.mine": "signed_in",
    "calendar.new_address": "signed_in",
    "calendar.personal_ics": "token",
    "calendar.programme_ics": "public",
    "calendar.stop_address": "signed_in",
    "calendar.venue_ics": "public",
    "calendar.venue_page": "public",
    "contests.certificates": "organizer",
    "contests.export": "organizer",
    "contests.judging_home": "judge",
    "contests.judging_list": "judge",
    "contests.matrix": "organizer",
    "contests.overview": "organizer",
    "contests.panel": "organizer",
    "contests.placings": "judge",
    "contests.public_results": "public",
    "contests.publish": "organizer",
    "contests.scoreboard": "public",
    "contests.skating": "public",
    "contests.setup": "organizer",
    "contests.sheet": "judge",
    "contests.unpublish": "organizer",
    "desk_import.confirm": "organizer",
    "desk_import.preview": "organizer",
    "desk_import.template": "organizer",
    "desk_import.upload": "organizer",
    "groups.answer": "owner",
    "groups.detail": "public",
    "groups.honour_delete": "organizer",
    "groups.honour_form": "organizer",
    "groups.honour_photo": "public",
    "groups.honours": "public",
    "groups.honours_export": "public",
    "groups.index": "public",
    "groups.join": "signed_in",
    "groups.register_members": "owner",
    "manage.audit_log": "organizer",
    "manage.dashboard": "organizer",
    "manage.event_cancel": "organizer",
    "manage.event_edit": "organizer",
    "manage.event_new": "organizer",
    "manage.event_registrants_print": "organizer",
    "manage.event_status": "organizer",
    "manage.events": "organizer",
    "manage.group_form": "organizer",
    "manage.group_member_add": "organizer",
    "manage.group_member_remove": "organizer",
    "manage.groups": "organizer",
    "manage.occurrence_move": "organizer",
    "manage.occurrence_skip": "organizer",
    "manage.occurrences": "organizer",
    "manage.organisation_form": "organizer",
    "manage.organisations": "organizer",
    "manage.people": "organizer",
    "manage.person": "organizer",
    "manage.person_active": "organizer",
    "manage.person_merge": "organizer",
    "manage.person_new": "organizer",
    "manage.person_record": "organizer",
    "manage.person_reset_code": "organizer",
    "manage.person_reset_slip": "organizer",
    "manage.person_unlock": "organizer",
    "manage.venue_form": "organizer",
    "manage.venues": "organizer",
    "me.profile": "signed_in",
    "me.sign_out_everywhere": "signed_in",
    "me.text_messages": "signed_in",  # one's own choice only
    "notices.event_notice": "organizer",
    "notices.group_notice": "organizer",
    "printouts.poster": "organizer",
    "printouts.programme": "organizer",
    "printouts.sign_in": "organizer",
    "printouts.sitting_sign_in": "organizer",
    "public.event_detail": "public",
    "public.home": "public",
    "public.venue_week": "public",
    "public.venues": "public",
    "registrations.answer_invitation": "signed_in",  # one's own invitations only
    "registrations.notices_seen": "signed_in",  # one's own notices only
    "registrations.cancel": "owner",
    "registrations.checkin": "organizer",
    "registrations.checkin_guest": "organizer",
    "registrations.checkin_undo": "organizer",
    "registrations.export": "organizer",
    "registrations.leave": "owner",
    "registrations.manage_decide": "organizer",
    "registrations.manage_list": "organizer",
    "registrations.mine": "signed_in",
    "registrations.mine_detail": "owner",
    "registrations.register": "signed_in",
    "registrations.register_team": "signed_in",
    # Staff check the code's holder in; a member who scans it is told to show it to the staff.
    "registrations.scan": "signed_in",
    "registrations.statistics": "organizer",
    "registrations.statistics_export": "organizer",
    "streams.contest": "public",
    "streams.tournament": "public",
    "tournaments.bracket": "public",
    "tournaments.court_add": "organizer",
    "tournaments.court_delete": "organizer",
    "tournaments.create": "organizer",
    "tournaments.draw": "organizer",
    "tournaments.draw_delete": "organizer",
    "tournaments.lot": "organizer",
    "tournaments.my_team": "owner",
    "tournaments.entries": "organizer",
    "tournaments.index": "public",
    "tournaments.manage": "organizer",
    "tournaments.move": "organizer",
    "tournaments.overview": "public",
    "tournaments.referee_add": "organizer",
    "tournaments.referee_delete": "organizer",
    "tournaments.result": "referee",
    "tournaments.schedule": "public",
    "tournaments.schedule_make": "organizer",
    "tournaments.screen": "public",
    "tournaments.settings": "organizer",
    "tournaments.standings": "public",
    "tournaments.team": "public",
}
FIXED = {
    "status": "published",
    "decision": "approve",
    "dance_index": 0,
    "fmt": "csv",
    "answer": "accept",
    "invitation_id": 1,
    "state": "on",  # switching an account on that is on: changes nothing for the other roles
}
ROLES = ("anonymous", "owner", "stranger", "judge", "outside_judge", "organizer")
DENIED = (403, 404)


@dataclass
class Seeded:
    ids: dict[str, Any]
    logins: dict[str, str]


def _seed(app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]) -> Seeded:
    with app.app_context():
        contest_world = build_world(app, make_event, make_user, entries=3, judges=2)
        contest = contests.set_up_contest(
            db.session.get(Event, contest_world.event_id),
            contests.ContestSettings(
                criteria=POETRY, tiers=(contests.TierData("一等奖", Decimal(7), quota=1),)
            ),
            actor=db.session.get(User, contest_world.organizer_id),
        )
        organizer = db.session.get(User, contest_world.organizer_id)
        contests.appoint_panel(contest, contest_world.judge_ids[:1], actor=organizer)
        db.session.commit()

        tournament, teams = setup_tournament(
            make_event, organizer, "table_tennis", ["甲", "乙", "丙", "丁"], courts=1
        )
        tournament_service.make_draw(tournament, "round_robin", actor=organizer)
        tournament_service.make_schedule(tournament, actor=organizer)
        referee = tournament_service.appoint_referee(
            tournament, db.session.get(User, contest_world.judge_ids[1]), actor=organizer
        )
        match = tournament_service.all_matches(tournament)[0]
        db.session.commit()

        unit = Organisation(name="矩阵测试单位")
        db.session.add(unit)
        db.session.commit()
        owner = db.session.get(User, make_user(login="owner", organisation_id=unit.id))
        stranger = db.session.get(User, make_user(login="stranger"))
        start = utcnow() + timedelta(days=3)
        event_id = make_event(start=start, status="draft", organizer_id=organizer.id)
        event = db.session.get(Event, event_id)
        event.registration_mode, event.status = "individual", "published"
        db.session.commit()
        registration = registration_service.register(event, owner, by=owner, now=utcnow())
        group = Group(name="晓月诗社", kind="society", organisation_id=unit.id, leader_id=owner.id)
        db.session.add(group)
        db.session.flush()
        db.session.add(GroupMember(group_id=group.id, user_id=stranger.id))
        event.group_id = group.id  # the group's activity: its leader may register the members
        asker = db.session.get(User, make_user(login="asker"))
        join_request = JoinRequest(group_id=group.id, user_id=asker.id)
        honour = Honour(competition="原创诗歌征集", award="一等奖", awarded_on=start.date())
        honour.group_id = group.id
        db.session.add_all([join_request, honour])
        token = feeds.new_token(owner, actor=owner)
        upload = member_import.store_upload(
            member_import.template().body, "名单.xlsx", Options(), actor=organizer, now=utcnow()
        )
        db.session.commit()
        occurrence = db.session.query(Occurrence).filter_by(event_id=event_id).one()
        logins = {
            "owner": "owner",
            "stranger": "stranger",
            "organizer": organizer.login,
            "judge": db.session.get(User, contest_world.judge_ids[0]).login,
            "outside_judge": db.session.get(User, contest_world.judge_ids[1]).login,
        }
        ids = {
            "event_id": event_id,
            "contest_event_id": contest_world.event_id,
            "ball_event_id": tournament.event_id,
            "venue_id": event.venue_id,
            "registration_id": registration.id,
            "contest_entry_id": contest_world.entry_ids[0],
            "team_registration_id": teams[0],
            "contest_id": contest.id,
            "tournament_id": tournament.id,
            "pool_id": tournament.stages[0].pools[0].id,
            "match_id": match.id,
            "court_id": tournament.courts[0].id if hasattr(tournament, "courts") else 1,
            "referee_id": referee.id,
            "occurrence_id": occurrence.id,
            "group_id": group.id,
            "request_id": join_request.id,
            "honour_id": honour.id,
            "organisation_id": unit.id,
            "user_id": stranger.id,
            "owner_id": owner.id,
            "calendar_token": token,
            "upload": upload.token,
            "checkin_token": URLSafeSerializer(
                app.config["SECRET_KEY"], salt="eventsys-checkin"
            ).dumps(registration.id),
        }
        return Seeded(ids, logins)


def _url(rule: Rule, ids: dict[str, Any]) -> str:
    """Fill a rule's arguments with the seeded world's ids."""
    endpoint = rule.endpoint
    values: dict[str, Any] = {}
    for name in rule.arguments:
        if name == "event_id":
            values[name] = ids[
                "contest_event_id"
                if endpoint.startswith(("contests.", "calendar.contest"))
                else "ball_event_id"
                if endpoint.startswith("tournaments.")
                else "event_id"
            ]
        elif name == "registration_id":
            values[name] = ids[
                "contest_entry_id"
                if endpoint.startswith("contests.")
                else "team_registration_id"
                if endpoint.startswith("tournaments.")
                else "registration_id"
            ]
        elif name == "user_id":
            values[name] = ids["owner_id" if endpoint == "calendar.personal_ics" else "user_id"]
        elif name == "token":
            values[name] = ids[
                "calendar_token" if endpoint.startswith("calendar.") else "checkin_token"
            ]
        elif name in ids:
            values[name] = ids[name]
        elif name == "what":
            values[name] = "results" if endpoint == "contests.export" else "registrants"
        elif name in FIXED:
            values[name] = FIXED[name]
        else:
            raise AssertionError(f"{endpoint}: no seeded value for <{name}>; add one")
    url = rule.rule
    for name, value in values.items():
        url = url.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    return url


@pytest.fixture
def seeded(app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]) -> Seeded:
    return _seed(app, make_event, make_user)


def _clients(app: Flask, seeded: Seeded) -> dict[str, FlaskClient]:
    clients = {"anonymous": app.test_client()}
    for role, login_name in seeded.logins.items():
        client = app.test_client()
        login(client, login_name)
        clients[role] = client
    return clients


def _rules(app: Flask) -> list[Rule]:
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def test_every_route_is_classified(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in _rules(app)}
    assert sorted(endpoints - ACCESS.keys()) == [], "classify these routes in ACCESS"
    assert sorted(ACCESS.keys() - endpoints) == [], "these classified routes no longer exist"


def test_every_role_gets_the_right_answer_and_never_a_server_error(
    app: Flask, seeded: Seeded
) -> None:
    clients = _clients(app, seeded)
    tokens = {role: csrf(client, "/") for role, client in clients.items()}
    problems: list[str] = []
    # Signing out last, or every later request would be anonymous.
    sign_outs = {"auth.logout", "me.sign_out_everywhere"}
    for rule in sorted(_rules(app), key=lambda r: (r.endpoint in sign_outs, r.rule)):
        url = _url(rule, seeded.ids)
        access = ACCESS[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for role in ROLES:
                client = clients[role]
                if method == "GET":
                    response = client.get(url)
                else:
                    # A valid CSRF token but no form: the role check must come first.
                    response = client.post(url, data={"csrf_token": tokens[role]})
                status = response.status_code
                where = f"{method} {url} as {role} ({access}): {status}"
                if status >= 500:
                    problems.append(where + " server error")
                    continue
                to_login = status == 302 and "/login" in (response.location or "")
                if access == "public" or access == "token":
                    if status in (401, 403) or to_login:
                        problems.append(where + " refused a public route")
                elif role == "anonymous":
                    if not to_login:
                        problems.append(where + " should send to sign-in")
                elif (access == "organizer" and role != "organizer" and status not in DENIED) or (
                    access == "judge" and role in ("owner", "stranger") and status not in DENIED
                ):
                    problems.append(where + " should be refused")
                elif (
                    access == "judge"
                    and role == "outside_judge"
                    and "<int:contest_id>" in rule.rule
                    and status not in DENIED
                ):
                    problems.append(where + " a judge off the panel should be refused")
                elif access == "owner" and role == "stranger" and status not in DENIED:
                    problems.append(where + " someone else's object should be refused")
                elif (
                    access == "referee"
                    and role in ("owner", "stranger", "judge")
                    and status not in DENIED
                ):
                    problems.append(where + " should be refused")
    assert problems == [], "\n".join(problems)


def test_no_form_is_accepted_without_its_csrf_token(app: Flask, seeded: Seeded) -> None:
    """CSRF on EVERY POST route: for every role, with the token missing or wrong, the answer is
    400, the plain page or a form page shown again with the refusal's words, and no table
    changes. Routes come from the URL map: a new POST route is covered without a list."""
    clients = _clients(app, seeded)
    problems: list[str] = []
    before = snapshot(app)
    checked = 0
    for rule in _rules(app):
        if "POST" not in rule.methods:
            continue
        url = _url(rule, seeded.ids)
        for role in ROLES:
            for token in (None, "an-expired-token"):
                data = {"name": "x", "submit": "1", "confirm": "1", "status": "published"}
                if token is not None:
                    data["csrf_token"] = token
                response = clients[role].post(url, data=data, headers={"Accept-Language": "en"})
                page = response.get_data(as_text=True)
                where = f"POST {url} as {role}, token {token!r}: {response.status_code}"
                if response.status_code != 400:
                    problems.append(where)
                elif not any(words in page for words in REFUSED_WORDS):
                    problems.append(where + " without a word of the refused token")
                checked += 1
    assert problems == [], "\n".join(problems)
    assert checked > 100
    assert differences(before, snapshot(app)) == []
    with app.app_context():
        assert db.session.get(Registration, seeded.ids["registration_id"]).status == "confirmed"


# The plain page's words, and those of a form page shown again (forms.refused_csrf_message).
REFUSED_WORDS = ("This form had expired or was sent from elsewhere", "press the button again")
