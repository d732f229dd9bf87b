"""Interest groups and the honours board (荣誉榜): a public page per group (leader, members'
names for signed-in members, this week's and next week's activities, honours); asking to join,
answered by the group's leader or staff; the leader registering members for a group event;
the public honours board with its export; staff recording honours with a certificate photo.

The photo form takes a larger body than the rest of the site (HONOUR_PHOTO_MAX_BYTES): its view
says so with forms.body_limit, applied by the one CSRF check before the body is read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from eventsys.models import Event, Group, Honour
from eventsys.services import exports
from eventsys.services import groups as group_service
from eventsys.services.groups import photo_folder, photo_max_bytes, queries
from eventsys.timeutil import utcnow
from eventsys.web.actions import perform
from eventsys.web.forms import TOO_LARGE, body_limit, keeps_input, options
from eventsys.web.groups_forms import HonourForm, RegisterMembersForm
from eventsys.web.util import (
    MAX_ID,
    button_action,
    get_or_404,
    role_required,
    send_download,
    viewer,
)

bp = Blueprint("groups", __name__)

# ---- the groups -------------------------------------------------------------------------------


@bp.route("/groups/")
def index() -> Any:
    return render_template("groups/index.html", kinds=queries.groups_by_kind())


def _group_or_404(group_id: int) -> Group:
    group = queries.group_with_leader(group_id)
    if group is None:
        abort(404)
    return group


@bp.route("/groups/<int:group_id>")
def detail(group_id: int) -> Any:
    group = _group_or_404(group_id)
    person = viewer()
    leads = group_service.may_lead(group, person)
    return render_template(
        "groups/detail.html",
        group=group,
        # Names of members only for people signed in: the public sees how many there are.
        members=queries.member_names(group) if person is not None else None,
        standing=queries.standing(group, person),
        activities=queries.activities(group),
        honours=queries.honours(queries.HonourFilter(group_id=group.id)),
        leads=leads,
        requests=queries.pending_requests(group) if leads else (),
        events=queries.events_to_register(group) if leads else (),
    )


@bp.route("/groups/<int:group_id>/join", methods=["POST"])
@login_required
def join(group_id: int) -> Any:
    group = get_or_404(Group, group_id)
    return button_action(
        lambda: group_service.ask_to_join(group, current_user, now=utcnow()),
        done=_("Your request is sent. The leader will answer; the answer comes to My page."),
        back=url_for("groups.detail", group_id=group_id),
    )


@bp.route("/groups/<int:group_id>/requests/<int:request_id>/<answer>", methods=["POST"])
@login_required
def answer(group_id: int, request_id: int, answer: str) -> Any:
    group = get_or_404(Group, group_id)
    if not group_service.may_lead(group, current_user):
        abort(403)
    done = {
        "accept": _("The member is accepted into the group and will find a notice."),
        "refuse": _("The request is refused; the member will find a notice."),
    }
    if answer not in done:
        abort(404)
    return button_action(
        lambda: group_service.answer_request(
            group, request_id, answer, by=current_user, now=utcnow()
        ),
        done=done[answer],
        back=url_for("groups.detail", group_id=group_id),
    )


@bp.route("/groups/<int:group_id>/events/<int:event_id>/register", methods=["GET", "POST"])
@login_required
def register_members(group_id: int, event_id: int) -> Any:
    group = _group_or_404(group_id)
    if not group_service.may_lead(group, current_user):
        abort(403)
    event = get_or_404(Event, event_id)
    if event.group_id != group.id:
        abort(404)
    members = queries.member_names(group)
    form = RegisterMembersForm()
    form.members.choices = options([(uid, name) for uid, name in members])
    if request.method == "GET":
        form.members.data = [uid for uid, _name in members]
    outcomes = None
    if form.validate_on_submit():
        done = perform(
            lambda: group_service.register_members(
                group, event, form.members.data, by=current_user, now=utcnow()
            ),
            form=form,
        )
        if done:
            outcomes = done.value
    return render_template(
        "groups/register.html", group=group, event=event, form=form, outcomes=outcomes
    ), 422 if form.errors else 200


# ---- honours ----------------------------------------------------------------------------------


def _number(name: str) -> int | None:
    value = request.args.get(name, "")
    if not (value.isascii() and value.isdigit() and len(value) <= 10):
        return None
    return int(value) if 0 < int(value) <= MAX_ID else None


def _filter() -> queries.HonourFilter:
    year = _number("year")
    return queries.HonourFilter(
        year=year if year is not None and 1900 <= year <= 9999 else None,
        group_id=_number("group"),
    )


@bp.route("/honours")
def honours() -> Any:
    chosen = _filter()
    return render_template("groups/honours.html", board=queries.board(chosen), chosen=chosen)


@bp.route("/honours/export.<fmt>")
def honours_export(fmt: str) -> Any:
    if fmt not in ("csv", "xlsx"):
        abort(404)
    header, rows = queries.honours_table(_filter())
    sheets = [(_("Honours"), header, rows)]
    return send_download(exports.download(sheets, fmt, f"honours.{fmt}"))


@bp.route("/honours/<int:honour_id>/photo")
def honour_photo(honour_id: int) -> Any:
    honour = get_or_404(Honour, honour_id)
    if not honour.photo or not honour.photo_type:
        abort(404)
    path = photo_folder() / Path(honour.photo).name  # the stored random name, never a path
    if not path.is_file():
        abort(404)
    response = Response(path.read_bytes(), mimetype=honour.photo_type)
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _honour_form(honour: Honour | None, *, sent: bool = True) -> HonourForm:
    """The honour form: as sent (*sent*), else the honour as stored."""
    if sent and request.method == "POST":
        form = HonourForm()
    else:
        form = HonourForm(formdata=None, obj=honour)
    form.group_id.choices = options(
        [("", _("— No group —")), *((gid, name) for gid, name in queries.group_names())]
    )
    if request.method == "GET" and honour is None:
        form.group_id.data = _number("group")
    return form


@bp.route("/manage/honours/new", methods=["GET", "POST"], defaults={"honour_id": None})
@bp.route("/manage/honours/<int:honour_id>/edit", methods=["GET", "POST"])
@role_required("organizer")
@keeps_input
# Room for the form's other fields and the multipart framing besides the photo.
@body_limit(lambda: photo_max_bytes() + 64 * 1024)
def honour_form(honour_id: int | None) -> Any:
    honour = get_or_404(Honour, honour_id) if honour_id else None
    if g.get(TOO_LARGE):  # nothing of the body was read: the stored honour, and why
        form = _honour_form(honour, sent=False)
        form.photo.errors = [
            _(
                "The photo is larger than %(megabytes)s MB. Please send a smaller one.",
                megabytes=photo_max_bytes() // (1024 * 1024),
            )
        ]
        return render_template("groups/honour_form.html", form=form, honour=honour), 413
    form = _honour_form(honour)
    if form.validate_on_submit():
        storage = form.photo.data
        body = storage.read(photo_max_bytes() + 1) if storage else b""
        if len(body) > photo_max_bytes():
            form.photo.errors = [_("The photo is too large.")]
        else:  # its type is read from its bytes by the service, never from its name
            given = ("competition", "awarded_on", "award", "group_id", "winner", "organiser")
            data = group_service.HonourData(**{name: form[name].data for name in given})
            done = perform(
                lambda: group_service.save_honour(
                    data,
                    actor=current_user,
                    folder=photo_folder(),
                    honour=honour,
                    photo=body or None,
                    remove_photo=bool(form.remove_photo.data),
                ),
                form=form,
            )
            if done:
                flash(_("The honour is saved."), "success")
                return redirect(url_for("groups.honours"))
    return render_template(
        "groups/honour_form.html", form=form, honour=honour
    ), 422 if form.errors else 200


@bp.route("/manage/honours/<int:honour_id>/delete", methods=["POST"])
@role_required("organizer")
def honour_delete(honour_id: int) -> Any:
    honour = get_or_404(Honour, honour_id)
    return button_action(
        lambda: group_service.delete_honour(honour, actor=current_user, folder=photo_folder()),
        done=_("The honour is taken off the board."),
        back=url_for("groups.honours"),
    )
