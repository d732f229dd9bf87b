"""The contests pages: set-up, the judges' panel, score sheets, results, scoreboard, exports.

Organizers set up and publish (/contests/...), judges mark (/judging/...), everybody reads
published results and the hall's scoreboard. In blind contests nothing a judge is shown names
an entrant or an organisation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import partial
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
)
from wtforms.validators import Length, NumberRange, Optional

from eventsys.domain import scoring
from eventsys.domain.text import letters, normalise, normalise_number
from eventsys.errors import EventsysError
from eventsys.extensions import db
from eventsys.labels import (
    AGGREGATION_LABELS,
    BASIS_LABELS,
    ORDER_LABELS,
    PRIZE_MODE_LABELS,
    RUNNING_RESULTS_LABELS,
    SHEET_STATUS_LABELS,
    SKATING_RULES,
    TIE_POLICY_LABELS,
    TIEBREAK_LABELS,
)
from eventsys.models import Event
from eventsys.models.contests import JUDGED_KINDS, Contest
from eventsys.services import contests as contest_service
from eventsys.services import exports, judging, results
from eventsys.services.accounts import queries as account_queries
from eventsys.services.contests.queries import may_see_contest
from eventsys.timeutil import to_local
from eventsys.web import caching
from eventsys.web.actions import perform
from eventsys.web.forms import (
    ActionForm,
    MultiCheckboxField,
    NormalisedIntegerField,
    NormalisingForm,
    keeps_input,
    options,
)
from eventsys.web.util import (
    attach_error,
    button_action,
    get_or_404,
    role_required,
    send_download,
    viewer,
)

bp = Blueprint("contests", __name__)

# Rows of the set-up form: the rows kept plus this many empty ones to fill in; "Add a row"
# (a submit button, no script needed) gives one more.
EMPTY_ROWS = 2
MAX_ROWS = 30
TIEBREAK_ROWS = 3


class _Row(Form):  # type: ignore[misc]
    """One row of criteria or prizes (part of the CSRF-protected set-up form)."""

    class Meta:
        bind_field = NormalisingForm.Meta.bind_field


class CriterionRow(_Row):
    name = StringField(_l("Criterion"), validators=[Optional(), Length(max=60)])
    max_mark = StringField(_l("Highest mark"), validators=[Optional(), Length(max=20)])
    weight = StringField(_l("Weight"), validators=[Optional(), Length(max=20)])


class TierRow(_Row):
    name = StringField(_l("Prize"), validators=[Optional(), Length(max=40)])
    amount = StringField(
        _l("Winners, share (%) or minimum score"), validators=[Optional(), Length(max=20)]
    )
    points = StringField(_l("Points for the organisation"), validators=[Optional(), Length(max=20)])


class SetupForm(NormalisingForm):
    # The hall's screen before publication (its own block on the page: _hall_screen_setup.html).
    # Optional: a form sent without it (an older page) keeps the setting.
    running_results = SelectField(
        _l("Running results on the hall screen"), choices=[], validators=[Optional()]
    )

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            # Lists of rows take no filters; their rows normalise their own inputs (_Row).
            if unbound_field.field_class in (FieldList, FormField):
                return unbound_field.bind(form=form, **options)
            return NormalisingForm.Meta.bind_field(self, form, unbound_field, options)

    aggregation = SelectField(_l("How marks are combined"), choices=[])
    weighting_order = SelectField(_l("Order of weighting and trimming"), choices=[])
    drop_highest = NormalisedIntegerField(
        _l("Highest marks dropped"), default=1, validators=[Optional(), NumberRange(0, 5)]
    )
    drop_lowest = NormalisedIntegerField(
        _l("Lowest marks dropped"), default=1, validators=[Optional(), NumberRange(0, 5)]
    )
    decimals = NormalisedIntegerField(
        _l("Decimals shown (rounded half up)"),
        default=2,
        validators=[Optional(), NumberRange(0, 4)],
    )
    rank_on_rounded = BooleanField(_l("Rank on the rounded score"), default=True)
    criteria = FieldList(
        FormField(CriterionRow, _l("Criterion")),
        _l("Criteria"),
        min_entries=1,
        max_entries=MAX_ROWS,
    )
    tiebreaks = FieldList(
        SelectField(_l("Tie-break"), choices=[], default=""),
        _l("Tie-breaks"),
        min_entries=TIEBREAK_ROWS,
        max_entries=MAX_ROWS,
    )
    prize_mode = SelectField(_l("How prizes are given"), choices=[])
    tie_policy = SelectField(_l("Ties at a prize boundary"), choices=[])
    tiers = FieldList(
        FormField(TierRow, _l("Prize")), _l("Prizes"), min_entries=1, max_entries=MAX_ROWS
    )
    org_points_basis = SelectField(_l("Organisation totals count"), choices=[])
    place_points = StringField(
        _l("Points for 1st, 2nd, 3rd... place"), validators=[Optional(), Length(max=200)]
    )
    dances = StringField(
        _l("Dances of the final (Skating System), separated by commas"),
        validators=[Optional(), Length(max=200)],
    )
    blind = BooleanField(_l("Blind judging: judges see entry codes, never names"))


class PanelForm(NormalisingForm):
    # No Optional(): it would clear the "not a valid choice" error when the first value is blank
    # (judges=""), and int("") then failed with a server error. An empty panel is still allowed.
    judges = MultiCheckboxField(_l("Judges"), choices=[])


class SheetForm(NormalisingForm):
    version = HiddenField()


def _status(form: Any) -> int:
    return 422 if form.errors else 200


def _contest_or_404(contest_id: int) -> Contest:
    contest: Contest = get_or_404(Contest, contest_id)
    return contest


def _pairs(labels: dict[str, Any]) -> list[Any]:
    return options([(key, str(label)) for key, label in labels.items()])


# ---- set-up (organizers) -----------------------------------------------------------------


def _split_line(line: str) -> list[str]:
    return [part.strip() for part in normalise(line.replace("，", ",")).split(",")]


def _decimal(text: str, field_name: str) -> Decimal:
    try:
        value = Decimal(normalise_number(text).rstrip("%"))
    except InvalidOperation:
        raise EventsysError(_("“%(text)s” is not a number.", text=text), field=field_name) from None
    if not value.is_finite():
        raise EventsysError(_("“%(text)s” is not a number.", text=text), field=field_name)
    return value


def _number(field: Any, high: Decimal | int, places: int, *, default: str = "") -> Decimal | None:
    """Read a row's number, putting a refusal next to its own input (None if refused)."""
    text = normalise_number(field.data or default).rstrip("%").strip()
    try:
        value = _decimal(text, "") if text else None
    except EventsysError as refusal:
        field.errors = [*field.errors, str(refusal)]
        return None
    if value is None:
        field.errors = [*field.errors, _("Give a number here.")]
        return None
    if not contest_service.within(value, Decimal(high), places):
        field.errors = [
            *field.errors,
            str(contest_service.out_of_range(_("This number"), high, places, "")),
        ]
        return None
    return value


