"""The dashboard's figures, each checked against data built here: members, events,
introductions, projects, startups and their funding, matching health, the period and the
region."""

from datetime import UTC, date, datetime, timedelta

import pytest

from matchmaker.extensions import db
from matchmaker.models import (
    Connection,
    FundingRound,
    IntroductionRequest,
    InvitationState,
    Suggestion,
)
from matchmaker.services import dashboard
from matchmaker.services.dashboard import DashboardFilters, FilterError, paris_midnight
from matchmaker.services.event_figures import figures_for_events
from matchmaker.services.tags import resolve_tags
from tests.support.events import invite, make_event, move_event
from tests.support.factories import make_organisation, make_person
from tests.support.project_history import projects_of_2024_and_2025

YEAR = DashboardFilters(since=date(2025, 1, 1), until=date(2025, 12, 31))


def at(year, month, day, hour=12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def org(kind="university_lab", region="pays_de_la_loire", joined=None, **values):
    organisation = make_organisation(kind=kind, region=region, **values)
    if joined is not None:
        organisation.created_at = joined
        db.session.commit()
    return organisation


def person(organisation=None, joined=None, **values):
    member = make_person(organisation=organisation, **values)
    if joined is not None:
        member.created_at = joined
        db.session.commit()
    return member


def by_code(rows):
    return {row.code: row for row in rows}


# --- Filters and periods ---------------------------------------------------------------------


def test_filters_refuse_an_unknown_region_and_a_period_ending_before_it_starts(app):
    with pytest.raises(FilterError):
        DashboardFilters(since=date(2025, 1, 1), until=date(2025, 12, 31), region="mars")
    with pytest.raises(FilterError):
        DashboardFilters(since=date(2025, 2, 1), until=date(2025, 1, 1))
    assert DashboardFilters(since=date(2025, 1, 1), until=date(2025, 1, 1), region="other")


def test_periods_are_months_clipped_to_the_range_and_years_for_long_ranges(app):
    months = dashboard.periods(DashboardFilters(since=date(2025, 1, 15), until=date(2025, 3, 10)))
    assert [(p.first_day, p.last_day) for p in months] == [
        (date(2025, 1, 15), date(2025, 1, 31)),
        (date(2025, 2, 1), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2025, 3, 10)),
    ]
    years = dashboard.periods(DashboardFilters(since=date(2019, 6, 1), until=date(2025, 2, 1)))
    assert [p.first_day for p in years][:2] == [date(2019, 6, 1), date(2020, 1, 1)]
    assert len(years) == 7 and not years[0].monthly
    # Days are Paris days: the period starts at midnight in Paris (23:00 UTC in winter).
    assert paris_midnight(date(2025, 1, 1)) == datetime(2024, 12, 31, 23, tzinfo=UTC)
    twelve = DashboardFilters.last_twelve_months(date(2026, 3, 31))
    assert (twelve.since, twelve.until) == (date(2025, 4, 1), date(2026, 3, 31))


# --- Members ---------------------------------------------------------------------------------


@pytest.fixture
def members(app):
    """Organisations and people who joined before and during 2025, in several regions."""
    lab = org("university_lab", "pays_de_la_loire", at(2024, 6, 1), focus_areas=["bioproduction"])
    startup = org("startup", "bretagne", at(2025, 3, 10), focus_areas=["bioproduction",
                                                                        "immunotherapy"])
    hospital = org("hospital", "occitanie", at(2025, 11, 20))  # "other" for the funders
    abroad = org("cdmo", "other", at(2025, 1, 1, 0))  # 1 a.m. in Paris: January
    late = org("sme", "bretagne", at(2026, 2, 1))  # after the period
    people = [
        person(lab, at(2024, 7, 1)),
        person(lab, at(2025, 3, 15)),
        person(startup, at(2025, 3, 12)),
        person(hospital, at(2025, 11, 21)),
        person(abroad, at(2025, 1, 5)),
        person(None, at(2025, 6, 1)),  # no organisation: counted as "other", kind unknown
        person(late, at(2026, 2, 2)),
        person(lab, at(2025, 5, 1), confirmed=False),  # never confirmed: not a member
    ]
    return {"lab": lab, "startup": startup, "hospital": hospital, "abroad": abroad,
            "late": late, "people": people}


