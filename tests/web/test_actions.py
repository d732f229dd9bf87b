"""web.actions.perform, the one commit of a request: the command's work is kept when it
succeeds, rolled back when it is refused (the refusal shown under its field, or flashed), kept
on refusal only where asked (the counted tries of the limits), declined by commit_if."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask, get_flashed_messages
from wtforms import StringField

from eventsys.errors import EventsysError
from eventsys.extensions import db
from eventsys.models import User
from eventsys.web.actions import perform
from eventsys.web.forms import NormalisingForm


class _NameForm(NormalisingForm):
    name = StringField("Name")


def _rename(user_id: int, name: str, *, refuse: str | None = None) -> Callable[[], str]:
    def command() -> str:
        user = db.session.get(User, user_id)
        assert user is not None
        user.name = name
        db.session.flush()
        if refuse is not None:
            raise EventsysError("That name is taken.", field=refuse or None)
        return name

    return command


def _name(app: Flask, user_id: int) -> str:
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        return user.name


@pytest.fixture
def person(make_user: Callable[..., int]) -> int:
    return make_user(name="原名")


def test_a_command_that_succeeds_is_committed_and_gives_its_value(app: Flask, person: int) -> None:
    with app.test_request_context("/", method="POST"):
        done = perform(_rename(person, "新名"))
        assert done and done.committed and done.refusal is None
        assert done.value == "新名"
    assert _name(app, person) == "新名"


def test_a_refusal_is_rolled_back_and_shown_under_its_field(app: Flask, person: int) -> None:
    with app.test_request_context("/", method="POST", data={"name": "新名"}):
        form = _NameForm(meta={"csrf": False})
        done = perform(_rename(person, "新名", refuse="name"), form=form)
        assert not done and str(done.refusal) == "That name is taken."
        assert form.name.errors == ["That name is taken."]
        assert get_flashed_messages() == []
        with pytest.raises(RuntimeError):
            _ = done.value
    assert _name(app, person) == "原名"


def test_a_refusal_without_a_field_on_the_form_is_flashed(app: Flask, person: int) -> None:
    with app.test_request_context("/", method="POST"):
        form = _NameForm(meta={"csrf": False})
        done = perform(_rename(person, "新名", refuse=""), form=form)
        assert not done
        assert get_flashed_messages(with_categories=True) == [("error", "That name is taken.")]
    assert _name(app, person) == "原名"


def test_a_quiet_refusal_is_left_to_the_view(app: Flask, person: int) -> None:
    with app.test_request_context("/", method="POST"):
        form = _NameForm(meta={"csrf": False})
        done = perform(_rename(person, "新名", refuse="name"), form=form, quiet=True)
        assert not done and done.refusal is not None
        assert list(form.name.errors) == [] and get_flashed_messages() == []


def test_keep_refused_commits_the_refused_work(app: Flask, person: int) -> None:
    with app.test_request_context("/", method="POST"):
        done = perform(_rename(person, "数过的", refuse=""), keep_refused=True)
        assert not done and done.refusal is not None
    assert _name(app, person) == "数过的"
    with app.test_request_context("/", method="POST"):
        perform(_rename(person, "不算的", refuse=""), keep_refused=lambda _refusal: False)
    assert _name(app, person) == "数过的"


def test_commit_if_can_decline_the_value(app: Flask, person: int) -> None:
    with app.test_request_context("/", method="POST"):
        done = perform(_rename(person, "待确认"), commit_if=lambda value: value != "待确认")
        assert not done and done.refusal is None and done.value == "待确认"
    assert _name(app, person) == "原名"
