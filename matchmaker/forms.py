"""Field types and validators shared by every feature's forms."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField, ValidationError, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Length

from matchmaker.domain import CLUSTER_REGIONS, REGION_LABELS, Region

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
URL_MAX = 300


def normalise_http_url(value: str | None) -> str | None:
    """An http(s) address as stored (``https://`` added to a bare domain), None when empty.

    Raises ValueError when it does not look like a web address. Forms and imports share it.
    """
    value = (value or "").strip()
    if not value:
        return None
    if "://" not in value:
        value = "https://" + value
    if not _URL.match(value) or len(value) > URL_MAX:
        raise ValueError(value)
    return value


class HttpUrl:
    """An http(s) address; a bare domain gets ``https://`` added before it is checked."""

    def __init__(self, message=None):
        self.message = message or _l("Enter a web address like https://example.org.")

    def __call__(self, form, field):
        try:
            field.data = normalise_http_url(field.data)
        except ValueError:
            raise ValidationError(self.message) from None


def show_error(form, message: str, field: str | None = None) -> None:
    """Attach a service's refusal to the field it concerns, or to the whole form."""
    target = form[field] if field and field in form else None
    if target is None:
        form.form_errors.append(message)
    else:
        target.errors = [*target.errors, message]


class TagsInput(widgets.TextInput):
    """A text input of comma-separated tags; static/js/tags.js adds suggestions as you type."""

    def __init__(self, multiple: bool = True):
        super().__init__()
        self.multiple = multiple

    def __call__(self, field, **kwargs):
        from flask import url_for

        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("data-tag-input", "multiple" if self.multiple else "single")
        kwargs.setdefault("data-suggest-url", url_for("tags.suggest"))
        return super().__call__(field, **kwargs)


class TagsField(StringField):
    """Comma-separated tags. ``data`` keeps the text as typed; ``labels`` the parsed labels."""

    widget = TagsInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault(
            "description",
            _l("Separate tags with commas, e.g. monoclonal antibodies, bioproduction."),
        )
        super().__init__(label, validators, **kwargs)
        self.labels: list[str] = []

    def pre_validate(self, form):
        from matchmaker.services.tags import TagError, parse_tag_labels

        try:
            self.labels = parse_tag_labels(self.data)
        except TagError as exc:
            self.labels = []
            raise ValidationError(str(exc)) from None


def max_length(maximum: int) -> Length:
    """A length limit with a message that says it."""
    return Length(max=maximum, message=_l("At most %(max)d characters."))


def select_choices(labels: dict, optgroup: str | None = None) -> list[SelectChoice]:
    """Options of a select, radio or checkbox field from a label mapping of ``domain``.

    WTForms 3.3 deprecates plain ``(value, label)`` tuples; labels stay lazy, so they are
    translated when the field is rendered.
    """
    return [
        SelectChoice(
            value=code.value if hasattr(code, "value") else code, label=label, optgroup=optgroup
        )
        for code, label in labels.items()
    ]


def region_choices() -> list[SelectChoice]:
    """The cluster's regions first, then the rest of France, then abroad (grouped options)."""
    cluster = {region: REGION_LABELS[region] for region in CLUSTER_REGIONS}
    others = {
        region: label
        for region, label in REGION_LABELS.items()
        if region not in CLUSTER_REGIONS and region != Region.OTHER
    }
    return [
        *select_choices(cluster, optgroup=_("The cluster's regions")),
        *select_choices(others, optgroup=_("Other French regions")),
        *select_choices({Region.OTHER: REGION_LABELS[Region.OTHER]}, optgroup=_("Elsewhere")),
    ]
