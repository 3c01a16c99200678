"""Events (afterworks, the congress, workshops), the invitation of each guest, and what
attendees said they got out of it.

An :class:`Invitation` is one person's line on one event's guest list, from the generator's
proposal to the door: ``proposed`` → ``locked`` / ``excluded`` → ``invited`` → ``yes`` /
``no`` / ``maybe`` / ``waitlisted`` → ``came`` / ``no_show``. Who met whom is not stored here:
it is a :class:`~matchmaker.models.matching.Connection` (via ``event``, ``source_ref`` = the
event's id).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from matchmaker.models.accounts import Person
    from matchmaker.models.tags import Tag


class EventKind(StrEnum):
    AFTERWORK = "afterwork"
    CONGRESS = "congress"
    WORKSHOP = "workshop"


class InvitationState(StrEnum):
    PROPOSED = "proposed"  # put on the list by the generator
    LOCKED = "locked"  # kept by the organiser (or added by hand): regenerating keeps it
    EXCLUDED = "excluded"  # taken off by the organiser: regenerating never proposes them again
    INVITED = "invited"  # invitation scheduled or sent, no answer yet
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"
    WAITLISTED = "waitlisted"  # said yes while the event was full
    CAME = "came"
    NO_SHOW = "no_show"  # said yes, did not come


# Lines still being drafted: not invited yet, free to change.
DRAFT_STATES = frozenset({InvitationState.PROPOSED, InvitationState.LOCKED})
# People the guest list counts (everyone but those taken off it).
LISTED_STATES = frozenset(set(InvitationState) - {InvitationState.EXCLUDED})
# Invited people who can still answer.
ANSWERABLE_STATES = frozenset(
    {
        InvitationState.INVITED,
        InvitationState.YES,
        InvitationState.NO,
        InvitationState.MAYBE,
        InvitationState.WAITLISTED,
    }
)
# States holding one of the event's places.
PLACE_STATES = frozenset({InvitationState.YES, InvitationState.CAME})


class InvitationSource(StrEnum):
    GENERATED = "generated"
    MANUAL = "manual"  # added by hand by an organiser
    REGISTERED = "registered"  # the member registered on an open event
    WALK_IN = "walk_in"  # came without being on the list


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


event_tags = Table(
    "event_tags",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)

# The cluster's staff running the event (shown on its page, organiser of the calendar entry).
event_organisers = Table(
    "event_organisers",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Identifier from an import or the demo; loading it again finds the same row.
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default=EventKind.AFTERWORK.value)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(Text, default="")
    focus_areas: Mapped[list] = mapped_column(JSON, default=list)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    venue: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column(Integer, default=70)
    # Share of private-sector guests the list aims at (0..1).
    private_share: Mapped[float] = mapped_column(Float, default=0.5)
    registration_open: Mapped[bool] = mapped_column(Boolean, default=False)
    # Guest-list settings, kept from one generation to the next.
    per_organisation_cap: Mapped[int] = mapped_column(Integer, default=2)
    # Relative weights of the cluster's regions ({} = no regional preference).
    region_weights: Mapped[dict] = mapped_column(JSON, default=dict)
    guest_list_size: Mapped[int | None] = mapped_column(Integer)
    guest_list_generated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Days before the start when those who said yes get a reminder (None: no reminder).
    reminder_days_before: Mapped[int | None] = mapped_column(Integer, default=2)
    # The calendar entry's UID for the event's whole life, and its SEQUENCE: each update or
    # the cancellation raises it, so calendars replace the entry they have.
    calendar_uid: Mapped[str] = mapped_column(String(255), unique=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    tags: Mapped[list[Tag]] = relationship(secondary=event_tags, order_by="Tag.label")
    organisers: Mapped[list[Person]] = relationship(
        secondary=event_organisers, order_by="Person.full_name"
    )
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title}>"


class Invitation(Base):
    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("event_id", "person_id"),
        Index("ix_invitations_event_state", "event_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=InvitationState.PROPOSED.value)
    source: Mapped[str] = mapped_column(String(16), default=InvitationSource.GENERATED.value)
    # The last answer given (kept after check-in, for the figures).
    answer: Mapped[str | None] = mapped_column(String(8))
    # What the generator said: the guest's value on the list, their place, and why.
    score: Mapped[float | None] = mapped_column(Float)
    rank: Mapped[int | None] = mapped_column(Integer)
    reasons: Mapped[dict] = mapped_column(JSON, default=dict)
    # False when the invitation could not be mailed (unsubscribed, no consent).
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the invitation was (or is scheduled to be) sent.
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event: Mapped[Event] = relationship(back_populates="invitations")
    person: Mapped[Person] = relationship()

    def __repr__(self) -> str:
        return f"<Invitation {self.event_id}:{self.person_id} {self.state}>"


class EventFeedback(Base):
    """An attendee's answer to "who did you meet, anything to follow up?"."""

    __tablename__ = "event_feedback"
    __table_args__ = (UniqueConstraint("event_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # Whom they said they met (the Connections are the record; this is what they ticked).
    met_person_ids: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    wants_follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    person: Mapped[Person] = relationship()
