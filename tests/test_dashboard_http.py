"""The dashboard over HTTP: organisers only, the period and region in the address, every table
as CSV, the figures as JSON (with JSON errors), the annual report, the projects section; and
startups declaring their funding rounds from their page."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from matchmaker.dashboard.tables import TABLES
from matchmaker.extensions import db
from matchmaker.models import FundingRound
from tests.support.accounts import field_error, main_content, page_text
from tests.support.factories import make_organisation, make_person
from tests.support.project_history import projects_of_2024_and_2025


@pytest.fixture(autouse=True)
def english(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"


@pytest.fixture
def organiser(app):
    return make_person(role="organiser", email="organiser@example.org", language="en")


@pytest.fixture
def cluster(app):
    """Two startups created with the cluster's support, in two regions, and what they raised."""
    nantes = make_organisation(name="Vectalis", kind="startup", region="pays_de_la_loire",
                               cluster_startup=True, startup_created_on=date(2025, 3, 1))
    rennes = make_organisation(name="Brocell", kind="startup", region="bretagne",
                               cluster_startup=True, startup_created_on=date(2025, 6, 1))
    for organisation in (nantes, rennes):
        organisation.created_at = datetime(2025, 2, 1, tzinfo=UTC)
    db.session.add_all([
        FundingRound(organisation_id=nantes.id, raised_on=date(2025, 9, 1), amount_eur=1_500_000,
                     kind="seed", investors="Fonds Loire Amorçage"),
        FundingRound(organisation_id=rennes.id, raised_on=date(2025, 11, 1), amount_eur=400_000,
                     kind="pre_seed", investors=""),
    ])
    db.session.commit()
    founder = make_person(email="founder@vectalis.example.org", organisation=nantes)
    founder.created_at = datetime(2025, 2, 2, tzinfo=UTC)
    db.session.commit()
    return {"nantes": nantes, "rennes": rennes, "founder": founder}


YEAR_2025 = {"from": "2025-01-01", "to": "2025-12-31"}
PAGES = ["/organiser/dashboard/", "/organiser/dashboard/figures.json",
         "/organiser/dashboard/members-by-region.csv", "/organiser/dashboard/report",
         "/organiser/dashboard/report.csv", "/organiser/dashboard/report.json"]


def test_only_organisers_reach_the_dashboard(client, auth, cluster):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location, url
    auth.login(cluster["founder"].email)
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    assert "/organiser/dashboard/" not in page_text(client.get("/organiser"))


def test_the_organisers_page_lists_the_dashboard_and_it_shows_every_section(
    client, auth, organiser, cluster
):
    auth.login(organiser.email)
    assert 'href="/organiser/dashboard/"' in page_text(client.get("/organiser"))
    response = client.get("/organiser/dashboard/", query_string=YEAR_2025)
    assert response.status_code == 200
    html = main_content(response)
    for heading in ("Members", "Events", "Introductions", "Projects", "Startups",
                    "Matching health"):
        assert f">{heading}</h2>" in html
    # Charts are drawn in the page, titled, each with a table and its CSV link.
    assert html.count('<svg class="chart"') >= 10 and "<script" not in html
    assert 'role="img"' in html
    assert '<figcaption aria-hidden="true">Members over time</figcaption>' in html
    assert '<title id="chart-' in html and ">Members over time</title>" in html
    for name in TABLES:
        assert f"/organiser/dashboard/{name}.csv?from=2025-01-01&amp;to=2025-12-31" in html, name
    assert "Vectalis" in html and "1,500,000 €" in html


def test_a_region_filters_the_page_and_bad_filters_are_refused(client, auth, organiser, cluster):
    auth.login(organiser.email)
    html = main_content(
        client.get("/organiser/dashboard/", query_string={**YEAR_2025, "region": "bretagne"})
    )
    assert "Brocell" in html and "Vectalis" not in html
    bad = client.get("/organiser/dashboard/", query_string={"from": "2025-02-30"})
    assert bad.status_code == 400
    assert field_error(bad, "from") == "Not a valid date value."
    reversed_ = client.get("/organiser/dashboard/",
                           query_string={"from": "2025-03-01", "to": "2025-01-01"})
    assert reversed_.status_code == 400
    assert field_error(reversed_, "to") == "The end of the period is before its start."
    ancient = client.get("/organiser/dashboard/", query_string={"from": "0001-01-01"})
    assert field_error(ancient, "from") == "Enter a date between 2000 and 2100."
    unknown = client.get("/organiser/dashboard/", query_string={"region": "atlantis"})
    assert unknown.status_code == 400 and field_error(unknown, "region")


