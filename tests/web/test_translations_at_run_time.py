"""Every string looked up while serving a page in Chinese has a Chinese translation.

Extraction (tests/web/test_translations.py) only sees what babel's walk of the tree finds; this
test sees what the app really asks for. It records every message id passed to the Chinese
catalogue while every route of the URL map is requested by every role (and every form is sent
back empty, so refusals and their banners are rendered too), and fails on any id the catalogue
does not hold. It caught the English banner of every refused form: templates/_macros/ was never
extracted, because babel skips folders starting with '_' unless told otherwise."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from babel.support import Translations
from flask import Flask, has_request_context
from flask_babel import get_locale

from tests.conftest import csrf
from tests.web.test_authorization_matrix import ROLES, _clients, _rules, _seed, _url

WRAPPED = ("ugettext", "ungettext", "upgettext", "unpgettext")


def _key(method: str, args: tuple[Any, ...]) -> tuple[Any, str]:
    """The catalogue key a lookup uses, and a readable name for the report."""
    if method == "ugettext":
        return args[0], repr(args[0])
    if method == "ungettext":
        return (args[0], 0), repr(args[0])
    if method == "upgettext":
        return f"{args[0]}\x04{args[1]}", f"{args[0]}|{args[1]!r}"
    return (f"{args[0]}\x04{args[1]}", 0), f"{args[0]}|{args[1]!r}"


@pytest.fixture
def untranslated(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Collect the ids looked up in a Chinese catalogue that it does not hold."""
    missing: set[str] = set()

    def wrap(method: str) -> Callable[..., Any]:
        original = getattr(Translations, method)

        def lookup(self: Translations, *args: Any) -> Any:
            locale = get_locale() if has_request_context() else None
            if locale is not None and locale.language == "zh":
                key, name = _key(method, args)
                if key not in self._catalog:  # type: ignore[attr-defined]
                    missing.add(name)
            return original(self, *args)

        return lookup

    for method in WRAPPED:
        monkeypatch.setattr(Translations, method, wrap(method))
    yield missing


def test_every_string_asked_for_in_chinese_is_translated(
    app: Flask,
    make_event: Callable[..., int],
    make_user: Callable[..., int],
    untranslated: set[str],
) -> None:
    seeded = _seed(app, make_event, make_user)
    clients = _clients(app, seeded)
    for client in clients.values():
        with client.session_transaction() as session:
            session["lang"] = "zh_CN"
    tokens = {role: csrf(client, "/") for role, client in clients.items()}
    sign_outs = {"auth.logout", "me.sign_out_everywhere"}
    for rule in sorted(_rules(app), key=lambda r: (r.endpoint in sign_outs, r.rule)):
        url = _url(rule, seeded.ids)
        for role in ROLES:
            client = clients[role]
            if "GET" in rule.methods:
                client.get(url, headers={"Accept-Language": "zh-CN"})
            if "POST" in rule.methods and role in ("organizer", "owner", "judge"):
                # An empty form: the refusal, its banner and its field errors are rendered.
                client.post(
                    url,
                    data={"csrf_token": tokens[role]},
                    headers={"Accept-Language": "zh-CN"},
                )
    assert sorted(untranslated) == [], (
        f"{len(untranslated)} strings shown in Chinese pages lack a translation: "
        + "; ".join(sorted(untranslated)[:40])
    )


def test_the_recorder_notices_an_untranslated_string(app: Flask, untranslated: set[str]) -> None:
    """The check can fail: a string that is in no catalogue is reported."""
    from flask_babel import force_locale, gettext

    with app.test_request_context("/"), force_locale("zh_CN"):
        assert gettext("A sentence no translator has seen") == "A sentence no translator has seen"
    assert untranslated == {"'A sentence no translator has seen'"}


def test_a_wrong_password_is_refused_in_chinese_with_a_chinese_banner(
    app: Flask, make_user: Callable[..., int]
) -> None:
    make_user(login="laozhang")
    client = app.test_client()
    headers = {"Accept-Language": "zh-CN,zh;q=0.9"}
    token = csrf(client, "/login")
    response = client.post(
        "/login",
        data={"csrf_token": token, "login": "laozhang", "password": "wrong password"},
        headers=headers,
    )
    page = response.get_data(as_text=True)
    assert "请修改下面标出的内容。还没有保存任何内容。" in page
    assert "Please correct the fields marked below" not in page
    assert "Nothing was saved yet" not in page