def _filled(rows: Any) -> list[Any]:
    """The rows with anything typed in them (empty rows are left out)."""
    return [row.form for row in rows if any((f.data or "").strip() for f in row.form)]


def _criteria(form: SetupForm) -> tuple[contest_service.CriterionData, ...]:
    rows = []
    for row in _filled(form.criteria):
        if not (row.name.data or "").strip():
            row.name.errors = [*row.name.errors, _("Every criterion needs a name.")]
        high = _number(row.max_mark, Decimal("99999.99"), contest_service.MAX_MARK_DIGITS)
        weight = _number(
            row.weight, contest_service.MAX_WEIGHT, contest_service.WEIGHT_PLACES, default="1"
        )
        if high is not None and weight is not None and row.name.data:
            rows.append(contest_service.CriterionData(row.name.data.strip(), high, weight=weight))
    return tuple(rows)


def _tiers(form: SetupForm) -> tuple[contest_service.TierData, ...]:
    mode = form.prize_mode.data
    rows = []
    for row in _filled(form.tiers):
        if not (row.name.data or "").strip():
            row.name.errors = [*row.name.errors, _("Every prize needs a name.")]
        points = _number(
            row.points, contest_service.MAX_POINTS, contest_service.POINTS_PLACES, default="0"
        )
        if mode == "share":
            amount = _number(row.amount, 100, 2)
        elif mode == "threshold":
            amount = _number(
                row.amount, contest_service.MAX_THRESHOLD, contest_service.THRESHOLD_PLACES
            )
        else:
            amount = _number(row.amount, contest_service.MAX_QUOTA, 0)
        if amount is None or points is None or not row.name.data:
            continue
        name = row.name.data.strip()
        if mode == "share":
            rows.append(contest_service.TierData(name, points, share=amount / 100))
        elif mode == "threshold":
            rows.append(contest_service.TierData(name, points, threshold=amount))
        else:
            rows.append(contest_service.TierData(name, points, quota=int(amount)))
    return tuple(rows)