def read_csv(response) -> list[list[str]]:
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_every_table_downloads_as_csv_with_the_filters_of_the_page(
    client, auth, organiser, cluster
):
    auth.login(organiser.email)
    for name in TABLES:
        response = client.get(f"/organiser/dashboard/{name}.csv", query_string=YEAR_2025)
        assert response.status_code == 200, name
        assert f'filename="{name}-2025-01-01-2025-12-31.csv"' in response.headers[
            "Content-Disposition"]
        assert read_csv(response)[0], name
    rounds = read_csv(client.get("/organiser/dashboard/funding-rounds.csv",
                                 query_string=YEAR_2025))
    assert rounds == [
        ["Startup", "Region", "Date", "Kind of round", "Amount (euros)", "Investors"],
        ["Brocell", "Bretagne", "2025-11-01", "Pre-seed", "400000", ""],
        ["Vectalis", "Pays de la Loire", "2025-09-01", "Seed", "1500000", "Fonds Loire Amorçage"],
    ]
    per_year = read_csv(client.get("/organiser/dashboard/startups-per-year.csv",
                                   query_string={**YEAR_2025, "region": "bretagne"}))
    assert per_year[1] == ["2025", "1", "1", "400000"]
    regions = read_csv(client.get("/organiser/dashboard/members-by-region.csv",
                                  query_string=YEAR_2025))
    assert regions[0] == ["Region", "Organisations", "New organisations", "People", "New people"]
    assert ["Pays de la Loire", "1", "1", "1", "1"] in regions
    # Headers are in the reader's language.
    client.post("/language", data={"language": "fr", "next": "/"})
    french = read_csv(client.get("/organiser/dashboard/funding-rounds.csv",
                                 query_string=YEAR_2025))
    assert french[0][0] == "Startup" and french[0][4] == "Montant (euros)"
    assert client.get("/organiser/dashboard/nothing.csv").status_code == 404
    assert client.get("/organiser/dashboard/events.csv",
                      query_string={"to": "31/12/2025"}).status_code == 400


def test_the_figures_as_json_and_json_errors(client, auth, organiser, cluster):
    auth.login(organiser.email)
    response = client.get("/organiser/dashboard/figures.json",
                          query_string={**YEAR_2025, "region": "pays_de_la_loire"})
    assert response.status_code == 200 and response.is_json
    figures = response.get_json()
    assert figures["filters"] == {
        "since": "2025-01-01", "until": "2025-12-31", "region": "pays_de_la_loire",
        "start": "2024-12-31T23:00:00+00:00", "end": "2025-12-31T23:00:00+00:00",
    }
    assert figures["members"]["organisations"] == 1 and figures["members"]["people"] == 1
    assert figures["startups"]["raised_eur"] == 1_500_000
    assert figures["startups"]["round_lines"][0]["organisation"] == "Vectalis"
    assert len(figures["members"]["growth"]) == 12
    assert set(figures) >= {"members", "events", "introductions", "startups", "matching"}
    assert "acceptance_rate" in figures["introductions"]["figures"]
    assert "people_share" in figures["matching"]
    for query, field in (({"from": "2025-13-01"}, "from"), ({"region": "mars"}, "region"),
                         ({"from": "2025-06-01", "to": "2025-01-01"}, "to")):
        bad = client.get("/organiser/dashboard/figures.json", query_string=query)
        assert bad.status_code == 400 and bad.is_json, query
        body = bad.get_json()
        assert body["status"] == 400 and body["error"] and field in body["fields"], query


