"""Signing up, confirming the address, logging in and out, and resetting a forgotten password."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_timedelta, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from matchmaker.auth.forms import EmailOnlyForm, LoginForm, ResetPasswordForm, SignUpForm
from matchmaker.forms import show_error
from matchmaker.services import accounts
from matchmaker.services.organisations import organisations_by_name
from matchmaker.urls import safe_next_url

bp = Blueprint("auth", __name__)

SIGNED_UP_EMAIL_KEY = "signed_up_email"


def link_problem(error: accounts.AccountError, retry_url: str, retry_label: str):
    """A clear page for a link that cannot be used, with the way to get a working one."""
    page = render_template(
        "auth/link_problem.html", error=error, retry_url=retry_url, retry_label=retry_label
    )
    return page, 400


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    status, headers, unconfirmed = 200, {}, False
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data, request.remote_addr)
        except accounts.LoginThrottled as error:
            show_error(form, error.message)
            status, headers = 429, {"Retry-After": str(error.retry_after)}
        except accounts.LoginRefused as error:
            show_error(form, error.message, error.field)
            unconfirmed = isinstance(error, accounts.EmailNotConfirmed)
        else:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url(form.next.data, url_for("main.index")))
    page = render_template("auth/login.html", form=form, unconfirmed=unconfirmed)
    return page, status, headers


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignUpForm(organisations=organisations_by_name(), language=str(get_locale()))
    if form.validate_on_submit():
        new_organisation = None
        if form.wants_new_organisation:
            new_organisation = accounts.NewOrganisation(
                name=form.organisation_name.data,
                kind=form.organisation_kind.data,
                region=form.organisation_region.data,
                city=form.organisation_city.data,
            )
        try:
            user = accounts.sign_up(
                full_name=form.full_name.data,
                email=form.email.data,
                password=form.password.data,
                position=form.position.data,
                language=form.language.data,
                consent=form.consent.data,
                organisation_id=None if new_organisation else form.organisation_id,
                new_organisation=new_organisation,
            )
        except accounts.AccountError as error:
            show_error(form, error.message, error.field)
        else:
            session[SIGNED_UP_EMAIL_KEY] = user.email
            return redirect(url_for("auth.signup_done"))
    return render_template("auth/signup.html", form=form)


@bp.get("/signup/done")
def signup_done():
    valid_for = format_timedelta(current_app.config["EMAIL_TOKEN_MAX_AGE_SECONDS"])
    return render_template(
        "auth/signup_done.html", email=session.get(SIGNED_UP_EMAIL_KEY), valid_for=valid_for
    )


@bp.get("/confirm/<token>")
def confirm_email(token: str):
    try:
        accounts.confirm_email(token)
    except accounts.InvalidLink as error:
        return link_problem(
            error, url_for("auth.resend_confirmation"), _("Send me a new confirmation link")
        )
    session.pop(SIGNED_UP_EMAIL_KEY, None)
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    flash(_("Your email address is confirmed. You can log in now."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/confirm/resend", methods=["GET", "POST"])
def resend_confirmation():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        accounts.resend_confirmation(form.email.data)
        # The same answer whether or not the address has an account: it reveals nothing.
        flash(
            _(
                "If an unconfirmed account uses %(email)s, we have sent it a new confirmation "
                "link. Check your inbox, and your spam folder.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/resend_confirmation.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        flash(
            _(
                "If an account uses %(email)s, we have sent it a link to choose a new password. "
                "The link is valid for %(duration)s.",
                email=form.email.data,
                duration=format_timedelta(current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"]),
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    retry = (url_for("auth.forgot_password"), _("Ask for a new link"))
    try:
        accounts.user_for_password_reset(token)
    except accounts.InvalidLink as error:
        return link_problem(error, *retry)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except accounts.InvalidLink as error:
            return link_problem(error, *retry)
        except accounts.AccountError as error:
            show_error(form, error.message, error.field)
        else:
            # Whoever was logged in on this browser, the new password is the way back in.
            logout_user()
            flash(_("Your password has been changed. You can log in with it now."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)
