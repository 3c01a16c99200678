from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from matchmaker.domain import FOCUS_AREA_LABELS, KIND_LABELS
from matchmaker.forms import (
    HttpUrl,
    MultiCheckboxField,
    TagsField,
    max_length,
    region_choices,
    select_choices,
)
from matchmaker.services.fundraising import INVESTORS_MAX, ROUND_KIND_LABELS
from matchmaker.services.organisations import CITY_MAX, DESCRIPTION_MAX, NAME_MAX, OFFER_MAX


class OrganisationForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            InputRequired(message=_l("Enter the organisation's name.")),
            max_length(NAME_MAX),
        ],
    )
    kind = SelectField(
        _l("Kind"),
        choices=select_choices(KIND_LABELS),
        description=_l(
            "Labs, hospitals, institutes and platforms are public; companies and "
            "investors are private."
        ),
    )
    region = SelectField(_l("Region"), choices=region_choices)
    city = StringField(_l("City"), validators=[max_length(CITY_MAX)])
    website = StringField(_l("Website"), validators=[HttpUrl()], render_kw={"type": "url"})
    description = TextAreaField(
        _l("Description"),
        validators=[max_length(DESCRIPTION_MAX)],
        description=_l("Activities, teams, products and technologies."),
    )
    focus_areas = MultiCheckboxField(_l("Focus areas"), choices=select_choices(FOCUS_AREA_LABELS))
    tags = TagsField(_l("Expertise tags"))
    offer = TextAreaField(
        _l("What we offer"),
        validators=[max_length(OFFER_MAX)],
        description=_l("Platforms, know-how, samples, services, capacity, funding…"),
    )
    looking_for = TextAreaField(
        _l("What we are looking for"),
        validators=[max_length(OFFER_MAX)],
        description=_l("Partners, skills, technologies or resources you need."),
    )
    founded_year = IntegerField(
        _l("Year founded"),
        validators=[Optional()],
        render_kw={"inputmode": "numeric"},
    )
    introductions_via_staff = BooleanField(
        _l("Introductions through the cluster staff only"),
        description=_l(
            "Requests to meet the organisation or its members are read by the cluster staff "
            "first, who pass them on or decline them."
        ),
    )
    cluster_startup = BooleanField(_l("Startup created with the cluster's support"))
    startup_created_on = DateField(
        _l("Date the startup was created"),
        validators=[Optional()],
        description=_l("Required when the startup was created with the cluster's support."),
    )


class FundingRoundForm(FlaskForm):
    raised_on = DateField(
        _l("Date of the round"),
        validators=[InputRequired(message=_l("Enter the date of the round."))],
    )
    amount_eur = IntegerField(
        _l("Amount raised (euros)"),
        validators=[InputRequired(message=_l("Enter the amount raised, in euros."))],
        render_kw={"inputmode": "numeric"},
    )
    kind = SelectField(_l("Kind of round"), choices=select_choices(ROUND_KIND_LABELS))
    investors = StringField(
        _l("Investors"),
        validators=[max_length(INVESTORS_MAX)],
        description=_l("Optional: the funds, business angels or agencies, separated by commas."),
    )


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
