"""The tournaments pages: draw, bracket, standings, order of play, team pages, result entry."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import BooleanField, FormField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import TextInput

from eventsys.domain.standings import CRITERIA
from eventsys.errors import EventsysError
from eventsys.extensions import db
from eventsys.labels import (
    FORMAT_LABELS,
    OUTCOME_LABELS,
    TournamentLabels,
    criterion_label,
    sport_label,
    tournament_labels,
)
from eventsys.models import Event, Registration
from eventsys.models.tournaments import (
    SPORTS,
    Tournament,
    TournamentCourt,
    TournamentMatch,
    TournamentPool,
    TournamentReferee,
)
from eventsys.services import accounts
from eventsys.services import tournament_results as results
from eventsys.services import tournaments as service
from eventsys.services.registrations import queries as registration_queries
from eventsys.services.tournament_standings import (
    StandingLine,
    pool_table,
    tournament_tables,
)
from eventsys.services.tournaments import queries
from eventsys.timeutil import local_to_utc, to_local
from eventsys.web import caching
from eventsys.web.actions import perform
from eventsys.web.forms import (
    ActionForm,
    DataRequired,
    NormalisedDateTimeField,
    NormalisedIntegerField,
    NormalisingForm,
    RowList,
    coerce_optional_int,
    keeps_input,
    member_field,
    options,
)
from eventsys.web.util import (
    attach_error,
    button_action,
    check_button,
    get_or_404,
    role_required,
    viewer,
)

bp = Blueprint("tournaments", __name__, url_prefix="/tournaments")

MAX_GAMES = 7
CRITERIA_SLOTS = 5


@bp.app_template_filter("sport_label")
def _sport_label_filter(sport: str) -> str:
    return sport_label(sport)


@bp.app_template_global("tournament_labels")
def _tournament_labels(tournament: Tournament) -> TournamentLabels:
    """The words for *tournament*'s sides and places (players or teams, tables or courts)."""
    return tournament_labels(tournament.sport, tournament.event.registration_mode)


# ---- forms ---------------------------------------------------------------------------------------


class SettingsForm(NormalisingForm):
    sport = SelectField(_l("Sport"), choices=[])
    # The sport whose defaults the form was filled with (the script updates it when it swaps).
    defaults_for = HiddenField(_l("Defaults filled in for"))
    best_of = SelectField(
        _l("Table tennis: best of"),
        coerce=coerce_optional_int,
        validate_choice=False,
        choices=options([("", "—"), (3, "3"), (5, "5"), (7, "7")]),
        default=5,
    )
    race_to = NormalisedIntegerField(
        _l("Billiards: race to (frames)"), validators=[Optional(), NumberRange(min=1, max=50)]
    )
    points_win = NormalisedIntegerField(
        _l("Match points for a win"), validators=[Optional(), NumberRange(min=0, max=100)]
    )
    points_draw = NormalisedIntegerField(
        _l("Match points for a draw (empty: no draws)"),
        validators=[Optional(), NumberRange(min=0, max=100)],
    )
    points_loss = NormalisedIntegerField(
        _l("Match points for a loss"), validators=[Optional(), NumberRange(min=0, max=100)]
    )
    points_walkover_loss = NormalisedIntegerField(
        _l("Match points for losing by walkover"),
        validators=[Optional(), NumberRange(min=0, max=100)],
    )
    criterion_1 = SelectField(_l("Standings: first criterion"), choices=[], validate_choice=False)
    criterion_2 = SelectField(_l("then"), choices=[], validate_choice=False)
    criterion_3 = SelectField(_l("then"), choices=[], validate_choice=False)
    criterion_4 = SelectField(_l("then"), choices=[], validate_choice=False)
    criterion_5 = SelectField(_l("then"), choices=[], validate_choice=False)
    first_slot_at = NormalisedDateTimeField(_l("First match starts"), validators=[DataRequired()])
    slot_minutes = NormalisedIntegerField(
        _l("Minutes per match slot"), validators=[DataRequired(), NumberRange(min=5, max=600)]
    )
    min_rest_slots = NormalisedIntegerField(
        _l("Slots of rest between a team's matches"),
        validators=[Optional(), NumberRange(min=0, max=20)],
    )
    third_place_match = BooleanField(_l("Play a match for third place"))
    submit = SubmitField(_l("Save tournament"))


