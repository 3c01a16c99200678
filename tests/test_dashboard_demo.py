"""The demo cluster's dashboard has something true to show in every section."""

from datetime import date

import pytest
from sqlalchemy import func, select

from matchmaker.demo import generator, load_demo
from matchmaker.demo.logins import demo_password
from matchmaker.domain import Role
from matchmaker.extensions import db
from matchmaker.models import FundingRound, Organisation, Person
from matchmaker.services import dashboard
from matchmaker.services.dashboard import DashboardFilters

TODAY = date(2026, 11, 21)


@pytest.fixture(autouse=True)
def english(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"


def test_the_demo_dashboard_has_non_trivial_figures_in_every_section(app, runner, client, auth):
    load_demo(today=TODAY)
    assert runner.invoke(args=["matching", "rebuild"]).exit_code == 0
    # Loading again changes no membership date and adds no funding round.
    joined = db.session.scalars(select(Person.created_at).order_by(Person.id)).all()
    rounds = db.session.scalar(select(func.count()).select_from(FundingRound))
    load_demo(today=TODAY)
    assert db.session.scalars(select(Person.created_at).order_by(Person.id)).all() == joined
    assert db.session.scalar(select(func.count()).select_from(FundingRound)) == rounds

    figures = dashboard.dashboard_figures(DashboardFilters.last_twelve_months(TODAY))
    members = figures.members
    # A cluster that grew over the years: most members were there before the period (the
    # partners of three years of projects joined before their first project).
    assert members.organisations > 200 and 5 < members.new_organisations < 60
    assert 50 < members.new_people < members.people / 2
    assert sum(1 for step in members.growth if step.new_people) >= 10
    assert {row.code for row in members.by_region} == {
        "pays_de_la_loire", "bretagne", "centre_val_de_loire", "other"}
    assert len(members.by_focus_area) == 7
    events = figures.events
    assert len(events.events) >= 5 and {row.label for row in events.by_kind} >= {
        "afterwork", "congress"}
    assert events.total.came > 200 and events.total.new_connections > 200
    assert 0.4 < events.total.show_up_rate < 0.8 and events.total.newcomers > 50
    intro = figures.introductions.figures
    assert intro.requested > 50 and intro.introduced > 20 and intro.met > 5 and intro.projects > 1
    assert intro.acceptance_rate is not None and intro.median_time_to_answer is not None
    projects = figures.projects
    assert projects.proposed > 10 and projects.labelled > 3 and projects.submitted > 10
    assert projects.approved > 10 and projects.rejected > 0
    assert projects.funding_granted_eur > 1_000_000
    assert projects.consortia_public_partners > 10 and projects.consortia_private_partners > 10
    assert projects.submitted / 2 < projects.mixed_consortia <= projects.submitted
    three_years = dashboard.projects_figures(DashboardFilters(since=date(2024, 1, 1),
                                                              until=TODAY))
    assert [year.year for year in three_years.by_year] == [2024, 2025, 2026]
    assert all(year.approved > 10 for year in three_years.by_year)
    startups = figures.startups
    assert startups.supported > 20 and startups.rounds >= 3 and startups.raised_eur > 1_000_000
    long_run = dashboard.startups_figures(DashboardFilters(since=date(2016, 1, 1), until=TODAY))
    assert sum(1 for year in long_run.per_year if year.created) >= 6
    assert long_run.rounds > 15 and {row.kind for row in long_run.by_round_kind} >= {
        "pre_seed", "seed", "series_a"}
    matching = figures.matching
    assert 0.3 < matching.people_share < 0.95 and matching.organisations_share > 0.5
    assert 0 < len(matching.thin_profiles) < 40
    # The demo member's startup shows the rounds it declared.
    showcase = db.session.scalar(
        select(Organisation).where(Organisation.external_id == generator.SHOWCASE_EXTERNAL_ID)
    )
    assert db.session.scalar(
        select(func.count()).where(FundingRound.organisation_id == showcase.id)
    ) >= 1

    auth.login(generator.ORGANISER_EMAIL, demo_password(Role.ORGANISER))
    response = client.get("/organiser/dashboard/")
    assert response.status_code == 200
    period = {"from": figures.filters.since.isoformat(), "to": figures.filters.until.isoformat()}
    response = client.get("/organiser/dashboard/", query_string=period)
    assert f'<p class="figure">{projects.approved} / {projects.rejected}</p>' in response.text
    assert client.get("/organiser/dashboard/report").status_code == 200
