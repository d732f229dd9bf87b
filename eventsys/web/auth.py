"""Sign in, sign out, sign up, and the language switch."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import SelectChoice

from eventsys.errors import EventsysError, TooManyAttempts
from eventsys.models import User
from eventsys.services import accounts, desk
from eventsys.services.accounts import commands as account_commands
from eventsys.services.places import queries as place_queries
from eventsys.timeutil import utcnow
from eventsys.web.actions import perform
from eventsys.web.desk_forms import PasswordResetForm
from eventsys.web.forms import (
    ActionForm,
    LanguageForm,
    LoginForm,
    SignupForm,
    keeps_input,
    options,
)
from eventsys.web.util import next_or

bp = Blueprint("auth", __name__)


def organisation_choices(blank: str) -> list[SelectChoice]:
    names = place_queries.organisation_names()
    return options([("", blank), *((org_id, name) for org_id, name in names)])


@bp.route("/login", methods=["GET", "POST"])
@keeps_input
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(next_or("public.home"))
    form = LoginForm()
    refused: EventsysError | None = None
    if form.validate_on_submit():
        user, refused = _counted_try(
            form,
            "password",
            lambda attempt, now: _finish_sign_in(attempt, now, password=form.password.data),
            remember=bool(form.remember.data),
        )
        if user is not None:
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(next_or("public.home"))
    return render_template("auth/login.html", form=form), _try_status(form, refused)


def _counted_try(
    form: Any,
    field: str,
    finish: Callable[[accounts.SignInAttempt, datetime], User],
    *,
    remember: bool,
) -> tuple[User | None, EventsysError | None]:
    """Sign in with *form* (a password, or a code from the desk), its refusals on *field*.

    The try is counted and committed before anything is checked: at most the limit of
    simultaneous tries get a check, and no lock is held while *finish* runs. A refused try is
    kept: it counts towards the limit. Return the user now signed in (or None), and the
    refusal."""
    now = utcnow()
    reserved = perform(
        lambda: accounts.reserve_sign_in(form.login.data, address=request.remote_addr, now=now),
        form=form,
        field=field,
        keep_refused=True,
    )
    done = (
        None
        if not reserved
        else perform(lambda: finish(reserved.value, now), form=form, field=field, keep_refused=True)
    )
    refused = reserved.refusal or (done.refusal if done is not None else None)
    if not done:
        return None, refused
    user = done.value
    session.clear()
    login_user(user, remember=remember)
    return user, refused


def _try_status(form: Any, refused: EventsysError | None) -> int:
    return 429 if isinstance(refused, TooManyAttempts) else 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    form = ActionForm()
    if form.validate_on_submit():
        # This device's record is revoked on the server: a copy of its cookies stops working.
        perform(lambda: accounts.sign_out(current_user._get_current_object(), now=utcnow()))
        # Clear first: logout_user leaves a note in the session to delete the remember-me
        # cookie, which session.clear() would otherwise throw away (and the cookie would sign
        # the user straight back in on the next request).
        session.clear()
        logout_user()
        flash(_("You have signed out."), "success")
    return redirect(url_for("public.home"))


@bp.route("/me/devices", methods=["GET", "POST"])
@login_required
def devices() -> Any:
    """The browsers this person is signed in on, each with a button to sign it out."""
    if request.method == "POST":
        form = ActionForm()
        device_id = request.form.get("device", type=int)
        if form.validate_on_submit() and device_id is not None and 0 < device_id < 2**31:
            if device_id == current_user.login_session_id:
                return redirect(url_for("auth.devices"))  # "Sign out" in the menu does that
            if perform(lambda: accounts.sign_out_device(current_user, device_id, now=utcnow())):
                flash(_("That device is signed out."), "success")
        return redirect(url_for("auth.devices"))
    return render_template(
        "auth/devices.html",
        devices=accounts.signed_in_devices(current_user),
        this_device=current_user.login_session_id,
    )


@bp.route("/signup", methods=["GET", "POST"])
@keeps_input
def signup() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("me.profile"))
    form = SignupForm()
    form.organisation_id.choices = organisation_choices(_("— None —"))
    refused: EventsysError | None = None
    if form.validate_on_submit():
        now = utcnow()

        def sign_up() -> User:
            user = accounts.sign_up(form.new_user(), address=request.remote_addr, now=now)
            accounts.start_session(user, device=accounts.device_name(_user_agent()), now=now)
            return user

        # A recorded refusal is kept: it counts towards the limit.
        done = perform(sign_up, form=form, keep_refused=True)
        refused = done.refusal
        if done:
            user = done.value
            session.clear()
            login_user(user, remember=True)
            flash(_("Your account is ready. Welcome, %(name)s.", name=user.name), "success")
            return redirect(url_for("public.home"))
    status = 429 if isinstance(refused, TooManyAttempts) else 422 if refused or form.errors else 200
    return render_template("auth/signup.html", form=form), status


@bp.route("/language", methods=["POST"])
def language() -> Any:
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            perform(lambda: account_commands.set_language(current_user, form.lang.data))
    return redirect(
        next_or("public.home", form.next.data or (request.referrer and _path_of(request.referrer)))
    )


# ---- a new password with a code from the help desk ----------------------------------------------


@bp.route("/forgot-password")
def forgot_password() -> Any:
    """What to do when the password is forgotten: ring the desk, get a code, enter it here."""
    return render_template("auth/forgot_password.html")


@bp.route("/reset-password", methods=["GET", "POST"])
@keeps_input
def reset_password() -> Any:
    """Set a new password with the desk's one-time code; tries are limited like sign-ins."""
    if current_user.is_authenticated:
        return redirect(url_for("me.profile"))
    form = PasswordResetForm()
    refused: EventsysError | None = None
    if form.validate_on_submit():
        # Counted (and kept, if refused) before the code is looked at, as a sign-in is.
        user, refused = _counted_try(
            form,
            "code",
            lambda attempt, now: _finish_reset(
                attempt, now, code=form.code.data, new_password=form.new_password.data
            ),
            remember=False,
        )
        if user is not None:
            flash(_("Your new password is set and you are signed in."), "success")
            return redirect(url_for("public.home"))
    return render_template("auth/reset_password.html", form=form), _try_status(form, refused)


def _finish_sign_in(attempt: accounts.SignInAttempt, now: datetime, *, password: str) -> User:
    """Check the password of a counted try (no lock held) and start this device's session."""
    ok = accounts.check_attempt_password(attempt, password)
    user = accounts.complete_sign_in(attempt, ok)
    accounts.start_session(user, device=accounts.device_name(_user_agent()), now=now)
    return user


def _finish_reset(
    attempt: accounts.SignInAttempt, now: datetime, *, code: str, new_password: str
) -> User:
    """Set the new password with the desk's code for a counted try, and start a session."""
    user = desk.reset_password(attempt, code, new_password, now=now)
    accounts.start_session(user, device=accounts.device_name(_user_agent()), now=now)
    return user


def _user_agent() -> str:
    return request.user_agent.string or ""


def _path_of(url: str) -> str | None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
