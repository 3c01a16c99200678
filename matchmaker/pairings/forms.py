from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FloatField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, NumberRange

from matchmaker.domain import FOCUS_AREA_LABELS, KIND_LABELS
from matchmaker.forms import max_length, region_choices, select_choices
from matchmaker.services.concepts import LABEL_MAX
from matchmaker.services.matching_weights import (
    MAXIMUM,
    SHARES,
    WEIGHT_HINTS,
    WEIGHT_LABELS,
    weight_names,
)
from matchmaker.services.suggestions import VETO_REASON_MAX


class PairFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    party = SelectField(
        _l("Pairs of"),
        choices=[
            SelectChoice("", _l("People and organisations")),
            SelectChoice("person", _l("People")),
            SelectChoice("organisation", _l("Organisations")),
        ],
        default="",
    )
    focus_area = SelectField(
        _l("Focus area"),
        choices=lambda: [
            SelectChoice("", _l("All focus areas")),
            *select_choices(FOCUS_AREA_LABELS),
        ],
        default="",
    )
    region = SelectField(
        _l("Region"),
        choices=lambda: [SelectChoice("", _l("All regions")), *region_choices()],
        default="",
    )
    kind = SelectField(
        _l("Kind of organisation"),
        choices=lambda: [SelectChoice("", _l("All kinds")), *select_choices(KIND_LABELS)],
        default="",
    )


class VetoForm(FlaskForm):
    kind = HiddenField()
    a_id = HiddenField()
    b_id = HiddenField()
    next = HiddenField()
    reason = TextAreaField(
        _l("Why"),
        validators=[
            InputRequired(message=_l("Say why, for the record.")),
            max_length(VETO_REASON_MAX),
        ],
    )


class ActionForm(FlaskForm):
    """A button that changes something (lift a veto, ask for a rebuild); CSRF only."""

    next = HiddenField()


def weights_form_class():
    """The form has one number field per weight the library knows, whatever their number."""

    class WeightsForm(FlaskForm):
        pass

    for name in weight_names():
        upper = 1.0 if name in SHARES else MAXIMUM
        setattr(
            WeightsForm,
            name,
            FloatField(
                WEIGHT_LABELS.get(name, name),
                validators=[
                    InputRequired(message=_l("Enter a number.")),
                    NumberRange(min=0, max=upper, message=_l("From %(min)s to %(max)s.")),
                ],
                description=WEIGHT_HINTS.get(name),
                render_kw={"type": "number", "step": "0.05", "min": "0", "max": f"{upper:g}"},
            ),
        )
    return WeightsForm


class ConceptForm(FlaskForm):
    label_fr = StringField(
        _l("French label"),
        validators=[InputRequired(message=_l("Enter the French label.")), max_length(LABEL_MAX)],
    )
    label_en = StringField(
        _l("English label"),
        validators=[InputRequired(message=_l("Enter the English label.")), max_length(LABEL_MAX)],
    )
    synonyms = TextAreaField(
        _l("Synonyms"),
        description=_l(
            "Other ways of writing it, in French or English, one per line or separated by "
            "commas: abbreviations, plurals people use, trade terms."
        ),
    )


class SynonymsForm(FlaskForm):
    synonyms = StringField(
        _l("Synonyms to add"),
        validators=[InputRequired(message=_l("Enter at least one synonym."))],
        description=_l("Separated by commas."),
    )


class ConceptFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Find a concept"), validators=[max_length(80)])
