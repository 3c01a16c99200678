"""The demo's projects: three years of a realistic pipeline, figures worth showing, the demo
member's own consortium, all on pages that render; loading again adds nothing."""

from datetime import date

import pytest
from sqlalchemy import func, select

from matchmaker.demo import generator, load_demo
from matchmaker.demo.logins import demo_password
from matchmaker.extensions import db
from matchmaker.models import Connection, Project
from matchmaker.services.project_figures import project_figures

TODAY = date(2026, 11, 21)


@pytest.fixture(autouse=True)
def english(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"


def some_title(text: str) -> bool:
    titles = db.session.scalars(select(Project.title).order_by(Project.id.desc()).limit(5))
    return any(title.replace("'", "&#39;") in text for title in titles)


def test_demo_projects_make_a_pipeline_with_figures(app, client, auth):
    load_demo(today=TODAY)
    total = db.session.scalar(select(func.count()).select_from(Project))
    figures = project_figures()
    full_years = [row for row in figures.by_year if row.year in (2024, 2025)]
    assert [row.year for row in full_years] == [2024, 2025]
    for row in full_years:
        assert 25 <= row.approved <= 30
        assert row.funding_granted_eur > 10_000_000
        assert 0 < row.labelled <= row.proposed
    assert figures.rejected > 10
    assert figures.consortia_public_partners > 100 and figures.consortia_private_partners > 100
    assert figures.mixed_consortia > 0.9 * figures.submitted
    statuses = set(db.session.scalars(select(Project.status)))
    assert statuses == {
        "idea",
        "forming",
        "submitted",
        "approved",
        "rejected",
        "running",
        "finished",
    }
    funders = set(db.session.scalars(select(Project.funder)))
    assert {"Région Pays de la Loire", "Bpifrance", "ANR", "Horizon Europe"} <= funders
    assert (
        db.session.scalar(
            select(func.count()).select_from(Connection).where(Connection.via == "project")
        )
        > 300
    )

    load_demo(today=TODAY)
    assert db.session.scalar(select(func.count()).select_from(Project)) == total

    auth.login(generator.MEMBER_EMAIL, demo_password("member"))
    listing = client.get("/projects/?mine=1")
    assert "Invitations en attente de votre réponse" in listing.text  # the member reads French
    mine = db.session.scalar(
        select(Project).where(Project.external_id == f"demo-project-{total - 1}")
    )
    assert mine.created_by.email == generator.MEMBER_EMAIL
    page = client.get(f"/projects/{mine.id}/partners")
    assert page.status_code == 200
    assert "Couverture des compétences recherchées" in page.text
    auth.logout()

    auth.login(generator.ORGANISER_EMAIL, demo_password("organiser"))
    overview = client.get("/projects/")
    assert overview.status_code == 200 and some_title(overview.text)
    some = db.session.scalar(select(Project).where(Project.status == "running").limit(1))
    assert client.get(f"/projects/{some.id}").status_code == 200
