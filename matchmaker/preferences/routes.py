"""Email preferences (logged in) and unsubscribe links (no login: the link is the key)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker.extensions import csrf
from matchmaker.i18n import speak_to
from matchmaker.mail.labels import category_label
from matchmaker.preferences.forms import MailPreferencesForm
from matchmaker.services import mail_preferences
from matchmaker.services.mail_preferences import PreferenceLinkError

bp = Blueprint("preferences", __name__)


@bp.route("/account/mail", methods=["GET", "POST"])
@login_required
def edit():
    person = current_user.person
    if person is None:
        abort(404)
    form = MailPreferencesForm()
    if form.validate_on_submit():
        changed = mail_preferences.update_preferences(person, form.chosen())
        if changed:
            flash(_("Your email preferences are saved."), "success")
        else:
            flash(_("Nothing changed in your email preferences."), "info")
        return redirect(url_for("preferences.edit"))
    if request.method == "GET":
        form.fill(mail_preferences.preferences_of(person))
    return render_template("preferences/edit.html", form=form, person=person)


@bp.route("/email/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail clients POST here without a session; the signed token is the key
def unsubscribe(token: str):
    try:
        if request.method == "GET":
            # Link checkers open links: a GET only asks, it never unsubscribes.
            link = mail_preferences.read_unsubscribe_link(token)
            done = False
        else:
            link = mail_preferences.unsubscribe_by_link(
                token, subscribe=request.form.get("action") == "subscribe"
            )
            done = True
    except PreferenceLinkError as error:
        return render_template("preferences/invalid_link.html", message=str(error)), 400
    speak_to(link.person)
    return render_template(
        "preferences/unsubscribe.html",
        link=link,
        done=done,
        token=token,
        category=category_label(link.category),
    )
