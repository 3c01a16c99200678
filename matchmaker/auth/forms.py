from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from matchmaker import domain
from matchmaker.forms import EmailField, email_validators, region_choices, select_choices
from matchmaker.passwords import MIN_LENGTH, password_problem


class PasswordRules:
    """The shared password rules; ``email_field`` names the field the password must differ from."""

    def __init__(self, email_field: str | None = None):
        self.email_field = email_field

    def __call__(self, form, field):
        email = form[self.email_field].data if self.email_field else None
        problem = password_problem(field.data or "", email)
        if problem:
            raise ValidationError(problem)


def required_email_field(label=None, autocomplete="email"):
    return EmailField(
        label or _l("Email"),
        validators=[InputRequired(message=_l("Enter your email address.")), *email_validators()],
        render_kw={"autocomplete": autocomplete},
    )


class NewPasswordForm(FlaskForm):
    """A new password typed twice; sign-up, reset and settings all extend it."""

    password_email_field: str | None = None

    password = PasswordField(
        _l("New password"),
        validators=[InputRequired(message=_l("Choose a password."))],
        description=_l(
            "At least %(count)d characters. A short sentence is easy to remember and hard "
            "to guess.",
            count=MIN_LENGTH,
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            InputRequired(message=_l("Type the password a second time.")),
            EqualTo("password", message=_l("The two passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_password(self, field):
        PasswordRules(self.password_email_field)(self, field)


class LoginForm(FlaskForm):
    email = required_email_field(autocomplete="username")
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Remember me on this device"))
    next = HiddenField()


NEW_ORGANISATION = "new"


class SignUpForm(NewPasswordForm):
    password_email_field = "email"

    full_name = StringField(
        _l("Full name"),
        validators=[InputRequired(message=_l("Enter your full name.")), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    email = required_email_field()
    organisation = SelectField(
        _l("Your organisation"),
        validate_choice=False,
        description=_l("Not in the list? Choose the last option and register it below."),
    )
    organisation_name = StringField(
        _l("Name of the organisation"),
        validators=[Length(max=200)],
        render_kw={"autocomplete": "organization"},
    )
    organisation_kind = SelectField(
        _l("Kind of organisation"),
        validate_choice=False,
        description=_l("The sector (public or private) follows from the kind."),
    )
    organisation_region = SelectField(_l("Region"), validate_choice=False)
    organisation_city = StringField(_l("City"), validators=[Length(max=120)])
    position = StringField(
        _l("Your role or position there"),
        validators=[InputRequired(message=_l("Enter your role or position.")), Length(max=120)],
        render_kw={"autocomplete": "organization-title"},
    )
    language = RadioField(_l("Preferred language"), choices=select_choices(domain.LANGUAGE_LABELS))
    consent = BooleanField(
        _l("I agree to be contacted by other members and to be suggested as a match"),
        validators=[
            InputRequired(
                message=_l("Membership means being contacted and suggested: tick the box to agree.")
            )
        ],
        description=_l(
            "This is what the platform is for. Who sees your profile is your choice, on your "
            "profile page."
        ),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.password.label.text = _("Password")
        self.organisation.choices = [
            SelectChoice("", _("Choose your organisation")),
            *[
                SelectChoice(str(o.id), f"{o.name} ({o.city})" if o.city else o.name)
                for o in organisations
            ],
            SelectChoice(NEW_ORGANISATION, _("My organisation is not in the list: register it")),
        ]
        # The sector follows from the kind, so each kind says which sector it belongs to.
        self.organisation_kind.choices = [
            SelectChoice("", _("Choose the kind")),
            *[
                SelectChoice(
                    kind.value,
                    _(
                        "%(kind)s (%(sector)s sector)",
                        kind=label,
                        sector=str(domain.SECTOR_LABELS[kind.sector]).lower(),
                    ),
                )
                for kind, label in domain.KIND_LABELS.items()
            ],
        ]
        self.organisation_region.choices = [
            SelectChoice("", _("Choose the region")),
            *region_choices(),
        ]

    @property
    def organisation_id(self) -> int | None:
        value = self.organisation.data or ""
        return int(value) if value.isdigit() else None

    @property
    def wants_new_organisation(self) -> bool:
        # Without JavaScript both parts show; filling in a new name is as clear as choosing "new".
        if self.organisation.data == NEW_ORGANISATION:
            return True
        return self.organisation_id is None and bool((self.organisation_name.data or "").strip())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.wants_new_organisation:
            missing = (
                (self.organisation_name, _("Enter the name of your organisation.")),
                (self.organisation_kind, _("Choose the kind of organisation.")),
                (self.organisation_region, _("Choose the region.")),
                (self.organisation_city, _("Enter the city.")),
            )
            for field, message in missing:
                if not (field.data or "").strip():
                    field.errors = [*field.errors, message]
                    valid = False
        elif self.organisation_id is None:
            self.organisation.errors = [
                *self.organisation.errors,
                _("Choose your organisation in the list, or register a new one."),
            ]
            valid = False
        return valid


class EmailOnlyForm(FlaskForm):
    """Asking for a link by email: a new confirmation link, or a password reset."""

    email = required_email_field()


class ResetPasswordForm(NewPasswordForm):
    pass
