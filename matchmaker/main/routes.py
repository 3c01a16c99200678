"""The home page and the language switch."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from matchmaker.i18n import SESSION_LOCALE_KEY
from matchmaker.navigation import organiser_tools as list_organiser_tools
from matchmaker.permissions import organiser_required
from matchmaker.services.accounts import set_preferred_language
from matchmaker.services.suggestions import home_suggestions
from matchmaker.urls import safe_next_url

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    suggested = home_suggestions(current_user) if current_user.is_authenticated else None
    return render_template("main/index.html", suggested=suggested)


@bp.post("/language")
def set_language():
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    session[SESSION_LOCALE_KEY] = language
    if current_user.is_authenticated and current_user.person is not None:
        set_preferred_language(current_user.person, language)
    return redirect(safe_next_url(request.form.get("next"), url_for("main.index")))


@bp.get("/organiser")
@organiser_required
def organiser_tools():
    return render_template("main/organiser_tools.html", tools=list_organiser_tools())
