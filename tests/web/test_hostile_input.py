"""Hostile input (issue 8): every form and every page's query string, filled by hypothesis.

Each form is read from the page a person would see (its field names, choices, current values and
CSRF token), then posted back with a mix of its own values and hostile ones: over-long text,
blanks, control characters, mixed scripts, full-width digits, HTML, SQL, impossible dates and
numbers, unknown choices. Whatever comes in:

- the answer is never a server error;
- a page that shows the input back escapes it;
- a refused submission (4xx, 422) changes nothing that was already saved.

The world is the authorization matrix's: real objects, and each route used by the role that may
use it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule

from tests.snapshots import Snapshot, differences, snapshot
from tests.web.test_authorization_matrix import ACCESS, Seeded, _clients, _seed, _url

# Every endpoint that takes a POST. A new one must be added here (or to SKIPPED): see the
# first test.
POST_ENDPOINTS = (
    "auth.devices",
    "auth.language",
    "auth.login",
    "auth.reset_password",
    "auth.signup",
    "calendar.new_address",
    "calendar.stop_address",
    "contests.panel",
    "contests.placings",
    "contests.publish",
    "contests.setup",
    "contests.sheet",
    "desk_import.confirm",
    "desk_import.upload",
    "groups.answer",
    "groups.honour_delete",
    "groups.honour_form",
    "groups.join",
    "groups.register_members",
    "contests.unpublish",
    "manage.event_edit",
    "manage.event_new",
    "manage.event_status",
    "manage.group_form",
    "manage.group_member_add",
    "manage.group_member_remove",
    "manage.occurrence_move",
    "manage.occurrence_skip",
    "manage.organisation_form",
    "manage.person",
    "manage.person_active",
    "manage.person_merge",
    "manage.person_new",
    "manage.person_record",
    "manage.person_reset_code",
    "manage.person_unlock",
    "manage.venue_form",
    "me.profile",
    "me.text_messages",
    "notices.event_notice",
    "notices.group_notice",
    "registrations.answer_invitation",
    "registrations.cancel",
    "registrations.checkin",
    "registrations.checkin_guest",
    "registrations.checkin_undo",
    "registrations.manage_decide",
    "registrations.manage_list",
    "registrations.notices_seen",
    "registrations.leave",
    "registrations.register",
    "registrations.register_team",
    "registrations.scan",
    "tournaments.court_add",
    "tournaments.court_delete",
    "tournaments.create",
    "tournaments.draw",
    "tournaments.draw_delete",
    "tournaments.entries",
    "tournaments.lot",
    "tournaments.move",
    "tournaments.referee_add",
    "tournaments.referee_delete",
    "tournaments.result",
    "tournaments.schedule_make",
    "tournaments.settings",
)
# Signing out is not input handling, and would sign the other examples out.
SKIPPED = ("auth.logout", "me.sign_out_everywhere")

# Forms the seeded world never shows (the page redirects because the owner is already registered,
# the event takes no teams, the tournament exists): their fields, from the form classes.
UNSEEN_FIELDS: dict[str, tuple[str, ...]] = {
    "registrations.register": ("title", "text"),
    # Shown once staff have chosen the member (?person=): the member's own form, prefixed.
    "registrations.manage_list": ("person", "behalf-title", "behalf-text"),
    "registrations.register_team": ("team_name", "players", "substitutes", "title", "text"),
    "contests.placings": ("version", "placing-1", "placing-2", "placing-3"),
    # The seeded upload's rows are all refused there, so its preview offers no confirmation.
    "desk_import.confirm": ("fingerprint",),
    # The seeded event takes registered people only, so its door page offers no guest form.
    "registrations.checkin_guest": ("guest_name", "guest_phone"),
    "tournaments.create": (
        "sport",
        "best_of",
        "race_to",
        "points_win",
        "points_draw",
        "points_loss",
        "points_walkover_loss",
        "criterion_1",
        "first_slot_at",
        "slot_minutes",
        "min_rest_slots",
        "third_place_match",
    ),
}

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
UNESCAPED = (SCRIPT, "<img src=x onerror=alert(1)>")
HOSTILE = (
    "",
    " ",
    " \t\u3000 \n",
    "\x00",
    "a\x00b\x01c\x1f\x7f\u200b\u202e",
    "\r\n\r\n",
    "张三丰 單 曾 解",
    "مرحبا بالعالم",
    "😀👍🏽🇨🇳",
    "Zhang 张 مرحبا 😀",
    "１２３",
    "²",
    "①②",
    "２０２６－１２－０３ １４：００",
    "１４：３０",
    SCRIPT,
    IMG,
    "'; DROP TABLE user_account; --",
    "' OR '1'='1",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2026-02-30",
    "2026-02-30T14:00",
    "2026-12-03T25:61",
    "1e400",
    "-1e400",
    "99999999999999999999",
    "-99999999999999999999",
    "-1",
    "0",
    "1.5",
    "NaN",
    "inf",
    "-0",
    "0x10",
    "%s%n%x",
    "../../etc/passwd",
    "null",
    "[]",
    "{}",
)
LONG_PIECES = ("x", "中", "😀", SCRIPT, "9", " ", "\x00")
QUERY_KEYS = (
    "kind",
    "from",
    "to",
    "venue",
    "page",
    "q",
    "sitting",
    "week",
    "undo",
    "back",
    "next",
    "fmt",
)


class Long(str):
    """A long string whose repr stays short, so a failing example can still be read."""

    def __repr__(self) -> str:
        return f"{str(self[:12])!r}... ({len(self)} characters)"


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=30),
        st.builds(
            lambda piece, count: Long(piece * count),
            st.sampled_from(LONG_PIECES),
            st.integers(min_value=100, max_value=10_000),
        ),
        st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE), st.sampled_from(HOSTILE)),
    )


# ---- reading forms ------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    tag: str
    kind: str = "text"
    values: list[str] = field(default_factory=list)  # current value(s)
    options: list[str] = field(default_factory=list)  # choices (select, checkboxes, radios)


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, Field] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            action = urlsplit(a.get("action") or self.page_url)
            path = action.path + (f"?{action.query}" if action.query else "")
            self.form = Form(action=path, method=(a.get("method") or "get").lower())
            self.forms.append(self.form)
            return
        if self.form is None or not a.get("name"):
            if tag == "option" and self.select is not None:
                self.select.options.append(a.get("value", ""))
                if "selected" in a:
                    self.select.values.append(a.get("value", ""))
            return
        name = a["name"]
        known = self.form.fields.setdefault(name, Field(name=name, tag=tag))
        if tag == "input":
            known.kind = a.get("type", "text").lower()
            if known.kind in ("checkbox", "radio"):
                known.options.append(a.get("value", "y"))
                if "checked" in a:
                    known.values.append(a.get("value", "y"))
            else:
                known.values = [a.get("value", "")]
        elif tag == "select":
            known.kind = "select"
            self.select = known
        elif tag == "textarea":
            known.kind = "textarea"
            self.textarea = known

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.values = [(self.textarea.values or [""])[0] + data]


def forms_on(html: str, page_url: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return [form for form in parser.forms if form.method == "post"]


# ---- the world ----------------------------------------------------------------------------------


def _role(endpoint: str) -> str:
    if endpoint.startswith("auth.") and ACCESS[endpoint] == "public":
        return "anonymous"  # sign-in, sign-up, language: the pages of someone signed out
    if endpoint in ("registrations.register", "registrations.register_team"):
        return "stranger"  # the owner is registered already; anyone signed in may register
    return {"organizer": "organizer", "referee": "organizer", "judge": "judge"}.get(
        ACCESS[endpoint], "owner"
    )


def _get_rules(app: Flask) -> list[Rule]:
    return [
        r
        for r in app.url_map.iter_rules()
        if r.endpoint != "static" and "GET" in r.methods and r.endpoint not in SKIPPED
    ]


def _forms_for(
    app: Flask, client: FlaskClient, url: str, endpoint: str, seeded: Seeded
) -> list[Form]:
    """The forms that post to *url*: on its own page, else on any page of the site."""
    path = urlsplit(url).path

    def matching(page: str) -> list[Form]:
        response = client.get(page)
        if response.status_code != 200 or response.mimetype != "text/html":
            return []
        html = response.get_data(as_text=True)
        return [f for f in forms_on(html, page) if urlsplit(f.action).path == path]

    found = matching(url)
    if not found:
        # Which page shows it is found once per world, then read afresh (its CSRF token).
        pages_seen = _cache(seeded).setdefault("form_pages", {})
        if url not in pages_seen:
            prefix = path.rsplit("/", 1)[0]
            pages = sorted(
                {_url(rule, seeded.ids) for rule in _get_rules(app)},
                key=lambda page: (not page.startswith(prefix), page),
            )
            pages_seen[url] = next((page for page in pages if matching(page)), None)
        if pages_seen[url] is not None:
            found = matching(pages_seen[url])
    if not found and endpoint in UNSEEN_FIELDS:
        # Borrow a CSRF token from the site's frame (the language switch is on every page).
        token = _csrf(client)
        form = Form(action=url, method="post")
        form.fields["csrf_token"] = Field("csrf_token", "input", "hidden", [token])
        for name in UNSEEN_FIELDS[endpoint]:
            form.fields[name] = Field(name, "input")
        found = [form]
    if not found:
        # A bare action button (publish, delete): just the CSRF token and stray fields.
        form = Form(action=url, method="post")
        form.fields["csrf_token"] = Field("csrf_token", "input", "hidden", [_csrf(client)])
        form.fields["name"] = Field("name", "input")
        found = [form]
    return found


def _csrf(client: FlaskClient) -> str:
    html = client.get("/").get_data(as_text=True)
    forms = forms_on(html, "/")
    for form in forms:
        for name, known in form.fields.items():
            if name.endswith("csrf_token") and known.values:
                return known.values[0]
    raise AssertionError("no CSRF token on the home page")


# Rows that a refused submission may add: a refused sign-in or sign-up is recorded, to slow down
# guessing; and a signed-in device notes when it was last seen (at most every few minutes).
VOLATILE_TABLES = frozenset({"login_throttle", "signup_refusal", "login_session"})


def _snapshot(app: Flask) -> Snapshot:
    """Every saved row of every table but the volatile ones."""
    return snapshot(app, ignore=VOLATILE_TABLES)


_differences = differences


def _check_escaped(where: str, status: int, body: str) -> None:
    if status in (200, 422) or status < 300:
        for raw in UNESCAPED:
            assert raw not in body, f"{where}: {raw!r} came back unescaped"


# One way of filling a field: keep its value, pick among its choices (unknown ones too, as the
# index runs past the end), type something hostile, or a mix. Drawn without looking at the form,
# so that hypothesis generates the same structure whatever the page shows at the time.
FILL = st.tuples(
    st.sampled_from(("own", "own", "pick", "hostile", "hostile", "mix")),
    st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=3),
    st.lists(hostile_text(), min_size=1, max_size=2),
)
FILLS = st.lists(FILL, min_size=32, max_size=32)
STRAYS = st.lists(
    st.tuples(st.sampled_from(("id", "user_id", "status", "role", "version")), hostile_text()),
    max_size=2,
)


def _fill(known: Field, fill: tuple[str, list[int], list[str]]) -> list[str]:
    how, indexes, texts = fill
    many = known.kind == "checkbox" or (known.kind == "select" and len(known.options) > 1)
    if how == "own" or (how == "pick" and not known.options):
        return list(known.values)
    if how == "pick":
        # An index past the choices stands for a choice the form never offered.
        picks = [
            known.options[i] if i < len(known.options) else str(10**i if i > 20 else i * 7919)
            for i in indexes
        ]
        return picks if many else picks[:1]
    if how == "hostile":
        return texts if many else texts[:1]
    return [*(known.options[i % len(known.options)] for i in indexes if known.options), *texts]


def _clients_once(app: Flask, seeded: Seeded) -> dict[str, FlaskClient]:
    """Signed-in clients, made once per world rather than once per example."""
    cache = _cache(seeded)
    if "clients" not in cache:
        cache["clients"] = _clients(app, seeded)
    return cache["clients"]


def _cache(seeded: Seeded) -> dict[str, Any]:
    """What one world keeps between examples (kept off its fields, out of hypothesis' reports)."""
    if not hasattr(seeded, "cache"):
        seeded.cache = {}  # type: ignore[attr-defined]
    return seeded.cache  # type: ignore[attr-defined]


@pytest.fixture
def seeded(app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]) -> Seeded:
    return _seed(app, make_event, make_user)