class DrawForm(NormalisingForm):
    format = SelectField(_l("Format"), choices=[])
    groups = NormalisedIntegerField(
        _l("Number of groups"), validators=[Optional(), NumberRange(min=1, max=64)]
    )
    qualifiers = NormalisedIntegerField(
        _l("Teams of each group going through"),
        validators=[Optional(), NumberRange(min=1, max=16)],
    )
    submit = SubmitField(_l("Make the draw"))


class CourtForm(NormalisingForm):
    name = StringField(_l("Court or table name"), validators=[DataRequired(), Length(max=60)])
    submit = SubmitField(_l("Add court"))


class RefereeForm(NormalisingForm):
    person = member_field(_l("Login name or phone number of the referee"))
    submit = SubmitField(_l("Appoint referee"))


class MoveForm(NormalisingForm):
    court_id = SelectField(_l("Court"), coerce=coerce_optional_int, choices=[])
    slot = SelectField(_l("Time"), coerce=coerce_optional_int, choices=[])
    version = HiddenField()
    submit = SubmitField(_l("Move match"))


class _ResultFormBase(NormalisingForm):
    outcome = SelectField(_l("How the match ended"), choices=[])
    winner_id = SelectField(_l("Walkover to"), coerce=coerce_optional_int, choices=[])
    retired_id = SelectField(_l("Who retired"), coerce=coerce_optional_int, choices=[])
    score_a = NormalisedIntegerField(validators=[Optional(), NumberRange(min=0, max=999)])
    score_b = NormalisedIntegerField(validators=[Optional(), NumberRange(min=0, max=999)])
    balls_a = StringField(validators=[Optional(), Length(max=40)])
    balls_b = StringField(validators=[Optional(), Length(max=40)])
    tiebreak_winner_id = SelectField(
        _l("Winner of the play-off or tie-break (only on a level score)"),
        coerce=coerce_optional_int,
        choices=[],
    )
    reason = StringField(_l("Reason for the correction"), validators=[Optional(), Length(max=200)])
    confirm = HiddenField()
    version = HiddenField()
    submit = SubmitField(_l("Save result"))


class _Row(NormalisingForm):
    """One row of a repeated part of a form: no CSRF token of its own (the form around has one)."""

    class Meta:
        csrf = False


class GameRow(_Row):
    """A table tennis game's points, one number a side (a game not played stays empty)."""

    a = NormalisedIntegerField(
        _l("Points of the first side"), validators=[Optional(), NumberRange(min=0, max=99)]
    )
    b = NormalisedIntegerField(
        _l("Points of the second side"), validators=[Optional(), NumberRange(min=0, max=99)]
    )


SEED_ERROR = _l("A seed is a whole number from 1.")


class SeedRow(_Row):
    registration_id = HiddenField(_l("Entry in the tournament"))
    seed = NormalisedIntegerField(
        _l("Seed"),
        invalid=SEED_ERROR,
        validators=[Optional(), NumberRange(min=1, max=999, message=SEED_ERROR)],
        widget=TextInput(),
    )


class EntriesForm(NormalisingForm):
    """Each confirmed entry's seed, empty for an entry that does not take part."""

    seeds = RowList(FormField(SeedRow, label=_l("Seed")), label=_l("Seeds"))


class LotRow(_Row):
    registration_id = HiddenField(_l("Tied team"))
    # A number that is not one counts as none: the tie's message says what is wanted.
    number = NormalisedIntegerField(_l("Number drawn"), widget=TextInput())


class LotForm(NormalisingForm):
    """The number each tied team drew, 1 taking the better place."""

    lots = RowList(FormField(LotRow, label=_l("Number drawn")), label=_l("Numbers drawn"))


def rows_by_registration(rows: RowList, wanted: list[int]) -> dict[int, Any]:
    """Each wanted registration's row, as posted or added empty; rows for others are left out."""
    found: dict[int, Any] = {}
    for row in rows:
        value = str(row.registration_id.data or "")
        if value.isascii() and value.isdigit() and len(value) <= 9:
            found[int(value)] = row
    for registration_id in wanted:
        if registration_id not in found:
            found[registration_id] = rows.append_entry({"registration_id": registration_id})
    return {registration_id: found[registration_id] for registration_id in wanted}


