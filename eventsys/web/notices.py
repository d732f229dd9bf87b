"""Staff write a notice to the people registered for an event (by status) or a group's
members; each finds it on their page (and by text message where the gateway is set)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_login import current_user

from eventsys.domain.places import ACTIVE_STATUSES
from eventsys.labels import registration_status_label
from eventsys.models import Event, Group
from eventsys.services import notices
from eventsys.timeutil import utcnow
from eventsys.web.actions import perform
from eventsys.web.forms import NoticeForm, keeps_input, options
from eventsys.web.util import get_or_404, role_required

bp = Blueprint("notices", __name__, url_prefix="/manage")


@bp.before_request
@role_required("organizer")
def _organizers_only() -> None:
    """Every page here is for staff."""


def _page(form: NoticeForm, *, event: Event | None, group: Group | None) -> Any:
    """The form again: 422 when it was sent and refused (a field, or nobody to tell)."""
    refused = form.is_submitted()
    page = render_template("notices/send.html", form=form, event=event, group=group)
    return page, 422 if refused else 200


def _send(form: NoticeForm, **target: Any) -> bool:
    """Send the notice the form holds to *target* (event and statuses, or group)."""
    done = perform(
        lambda: notices.send_message(form.text.data or "", by=current_user, now=utcnow(), **target),
        form=form,
    )
    if done:
        count = done.value
        flash(
            ngettext(
                "The notice was sent to %(num)d person.",
                "The notice was sent to %(num)d people.",
                count,
            ),
            "success",
        )
    return bool(done)


@bp.route("/events/<int:event_id>/notice", methods=["GET", "POST"])
@keeps_input
def event_notice(event_id: int) -> Any:
    event = get_or_404(Event, event_id)
    form = NoticeForm()
    form.statuses.choices = options(
        [(status, registration_status_label(status)) for status in ACTIVE_STATUSES]
    )
    if form.validate_on_submit() and _send(form, event=event, statuses=form.statuses.data):
        return redirect(url_for("notices.event_notice", event_id=event.id))
    return _page(form, event=event, group=None)


@bp.route("/groups/<int:group_id>/notice", methods=["GET", "POST"])
@keeps_input
def group_notice(group_id: int) -> Any:
    group = get_or_404(Group, group_id)
    form = NoticeForm()
    del form.statuses
    if form.validate_on_submit() and _send(form, group=group):
        return redirect(url_for("notices.group_notice", group_id=group.id))
    return _page(form, event=None, group=group)
