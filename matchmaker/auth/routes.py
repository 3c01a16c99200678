"""Logging in and out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from matchmaker.auth.forms import LoginForm
from matchmaker.services import accounts
from matchmaker.urls import safe_next_url

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        outcome = accounts.authenticate(form.email.data, form.password.data, request.remote_addr)
        if outcome.user is not None:
            login_user(outcome.user, remember=form.remember.data)
            return redirect(safe_next_url(form.next.data, url_for("main.index")))
        form.password.errors.append(outcome.message)
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))
