"""Funding rounds that startups declare, for the funders' figures on the cluster's startups."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from matchmaker.models.organisations import Organisation


class RoundKind(StrEnum):
    PRE_SEED = "pre_seed"
    SEED = "seed"
    SERIES_A = "series_a"
    SERIES_B = "series_b"
    LATER = "later"  # series C and beyond
    NON_DILUTIVE = "non_dilutive"  # grants, innovation loans, prizes
    OTHER = "other"


class FundingRound(Base):
    """One round a startup raised: when, how much, what kind, from whom (as they declared it)."""

    __tablename__ = "funding_rounds"
    __table_args__ = (
        Index("ix_funding_rounds_organisation_raised", "organisation_id", "raised_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    raised_on: Mapped[date] = mapped_column(Date, index=True)
    # Whole euros: rounds run to hundreds of millions, beyond a 32-bit integer.
    amount_eur: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16), default=RoundKind.SEED.value)
    investors: Mapped[str] = mapped_column(Text, default="")
    declared_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    def __repr__(self) -> str:
        return f"<FundingRound {self.organisation_id} {self.raised_on} {self.amount_eur}>"
