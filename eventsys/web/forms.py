"""Forms: they check the shape of input; services check the rules.

Every string field is normalised before validation (full-width digits and spaces typed with an
input method, control characters, surrounding blanks)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any, TypeVar

from flask import current_app, g, has_request_context, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    FormField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.core import Field
from wtforms.validators import DataRequired as _DataRequired
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from eventsys.domain.text import normalise, normalise_number
from eventsys.extensions import csrf
from eventsys.services import accounts

V = TypeVar("V", bound=Callable[..., Any])


class DataRequired(_DataRequired):  # type: ignore[misc]
    """Require a value after normalisation, but keep a parse error ("not a date") if any."""

    def __call__(self, form: Any, field: Field) -> None:
        if field.process_errors:
            raise StopValidation()
        super().__call__(form, field)


def _normalise_datetime(value: Any) -> str:
    # Dates have no Chinese punctuation to keep, so fold everything (14：00 -> 14:00).
    return normalise(unicodedata.normalize("NFKC", str(value)))


def _normalise_single(value: Any) -> Any:
    return normalise(value) if isinstance(value, str) else value


def _normalise_multi(value: Any) -> Any:
    return normalise(value, multiline=True) if isinstance(value, str) else value


class NormalisingForm(FlaskForm):  # type: ignore[misc]
    """A CSRF-protected form whose text input is normalised before it is validated."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Field:
            if issubclass(unbound_field.field_class, (FieldList, FormField)):
                return unbound_field.bind(form=form, **options)  # their fields are normalised
            if unbound_field.field_class is TextAreaField:
                extra = (_normalise_multi,)
            elif unbound_field.field_class in (PasswordField,):
                extra = ()
            else:
                extra = (_normalise_single,)
            options["filters"] = (*extra, *unbound_field.kwargs.get("filters", ()))
            return unbound_field.bind(form=form, **options)

    def validate_csrf_token(self, field: Field) -> None:
        """Fail on the token when check_csrf() refused the request, in words people act on."""
        if g.get(CSRF_REFUSED):
            field.errors.clear()  # Flask-WTF's own wording, when it refused the token too
            g.csrf_refused = REPORTED
            raise ValidationError(refused_csrf_message(self))


class NormalisedIntegerField(IntegerField):
    """An integer field that accepts full-width digits and blanks around the number.

    *invalid* replaces WTForms' "Not a valid integer value." where a form says it its own way."""

    def __init__(self, *args: Any, invalid: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid = invalid

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            self._read(valuelist)
        except ValueError as error:
            if self.invalid is None:
                raise
            raise ValueError(self.invalid) from error

    def _read(self, valuelist: list[Any]) -> None:
        if valuelist:
            valuelist = [normalise_number(str(valuelist[0]))]
            if valuelist[0] == "":
                self.data = None
                return
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > 10_000_000:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))


class RowList(FieldList):  # type: ignore[misc]
    """A FieldList of repeated rows (games, seeds, lots) named rows-0-..., rows-1-...

    WTForms reads any key "rows-<n>-" whose n isdigit() and calls int() on it, which fails (a
    server error) on digits like "²" and on thousands of them: only plain short numbers count."""

    def _extract_indices(self, prefix: str, formdata: Any) -> Any:
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix):
                index = key[offset:].split(self._field_separator, 1)[0]
                if index.isascii() and index.isdigit() and len(index) <= 4:
                    yield int(index)


class _ReadableDates:
    """Read dates as people type them (any width, 14：00), and keep years plausible."""

    formats: tuple[str, ...] = ()
    example: Any = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", list(self.formats))
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            valuelist = [_normalise_datetime(valuelist[0])]
            if not valuelist[0]:
                self.data = None
                return
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError as error:
            raise ValueError(self.example) from error
        if self.data is not None and not (2000 <= self.data.year <= 2100):
            self.data = None
            raise ValueError(_l("Enter a year between 2000 and 2100."))


class NormalisedDateTimeField(_ReadableDates, DateTimeLocalField):
    """A date-and-time field that reads what browsers send and what people type."""

    formats = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S")
    example = _l("Enter a date and time like 2026-12-03 14:00.")


