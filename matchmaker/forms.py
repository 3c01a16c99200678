"""Field types and validators shared by every feature's forms."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField, ValidationError, widgets
from wtforms.validators import Email, Length

EMAIL_MAX = 254


class EmailField(StringField):
    """An email input whose value is stripped and lower-cased."""

    widget = widgets.EmailInput()

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            self.data = self.data.strip().lower()


def email_validators():
    return [
        Email(message=_l("Enter an email address like name@example.org.")),
        Length(max=EMAIL_MAX),
    ]


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]{2,}$", re.IGNORECASE)


class HttpUrl:
    """An http(s) address; a bare domain gets ``https://`` added before it is checked."""

    def __init__(self, message=None):
        self.message = message or _l("Enter a web address like https://example.org.")

    def __call__(self, form, field):
        value = (field.data or "").strip()
        if not value:
            field.data = None
            return
        if "://" not in value:
            value = "https://" + value
        if not _URL.match(value) or len(value) > 300:
            raise ValidationError(self.message)
        field.data = value


def show_error(form, message: str, field: str | None = None) -> None:
    """Attach a service's refusal to the field it concerns, or to the whole form."""
    target = form[field] if field and field in form else None
    if target is None:
        form.form_errors.append(message)
    else:
        target.errors = [*target.errors, message]
