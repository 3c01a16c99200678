"""Tags (normalised labels people and organisations choose) and the bilingual concepts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.base import Base, UTCDateTime, utcnow

organisation_tags = Table(
    "organisation_tags",
    Base.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)

person_tags = Table(
    "person_tags",
    Base.metadata,
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(80))
    # Case, accents and spacing folded: two spellings of one tag share this key.
    normalised: Mapped[str] = mapped_column(String(80), unique=True)
    # Set when an organiser merged this tag into another: typing it now means the other one.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("tags.id", ondelete="SET NULL"), index=True
    )
    concept_id: Mapped[int | None] = mapped_column(
        ForeignKey("concepts.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    merged_into: Mapped[Tag | None] = relationship(remote_side=[id])
    concept: Mapped[Concept | None] = relationship(back_populates="tags")

    def __repr__(self) -> str:
        return f"<Tag {self.label}>"


class Concept(Base):
    """A concept organisers added to the engine's vocabulary, on top of the file in the repo."""

    __tablename__ = "concepts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    label_fr: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    terms: Mapped[list[ConceptTerm]] = relationship(
        back_populates="concept", cascade="all, delete-orphan", order_by="ConceptTerm.term"
    )
    tags: Mapped[list[Tag]] = relationship(back_populates="concept")


class ConceptTerm(Base):
    __tablename__ = "concept_terms"
    __table_args__ = (UniqueConstraint("concept_id", "normalised"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    concept_id: Mapped[int] = mapped_column(ForeignKey("concepts.id", ondelete="CASCADE"))
    term: Mapped[str] = mapped_column(String(120))
    normalised: Mapped[str] = mapped_column(String(120), index=True)
    language: Mapped[str | None] = mapped_column(String(2))

    concept: Mapped[Concept] = relationship(back_populates="terms")
