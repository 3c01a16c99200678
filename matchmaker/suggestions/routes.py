"""A member's suggestions: all of them (the home page shows the first few), "not for me" on
each, and the list of what they hid (to show it again)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker.domain import HIDE_REASON_LABELS
from matchmaker.services import matching, suggestions
from matchmaker.services.errors import ServiceError
from matchmaker.suggestions.forms import HideForm, PartyForm
from matchmaker.urls import safe_next_url

bp = Blueprint("suggestions", __name__, url_prefix="/suggestions")


@bp.app_template_global()
def hide_reason_choices() -> list[tuple[str, str]]:
    """The reasons offered by "Not for me" on every suggestion card, in the reader's language."""
    return [(reason.value, str(label)) for reason, label in HIDE_REASON_LABELS.items()]


def _user():
    return current_user._get_current_object()


@bp.get("/")
@login_required
def index():
    """Everything stored for the member and their organisation, not only the home page's few."""
    return render_template(
        "suggestions/index.html",
        suggested=suggestions.home_suggestions(_user(), limit=matching.depth()),
    )


@bp.post("/hide")
@login_required
def hide():
    form = HideForm()
    if not form.validate_on_submit():
        # The card's own form always sends a valid choice: this is a hand-made request.
        message = _("Choose why you hide this suggestion.") if form.reason.errors else None
        abort(400, description=message)
    try:
        name = suggestions.hide_suggestion(
            _user(), form.kind.data, form.candidate_id.data, form.reason.data
        )
    except ServiceError as error:
        abort(error.status, description=error.message)
    flash(
        _(
            "%(name)s will not be suggested to you any more. You can change your mind under "
            "Hidden suggestions.",
            name=name,
        ),
        "success",
    )
    return redirect(safe_next_url(form.next.data, url_for("main.index")))


@bp.get("/hidden")
@login_required
def hidden():
    try:
        items = suggestions.hidden_suggestions(_user())
    except ServiceError as error:
        abort(error.status, description=error.message)
    return render_template(
        "suggestions/hidden.html", items=items, action_form=PartyForm(formdata=None)
    )


@bp.post("/show-again")
@login_required
def show_again():
    form = PartyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        name = suggestions.show_again(_user(), form.kind.data, form.candidate_id.data)
    except ServiceError as error:
        abort(error.status, description=error.message)
    flash(_("%(name)s may be suggested to you again.", name=name), "success")
    return redirect(url_for("suggestions.hidden"))
