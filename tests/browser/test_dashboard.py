"""A startup's founder declares a funding round on its page; an organiser opens the dashboard
(its projects among the sections), narrows it to a region and a period, downloads a table as
CSV and opens the annual report."""

import csv
import re
from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import Page, expect

from matchmaker.domain import Role
from matchmaker.extensions import db
from tests.support.browser import log_in
from tests.support.factories import make_organisation, make_person
from tests.support.project_history import dated_project

pytestmark = pytest.mark.browser


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()


def test_a_declared_round_reaches_the_dashboard_filtered_by_region_and_its_csv(page: Page, app):
    this_year = datetime.now(UTC).year
    rennes = make_organisation(name="Brocell", kind="startup", region="bretagne",
                               cluster_startup=True, startup_created_on=date(this_year, 1, 2))
    nantes = make_organisation(name="Vectalis", kind="startup", region="pays_de_la_loire",
                               cluster_startup=True, startup_created_on=date(this_year, 1, 3))
    for organisation in (rennes, nantes):
        organisation.created_at = datetime(this_year, 1, 2, 9, tzinfo=UTC)
    db.session.commit()
    # Each startup proposed a project this year; Brocell's was approved.
    dated_project(rennes, created=datetime(this_year, 1, 5, 9, tzinfo=UTC),
                  partners=(rennes,), status="approved", submitted_on=date(this_year, 1, 10),
                  approved_on=date(this_year, 1, 20), amount_granted_eur=250_000)
    dated_project(nantes, created=datetime(this_year, 1, 6, 9, tzinfo=UTC))
    make_person(email="founder@brocell.example.org", organisation=rennes)
    make_person(email="founder@vectalis.example.org", organisation=nantes)
    make_person(email="claire@cluster.example.org", role=Role.ORGANISER)

    # The founder declares the seed round on the startup's page.
    log_in(page, "founder@brocell.example.org")
    page.goto(f"/organisations/{rennes.id}")
    page.get_by_text("Declare a funding round").click()
    page.get_by_label("Date of the round").fill(f"{this_year}-01-15")
    page.get_by_label("Amount raised (euros)").fill("")
    page.get_by_label("Kind of round").select_option(label="Seed")
    page.get_by_role("button", name="Record the round").click()
    expect(page.get_by_text("Enter the amount raised, in euros.").first).to_be_visible()
    page.get_by_label("Amount raised (euros)").fill("1200000")
    page.get_by_label("Investors").fill("Armor Innovation Capital")
    page.get_by_role("button", name="Record the round").click()
    expect(page.get_by_text("The funding round is recorded.")).to_be_visible()
    expect(page.get_by_role("table", name="Funding rounds")).to_contain_text("1,200,000")
    log_out(page)
    log_in(page, "founder@vectalis.example.org")
    page.goto(f"/organisations/{nantes.id}")
    page.get_by_text("Declare a funding round").click()
    page.get_by_label("Date of the round").fill(f"{this_year}-01-20")
    page.get_by_label("Amount raised (euros)").fill("300000")
    page.get_by_label("Kind of round").select_option(label="Pre-seed")
    page.get_by_role("button", name="Record the round").click()
    expect(page.get_by_text("The funding round is recorded.")).to_be_visible()
    log_out(page)

    # The organiser opens the dashboard from the organisers' tools.
    log_in(page, "claire@cluster.example.org")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Organisers").click()
    page.get_by_role("main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    for section in ("Members", "Events", "Introductions", "Projects", "Startups",
                    "Matching health"):
        expect(page.get_by_role("heading", name=section, level=2)).to_be_visible()
    projects = page.get_by_role("table", name="Collaborative projects")
    proposed = projects.locator("tr", has=page.get_by_role("rowheader", name="Projects proposed"))
    expect(proposed.locator("td")).to_have_text("2")
    expect(page.get_by_role(
        "img", name="Projects proposed, labelled and approved per year")).to_be_visible()
    rounds = page.get_by_role("table", name="Funding rounds of the startups")
    expect(rounds).to_contain_text("Brocell")
    expect(rounds).to_contain_text("Vectalis")
    expect(page.get_by_role("img", name="Members over time")).to_be_visible()

    # Only Bretagne, this year.
    page.get_by_label("From", exact=True).fill(f"{this_year}-01-01")
    page.get_by_label("To", exact=True).fill(f"{this_year}-12-31")
    page.get_by_label("Region", exact=True).select_option(label="Bretagne")
    page.get_by_role("button", name="Show the figures").click()
    expect(page.locator("p.lead")).to_contain_text(
        f"From January 1, {this_year} to December 31, {this_year}, Bretagne."
    )
    expect(rounds).to_contain_text("Brocell")
    expect(rounds).not_to_contain_text("Vectalis")
    expect(proposed.locator("td")).to_have_text("1")
    granted = projects.locator("tr", has=page.get_by_role(
        "rowheader", name="Funding granted to the projects approved (euros)"))
    expect(granted.locator("td")).to_have_text("250,000 €")
    expect(page.get_by_role("table", name="Members by region")).not_to_contain_text(
        "Pays de la Loire")

    with page.expect_download() as download_info:
        page.get_by_role(
            "link", name=re.compile(r"^Download as CSV\s*: Funding rounds of the startups$")
        ).click()
    download = download_info.value
    assert download.suggested_filename == (
        f"funding-rounds-{this_year}-01-01-{this_year}-12-31-bretagne.csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["Startup", "Region", "Date", "Kind of round", "Amount (euros)", "Investors"],
        ["Brocell", "Bretagne", f"{this_year}-01-15", "Seed", "1200000",
         "Armor Innovation Capital"],
    ]

    # The annual report compares the year with the previous one, ready to print.
    page.get_by_role("link", name="Annual report").click()
    expect(page.get_by_role("heading", name=f"Annual report {this_year}")).to_be_visible()
    raised = page.locator("tr", has=page.get_by_role(
        "rowheader", name="Funds raised by these startups (euros)"))
    expect(raised).to_contain_text("1,500,000 €")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    page.get_by_label("Region", exact=True).select_option(label="Bretagne")
    page.get_by_role("button", name="Show the report").click()
    expect(raised).to_contain_text("1,200,000 €")