class ResultForm(_ResultFormBase):
    # Not "games": a refusal about the games (field="games") stays the message at the top.
    game_scores = RowList(
        FormField(GameRow, label=_l("Game")),
        label=_l("Points in each game"),
        min_entries=MAX_GAMES,
        max_entries=MAX_GAMES,
    )


# ---- helpers -------------------------------------------------------------------------------------


def _visible(tournament: Tournament) -> None:
    """404 for a tournament of an unpublished event, except for organizers."""
    if not queries.may_see_tournament(tournament, viewer()):
        abort(404)


def _load(tournament_id: int) -> Tournament:
    tournament = get_or_404(Tournament, tournament_id)
    _visible(tournament)
    return tournament


def _refused(form: Any, refusal: EventsysError) -> None:
    db.session.rollback()
    if form is None or not attach_error(form, refusal):
        flash(str(refusal), "error")


def _status(form: Any) -> int:
    return 422 if form.errors else 200


def _css() -> str:
    return url_for("static", filename="css/tournaments.css")


def _common(tournament: Tournament) -> dict[str, Any]:
    return {
        "tournament": tournament,
        "event": tournament.event,
        "names": service.team_names(tournament),
        "tournament_css": _css(),
        "can_enter": service.can_enter_results(
            current_user if current_user.is_authenticated else None, tournament
        ),
        "is_organizer": current_user.is_authenticated and current_user.is_organizer,
    }


def _bracket_rounds(matches: list[TournamentMatch]) -> list[tuple[int, list[TournamentMatch]]]:
    rounds: dict[int, list[TournamentMatch]] = {}
    for match in matches:
        rounds.setdefault(match.round_index, []).append(match)
    return [(index, sorted(rounds[index], key=lambda m: m.match_index)) for index in sorted(rounds)]


# What the live pages show (the pages and their stream, eventsys.web.streams, render the same).


def standings_context(tournament: Tournament) -> dict[str, Any]:
    return {
        "tables": tournament_tables(tournament),
        "criteria": [criterion_label(name) for name in tournament.criteria_list],
        **_common(tournament),
    }


def screen_context(tournament: Tournament, tables: Any = None) -> dict[str, Any]:
    return {
        "tables": tournament_tables(tournament) if tables is None else tables,
        "upcoming": [m for m in service.order_of_play(tournament) if not m.is_decided][:6],
        **_common(tournament),
    }


def schedule_context(tournament: Tournament) -> dict[str, Any]:
    return {"matches": service.order_of_play(tournament), **_common(tournament)}


# ---- public pages -------------------------------------------------------------------------------


@bp.route("/")
@caching.cached(caching.programme)
def index() -> Any:
    rows = queries.visible_tournaments(viewer(), limit=200)
    return render_template("tournaments/index.html", tournaments=rows, tournament_css=_css())


@bp.route("/<int:tournament_id>")
@caching.cached(caching.tournament_page)
def overview(tournament_id: int) -> Any:
    tournament = _load(tournament_id)
    matches = service.all_matches(tournament)
    tables = tournament_tables(tournament)
    return render_template(
        "tournaments/overview.html",
        tables=tables,
        matches=matches,
        action_form=ActionForm(),
        **_common(tournament),
    )


@bp.route("/<int:tournament_id>/bracket")
@caching.cached(caching.tournament_page)
def bracket(tournament_id: int) -> Any:
    tournament = _load(tournament_id)
    stages = [stage for stage in tournament.stages if stage.kind == "knockout"]
    matches = service.all_matches(tournament)
    brackets = [
        (stage, _bracket_rounds([m for m in matches if m.stage_id == stage.id])) for stage in stages
    ]
    return render_template("tournaments/bracket.html", brackets=brackets, **_common(tournament))


@bp.route("/<int:tournament_id>/standings")
@caching.cached(caching.tournament_page)
def standings(tournament_id: int) -> Any:
    tournament = _load(tournament_id)
    return render_template("tournaments/standings.html", **standings_context(tournament))


@bp.route("/<int:tournament_id>/screen")
@caching.cached(caching.tournament_page)
def screen(tournament_id: int) -> Any:
    tournament = _load(tournament_id)
    return render_template("tournaments/screen.html", **screen_context(tournament))


@bp.route("/<int:tournament_id>/schedule")
@caching.cached(caching.tournament_page)
def schedule(tournament_id: int) -> Any:
    tournament = _load(tournament_id)
    return render_template("tournaments/schedule.html", **schedule_context(tournament))


