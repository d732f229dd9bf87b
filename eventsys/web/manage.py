"""The organizers' side: events, rooms, organisations, groups, people and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from eventsys.domain.text import normalise
from eventsys.errors import EventsysError
from eventsys.extensions import db
from eventsys.labels import (
    CAPACITY_COUNT_LABELS,
    REGISTRATION_MODE_LABELS,
    audit_object_label,
    event_kind_label,
    group_kind_label,
    role_label,
    venue_kind_label,
)
from eventsys.models import (
    CAPACITY_COUNTS,
    EVENT_KINDS,
    GROUP_KINDS,
    REGISTRATION_MODES,
    ROLES,
    VENUE_KINDS,
    AuditRecord,
    Event,
    Group,
    Occurrence,
    Organisation,
    User,
    Venue,
)
from eventsys.services import accounts, desk, desk_merge, places
from eventsys.services import audit_log as audit_log_service
from eventsys.services import events as event_service
from eventsys.services.accounts import queries as account_queries
from eventsys.services.events import queries as event_queries
from eventsys.services.groups import queries as group_queries
from eventsys.services.places import queries as place_queries
from eventsys.services.registrations import queries as registration_queries
from eventsys.timeutil import local_to_utc, to_local, utcnow
from eventsys.web.actions import perform
from eventsys.web.auth import organisation_choices
from eventsys.web.desk_forms import MergeForm, PersonRecordForm, ResetCodeForm
from eventsys.web.forms import (
    ActionForm,
    CancelEventForm,
    EventForm,
    GroupForm,
    MemberForm,
    OccurrenceForm,
    OrganisationForm,
    RolesForm,
    UserForm,
    VenueForm,
    keeps_input,
    options,
)
from eventsys.web.util import attach_error, button_action, get_or_404, role_required

bp = Blueprint("manage", __name__, url_prefix="/manage")


@bp.before_request
@role_required("organizer")
def _organizers_only() -> None:
    """Every page here is for organizers."""


def _refused(form: Any, refusal: EventsysError) -> None:
    db.session.rollback()
    if not attach_error(form, refusal):
        flash(str(refusal), "error")


def _status(form: Any) -> int:
    return 422 if form.errors else 200


@bp.route("/")
def dashboard() -> Any:
    counts = {
        "events": event_queries.count_of(Event),
        "venues": event_queries.count_of(Venue),
        "organisations": event_queries.count_of(Organisation),
        "groups": event_queries.count_of(Group),
        "users": event_queries.count_of(User),
    }
    return render_template("manage/dashboard.html", counts=counts)


# ---- events ---------------------------------------------------------------------------------


@bp.route("/events")
def events() -> Any:
    rows = event_queries.latest_events(500)
    return render_template("manage/events.html", events=rows, action_form=ActionForm())


def _event_form(event: Event | None) -> EventForm:
    form = EventForm(obj=None if request.method == "POST" else event)
    form.kind.choices = options([(kind, event_kind_label(kind)) for kind in EVENT_KINDS])
    form.registration_mode.choices = options(
        [(mode, str(REGISTRATION_MODE_LABELS[mode])) for mode in REGISTRATION_MODES]
    )
    form.capacity_counts.choices = options(
        [(count, str(CAPACITY_COUNT_LABELS[count])) for count in CAPACITY_COUNTS]
    )
    venues = place_queries.active_venue_seats()
    form.venue_id.choices = options(
        [("", _("— Choose a venue —")), *((v_id, name) for v_id, name, _seats in venues)]
    )
    form.group_id.choices = options(
        [("", _("— No group —")), *((g_id, name) for g_id, name in group_queries.group_names())]
    )
    # Seats per room, for the warning about more places than seats (no second query).
    form.venue_seats = {v_id: seats for v_id, _name, seats in venues}
    if event is not None and request.method != "POST":
        for name in (
            "starts_at",
            "ends_at",
            "registration_opens_at",
            "registration_closes_at",
            "cancel_deadline",
        ):
            value = getattr(event, name)
            getattr(form, name).data = to_local(value).replace(tzinfo=None) if value else None
        form.weekdays.data = [str(day) for day in event.weekdays]
    return form


def _utc(value: datetime | None) -> datetime | None:
    return local_to_utc(value) if value is not None else None


def _event_data(form: EventForm) -> event_service.EventData:
    return event_service.EventData(
        kind=form.kind.data,
        title=form.title.data,
        description=form.description.data or "",
        venue_id=form.venue_id.data,
        starts_at=local_to_utc(form.starts_at.data),
        ends_at=local_to_utc(form.ends_at.data),
        weekdays=tuple(int(day) for day in form.weekdays.data or ()),
        repeat_until=form.repeat_until.data if form.weekdays.data else None,
        capacity=form.capacity.data,
        registration_opens_at=_utc(form.registration_opens_at.data),
        registration_closes_at=_utc(form.registration_closes_at.data),
        registration_mode=form.registration_mode.data,
        capacity_counts=form.capacity_counts.data,
        requires_approval=bool(form.requires_approval.data),
        roster_min=form.roster_min.data,
        roster_max=form.roster_max.data,
        substitutes_max=form.substitutes_max.data or 0,
        max_entries_per_organisation=form.max_entries_per_organisation.data,
        asks_title=bool(form.asks_title.data),
        asks_text=bool(form.asks_text.data),
        cancel_deadline=_utc(form.cancel_deadline.data),
        walk_ins=bool(form.walk_ins.data),
        group_id=form.group_id.data,
    )


@dataclass
class _Attempt:
    """What trying to save the event form gave: the event, or what to show before saving."""

    event: Event | None = None
    warnings: list[str] = field(default_factory=list)
    clashes: list[event_service.ClashingDate] = field(default_factory=list)


def _try_saving(form: EventForm, event: Event | None) -> _Attempt:
    """Save the form's event unless the organizer must first confirm a warning or decide about
    clashing dates; all of them come back in one answer, and nothing is saved until then."""
    data = _event_data(form)
    warnings = event_service.booking_warnings(
        data,
        seats=form.venue_seats.get(data.venue_id),
        now=utcnow(),
        previous_start=event.starts_at if event is not None else None,
    )
    skip = bool(form.skip_clashes.data)
    try:
        if event is None:
            saved = event_service.create_event(data, organizer=current_user, skip_clashes=skip)
        else:
            saved = event_service.update_event(event, data, actor=current_user, skip_clashes=skip)
    except event_service.SeriesClash as refusal:
        _refused(form, refusal)
        return _Attempt(warnings=warnings, clashes=refusal.clashes)
    except EventsysError as refusal:
        _refused(form, refusal)
        return _Attempt(warnings=warnings)
    if warnings and not form.confirm_warnings.data:
        db.session.rollback()
        return _Attempt(warnings=warnings)
    return _Attempt(event=saved)


def _keep(attempt: _Attempt, form: EventForm) -> bool:
    """Commit an attempt that saved its event (saying first if its room is taken)."""
    if attempt.event is None:
        return False
    _flash_room_taken(attempt.event, form)
    return True


def _flash_room_taken(event: Event, form: EventForm) -> None:
    if not form.skip_clashes.data:
        return
    taken = sum(1 for o in event.occurrences if o.skip_reason == event_service.ROOM_TAKEN)
    if taken:
        flash(
            ngettext(
                "%(num)d clashing date is saved as “no session (room taken)”.",
                "%(num)d clashing dates are saved as “no session (room taken)”.",
                taken,
            ),
            "success",
        )


def _save_event(form: Any, event: Event | None) -> tuple[Any, _Attempt]:
    """Save the event form (a new event when *event* is None), kept only if nothing needs an
    answer first; return what perform says and the attempt's warnings and clashes."""
    done = perform(lambda: _try_saving(form, event), commit_if=lambda a: _keep(a, form))
    return done, done.value if done.refusal is None else _Attempt()


