from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from matchmaker.domain import FUNDER_REGIONS, REGION_LABELS, Region

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


OTHER_REGIONS_LABEL = _l("Elsewhere (other regions and abroad)")


def funder_region_label(code: str) -> str:
    if not code:
        return str(_l("All regions"))
    return str(OTHER_REGIONS_LABEL if code == Region.OTHER else REGION_LABELS[Region(code)])


def funder_region_choices() -> list[SelectChoice]:
    return [
        SelectChoice(value=code, label=funder_region_label(code))
        for code in ["", *(region.value for region in FUNDER_REGIONS)]
    ]


def within_years(form, field) -> None:
    if field.data is not None and not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR:
        raise ValidationError(
            _l(
                "Enter a date between %(first)d and %(last)d.",
                first=EARLIEST_YEAR,
                last=LATEST_YEAR,
            )
        )


class DashboardFilterForm(FlaskForm):
    """The period and region of every figure (a GET form: addresses can be shared)."""

    class Meta:
        csrf = False

    since = DateField(_l("From"), validators=[Optional(), within_years], name="from")
    until = DateField(_l("To"), validators=[Optional(), within_years], name="to")
    region = SelectField(
        _l("Region"), choices=funder_region_choices, default="", validate_choice=True
    )


class ReportForm(FlaskForm):
    class Meta:
        csrf = False

    year = IntegerField(
        _l("Year"),
        validators=[
            DataRequired(message=_l("Enter a year.")),
            NumberRange(min=EARLIEST_YEAR, max=LATEST_YEAR, message=_l("Enter a year.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    region = SelectField(
        _l("Region"), choices=funder_region_choices, default="", validate_choice=True
    )