@bp.route("/<int:tournament_id>/teams/<int:registration_id>")
@caching.cached(caching.tournament_page)
def team(tournament_id: int, registration_id: int) -> Any:
    tournament = _load(tournament_id)
    if registration_id not in {entry.registration_id for entry in tournament.entries}:
        abort(404)
    registration = get_or_404(Registration, registration_id)
    matches = service.matches_of(tournament, registration_id)
    return render_template(
        "tournaments/team.html",
        registration=registration,
        matches=matches,
        next_match=service.next_match(matches),
        **_common(tournament),
    )


@bp.route("/my-team/<int:registration_id>")
@login_required
def my_team(registration_id: int) -> Any:
    """Send a team's captain or player to their team page: next match, court and time."""
    registration = get_or_404(Registration, registration_id)
    if not registration_queries.may_see_registration(registration, viewer()):
        abort(404)
    tournament = queries.tournament_for_event(registration.event_id)
    if tournament is not None and any(
        entry.registration_id == registration.id for entry in tournament.entries
    ):
        return redirect(
            url_for(
                "tournaments.team", tournament_id=tournament.id, registration_id=registration.id
            )
        )
    return render_template(
        "tournaments/my_team.html", registration=registration, tournament_css=_css()
    )


# ---- organizers: settings, entries, courts, referees, draw, schedule ----------------------------


def _settings_form(tournament: Tournament | None, event: Event) -> SettingsForm:
    form = SettingsForm()
    form.sport.choices = options([(sport, sport_label(sport)) for sport in SPORTS])
    criteria = options([("", _("— none —")), *((name, criterion_label(name)) for name in CRITERIA)])
    for number in range(1, CRITERIA_SLOTS + 1):
        getattr(form, f"criterion_{number}").choices = criteria
    if request.method != "POST":
        source = tournament
        if source is None:
            chosen = request.args.get("sport", "")
            sport = chosen if chosen in service.SPORT_DEFAULTS else "gateball"
            defaults = service.TournamentSettings.for_sport(sport)
            form.defaults_for.data = sport
            values: dict[str, Any] = {
                name: getattr(defaults, name) for name in service.SETTINGS_FIELDS
            }
            values["first_slot_at"] = event.starts_at
        else:
            values = {name: getattr(source, name) for name in service.SETTINGS_FIELDS}
            values["criteria"] = tuple(source.criteria_list)
            form.defaults_for.data = source.sport
        for name, value in values.items():
            if name == "criteria":
                for number in range(1, CRITERIA_SLOTS + 1):
                    getattr(form, f"criterion_{number}").data = (
                        value[number - 1] if number <= len(value) else ""
                    )
            elif name == "first_slot_at":
                form.first_slot_at.data = to_local(value).replace(tzinfo=None)
            elif hasattr(form, name):
                getattr(form, name).data = value
    return form


def _settings_data(form: SettingsForm) -> service.TournamentSettings:
    criteria = tuple(
        value
        for number in range(1, CRITERIA_SLOTS + 1)
        if (value := getattr(form, f"criterion_{number}").data)
    )

    def number(field: Any, default: int) -> int:
        return int(field.data) if field.data is not None else default

    chosen: dict[str, Any] = service.apply_sport_defaults(
        {
            "best_of": form.best_of.data,
            "race_to": form.race_to.data,
            "points_win": number(form.points_win, 2),
            "points_draw": form.points_draw.data,
            "points_loss": number(form.points_loss, 0),
            "points_walkover_loss": number(form.points_walkover_loss, 0),
            "criteria": criteria,
        },
        shown_for=form.defaults_for.data or form.sport.data,
        sport=form.sport.data,
    )
    return service.TournamentSettings(
        sport=form.sport.data,
        **chosen,
        min_rest_slots=number(form.min_rest_slots, 0),
        slot_minutes=number(form.slot_minutes, 30),
        first_slot_at=local_to_utc(form.first_slot_at.data),
        third_place_match=bool(form.third_place_match.data),
    )


def _sport_defaults_table() -> dict[str, dict[str, str]]:
    """Return each sport's defaults as the form's field values, for the script that swaps them."""
    table: dict[str, dict[str, str]] = {}
    for sport in service.SPORT_DEFAULTS:
        defaults = service.TournamentSettings.for_sport(sport)
        values = {
            name: "" if getattr(defaults, name) is None else str(getattr(defaults, name))
            for name in service.DEFAULTED_FIELDS
            if name != "criteria"
        }
        for number in range(1, CRITERIA_SLOTS + 1):
            criteria = defaults.criteria
            values[f"criterion_{number}"] = criteria[number - 1] if number <= len(criteria) else ""
        table[sport] = values
    return table


