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


# The main menu: what members come for.
MENU: list[MenuItem] = [
    MenuItem("main.index", _l("Home"), everyone),
    MenuItem("directory.index", _l("Directory"), members),
    MenuItem("events.index", _l("Events"), members),
    MenuItem("introductions.index", _l("Introductions"), members),
    MenuItem("projects.index", _l("Projects"), members),
    MenuItem("main.organiser_tools", _l("Organisers"), organisers),
]

# Beside the language switch: the signed-in person's own pages.
PERSONAL_MENU: list[MenuItem] = [
    MenuItem("profile.edit", _l("My profile"), members),
    MenuItem("account.index", _l("My account"), members),
]


@dataclass(frozen=True)
class Tool:
    """A staff tool listed on the organisers' page."""

    endpoint: str
    label: object
    description: object
    visible_to: Callable[[object], bool] = organisers


ORGANISER_TOOLS: list[Tool] = [
    Tool(
        "dashboard.index",
        _l("Dashboard"),
        _l(
            "The figures funders ask for: members, events, introductions, startups and matching "
            "health, with charts, CSV and JSON, and the printable annual report."
        ),
    ),
    Tool(
        "pairings.index",
        _l("Matching"),
        _l(
            "The strongest private–public pairings not yet connected, vetoes, weights, "
            "concepts and rebuilds."
        ),
    ),
    Tool(
        "imports.upload",
        _l("Import"),
        _l(
            "Organisations and past collaborations from a CSV file, checked before anything "
            "is written."
        ),
    ),
    Tool(
        "tags.index",
        _l("Tags and synonyms"),
        _l("Merge tags that mean the same thing; merged tags feed the matching vocabulary."),
    ),
    Tool(
        "outbox.index", _l("Outbox"), _l("Mail waiting to be sent or that failed: retry or cancel.")
    ),
    Tool(
        "projects.index",
        _l("Projects"),
        _l("Every collaborative project: filters, the cluster's label, the pipeline, figures."),
    ),
    Tool(
        "introductions.staff_index",
        _l("All introductions"),
        _l("Every request, brokered ones to review, stale ones to nudge, acceptance figures."),
    ),
    Tool("users.index", _l("Users"), _l("Accounts and roles: promote organisers."), admins),
]


def _entries(items: list) -> list[dict]:
    entries = []
    for item in items:
        if not item.visible_to(current_user):
            continue
        blueprint = item.endpoint.partition(".")[0]
        active = request.endpoint == item.endpoint or (
            blueprint != "main" and request.blueprint == blueprint
        )
        entries.append({"url": url_for(item.endpoint), "label": item.label, "active": active})
    return entries


def main_menu() -> list[dict]:
    return _entries(MENU)


def personal_menu() -> list[dict]:
    return _entries(PERSONAL_MENU)


def organiser_tools() -> list[Tool]:
    return [tool for tool in ORGANISER_TOOLS if tool.visible_to(current_user)]
