from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired


class UploadForm(FlaskForm):
    what = RadioField(
        _l("What the file holds"),
        choices=[
            SelectChoice("organisations", _l("Organisations")),
            SelectChoice("collaborations", _l("Past collaborations between organisations")),
        ],
        default="organisations",
        validators=[InputRequired(message=_l("Choose what the file holds."))],
    )
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(message=_l("Choose a file."))],
        description=_l("UTF-8 text, values separated by commas or semicolons, 16 MB at most."),
        render_kw={"accept": ".csv,text/csv"},
    )


class ConfirmForm(FlaskForm):
    skip_invalid = BooleanField(_l("Skip the invalid rows and import the others"))
