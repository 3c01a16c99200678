"""Who may receive which category of mail: read by ``enqueue`` and again by the drainer.

Transactional mail (confirmations, resets) always goes out. Every other category needs the
person's consent (``Person.consent_matching``) and their subscription to that category; a
person without a preference row gets the category's default (:data:`DEFAULT_SUBSCRIBED`).
"""

from __future__ import annotations

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import (
    DEFAULT_SUBSCRIBED,
    OPTIONAL_CATEGORIES,
    MailCategory,
    MailPreference,
    Person,
)


def is_optional(category: str) -> bool:
    return category != MailCategory.TRANSACTIONAL


def subscriptions(person_id: int) -> dict[MailCategory, bool]:
    """Each optional category and whether the person is subscribed to it (defaults filled in)."""
    stored = dict(
        db.session.execute(
            select(MailPreference.category, MailPreference.subscribed).where(
                MailPreference.person_id == person_id
            )
        ).all()
    )
    return {
        category: bool(stored.get(category.value, DEFAULT_SUBSCRIBED[category]))
        for category in OPTIONAL_CATEGORIES
    }


def may_receive(person_id: int | None, category: str, *, executor=None) -> bool:
    """True if mail of ``category`` may be sent to this person now.

    ``executor`` is the connection to read with (the drainer's), else the session."""
    if not is_optional(category):
        return True
    if person_id is None:
        return False
    row = (executor or db.session).execute(
        select(Person.consent_matching, MailPreference.subscribed)
        .select_from(Person)
        .outerjoin(
            MailPreference,
            (MailPreference.person_id == Person.id) & (MailPreference.category == category),
        )
        .where(Person.id == person_id)
    ).first()
    if row is None or not row.consent_matching:
        return False
    if row.subscribed is None:
        return DEFAULT_SUBSCRIBED.get(MailCategory(category), False)
    return bool(row.subscribed)