@bp.route("/new/<int:event_id>", methods=["GET", "POST"])
@keeps_input
@role_required("organizer")
def create(event_id: int) -> Any:
    event = get_or_404(Event, event_id)
    existing = queries.tournament_for_event(event.id)
    if existing is not None:
        return redirect(url_for("tournaments.overview", tournament_id=existing.id))
    form = _settings_form(None, event)
    if form.validate_on_submit():
        done = perform(
            lambda: service.create_tournament(event, _settings_data(form), actor=current_user),
            form=form,
        )
        if done:
            flash(_("The tournament is set up. Now enter the teams and their seeds."), "success")
            return redirect(url_for("tournaments.entries", tournament_id=done.value.id))
    return render_template(
        "tournaments/settings_form.html",
        form=form,
        event=event,
        tournament=None,
        tournament_css=_css(),
        sport_defaults=_sport_defaults_table(),
    ), _status(form)


@bp.route("/<int:tournament_id>/settings", methods=["GET", "POST"])
@keeps_input
@role_required("organizer")
def settings(tournament_id: int) -> Any:
    tournament = get_or_404(Tournament, tournament_id)
    form = _settings_form(tournament, tournament.event)
    if form.validate_on_submit():
        if perform(
            lambda: service.update_settings(tournament, _settings_data(form), actor=current_user),
            form=form,
        ):
            flash(_("The tournament settings are saved."), "success")
            return redirect(url_for("tournaments.manage", tournament_id=tournament.id))
        tournament = get_or_404(Tournament, tournament_id)
    return render_template(
        "tournaments/settings_form.html",
        form=form,
        event=tournament.event,
        tournament=tournament,
        tournament_css=_css(),
        sport_defaults=_sport_defaults_table(),
    ), _status(form)


@bp.route("/<int:tournament_id>/manage")
@role_required("organizer")
def manage(tournament_id: int) -> Any:
    tournament = get_or_404(Tournament, tournament_id)
    return render_template(
        "tournaments/manage.html",
        court_form=CourtForm(),
        referee_form=RefereeForm(),
        draw_form=_draw_form(),
        has_results=service.has_results(tournament),
        action_form=ActionForm(),
        format_labels=FORMAT_LABELS,
        **_common(tournament),
    )


@bp.route("/<int:tournament_id>/entries", methods=["GET", "POST"])
@role_required("organizer")
def entries(tournament_id: int) -> Any:
    tournament = get_or_404(Tournament, tournament_id)
    confirmed = registration_queries.confirmed_entries(tournament.event_id)
    current = {entry.registration_id: entry.seed for entry in tournament.entries}
    shown = [{"registration_id": r.id, "seed": current.get(r.id)} for r in confirmed]
    form = EntriesForm(data=None if request.method == "POST" else {"seeds": shown})
    rows = rows_by_registration(form.seeds, [registration.id for registration in confirmed])
    error: str | None = None
    if request.method == "POST":
        if not form.validate_on_submit():
            error = str(SEED_ERROR)  # the one error a row can have
        seeds = {key: row.seed.data for key, row in rows.items() if row.seed.data is not None}
        if error is None:
            done = perform(
                lambda: service.set_entries(tournament, seeds, actor=current_user), quiet=True
            )
            if done:
                flash(_("The teams and seeds are saved."), "success")
                return redirect(url_for("tournaments.manage", tournament_id=tournament_id))
            error = str(done.refusal)
    return render_template(
        "tournaments/entries.html",
        tournament=tournament,
        event=tournament.event,
        registrations=confirmed,
        rows=rows,
        form=form,
        error=error,
        tournament_css=_css(),
    ), (422 if error else 200)


@bp.route("/<int:tournament_id>/courts", methods=["POST"])
@role_required("organizer")
def court_add(tournament_id: int) -> Any:
    tournament = get_or_404(Tournament, tournament_id)
    form = CourtForm()
    if form.validate_on_submit():
        if perform(lambda: service.add_court(tournament, form.name.data, actor=current_user)):
            flash(_("The court is added."), "success")
    else:
        flash(_("Give the court a name."), "error")
    return redirect(url_for("tournaments.manage", tournament_id=tournament_id))