def test_the_annual_report_page_csv_and_json(client, auth, organiser, cluster):
    auth.login(organiser.email)
    response = client.get("/organiser/dashboard/report", query_string={"year": 2025})
    assert response.status_code == 200
    html = main_content(response)
    assert "Annual report 2025" in html and "<th scope=\"col\" class=\"number\">2024</th>" in html
    assert "Funds raised by these startups (euros)" in html
    assert "1,900,000 €" in html
    rows = read_csv(client.get("/organiser/dashboard/report.csv", query_string={"year": 2025}))
    assert rows[0] == ["Section", "Figure", "2025", "2024"]
    assert ["Startups", "Startups created with the cluster's support", "2", "0"] in rows
    assert ["Members", "Member organisations at the end of the year", "2", "0"] in rows
    report = client.get("/organiser/dashboard/report.json",
                        query_string={"year": 2025, "region": "bretagne"}).get_json()
    assert report["figures"]["startups.raised_eur"] == {
        "this_year": 400_000, "last_year": 0, "change": None}
    bad = client.get("/organiser/dashboard/report.json", query_string={"year": "soon"})
    assert bad.status_code == 400 and bad.get_json()["fields"]["year"]
    assert client.get("/organiser/dashboard/report",
                      query_string={"year": 2025, "region": "x"}).status_code == 400


# --- Projects --------------------------------------------------------------------------------


def test_the_projects_section_on_the_page_csv_json_and_report_follows_period_and_region(
    client, auth, organiser
):
    projects_of_2024_and_2025()
    auth.login(organiser.email)
    html = main_content(client.get("/organiser/dashboard/", query_string=YEAR_2025))
    section = html[html.index('id="projects-heading"'):html.index('id="startups-heading"')]
    assert "<figcaption aria-hidden=\"true\">Projects proposed, labelled and approved per year" in (
        section)
    assert '<p class="figure">3</p><p class="hint">collaborative projects proposed</p>' in section
    assert '<p class="figure">2 / 1</p><p class="hint">approved / rejected by the funder' in section
    assert '<p class="figure">900,000 €</p>' in section
    assert '<p class="figure">2</p><p class="hint">public–private consortia' in section
    assert ">66.7%</td>" in section  # two of the three consortia submitted

    two_years = {"from": "2024-01-01", "to": "2025-12-31"}
    per_year = read_csv(client.get("/organiser/dashboard/projects-per-year.csv",
                                   query_string=two_years))
    assert per_year == [
        ["Year", "Projects proposed", "Projects labelled", "Projects approved",
         "Funding granted (euros)"],
        ["2024", "1", "1", "0", "0"],
        ["2025", "3", "1", "2", "900000"],
    ]
    loire = {**YEAR_2025, "region": "pays_de_la_loire"}
    consortia = read_csv(client.get("/organiser/dashboard/projects-consortia.csv",
                                    query_string=loire))
    assert consortia == [["Sector", "Partner organisations", "Share"],
                         ["Public", "3", "0.7500"], ["Private", "1", "0.2500"]]
    summary = dict(read_csv(client.get("/organiser/dashboard/projects.csv", query_string=loire)))
    assert summary["Projects proposed"] == "2" and summary["Projects approved by a funder"] == "1"
    assert summary["Funding granted to the projects approved (euros)"] == "300000"
    assert summary["Share of public–private consortia"] == "0.5000"

    figures = client.get("/organiser/dashboard/figures.json",
                         query_string={**YEAR_2025, "region": "bretagne"}).get_json()
    assert figures["projects"]["proposed"] == 0
    assert figures["projects"]["approved"] == 1
    assert figures["projects"]["funding_granted_eur"] == 600_000
    assert figures["projects"]["mixed_consortia"] == 1

    rows = read_csv(client.get("/organiser/dashboard/report.csv", query_string={"year": 2025}))
    assert ["Projects", "Collaborative projects proposed", "3", "1"] in rows
    assert ["Projects", "Funding granted to the projects approved (euros)", "900000", "0"] in rows
    report = client.get("/organiser/dashboard/report.json", query_string={"year": 2025}).get_json()
    assert report["figures"]["projects.approved"] == {
        "this_year": 2, "last_year": 0, "change": None}
    assert report["figures"]["projects.proposed"]["change"] == 2.0
    page = main_content(client.get("/organiser/dashboard/report", query_string={"year": 2025}))
    assert "Projects approved by a funder" in page and "900,000 €" in page