class RowErrors(EventsysError):
    """Some rows of the set-up form are wrong; each message stands next to its input."""


def _settings(form: SetupForm) -> contest_service.ContestSettings:
    place_points = tuple(
        _decimal(part, "place_points") for part in _split_line(form.place_points.data or "") if part
    )
    criteria = _criteria(form)
    tiers = _tiers(form)
    if any(row.form.errors for row in [*form.criteria, *form.tiers]):
        raise RowErrors(_("Please correct the rows marked below."))
    return contest_service.ContestSettings(
        aggregation=form.aggregation.data,
        weighting_order=form.weighting_order.data,
        drop_highest=form.drop_highest.data if form.drop_highest.data is not None else 0,
        drop_lowest=form.drop_lowest.data if form.drop_lowest.data is not None else 0,
        decimals=form.decimals.data if form.decimals.data is not None else 2,
        rank_on_rounded=bool(form.rank_on_rounded.data),
        tiebreaks=tuple(entry.data for entry in form.tiebreaks if entry.data),
        prize_mode=form.prize_mode.data,
        tie_policy=form.tie_policy.data,
        org_points_basis=form.org_points_basis.data,
        place_points=place_points,
        dances=tuple(part for part in _split_line(form.dances.data or "") if part),
        blind=bool(form.blind.data),
        criteria=criteria,
        tiers=tiers,
    )


def _tiebreak_choices(form: SetupForm) -> None:
    """Offer the named tie-breaks: each criterion's own score (by the rows typed), then the
    generic ones, in words."""
    names = [
        row.name.data.strip() for row in _filled(form.criteria) if (row.name.data or "").strip()
    ]
    choices = [("", _("(none)"))]
    choices += [
        (f"criterion:{n}", _("higher score for %(name)s", name=name))
        for n, name in enumerate(names, start=1)
    ]
    choices += [(key, str(TIEBREAK_LABELS[key])) for key in contest_service.GENERIC_TIEBREAKS]
    for number, entry in enumerate(form.tiebreaks, start=1):
        entry.choices = options(choices)
        entry.label.text = _("Tie-break %(n)s", n=number)


def _pad(rows: Any, count: int) -> None:
    while len(rows) < min(count, MAX_ROWS):
        rows.append_entry()


def _fill(form: SetupForm, contest: Contest) -> None:
    for name in (*contest_service.PLAIN_RULES, "blind"):
        getattr(form, name).data = getattr(contest, name)
    form.place_points.data = ", ".join(p for p in contest.place_points.split(",") if p)
    form.dances.data = ", ".join(contest.dance_list)

    def amount(tier: Any) -> str:
        if contest.prize_mode == "share" and tier.share is not None:
            return judging._plain(tier.share * 100)
        if contest.prize_mode == "threshold" and tier.threshold is not None:
            return judging._plain(tier.threshold)
        return str(tier.quota or 0)

    _fill_rows(
        form,
        [(c.name, judging._plain(c.max_mark), judging._plain(c.weight)) for c in contest.criteria],
        [(t.name, amount(t), judging._plain(t.points)) for t in contest.tiers],
        contest.tiebreak_list,
    )


def _running_results_code(contest: Contest | None) -> str:
    return "hidden" if contest is not None and not contest.show_running_results else "shown"


def _running_choice(form: SetupForm, contest: Contest | None) -> bool | None:
    """The hall screen's setting if the organizer changed it, else None (the service decides:
    choosing blind judging hides the running results)."""
    chosen = form.running_results.data
    if chosen not in RUNNING_RESULTS_LABELS or chosen == _running_results_code(contest):
        return None
    return chosen == "shown"


