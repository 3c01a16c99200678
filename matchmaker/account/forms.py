from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import InputRequired

from matchmaker.auth.forms import NewPasswordForm, required_email_field


def current_password_field():
    return PasswordField(
        _l("Current password"),
        validators=[InputRequired(message=_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = current_password_field()


class ChangeEmailForm(FlaskForm):
    email = required_email_field(label=_l("New email address"))
    current_password = current_password_field()
