"""Helpers for the account tests: a valid sign-up form, and the links found in sent mail."""

from __future__ import annotations

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