def _fill_rows(
    form: SetupForm,
    criteria: list[tuple[str, str, str]],
    tiers: list[tuple[str, str, str]],
    tiebreaks: list[str],
) -> None:
    for rows, values, names in (
        (form.criteria, criteria, ("name", "max_mark", "weight")),
        (form.tiers, tiers, ("name", "amount", "points")),
    ):
        while len(rows):
            rows.pop_entry()
        for row_values in values:
            row = rows.append_entry()
            for name, value in zip(names, row_values, strict=True):
                getattr(row.form, name).data = value
        _pad(rows, len(values) + EMPTY_ROWS)
    while len(form.tiebreaks):
        form.tiebreaks.pop_entry()
    for key in tiebreaks:
        form.tiebreaks.append_entry(key)
    _pad(form.tiebreaks, max(TIEBREAK_ROWS, len(tiebreaks) + 1))


def _row_buttons(form: SetupForm) -> bool:
    """Handle "add a row" and "remove this row" (submit buttons): True if one was pressed."""
    for name, rows in (("criteria", form.criteria), ("tiers", form.tiers)):
        if f"add_{name}" in request.form:
            _pad(rows, len(rows) + 1)
            return True
        removed = request.form.get(f"remove_{name}")
        if removed is not None:
            keep = [
                {field.short_name: field.data for field in row.form}
                for index, row in enumerate(rows)
                if str(index) != removed
            ]
            while len(rows):
                rows.pop_entry()
            for values in keep:
                rows.append_entry(values)
            _pad(rows, 1)
            return True
    return False


@bp.route("/contests/events/<int:event_id>/setup", methods=["GET", "POST"])
@keeps_input
@role_required("organizer")
def setup(event_id: int) -> Any:
    event: Event = get_or_404(Event, event_id)
    if event.kind not in JUDGED_KINDS:
        abort(404)
    contest = contest_service.contest_for_event(event)
    form = SetupForm()
    form.aggregation.choices = _pairs(AGGREGATION_LABELS)
    form.weighting_order.choices = _pairs(ORDER_LABELS)
    form.prize_mode.choices = _pairs(PRIZE_MODE_LABELS)
    form.tie_policy.choices = _pairs(TIE_POLICY_LABELS)
    form.org_points_basis.choices = _pairs(BASIS_LABELS)
    form.running_results.choices = _pairs(RUNNING_RESULTS_LABELS)
    if request.method == "GET":
        form.running_results.data = _running_results_code(contest)
        if contest is not None:
            _fill(form, contest)
        else:
            _fill_rows(
                form,
                [
                    ("立意", "30", "1"),
                    ("格律", "30", "1"),
                    ("语言", "20", "1"),
                    ("意境", "20", "1"),
                ],
                [
                    ("一等奖", "3", "7"),
                    ("二等奖", "6", "5"),
                    ("三等奖", "7", "3"),
                    ("优秀奖", "8", "1"),
                ],
                [],
            )
    # "Add a row" and "remove this row" only change the form (the token was checked for every
    # POST by CSRFProtect): nothing is validated or saved.
    rows_changed = request.method == "POST" and _row_buttons(form)
    _tiebreak_choices(form)
    if not rows_changed and form.validate_on_submit():

        def set_up() -> Contest:
            settings = replace(_settings(form), show_running_results=_running_choice(form, contest))
            return contest_service.set_up_contest(event, settings, actor=current_user)

        done = perform(set_up, form=form, quiet=True)
        if done:
            flash(_("The contest is saved."), "success")
            return redirect(url_for("contests.overview", contest_id=done.value.id))
        if isinstance(done.refusal, RowErrors):
            for rows in (form.criteria, form.tiers):
                if any(row.form.errors for row in rows):
                    rows.errors = [*rows.errors, str(done.refusal)]
        elif done.refusal is not None and not attach_error(form, done.refusal):
            flash(str(done.refusal), "error")
        contest = contest_service.contest_for_event(db.session.get(Event, event_id))
    return render_template(
        "contests/setup.html",
        form=form,
        event=db.session.get(Event, event_id),
        contest=contest,
        limits={
            "weight": contest_service.MAX_WEIGHT,
            "points": contest_service.MAX_POINTS,
            "threshold": contest_service.MAX_THRESHOLD,
            "quota": contest_service.MAX_QUOTA,
        },
    ), _status(form)


