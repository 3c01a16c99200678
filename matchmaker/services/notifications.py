"""In-app notifications: any feature tells a person something, with a link to act on it.

:func:`notify` adds a notification inside the caller's transaction (like ``mail.enqueue``): it
exists only if the use case that decided it commits. The text is rendered at once in the
person's language. Members see an unread count in the header and read them on
``/notifications``, which marks them read.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import func, select, update

from matchmaker.extensions import db
from matchmaker.models import Notification, Person, utcnow

TEXT_MAX = 1000
LINK_MAX = 500


def notify(person: Person, kind: str, text, *, link: str | None = None) -> Notification:
    """Queue a notification for ``person`` in the current transaction (the caller commits).

    ``text`` is a string or a lazy string (``lazy_gettext("... %(name)s", name=...)``), turned
    into the person's language here. ``link`` is a path on this site
    (:func:`matchmaker.urls.site_path`). ``kind`` names what it is about, e.g.
    ``"introduction.received"``.
    """
    with force_locale(person.language or "fr"):
        rendered = str(text)
    notification = Notification(
        person_id=person.id,
        kind=kind[:40],
        text=rendered[:TEXT_MAX],
        link=(link or None) and link[:LINK_MAX],
        created_at=utcnow(),
    )
    db.session.add(notification)
    return notification


def unread_count(person: Person) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.person_id == person.id, Notification.read_at.is_(None))
        )
        or 0
    )


def latest(person: Person, limit: int = 50) -> list[Notification]:
    """The person's notifications, newest first."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.person_id == person.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_read(person: Person, *, up_to_id: int | None = None, now: datetime | None = None) -> int:
    """Mark the person's unread notifications read, those up to ``up_to_id`` when given (the
    newest one they were shown: one that arrived meanwhile stays unread); one commit."""
    statement = (
        update(Notification)
        .where(Notification.person_id == person.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    if up_to_id is not None:
        statement = statement.where(Notification.id <= up_to_id)
    changed = db.session.execute(statement).rowcount or 0
    db.session.commit()
    return changed
