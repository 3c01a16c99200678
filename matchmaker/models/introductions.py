"""Introduction requests between members, their history, and who blocked whom."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.domain import (
    INTRODUCED_STATUSES,
    OPEN_INTRODUCTION_STATUSES,
    IntroductionStatus,
)
from matchmaker.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from matchmaker.models.accounts import Person, User
    from matchmaker.models.organisations import Organisation


class IntroductionRequest(Base):
    """A member asks to be introduced to a person, or to an organisation (the staff then choose
    the person who answers). The recipient accepts, declines or expires it; brokered requests
    are reviewed by the staff before they reach the recipient."""

    __tablename__ = "introduction_requests"
    __table_args__ = (
        Index("ix_introduction_requests_requester_created", "requester_id", "created_at"),
        Index("ix_introduction_requests_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    # "person" or "organisation": what the requester asked for.
    target_kind: Mapped[str] = mapped_column(String(16))
    target_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    target_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    # Who answers: the target person, or the member the staff chose in the target organisation.
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    # A copy of the engine's suggestion between the two parties when the request was made:
    # [{"channel", "concept", "term", "weight"}], and its score (suggestions are rebuilt).
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    score: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default=IntroductionStatus.REQUESTED.value)
    # The staff review it before the recipient sees it (brokered mode, or an organisation asked).
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    # The staff are part of it (they reviewed it, or the recipient asked them to join): they
    # are copied on the introduction.
    staff_involved: Mapped[bool] = mapped_column(Boolean, default=False)
    broker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    declined_by: Mapped[str | None] = mapped_column(String(16))  # "recipient" | "staff"
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    decline_reason_shared: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When it reached the recipient (at once, or when the staff forwarded it).
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the recipient (or the staff, declining) gave an answer.
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    nudge_count: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    project_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    requester: Mapped[Person] = relationship(foreign_keys=[requester_id])
    target_person: Mapped[Person | None] = relationship(foreign_keys=[target_person_id])
    target_organisation: Mapped[Organisation | None] = relationship()
    recipient: Mapped[Person | None] = relationship(foreign_keys=[recipient_id])
    broker: Mapped[User | None] = relationship()
    events: Mapped[list[IntroductionEvent]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="(IntroductionEvent.created_at, IntroductionEvent.id)",
    )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_INTRODUCTION_STATUSES

    @property
    def awaits_staff(self) -> bool:
        return self.status == IntroductionStatus.REQUESTED and self.needs_review

    @property
    def awaits_recipient(self) -> bool:
        return self.is_open and not self.awaits_staff and self.recipient_id is not None

    @property
    def introduced(self) -> bool:
        return self.status in INTRODUCED_STATUSES

    @property
    def target_name(self) -> str:
        if self.target_person is not None:
            return self.target_person.full_name
        return self.target_organisation.name if self.target_organisation is not None else ""

    def __repr__(self) -> str:
        return f"<IntroductionRequest {self.id} {self.status}>"


class IntroductionEvent(Base):
    """One line of a request's history: what happened, who did it, when, with a note."""

    __tablename__ = "introduction_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("introduction_requests.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[str] = mapped_column(String(24))
    # None when the platform did it (expiry, reminders).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    # A note the requester may not read (a decline reason the recipient kept for the staff).
    note_private: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    request: Mapped[IntroductionRequest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class IntroductionBlock(Base):
    """``blocker`` no longer receives introduction requests from ``blocked``."""

    __tablename__ = "introduction_blocks"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    blocked: Mapped[Person] = relationship(foreign_keys=[blocked_id])