@bp.route("/contests/<int:contest_id>")
@role_required("organizer")
def overview(contest_id: int) -> Any:
    contest = _contest_or_404(contest_id)
    outcome = results.stored(contest)
    return render_template(
        "contests/overview.html",
        contest=contest,
        results=outcome,
        action_form=ActionForm(),
        aggregation_label=AGGREGATION_LABELS.get(contest.aggregation, ""),
    )


@bp.route("/contests/<int:contest_id>/panel", methods=["GET", "POST"])
@keeps_input
@role_required("organizer")
def panel(contest_id: int) -> Any:
    contest = _contest_or_404(contest_id)
    judges = account_queries.active_judges()
    form = PanelForm()
    form.judges.choices = options(
        [
            (
                str(j.id),
                f"{j.name}" + (f"（{j.organisation.name}）" if j.organisation else ""),
            )
            for j in judges
        ]
    )
    if request.method == "GET":
        form.judges.data = [str(a.judge_id) for a in contest.panel]
    if form.validate_on_submit():
        if perform(
            lambda: contest_service.appoint_panel(
                contest, [int(value) for value in form.judges.data or []], actor=current_user
            ),
            form=form,
        ):
            flash(_("The panel is saved."), "success")
            return redirect(url_for("contests.overview", contest_id=contest_id))
        contest = _contest_or_404(contest_id)
    entries = contest_service.entries(contest)
    rostered = contest_service.rostered_pairs(contest.event_id, [a.judge_id for a in contest.panel])
    exclusions = {
        a.judge_id: [e for e in entries if contest_service.is_excluded(a.judge, e, rostered)]
        for a in contest.panel
    }
    return render_template(
        "contests/panel.html", form=form, contest=contest, exclusions=exclusions
    ), _status(form)


@bp.route("/contests/<int:contest_id>/matrix")
@role_required("organizer")
def matrix(contest_id: int) -> Any:
    contest = _contest_or_404(contest_id)
    outcome = results.stored(contest, marks=True)
    return render_template(
        "contests/matrix.html",
        contest=contest,
        results=outcome,
        results_rows=results.ordered(outcome),
        exact=_exact_text,
        plain=lambda value: "" if value is None else judging._plain(value),
    )


def _exact_text(value: Any) -> str:
    """Show an exact value: a finite decimal as is, a repeating one as 76.6666… (4 places)."""
    if isinstance(value, Fraction):
        as_decimal = scoring.exact_result(value, [])
        if isinstance(as_decimal, Decimal):
            return judging._plain(as_decimal)
        return f"{scoring.round_half_up(value, 4)}…"
    return judging._plain(value)


def _results_button(contest_id: int, change: Callable[..., Any], done: str) -> Any:
    """Publish or withdraw the contest's results (*change*) from its overview's button."""
    contest = _contest_or_404(contest_id)
    return button_action(
        lambda: change(contest, actor=current_user),
        done=done,
        back=url_for("contests.overview", contest_id=contest_id),
    )


@bp.route("/contests/<int:contest_id>/publish", methods=["POST"])
@role_required("organizer")
def publish(contest_id: int) -> Any:
    done = _("The results are published and the marks are locked.")
    return _results_button(contest_id, results.publish, done)


@bp.route("/contests/<int:contest_id>/unpublish", methods=["POST"])
@role_required("organizer")
def unpublish(contest_id: int) -> Any:
    done = _("The results are withdrawn; judges can correct their sheets.")
    return _results_button(contest_id, results.unpublish, done)


@bp.route("/contests/<int:contest_id>/export/<what>.<fmt>")
@role_required("organizer")
def export(contest_id: int, what: str, fmt: str) -> Any:
    contest = _contest_or_404(contest_id)
    if what not in ("results", "matrix") or fmt not in ("csv", "xlsx"):
        abort(404)
    outcome = results.stored(contest, marks=what == "matrix")
    filename = f"contest-{contest.id}-{what}.{fmt}"
    return send_download(exports.download(results.export_sheets(what, outcome), fmt, filename))