# ---- tests --------------------------------------------------------------------------------------


def test_every_post_route_is_covered(app: Flask) -> None:
    posting = {r.endpoint for r in app.url_map.iter_rules() if "POST" in (r.methods or ())}
    assert sorted(posting - set(POST_ENDPOINTS) - set(SKIPPED)) == [], "add these to the list"
    assert sorted(set(POST_ENDPOINTS) - posting) == [], "these routes take no POST any more"


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
@settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    which=st.integers(min_value=0, max_value=5),
    fills=FILLS,
    strays=STRAYS,
)
# Every field empty, every field a script, every choice one the form never offered.
@example(which=0, fills=[("hostile", [0], [""])] * 32, strays=[])
@example(which=1, fills=[("hostile", [0], [SCRIPT, IMG])] * 32, strays=[])
@example(which=0, fills=[("pick", [40, 39], ["x"])] * 32, strays=[])
def test_hostile_form_input_is_refused_cleanly(
    app: Flask,
    seeded: Seeded,
    endpoint: str,
    which: int,
    fills: list[tuple[str, list[int], list[str]]],
    strays: list[tuple[str, str]],
) -> None:
    clients = _clients_once(app, seeded)
    client = clients[_role(endpoint)]
    rules = sorted((r for r in app.url_map.iter_rules() if r.endpoint == endpoint), key=str)
    url = _url(rules[which % len(rules)], seeded.ids)
    forms = _forms_for(app, client, url, endpoint, seeded)
    form = forms[which % len(forms)]
    payload: list[tuple[str, str]] = []
    fields = iter(fills)
    for name, known in form.fields.items():
        if name.endswith("csrf_token"):
            payload.extend((name, value) for value in known.values)
        else:
            fill = next(fields, ("own", [0], [""]))
            payload.extend((name, value) for value in _fill(known, fill))
    payload.extend(strays)

    # After a refusal nothing changed (checked below), so its snapshot is the next "before".
    before = _cache(seeded).pop("snapshot", None) or _snapshot(app)
    response = client.post(
        form.action if "?" in form.action else url,
        data="&".join(f"{_quote(k)}={_quote(v)}" for k, v in payload),
        content_type="application/x-www-form-urlencoded",
    )
    status = response.status_code
    where = f"POST {url} as {_role(endpoint)}: {status}"
    assert status < 500, where + "\n" + response.get_data(as_text=True)[:2000]
    _check_escaped(where, status, response.get_data(as_text=True))
    if 400 <= status < 500:
        after = _snapshot(app)
        assert _differences(before, after) == [], where + " changed saved data"
        _cache(seeded)["snapshot"] = after


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


@settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_odd_query_strings_never_break_a_page(
    app: Flask, seeded: Seeded, data: st.DataObject
) -> None:
    clients = _clients_once(app, seeded)
    rules = sorted(_get_rules(app), key=lambda r: r.rule)
    # The lists and feeds, which read their query strings, twice as often.
    readers = [
        r
        for r in rules
        if r.endpoint
        in (
            "public.home",
            "public.venue_week",
            "public.venues",
            "calendar.index",
            "calendar.venue_ics",
            "calendar.programme_ics",
            "calendar.contest_ics",
            "calendar.event_ics",
            "calendar.personal_ics",
            "calendar.venue_page",
            "registrations.checkin",
            "registrations.statistics",
            "manage.people",
            "manage.events",
            "manage.audit_log",
            "manage.occurrences",
            "tournaments.index",
        )
    ]
    rule = data.draw(st.sampled_from(rules + readers), label="rule")
    role = "anonymous" if ACCESS[rule.endpoint] in ("public", "token") else _role(rule.endpoint)
    pairs = data.draw(
        st.lists(st.tuples(st.sampled_from(QUERY_KEYS), hostile_text()), max_size=5),
        label="query",
    )
    query = "&".join(f"{_quote(k)}={_quote(v)}" for k, v in pairs)
    url = _url(rule, seeded.ids) + ("?" + query if query else "")
    response = clients[role].get(url)
    where = f"GET {url[:300]} as {role}: {response.status_code}"
    assert response.status_code < 500, where
    if response.mimetype == "text/html":
        _check_escaped(where, response.status_code, response.get_data(as_text=True))
