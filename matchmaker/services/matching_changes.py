"""Telling the matching engine that something changed, inside the caller's transaction.

Services that save a profile call :func:`mark_changed` (or :func:`mark_parties`) before their
commit: the scheduler's refresh job then recomputes that party's suggestions against the
fitted index within seconds. Changes the index cannot absorb without refitting (the channel
weights, the vocabulary) call :func:`request_rebuild`: the scheduler rebuilds within a minute.
Nothing here computes suggestions, so any service may call it cheaply.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import (
    MatchingChange,
    MatchingSetting,
    Organisation,
    PartyKind,
    Person,
    utcnow,
)

REBUILD_REQUEST_KEY = "rebuild_requested"
# Rows per INSERT statement: well under SQLite's limit on bound parameters.
_CHUNK = 500


def _upsert_statement(rows: list[dict]):
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(MatchingChange).values(rows)
    return statement.on_conflict_do_update(
        index_elements=["party_kind", "party_id"],
        set_={"queued_at": statement.excluded.queued_at, "refreshed_at": None},
    )


def mark_changed(party_kind: str, ids: Iterable[int], *, when: datetime | None = None) -> int:
    """Queue these parties for a refresh of their suggestions; returns how many were queued."""
    when = when or utcnow()
    unique = sorted({int(i) for i in ids if i is not None})
    for start in range(0, len(unique), _CHUNK):
        rows = [
            {"party_kind": party_kind, "party_id": i, "queued_at": when, "refreshed_at": None}
            for i in unique[start : start + _CHUNK]
        ]
        db.session.execute(_upsert_statement(rows))
    return len(unique)


def mark_parties(*parties: Person | Organisation | None) -> None:
    """:func:`mark_changed` for model objects (flushed first, so that new ones have an id)."""
    present = [party for party in parties if party is not None]
    if not present:
        return
    db.session.flush()
    people = [party.id for party in present if isinstance(party, Person)]
    organisations = [party.id for party in present if isinstance(party, Organisation)]
    if people:
        mark_changed(PartyKind.PERSON.value, people)
    if organisations:
        mark_changed(PartyKind.ORGANISATION.value, organisations)


def request_rebuild(reason: str, *, by_id: int | None = None) -> None:
    """Ask for a full rebuild (weights or vocabulary changed); the scheduler does it."""
    setting = db.session.get(MatchingSetting, REBUILD_REQUEST_KEY)
    now = utcnow()
    value = {"reason": reason, "at": now.isoformat()}
    if setting is None:
        db.session.add(
            MatchingSetting(
                key=REBUILD_REQUEST_KEY, value=value, updated_at=now, updated_by_id=by_id
            )
        )
    else:
        setting.value = value
        setting.updated_at = now
        setting.updated_by_id = by_id


def rebuild_requested_at() -> datetime | None:
    """When a rebuild was last asked for and not done since (None when none is pending)."""
    return db.session.scalar(
        select(MatchingSetting.updated_at).where(MatchingSetting.key == REBUILD_REQUEST_KEY)
    )
