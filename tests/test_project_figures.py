"""Project figures for the organisers: each figure against projects built here."""

from datetime import UTC, date, datetime

import pytest

from matchmaker.extensions import db
from matchmaker.models import Project, ProjectMember
from matchmaker.services.project_figures import ProjectYear, project_figures
from tests.support.factories import make_organisation

NANTES, RENNES, LYON = "pays_de_la_loire", "bretagne", "auvergne_rhone_alpes"


@pytest.fixture
def orgs(app):
    return {
        "startup": make_organisation(name="Startup", kind="startup", region=NANTES),
        "lab": make_organisation(name="Lab", kind="university_lab", region=RENNES),
        "cdmo": make_organisation(name="CDMO", kind="cdmo", region=LYON),
        "hospital": make_organisation(name="Hospital", kind="hospital", region=NANTES),
    }


def project(proposer, *, created, partners=(), declined=(), **values):
    row = Project(
        title=values.pop("title", "A project"),
        proposing_organisation_id=proposer.id,
        created_at=datetime(*created, 10, tzinfo=UTC),
        **values,
    )
    row.members = [
        ProjectMember(organisation_id=o.id, role="any_public", state="accepted") for o in partners
    ] + [ProjectMember(organisation_id=o.id, role="cdmo", state="declined") for o in declined]
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def pipeline(orgs):
    startup, lab, cdmo, hospital = orgs["startup"], orgs["lab"], orgs["cdmo"], orgs["hospital"]
    # 2025: one approved mixed consortium (startup + lab + cdmo), labelled.
    project(
        startup,
        created=(2025, 1, 10),
        partners=(startup, lab, cdmo),
        status="finished",
        submitted_on=date(2025, 3, 1),
        approved_on=date(2025, 6, 1),
        amount_requested_eur=500_000,
        amount_granted_eur=400_000,
        labelled_by_cluster=True,
        labelled_at=datetime(2025, 2, 1, 9, tzinfo=UTC),
    )
    # 2025: a rejected public-only consortium from Rennes; the CDMO declined.
    project(
        lab,
        created=(2025, 4, 1),
        partners=(lab, hospital),
        declined=(cdmo,),
        status="rejected",
        submitted_on=date(2025, 5, 1),
        rejected_on=date(2025, 9, 1),
        amount_requested_eur=300_000,
    )
    # 2026: approved, from Lyon (outside the cluster's regions), labelled on New Year's Eve
    # at 23:30 UTC, which is already 2026 in Paris.
    project(
        cdmo,
        created=(2025, 11, 2),
        partners=(cdmo, hospital),
        status="approved",
        submitted_on=date(2025, 12, 1),
        approved_on=date(2026, 2, 1),
        amount_requested_eur=1_000_000,
        amount_granted_eur=800_000,
        labelled_by_cluster=True,
        labelled_at=datetime(2025, 12, 31, 23, 30, tzinfo=UTC),
    )
    # 2026: an idea, and a project whose label was taken back.
    project(startup, created=(2026, 3, 1), status="idea")
    project(startup, created=(2026, 3, 5), status="forming", labelled_by_cluster=False)


def test_every_figure_over_all_time(pipeline):
    figures = project_figures()
    assert (figures.proposed, figures.labelled) == (5, 2)
    assert (figures.submitted, figures.approved, figures.rejected) == (3, 2, 1)
    assert figures.funding_requested_eur == 1_800_000
    assert figures.funding_granted_eur == 1_200_000
    # Partners of the submitted consortia: startup+lab+cdmo, lab+hospital, cdmo+hospital.
    assert figures.consortia_public_partners == 4
    assert figures.consortia_private_partners == 3
    assert figures.mixed_consortia == 2
    assert figures.by_year == (
        ProjectYear(2025, proposed=3, labelled=1, approved=1, funding_granted_eur=400_000),
        ProjectYear(2026, proposed=2, labelled=1, approved=1, funding_granted_eur=800_000),
    )


def test_dates_filter_on_each_figure_own_milestone(pipeline):
    figures = project_figures(since=date(2026, 1, 1), until=date(2026, 12, 31))
    assert (figures.proposed, figures.labelled, figures.approved) == (2, 1, 1)
    assert (figures.submitted, figures.rejected) == (0, 0)
    assert (figures.funding_requested_eur, figures.funding_granted_eur) == (0, 800_000)
    assert figures.mixed_consortia == 0

    year_2025 = project_figures(since=date(2025, 1, 1), until=date(2025, 12, 31))
    assert (year_2025.proposed, year_2025.labelled, year_2025.approved) == (3, 1, 1)
    assert (year_2025.submitted, year_2025.rejected) == (3, 1)
    assert year_2025.funding_requested_eur == 1_800_000
    assert year_2025.mixed_consortia == 2
    assert [row.year for row in year_2025.by_year] == [2025]


def test_region_is_the_proposing_organisation_s_as_funders_count_it(pipeline):
    nantes = project_figures(region=NANTES)
    assert (nantes.proposed, nantes.approved, nantes.funding_granted_eur) == (3, 1, 400_000)
    rennes = project_figures(region=RENNES)
    assert (rennes.proposed, rennes.rejected, rennes.consortia_public_partners) == (1, 1, 2)
    elsewhere = project_figures(region="other")
    assert (elsewhere.proposed, elsewhere.approved, elsewhere.labelled) == (1, 1, 1)
    assert (elsewhere.consortia_public_partners, elsewhere.consortia_private_partners) == (1, 1)
    assert project_figures(region="centre_val_de_loire").proposed == 0


def test_nothing_yet_is_all_zeros(app):
    figures = project_figures()
    assert figures.proposed == figures.funding_granted_eur == figures.mixed_consortia == 0
    assert figures.by_year == ()