def _event_page(form: Any, event: Event | None, attempt: _Attempt) -> Any:
    return render_template(
        "manage/event_form.html",
        form=form,
        event=event,
        warnings=attempt.warnings,
        clashes=attempt.clashes,
    ), _status(form)


@bp.route("/events/new", methods=["GET", "POST"])
@keeps_input
def event_new() -> Any:
    form = _event_form(None)
    attempt = _Attempt()
    if form.validate_on_submit():
        done, attempt = _save_event(form, None)
        if done and attempt.event is not None:
            event_id = attempt.event.id
            flash(_("The event is saved as a draft. Publish it when it is ready."), "success")
            return redirect(url_for("public.event_detail", event_id=event_id))
    return _event_page(form, None, attempt)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@keeps_input
def event_edit(event_id: int) -> Any:
    event = get_or_404(Event, event_id)
    form = _event_form(event)
    attempt = _Attempt()
    if form.validate_on_submit():
        done, attempt = _save_event(form, event)
        if done:
            flash(_("The event is saved."), "success")
            return redirect(url_for("public.event_detail", event_id=event_id))
        event = get_or_404(Event, event_id)
    return _event_page(form, event, attempt)


@bp.route("/events/<int:event_id>/status/<status>", methods=["POST"])
def event_status(event_id: int, status: str) -> Any:
    event = get_or_404(Event, event_id)
    if status not in ("published", "cancelled", "draft"):
        abort(404)
    form = CancelEventForm() if status == "cancelled" else ActionForm()
    if not form.validate_on_submit():
        abort(400)
    reason = form.reason.data if status == "cancelled" else None
    if perform(lambda: event_service.set_status(event, status, actor=current_user, reason=reason)):
        flash(
            {
                "published": _("The event is published."),
                "cancelled": _("The event is cancelled and its room is free again."),
                "draft": _("The event is back to draft and hidden from the programme."),
            }[status],
            "success",
        )
    return redirect(url_for("public.event_detail", event_id=event_id))


