"""Connections: "these two know each other", written by whichever use case learnt it.

An accepted introduction, a joint project, a meeting at an event or an imported collaboration
each add one row (in the caller's transaction); the engine's exclusions, contact details and
the figures read them.
"""

from __future__ import annotations

from datetime import date, datetime

from matchmaker.extensions import db
from matchmaker.models import Connection, ConnectionVia, ordered_pair, utcnow
from matchmaker.models.matching import Party


def add_connection(
    first: Party,
    second: Party,
    *,
    via: ConnectionVia,
    occurred_on: date,
    source_ref: int = 0,
    created_at: datetime | None = None,
) -> Connection:
    """Add the pair (stored in canonical order) to the session; the caller commits."""
    (a_kind, a_id), (b_kind, b_id) = ordered_pair(first, second)
    connection = Connection(
        a_kind=a_kind,
        a_id=a_id,
        b_kind=b_kind,
        b_id=b_id,
        via=via.value,
        source_ref=source_ref,
        occurred_on=occurred_on,
        created_at=created_at or utcnow(),
    )
    db.session.add(connection)
    return connection
