"""Projects with their milestones already behind them, written directly with their dates: the
dashboard's figures are about the past, which the services only ever write as "today"."""

from __future__ import annotations

from datetime import UTC, date, datetime

from matchmaker.extensions import db
from matchmaker.models import Organisation, Project, ProjectMember
from tests.support.factories import make_organisation


def dated_project(
    proposer: Organisation,
    *,
    created: datetime,
    partners: tuple[Organisation, ...] = (),
    **values,
) -> Project:
    project = Project(
        title=values.pop("title", f"A project of {proposer.name}"),
        proposing_organisation_id=proposer.id,
        created_at=created,
        **values,
    )
    project.members = [
        ProjectMember(
            organisation_id=partner.id,
            role="any_public" if partner.sector == "public" else "any_private",
            coordinator=partner.id == proposer.id,
            state="accepted",
        )
        for partner in partners
    ]
    db.session.add(project)
    db.session.commit()
    return project


def at(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def projects_of_2024_and_2025() -> dict[str, Organisation]:
    """Five projects of a lab and a hospital (Pays de la Loire), a startup (Bretagne) and a
    CDMO (Occitanie, "other" for the funders). In 2025: 3 proposed, 1 labelled, 3 submitted
    (1,400,000 € asked), 2 approved (900,000 € granted), 1 rejected; the submitted consortia
    have 4 public and 3 private partners, 2 of them public–private."""
    lab = make_organisation(name="Loire Vector Lab", kind="university_lab",
                            region="pays_de_la_loire")
    hospital = make_organisation(name="CHU Atlantique", kind="hospital", region="pays_de_la_loire")
    startup = make_organisation(name="Brocell", kind="startup", region="bretagne")
    cdmo = make_organisation(name="Garonne Biologics", kind="cdmo", region="occitanie")
    # Proposed and labelled in 2024, submitted and approved in 2025, from Bretagne.
    dated_project(startup, created=at(2024, 11, 5), partners=(startup, lab, cdmo),
                  title="CAR-T vector scale-up", status="running",
                  labelled_by_cluster=True, labelled_at=at(2024, 12, 1),
                  submitted_on=date(2025, 1, 15), approved_on=date(2025, 5, 1),
                  amount_requested_eur=800_000, amount_granted_eur=600_000)
    # Public only, labelled, rejected.
    dated_project(lab, created=at(2025, 2, 1), partners=(lab, hospital),
                  title="Phage cohort", status="rejected",
                  labelled_by_cluster=True, labelled_at=at(2025, 3, 1),
                  submitted_on=date(2025, 4, 1), rejected_on=date(2025, 7, 1),
                  amount_requested_eur=200_000)
    # Approved on the last day of 2025, labelled at 23:30 UTC on New Year's Eve: 2026 in Paris.
    dated_project(lab, created=at(2025, 6, 1), partners=(lab, cdmo),
                  title="Plasmid GMP batches", status="approved",
                  labelled_by_cluster=True, labelled_at=at(2025, 12, 31, 23, 30),
                  submitted_on=date(2025, 9, 1), approved_on=date(2025, 12, 31),
                  amount_requested_eur=400_000, amount_granted_eur=300_000)
    dated_project(cdmo, created=at(2025, 3, 1), title="Continuous capture idea")
    dated_project(startup, created=at(2026, 1, 10), title="Next year's idea")
    return {"lab": lab, "hospital": hospital, "startup": startup, "cdmo": cdmo}