def test_members_by_sector_kind_region_and_focus_area_at_the_end_and_new(members):
    figures = dashboard.members_figures(YEAR)
    assert (figures.organisations, figures.new_organisations) == (4, 3)
    assert (figures.people, figures.new_people) == (6, 5)
    sectors = by_code(figures.by_sector)
    assert (sectors["public"].organisations, sectors["public"].new_organisations) == (2, 1)
    assert (sectors["private"].organisations, sectors["private"].people) == (2, 2)
    assert sectors["unknown"].people == 1 and sectors["unknown"].organisations == 0
    kinds = by_code(figures.by_kind)
    assert (kinds["university_lab"].organisations, kinds["university_lab"].people) == (1, 2)
    assert kinds["university_lab"].new_people == 1
    assert "sme" not in kinds  # joined after the period
    regions = by_code(figures.by_region)
    assert list(regions) == ["pays_de_la_loire", "bretagne", "other"]
    assert (regions["other"].organisations, regions["other"].people) == (2, 3)
    assert (regions["bretagne"].organisations, regions["bretagne"].new_people) == (1, 1)
    areas = by_code(figures.by_focus_area)
    assert (areas["bioproduction"].organisations, areas["bioproduction"].people) == (2, 3)
    assert (areas["immunotherapy"].organisations, areas["immunotherapy"].people) == (1, 1)


def test_growth_month_by_month_in_paris_time(members):
    growth = dashboard.members_figures(YEAR).growth
    assert len(growth) == 12
    january, march, november, december = growth[0], growth[2], growth[10], growth[11]
    assert (january.new_organisations, january.new_people) == (1, 1)
    assert (january.organisations, january.people) == (2, 2)  # the lab and its first member
    assert (march.new_organisations, march.new_people) == (1, 2)
    assert (november.new_organisations, november.new_people) == (1, 1)
    assert (december.organisations, december.people) == (4, 6)
    assert sum(step.new_people for step in growth) == 5


def test_members_of_one_region_and_of_other_regions(members):
    bretagne = dashboard.members_figures(
        DashboardFilters(since=YEAR.since, until=YEAR.until, region="bretagne")
    )
    assert (bretagne.organisations, bretagne.people) == (1, 1)
    assert [row.code for row in bretagne.by_region] == ["bretagne"]
    other = dashboard.members_figures(
        DashboardFilters(since=YEAR.since, until=YEAR.until, region="other")
    )
    # Occitanie, abroad, and the person without an organisation.
    assert (other.organisations, other.people) == (2, 3)
    assert other.new_organisations == 2


# --- Events ----------------------------------------------------------------------------------


@pytest.fixture
def events_year(app):
    lab = org("university_lab", "pays_de_la_loire")
    company = org("cdmo", "bretagne")
    abroad = org("sme", "other")
    researchers = [person(lab) for _ in range(3)]
    engineers = [person(company) for _ in range(2)]
    visitor = person(abroad)
    afterwork = make_event(title="Afterwork in March")
    move_event(afterwork, at(2025, 3, 20, 17))
    congress = make_event(title="Congress", kind="congress", capacity=200)
    move_event(congress, at(2025, 6, 10, 7), hours=9)
    outside = make_event(title="Next year")
    move_event(outside, at(2026, 1, 15, 17))
    cancelled = make_event(title="Cancelled")
    move_event(cancelled, at(2025, 9, 1, 17))
    cancelled.cancelled_at = at(2025, 8, 1)
    db.session.commit()
    # Afterwork: 5 invited, 3 came (one lab, two company), one no-show, one said no.
    invite(afterwork, researchers[0], InvitationState.CAME, answer="yes")
    invite(afterwork, researchers[1], InvitationState.NO_SHOW, answer="yes")
    invite(afterwork, researchers[2], InvitationState.NO, answer="no")
    invite(afterwork, engineers[0], InvitationState.CAME, answer="yes")
    invite(afterwork, engineers[1], InvitationState.CAME, answer="yes")
    # Congress: 3 invited, 2 came, and a walk-in from abroad.
    invite(congress, researchers[0], InvitationState.CAME, answer="yes")
    invite(congress, researchers[2], InvitationState.CAME, answer="yes")
    invite(congress, engineers[0], InvitationState.NO, answer="no")
    invite(congress, visitor, InvitationState.CAME, invited_at=None, source="walk_in")
    invite(outside, researchers[1], InvitationState.INVITED)
    invite(cancelled, researchers[1], InvitationState.INVITED)
    for a, b, event in (
        (researchers[0], engineers[0], afterwork),
        (researchers[0], engineers[1], afterwork),
        (researchers[2], visitor, congress),
    ):
        db.session.add(Connection(a_kind="person", a_id=a.id, b_kind="person", b_id=b.id,
                                  via="event", source_ref=event.id, occurred_on=date(2025, 6, 1)))
    db.session.commit()
    return {"afterwork": afterwork, "congress": congress}


