"""Connections: "these two know each other", written by whichever use case learnt it.

An accepted introduction, a joint project, a meeting at an event or an imported collaboration
each add one row (in the caller's transaction); the engine's exclusions, contact details and
the figures read them. Writing one here also drops the pair from the stored suggestions, so
pages stop suggesting them at once.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from matchmaker.database import is_postgresql
from matchmaker.extensions import db
from matchmaker.models import Connection, ConnectionVia, ordered_pair, utcnow
from matchmaker.models.matching import Party
from matchmaker.services.matching import forget_pair


def add_connection(
    first: Party,
    second: Party,
    *,
    via: ConnectionVia,
    occurred_on: date,
    source_ref: int = 0,
    created_at: datetime | None = None,
) -> None:
    """Record the pair (canonical order) in the caller's transaction; the caller commits.

    Recording the same pair twice for the same reason (two attendees naming each other at
    the same moment) keeps one row and raises nothing.
    """
    (a_kind, a_id), (b_kind, b_id) = ordered_pair(first, second)
    insert = postgresql_insert if is_postgresql(db.engine) else sqlite_insert
    db.session.execute(
        insert(Connection)
        .values(
            a_kind=a_kind,
            a_id=a_id,
            b_kind=b_kind,
            b_id=b_id,
            via=via.value,
            source_ref=source_ref,
            occurred_on=occurred_on,
            created_at=created_at or utcnow(),
        )
        .on_conflict_do_nothing()
    )
    forget_pair((a_kind, a_id), (b_kind, b_id))
