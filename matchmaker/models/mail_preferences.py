"""What each person agreed to receive, per mail category, and when their last digest went."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.models.base import Base, UTCDateTime, utcnow
from matchmaker.models.outbox import MailCategory

# Without a row, a person receives invitations and introductions (they joined the cluster for
# them) but not the weekly digest, which is opt-in.
DEFAULT_SUBSCRIBED = {
    MailCategory.INVITATIONS: True,
    MailCategory.INTRODUCTIONS: True,
    MailCategory.DIGESTS: False,
}

# The categories a person can turn off; transactional mail is always sent.
OPTIONAL_CATEGORIES = tuple(DEFAULT_SUBSCRIBED)


class MailPreference(Base):
    __tablename__ = "mail_preferences"
    __table_args__ = (UniqueConstraint("person_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(16))
    subscribed: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # For periodic mail (the digest): when the last one was queued; the next covers what came
    # after it.
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
