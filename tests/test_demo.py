"""The demo cluster: realistic, the same for the same seed, loaded once however often it runs."""

import re
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from matchmaker.demo import generator
from matchmaker.demo.generator import generate_cluster
from matchmaker.demo.vocabulary import REAL_NAMES_TO_AVOID
from matchmaker.domain import Region, Sector, cluster_region
from matchmaker.extensions import db
from matchmaker.models import (
    Connection,
    IntroductionRequest,
    Organisation,
    Person,
    Tag,
    User,
    utcnow,
)
from matchmaker.services.introductions import introduction_figures
from matchmaker.services.people import parse_orcid
from matchmaker.text import fold

TODAY = date(2026, 11, 21)


@pytest.fixture(scope="module")
def plan():
    return generate_cluster(2020, TODAY)


def test_the_same_seed_gives_the_same_cluster_and_another_seed_another(plan):
    again = generate_cluster(2020, TODAY)
    assert again == plan
    other = generate_cluster(7, TODAY)
    assert [o.name for o in other.organisations] != [o.name for o in plan.organisations]
    assert [p.full_name for p in other.people] != [p.full_name for p in plan.people]


def test_the_cluster_has_the_size_and_regional_split_of_the_real_one(plan):
    assert len(plan.organisations) >= 210
    assert len(plan.people) == 400
    shares = Counter(cluster_region(o.region) for o in plan.organisations)
    total = len(plan.organisations)
    for region, expected in (
        (Region.PAYS_DE_LA_LOIRE, 0.65),
        (Region.BRETAGNE, 0.20),
        (Region.CENTRE_VAL_DE_LOIRE, 0.10),
        (Region.OTHER, 0.05),
    ):
        assert abs(shares[region] / total - expected) < 0.02, region


def test_public_and_private_members_cover_every_focus_area(plan):
    sectors = Counter(generator.OrganisationKind(o.kind).sector for o in plan.organisations)
    assert sectors[Sector.PUBLIC] > 80 and sectors[Sector.PRIVATE] > 100
    focus_by_sector = {
        sector: {
            area
            for o in plan.organisations
            if generator.OrganisationKind(o.kind).sector == sector
            for area in o.focus_areas
        }
        for sector in Sector
    }
    assert len(focus_by_sector[Sector.PUBLIC]) == 7
    assert len(focus_by_sector[Sector.PRIVATE]) == 7


def test_names_are_unique_invented_and_emails_unique(plan):
    names = [o.name for o in plan.organisations]
    assert len({fold(n) for n in names}) == len(names)
    for name in names:
        assert not any(fold(real) in fold(name) for real in REAL_NAMES_TO_AVOID), name
    emails = [p.email for p in plan.people]
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"[a-z0-9.]+@[a-z0-9.-]+\.example\.org", e) for e in emails)


def test_profiles_mix_french_and_english_with_synonym_tags_across_languages(plan):
    languages = Counter(p.language for p in plan.people)
    assert 0.2 < languages["en"] / len(plan.people) < 0.5
    labels = {fold(label) for p in plan.people for label in p.tags}
    labels |= {fold(label) for o in plan.organisations for label in o.tags}
    for english, french in (
        ("monoclonal antibodies", "anticorps monoclonaux"),
        ("cell therapy", "therapie cellulaire"),
        ("gene therapy", "therapie genique"),
    ):
        assert english in labels and french in labels
    assert "mab" in labels


def test_startups_created_with_the_clusters_support_have_past_dates(plan):
    supported = [o for o in plan.organisations if o.cluster_startup]
    assert len(supported) >= 10
    for organisation in supported:
        assert organisation.kind == "startup"
        assert organisation.startup_created_on <= TODAY
        assert organisation.startup_created_on.year == organisation.founded_year
    years = {o.startup_created_on.year for o in supported}
    assert len(years) >= 5 and min(years) >= TODAY.year - 12


