from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField

from matchmaker.mail.labels import CATEGORY_LABELS, STATUS_LABELS
from matchmaker.models import OutboxStatus


class OutboxFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    status = SelectField(
        _l("Status"),
        choices=[
            ("attention", _l("Not sent yet (waiting, being sent, failed)")),
            *[(status.value, STATUS_LABELS[status]) for status in OutboxStatus],
            ("all", _l("All")),
        ],
        default="attention",
    )
    category = SelectField(
        _l("Category"),
        choices=[("", _l("All categories"))]
        + [(category.value, label) for category, label in CATEGORY_LABELS.items()],
        default="",
    )


class MessageActionForm(FlaskForm):
    """Retry or cancel one message; ``next`` brings the organiser back to the same list."""

    next = HiddenField()
