"""The help desk's member import: upload a spreadsheet, look at the preview row by row,
confirm. Organizers only; nothing is written to the records until "Confirm".

The upload form takes a larger body than the rest of the site (MEMBER_IMPORT_MAX_BYTES): its
view says so with forms.body_limit, which the application's one CSRF check (forms.check_csrf)
applies before it reads the body."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from eventsys.domain.member_import import Options, mask_phone
from eventsys.errors import EventsysError, NotFound
from eventsys.services import member_import
from eventsys.services import member_import_messages as messages
from eventsys.timeutil import utcnow
from eventsys.web.actions import perform
from eventsys.web.desk_import_forms import ImportConfirmForm, ImportUploadForm
from eventsys.web.forms import TOO_LARGE, body_limit
from eventsys.web.util import attach_error, send_download

bp = Blueprint("desk_import", __name__, url_prefix="/manage/people/import")


def _too_large_message() -> str:
    megabytes = member_import.max_bytes() // (1024 * 1024)
    return _(
        "The file is larger than %(megabytes)s MB. Please split it into parts.",
        megabytes=megabytes,
    )


@bp.before_request
def _guard() -> Any:
    """The role, after the body limit and the CSRF check (forms.check_csrf, as everywhere)."""
    from eventsys.extensions import login_manager

    too_large = bool(g.get(TOO_LARGE))  # over the upload's own limit (forms.body_limit)
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.has_role("organizer"):
        abort(403)
    if too_large:
        form = ImportUploadForm(formdata=None)
        form.file.errors = [_too_large_message()]
        return _upload_page(form), 413
    return None


def _upload_page(form: ImportUploadForm) -> str:
    return render_template(
        "manage/import_upload.html",
        form=form,
        max_rows=member_import.max_rows(),
        max_megabytes=member_import.max_bytes() // (1024 * 1024),
    )


@bp.route("/", methods=["GET", "POST"])
# Room for the form's other fields and the multipart framing besides the file.
@body_limit(lambda: member_import.max_bytes() + 64 * 1024)
def upload() -> Any:
    form = ImportUploadForm()
    if form.validate_on_submit():
        storage = form.file.data
        body = storage.read(member_import.max_bytes() + 1)
        options = Options(
            create_units=bool(form.create_units.data),
            allow_same_name=bool(form.allow_same_name.data),
        )
        kept = perform(
            lambda: member_import.store_upload(
                body, storage.filename or "", options, actor=current_user, now=utcnow()
            ),
            quiet=True,
        )
        if kept.refusal is None:
            return redirect(url_for("desk_import.preview", upload=kept.value.token))
        if not attach_error(form, kept.refusal):
            form.file.errors = [*form.file.errors, str(kept.refusal)]
    return _upload_page(form), 422 if form.errors else 200


@bp.route("/template.xlsx")
def template() -> Any:
    return send_download(member_import.template())


def _not_kept(refusal: EventsysError) -> tuple[str, int]:
    return render_template("errors/error.html", code=404, message=str(refusal)), 404


@bp.route("/<upload>")
def preview(upload: str) -> Any:
    try:
        shown = member_import.preview(upload, actor=current_user)
    except NotFound as refusal:
        return _not_kept(refusal)
    except EventsysError as refusal:  # the file cannot be read (it was, when it was kept)
        flash(str(refusal), "error")
        return redirect(url_for("desk_import.upload"))
    every_row = request.args.get("rows") == "all"
    rows = [r for r in shown.plan.rows if every_row or r.action != "unchanged"]
    form = ImportConfirmForm(formdata=None, fingerprint=shown.plan.fingerprint)
    return render_template(
        "manage/import_preview.html",
        upload=shown.upload,
        plan=shown.plan,
        counts=shown.plan.counts,
        rows=rows,
        every_row=every_row,
        form=form,
        problem_text=messages.row_problem,
        change_text=messages.change_text,
        action_label=messages.action_label,
        mask_phone=mask_phone,
    )


@bp.route("/<upload>/confirm", methods=["POST"])
def confirm(upload: str) -> Any:
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    done = perform(
        lambda: member_import.confirm(upload, form.fingerprint.data, actor=current_user),
        quiet=True,
    )
    refusal = done.refusal
    if isinstance(refusal, NotFound):
        return _not_kept(refusal)
    if refusal is not None:
        flash(str(refusal), "error")
        if isinstance(refusal, member_import.PlanChanged):
            return redirect(url_for("desk_import.preview", upload=upload))
        return redirect(url_for("desk_import.upload"))
    counts = done.value.counts
    flash(
        _(
            "Imported: %(created)s new members, %(updated)s changed, %(unchanged)s unchanged; "
            "%(units)s new units, %(places)s group places.",
            created=counts["create"],
            updated=counts["update"],
            unchanged=counts["unchanged"],
            units=counts["units"],
            places=counts["group_places"],
        ),
        "success",
    )
    if counts["refused"]:
        flash(
            ngettext(
                "%(num)d row was refused and not imported: correct it in the file and import "
                "the file again (the rows imported now will then be unchanged).",
                "%(num)d rows were refused and not imported: correct them in the file and "
                "import the file again (the rows imported now will then be unchanged).",
                counts["refused"],
            ),
            "error",
        )
    return redirect(url_for("manage.people"))
