"""Pages as people use them: the programme, sign-in, language, organizers' forms, bad input."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from eventsys.extensions import db
from eventsys.models import Event, Occurrence, User, Venue
from tests.conftest import PASSWORD, at, csrf, csrf_from, login


def test_the_programme_lists_published_sittings_with_time_and_room(
    client: FlaskClient, make_event: Callable[..., int], make_venue: Callable[..., int]
) -> None:
    venue = make_venue(name="多功能厅")
    make_event(venue_id=venue, start=at(3, 14), title="重阳节慰问演出", kind="performance")
    make_event(venue_id=venue, start=at(4, 14), title="草稿活动", status="draft")
    page = client.get("/?from=2026-12-01", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True
    )
    assert "重阳节慰问演出" in page and "多功能厅" in page
    assert "2026年12月3日 星期四 14:00" in page
    assert "草稿活动" not in page


def test_the_programme_filters_by_kind_and_venue(
    client: FlaskClient, make_event: Callable[..., int], make_venue: Callable[..., int]
) -> None:
    hall, court = make_venue(name="多功能厅"), make_venue(name="门球场", kind="court")
    make_event(venue_id=hall, start=at(3, 9), title="区医院专家义诊", kind="health_clinic")
    make_event(venue_id=court, start=at(3, 9), title="门球比赛", kind="ball_game")
    by_kind = client.get("/?from=2026-12-01&kind=ball_game").get_data(as_text=True)
    assert "门球比赛" in by_kind and "区医院专家义诊" not in by_kind
    by_venue = client.get(f"/?from=2026-12-01&venue={hall}").get_data(as_text=True)
    assert "区医院专家义诊" in by_venue and "门球比赛<" not in by_venue


@pytest.mark.parametrize(
    "query",
    [
        "kind=party",
        "from=2026-13-01",
        "from=yesterday",
        "venue=abc",
        "page=-1",
        "from=9999-01-01",
        "venue=99999999999999",
    ],
)
def test_odd_filters_get_a_400_page_not_a_500(client: FlaskClient, query: str) -> None:
    response = client.get(f"/?{query}")
    assert response.status_code == 400
    assert "<h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url", ["/events/99999", "/events/abc", "/venues/99999", "/nowhere", "/venues/1%27%20OR%201=1"]
)
def test_unknown_addresses_get_a_404_page(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert "home page" in response.get_data(as_text=True) or "首页" in response.get_data(
        as_text=True
    )


def test_an_event_page_shows_where_and_when(
    client: FlaskClient, make_event: Callable[..., int], make_venue: Callable[..., int]
) -> None:
    event = make_event(venue_id=make_venue(name="阅览室"), start=at(3, 9), title="诗词讲座")
    page = client.get(f"/events/{event}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "诗词讲座" in page and "阅览室" in page and "3 Dec 2026, Thu 09:00" in page


def test_a_draft_is_a_404_for_the_public_and_visible_to_organizers(
    client: FlaskClient, make_event: Callable[..., int], signed_in: Callable[..., FlaskClient]
) -> None:
    draft = make_event(status="draft")
    assert client.get(f"/events/{draft}").status_code == 404
    assert signed_in("participant").get(f"/events/{draft}").status_code == 404
    assert signed_in("organizer").get(f"/events/{draft}").status_code == 200


def test_the_room_week_view_shows_each_day_and_its_bookings(
    client: FlaskClient, make_event: Callable[..., int], make_venue: Callable[..., int]
) -> None:
    venue = make_venue(name="舞蹈排练室")
    make_event(
        venue_id=venue,
        start=at(1, 9),
        title="金秋艺术团排练",
        weekdays=(1, 3),
        until=at(31, 0).date(),
    )
    page = client.get(
        f"/venues/{venue}?week=2026-12-09", headers={"Accept-Language": "zh-CN"}
    ).get_data(as_text=True)
    assert page.count("金秋艺术团排练") == 2  # Tuesday 8th and Thursday 10th
    assert "2026年12月7日 星期一" in page and "2026年12月13日 星期日" in page


# ---- language -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header", ["zh", "zh-CN", "zh-Hans", "zh-Hans-CN", "zh-TW,en;q=0.8", "en;q=0.5,zh-CN;q=0.9", ""]
)
def test_chinese_is_served_to_any_browser_preferring_chinese_or_naming_none(
    client: FlaskClient, header: str
) -> None:
    page = client.get("/", headers={"Accept-Language": header} if header else {}).get_data(
        as_text=True
    )
    assert '<html lang="zh-CN">' in page and "活动安排" in page


def test_english_is_served_to_an_english_browser(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "What's on" in page


def test_the_language_switch_remembers_the_choice_and_returns_to_the_same_page(
    client: FlaskClient,
) -> None:
    token = csrf(client, "/venues")
    response = client.post("/language", data={"csrf_token": token, "lang": "en", "next": "/venues"})
    assert response.status_code == 302 and response.location.endswith("/venues")
    page = client.get("/venues", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_the_language_switch_never_redirects_off_site(client: FlaskClient) -> None:
    token = csrf(client, "/")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"):
        response = client.post(
            "/language", data={"csrf_token": token, "lang": "en", "next": target}
        )
        assert response.status_code == 302
        assert "evil" not in response.location and "javascript" not in response.location


# ---- sign-in and sign-up ------------------------------------------------------------------


def test_sign_in_then_sign_out(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    make_user(login="lichq", name="李长青")
    login(client, "lichq")
    assert "李长青" in client.get("/me/").get_data(as_text=True)
    token = csrf(client, "/me/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/me/").status_code == 302


def test_a_wrong_password_keeps_the_login_name_and_says_so_next_to_the_field(
    client: FlaskClient, make_user: Callable[..., int]
) -> None:
    make_user(login="liuym")
    response = client.post(
        "/login",
        data={"csrf_token": csrf(client), "login": "liuym", "password": "wrong"},
        headers={"Accept-Language": "en"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="liuym"' in page and "aria-describedby" in page and "not right" in page


@pytest.mark.parametrize(
    "target", ["https://evil.example/x", "//evil.example", "/\\evil.example", "http:/evil.example"]
)
def test_next_after_sign_in_only_goes_to_this_site(
    client: FlaskClient, make_user: Callable[..., int], target: str
) -> None:
    make_user(login="chendm")
    response = client.post(
        f"/login?next={target}",
        data={"csrf_token": csrf(client), "login": "chendm", "password": PASSWORD},
    )
    assert response.status_code == 302 and "evil" not in response.location


def test_next_after_sign_in_returns_to_the_page_asked_for(
    client: FlaskClient, make_user: Callable[..., int]
) -> None:
    make_user(login="yanggy")
    response = client.post(
        "/login?next=/me/",
        data={"csrf_token": csrf(client), "login": "yanggy", "password": PASSWORD},
    )
    assert response.location.endswith("/me/")


def test_a_form_without_its_csrf_token_is_refused_and_nothing_happens(
    app: Flask, client: FlaskClient
) -> None:
    response = client.post(
        "/signup", data={"name": "王五", "login": "wangwu", "password": "long enough 1"}
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_people_sign_themselves_up_as_participants(app: Flask, client: FlaskClient) -> None:
    response = client.post(
        "/signup",
        data={
            "csrf_token": csrf(client, "/signup"),
            "name": "　孙立新 ",
            "login": "１３９００００１１１１",
            "password": "long enough 1",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert (user.name, user.login, user.phone, user.roles) == (
            "孙立新",
            "13900001111",
            "13900001111",
            ("participant",),
        )


def test_sign_up_with_a_taken_login_name_explains_next_to_the_field(
    client: FlaskClient, make_user: Callable[..., int]
) -> None:
    make_user(login="zhusz")
    response = client.post(
        "/signup",
        data={
            "csrf_token": csrf(client, "/signup"),
            "name": "朱淑珍",
            "login": "zhusz",
            "password": "long enough 1",
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "already taken" in response.get_data(as_text=True)


# ---- organizers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/manage/", "/manage/events/new", "/manage/venues", "/manage/people", "/manage/audit"]
)
def test_management_pages_are_for_organizers_only(
    client: FlaskClient, signed_in: Callable[..., FlaskClient], url: str
) -> None:
    assert client.get(url).status_code == 302  # to sign in
    assert signed_in("participant").get(url).status_code == 403
    assert signed_in("judge", "participant").get(url).status_code == 403
    assert signed_in("organizer").get(url).status_code == 200


def _event_form(venue: int, **changes: str) -> dict[str, str]:
    form = {
        "title": "健康义诊",
        "kind": "health_clinic",
        "venue_id": str(venue),
        "starts_at": "2026-12-10T08:30",
        "ends_at": "2026-12-10T11:30",
        "capacity": "40",
        "description": "请带医保卡。",
        # These dates pass with the calendar: the "starts in the past" warning is confirmed.
        "confirm_warnings": "y",
    }
    form.update(changes)
    return form


def test_an_organizer_creates_an_event_from_the_form(
    app: Flask, signed_in: Callable[..., FlaskClient], make_venue: Callable[..., int]
) -> None:
    organizer = signed_in("organizer")
    venue = make_venue(name="多功能厅")
    form = _event_form(venue, capacity="４０", starts_at="２０２６-１２-１０ ０８：３０")
    form["csrf_token"] = csrf(organizer, "/manage/events/new")
    response = organizer.post("/manage/events/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        event = db.session.scalars(select(Event)).one()
        assert (event.capacity, event.starts_at, event.status) == (40, at(10, 8, 30), "draft")


def test_a_clashing_booking_is_refused_on_the_form_naming_the_other_event(
    app: Flask,
    signed_in: Callable[..., FlaskClient],
    make_venue: Callable[..., int],
    make_event: Callable[..., int],
) -> None:
    venue = make_venue(name="多功能厅")
    make_event(venue_id=venue, start=at(10, 9), title="形势报告会")
    organizer = signed_in("organizer")
    form = _event_form(venue)
    form["csrf_token"] = csrf(organizer, "/manage/events/new")
    response = organizer.post("/manage/events/new", data=form, headers={"Accept-Language": "zh-CN"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "形势报告会" in page and "多功能厅" in page and 'value="健康义诊"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_at": "2026-12-10T07:00"}, "The end must be after the start."),
        ({"capacity": "-5"}, "Number must be"),
        ({"venue_id": "99999"}, "Not a valid choice"),
        ({"starts_at": "10/12/2026 8am"}, "Enter a date and time like"),
        ({"title": "长" * 201}, "200"),
        ({"title": "   "}, "This field is required."),
        ({"kind": "party"}, "Not a valid choice"),
        ({"capacity": "9" * 30}, "Not a valid integer"),
        ({"starts_at": "3026-12-10T08:30"}, "between 2000 and 2100"),
        ({"weekdays": "1"}, "Give the last day of the repeat."),
    ],
)
def test_bad_event_input_is_refused_next_to_the_field_and_keeps_the_input(
    app: Flask,
    signed_in: Callable[..., FlaskClient],
    make_venue: Callable[..., int],
    changes: dict[str, str],
    message: str,
) -> None:
    organizer = signed_in("organizer")
    form = _event_form(make_venue(), **changes)
    form["csrf_token"] = csrf(organizer, "/manage/events/new")
    response = organizer.post("/manage/events/new", data=form, headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and 'aria-invalid="true"' in page
    assert "请带医保卡。" in page  # the description typed is still there
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_a_weekly_activity_with_a_skipped_day_from_the_forms(
    app: Flask, signed_in: Callable[..., FlaskClient], make_venue: Callable[..., int]
) -> None:
    organizer = signed_in("organizer")
    form = _event_form(
        make_venue(),
        title="舞蹈排练",
        kind="activity",
        starts_at="2026-12-01T09:00",
        ends_at="2026-12-01T11:30",
        capacity="",
    )
    form["csrf_token"] = csrf(organizer, "/manage/events/new")
    response = organizer.post(
        "/manage/events/new", data={**form, "weekdays": ["1", "3"], "repeat_until": "2026-12-17"}
    )
    assert response.status_code == 302
    with app.app_context():
        sittings = db.session.scalars(select(Occurrence).order_by(Occurrence.starts_at)).all()
        assert len(sittings) == 6
        third = sittings[2].id
    token = csrf(organizer, "/manage/events/1/sittings")
    assert (
        organizer.post(f"/manage/sittings/{third}/skip", data={"csrf_token": token}).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(Occurrence, third).skipped


def test_publishing_and_cancelling_from_the_event_page(
    app: Flask, signed_in: Callable[..., FlaskClient], make_event: Callable[..., int]
) -> None:
    event = make_event(status="draft")
    organizer = signed_in("organizer")
    token = csrf(organizer, f"/events/{event}")
    assert (
        organizer.post(
            f"/manage/events/{event}/status/published", data={"csrf_token": token}
        ).status_code
        == 302
    )
    assert (
        organizer.post(
            f"/manage/events/{event}/status/cancelled", data={"csrf_token": token}
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(Event, event).status == "cancelled"
    assert (
        organizer.post(
            f"/manage/events/{event}/status/bogus", data={"csrf_token": token}
        ).status_code
        == 404
    )


def test_an_organizer_creates_a_venue_and_a_negative_capacity_is_refused(
    app: Flask, signed_in: Callable[..., FlaskClient]
) -> None:
    organizer = signed_in("organizer")
    token = csrf(organizer, "/manage/venues/new")
    bad = organizer.post(
        "/manage/venues/new",
        data={"csrf_token": token, "name": "门球场", "kind": "court", "capacity": "-1"},
    )
    assert bad.status_code == 422
    good = organizer.post(
        "/manage/venues/new",
        data={
            "csrf_token": token,
            "name": "门球场",
            "kind": "court",
            "capacity": "６０",
            "active": "y",
        },
    )
    assert good.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Venue)).one().capacity == 60


def test_an_organizer_creates_a_judge_account(
    app: Flask, signed_in: Callable[..., FlaskClient]
) -> None:
    organizer = signed_in("organizer")
    token = csrf(organizer, "/manage/people/new")
    response = organizer.post(
        "/manage/people/new",
        data={
            "csrf_token": token,
            "name": "吴雅琴",
            "login": "wuyq",
            "password": "long enough 1",
            "roles": ["judge", "participant"],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        judge = db.session.scalars(select(User).where(User.login == "wuyq")).one()
        assert judge.roles == ("judge", "participant")


def test_groups_get_members_by_login_or_phone(
    app: Flask, signed_in: Callable[..., FlaskClient], make_user: Callable[..., int]
) -> None:
    organizer = signed_in("organizer")
    leader = make_user(name="何晓月")
    make_user(name="高凤兰", phone="13911112222")
    token = csrf(organizer, "/manage/groups/new")
    response = organizer.post(
        "/manage/groups/new",
        data={"csrf_token": token, "name": "晓月诗社", "kind": "society", "leader_id": str(leader)},
    )
    assert response.status_code == 302
    group_url = response.location
    organizer.post(
        group_url + "/members", data={"csrf_token": token, "member-person": "139 1111 2222"}
    )
    page = organizer.get(group_url).get_data(as_text=True)
    assert "何晓月" in page and "高凤兰" in page


def test_people_are_found_by_pinyin_initials(
    signed_in: Callable[..., FlaskClient], make_user: Callable[..., int]
) -> None:
    organizer = signed_in("organizer")
    make_user(name="张和顺")
    make_user(name="单丽华")
    page = organizer.get("/manage/people?q=zhs").get_data(as_text=True)
    assert "张和顺" in page and "单丽华" not in page
    assert "单丽华" in organizer.get("/manage/people?q=shan").get_data(as_text=True)


def test_people_are_found_by_a_phone_number_however_it_is_written(
    signed_in: Callable[..., FlaskClient], make_user: Callable[..., int]
) -> None:
    organizer = signed_in("organizer")
    make_user(name="张和顺", phone="13800138000")
    make_user(name="单丽华", phone="13911112222")
    for typed in ("138-0013-8000", "138 0013 8000", "１３８００１３８０００"):
        page = organizer.get("/manage/people", query_string={"q": typed}).get_data(as_text=True)
        assert "张和顺" in page and "单丽华" not in page, typed


def test_every_page_sets_protective_headers(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_user_text_is_escaped_where_it_is_shown(
    client: FlaskClient, make_event: Callable[..., int]
) -> None:
    event = make_event(title="<script>alert(1)</script>")
    page = client.get(f"/events/{event}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_every_page_has_the_skip_link_language_switch_and_help_line(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert 'href="#main"' in page and "跳到主要内容" in page
    assert 'action="/language"' in page and "010-6381 2345" in page
    assert csrf_from(page)


def test_the_profile_keeps_name_and_language(
    app: Flask, signed_in: Callable[..., FlaskClient]
) -> None:
    person = signed_in("participant")
    token = csrf(person, "/me/")
    response = person.post(
        "/me/",
        data={
            "csrf_token": token,
            "profile-name": "曾国庆",
            "profile-language": "en",
            "profile-submit": "1",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, person.user_id)  # type: ignore[attr-defined]
        assert (user.name, user.language, user.name_pinyin) == ("曾国庆", "en", "zeng guo qing zgq")


@pytest.mark.parametrize(
    "url", ["/events/99999999999", "/venues/2147483648", "/tournaments/99999999999999999999"]
)
def test_ids_no_row_can_have_are_a_404_on_every_database(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404