class NormalisedDateField(_ReadableDates, DateField):
    """A date field that accepts full-width digits."""

    formats = ("%Y-%m-%d", "%Y/%m/%d")
    example = _l("Enter a date like 2026-12-03.")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def options(pairs: Any) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def coerce_optional_int(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


class LoginForm(NormalisingForm):
    login = StringField(
        _l("Login name or phone number"),
        validators=[DataRequired(), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"), default=True)
    submit = SubmitField(_l("Sign in"))


class SignupForm(NormalisingForm):
    name = StringField(
        _l("Full name"),
        validators=[DataRequired(), Length(max=80)],
        render_kw={"autocomplete": "name"},
    )
    login = StringField(
        _l("Login name or phone number"),
        validators=[DataRequired(), Length(min=2, max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    phone = StringField(
        _l("Phone number (optional)"),
        validators=[Optional(), Length(max=20)],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    organisation_id = SelectField(
        _l("Organisation"), coerce=coerce_optional_int, validators=[Optional()]
    )
    password = PasswordField(
        _l("Password (at least 8 characters)"),
        validators=[InputRequired(), Length(min=8, max=128)],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Create my account"))

    def new_user(self) -> accounts.NewUser:
        """The account the form asks for (a sign-up's: a participant)."""
        return accounts.NewUser(
            name=self.name.data,
            login=self.login.data,
            password=self.password.data,
            phone=self.phone.data or None,
            organisation_id=self.organisation_id.data,
        )


class UserForm(SignupForm):
    roles = MultiCheckboxField(_l("Roles"), choices=[], validators=[DataRequired()])
    submit = SubmitField(_l("Create account"))

    def new_user(self) -> accounts.NewUser:
        """The account the organizer creates, with the roles ticked."""
        return replace(super().new_user(), roles=tuple(self.roles.data))


class RolesForm(NormalisingForm):
    roles = MultiCheckboxField(_l("Roles"), choices=[], validators=[DataRequired()])
    submit = SubmitField(_l("Save roles"))


class PasswordChangeForm(NormalisingForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password (at least 8 characters)"),
        validators=[InputRequired(), Length(min=8, max=128)],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change password"))


class ProfileForm(NormalisingForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=80)])
    language = SelectField(_l("Language"), choices=options([("zh_CN", "中文"), ("en", "English")]))
    submit = SubmitField(_l("Save"))


class VenueForm(NormalisingForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=[])
    capacity = NormalisedIntegerField(
        _l("Capacity (people)"), validators=[InputRequired(), NumberRange(min=0, max=100000)]
    )
    location = StringField(_l("Where to find it"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    active = BooleanField(_l("Can be booked"), default=True)
    submit = SubmitField(_l("Save venue"))


class OrganisationForm(NormalisingForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    parent_id = SelectField(_l("Part of"), coerce=coerce_optional_int, validators=[Optional()])
    submit = SubmitField(_l("Save organisation"))


class GroupForm(NormalisingForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=[])
    organisation_id = SelectField(
        _l("Organisation"), coerce=coerce_optional_int, validators=[Optional()]
    )
    leader_id = SelectField(_l("Leader"), coerce=coerce_optional_int, validators=[Optional()])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save group"))


def member_field(label: Any) -> Any:
    """A member named by login name or phone number (found with the member lookup)."""
    return StringField(label, validators=[DataRequired(), Length(max=64)])


class MemberForm(NormalisingForm):
    person = member_field(_l("Login name or phone number of the member"))
    submit = SubmitField(_l("Add member"))


WEEKDAY_CHOICES = [
    SelectChoice("0", _l("Monday")),
    SelectChoice("1", _l("Tuesday")),
    SelectChoice("2", _l("Wednesday")),
    SelectChoice("3", _l("Thursday")),
    SelectChoice("4", _l("Friday")),
    SelectChoice("5", _l("Saturday")),
    SelectChoice("6", _l("Sunday")),
]


class EventForm(NormalisingForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[])
    venue_id = SelectField(
        _l("Venue"), coerce=coerce_optional_int, choices=[], validators=[DataRequired()]
    )
    starts_at = NormalisedDateTimeField(_l("Starts"), validators=[DataRequired()])
    ends_at = NormalisedDateTimeField(_l("Ends"), validators=[DataRequired()])
    weekdays = MultiCheckboxField(
        _l("Repeats every week on"), choices=WEEKDAY_CHOICES, validators=[Optional()]
    )
    repeat_until = NormalisedDateField(_l("Repeat until (last day)"), validators=[Optional()])
    capacity = NormalisedIntegerField(
        _l("Places (leave empty for no limit)"),
        validators=[Optional(), NumberRange(min=0, max=100000)],
    )
    registration_opens_at = NormalisedDateTimeField(
        _l("Registration opens"), validators=[Optional()]
    )
    registration_closes_at = NormalisedDateTimeField(
        _l("Registration closes"), validators=[Optional()]
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    registration_mode = SelectField(_l("How people take part"), choices=[], default="none")
    capacity_counts = SelectField(_l("The places count"), choices=[], default="people")
    requires_approval = BooleanField(_l("An organizer approves each registration"))
    roster_min = NormalisedIntegerField(
        _l("Fewest players in a team (captain included)"),
        validators=[Optional(), NumberRange(min=1, max=500)],
    )
    roster_max = NormalisedIntegerField(
        _l("Most players in a team (captain included)"),
        validators=[Optional(), NumberRange(min=1, max=500)],
    )
    substitutes_max = NormalisedIntegerField(
        _l("Most substitutes in a team"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=50)],
    )
    max_entries_per_organisation = NormalisedIntegerField(
        _l("Most entries per organisation (leave empty for no limit)"),
        validators=[Optional(), NumberRange(min=1, max=1000)],
    )
    asks_title = BooleanField(_l("Each entry gives a title (a poem's, a programme's)"))
    asks_text = BooleanField(_l("Each entry gives a text (the poem itself)"))
    cancel_deadline = NormalisedDateTimeField(
        _l("Participants may cancel until"), validators=[Optional()]
    )
    walk_ins = BooleanField(_l("Record walk-ins at the door"))
    group_id = SelectField(
        _l("Interest group (the activity shows on its page)"),
        coerce=coerce_optional_int,
        validators=[Optional()],
    )
    # Offered only after a first try showed a warning or clashing dates (issue 14).
    confirm_warnings = BooleanField(_l("Save anyway: I have read the warnings above"))
    skip_clashes = BooleanField(
        _l("Skip the clashing dates: save the series with them marked “no session (room taken)”")
    )
    submit = SubmitField(_l("Save event"))

    def validate_ends_at(self, field: Field) -> None:
        start: datetime | None = self.starts_at.data
        if start is not None and field.data is not None and field.data <= start:
            raise ValidationError(_l("The end must be after the start."))

    def validate_roster_max(self, field: Field) -> None:
        low: int | None = self.roster_min.data
        if low is not None and field.data is not None and field.data < low:
            raise ValidationError(_l("The largest team cannot be smaller than the smallest."))

    def validate_repeat_until(self, field: Field) -> None:
        if self.weekdays.data and field.data is None:
            raise ValidationError(_l("Give the last day of the repeat."))
        start: datetime | None = self.starts_at.data
        until: date | None = field.data
        if until is not None and start is not None and until < start.date():
            raise ValidationError(_l("The repeat must end on or after the first day."))


class OccurrenceForm(NormalisingForm):
    starts_at = NormalisedDateTimeField(_l("Starts"), validators=[DataRequired()])
    ends_at = NormalisedDateTimeField(_l("Ends"), validators=[DataRequired()])
    submit = SubmitField(_l("Move this sitting"))

    def validate_ends_at(self, field: Field) -> None:
        start: datetime | None = self.starts_at.data
        if start is not None and field.data is not None and field.data <= start:
            raise ValidationError(_l("The end must be after the start."))


class ActionForm(NormalisingForm):
    """A form with only a CSRF token, for buttons that change something."""

    submit = SubmitField(_l("Confirm"))


class GuestForm(NormalisingForm):
    """A walk-in guest without an account, checked in at the door by name and phone."""

    guest_name = StringField(
        _l("Guest's name"),
        validators=[DataRequired(), Length(max=80)],
        render_kw={"autocomplete": "off"},
    )
    guest_phone = StringField(
        _l("Guest's phone number"),
        validators=[DataRequired(), Length(max=30)],
        render_kw={"autocomplete": "off", "inputmode": "tel"},
    )
    submit = SubmitField(_l("Check in the guest"))


class CancelEventForm(NormalisingForm):
    """Cancelling an event: the reason is shown to everyone registered."""

    reason = TextAreaField(
        _l("Reason (shown to everyone registered)"), validators=[Optional(), Length(max=500)]
    )
    submit = SubmitField(_l("Yes, cancel the event"))


class NoticeForm(NormalisingForm):
    """Staff's own notice to an event's registrants (chosen by status) or a group's members."""

    text = TextAreaField(
        _l("The notice (at most 300 characters)"), validators=[DataRequired(), Length(max=300)]
    )
    statuses = MultiCheckboxField(_l("Send it to"), choices=[], default=["confirmed"])
    submit = SubmitField(_l("Send the notice"))


class LanguageForm(NormalisingForm):
    lang = SelectField(_l("Language"), choices=options([("zh_CN", "中文"), ("en", "English")]))
    next = StringField(_l("Back to"), validators=[Optional(), Length(max=500)])


class EntryForm(NormalisingForm):
    """Registering oneself; the title and text only when the event asks for them."""

    title = StringField(_l("Title of your entry"), validators=[Optional(), Length(max=200)])
    text = TextAreaField(_l("Text of your entry"), validators=[Optional(), Length(max=20000)])
    submit = SubmitField(_l("Register"))


class TeamForm(NormalisingForm):
    team_name = StringField(_l("Team name"), validators=[DataRequired(), Length(max=120)])
    players = TextAreaField(
        _l("Players besides you (login names or phone numbers, one per line)"),
        validators=[Optional(), Length(max=2000)],
    )
    substitutes = TextAreaField(
        _l("Substitutes (login names or phone numbers, one per line)"),
        validators=[Optional(), Length(max=2000)],
    )
    title = StringField(
        _l("Title of your entry (programme)"), validators=[Optional(), Length(max=200)]
    )
    text = TextAreaField(_l("Text of your entry"), validators=[Optional(), Length(max=20000)])
    submit = SubmitField(_l("Enter the team"))


class OnBehalfForm(NormalisingForm):
    person = member_field(_l("Register a member who called: login name or phone number"))
    submit = SubmitField(_l("Register this member"))


# ---- a form sent with an expired or missing CSRF token comes back with its input ----------------

KEEPS_INPUT = "keeps_input"
CSRF_REFUSED = "csrf_refused"  # g.csrf_refused: True, then REPORTED once a form says so
REPORTED = "reported"
BODY_LIMIT = "body_limit"
TOO_LARGE = "body_too_large"  # g.body_too_large: the body was over the view's own limit


def body_limit(limit: Callable[[], int]) -> Callable[[V], V]:
    """Mark a view whose POST may carry up to limit() bytes (an upload) while the rest of the
    site keeps MAX_CONTENT_LENGTH. Over it, nothing is read and the view is told by
    g.body_too_large (it answers 413 with its own page) instead of a plain 413."""

    def mark(view: V) -> V:
        setattr(view, BODY_LIMIT, limit)
        return view

    return mark


def keeps_input(view: V) -> V:
    """Mark a form view whose page may be shown again, as typed, after its CSRF token is refused.

    Only for views that change nothing unless a NormalisingForm's validate_on_submit() passes:
    check_csrf() then lets the refused request reach the view, whose form fails on its
    csrf_token field and is shown again. Views that read request.form by hand or act on a
    button alone stay unmarked and answer with the plain error page. (functools.wraps copies
    the mark onto wrappers, so it may stand above or below login_required or role_required.)"""
    setattr(view, KEEPS_INPUT, True)
    return view


def refused_csrf_message(form: Any) -> str:
    """The words for a form whose request was refused: nothing saved, press again."""
    message: str = _(
        "This page was open for a long time, or you signed in or out meanwhile, so nothing "
        "was saved. Please check what you typed and press the button again."
    )
    if any(field.type == "PasswordField" and field.data for field in form):
        message += " " + _("Please type the password again.")
    return message


def check_csrf() -> None:
    """Check the CSRF token of every POST, before any view (WTF_CSRF_CHECK_DEFAULT is off).

    Flask-WTF's own check (token, and a same-site Referer over HTTPS); a refusal is the plain
    400 page, except for a view marked keeps_input: the request goes on, flagged, so that its
    form fails on its csrf_token field (NormalisingForm.validate_csrf_token) and the page comes
    back as typed. A flagged request cannot commit (refuse_commit_after_csrf_refusal)."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True) or not request.endpoint:
        return  # no route matched: the 404 or 405 says it
    view = current_app.view_functions.get(request.endpoint)
    limit = getattr(view, BODY_LIMIT, None)
    if limit is not None:
        request.max_content_length = limit()
    try:
        csrf.protect()
    except RequestEntityTooLarge:
        if limit is None:
            raise
        g.setdefault(TOO_LARGE, True)  # nothing was read, so the view must read nothing
    except CSRFError:
        if not getattr(view, KEEPS_INPUT, False):
            raise
        g.setdefault(CSRF_REFUSED, True)


def refuse_commit_after_csrf_refusal(_session: Any) -> None:
    """Refuse a commit in a request whose CSRF token was refused, whatever the view does."""
    if has_request_context() and g.get(CSRF_REFUSED):
        raise CSRFError("commit after a refused CSRF token")


def install_commit_refusal() -> None:
    """Listen to every session's commits once per process (refuse_commit_after_csrf_refusal)."""
    from flask_sqlalchemy.session import Session

    if not event.contains(Session, "before_commit", refuse_commit_after_csrf_refusal):
        event.listen(Session, "before_commit", refuse_commit_after_csrf_refusal)


def refused_status(response: Any) -> Any:
    """A request whose token was refused answers 400: its form page again, as typed, or the
    plain page when the view answered otherwise (sent to sign in, refused for the role, no
    form of its page sent)."""
    refused = g.get(CSRF_REFUSED)
    if not refused or response.status_code == 400:
        return response
    if refused == REPORTED and response.status_code in (200, 409, 422):
        response.status_code = 400
        return response
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return app.make_response(app.handle_user_exception(CSRFError()))