@bp.route("/events/<int:event_id>/cancel")
def event_cancel(event_id: int) -> Any:
    """Ask before cancelling: it cannot be undone and frees the room. Afterwards the same page
    lists the people to ring."""
    event = get_or_404(Event, event_id)
    from eventsys.domain.places import HOLDING_STATUSES
    from eventsys.services.registrations import registrants_to_call

    to_call = registrants_to_call(event)
    if event.status == "cancelled":
        return render_template("manage/event_cancel.html", event=event, to_call=to_call, form=None)

    sittings = sum(1 for o in event.occurrences if o.blocks_venue)
    registered = registration_queries.count_holding(event, HOLDING_STATUSES)
    return render_template(
        "manage/event_cancel.html",
        event=event,
        sittings=sittings,
        registered=registered,
        to_call=to_call,
        form=CancelEventForm(),
    )


@bp.route("/events/<int:event_id>/registrants/print")
def event_registrants_print(event_id: int) -> Any:
    """The registrants with their phone numbers in large type, to print and ring."""
    from eventsys.services.registrations import registrants_to_call

    event = get_or_404(Event, event_id)
    return render_template(
        "manage/event_registrants_print.html", event=event, to_call=registrants_to_call(event)
    )


@bp.route("/events/<int:event_id>/sittings")
def occurrences(event_id: int) -> Any:
    event = get_or_404(Event, event_id)
    return render_template("manage/occurrences.html", event=event, action_form=ActionForm())