@bp.route("/courts/<int:court_id>/delete", methods=["POST"])
@role_required("organizer")
def court_delete(court_id: int) -> Any:
    court = get_or_404(TournamentCourt, court_id)
    return button_action(
        lambda: service.remove_court(court, actor=current_user),
        done=_("The court is removed."),
        back=url_for("tournaments.manage", tournament_id=court.tournament_id),
    )


@bp.route("/<int:tournament_id>/referees", methods=["POST"])
@role_required("organizer")
def referee_add(tournament_id: int) -> Any:
    tournament = get_or_404(Tournament, tournament_id)
    form = RefereeForm()
    if form.validate_on_submit():
        # Found as sign-in finds people: any case, the phone number however it is written.
        person = accounts.find_by_login_or_phone(form.person.data)
        if person is None:
            flash(_("Nobody has that login name or phone number."), "error")
        else:
            if perform(lambda: service.appoint_referee(tournament, person, actor=current_user)):
                flash(_("%(name)s can now enter results.", name=person.name), "success")
    else:
        flash(_("Give the referee's login name or phone number."), "error")
    return redirect(url_for("tournaments.manage", tournament_id=tournament_id))


@bp.route("/referees/<int:referee_id>/delete", methods=["POST"])
@role_required("organizer")
def referee_delete(referee_id: int) -> Any:
    referee = get_or_404(TournamentReferee, referee_id)
    tournament_id = referee.tournament_id
    check_button()
    if perform(lambda: service.remove_referee(referee, actor=current_user)):
        flash(_("The referee is removed."), "success")
    return redirect(url_for("tournaments.manage", tournament_id=tournament_id))


def _draw_form() -> DrawForm:
    form = DrawForm()
    form.format.choices = options(list(FORMAT_LABELS.items()))
    return form


@bp.route("/<int:tournament_id>/draw", methods=["POST"])
@role_required("organizer")
def draw(tournament_id: int) -> Any:
    tournament = get_or_404(Tournament, tournament_id)
    form = _draw_form()
    if form.validate_on_submit():
        if perform(
            lambda: service.make_draw(
                tournament,
                form.format.data,
                groups=form.groups.data,
                qualifiers=form.qualifiers.data,
                actor=current_user,
            )
        ):
            flash(_("The draw is made."), "success")
            return redirect(url_for("tournaments.overview", tournament_id=tournament_id))
    else:
        flash(
            _(
                "Please check the draw settings: %(errors)s",
                errors="; ".join(str(e) for errs in form.errors.values() for e in errs),
            ),
            "error",
        )
    return redirect(url_for("tournaments.manage", tournament_id=tournament_id))


@bp.route("/<int:tournament_id>/draw/delete", methods=["POST"])
@role_required("organizer")
def draw_delete(tournament_id: int) -> Any:
    tournament = get_or_404(Tournament, tournament_id)
    return button_action(
        lambda: service.delete_draw(tournament, actor=current_user),
        done=_("The draw is deleted."),
        back=url_for("tournaments.manage", tournament_id=tournament_id),
    )


@bp.route("/<int:tournament_id>/schedule/make", methods=["POST"])
@role_required("organizer")
def schedule_make(tournament_id: int) -> Any:
    tournament = get_or_404(Tournament, tournament_id)
    check_button()
    done = perform(lambda: service.make_schedule(tournament, actor=current_user))
    if not done:
        return redirect(url_for("tournaments.manage", tournament_id=tournament_id))
    flash(_("The order of play is made: %(count)d time slots.", count=done.value), "success")
    return redirect(url_for("tournaments.schedule", tournament_id=tournament_id))


# ---- drawing lots -------------------------------------------------------------------------------


def _lot_values(blocks: list[list[StandingLine]], pool: TournamentPool) -> dict[int, int | None]:
    """Return each tied team's drawn number within its tie (1 first), None where none is drawn."""
    lots = {member.registration_id: member.lot for member in pool.members}
    values: dict[int, int | None] = {}
    for block in blocks:
        drawn = [lots.get(line.registration_id) for line in block]
        if any(lot is None for lot in drawn):
            values.update(dict.fromkeys((line.registration_id for line in block), None))
            continue
        ranked = sorted(block, key=lambda line: lots[line.registration_id] or 0)
        values.update({line.registration_id: n for n, line in enumerate(ranked, start=1)})
    return values