@bp.route("/contests/<int:contest_id>/certificates")
@role_required("organizer")
def certificates(contest_id: int) -> Any:
    contest = _contest_or_404(contest_id)
    if not contest.is_published:
        flash(_("Certificates can be printed once the results are published."), "error")
        return redirect(url_for("contests.overview", contest_id=contest_id))
    outcome = results.stored(contest)
    winners = [row for row in results.ordered(outcome) if row.tier]
    return render_template(
        "contests/certificates.html",
        contest=contest,
        winners=winners,
        issued=to_local(contest.published_at),
    )


# ---- public ------------------------------------------------------------------------------


def _visible_results(contest_id: int) -> Contest:
    contest = _contest_or_404(contest_id)
    if not may_see_contest(contest, viewer()):
        abort(404)
    return contest


@bp.route("/contests/<int:contest_id>/results")
@caching.cached(caching.contest_page)
def public_results(contest_id: int) -> Any:
    contest = _visible_results(contest_id)
    if not contest.is_published and not (
        current_user.is_authenticated and current_user.is_organizer
    ):
        return render_template("contests/not_yet.html", contest=contest), 200
    outcome = results.stored(contest)
    return render_template(
        "contests/results.html", contest=contest, results=outcome, rows=results.ordered(outcome)
    )


def _judge_letter(index: int) -> str:
    """Judges of a Skating System final are lettered A, B, C... as on a scrutineer's sheet."""
    return letters(index)


@bp.route("/contests/<int:contest_id>/skating")
@caching.cached(caching.contest_page)
def skating(contest_id: int) -> Any:
    """The Skating System calculation: each dance's majority table and the final summary."""
    contest = _visible_results(contest_id)
    organizer = current_user.is_authenticated and current_user.is_organizer
    if not contest.is_skating:
        abort(404)
    if not contest.is_published and not organizer:
        return render_template("contests/not_yet.html", contest=contest), 200
    outcome = results.stored(contest)
    explanation = outcome.skating_explanation
    names = {row.entry.id: row.entry.display_name for row in outcome.rows}
    single = len(contest.dance_list) == 1
    return render_template(
        "contests/skating.html",
        contest=contest,
        results=outcome,
        explanation=explanation,
        names=names,
        single=single,
        letters=[_judge_letter(i) for i in range(len(outcome.judges))],
        show_judges=organizer,
        rules=SKATING_RULES,
        place_text=lambda value: format(value.normalize(), "f"),
        used_rule10=explanation is not None
        and any(cell for row in explanation.rows for cell in row.rule10),
        used_rule11=explanation is not None
        and any(cell for row in explanation.rows for cell in row.rule11),
    )


def scoreboard_context(contest: Contest) -> dict[str, Any]:
    """What the hall's board shows (the page and its live stream, eventsys.web.streams)."""
    outcome = results.stored(contest)
    # Before publication the screen may show only how many sheets are in (never an order).
    hidden = not contest.is_published and not contest.show_running_results
    return {
        "contest": contest,
        "rows": [] if hidden else [r for r in results.ordered(outcome) if r.place is not None],
        "hide_names": contest.blind and not contest.is_published,
        "hidden": hidden,
        "progress": results.sheets_progress(outcome),
        "results": outcome,
    }


@bp.route("/contests/<int:contest_id>/scoreboard")
@caching.cached(caching.contest_page)
def scoreboard(contest_id: int) -> Any:
    contest = _visible_results(contest_id)
    return render_template("contests/scoreboard.html", **scoreboard_context(contest))


# ---- judging (judges) --------------------------------------------------------------------


@bp.route("/judging/")
@role_required("judge")
def judging_home() -> Any:
    return render_template(
        "judging/home.html", contests=contest_service.judged_contests(current_user)
    )


def _my_contest(contest_id: int) -> Contest:
    contest = _contest_or_404(contest_id)
    if contest_service.panel_position(contest, current_user) is None:
        abort(403)
    return contest