# --- Declaring funding rounds ----------------------------------------------------------------


def rounds() -> int:
    return db.session.scalar(select(func.count()).select_from(FundingRound))


def test_a_startup_member_declares_a_round_and_bad_input_writes_nothing(client, auth, cluster):
    startup, founder = cluster["nantes"], cluster["founder"]
    auth.login(founder.email)
    page = page_text(client.get(f"/organisations/{startup.id}"))
    assert "Declare a funding round" in page and "Fonds Loire Amorçage" in page
    before = rounds()
    refused = client.post(f"/organisations/{startup.id}/funding-rounds",
                          data={"raised_on": "2025-10-01", "amount_eur": "-5", "kind": "seed"})
    assert refused.status_code == 400
    assert field_error(refused, "amount_eur") == "Enter the amount raised, in euros."
    future = client.post(f"/organisations/{startup.id}/funding-rounds",
                         data={"raised_on": "2999-01-01", "amount_eur": "10", "kind": "seed"})
    assert field_error(future, "raised_on") == "The date cannot be in the future."
    unknown = client.post(f"/organisations/{startup.id}/funding-rounds",
                          data={"raised_on": "2025-10-01", "amount_eur": "10", "kind": "ipo"})
    assert unknown.status_code == 400 and field_error(unknown, "kind")
    assert rounds() == before
    done = client.post(f"/organisations/{startup.id}/funding-rounds", data={
        "raised_on": "2025-10-01", "amount_eur": "3000000", "kind": "series_a",
        "investors": "Atlantique  Biotech   Ventures"})
    assert done.status_code == 302
    saved = db.session.scalar(select(FundingRound).where(FundingRound.kind == "series_a"))
    assert (saved.amount_eur, saved.investors, saved.declared_by_id) == (
        3_000_000, "Atlantique Biotech Ventures", founder.user.id)
    assert "3,000,000" in page_text(client.get(f"/organisations/{startup.id}"))
    removed = client.post(f"/organisations/{startup.id}/funding-rounds/{saved.id}/delete")
    assert removed.status_code == 302 and rounds() == before


def test_others_cannot_declare_rounds_and_non_startups_have_none(client, auth, cluster):
    outsider = make_person(email="outsider@example.org",
                           organisation=make_organisation(kind="university_lab"))
    auth.login(outsider.email)
    startup = cluster["nantes"]
    assert "Declare a funding round" not in page_text(client.get(f"/organisations/{startup.id}"))
    assert "Fonds Loire" not in page_text(client.get(f"/organisations/{startup.id}"))
    data = {"raised_on": "2025-10-01", "amount_eur": "10", "kind": "seed"}
    assert client.post(f"/organisations/{startup.id}/funding-rounds", data=data).status_code == 403
    round_id = db.session.scalar(select(FundingRound.id).limit(1))
    assert client.post(
        f"/organisations/{startup.id}/funding-rounds/{round_id}/delete"
    ).status_code == 403
    lab = outsider.organisation
    assert "Declare a funding round" not in page_text(client.get(f"/organisations/{lab.id}"))
    assert client.post(f"/organisations/{lab.id}/funding-rounds", data=data).status_code == 403


def test_the_page_lists_the_thinnest_profiles_and_the_csv_all_of_them(
    client, auth, organiser, cluster
):
    lab = make_organisation(name="Quiet Lab", kind="university_lab")
    for n in range(30):
        make_person(email=f"quiet{n}@example.org", organisation=lab, expertise="x" * n)
    auth.login(organiser.email)
    html = main_content(client.get("/organiser/dashboard/"))
    # 32 people (the founder, the organiser and the lab's 30) and 3 organisations are thin;
    # the page lists the 25 thinnest people and the organisations.
    assert "The first 28 of 35 rows; the CSV file has them all." in html
    assert "quiet0@example.org" in html and "quiet29@example.org" not in html
    rows = read_csv(client.get("/organiser/dashboard/thin-profiles.csv"))
    assert len(rows) == 1 + 35
    assert rows[0] == ["Name", "Profile", "Organisation", "Email", "Region",
                       "Characters written", "Tags", "Good suggestions"]
    assert {row[1] for row in rows[1:]} == {"Person", "Organisation"}
