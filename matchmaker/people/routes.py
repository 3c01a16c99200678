"""A person's profile page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import get_locale
from flask_login import current_user

from matchmaker.services import introductions, people

bp = Blueprint("people", __name__)


@bp.get("/people/<int:person_id>")
def show(person_id: int):
    person = people.get_visible_person(person_id, current_user)
    if person is None:
        abort(404)
    target = introductions.Target(person=person)
    option = introductions.request_option(current_user, target)
    suggestion = (
        introductions.suggestion_between(current_user.person, target) if option else None
    )
    return render_template(
        "people/show.html",
        person=person,
        introduction=option,
        suggested_reasons=introductions.describe_reasons(
            suggestion.reasons if suggestion else [], str(get_locale())
        ),
        show_contact=people.can_see_contact_details(current_user, person),
        is_me=current_user.is_authenticated and current_user.id == person.user_id,
    )
