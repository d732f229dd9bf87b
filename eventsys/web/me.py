"""My page: profile, language, password and signing out everywhere."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from eventsys.services import accounts
from eventsys.services.accounts import commands as account_commands
from eventsys.web.actions import perform
from eventsys.web.forms import ActionForm, PasswordChangeForm, ProfileForm, keeps_input
from eventsys.web.util import button_action

bp = Blueprint("me", __name__, url_prefix="/me")


@bp.route("/", methods=["GET", "POST"])
@keeps_input
@login_required
def profile() -> Any:
    form = ProfileForm(obj=current_user, prefix="profile")
    password_form = PasswordChangeForm(prefix="password")
    if form.submit.data and form.validate_on_submit():
        session["lang"] = form.language.data
        perform(
            lambda: account_commands.update_profile(
                current_user, name=form.name.data, language=form.language.data
            )
        )
        flash(_("Your details are saved."), "success")
        return redirect(url_for("me.profile"))
    if (
        password_form.submit.data
        and password_form.validate_on_submit()
        and perform(
            lambda: accounts.change_password(
                current_user, password_form.current_password.data, password_form.new_password.data
            ),
            form=password_form,
        )
    ):
        # Other devices are signed out by the new session version; this one stays in, with a
        # session and remember-me cookie of the new version. (The user object, not the
        # current_user proxy: Flask-Login keeps what it is given as the current user, and a
        # proxy to itself recursed without end.)
        login_user(current_user._get_current_object(), remember=True)
        flash(_("Your password is changed. Other devices have been signed out."), "success")
        return redirect(url_for("me.profile"))
    failed = bool(form.errors or password_form.errors)
    from eventsys.services import registrations as registration_service
    from eventsys.services.registrations import queries as registration_queries

    return render_template(
        "me/profile.html",
        form=form,
        password_form=password_form,
        # Marked read by the button under them (a POST: a GET writes nothing).
        notices=registration_queries.unseen_notices_with_events(current_user),
        notices_back="me",
        invitations=registration_service.open_invitations(current_user),
    ), (422 if failed else 200)


@bp.route("/text-messages", methods=["POST"])
@login_required
def text_messages() -> Any:
    """Turn text messages (SMS) of one's notices on or off; the notices stay on the page."""
    choice = request.form.get("send")
    if choice not in ("yes", "no"):
        abort(400)
    return button_action(
        lambda: account_commands.set_sms_opt_out(current_user, opt_out=choice == "no"),
        done=_("Notices come by text message too.")
        if choice == "yes"
        else _("Notices no longer come by text message; they stay on My page."),
        back=url_for("me.profile", _anchor="text-messages"),
    )


@bp.route("/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere() -> Any:
    """Sign out on every device (a lost phone, a shared computer), this one included."""
    form = ActionForm()
    if not form.validate_on_submit():
        return redirect(url_for("me.profile"))
    perform(lambda: accounts.sign_out_everywhere(current_user))
    session.clear()  # before logout_user, which notes in the session to delete remember-me
    logout_user()
    flash(_("You have been signed out on every device. Please sign in again."), "success")
    return redirect(url_for("auth.login"))
