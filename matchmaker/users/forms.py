from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SearchField, SelectField
from wtforms.fields import SelectChoice

from matchmaker import domain
from matchmaker.forms import select_choices


class UserFilterForm(FlaskForm):
    """The search box above the list: read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name or email"))
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice("", _l("All roles")), *select_choices(domain.ROLE_LABELS)],
        validate_choice=False,
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=select_choices(domain.ROLE_LABELS))
    next = HiddenField()
