"""A person's profile page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from matchmaker.services import people

bp = Blueprint("people", __name__)


@bp.get("/people/<int:person_id>")
def show(person_id: int):
    person = people.get_visible_person(person_id, current_user)
    if person is None:
        abort(404)
    return render_template(
        "people/show.html",
        person=person,
        show_contact=people.can_see_contact_details(current_user, person),
        is_me=current_user.is_authenticated and current_user.id == person.user_id,
    )
