"""Forms of the member import: the upload and the confirmation of a preview. They check the
shape of input; services.member_import reads the file and checks the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SubmitField

from eventsys.web.forms import DataRequired, NormalisingForm


class ImportUploadForm(NormalisingForm):
    file = FileField(
        _l("The member list (.xlsx or .csv)"),
        validators=[FileRequired(_l("Choose the file to import."))],
        render_kw={"accept": ".xlsx,.csv,text/csv"},
    )
    create_units = BooleanField(_l("Create the units that are not on record yet"))
    allow_same_name = BooleanField(
        _l("Create members whose name is on record already (they are different people)")
    )
    submit = SubmitField(_l("Upload and preview"))


class ImportConfirmForm(NormalisingForm):
    fingerprint = HiddenField(_l("The preview confirmed"), validators=[DataRequired()])
    submit = SubmitField(_l("Confirm the import"))
