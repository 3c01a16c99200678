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
    MenuItem("introductions.index", _l("My introductions"), members),
    MenuItem("account.index", _l("My account"), members),
    MenuItem("tags.index", _l("Tags"), organisers),
    MenuItem("users.index", _l("Users"), admins),
    MenuItem("introductions.staff_index", _l("All introductions"), organisers),
    MenuItem("outbox.index", _l("Outbox"), organisers),
]


def main_menu() -> list[dict]:
    visible = [item for item in MENU if item.visible_to(current_user)]
    exact = any(item.endpoint == request.endpoint for item in visible)
    items = []
    blueprint_marked = False
    for item in visible:
        blueprint = item.endpoint.partition(".")[0]
        # Other pages of a feature highlight its first entry (a feature may have two).
        active = item.endpoint == request.endpoint or (
            not exact
            and not blueprint_marked
            and blueprint != "main"
            and request.blueprint == blueprint
        )
        blueprint_marked = blueprint_marked or (active and item.endpoint != request.endpoint)
        items.append({"url": url_for(item.endpoint), "label": item.label, "active": active})
    return items