@bp.route("/judging/<int:contest_id>")
@role_required("judge")
def judging_list(contest_id: int) -> Any:
    contest = _my_contest(contest_id)
    if contest.is_skating:
        sheets = judging.placing_sheets_of(contest, current_user)
        return render_template(
            "judging/dances.html", contest=contest, sheets=sheets, labels=SHEET_STATUS_LABELS
        )
    rows = judging.sheets_of(contest, current_user)
    return render_template(
        "judging/list.html",
        contest=contest,
        rows=rows,
        labels=SHEET_STATUS_LABELS,
        label_of=lambda entry: contest_service.entry_label(contest, entry, for_judge=True),
        done=sum(1 for r in rows if r.sheet is not None and r.sheet.status == "submitted"),
        todo=sum(1 for r in rows if not r.excluded),
    )


def _version(form: SheetForm) -> int:
    text = normalise_number(form.version.data or "0")
    return int(text) if text.isdigit() and len(text) < 9 else -1


def _judge_post(form: SheetForm, contest: Contest) -> bool | None:
    """What a judge's request on a sheet may do: None for a GET, True to save, False once the
    results are published (the sheet is read-only). A POST failing its check is a 400."""
    if request.method != "POST":
        return None
    if not form.validate_on_submit():
        abort(400)
    return not contest.is_published


def _save_typed(save: Callable[..., Any], typed: dict[int, str], form: SheetForm) -> Any:
    """Save what the judge typed with *save* (a score or a placing sheet), as a draft or
    submitted as the button pressed says; return what perform says, and whether it submitted."""
    submit = request.form.get("action") == "submit"
    done = perform(lambda: save(typed, version=_version(form), submit=submit), quiet=True)
    return done, submit


@bp.route("/judging/<int:contest_id>/entries/<int:registration_id>", methods=["GET", "POST"])
@role_required("judge")
def sheet(contest_id: int, registration_id: int) -> Any:
    contest = _my_contest(contest_id)
    if contest.is_skating:
        abort(404)
    try:
        entry = contest_service.entry_of(contest, registration_id)
    except EventsysError:
        abort(404)
    if contest_service.is_excluded(
        current_user, entry, contest_service.rostered_pairs(contest.event_id, [current_user.id])
    ):
        abort(403)
    form = SheetForm()
    saved = judging.sheet_for(contest, current_user, entry)
    typed: dict[int, str] = {}
    errors: dict[str, str] = {}
    conflict = None
    status = 200
    posted = _judge_post(form, contest)
    if posted is False:
        status = 409  # the read-only sheet below says why, once
    elif posted:
        typed = {
            c.id: str(request.form.get(judging.mark_field(c), ""))[:20] for c in contest.criteria
        }
        done, submit = _save_typed(
            lambda typed, **how: _as_saved(
                judging.save_sheet(contest, current_user, entry, typed, **how)
            ),
            typed,
            form,
        )
        if done:
            return _after_saving(contest, entry, *done.value, submit=submit)
        if isinstance(done.refusal, judging.MarkErrors):
            errors = done.refusal.errors
            flash(str(done.refusal), "error")
            status = 422
        else:
            conflict = str(done.refusal)  # shown above the form, not flashed as well
            status = 409
        contest = _contest_or_404(contest_id)
        entry = contest_service.entry_of(contest, registration_id)
        saved = judging.sheet_for(contest, current_user, entry)
        if contest.is_published:
            conflict = None  # the read-only sheet gives the reason
    saved_marks = (
        {m.criterion_id: judging._plain(m.value) for m in saved.marks} if saved is not None else {}
    )
    values = typed or saved_marks
    form.version.data = str(saved.version if saved is not None else 0)
    return render_template(
        "judging/sheet.html",
        contest=contest,
        entry=entry,
        label=contest_service.entry_label(contest, entry, for_judge=True),
        form=form,
        values=values,
        saved_marks=saved_marks if (conflict or errors) else {},
        saved=saved,
        errors=errors,
        conflict=conflict,
        plain=judging._plain,
        labels=SHEET_STATUS_LABELS,
        total_max=sum((c.weight * c.max_mark for c in contest.criteria), Decimal(0)),
        locked=contest.is_published,
        saved_total=_weighted_total(contest, saved),
    ), status


def _weighted_total(contest: Contest, sheet: Any) -> str | None:
    """A saved sheet's total (sum of weight × mark), for the read-only sheet and the notice."""
    if sheet is None:
        return None
    return _total_of(contest, {m.criterion_id: m.value for m in sheet.marks})


