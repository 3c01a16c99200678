"""Locale choice and locale-aware formatting shared by pages, emails and exports."""

from __future__ import annotations

from flask import current_app, g, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from flask_login import current_user

LOGIN_REQUIRED_MESSAGE = _l("Please log in to see this page.")
SESSION_LOCALE_KEY = "locale"


def supported_locales() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def speak_to(person) -> None:
    """Pages opened from an emailed link without logging in answer in the recipient's language
    (unless the reader picked one with the switch)."""
    if person is not None and person.language in supported_locales():
        g.recipient_locale = person.language
        refresh()


def select_locale() -> str:
    """The signed-in person's saved language, else the one chosen in this session, else the
    language of the person an emailed link was for, else the browser's."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    if current_user.is_authenticated and current_user.person is not None:
        return current_user.person.language
    chosen = session.get(SESSION_LOCALE_KEY)
    if chosen in supported_locales():
        return chosen
    if g.get("recipient_locale") in supported_locales():
        return g.recipient_locale
    return request.accept_languages.best_match(supported_locales()) or default
