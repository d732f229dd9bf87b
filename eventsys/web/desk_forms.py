"""Forms of the help desk (a member's record, one-time codes) and of setting a new password
with a code. They check the shape of input; services.desk checks the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length, Optional

from eventsys.web.forms import DataRequired, NormalisingForm, coerce_optional_int


class PersonRecordForm(NormalisingForm):
    name = StringField(
        _l("Full name"),
        validators=[DataRequired(), Length(max=80)],
        render_kw={"autocomplete": "off"},
    )
    phone = StringField(
        _l("Phone number (optional)"),
        validators=[Optional(), Length(max=20)],
        render_kw={"autocomplete": "off", "inputmode": "tel"},
    )
    organisation_id = SelectField(
        _l("Organisation"), coerce=coerce_optional_int, validators=[Optional()]
    )
    submit = SubmitField(_l("Save the corrections"))


class MergeForm(NormalisingForm):
    duplicate = StringField(
        _l("The other record: its login name, phone number or member number"),
        validators=[DataRequired(), Length(max=64)],
        render_kw={"autocomplete": "off"},
    )
    confirmed = BooleanField(
        _l("I have checked that both records are the same person. Merge them.")
    )
    submit = SubmitField(_l("Show what the merge does"))


class ResetCodeForm(NormalisingForm):
    checked = BooleanField(
        _l(
            "I have made sure that I am speaking with this member "
            "(in person, or on their own phone)."
        ),
        validators=[DataRequired(_l("Tick this once you are sure who you are speaking with."))],
    )
    submit = SubmitField(_l("Give a one-time code for a new password"))


class PasswordResetForm(NormalisingForm):
    login = StringField(
        _l("Login name or phone number"),
        validators=[DataRequired(), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    code = StringField(
        _l("Code from the centre (8 digits)"),
        validators=[DataRequired(), Length(max=24)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    new_password = PasswordField(
        _l("New password (at least 8 characters)"),
        validators=[InputRequired(), Length(min=8, max=128)],
        render_kw={"autocomplete": "new-password"},
    )
    repeat_password = PasswordField(
        _l("New password once more"),
        validators=[
            InputRequired(),
            EqualTo("new_password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Set my new password"))
