from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    DateField,
    Field,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from matchmaker.domain import (
    FOCUS_AREA_LABELS,
    PARTNER_ROLE_LABELS,
    PROJECT_STATUS_LABELS,
    PROJECT_VISIBILITY_LABELS,
    ProjectVisibility,
)
from matchmaker.forms import MultiCheckboxField, TagsField, max_length, select_choices
from matchmaker.services.projects import (
    AMOUNT_MAX,
    CALL_MAX,
    EXPERTISE_MAX,
    FUNDER_MAX,
    MESSAGE_MAX,
    NOTE_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
)

DATE_MESSAGE = _l("Enter a date like 2026-03-31.")
SAME_ROLE_MAX = 3


class RoleCountsField(Field):
    """How many partners of each kind a call requires: one number per role, read as a list of
    role codes with repeats (``["academic_lab", "academic_lab", "cdmo"]``), as stored.

    Renders one select (0 to SAME_ROLE_MAX) per role, named ``<field>-<role>``. Checkbox-style
    posts of ``<field>=<role>`` (one per partner) are read too.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.data = []

    def roles(self) -> list[tuple[str, str, int]]:
        """(code, label, how many) for every role, in the list's order."""
        data = self.data or []
        return [
            (role.value, str(label), data.count(role.value))
            for role, label in PARTNER_ROLE_LABELS.items()
        ]

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        posted = formdata is not None and any(
            key == self.name or key.startswith(f"{self.name}-") for key in formdata
        )
        if not posted:
            self.data = list(data or [])
            return
        roles = [str(value) for value in formdata.getlist(self.name)]
        out_of_range = False
        for code, _label, _count in self.roles():
            raw = (formdata.get(f"{self.name}-{code}") or "0").strip()
            if not raw.isdigit() or int(raw) > SAME_ROLE_MAX:
                out_of_range = True
                continue
            roles.extend([code] * int(raw))
        if out_of_range:
            self.process_errors.append(
                _l("Choose between 0 and %(max)d partners of each kind.", max=SAME_ROLE_MAX)
            )
        self.data = roles

    def __call__(self, **kwargs):
        rows = []
        for code, label, count in self.roles():
            select_id = f"{self.id}-{code}"
            options = "".join(
                f'<option value="{n}"{" selected" if n == count else ""}>{n}</option>'
                for n in range(SAME_ROLE_MAX + 1)
            )
            rows.append(
                f'<li><label for="{select_id}">{escape(label)}</label> '
                f'<select id="{select_id}" name="{self.name}-{code}">{options}</select></li>'
            )
        return Markup(f'<ul class="choices role-counts">{"".join(rows)}</ul>')


def euros(label, description=None):
    return IntegerField(
        label,
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=AMOUNT_MAX,
                message=_l("Enter an amount in whole euros, without spaces or symbols."),
            ),
        ],
        description=description,
        render_kw={"inputmode": "numeric"},
    )


class ProjectForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[InputRequired(message=_l("Enter the project's title.")), max_length(TITLE_MAX)],
    )
    summary = TextAreaField(
        _l("Summary"),
        validators=[max_length(SUMMARY_MAX)],
        description=_l("What the project will do, in a few sentences."),
    )
    needed_expertise = TextAreaField(
        _l("Expertise the project needs"),
        validators=[max_length(EXPERTISE_MAX)],
        description=_l(
            "What partners must bring (methods, equipment, know-how): partners are suggested "
            "from it."
        ),
    )
    tags = TagsField(_l("Expertise tags"))
    focus_areas = MultiCheckboxField(_l("Focus areas"), choices=select_choices(FOCUS_AREA_LABELS))
    funder = StringField(
        _l("Funder"),
        validators=[max_length(FUNDER_MAX)],
        description=_l("For instance Région Pays de la Loire, Bpifrance, ANR, Horizon Europe."),
        render_kw={"list": "funders"},
    )
    call_name = StringField(_l("Funding call"), validators=[max_length(CALL_MAX)])
    call_deadline = DateField(
        _l("Call deadline"), validators=[Optional()], invalid_value_message=DATE_MESSAGE
    )
    required_roles = RoleCountsField(
        _l("Partners the call requires"),
        description=_l(
            "How many of each kind: the consortium builder proposes a partner for every place "
            "your own organisation does not fill."
        ),
    )
    amount_requested_eur = euros(_l("Amount requested (euros)"))
    visibility = RadioField(
        _l("Who may see the project"),
        choices=select_choices(PROJECT_VISIBILITY_LABELS),
        default=ProjectVisibility.MEMBERS.value,
        description=_l(
            "An idea is only seen by its partners and the cluster staff, whatever you choose."
        ),
    )


class StatusForm(FlaskForm):
    status = SelectField(_l("Next step"), choices=[])
    on = DateField(
        _l("Date of this step"),
        validators=[Optional()],
        invalid_value_message=DATE_MESSAGE,
        description=_l("The day it happened; today if left empty."),
    )
    amount_granted_eur = euros(_l("Amount granted (euros)"), _l("When the project is approved."))
    note = TextAreaField(_l("Note (optional)"), validators=[max_length(NOTE_MAX)])

    def set_choices(self, statuses) -> None:
        self.status.choices = [
            SelectChoice(status.value, PROJECT_STATUS_LABELS[status]) for status in statuses
        ]


class InviteForm(FlaskForm):
    role = SelectField(_l("Role in the consortium"), choices=select_choices(PARTNER_ROLE_LABELS))
    organisation_id = IntegerField(validators=[Optional()])
    person_id = IntegerField(validators=[Optional()])
    message = TextAreaField(_l("Message (optional)"), validators=[max_length(MESSAGE_MAX)])


class LeaveForm(FlaskForm):
    reason = TextAreaField(
        _l("Why you leave (optional)"),
        validators=[max_length(NOTE_MAX)],
        description=_l("The other partners will read it."),
    )


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Any status")), *select_choices(PROJECT_STATUS_LABELS)],
        validators=[Optional()],
    )
    focus_area = SelectField(
        _l("Focus area"),
        choices=[SelectChoice("", _l("Any focus area")), *select_choices(FOCUS_AREA_LABELS)],
        validators=[Optional()],
    )
    labelled = SelectField(
        _l("Label"),
        choices=[
            SelectChoice("", _l("Labelled or not")),
            SelectChoice("yes", _l("Labelled by the cluster")),
            SelectChoice("no", _l("Not labelled")),
        ],
        validators=[Optional()],
    )
