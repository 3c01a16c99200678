"""Locale choice and locale-aware formatting shared by pages, emails and exports."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

LOGIN_REQUIRED_MESSAGE = _l("Please log in to see this page.")
SESSION_LOCALE_KEY = "locale"


def supported_locales() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    """The person's saved language, else the one chosen in this session, else the browser's."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    if current_user.is_authenticated and current_user.person is not None:
        return current_user.person.language
    chosen = session.get(SESSION_LOCALE_KEY)
    if chosen in supported_locales():
        return chosen
    return request.accept_languages.best_match(supported_locales()) or default
