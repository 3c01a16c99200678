"""What the engine stored, and what it must respect: suggestions, connections and vetoes.

A *party* is a person or an organisation, written as a kind (``"person"`` or ``"organisation"``)
and an id. Pairs are stored in a canonical order (the smaller ``(kind, id)`` first) so that one
row answers for both directions.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.models.base import Base, UTCDateTime, utcnow


class PartyKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


Party = tuple[str, int]


def ordered_pair(a: Party, b: Party) -> tuple[Party, Party]:
    return (a, b) if (a[0], a[1]) <= (b[0], b[1]) else (b, a)


class Suggestion(Base):
    """One candidate in a party's stored top list, with the reasons the engine gave."""

    __tablename__ = "suggestions"
    __table_args__ = (
        Index("ix_suggestions_source", "source_kind", "source_id", "rank"),
        Index("ix_suggestions_candidate", "candidate_kind", "candidate_id"),
        UniqueConstraint(
            "source_kind", "source_id", "candidate_kind", "candidate_id", name="uq_suggestions_pair"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_kind: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[int] = mapped_column(Integer)
    candidate_kind: Mapped[str] = mapped_column(String(16))
    candidate_id: Mapped[int] = mapped_column(Integer)
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    # Per channel: expertise, offer_to_need, need_to_offer.
    channels: Mapped[dict] = mapped_column(JSON, default=dict)
    # [{"channel": ..., "concept": key or null, "term": surface form, "weight": float}, ...]
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When this candidate first entered the source's list; recomputing the pair keeps it, so
    # the weekly digest can tell what is new since the previous one.
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConnectionVia(StrEnum):
    INTRODUCTION = "introduction"
    EVENT = "event"
    COLLABORATION = "collaboration"
    PROJECT = "project"


class Connection(Base):
    """Two parties known to each other: the single answer to "have these two already met?"."""

    __tablename__ = "connections"
    __table_args__ = (
        UniqueConstraint("a_kind", "a_id", "b_kind", "b_id", "via", "source_ref"),
        Index("ix_connections_b", "b_kind", "b_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    a_kind: Mapped[str] = mapped_column(String(16))
    a_id: Mapped[int] = mapped_column(Integer)
    b_kind: Mapped[str] = mapped_column(String(16))
    b_id: Mapped[int] = mapped_column(Integer)
    via: Mapped[str] = mapped_column(String(16))
    # The id of the introduction, event or project it came from (0 when none, e.g. an import).
    source_ref: Mapped[int] = mapped_column(Integer, default=0)
    occurred_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Veto(Base):
    """An organiser's "never suggest this pair", kept with who decided it and why.

    Lifting a veto keeps the row (who lifted it and when): the audit trail stays whole, and the
    same pair may be vetoed again later as a new row.
    """

    __tablename__ = "vetoes"
    __table_args__ = (Index("ix_vetoes_pair", "a_kind", "a_id", "b_kind", "b_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    a_kind: Mapped[str] = mapped_column(String(16))
    a_id: Mapped[int] = mapped_column(Integer)
    b_kind: Mapped[str] = mapped_column(String(16))
    b_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class HiddenSuggestion(Base):
    """A member's "not for me" on a suggestion: they no longer see that person or organisation
    among what is suggested to them (or to their organisation). Theirs alone: it changes
    nothing for the other side, nor for their colleagues; "show again" deletes the row."""

    __tablename__ = "hidden_suggestions"
    __table_args__ = (UniqueConstraint("person_id", "candidate_kind", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    candidate_kind: Mapped[str] = mapped_column(String(16))
    candidate_id: Mapped[int] = mapped_column(Integer)
    # A HideReason code: why, for the organisers' view of how the suggestions land.
    reason: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MatchingChange(Base):
    """A party whose profile changed and whose suggestions need a refresh.

    One row per party: a new change moves ``queued_at`` forward. The refresh job takes the rows
    not refreshed since their last change; a rebuild forgets the rows it covered. The rows left
    since the last rebuild tell how much has changed (when to rebuild again).
    """

    __tablename__ = "matching_changes"
    __table_args__ = (
        PrimaryKeyConstraint("party_kind", "party_id"),
        Index("ix_matching_changes_queued_at", "queued_at"),
    )

    party_kind: Mapped[str] = mapped_column(String(16))
    party_id: Mapped[int] = mapped_column(Integer)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MatchingRunStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class MatchingRun(Base):
    """One full rebuild of the suggestions: when, how long, on how much, and its outcome."""

    __tablename__ = "matching_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What started it: "command", "scheduler", "demo", "benchmark"...
    trigger: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=MatchingRunStatus.RUNNING.value)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    organisations: Mapped[int] = mapped_column(Integer, default=0)
    people: Mapped[int] = mapped_column(Integer, default=0)
    collaborations: Mapped[int] = mapped_column(Integer, default=0)
    suggestions: Mapped[int] = mapped_column(Integer, default=0)
    # The channel weights the run used, for reading its results later.
    weights: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class MatchingSetting(Base):
    """Organisers' settings of the engine (the channel weights...), one JSON value per key."""

    __tablename__ = "matching_settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