def _whole_number(raw: str) -> int | None:
    """The whole number typed, or None. Not isdigit() and int(): int() fails (a server error) on
    digits isdigit() lets through ("²", "①") and on more than 4300 digits."""
    return int(raw) if raw.isdecimal() and len(raw) <= 9 else None


def _read_lots(blocks: list[list[StandingLine]], values: dict[int, int | None]) -> list[int]:
    """Read the numbers typed for each tie into one order; raise EventsysError if one is wrong."""
    order: list[int] = []
    for block in blocks:
        numbers: dict[int, int] = {}
        for line in block:
            number = values[line.registration_id]
            if number is not None:
                numbers[line.registration_id] = number
        if sorted(numbers.values()) != list(range(1, len(block) + 1)) or len(numbers) != len(block):
            raise EventsysError(
                _(
                    "For the teams tied in place %(place)d, give the numbers 1 to %(count)d "
                    "as drawn, each once.",
                    place=block[0].place,
                    count=len(block),
                )
            )
        order.extend(sorted(numbers, key=lambda team: numbers[team]))
    return order


@bp.route("/pools/<int:pool_id>/lot", methods=["GET", "POST"])
@role_required("organizer")
def lot(pool_id: int) -> Any:
    pool = get_or_404(TournamentPool, pool_id)
    tournament = pool.stage.tournament
    matches = queries.pool_matches(pool)
    blocks = pool_table(tournament, pool, matches, use_lots=False).tied_blocks()
    values = _lot_values(blocks, pool)
    shown = [{"registration_id": key, "number": number} for key, number in values.items()]
    form = LotForm(data=None if request.method == "POST" else {"lots": shown})
    rows = rows_by_registration(form.lots, list(values))
    error: str | None = None
    if request.method == "POST":
        form.validate_on_submit()  # a number that is not one counts as none (see _read_lots)
        values = {key: row.number.data for key, row in rows.items()}
        if not blocks:
            flash(_("No tie in this group needs a lot."), "error")
            return redirect(url_for("tournaments.standings", tournament_id=tournament.id))
        done = perform(
            lambda: results.set_lots(pool, _read_lots(blocks, values), actor=current_user),
            quiet=True,
        )
        if not done:
            error = str(done.refusal)
        else:
            flash(_("The lot is recorded: the standings show the order it decided."), "success")
            return redirect(url_for("tournaments.standings", tournament_id=tournament.id))
    return render_template(
        "tournaments/lot_form.html",
        pool=pool,
        blocks=blocks,
        rows=rows,
        form=form,
        error=error,
        **_common(tournament),
    ), (422 if error else 200)


# ---- matches: result and move -------------------------------------------------------------------


def _side_choices(match: TournamentMatch, names: dict[int, str]) -> list[Any]:
    return options(
        [("", _("— choose —"))]
        + [(side, names.get(side, "")) for side in match.sides if side is not None]
    )


def _parse_balls(text: str | None) -> tuple[int, ...] | None:
    if not text or not text.strip():
        return None
    parts = text.replace(",", " ").replace("，", " ").replace("、", " ").split()
    if not all(_whole_number(part) is not None for part in parts):
        raise EventsysError(_("Write each ball's points as numbers, like 5 3 0 1 2."))
    return tuple(int(part) for part in parts)