def test_events_per_event_per_year_and_averages_per_kind(events_year):
    figures = dashboard.events_figures(YEAR)
    assert [line.title for line in figures.events] == ["Afterwork in March", "Congress"]
    expected = figures_for_events([events_year["afterwork"], events_year["congress"]])
    assert {line.event_id: line.figures for line in figures.events} == expected
    afterwork = figures.events[0].figures
    assert (afterwork.invited, afterwork.said_yes, afterwork.came) == (5, 4, 3)
    assert afterwork.show_up_rate == pytest.approx(3 / 5)
    assert (afterwork.came_public, afterwork.came_private) == (1, 2)
    assert afterwork.new_connections == 2
    congress = figures.events[1].figures
    assert (congress.invited, congress.came, congress.walk_ins) == (3, 3, 1)
    assert congress.newcomers == 2  # the researcher who missed nothing before, and the visitor
    (year,) = figures.per_year
    assert (year.label, year.events, year.invited, year.came) == ("2025", 2, 8, 6)
    assert year.show_up_rate == pytest.approx(5 / 8)
    assert year.new_connections == 3
    kinds = {row.label: row for row in figures.by_kind}
    assert kinds["afterwork"].average_came == 3 and kinds["congress"].average_came == 3
    assert kinds["congress"].average_invited == 3
    assert kinds["afterwork"].private_share_came == pytest.approx(2 / 3)
    assert figures.total.newcomers == 5


def test_events_of_one_region_count_its_guests_and_their_connections(events_year):
    bretagne = dashboard.events_figures(
        DashboardFilters(since=YEAR.since, until=YEAR.until, region="bretagne")
    )
    afterwork, congress = (line.figures for line in bretagne.events)
    assert (afterwork.invited, afterwork.came, afterwork.new_connections) == (2, 2, 2)
    assert (congress.invited, congress.came, congress.new_connections) == (1, 0, 0)
    other = dashboard.events_figures(
        DashboardFilters(since=YEAR.since, until=YEAR.until, region="other")
    )
    assert other.total.came == 1 and other.total.new_connections == 1


# --- Introductions ---------------------------------------------------------------------------


def request_between(requester, recipient, status, created, answered_after=None, **values):
    request = IntroductionRequest(
        requester_id=requester.id,
        target_kind="person",
        target_person_id=recipient.id,
        recipient_id=recipient.id,
        purpose="collaborative_project",
        message="We would like to talk about bioreactors and process development.",
        status=status,
        created_at=created,
        delivered_at=created,
        answered_at=created + answered_after if answered_after else None,
        expires_at=created + timedelta(days=14),
        **values,
    )
    db.session.add(request)
    db.session.commit()
    return request


def test_introductions_by_outcome_over_time_and_by_region(app):
    founder = person(org("startup", "bretagne"))
    researcher = person(org("university_lab", "pays_de_la_loire"))
    clinician = person(org("hospital", "occitanie"))
    day = timedelta(days=1)
    request_between(founder, researcher, "accepted", at(2025, 1, 10), day)
    request_between(founder, clinician, "met", at(2025, 1, 20), 3 * day)
    request_between(researcher, clinician, "project_started", at(2025, 2, 5), 2 * day)
    request_between(founder, researcher, "declined", at(2025, 2, 6), day,
                    declined_by="recipient")
    request_between(clinician, researcher, "expired", at(2025, 3, 1))
    request_between(founder, researcher, "accepted", at(2024, 12, 1), day)  # before the period
    figures = dashboard.introductions_figures(YEAR)
    f = figures.figures
    assert (f.requested, f.introduced, f.declined, f.expired, f.met, f.projects) == (
        5, 3, 1, 1, 2, 1)
    assert f.acceptance_rate == pytest.approx(3 / 5)
    assert f.median_time_to_answer == 1.5 * day
    assert [(s.requested, s.introduced) for s in figures.over_time[:4]] == [
        (2, 2), (2, 1), (1, 0), (0, 0)]
    # Bretagne: the founder's three requests of the year. Other: either side in Occitanie.
    bretagne = dashboard.introductions_figures(
        DashboardFilters(since=YEAR.since, until=YEAR.until, region="bretagne")
    ).figures
    assert (bretagne.requested, bretagne.introduced) == (3, 2)
    other = dashboard.introductions_figures(
        DashboardFilters(since=YEAR.since, until=YEAR.until, region="other")
    ).figures
    assert (other.requested, other.projects) == (3, 1)


# --- Projects --------------------------------------------------------------------------------


