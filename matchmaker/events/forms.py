from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from matchmaker.domain import FOCUS_AREA_LABELS, KIND_LABELS, REGION_LABELS
from matchmaker.events.labels import KIND_LABELS as EVENT_KIND_LABELS
from matchmaker.forms import (
    EmailField,
    MultiCheckboxField,
    TagsField,
    email_validators,
    max_length,
    select_choices,
)
from matchmaker.services.event_attendance import NAME_MAX, NOTE_MAX, ORGANISATION_NAME_MAX
from matchmaker.services.event_guests import CAP_MAX, REGION_BUCKETS, SIZE_MAX
from matchmaker.services.events import (
    ADDRESS_MAX,
    CAPACITY_MAX,
    THEME_MAX,
    TITLE_MAX,
    VENUE_MAX,
)

DATETIME_HINT = _l("Paris time.")


class ParisDateTimeField(DateTimeLocalField):
    """A date and time picker; the value is a Paris wall-clock time (naive)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"])
        kwargs.setdefault(
            "invalid_value_message", _l("Enter a date and time like 2026-12-03 18:30.")
        )
        kwargs.setdefault("description", DATETIME_HINT)
        super().__init__(label, validators, **kwargs)


def whole_number(message):
    return NumberRange(min=0, message=message)


class EventForm(FlaskForm):
    kind = SelectField(_l("Kind of event"), choices=select_choices(EVENT_KIND_LABELS))
    title = StringField(
        _l("Title"),
        validators=[InputRequired(message=_l("Enter the event's title.")), max_length(TITLE_MAX)],
    )
    theme = TextAreaField(
        _l("Theme"),
        validators=[max_length(THEME_MAX)],
        description=_l(
            "What the evening is about: the guest list is built from the people whose "
            "profiles match it."
        ),
    )
    focus_areas = MultiCheckboxField(_l("Focus areas"), choices=select_choices(FOCUS_AREA_LABELS))
    tags = TagsField(_l("Theme tags"))
    starts_at = ParisDateTimeField(
        _l("Starts"), validators=[InputRequired(message=_l("Enter when the event starts."))]
    )
    ends_at = ParisDateTimeField(
        _l("Ends"),
        validators=[Optional()],
        description=_l("Paris time. Leave empty for three hours after the start."),
    )
    venue = StringField(_l("Venue"), validators=[max_length(VENUE_MAX)])
    address = TextAreaField(_l("Address"), validators=[max_length(ADDRESS_MAX)])
    capacity = IntegerField(
        _l("Capacity"),
        default=70,
        validators=[
            InputRequired(message=_l("Enter how many people the venue takes.")),
            NumberRange(
                min=1,
                max=CAPACITY_MAX,
                message=_l("Enter a capacity between 1 and %(max)d people.", max=CAPACITY_MAX),
            ),
        ],
        description=_l("Places for those who say yes; later answers go to a waitlist."),
        render_kw={"inputmode": "numeric"},
    )
    private_share = IntegerField(
        _l("Target share of private guests (%)"),
        default=50,
        validators=[
            InputRequired(message=_l("Enter a percentage between 0 and 100.")),
            NumberRange(min=0, max=100, message=_l("Enter a percentage between 0 and 100.")),
        ],
        description=_l("The guest list keeps within 10 points of it."),
        render_kw={"inputmode": "numeric"},
    )
    registration_open = BooleanField(
        _l("Open registration: members may register themselves"),
        description=_l("Otherwise the event is by invitation only."),
    )
    organisers = MultiCheckboxField(_l("Organisers"), coerce=int, choices=[])


class GuestListForm(FlaskForm):
    size = IntegerField(
        _l("Number of people to invite"),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=SIZE_MAX,
                message=_l("Enter a number of guests between 1 and %(max)d.", max=SIZE_MAX),
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )
    per_organisation_cap = IntegerField(
        _l("At most this many people per organisation"),
        validators=[
            InputRequired(message=_l("Enter a number between 1 and %(max)d.", max=CAP_MAX)),
            NumberRange(
                min=1, max=CAP_MAX, message=_l("Enter a number between 1 and %(max)d.", max=CAP_MAX)
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )

    def region_fields(self):
        return [getattr(self, f"region_{region}") for region in REGION_BUCKETS]

    def region_weights(self) -> dict[str, float]:
        return {
            region: float(getattr(self, f"region_{region}").data)
            for region in REGION_BUCKETS
            if getattr(self, f"region_{region}").data
        }


for _region in REGION_BUCKETS:
    setattr(
        GuestListForm,
        f"region_{_region}",
        IntegerField(
            REGION_LABELS[_region],
            validators=[
                Optional(),
                whole_number(_l("Enter a weight of 0 or more.")),
            ],
            render_kw={"inputmode": "numeric"},
        ),
    )


class ScheduleForm(FlaskForm):
    when = RadioField(
        _l("Send the invitations"),
        choices=[SelectChoice("now", _l("Now")), SelectChoice("later", _l("At a date and time"))],
        default="now",
    )
    send_at = ParisDateTimeField(_l("Date and time of sending"), validators=[Optional()])
    reminder_days_before = SelectField(
        _l("Reminder to those who said yes"),
        choices=[
            SelectChoice("", _l("No reminder")),
            SelectChoice("1", _l("1 day before")),
            SelectChoice("2", _l("2 days before")),
            SelectChoice("3", _l("3 days before")),
            SelectChoice("7", _l("A week before")),
        ],
        default="2",
    )


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class AddGuestForm(FlaskForm):
    person_id = HiddenField(validators=[InputRequired()])


class WalkInForm(FlaskForm):
    full_name = StringField(
        _l("Name"),
        validators=[InputRequired(message=_l("Enter the guest's name.")), max_length(NAME_MAX)],
    )
    email = EmailField(
        _l("Email"),
        validators=[
            InputRequired(message=_l("Enter the guest's email address.")),
            *email_validators(),
        ],
    )
    organisation_name = StringField(
        _l("Organisation"), validators=[max_length(ORGANISATION_NAME_MAX)]
    )
    organisation_kind = SelectField(
        _l("Kind of organisation"),
        choices=select_choices(KIND_LABELS),
        default="other",
        description=_l("Used when the organisation is not a member yet."),
    )


class FeedbackForm(FlaskForm):
    met = MultiCheckboxField(_l("People I met"), coerce=int, choices=[])
    note = TextAreaField(
        _l("Anything to follow up?"),
        validators=[max_length(NOTE_MAX)],
        description=_l("A project idea, a contact to make, a question for the organisers."),
    )
    wants_follow_up = BooleanField(_l("I would like the organisers' help to follow up"))


class AnswerForm(FlaskForm):
    answer = HiddenField()
