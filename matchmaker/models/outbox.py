"""The mail outbox: every message the platform sends is first a row here."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from matchmaker.models.accounts import Person


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class MailCategory(StrEnum):
    # Transactional mail (confirmations, password resets, accepted introductions) is always sent.
    TRANSACTIONAL = "transactional"
    INVITATIONS = "invitations"
    DIGESTS = "digests"
    INTRODUCTIONS = "introductions"


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        # Drainers take rows in (send_after, id) order: with id in the index that is an index
        # scan that stops at the first unlocked row, not a sort of every due row.
        Index("ix_outbox_messages_due", "status", "send_after", "id"),
        Index("ix_outbox_messages_category_status", "category", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    to_email: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(120), default="")
    locale: Mapped[str] = mapped_column(String(2), default="fr")
    category: Mapped[str] = mapped_column(String(16), default=MailCategory.TRANSACTIONAL.value)
    template: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # Extra headers (List-Unsubscribe...) and attachments ({filename, content_type, content}).
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    # The same key can only be queued once: a second invitation to one person is refused.
    dedupe_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # A drainer that claimed the row owns it until this time; after that another may retry it.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    person: Mapped[Person | None] = relationship()
