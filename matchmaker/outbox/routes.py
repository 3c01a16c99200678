"""``/organiser/outbox``: pending and failed mail, for organisers."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from matchmaker.mail.labels import category_label, reason_label, status_label
from matchmaker.outbox.forms import MessageActionForm, OutboxFilterForm
from matchmaker.permissions import organiser_required
from matchmaker.services import outbox
from matchmaker.urls import safe_next_url

bp = Blueprint("outbox", __name__, url_prefix="/organiser/outbox")

bp.add_app_template_filter(category_label, "mail_category_label")
bp.add_app_template_filter(status_label, "outbox_status_label")
bp.add_app_template_filter(reason_label, "outbox_reason")


@bp.get("/")
@organiser_required
def index():
    form = OutboxFilterForm(request.args)
    if not form.validate():
        # An unknown filter value in a hand-edited URL: show the default list.
        form = OutboxFilterForm()
    page = request.args.get("page", 1, type=int) or 1
    messages = outbox.list_messages(
        outbox.OutboxFilter(status=form.status.data, category=form.category.data),
        page=page,
        per_page=current_app.config["OUTBOX_PAGE_SIZE"],
    )
    return render_template(
        "outbox/index.html",
        form=form,
        messages=messages,
        counts=outbox.status_counts(),
        action_form=MessageActionForm(),
        filters={"status": form.status.data, "category": form.category.data},
    )


def _act(message_id: int, action, done_message: str):
    form = MessageActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        action(message_id)
    except outbox.OutboxError as error:
        flash(str(error), "error")
    else:
        flash(done_message, "success")
    return redirect(safe_next_url(form.next.data, url_for("outbox.index")))


@bp.post("/<int:message_id>/retry")
@organiser_required
def retry(message_id: int):
    return _act(message_id, outbox.retry, _("The message will be sent again shortly."))


@bp.post("/<int:message_id>/cancel")
@organiser_required
def cancel(message_id: int):
    return _act(message_id, outbox.cancel, _("The message is cancelled and will not be sent."))
