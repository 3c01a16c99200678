"""Helpers for the account tests: a valid sign-up form, and the links found in sent mail."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tests.support.factories import PASSWORD
from tests.support.mail import links_in


def signup_form(**overrides) -> dict:
    """What a visitor registering a new organisation submits; override any field."""
    data = {
        "full_name": "Camille Durand",
        "email": "camille@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "organisation": "new",
        "organisation_name": "Laboratoire Cellules & Thérapies",
        "organisation_kind": "university_lab",
        "organisation_region": "pays_de_la_loire",
        "organisation_city": "Nantes",
        "position": "Research engineer",
        "language": "en",
        "consent": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def link_path(message, contains: str = "/") -> str:
    """The path and query of the first link in the message's text whose path has ``contains``."""
    for link in links_in(message):
        parts = urlsplit(link)
        if contains in parts.path:
            return parts.path + (f"?{parts.query}" if parts.query else "")
    raise AssertionError(f"no link containing {contains!r} in {message['Subject']!r}")


def messages_to(messages, address: str) -> list:
    return [message for message in messages if address.lower() in message["To"].lower()]


def page_text(response) -> str:
    return response.get_data(as_text=True)


def field_error(response, field_id: str) -> str:
    """The error shown under a field (the macro's ``<p class="error" id="...-error">``)."""
    found = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', page_text(response))
    return found.group(1) if found else ""


def main_content(response) -> str:
    """The page's ``<main>``, without the header's ever-changing CSRF token."""
    html = page_text(response)
    return html[html.index("<main") : html.index("</main>")]