def test_projects_proposed_labelled_approved_funding_and_consortia_of_the_period(app):
    projects_of_2024_and_2025()
    figures = dashboard.dashboard_figures(YEAR).projects
    assert (figures.proposed, figures.labelled, figures.submitted) == (3, 1, 3)
    assert (figures.approved, figures.rejected) == (2, 1)
    assert (figures.funding_requested_eur, figures.funding_granted_eur) == (1_400_000, 900_000)
    assert (figures.consortia_public_partners, figures.consortia_private_partners) == (4, 3)
    assert figures.mixed_consortia == 2
    two_years = dashboard.projects_figures(
        DashboardFilters(since=date(2024, 1, 1), until=date(2025, 12, 31))
    )
    assert [(y.year, y.proposed, y.labelled, y.approved, y.funding_granted_eur)
            for y in two_years.by_year] == [(2024, 1, 1, 0, 0), (2025, 3, 1, 2, 900_000)]
    # Only what happened in the second half of 2025.
    autumn = dashboard.projects_figures(DashboardFilters(since=date(2025, 7, 1),
                                                         until=date(2025, 12, 31)))
    assert (autumn.proposed, autumn.submitted, autumn.approved, autumn.rejected) == (0, 1, 1, 1)
    assert autumn.funding_granted_eur == 300_000 and autumn.mixed_consortia == 1


def test_projects_of_one_region_are_those_its_organisations_proposed(app):
    projects_of_2024_and_2025()

    def in_region(region):
        return dashboard.projects_figures(
            DashboardFilters(since=YEAR.since, until=YEAR.until, region=region)
        )

    loire = in_region("pays_de_la_loire")
    assert (loire.proposed, loire.labelled, loire.submitted, loire.approved) == (2, 1, 2, 1)
    assert loire.funding_granted_eur == 300_000
    assert (loire.consortia_public_partners, loire.consortia_private_partners) == (3, 1)
    bretagne = in_region("bretagne")
    assert (bretagne.proposed, bretagne.approved, bretagne.funding_granted_eur) == (0, 1, 600_000)
    assert bretagne.mixed_consortia == 1
    other = in_region("other")
    assert (other.proposed, other.submitted) == (1, 0)
    assert in_region("centre_val_de_loire").proposed == 0


# --- Startups --------------------------------------------------------------------------------


def test_startups_created_with_support_per_year_and_their_declared_rounds(app):
    supported = org("startup", "pays_de_la_loire", name="Vectalis", cluster_startup=True,
                    startup_created_on=date(2024, 5, 2))
    young = org("startup", "bretagne", name="Brocell", cluster_startup=True,
                startup_created_on=date(2025, 9, 1))
    org("startup", "pays_de_la_loire", cluster_startup=True, startup_created_on=date(2025, 2, 1))
    unsupported = org("startup", "pays_de_la_loire", name="On its own")
    for organisation, day, amount, kind in (
        (supported, date(2024, 11, 1), 500_000, "pre_seed"),
        (supported, date(2025, 4, 1), 2_000_000, "seed"),
        (supported, date(2025, 10, 1), 300_000, "non_dilutive"),
        (young, date(2025, 12, 1), 800_000, "seed"),
        (unsupported, date(2025, 5, 1), 9_000_000, "series_a"),
    ):
        db.session.add(FundingRound(organisation_id=organisation.id, raised_on=day,
                                    amount_eur=amount, kind=kind, investors="Fonds Loire"))
    db.session.commit()
    two_years = DashboardFilters(since=date(2024, 1, 1), until=date(2025, 12, 31))
    figures = dashboard.startups_figures(two_years)
    assert [(y.year, y.created, y.rounds, y.raised_eur) for y in figures.per_year] == [
        (2024, 1, 1, 500_000), (2025, 2, 3, 3_100_000)]
    assert (figures.created, figures.supported, figures.startups_that_raised) == (3, 3, 2)
    assert figures.raised_eur == 3_600_000
    kinds = {row.kind: (row.rounds, row.raised_eur) for row in figures.by_round_kind}
    assert kinds == {"pre_seed": (1, 500_000), "seed": (2, 2_800_000),
                     "non_dilutive": (1, 300_000)}
    assert [line.organisation for line in figures.round_lines] == [
        "Brocell", "Vectalis", "Vectalis", "Vectalis"]
    in_2025 = dashboard.startups_figures(YEAR)
    assert (in_2025.created, in_2025.rounds, in_2025.supported) == (2, 3, 3)
    bretagne = dashboard.startups_figures(
        DashboardFilters(since=date(2024, 1, 1), until=date(2025, 12, 31), region="bretagne")
    )
    assert (bretagne.created, bretagne.rounds, bretagne.raised_eur) == (1, 1, 800_000)


