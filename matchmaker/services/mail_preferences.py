"""Changing what a person receives: from their preferences page or an unsubscribe link."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from matchmaker.extensions import db
from matchmaker.mail.outbox import UNSUBSCRIBE_PURPOSE
from matchmaker.mail.preferences import subscriptions
from matchmaker.models import OPTIONAL_CATEGORIES, MailCategory, MailPreference, Person, utcnow
from matchmaker.security import TokenError, read_recipient_token


class PreferenceLinkError(Exception):
    """An unsubscribe link that is forged, altered, expired or for someone who left."""


def preferences_of(person: Person) -> dict[MailCategory, bool]:
    return subscriptions(person.id)


def _store(person_id: int, category: MailCategory, subscribed: bool) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    statement = insert(MailPreference).values(
        person_id=person_id, category=category.value, subscribed=subscribed, changed_at=now
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["person_id", "category"],
            set_={"subscribed": subscribed, "changed_at": now},
        )
    )


def update_preferences(person: Person, chosen: dict[MailCategory, bool]) -> list[MailCategory]:
    """Save the person's choices (categories not given keep theirs); returns what changed."""
    current = subscriptions(person.id)
    changed = []
    for category in OPTIONAL_CATEGORIES:
        if category in chosen and bool(chosen[category]) != current[category]:
            _store(person.id, category, bool(chosen[category]))
            changed.append(category)
    db.session.commit()
    return changed


@dataclass(frozen=True)
class UnsubscribeLink:
    person: Person
    category: MailCategory
    subscribed: bool


def read_unsubscribe_link(token: str) -> UnsubscribeLink:
    """Whom and what an unsubscribe link is about; nothing is changed."""
    try:
        claims = read_recipient_token(
            UNSUBSCRIBE_PURPOSE, token, current_app.config["MAIL_UNSUBSCRIBE_MAX_AGE_SECONDS"]
        )
        category = MailCategory(claims.data.get("category"))
    except (TokenError, ValueError) as exc:
        raise PreferenceLinkError(
            _("This unsubscribe link is not valid. Log in to change your email preferences.")
        ) from exc
    person = db.session.get(Person, claims.person_id)
    if person is None or category not in OPTIONAL_CATEGORIES:
        raise PreferenceLinkError(_("This unsubscribe link is no longer valid."))
    return UnsubscribeLink(person, category, subscriptions(person.id)[category])


def unsubscribe_by_link(token: str, *, subscribe: bool = False) -> UnsubscribeLink:
    """Turn the link's category off (or back on with ``subscribe``) for the link's person."""
    link = read_unsubscribe_link(token)
    if link.subscribed != subscribe:
        _store(link.person.id, link.category, subscribe)
    db.session.commit()
    return UnsubscribeLink(link.person, link.category, subscribe)
