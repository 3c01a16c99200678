from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Length

from matchmaker.domain import (
    FOCUS_AREA_LABELS,
    INTRODUCTION_PURPOSE_LABELS,
    INTRODUCTION_STATUS_LABELS,
    SECTOR_LABELS,
)
from matchmaker.forms import max_length, select_choices
from matchmaker.services.introductions import MESSAGE_MAX, MESSAGE_MIN, NOTE_MAX


class RequestForm(FlaskForm):
    # Only for a request to an organisation: one of its members, or the staff choose.
    person = SelectField(_l("Whom would you like to meet?"), choices=[], validate_choice=False)
    purpose = RadioField(
        _l("What is the introduction for?"),
        choices=select_choices(INTRODUCTION_PURPOSE_LABELS),
        validators=[InputRequired(message=_l("Choose what the introduction is for."))],
    )
    message = TextAreaField(
        _l("Your message"),
        validators=[
            InputRequired(message=_l("Write a message for them.")),
            Length(
                min=MESSAGE_MIN,
                message=_l("Write a few words for them: at least %(min)d characters."),
            ),
            max_length(MESSAGE_MAX),
        ],
        description=_l(
            "Who you are, what you work on and what you would like to discuss. They read it "
            "before deciding; contact details are shared only if they accept."
        ),
        render_kw={"maxlength": MESSAGE_MAX},
    )


class ActionForm(FlaskForm):
    """A button that changes a request: only the CSRF token."""


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (optional)"),
        validators=[max_length(NOTE_MAX)],
        description=_l("For instance: not the right time, not my field, try a colleague."),
    )
    share_reason = BooleanField(_l("Show this reason to the requester"))
    block = BooleanField(_l("Block further requests from this person"))


class AskStaffForm(FlaskForm):
    note = TextAreaField(
        _l("Note for the staff (optional)"),
        validators=[max_length(NOTE_MAX)],
        description=_l("What you would like them to check or do before you answer."),
    )


class ForwardForm(FlaskForm):
    # Only for a request to an organisation: the member who answers.
    recipient = SelectField(_l("Member who answers"), choices=[], validate_choice=False)
    note = TextAreaField(
        _l("Note for the recipient (optional)"),
        validators=[max_length(NOTE_MAX)],
        description=_l("Shown in the request, for instance why the staff think it is worth it."),
    )


class StaffDeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the requester"),
        validators=[
            InputRequired(message=_l("Tell the requester why, in a few words.")),
            max_length(NOTE_MAX),
        ],
    )


AGE_CHOICES = [
    SelectChoice("", _l("Any age")),
    SelectChoice("7", _l("More than 7 days")),
    SelectChoice("14", _l("More than 14 days")),
    SelectChoice("30", _l("More than 30 days")),
    SelectChoice("90", _l("More than 90 days")),
]


class StaffFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("open", _l("Open (waiting for the staff or the recipient)")),
            SelectChoice("awaits_staff", _l("Waiting for the staff")),
            SelectChoice("awaits_recipient", _l("Waiting for the recipient")),
            *select_choices(INTRODUCTION_STATUS_LABELS),
            SelectChoice("all", _l("All")),
        ],
        default="open",
    )
    older_than = SelectField(_l("Made"), choices=AGE_CHOICES, default="")
    sector = SelectField(
        _l("Requester's sector"),
        choices=[SelectChoice("", _l("Both sectors")), *select_choices(SECTOR_LABELS)],
        default="",
    )
    focus_area = SelectField(
        _l("Focus area"),
        choices=[SelectChoice("", _l("All focus areas")), *select_choices(FOCUS_AREA_LABELS)],
        default="",
    )
