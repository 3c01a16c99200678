"""Organisations of the cluster and the focus areas they work in."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, case, false
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.domain import PUBLIC_KINDS, OrganisationKind, Region, Sector
from matchmaker.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from matchmaker.models.accounts import Person
    from matchmaker.models.tags import Tag


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Identifier from an imported file; re-importing updates the row that carries it.
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(32), default=OrganisationKind.OTHER.value)
    region: Mapped[str] = mapped_column(String(40), default=Region.OTHER.value, index=True)
    city: Mapped[str] = mapped_column(String(120), default="")
    website: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    offer: Mapped[str] = mapped_column(Text, default="")
    looking_for: Mapped[str] = mapped_column(Text, default="")
    founded_year: Mapped[int | None] = mapped_column(Integer)
    cluster_startup: Mapped[bool] = mapped_column(Boolean, default=False)
    startup_created_on: Mapped[date | None] = mapped_column(Date)
    # Introduction requests to the organisation or its members go to the cluster staff first.
    introductions_via_staff: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # Folded name, city, texts and tags, kept up to date on every flush (models/search.py).
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    people: Mapped[list[Person]] = relationship(
        back_populates="organisation", order_by="Person.full_name"
    )
    tags: Mapped[list[Tag]] = relationship(secondary="organisation_tags", order_by="Tag.label")
    focus_area_links: Mapped[list[OrganisationFocusArea]] = relationship(
        cascade="all, delete-orphan", order_by="OrganisationFocusArea.focus_area"
    )

    @hybrid_property
    def sector(self) -> str:
        return OrganisationKind(self.kind).sector.value

    @sector.inplace.expression
    @classmethod
    def _sector_expression(cls):
        return case(
            (cls.kind.in_([k.value for k in PUBLIC_KINDS]), Sector.PUBLIC.value),
            else_=Sector.PRIVATE.value,
        )

    @property
    def focus_areas(self) -> list[str]:
        return [link.focus_area for link in self.focus_area_links]

    @focus_areas.setter
    def focus_areas(self, codes: list[str]) -> None:
        wanted = list(dict.fromkeys(codes))
        kept = [link for link in self.focus_area_links if link.focus_area in wanted]
        present = {link.focus_area for link in kept}
        self.focus_area_links = kept + [
            OrganisationFocusArea(focus_area=code) for code in wanted if code not in present
        ]

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"


class OrganisationFocusArea(Base):
    __tablename__ = "organisation_focus_areas"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    focus_area: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
