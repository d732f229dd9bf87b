"""Registering for events, my registrations, and the organizers' lists, check-in and exports."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import selectinload

from eventsys.domain.text import normalise
from eventsys.errors import EventsysError, TooManyAttempts
from eventsys.extensions import db
from eventsys.models import Event, Occurrence, Registration, RegistrationMember, User
from eventsys.models.registrations import REGISTRATION_STATUSES
from eventsys.services import accounts, exports
from eventsys.services import attendance as attendance_service
from eventsys.services import registrations as service
from eventsys.services.events import queries as event_queries
from eventsys.services.events.queries import may_see_event
from eventsys.services.registrations import queries
from eventsys.timeutil import local_midnight, local_today, utcnow
from eventsys.web.actions import perform
from eventsys.web.forms import EntryForm, TeamForm, keeps_input
from eventsys.web.util import (
    button_action,
    check_button,
    get_or_404,
    role_required,
    send_download,
    viewer,
)

bp = Blueprint("registrations", __name__)
# The most team-mates looked up in one entry when the event sets no largest roster.
ROSTER_MOST = 40


def _published_event(event_id: int) -> Event:
    event = get_or_404(Event, event_id)
    if not may_see_event(event, viewer()):
        abort(404)
    return event


def _checkin_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="eventsys-checkin")


# ---- participants -------------------------------------------------------------------------------


@bp.route("/events/<int:event_id>/register", methods=["GET", "POST"])
@keeps_input
@login_required
def register(event_id: int) -> Any:
    event = _published_event(event_id)
    if event.registration_mode == "team":
        return redirect(url_for("registrations.register_team", event_id=event_id))
    form = EntryForm()
    existing = _my_registration(event.id)
    if existing is not None:
        return redirect(url_for("registrations.mine_detail", registration_id=existing.id))
    if form.validate_on_submit():
        done = perform(lambda: _register_one(event, current_user, form), form=form)
        if done:
            return redirect(url_for("registrations.mine_detail", registration_id=done.value.id))
    return render_template(
        "registrations/register.html", event=event, form=form, left=service.places_left(event)
    ), 422 if form.errors else 200


def _my_registration(event_id: int) -> Registration | None:
    return queries.registration_of(event_id, current_user)


def _people_from_logins(
    text: str, field: str, tried: list[str] | None = None, most: int | None = None
) -> tuple[int, ...]:
    """Read a roster typed as login names or phone numbers, one per line or comma (noting each
    key looked up in *tried*; more than *most* keys are refused before any is looked up)."""
    ids: list[int] = []
    keys = normalise(text, multiline=True).replace("，", ",").replace("\n", ",").split(",")
    keys = [raw.strip() for raw in keys if raw.strip()]
    if most is not None and len(keys) > most:
        raise EventsysError(
            _("Please name at most %(count)d people here.", count=most), field=field
        )
    for key in keys:
        if tried is not None:
            tried.append(key)
        user = accounts.find_by_login_or_phone(key)
        user_id = user.id if user is not None else None
        if user_id is None:
            raise EventsysError(
                _("No member has the login name or phone number “%(key)s”.", key=key), field=field
            )
        ids.append(user_id)
    return tuple(ids)


def _team_mates_looked_up(event: Event, form: TeamForm) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Find the team-mates a member typed, within the sign-up limit on probing for names.

    A name or number that finds nobody tells the asker that it is free, so every such answer
    is counted per client address like a sign-up refused for a taken name (the same records
    and limit). Past the limit nobody is looked up at all, and no more names than a roster can
    hold are looked up in one go, so one answer tells at most that many names apart; a name
    that is found only invites its owner, who sees who asked. Staff are not limited."""
    limited = not current_user.is_organizer
    now = utcnow()
    if limited and accounts.probing_limit_reached(request.remote_addr, now=now):
        raise TooManyAttempts(
            _(
                "Too many unknown names were tried from here. Please wait %(minutes)d minutes, "
                "or call the centre and we will enter the team for you.",
                minutes=accounts.probing_window_minutes(),
            )
        )
    tried: list[str] = []
    players_most = (event.roster_max - 1) if event.roster_max else ROSTER_MOST
    try:
        return (
            _people_from_logins(form.players.data or "", "players", tried, max(players_most, 0)),
            _people_from_logins(
                form.substitutes.data or "", "substitutes", tried, event.substitutes_max
            ),
        )
    except EventsysError:
        if limited and tried:  # a name that found nobody (not a roster too long to look up)
            accounts.record_probe(request.remote_addr, now=now)
        raise