def test_offers_and_needs_are_described_and_orcid_ids_are_valid(plan):
    described = [p for p in plan.people if p.expertise and (p.offer or p.looking_for)]
    assert len(described) > 350
    orcids = [p.orcid for p in plan.people if p.orcid]
    assert len(orcids) > 30
    for orcid in orcids:
        assert parse_orcid(orcid) == orcid


def counts() -> dict:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Organisation, Person, User, Tag, IntroductionRequest, Connection)
    }


def printed_logins(output: str) -> dict[str, str]:
    return dict(re.findall(r"(\S+@\S+) / (\S+)", output))


def test_demo_load_twice_adds_nothing_the_second_time_and_prints_working_logins(
    runner, client, auth
):
    result = runner.invoke(args=["demo", "load", "--seed", "3"])
    assert result.exit_code == 0, result.output
    first = counts()
    assert first["Organisation"] >= 210 and first["Person"] == 400 and first["User"] == 400
    assert first["IntroductionRequest"] >= 140
    logins = printed_logins(result.output)
    assert set(logins) == {
        generator.ORGANISER_EMAIL,
        generator.ADMIN_EMAIL,
        generator.MEMBER_EMAIL,
    }

    again = runner.invoke(args=["demo", "load", "--seed", "3"])
    assert again.exit_code == 0, again.output
    assert counts() == first
    assert printed_logins(again.output) == logins

    # The organiser logs in with the printed password and reaches organisers' pages.
    response = auth.login(generator.ORGANISER_EMAIL, logins[generator.ORGANISER_EMAIL])
    assert response.status_code == 302
    assert client.get("/tags").status_code == 200
    auth.logout()
    auth.login(generator.MEMBER_EMAIL, logins[generator.MEMBER_EMAIL])
    assert client.get("/directory").status_code == 200
    assert client.get("/tags").status_code == 403

    # Every demo account is confirmed; regions as in the plan.
    assert db.session.scalar(select(func.count()).where(User.confirmed_at.is_(None))) == 0
    loaded = Counter(
        cluster_region(region) for region in db.session.scalars(select(Organisation.region))
    )
    assert abs(loaded[Region.PAYS_DE_LA_LOIRE] / first["Organisation"] - 0.65) < 0.02

    # The directory finds the demo's profiles, and the tags page shows merged synonyms.
    body = client.get("/directory", query_string={"q": "therapie cellulaire"}).get_data(
        as_text=True
    )
    assert "Erdrecell Therapeutics" in body
    # 18 months of introductions with every outcome, so the organisers' figures mean something.
    statuses = Counter(db.session.scalars(select(IntroductionRequest.status)))
    assert set(statuses) >= {
        "requested",
        "forwarded",
        "accepted",
        "declined",
        "expired",
        "met",
        "project_started",
    }
    oldest = db.session.scalar(select(func.min(IntroductionRequest.created_at)))
    assert (utcnow() - oldest).days > 365
    figures = introduction_figures()
    assert 0.4 < figures.acceptance_rate < 0.8
    assert timedelta(hours=2) < figures.median_time_to_answer < timedelta(days=7)
    assert figures.met > 10 and figures.projects > 3 and figures.open >= 5
    pet = db.session.scalar(select(Tag).where(Tag.normalised == "pet imaging"))
    aliases = db.session.scalars(select(Tag).where(Tag.merged_into_id == pet.id)).all()
    assert {alias.normalised for alias in aliases} == {"imagerie tep", "pet"}


def test_if_empty_only_prints_the_logins_once_organisations_exist(runner, app):
    from tests.support.factories import make_organisation

    make_organisation(name="An existing member")
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert counts()["Organisation"] == 1
    assert printed_logins(result.output) == {}

    db.session.execute(db.delete(Organisation))
    db.session.commit()
    runner.invoke(args=["demo", "load", "--if-empty"])
    loaded = counts()
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert counts() == loaded
    assert len(printed_logins(result.output)) == 3
