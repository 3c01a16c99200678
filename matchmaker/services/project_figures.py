"""The organisers' figures on collaborative projects, for funders: queries, no counters.

Each figure counts projects by the date of its own milestone, in Paris days, ``since`` and
``until`` included:

* ``proposed`` — created in the period; ``labelled`` — labelled by the cluster in the period
  (``labelled_at``; a label taken back no longer counts);
* ``submitted`` / ``approved`` / ``rejected`` — ``submitted_on`` / ``approved_on`` /
  ``rejected_on`` in the period; ``funding_requested_eur`` sums the amounts asked by the
  projects submitted in the period, ``funding_granted_eur`` the amounts granted to those
  approved in it;
* the consortia figures are about the projects submitted in the period (whatever the outcome):
  ``consortia_public_partners`` / ``consortia_private_partners`` count partner organisations
  (accepted members, the coordinator's included) of each sector, one per project;
  ``mixed_consortia`` the projects with partners of both sectors;
* ``by_year`` — per calendar year: proposed, labelled, approved and granted, as above.

``region`` keeps the projects whose proposing organisation is in that region as the funders
count it (:func:`matchmaker.domain.cluster_region`: one of the cluster's three regions, or
``"other"``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import aliased

from matchmaker.domain import CLUSTER_REGIONS, ProjectMemberState, Region, Sector
from matchmaker.extensions import db
from matchmaker.models import Organisation, Project, ProjectMember

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class ProjectYear:
    year: int
    proposed: int
    labelled: int
    approved: int
    funding_granted_eur: int


@dataclass(frozen=True)
class ProjectFigures:
    proposed: int
    labelled: int
    submitted: int
    approved: int
    rejected: int
    funding_requested_eur: int
    funding_granted_eur: int
    by_year: tuple[ProjectYear, ...]
    consortia_public_partners: int
    consortia_private_partners: int
    mixed_consortia: int


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=PARIS).astimezone(UTC)


def _region_clause(region: str | None):
    if not region:
        return None
    proposer = aliased(Organisation)
    if region in CLUSTER_REGIONS:
        inside = select(proposer.id).where(proposer.region == region)
        return Project.proposing_organisation_id.in_(inside)
    if region != Region.OTHER:
        raise ValueError(f"unknown region for the figures: {region}")
    in_cluster = select(proposer.id).where(proposer.region.in_([r.value for r in CLUSTER_REGIONS]))
    return or_(
        Project.proposing_organisation_id.is_(None),
        Project.proposing_organisation_id.not_in(in_cluster),
    )


def _between_days(column, since: date | None, until: date | None) -> list:
    clauses = [column.is_not(None)]
    if since is not None:
        clauses.append(column >= since)
    if until is not None:
        clauses.append(column <= until)
    return clauses


def _between_moments(column, since: date | None, until: date | None) -> list:
    clauses = [column.is_not(None)]
    if since is not None:
        clauses.append(column >= _start_of(since))
    if until is not None:
        clauses.append(column < _start_of(until + timedelta(days=1)))
    return clauses


def project_figures(
    *, since: date | None = None, until: date | None = None, region: str | None = None
) -> ProjectFigures:
    region_clause = _region_clause(region)
    scope = [region_clause] if region_clause is not None else []

    def count(*clauses) -> int:
        return int(db.session.scalar(select(func.count(Project.id)).where(*scope, *clauses)) or 0)

    def total(column, *clauses) -> int:
        return int(
            db.session.scalar(select(func.coalesce(func.sum(column), 0)).where(*scope, *clauses))
            or 0
        )

    submitted = _between_days(Project.submitted_on, since, until)
    approved = _between_days(Project.approved_on, since, until)
    labelled = [
        Project.labelled_by_cluster.is_(True),
        *_between_moments(Project.labelled_at, since, until),
    ]

    # Partner organisations of the projects submitted in the period, one per project.
    partner = aliased(Organisation)
    participations = (
        select(
            ProjectMember.project_id.label("project_id"),
            partner.sector.label("sector"),
        )
        .join(Project, Project.id == ProjectMember.project_id)
        .join(partner, partner.id == ProjectMember.organisation_id)
        .where(ProjectMember.state == ProjectMemberState.ACCEPTED.value, *scope, *submitted)
        .group_by(ProjectMember.project_id, partner.id, partner.kind)
        .subquery()
    )
    by_sector = dict(
        db.session.execute(
            select(participations.c.sector, func.count()).group_by(participations.c.sector)
        ).all()
    )
    mixed = (
        select(participations.c.project_id)
        .group_by(participations.c.project_id)
        .having(func.count(distinct(participations.c.sector)) == 2)
        .subquery()
    )

    return ProjectFigures(
        proposed=count(*_between_moments(Project.created_at, since, until)),
        labelled=count(*labelled),
        submitted=count(*submitted),
        approved=count(*approved),
        rejected=count(*_between_days(Project.rejected_on, since, until)),
        funding_requested_eur=total(Project.amount_requested_eur, *submitted),
        funding_granted_eur=total(Project.amount_granted_eur, *approved),
        by_year=_by_year(scope, since, until, labelled, approved),
        consortia_public_partners=int(by_sector.get(Sector.PUBLIC.value, 0)),
        consortia_private_partners=int(by_sector.get(Sector.PRIVATE.value, 0)),
        mixed_consortia=int(db.session.scalar(select(func.count()).select_from(mixed)) or 0),
    )


def _paris_year(moment: datetime) -> int:
    return moment.astimezone(PARIS).year


def _by_year(scope, since, until, labelled, approved) -> tuple[ProjectYear, ...]:
    """Per year, from the milestone dates themselves (moments read as Paris days)."""
    proposed: dict[int, int] = defaultdict(int)
    labels: dict[int, int] = defaultdict(int)
    approvals: dict[int, int] = defaultdict(int)
    granted: dict[int, int] = defaultdict(int)
    for (created_at,) in db.session.execute(
        select(Project.created_at).where(
            *scope, *_between_moments(Project.created_at, since, until)
        )
    ):
        proposed[_paris_year(created_at)] += 1
    for (labelled_at,) in db.session.execute(select(Project.labelled_at).where(*scope, *labelled)):
        labels[_paris_year(labelled_at)] += 1
    for approved_on, amount in db.session.execute(
        select(Project.approved_on, Project.amount_granted_eur).where(*scope, *approved)
    ):
        approvals[approved_on.year] += 1
        granted[approved_on.year] += amount or 0
    years = sorted(set(proposed) | set(labels) | set(approvals))
    return tuple(
        ProjectYear(year, proposed[year], labels[year], approvals[year], granted[year])
        for year in years
    )