@bp.route("/sittings/<int:occurrence_id>/skip", methods=["POST"])
def occurrence_skip(occurrence_id: int) -> Any:
    occurrence = get_or_404(Occurrence, occurrence_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    skip = request.args.get("undo") != "1"
    reason = normalise(request.form.get("reason", ""))[:200]
    if perform(
        lambda: event_service.skip_occurrence(occurrence, skip, actor=current_user, reason=reason)
    ):
        flash(_("The sitting is skipped.") if skip else _("The sitting is back on."), "success")
    return redirect(url_for("manage.occurrences", event_id=occurrence.event_id))


@bp.route("/sittings/<int:occurrence_id>/move", methods=["GET", "POST"])
@keeps_input
def occurrence_move(occurrence_id: int) -> Any:
    occurrence = get_or_404(Occurrence, occurrence_id)
    form = OccurrenceForm()
    if request.method == "GET":
        form.starts_at.data = to_local(occurrence.starts_at).replace(tzinfo=None)
        form.ends_at.data = to_local(occurrence.ends_at).replace(tzinfo=None)
    if form.validate_on_submit():
        event_id = occurrence.event_id
        if perform(
            lambda: event_service.move_occurrence(
                occurrence,
                local_to_utc(form.starts_at.data),
                local_to_utc(form.ends_at.data),
                actor=current_user,
            ),
            form=form,
        ):
            flash(_("The sitting is moved."), "success")
            return redirect(url_for("manage.occurrences", event_id=event_id))
        occurrence = get_or_404(Occurrence, occurrence_id)
    return render_template(
        "manage/occurrence_move.html", form=form, occurrence=occurrence
    ), _status(form)


# ---- venues ---------------------------------------------------------------------------------


@bp.route("/venues")
def venues() -> Any:
    rows = place_queries.all_venues()
    return render_template("manage/venues.html", venues=rows)


@bp.route("/venues/new", methods=["GET", "POST"], defaults={"venue_id": None})
@bp.route("/venues/<int:venue_id>/edit", methods=["GET", "POST"])
@keeps_input
def venue_form(venue_id: int | None) -> Any:
    venue = get_or_404(Venue, venue_id) if venue_id is not None else None
    form = VenueForm(obj=venue)
    form.kind.choices = options([(kind, venue_kind_label(kind)) for kind in VENUE_KINDS])
    if form.validate_on_submit():
        data = places.VenueData(
            name=form.name.data,
            kind=form.kind.data,
            capacity=form.capacity.data,
            location=form.location.data or "",
            description=form.description.data or "",
            active=bool(form.active.data),
        )
        if perform(lambda: places.save_venue(data, actor=current_user, venue=venue), form=form):
            flash(_("The venue is saved."), "success")
            return redirect(url_for("manage.venues"))
    return render_template("manage/venue_form.html", form=form, venue=venue), _status(form)


# ---- organisations and groups ---------------------------------------------------------------


@bp.route("/organisations")
def organisations() -> Any:
    rows, counts = place_queries.organisations_with_counts()
    return render_template("manage/organisations.html", organisations=rows, counts=counts)


@bp.route("/organisations/new", methods=["GET", "POST"], defaults={"organisation_id": None})
@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@keeps_input
def organisation_form(organisation_id: int | None) -> Any:
    organisation = get_or_404(Organisation, organisation_id) if organisation_id else None
    form = OrganisationForm(obj=organisation)
    form.parent_id.choices = organisation_choices(_("— Top level —"))
    if form.validate_on_submit() and perform(
        lambda: places.save_organisation(
            form.name.data, form.parent_id.data, actor=current_user, organisation=organisation
        ),
        form=form,
    ):
        flash(_("The organisation is saved."), "success")
        return redirect(url_for("manage.organisations"))
    return render_template(
        "manage/organisation_form.html", form=form, organisation=organisation
    ), _status(form)


@bp.route("/groups")
def groups() -> Any:
    rows, counts = place_queries.groups_with_counts()
    return render_template("manage/groups.html", groups=rows, counts=counts)


def _people_choices() -> list[SelectChoice]:
    people = account_queries.people_names(5000)
    return options(
        [("", _("— None —")), *((uid, f"{name} ({login})") for uid, name, login in people)]
    )


@bp.route("/groups/new", methods=["GET", "POST"], defaults={"group_id": None})
@bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
@keeps_input
def group_form(group_id: int | None) -> Any:
    group = get_or_404(Group, group_id) if group_id else None
    form = GroupForm(obj=group)
    form.kind.choices = options([(kind, group_kind_label(kind)) for kind in GROUP_KINDS])
    form.organisation_id.choices = organisation_choices(_("— None —"))
    form.leader_id.choices = _people_choices()
    if form.validate_on_submit():
        data = places.GroupData(
            name=form.name.data,
            kind=form.kind.data,
            description=form.description.data or "",
            organisation_id=form.organisation_id.data,
            leader_id=form.leader_id.data,
        )
        done = perform(lambda: places.save_group(data, actor=current_user, group=group), form=form)
        if done:
            flash(_("The group is saved."), "success")
            return redirect(url_for("manage.group_form", group_id=done.value.id))
        group = get_or_404(Group, group_id) if group_id else None
    members = []
    if group is not None:
        members = place_queries.group_members(group)
    return render_template(
        "manage/group_form.html",
        form=form,
        group=group,
        members=members,
        member_form=MemberForm(prefix="member"),
        action_form=ActionForm(),
    ), _status(form)


@bp.route("/groups/<int:group_id>/members", methods=["POST"])
def group_member_add(group_id: int) -> Any:
    group = get_or_404(Group, group_id)
    form = MemberForm(prefix="member")
    if form.validate_on_submit():

        def add() -> str:
            person = places.find_person(form.person.data)
            places.add_member(group, person, actor=current_user)
            return str(person.name)

        done = perform(add)
        if done:
            flash(_("%(name)s joined the group.", name=done.value), "success")
    else:
        flash(_("Enter the login name or phone number of the member."), "error")
    return redirect(url_for("manage.group_form", group_id=group_id))


@bp.route("/groups/<int:group_id>/members/<int:user_id>/remove", methods=["POST"])
def group_member_remove(group_id: int, user_id: int) -> Any:
    group = get_or_404(Group, group_id)
    return button_action(
        lambda: places.remove_member(group, user_id, actor=current_user),
        done=_("The member is removed from the group."),
        back=url_for("manage.group_form", group_id=group_id),
    )


# ---- people ---------------------------------------------------------------------------------


@bp.route("/people")
def people() -> Any:
    search = normalise(request.args.get("q", ""))[:64]
    page = request.args.get("page", 1, type=int)
    if not 0 < page <= 100_000:
        abort(400)
    found = account_queries.people_page(search, page=page)
    return render_template("manage/people.html", found=found, people=found.people, q=search)


def _role_choices() -> list[SelectChoice]:
    return options([(role, role_label(role)) for role in ROLES])


@bp.route("/people/new", methods=["GET", "POST"])
@keeps_input
def person_new() -> Any:
    form = UserForm()
    form.organisation_id.choices = organisation_choices(_("— None —"))
    form.roles.choices = _role_choices()
    if request.method == "GET":
        form.roles.data = ["judge"]
    if form.validate_on_submit() and perform(
        lambda: accounts.create_user(form.new_user(), actor=current_user),
        form=form,
    ):
        flash(
            _("The account is created. Give the person their login name and password."),
            "success",
        )
        return redirect(url_for("manage.people"))
    return render_template("manage/person_new.html", form=form), _status(form)


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@keeps_input
def person(user_id: int) -> Any:
    user = get_or_404(User, user_id)
    form = RolesForm()
    form.roles.choices = _role_choices()
    if request.method == "GET":
        form.roles.data = list(user.roles)
    if form.validate_on_submit():
        if perform(
            lambda: accounts.set_roles(user, tuple(form.roles.data), actor=current_user), form=form
        ):
            flash(_("The roles are saved."), "success")
            return redirect(url_for("manage.person", user_id=user_id))
        user = get_or_404(User, user_id)
    return render_template(
        "manage/person.html",
        person=user,
        form=form,
        desk=_desk_facts(user),
        file=account_queries.member_file(user),
    ), _status(form)


#: The page of each kind of audited object, where it has one: (endpoint, argument name).
AUDIT_OBJECT_PAGES = {
    "event": ("public.event_detail", "event_id"),
    "user": ("manage.person", "user_id"),
    "venue": ("public.venue_week", "venue_id"),
    "organisation": ("manage.organisation_form", "organisation_id"),
    "group": ("manage.group_form", "group_id"),
    "contest": ("contests.overview", "contest_id"),
    "tournament": ("tournaments.overview", "tournament_id"),
}


def _audit_filter() -> audit_log_service.AuditFilter:
    """Read the audit log's GET filters (400 for a date or number that is not one)."""
    from datetime import date, timedelta

    from eventsys.timeutil import local_midnight

    args = request.args
    try:
        start = date.fromisoformat(args["from"]) if args.get("from") else None
        end = date.fromisoformat(args["to"]) if args.get("to") else None
        object_id = int(args["id"]) if args.get("id") else None
        page = int(args.get("page") or 1)
    except ValueError:
        abort(400)
    # Days past what a calendar (and the database) can hold, ids past a column's range and
    # pages past any log are refused like any other date or number that is not one.
    if any(day is not None and not 1900 <= day.year <= 2999 for day in (start, end)):
        abort(400)
    if (object_id is not None and not 0 <= object_id < 2**31) or page > 100_000:
        abort(400)
    object_type = args.get("type", "")
    if object_type and object_type not in audit_log_service.OBJECT_TYPES:
        abort(400)
    return audit_log_service.AuditFilter(
        who=normalise(args.get("who", "")).strip()[:60],
        object_type=object_type,
        object_id=object_id,
        start=local_midnight(start) if start else None,
        end=local_midnight(end + timedelta(days=1)) if end else None,
        page=max(page, 1),
    )


def _audit_object_url(record: AuditRecord) -> str | None:
    target = AUDIT_OBJECT_PAGES.get(record.object_type)
    if target is None or record.object_id is None:
        return None
    endpoint, argument = target
    return url_for(endpoint, **{argument: record.object_id})


@bp.route("/audit")
def audit_log() -> Any:
    criteria = _audit_filter()
    found = audit_log_service.find(criteria)
    rows = [
        {
            "record": record,
            "sentence": audit_log_service.action_sentence(record.action),
            "object": f"{audit_object_label(record.object_type)} #{record.object_id}"
            if record.object_id is not None
            else audit_object_label(record.object_type),
            "url": _audit_object_url(record),
            "changes": audit_log_service.changes(record.before, record.after),
        }
        for record in found.records
    ]
    query = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "manage/audit.html",
        rows=rows,
        found=found,
        query=query,
        object_types=[(kind, audit_object_label(kind)) for kind in audit_log_service.OBJECT_TYPES],
    )


