"""Forms of the group pages and the honours board. They check the shape of input;
services.groups checks the rules (who may answer, who is a member, what a photo is)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from eventsys.web.forms import (
    DataRequired,
    MultiCheckboxField,
    NormalisedDateField,
    NormalisingForm,
    coerce_optional_int,
)


class RegisterMembersForm(NormalisingForm):
    members = MultiCheckboxField(_l("Members to register"), coerce=int, choices=[])
    submit = SubmitField(_l("Register the members ticked"))


class HonourForm(NormalisingForm):
    group_id = SelectField(_l("Group"), coerce=coerce_optional_int, validators=[Optional()])
    winner = StringField(
        _l("Who won (a member, a team or a programme; leave empty for the whole group)"),
        validators=[Optional(), Length(max=200)],
        filters=[lambda value: value or ""],
    )
    competition = StringField(_l("Competition"), validators=[DataRequired(), Length(max=200)])
    organiser = StringField(
        _l("Organised by"),
        validators=[Optional(), Length(max=200)],
        filters=[lambda value: value or ""],
    )
    awarded_on = NormalisedDateField(_l("Date"), validators=[DataRequired()])
    award = StringField(
        _l("Award (for example 一等奖, 金奖, 优秀奖)"), validators=[DataRequired(), Length(max=60)]
    )
    photo = FileField(
        _l("Photo of the certificate (JPEG or PNG)"),
        render_kw={"accept": "image/jpeg,image/png"},
    )
    remove_photo = BooleanField(_l("Remove the photo"))
    submit = SubmitField(_l("Save honour"))