@bp.route("/matches/<int:match_id>/result", methods=["GET", "POST"])
@keeps_input
@login_required
def result(match_id: int) -> Any:
    match = get_or_404(TournamentMatch, match_id)
    tournament = db.session.get(Tournament, match.tournament_id)
    if not service.can_enter_results(current_user, tournament):
        abort(403)
    names = service.team_names(tournament)
    form = ResultForm()
    outcomes = ["played", "walkover"] + (["retired"] if tournament.sport == "table_tennis" else [])
    form.outcome.choices = options([(o, str(OUTCOME_LABELS[o])) for o in outcomes])
    for name in ("winner_id", "retired_id", "tiebreak_winner_id"):
        getattr(form, name).choices = _side_choices(match, names)
    needs_confirm: list[TournamentMatch] = []
    refused = False
    if request.method != "POST":
        form.version.data = str(match.version)
        if match.status in ("played", "walkover"):
            form.outcome.data = match.status
            form.score_a.data, form.score_b.data = match.score_a, match.score_b
            detail = match.detail or {}
            if detail.get("retired"):
                form.outcome.data = "retired"
                form.retired_id.data = getattr(match, f"side_{detail['retired']}_id")
            if match.status == "walkover":
                form.winner_id.data = match.winner_id
            for row, game in zip(form.game_scores, detail.get("games", []), strict=False):
                row.a.data, row.b.data = game
            for side in ("a", "b"):
                if detail.get(f"balls_{side}"):
                    getattr(form, f"balls_{side}").data = " ".join(
                        str(v) for v in detail[f"balls_{side}"]
                    )
    elif form.validate_on_submit():
        try:
            games = []
            for number, row in enumerate(form.game_scores, start=1):
                a, b = row.a.data, row.b.data
                if a is None and b is None:
                    continue
                if a is None or b is None:
                    raise EventsysError(
                        _("Game %(number)d: give both scores.", number=number), field="outcome"
                    )
                games.append((a, b))
            data = results.ResultInput(
                outcome=form.outcome.data,
                winner_id=form.winner_id.data,
                retired_id=form.retired_id.data,
                games=tuple(games),
                score_a=form.score_a.data,
                score_b=form.score_b.data,
                balls_a=_parse_balls(form.balls_a.data),
                balls_b=_parse_balls(form.balls_b.data),
                tiebreak_winner_id=form.tiebreak_winner_id.data,
            )
            version = _whole_number(form.version.data or "")
            done = perform(
                lambda: results.record_result(
                    match,
                    data,
                    actor=current_user,
                    expected_version=version,
                    confirm=form.confirm.data == "1",
                    reason=form.reason.data or "",
                ),
                quiet=True,
            )
            if done.refusal is not None:
                raise done.refusal  # rolled back; shown below as a refusal of the form is
        except results.NeedsConfirmation as warning:
            db.session.rollback()
            match = get_or_404(TournamentMatch, match_id)
            needs_confirm = warning.matches or [match]
            flash(str(warning), "error")
        except EventsysError as refusal:
            _refused(form, refusal)
            refused = True
            match = get_or_404(TournamentMatch, match_id)
        else:
            outcome = done.value
            message = _("The result is saved.")
            if outcome.cleared:
                message += " " + _(
                    "%(count)d later results were cleared and must be entered again.",
                    count=len(outcome.cleared),
                )
            flash(message, "success")
            return redirect(url_for("tournaments.overview", tournament_id=tournament.id))
    status = 409 if needs_confirm else (422 if refused else _status(form))
    return render_template(
        "tournaments/result_form.html",
        form=form,
        match=match,
        label=service.match_label(match, names),
        needs_confirm=bool(needs_confirm),
        games=range(1, (tournament.best_of or 5) + 1),
        **_common(tournament),
    ), status


@bp.route("/matches/<int:match_id>/move", methods=["GET", "POST"])
@keeps_input
@role_required("organizer")
def move(match_id: int) -> Any:
    match = get_or_404(TournamentMatch, match_id)
    tournament = db.session.get(Tournament, match.tournament_id)
    names = service.team_names(tournament)
    form = MoveForm()
    form.court_id.choices = options([(court.id, court.name) for court in tournament.courts])
    form.court_id.label.text = _tournament_labels(tournament).place
    last = max((m.slot or 0 for m in service.all_matches(tournament)), default=0)
    form.slot.choices = options(
        [
            (slot, to_local(service.slot_start(tournament, slot)).strftime("%Y-%m-%d %H:%M"))
            for slot in range(0, last + 6)
        ]
    )
    if request.method != "POST":
        form.court_id.data, form.slot.data = match.court_id, match.slot
        form.version.data = str(match.version)
    elif form.validate_on_submit():
        version = _whole_number(form.version.data or "")
        if perform(
            lambda: service.move_match(
                match,
                court_id=form.court_id.data,
                slot=form.slot.data,
                actor=current_user,
                expected_version=version,
            ),
            form=form,
        ):
            flash(_("The match is moved."), "success")
            return redirect(url_for("tournaments.schedule", tournament_id=tournament.id))
        match = get_or_404(TournamentMatch, match_id)
    return render_template(
        "tournaments/move_form.html",
        form=form,
        match=match,
        label=service.match_label(match, names),
        **_common(tournament),
    ), _status(form)
