from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import InputRequired

from matchmaker.forms import MultiCheckboxField, max_length


class MergeTagsForm(FlaskForm):
    """Choices are the tags that are not aliases yet; the view fills them in."""

    target = RadioField(
        _l("Tag to keep"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose the tag to keep."))],
        validate_choice=False,
    )
    sources = MultiCheckboxField(_l("Tags to merge into it"), coerce=int, validate_choice=False)
    label_fr = StringField(
        _l("French label of the concept"),
        validators=[max_length(120)],
        description=_l("Optional: how the matching engine names this concept in French."),
    )
    label_en = StringField(
        _l("English label of the concept"),
        validators=[max_length(120)],
        description=_l("Optional: how the matching engine names this concept in English."),
    )


class TagFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Find a tag"), validators=[max_length(80)])