# ---- the help desk: correct a record, a one-time code for a new password, unlock sign-in ------


def _desk_facts(user: User) -> dict[str, Any]:
    """What the desk sees on a member's page: paused sign-in, an unused code, the code form."""
    now = utcnow()
    return {
        "paused_until": accounts.sign_in_paused_until(user, now=now),
        "code_expires_at": desk.active_code_expiry(user, now=now),
        "reset_form": ResetCodeForm(formdata=None),
        "action_form": ActionForm(formdata=None),
    }


@bp.route("/people/<int:user_id>/record", methods=["GET", "POST"])
@keeps_input
def person_record(user_id: int) -> Any:
    """Correct a member's name, phone number or organisation (audited)."""
    user = get_or_404(User, user_id)
    form = PersonRecordForm(obj=user)
    form.organisation_id.choices = organisation_choices(_("— None —"))
    if form.validate_on_submit():
        done = perform(
            lambda: desk.correct_record(
                user,
                desk.Record(
                    name=form.name.data,
                    phone=form.phone.data or None,
                    organisation_id=form.organisation_id.data,
                ),
                actor=current_user,
            ),
            form=form,
        )
        if done:
            message = _("The corrections are saved.") if done.value else _("Nothing was changed.")
            flash(message, "success")
            return redirect(url_for("manage.person", user_id=user_id))
        user = get_or_404(User, user_id)
    return render_template("manage/person_record.html", person=user, form=form), _status(form)


