"""My profile: the signed-in person's own profile, language and consent."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker.i18n import SESSION_LOCALE_KEY
from matchmaker.profile.forms import ProfileForm
from matchmaker.services import people
from matchmaker.services.organisations import can_edit_organisation
from matchmaker.services.tags import format_tag_labels

bp = Blueprint("profile", __name__)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def edit():
    person = current_user.person
    form = ProfileForm(obj=person)
    if not form.is_submitted():
        if person is not None:
            form.tags.data = format_tag_labels(person.tags)
        else:
            form.language.data = str(get_locale())
    if form.validate_on_submit():
        data = people.ProfileData(
            full_name=form.full_name.data,
            position=form.position.data or "",
            expertise=form.expertise.data or "",
            offer=form.offer.data or "",
            looking_for=form.looking_for.data or "",
            tag_labels=form.tags.labels,
            orcid=form.orcid.data,
            linkedin_url=form.linkedin_url.data,
            website=form.website.data,
            phone=form.phone.data,
            language=form.language.data,
            visibility=form.visibility.data,
            consent_matching=form.consent_matching.data,
            introductions_via_staff=form.introductions_via_staff.data,
        )
        try:
            saved = people.save_profile(current_user, data)
        except people.ProfileError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            session[SESSION_LOCALE_KEY] = saved.person.language
            # The page after the redirect speaks the chosen language; so should this message.
            refresh()
            flash(_("Your profile is saved."), "success")
            if saved.consent_withdrawn:
                flash(
                    _(
                        "You will no longer be suggested to other members nor invited from "
                        "guest lists. Turn the option back on whenever you like."
                    ),
                    "info",
                )
            return redirect(url_for("profile.edit"))
    return render_template(
        "profile/edit.html",
        form=form,
        person=person,
        can_edit_organisation=person is not None
        and person.organisation is not None
        and can_edit_organisation(current_user, person.organisation),
    )
