from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.fields import SelectChoice

from matchmaker.mail.labels import CATEGORY_LABELS, STATUS_LABELS
from matchmaker.models import OutboxStatus


class OutboxFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("attention", _l("Not sent yet (waiting, being sent, failed)")),
            *[SelectChoice(status.value, STATUS_LABELS[status]) for status in OutboxStatus],
            SelectChoice("all", _l("All")),
        ],
        default="attention",
    )
    category = SelectField(
        _l("Category"),
        choices=[
            SelectChoice("", _l("All categories")),
            *[SelectChoice(category.value, label) for category, label in CATEGORY_LABELS.items()],
        ],
        default="",
    )


class MessageActionForm(FlaskForm):
    """Retry or cancel one message; ``next`` brings the organiser back to the same list."""

    next = HiddenField()