def _slip_key(user_id: int) -> str:
    return f"desk_code_{user_id}"


@bp.route("/people/<int:user_id>/reset-code", methods=["POST"])
def person_reset_code(user_id: int) -> Any:
    """Give the member a one-time code (signing them out everywhere), then show it on a slip."""
    user = get_or_404(User, user_id)
    form = ResetCodeForm()
    if not form.validate_on_submit():
        for message in form.checked.errors or [_("Please try again.")]:
            flash(str(message), "error")
        return redirect(url_for("manage.person", user_id=user_id))
    code = perform(lambda: desk.issue_reset_code(user, actor=current_user, now=utcnow())).value
    # Kept only until the slip is shown (in the desk's own signed session, never the database).
    session[_slip_key(user_id)] = code
    return redirect(url_for("manage.person_reset_slip", user_id=user_id))


@bp.route("/people/<int:user_id>/reset-slip")
def person_reset_slip(user_id: int) -> Any:
    """The printable slip with the code, shown once: reloading it shows no code."""
    user = get_or_404(User, user_id)
    code = session.pop(_slip_key(user_id), None)
    return render_template(
        "manage/reset_slip.html",
        person=user,
        code=desk.format_code(code) if code else None,
        expires_at=desk.active_code_expiry(user, now=utcnow()) if code else None,
        reset_url=url_for("auth.reset_password", _external=True),
    )


