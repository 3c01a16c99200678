from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional, Regexp, ValidationError

from matchmaker.domain import LANGUAGE_LABELS, VISIBILITY_LABELS
from matchmaker.forms import HttpUrl, TagsField, max_length, select_choices
from matchmaker.services.people import (
    FULL_NAME_MAX,
    PHONE_MAX,
    POSITION_MAX,
    PROFILE_TEXT_MAX,
    InvalidOrcid,
    parse_orcid,
)


class Orcid:
    def __call__(self, form, field):
        if field.data and field.data.strip():
            try:
                field.data = parse_orcid(field.data)
            except InvalidOrcid as exc:
                raise ValidationError(str(exc)) from None
        else:
            field.data = None


class LinkedInAddress:
    """Runs after :class:`HttpUrl`: the address must be on linkedin.com."""

    def __call__(self, form, field):
        if not field.data:
            return
        host = (urlsplit(field.data).hostname or "").lower()
        if host != "linkedin.com" and not host.endswith(".linkedin.com"):
            raise ValidationError(
                _l("Enter the address of your LinkedIn page, like https://www.linkedin.com/in/…")
            )


class ProfileForm(FlaskForm):
    full_name = StringField(
        _l("Name"),
        validators=[InputRequired(message=_l("Enter your name.")), max_length(FULL_NAME_MAX)],
        render_kw={"autocomplete": "name"},
    )
    position = StringField(
        _l("Title or position"),
        validators=[max_length(POSITION_MAX)],
        description=_l("e.g. Research director, Head of process development, CEO"),
        render_kw={"autocomplete": "organization-title"},
    )
    expertise = TextAreaField(
        _l("Expertise"),
        validators=[max_length(PROFILE_TEXT_MAX)],
        description=_l("What you know and do: techniques, diseases, products, methods."),
    )
    tags = TagsField(_l("Tags"))
    offer = TextAreaField(
        _l("What I offer"),
        validators=[max_length(PROFILE_TEXT_MAX)],
        description=_l("Skills, equipment, samples, services or funding others may need."),
    )
    looking_for = TextAreaField(
        _l("What I am looking for"),
        validators=[max_length(PROFILE_TEXT_MAX)],
        description=_l("Partners, skills or resources your projects need."),
    )
    orcid = StringField(
        _l("ORCID iD"),
        validators=[Optional(), Orcid()],
        description=_l("Optional, e.g. 0000-0002-1825-0097"),
    )
    linkedin_url = StringField(
        _l("LinkedIn page"), validators=[HttpUrl(), LinkedInAddress()], render_kw={"type": "url"}
    )
    website = StringField(
        _l("Website"), validators=[HttpUrl()], render_kw={"type": "url", "autocomplete": "url"}
    )
    phone = StringField(
        _l("Phone"),
        validators=[
            Optional(),
            max_length(PHONE_MAX),
            Regexp(
                r"^\+?[\d\s().-]{6,}$",
                message=_l("Enter a phone number with digits, spaces and an optional +."),
            ),
        ],
        description=_l("Shown only to organisers and to people you were introduced to."),
        render_kw={"type": "tel", "autocomplete": "tel"},
    )
    language = SelectField(
        _l("Language"),
        choices=select_choices(LANGUAGE_LABELS),
        description=_l("The language of the pages and of the emails you receive."),
    )
    visibility = RadioField(
        _l("Who may see my profile"), choices=select_choices(VISIBILITY_LABELS), default="members"
    )
    introductions_via_staff = BooleanField(
        _l("Introductions through the cluster staff only"),
        description=_l(
            "Requests to meet you are read by the cluster staff first, who pass them on or "
            "decline them."
        ),
    )
    consent_matching = BooleanField(
        _l("Suggest me to other members and invite me to meetings"),
        description=_l(
            "With this on, you appear in the partners suggested to other members and in "
            "afterwork guest lists. You can turn it off at any time: you then disappear from "
            "suggestions and guest lists, and your profile stays in the directory."
        ),
    )