@bp.route("/events/<int:event_id>/teams/new", methods=["GET", "POST"])
@keeps_input
@login_required
def register_team(event_id: int) -> Any:
    event = _published_event(event_id)
    if event.registration_mode != "team":
        return redirect(url_for("registrations.register", event_id=event_id))
    form = TeamForm()
    if form.validate_on_submit():
        looked_up: list[bool] = []

        def enter() -> Registration:
            player_ids, substitute_ids = _team_mates_looked_up(event, form)
            looked_up.append(True)
            entry = service.TeamEntry(
                team_name=form.team_name.data,
                player_ids=player_ids,
                substitute_ids=substitute_ids,
                title=form.title.data,
                text=form.text.data,
            )
            return service.register_team(event, current_user, entry, by=current_user, now=utcnow())

        # A refused lookup keeps its counted probe (nothing else was written): it counts
        # towards the limit. A refused entry keeps nothing.
        done = perform(enter, form=form, keep_refused=lambda _refusal: not looked_up)
        if done:
            return redirect(url_for("registrations.mine_detail", registration_id=done.value.id))
        if not looked_up:
            status = 429 if isinstance(done.refusal, TooManyAttempts) else 422
            return render_template(
                "registrations/team.html", event=event, form=form, left=service.places_left(event)
            ), status
    return render_template(
        "registrations/team.html", event=event, form=form, left=service.places_left(event)
    ), 422 if form.errors else 200


@bp.route("/me/registrations")
@login_required
def mine() -> Any:
    rows = queries.registrations_of(current_user)
    # Cancelled registrations no longer have members: show the person's own cancelled ones too.
    cancelled = queries.ended_registrations_of(current_user, limit=20)
    notices = queries.unseen_notices_with_events(current_user)
    invitations = service.open_invitations(current_user)
    # A GET writes nothing: the notices stay until "I have read these" is pressed (a POST).
    return render_template(
        "registrations/mine.html",
        registrations=rows,
        cancelled=cancelled,
        notices=notices,
        invitations=invitations,
        notices_back="registrations",
    )


_NOTICES_BACK = {"registrations": "registrations.mine", "me": "me.profile"}


@bp.route("/me/notices/seen", methods=["POST"])
@login_required
def notices_seen() -> Any:
    """Mark as read the notices the person was shown (up to the newest one on their page: a
    notice that arrived since stays unread)."""
    upto = request.args.get("upto", type=int)
    if upto is None:
        abort(400)
    back = _NOTICES_BACK.get(request.args.get("back", ""), "registrations.mine")
    return button_action(
        lambda: service.mark_notices_seen(current_user, utcnow(), upto=upto),
        done=_("The notices are marked as read."),
        back=url_for(back),
    )


def _visible_registration(registration_id: int, *options: Any) -> Registration:
    registration = db.session.get(Registration, registration_id, options=options)
    if registration is None:
        abort(404)
    if not queries.may_see_registration(registration, viewer()):
        abort(404)  # not 403: do not confirm that the id exists
    return registration


@bp.route("/me/registrations/<int:registration_id>")
@login_required
def mine_detail(registration_id: int) -> Any:
    # The roster with its people: the page lists a team's members by name.
    registration = _visible_registration(
        registration_id, selectinload(Registration.members).selectinload(RegistrationMember.user)
    )
    token = _checkin_signer().dumps(registration.id)
    qr_url = url_for("registrations.scan", token=token, _external=True)
    import segno

    qr_svg = segno.make(qr_url, error="m").svg_inline(
        scale=6, dark="#1a1a1a", light="#ffffff", title=_("Check-in code")
    )
    event_cancelled = registration.shown_status == "event_cancelled"
    return render_template(
        "registrations/detail.html",
        registration=registration,
        position=service.queue_position(registration),
        can_cancel=not event_cancelled and service.can_cancel(registration, current_user, utcnow()),
        qr_svg=qr_svg,
        invitations=service.invitations_of(registration),
        can_leave=not event_cancelled
        and registration.captain_id != current_user.id
        and any(m.user_id == current_user.id for m in registration.members),
    )


