from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField
from wtforms.validators import InputRequired

from matchmaker.domain import HIDE_REASON_LABELS, HideReason
from matchmaker.forms import select_choices
from matchmaker.models import PartyKind


class PartyForm(FlaskForm):
    """Which suggested person or organisation a button is about (hidden inputs of a card)."""

    kind = SelectField(choices=[kind.value for kind in PartyKind], validators=[InputRequired()])
    candidate_id = IntegerField(validators=[InputRequired()])
    next = HiddenField()


class HideForm(PartyForm):
    reason = RadioField(
        choices=select_choices(HIDE_REASON_LABELS),
        default=HideReason.NOT_RELEVANT.value,
        validators=[InputRequired()],
    )
