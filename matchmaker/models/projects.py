"""Collaborative projects: from an idea to a funded consortium, with its partners and history.

A :class:`Project` moves along ``idea`` → ``forming`` → ``submitted`` → ``approved`` /
``rejected`` → ``running`` → ``finished`` (``matchmaker.domain.PROJECT_TRANSITIONS``); each
move is a :class:`ProjectStatusChange` row (who, when). Its consortium is its
:class:`ProjectMember` rows: a person (and their organisation) in a role, invited, then
accepted or declined. That the partners now know each other is not stored here: it is a
:class:`~matchmaker.models.matching.Connection` (via ``project``, ``source_ref`` = the project).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.domain import (
    ProjectMemberState,
    ProjectStatus,
    ProjectVisibility,
)
from matchmaker.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from matchmaker.models.accounts import Person, User
    from matchmaker.models.organisations import Organisation
    from matchmaker.models.tags import Tag


project_tags = Table(
    "project_tags",
    Base.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (Index("ix_projects_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Identifier from the demo; loading it again finds the same row.
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    # What the consortium must know how to do: the engine ranks partners against it.
    needed_expertise: Mapped[str] = mapped_column(Text, default="")
    focus_areas: Mapped[list] = mapped_column(JSON, default=list)
    # The funding call it targets.
    funder: Mapped[str] = mapped_column(String(120), default="")
    call_name: Mapped[str] = mapped_column(String(200), default="")
    call_deadline: Mapped[date | None] = mapped_column(Date)
    # The partner roles the call requires (PartnerRole codes, one per slot, repeats allowed).
    required_roles: Mapped[list] = mapped_column(JSON, default=list)
    amount_requested_eur: Mapped[int | None] = mapped_column(BigInteger)
    amount_granted_eur: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default=ProjectStatus.IDEA.value)
    visibility: Mapped[str] = mapped_column(String(16), default=ProjectVisibility.MEMBERS.value)
    proposing_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # "Labelled by the cluster": the cluster's endorsement, which funders ask for.
    labelled_by_cluster: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    labelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    labelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Dates of the pipeline's milestones (Paris days), kept when the project moves on.
    submitted_on: Mapped[date | None] = mapped_column(Date, index=True)
    approved_on: Mapped[date | None] = mapped_column(Date, index=True)
    rejected_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    tags: Mapped[list[Tag]] = relationship(secondary=project_tags, order_by="Tag.label")
    proposing_organisation: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    labelled_by: Mapped[User | None] = relationship(foreign_keys=[labelled_by_id])
    members: Mapped[list[ProjectMember]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(ProjectMember.created_at, ProjectMember.id)",
    )
    history: Mapped[list[ProjectStatusChange]] = relationship(
        back_populates="project",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(ProjectStatusChange.changed_at, ProjectStatusChange.id)",
    )

    @property
    def is_draft(self) -> bool:
        return self.status == ProjectStatus.IDEA

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.title}>"


class ProjectMember(Base):
    """One partner of a consortium: a person for an organisation, in a role."""

    __tablename__ = "project_members"
    __table_args__ = (UniqueConstraint("project_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    # A PartnerRole code: the slot of the call this partner fills.
    role: Mapped[str] = mapped_column(String(24))
    # The proposer's line: the coordinator is never invited and cannot be removed.
    coordinator: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16), default=ProjectMemberState.INVITED.value)
    message: Mapped[str] = mapped_column(Text, default="")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    project: Mapped[Project] = relationship(back_populates="members")
    person: Mapped[Person | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def is_partner(self) -> bool:
        return self.state == ProjectMemberState.ACCEPTED

    def __repr__(self) -> str:
        return f"<ProjectMember {self.project_id}:{self.person_id} {self.state}>"


class ProjectStatusChange(Base):
    """One step of a project's pipeline (or its labelling): from, to, who, when."""

    __tablename__ = "project_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    # None for the creation line.
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    # "status" for a pipeline move, "labelled" / "unlabelled" for the cluster's label.
    what: Mapped[str] = mapped_column(String(16), default="status")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    project: Mapped[Project] = relationship(back_populates="history")
    changed_by: Mapped[User | None] = relationship()