@bp.route("/people/<int:user_id>/unlock", methods=["POST"])
def person_unlock(user_id: int) -> Any:
    """Lift the sign-in limits on a member who is sure to be who they say (audited)."""
    user = get_or_404(User, user_id)
    return button_action(
        lambda: accounts.unlock_sign_in(user, actor=current_user, now=utcnow()),
        done=_("Sign-in is unlocked: the member can sign in again now."),
        back=url_for("manage.person", user_id=user_id),
    )


@bp.route("/people/<int:user_id>/active/<state>", methods=["POST"])
def person_active(user_id: int, state: str) -> Any:
    """Switch an account off (signed out everywhere, no feed, no code) or on again (audited)."""
    if state not in ("off", "on"):
        abort(404)
    user = get_or_404(User, user_id)
    on = state == "on"
    return button_action(
        lambda: desk.set_active(user, on, actor=current_user, now=utcnow()),
        done=_("The account is switched on again.")
        if on
        else _("The account is switched off: it is signed out everywhere."),
        back=url_for("manage.person", user_id=user_id),
    )


@bp.route("/people/<int:user_id>/merge", methods=["GET", "POST"])
@keeps_input
def person_merge(user_id: int) -> Any:
    """Merge another record of the same person into this one: first what it would do, then,
    once confirmed, the merge (audited on both records)."""
    user = get_or_404(User, user_id)
    form = MergeForm()
    other, plan = None, None
    if form.validate_on_submit():
        try:
            other = desk_merge.find_duplicate(form.duplicate.data)
            plan = desk_merge.plan_merge(user, other)  # a read: what the merge would do
        except EventsysError as refusal:
            _refused(form, refusal)
            other, plan = None, None
        if plan is not None and form.confirmed.data:
            done = perform(
                lambda: desk_merge.merge_records(user, other, actor=current_user, now=utcnow()),
                form=form,
            )
            if done:
                flash(_("The records are merged. The other record is switched off."), "success")
                return redirect(url_for("manage.person", user_id=user_id))
            user = get_or_404(User, user_id)
            other, plan = None, None
    return render_template(
        "manage/person_merge.html", person=user, form=form, other=other, plan=plan
    ), _status(form)