@bp.route("/invitations/<int:invitation_id>/<answer>", methods=["POST"])
@login_required
def answer_invitation(invitation_id: int, answer: str) -> Any:
    """A named team-mate accepts or declines their place on a team."""
    if answer not in ("accept", "decline"):
        abort(404)
    if answer == "accept":
        return button_action(
            lambda: service.accept_invitation(invitation_id, by=current_user, now=utcnow()),
            done=_("You are on the team."),
            back=url_for("registrations.mine"),
        )
    return button_action(
        lambda: service.decline_invitation(invitation_id, by=current_user, now=utcnow()),
        done=_("You have declined the place on the team."),
        back=url_for("registrations.mine"),
    )


@bp.route("/registrations/<int:registration_id>/leave", methods=["POST"])
@login_required
def leave(registration_id: int) -> Any:
    """A team-mate takes themself off a team's roster (at any time)."""
    registration = _visible_registration(registration_id)
    return button_action(
        lambda: service.leave_team(registration, by=current_user, now=utcnow()),
        done=_("You have left the team."),
        back=url_for("registrations.mine"),
    )


@bp.route("/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(registration_id: int) -> Any:
    """Ask first (a place given up may go to the waiting list at once), then cancel."""

    registration = _visible_registration(registration_id)
    if request.method == "GET":
        if not service.can_cancel(registration, current_user, utcnow()):
            return redirect(url_for("registrations.mine_detail", registration_id=registration.id))
        return render_template("registrations/cancel.html", registration=registration)
    check_button()
    if perform(lambda: service.cancel(registration, by=current_user, now=utcnow())):
        flash(_("The registration is cancelled."), "success")
    if current_user.is_organizer and request.args.get("back") == "list":
        return redirect(url_for("registrations.manage_list", event_id=registration.event_id))
    return redirect(url_for("registrations.mine"))


# ---- organizers ---------------------------------------------------------------------------------


@bp.route("/manage/events/<int:event_id>/registrations", methods=["GET", "POST"])
@keeps_input
@role_required("organizer")
def manage_list(event_id: int) -> Any:
    event = get_or_404(Event, event_id)
    # Registering a member who phoned in: find them as at the door (name, pinyin, initials,
    # phone), then fill in the member's own form (title, text, team) on their behalf.
    search = normalise(request.args.get("q", ""))[:40]
    found = attendance_service.find_members(search) if search else []
    chosen_id = request.values.get("person", type=int)
    chosen = db.session.get(User, chosen_id) if chosen_id and 0 < chosen_id < 2**31 else None
    form: Any = (TeamForm if event.registration_mode == "team" else EntryForm)(prefix="behalf")
    if (
        chosen is not None
        and form.validate_on_submit()
        and perform(lambda: _register_on_behalf(event, chosen, form), form=form)
    ):
        flash(_("%(name)s is registered.", name=chosen.name), "success")
        return redirect(url_for("registrations.manage_list", event_id=event_id))
    rows = queries.registrations_for_event(event)
    groups: dict[str, list[Registration]] = {s: [] for s in REGISTRATION_STATUSES}
    for row in rows:
        groups[row.status].append(row)
    return render_template(
        "registrations/manage_list.html",
        event=event,
        groups=groups,
        form=form,
        q=search,
        found=found,
        chosen=chosen,
        unanswered=service.unanswered_per_registration(event)
        if event.registration_mode == "team"
        else {},
        taken=service.places_taken(event),
    ), 422 if form.errors else 200


def _register_one(event: Event, person: User, form: Any) -> Registration:
    """Register *person* (by the signed-in user) with the entry's title and text of *form*."""
    return service.register(
        event,
        person,
        by=current_user,
        now=utcnow(),
        title=form.title.data,
        text=form.text.data,
    )


def _register_on_behalf(event: Event, person: User, form: Any) -> Registration:
    if event.registration_mode != "team":
        return _register_one(event, person, form)
    entry = service.TeamEntry(
        team_name=form.team_name.data,
        player_ids=_people_from_logins(form.players.data or "", "players"),
        substitute_ids=_people_from_logins(form.substitutes.data or "", "substitutes"),
        title=form.title.data,
        text=form.text.data,
    )
    return service.register_team(event, person, entry, by=current_user, now=utcnow())


@bp.route("/manage/registrations/<int:registration_id>/<decision>", methods=["POST"])
@role_required("organizer")
def manage_decide(registration_id: int, decision: str) -> Any:

    registration = get_or_404(Registration, registration_id)
    if decision not in ("approve", "reject"):
        abort(404)
    return button_action(
        lambda: service.decide(registration, decision == "approve", by=current_user, now=utcnow()),
        done=_("Approved.") if decision == "approve" else _("Rejected."),
        back=url_for("registrations.manage_list", event_id=registration.event_id),
    )


# ---- at the door (issue 14: running count, walk-in guests, undo) ------------------------------

from eventsys.models import Attendance  # noqa: E402
from eventsys.web.forms import ActionForm, GuestForm  # noqa: E402
from eventsys.web.util import MAX_ID  # noqa: E402


def _door(event_id: int) -> tuple[Event, list[Occurrence], Occurrence]:
    """The event at the door, its sittings that take place, and the one chosen (or today's)."""
    event = get_or_404(Event, event_id)
    sittings = event_queries.sittings_held(event)
    if not sittings:
        abort(404)
    chosen = request.values.get("sitting", type=int)
    today_start = local_midnight(local_today())
    default = next((s for s in sittings if s.ends_at > today_start), sittings[-1])
    sitting = next((s for s in sittings if s.id == chosen), default)
    return event, sittings, sitting


def _checkin_page(
    event: Event,
    sittings: list[Occurrence],
    sitting: Occurrence,
    query: str,
    guest_form: GuestForm | None = None,
) -> Any:
    """The door page: who is expected and who came, with the running count and the guests."""
    takes_guests = event.registration_mode == "none" or event.walk_ins
    people = attendance_service.checkin_list(event, sitting, query)
    return render_template(
        "registrations/checkin.html",
        event=event,
        sittings=sittings,
        sitting=sitting,
        people=people,
        q=query,
        count=attendance_service.door_count(event, sitting),
        # Only open activities and events with walk-ins have guests: no query for the others.
        guests=attendance_service.guests(sitting, query) if takes_guests else [],
        guest_form=guest_form or GuestForm(formdata=None),
        takes_guests=takes_guests,
        action_form=ActionForm(),
    )


@bp.route("/manage/events/<int:event_id>/checkin/guest", methods=["POST"])
@keeps_input
@role_required("organizer")
def checkin_guest(event_id: int) -> Any:
    """A walk-in guest without an account: checked in by name and phone number."""
    event, sittings, sitting = _door(event_id)
    query = normalise(request.form.get("q", ""))[:40]
    form = GuestForm()
    if form.validate_on_submit():
        name = normalise(form.guest_name.data)
        if perform(
            lambda: attendance_service.check_in_guest(
                sitting, form.guest_name.data, form.guest_phone.data, by=current_user, now=utcnow()
            ),
            form=form,
        ):
            flash(_("%(name)s (guest) is checked in.", name=name), "success")
            return redirect(
                url_for("registrations.checkin", event_id=event.id, sitting=sitting.id, q=query)
            )
    return _checkin_page(event, sittings, sitting, query, guest_form=form), 422


@bp.route("/manage/events/<int:event_id>/checkin/undo", methods=["POST"])
@role_required("organizer")
def checkin_undo(event_id: int) -> Any:
    """Take back a mistaken check-in (the door list offers it next to each one)."""
    event = get_or_404(Event, event_id)
    check_button()
    wanted = request.form.get("attendance_id", type=int)
    attendance = db.session.get(Attendance, wanted) if wanted and 0 < wanted <= MAX_ID else None
    if attendance is None or attendance.event_id != event.id:
        flash(_("This check-in was already taken back."), "error")
        return redirect(url_for("registrations.checkin", event_id=event.id))
    back = url_for(
        "registrations.checkin",
        event_id=event.id,
        sitting=attendance.occurrence_id,
        q=normalise(request.form.get("q", ""))[:40],
    )
    name = attendance.person_name
    return button_action(
        lambda: attendance_service.undo_check_in(attendance, by=current_user),
        done=_("The check-in of %(name)s is taken back.", name=name),
        back=back,
    )


@bp.route("/manage/events/<int:event_id>/checkin", methods=["GET", "POST"])
@role_required("organizer")
def checkin(event_id: int) -> Any:
    event, sittings, sitting = _door(event_id)
    if request.method == "POST":
        check_button()
        person = get_or_404(User, request.form.get("user_id", type=int))
        method = "walk_in" if request.form.get("walk_in") else "list"
        if perform(
            lambda: service.check_in(sitting, person, by=current_user, method=method, now=utcnow())
        ):
            flash(_("%(name)s is checked in.", name=person.name), "success")
        return redirect(
            url_for(
                "registrations.checkin",
                event_id=event_id,
                sitting=sitting.id,
                q=request.form.get("q", ""),
            )
        )
    query = normalise(request.args.get("q", ""))[:40]
    return _checkin_page(event, sittings, sitting, query)


@bp.route("/checkin/<token>", methods=["GET", "POST"])
@login_required
def scan(token: str) -> Any:
    """Where a participant's QR code leads: staff confirm the check-in with one press; a member
    who scans their own code (or anyone else's) is told to show it to the staff instead."""
    try:
        registration_id = int(_checkin_signer().loads(token))
    except (BadSignature, ValueError, TypeError):
        abort(404)
    if not current_user.is_organizer:
        if request.method == "POST":
            abort(403)
        return render_template("registrations/scan_member.html")
    registration = get_or_404(Registration, registration_id)
    event = registration.event
    today_start = local_midnight(local_today())
    sitting = event_queries.next_sitting_held(event, since=today_start)
    if request.method == "POST" and sitting is not None:
        check_button()
        if perform(
            lambda: service.check_in_registration(
                sitting, registration, by=current_user, method="qr", now=utcnow()
            )
        ):
            flash(_("%(name)s is checked in.", name=registration.display_name), "success")
            return redirect(url_for("registrations.checkin", event_id=event.id, sitting=sitting.id))
    return render_template("registrations/scan.html", registration=registration, sitting=sitting)


def _statistics_period() -> tuple[date, date]:
    """Read the from/to days of the attendance statistics (400 for a bad or too long period)."""
    today = local_today()
    try:
        start = date.fromisoformat(
            request.args.get("from") or (today - timedelta(days=30)).isoformat()
        )
        end = date.fromisoformat(request.args.get("to") or today.isoformat())
    except ValueError:
        abort(400)
    if end < start or (end - start).days > 366 or start.year < 2000 or end.year > 2100:
        abort(400)
    return start, end


@bp.route("/manage/attendance")
@role_required("organizer")
def statistics() -> Any:
    start, end = _statistics_period()
    stats = attendance_service.statistics(
        local_midnight(start), local_midnight(end + timedelta(days=1))
    )
    return render_template("registrations/statistics.html", stats=stats, start=start, end=end)


@bp.route("/manage/attendance/export.<fmt>")
@role_required("organizer")
def statistics_export(fmt: str) -> Any:
    if fmt not in ("csv", "xlsx"):
        abort(404)
    start, end = _statistics_period()
    stats = attendance_service.statistics(
        local_midnight(start), local_midnight(end + timedelta(days=1))
    )
    filename = f"attendance-{start.isoformat()}-{end.isoformat()}.{fmt}"
    return send_download(
        exports.download(attendance_service.statistics_sheets(stats), fmt, filename)
    )


@bp.route("/manage/events/<int:event_id>/export/<what>.<fmt>")
@role_required("organizer")
def export(event_id: int, what: str, fmt: str) -> Any:
    event = get_or_404(Event, event_id)
    if what not in exports.TABLES or fmt not in ("csv", "xlsx"):
        abort(404)
    header, rows = exports.TABLES[what](event)
    filename = f"event-{event.id}-{what}.{fmt}"
    sheets = [(exports.sheet_titles()[what], header, rows)]
    return send_download(exports.download(sheets, fmt, filename))
