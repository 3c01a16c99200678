"""The directory: a GET form of filters over organisations and people."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker.directory.forms import DirectoryForm
from matchmaker.services import directory
from matchmaker.services.tags import find_tag

bp = Blueprint("directory", __name__)

SHOW_CHOICES = ("organisations", "people")


def _filters_from(form: DirectoryForm) -> directory.DirectoryFilters:
    """The filters that passed validation; a field in error is left out (its message shows)."""
    form.validate()

    def valid(field) -> str:
        return "" if field.errors else (field.data or "")

    tag, unknown_tag = None, False
    if not form.tag.errors and form.tag.labels:
        if len(form.tag.labels) > 1:
            form.tag.errors.append(_("Choose one tag."))
        else:
            tag = find_tag(form.tag.labels[0])
            if tag is None:
                unknown_tag = True
                form.tag.errors.append(_("No tag is called “%(label)s”.", label=form.tag.labels[0]))
    return directory.DirectoryFilters(
        text=valid(form.q),
        sector=valid(form.sector),
        kind=valid(form.kind),
        region=valid(form.region),
        focus_area=valid(form.focus_area),
        tag=tag,
        unknown_tag=unknown_tag,
    )


@bp.get("/directory")
@login_required
def index():
    form = DirectoryForm(formdata=request.args)
    filters = _filters_from(form)
    show = request.args.get("show")
    page_text = request.args.get("page", "1")
    results = directory.search(
        filters,
        current_user,
        show=show if show in SHOW_CHOICES else None,
        page=int(page_text) if page_text.isdigit() else 1,
        per_page=current_app.config["DIRECTORY_PAGE_SIZE"],
    )
    # Links to other pages and tabs keep every filter.
    kept_args = {
        key: value for key, value in request.args.items() if key not in ("page", "show") and value
    }
    return render_template(
        "directory/index.html",
        form=form,
        results=results,
        kept_args=kept_args,
    )
