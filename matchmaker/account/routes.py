"""The signed-in person's account: password and email address."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from matchmaker.account.forms import ChangeEmailForm, ChangePasswordForm
from matchmaker.auth.routes import link_problem
from matchmaker.forms import show_error
from matchmaker.services import accounts

bp = Blueprint("account", __name__, url_prefix="/account")


def render_account(password_form=None, email_form=None):
    return render_template(
        "account/index.html",
        password_form=password_form or ChangePasswordForm(prefix="password", formdata=None),
        email_form=email_form or ChangeEmailForm(prefix="email", formdata=None),
    )


@bp.get("")
@login_required
def index():
    return render_account()


@bp.post("/password")
@login_required
def change_password():
    form = ChangePasswordForm(prefix="password")
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(user, form.current_password.data, form.password.data)
        except accounts.AccountError as error:
            show_error(form, error.message, error.field)
        else:
            # The new session version ends every other session; this one carries on.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            login_user(user, remember=remembered in request.cookies)
            flash(
                _("Your password has been changed. Other devices have been logged out."), "success"
            )
            return redirect(url_for("account.index"))
    return render_account(password_form=form)


@bp.post("/email")
@login_required
def change_email():
    form = ChangeEmailForm(prefix="email")
    if form.validate_on_submit():
        try:
            accounts.request_email_change(
                current_user._get_current_object(), form.email.data, form.current_password.data
            )
        except accounts.AccountError as error:
            show_error(form, error.message, error.field)
        else:
            flash(
                _(
                    "We have sent a confirmation link to %(email)s. Your address changes when "
                    "you follow it.",
                    email=form.email.data,
                ),
                "info",
            )
            return redirect(url_for("account.index"))
    return render_account(email_form=form)


@bp.post("/email/cancel")
@login_required
def cancel_email_change():
    accounts.cancel_email_change(current_user._get_current_object())
    flash(_("The change of email address is cancelled."), "info")
    return redirect(url_for("account.index"))


@bp.get("/email/confirm/<token>")
def confirm_email_change(token: str):
    retry = (url_for("account.index"), _("Go to my account"))
    try:
        user = accounts.confirm_email_change(token)
    except (accounts.InvalidLink, accounts.EmailTaken) as error:
        return link_problem(error, *retry)
    flash(_("Your email address is now %(email)s.", email=user.email), "success")
    if current_user.is_authenticated:
        return redirect(url_for("account.index"))
    return redirect(url_for("auth.login"))