# --- Matching health -------------------------------------------------------------------------


def suggest(source, candidates_scores, kind="person"):
    for rank, (candidate, score) in enumerate(candidates_scores, start=1):
        db.session.add(Suggestion(source_kind=kind, source_id=source.id, candidate_kind=kind,
                                  candidate_id=candidate.id, rank=rank, score=score))
    db.session.commit()


DESCRIBED = ("Upstream process development for monoclonal antibodies in single-use "
             "bioreactors, from the bench to pilot GMP batches.")
OFFER = "A pilot bioreactor platform and process development know-how for academic partners."


def test_matching_health_share_of_members_well_served_and_thin_profiles(app):
    lab = org("university_lab", "pays_de_la_loire", description=DESCRIBED, offer=OFFER)
    lab.tags = resolve_tags(["bioreactors"])
    company = org("cdmo", "bretagne")  # says nothing: thin
    db.session.commit()
    others = [person(lab, expertise=DESCRIBED, offer=OFFER) for _ in range(7)]
    for other in others:
        other.tags = resolve_tags(["bioreactors"])
    served = person(company, expertise=DESCRIBED, offer=OFFER, full_name="Well Served")
    served.tags = resolve_tags(["GMP"])
    close = person(lab, expertise=DESCRIBED, offer=OFFER, full_name="Almost There")
    close.tags = resolve_tags(["GMP"])
    thin = person(company, expertise="Biology", full_name="Terse Person")
    thin.tags = resolve_tags(["biology"])
    person(company, expertise=DESCRIBED, offer=OFFER, full_name="No Tags")
    person(company, consent_matching=False, full_name="Not Matched")
    db.session.commit()
    suggest(served, [(o, 0.5 + i / 100) for i, o in enumerate(others[:5])])
    # Four good and three below the threshold: not enough.
    suggest(close, [(o, 0.9) for o in others[:4]] + [(o, 0.49) for o in others[4:7]])
    suggest(lab, [(company, 0.8)], kind="organisation")
    figures = dashboard.matching_figures(DashboardFilters(since=YEAR.since,
                                                          until=date.today()))
    assert figures.people == 11 and figures.people_not_consenting == 1
    assert figures.people_well_served == 1
    assert figures.people_share == pytest.approx(1 / 11)
    assert (figures.organisations, figures.organisations_well_served) == (2, 0)
    bands = {(band.low, band.high): band.people for band in figures.bands}
    assert bands == {(0, 0): 9, (1, 4): 1, (5, 9): 1, (10, None): 0}
    assert {(b.low, b.organisations) for b in figures.bands} == {(0, 1), (1, 1), (5, 0), (10, 0)}
    assert (figures.thin_people, figures.thin_organisations) == (2, 1)
    thin_names = [(p.kind, p.name) for p in figures.thin_profiles]
    assert thin_names == [("person", "Terse Person"), ("person", "No Tags"),
                          ("organisation", company.name)]
    terse = figures.thin_profiles[0]
    assert (terse.characters, terse.tags, terse.email) == (7, 1, thin.email)
    bretagne = dashboard.matching_figures(
        DashboardFilters(since=YEAR.since, until=date.today(), region="bretagne")
    )
    assert (bretagne.people, bretagne.people_well_served, bretagne.organisations) == (3, 1, 1)


def test_the_annual_report_sets_the_year_against_the_previous_one(members):
    report = dashboard.annual_report(2025)
    lines = {(line.section, line.key): line for line in report.lines}
    organisations = lines["members", "organisations"]
    assert (organisations.this_year, organisations.last_year) == (4, 1)
    assert organisations.change == pytest.approx(3.0)
    assert lines["members", "new_people"].this_year == 5
    assert lines["events", "show_up_rate"].change is None  # no events either year
    assert len(report.lines) == len(dashboard.KEY_FIGURES)


def test_the_annual_report_has_the_projects_of_the_year_and_of_the_previous_one(app):
    projects_of_2024_and_2025()
    report = dashboard.annual_report(2025)
    lines = {(line.section, line.key): (line.this_year, line.last_year) for line in report.lines
             if line.section == "projects"}
    assert lines == {
        ("projects", "proposed"): (3, 1),
        ("projects", "labelled"): (1, 1),
        ("projects", "approved"): (2, 0),
        ("projects", "funding_granted_eur"): (900_000, 0),
    }
    bretagne = {line.key: line.this_year for line in dashboard.annual_report(2025, "bretagne").lines
                if line.section == "projects"}
    assert bretagne == {"proposed": 0, "labelled": 0, "approved": 1, "funding_granted_eur": 600_000}
