"""The main menu: one list, each feature adds its entries here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user


def everyone(user) -> bool:
    return True


def members(user) -> bool:
    return user.is_authenticated


def organisers(user) -> bool:
    return user.is_authenticated and user.is_organiser


def admins(user) -> bool:
    return user.is_authenticated and user.is_admin


@dataclass(frozen=True)
class MenuItem:
    endpoint: str
    label: object
    visible_to: Callable[[object], bool]


MENU: list[MenuItem] = [
    MenuItem("main.index", _l("Home"), everyone),
    MenuItem("directory.index", _l("Directory"), members),
    MenuItem("profile.edit", _l("My profile"), members),
    MenuItem("account.index", _l("My account"), members),
    MenuItem("tags.index", _l("Tags"), organisers),
    MenuItem("pairings.index", _l("Matching"), organisers),
    MenuItem("imports.upload", _l("Import"), organisers),
    MenuItem("users.index", _l("Users"), admins),
    MenuItem("outbox.index", _l("Outbox"), organisers),
]


def main_menu() -> list[dict]:
    items = []
    for item in MENU:
        if not item.visible_to(current_user):
            continue
        blueprint = item.endpoint.partition(".")[0]
        active = request.endpoint == item.endpoint or (
            blueprint != "main" and request.blueprint == blueprint
        )
        items.append({"url": url_for(item.endpoint), "label": item.label, "active": active})
    return items