def _total_of(contest: Contest, marks: dict[int, Decimal]) -> str | None:
    if not marks:
        return None
    weights = {c.id: c.weight for c in contest.criteria}
    return judging._plain(
        sum((weights.get(c, Decimal(0)) * value for c, value in marks.items()), Decimal(0))
    )


def _as_saved(sheet: Any) -> tuple[dict[int, Decimal], bool]:
    """What the answer to a save says of its sheet, read before the commit expires it: the
    marks by criterion, and whether it is submitted."""
    return {m.criterion_id: m.value for m in sheet.marks}, sheet.status == "submitted"


def _after_saving(
    contest: Contest, entry: Any, marks: dict[int, Decimal], submitted: bool, *, submit: bool
) -> Any:
    """Say what was saved, then open the judge's next entry still to score (in the order of
    their list, after this one, coming round to the top); at the end, the list: all done."""
    summary = " · ".join(
        f"{c.name} {judging._plain(marks[c.id])}" for c in contest.criteria if c.id in marks
    )
    total = _total_of(contest, marks)
    if total is not None:
        summary += " · " + _("total %(total)s", total=total)
    label = contest_service.entry_label(contest, entry, for_judge=True)
    if submit:
        message = _(
            "Your marks for %(entry)s are submitted: %(marks)s.", entry=label, marks=summary
        )
    else:
        message = _("Your draft for %(entry)s is saved: %(marks)s.", entry=label, marks=summary)
    flash(message, "success")
    following = judging.next_to_score(contest, current_user, entry)
    if following is not None:
        return redirect(url_for("contests.sheet", contest_id=contest.id, registration_id=following))
    if submitted:
        flash(_("All your sheets are submitted. Thank you!"), "success")
    return redirect(url_for("contests.judging_list", contest_id=contest.id))


@bp.route("/judging/<int:contest_id>/dances/<int:dance_index>", methods=["GET", "POST"])
@role_required("judge")
def placings(contest_id: int, dance_index: int) -> Any:
    contest = _my_contest(contest_id)
    dances = contest.dance_list
    if not contest.is_skating or not 0 <= dance_index < len(dances):
        abort(404)
    dance = dances[dance_index]
    couples = contest_service.entries(contest)
    form = SheetForm()
    saved = judging.placing_sheet_for(contest, current_user, dance)
    typed: dict[int, str] = {}
    errors: dict[str, str] = {}
    status = 200
    posted = _judge_post(form, contest)
    if posted is False:
        status = 409  # the read-only sheet below says why, once
    elif posted:
        typed = {c.id: str(request.form.get(f"place_{c.id}", ""))[:10] for c in couples}
        done, submit = _save_typed(
            partial(judging.save_placings, contest, current_user, dance), typed, form
        )
        if isinstance(done.refusal, judging.MarkErrors):
            errors = done.refusal.errors
            flash(str(done.refusal), "error")
            status = 422
        elif done.refusal is not None:
            flash(str(done.refusal), "error")
            status = 409
        else:
            flash(
                _("Your placings are submitted.") if submit else _("Your draft is saved."),
                "success",
            )
            # On to the next dance still to place, as the score sheets go to the next entry.
            sheets = judging.placing_sheets_of(contest, current_user)
            for index, name in enumerate(dances):
                if index != dance_index and (
                    sheets.get(name) is None or sheets[name].status != "submitted"  # type: ignore[union-attr]
                ):
                    return redirect(
                        url_for("contests.placings", contest_id=contest_id, dance_index=index)
                    )
            return redirect(url_for("contests.judging_list", contest_id=contest_id))
        contest = _contest_or_404(contest_id)
        couples = contest_service.entries(contest)
        saved = judging.placing_sheet_for(contest, current_user, dance)
    saved_places = (
        {p.registration_id: str(p.place) for p in saved.placements} if saved is not None else {}
    )
    form.version.data = str(saved.version if saved is not None else 0)
    return render_template(
        "judging/placings.html",
        contest=contest,
        dance=dance,
        couples=couples,
        label_of=lambda entry: contest_service.entry_label(contest, entry, for_judge=True),
        form=form,
        values=typed or saved_places,
        errors=errors,
        saved=saved,
        labels=SHEET_STATUS_LABELS,
        locked=contest.is_published,
    ), status
