"""Administrators list the accounts and decide who is member, organiser or admin."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from matchmaker.domain import ROLE_LABELS
from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.permissions import admin_required
from matchmaker.services import accounts
from matchmaker.templating import label_of
from matchmaker.urls import safe_next_url
from matchmaker.users.forms import RoleForm, UserFilterForm

bp = Blueprint("users", __name__, url_prefix="/admin/users")


@bp.get("")
@admin_required
def index():
    filters = UserFilterForm(request.args)
    page = request.args.get("page", 1, type=int)
    users = accounts.list_users(
        search=filters.q.data or "",
        role=filters.role.data or "",
        page=max(page, 1),
        per_page=current_app.config["USERS_PAGE_SIZE"],
    )
    return render_template("users/index.html", filters=filters, users=users)


@bp.post("/<int:user_id>/role")
@admin_required
def set_role(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = RoleForm()
    back = safe_next_url(form.next.data, url_for("users.index"))
    if not form.validate_on_submit():
        flash(_("Choose member, organiser or admin."), "error")
        return redirect(back)
    actor = current_user._get_current_object()
    try:
        accounts.set_role(user, form.role.data, actor=actor)
    except accounts.NotAllowed:
        abort(403)
    except accounts.AccountError as error:
        flash(error.message, "error")
        return redirect(back)
    flash(
        _(
            "%(email)s is now %(role)s.",
            email=user.email,
            role=label_of(ROLE_LABELS, form.role.data).lower(),
        ),
        "success",
    )
    # An admin who just gave up the role can no longer see this page.
    return redirect(back if actor.is_admin else url_for("main.index"))
