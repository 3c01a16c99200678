from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.fields.choices import SelectChoice

from matchmaker.domain import FOCUS_AREA_LABELS, KIND_LABELS, REGION_LABELS, SECTOR_LABELS
from matchmaker.forms import TagsField, TagsInput, max_length, select_choices


def _any(labels: dict):
    def build():
        return [SelectChoice(value="", label=_("Any")), *select_choices(labels)]

    return build


class DirectoryForm(FlaskForm):
    """The directory's GET form: bookmarkable, works without JavaScript."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Search"),
        validators=[max_length(200)],
        description=_l("Names, expertise, descriptions; accents and capitals do not matter."),
    )
    sector = SelectField(_l("Sector"), choices=_any(SECTOR_LABELS), default="")
    kind = SelectField(_l("Kind"), choices=_any(KIND_LABELS), default="")
    region = SelectField(_l("Region"), choices=_any(REGION_LABELS), default="")
    focus_area = SelectField(_l("Focus area"), choices=_any(FOCUS_AREA_LABELS), default="")
    tag = TagsField(
        _l("Tag"),
        validators=[max_length(80)],
        widget=TagsInput(multiple=False),
        description="",
    )
