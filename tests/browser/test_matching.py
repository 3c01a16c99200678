"""Suggestions as members see them, and the organisers' import and veto flows."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Organisation
from matchmaker.services import matching
from tests.support.browser import log_in
from tests.support.factories import make_person
from tests.support.matching import small_cluster

pytestmark = pytest.mark.browser

ORGANISER = "organiser@example.org"


@pytest.fixture
def cluster(app):
    cluster = small_cluster()
    make_person(email=ORGANISER, role="organiser", consent_matching=False, full_name="Olga Org")
    matching.rebuild()
    return cluster


def test_a_member_sees_suggestions_with_reasons_in_french_and_in_english(page: Page, cluster):
    log_in(page, "alice@radiotrace.example.org")  # Alice writes in French
    page.goto("/")
    expect(page.get_by_role("heading", name="Suggérés pour vous")).to_be_visible()
    bob = page.locator("article.suggestion", has=page.get_by_role("link", name="Bob Nuclear"))
    expect(bob).to_be_visible()
    expect(bob.get_by_role("list", name="Pourquoi nous les suggérons")).to_contain_text(
        "Expertise partagée : médecine nucléaire"
    )
    lab = page.locator(
        "article.suggestion", has=page.get_by_role("link", name="Nuclear Medicine Lab")
    )
    expect(lab).to_contain_text("Leur offre répond à ce que vous recherchez")
    expect(page.get_by_role("link", name="Carol Microbiota")).to_have_count(0)

    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", name="Suggested for you")).to_be_visible()
    bob = page.locator("article.suggestion", has=page.get_by_role("link", name="Bob Nuclear"))
    expect(bob.get_by_role("list", name="Why we suggest them")).to_contain_text(
        "Shared expertise: nuclear medicine"
    )
    # From a suggestion to the person's page.
    bob.get_by_role("link", name="Bob Nuclear").click()
    expect(page.get_by_role("heading", name="Bob Nuclear")).to_be_visible()


HEADER = "external_id,name,kind,region,city,website,description,offer,looking_for,tags,focus_areas"


def test_an_organiser_uploads_a_csv_sees_the_bad_row_fixes_it_and_imports(page: Page, cluster):
    log_in(page, ORGANISER)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Organisers").click()
    page.get_by_role("main").get_by_role("link", name="Import").click()
    expect(page.get_by_role("heading", name="Import from a CSV file")).to_be_visible()

    bad = "\n".join(
        [
            HEADER,
            "cf-1,Cellforge,startup,Bretagne,Rennes,,Bioreactors for cell therapy.,,,,",
            "cf-2,Omics Platform,plateforme,Atlantis,,,,,,,",
        ]
    )
    page.get_by_role("radio", name="Organisations", exact=True).check()
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "members.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Check the import")).to_be_visible()
    problems = page.get_by_role("table", name="Problems, by line of the file")
    expect(problems.get_by_role("row").nth(1)).to_contain_text("3")
    expect(problems).to_contain_text("Unknown region “Atlantis”")
    expect(page.get_by_role("list", name="What the import would do")).to_contain_text("1 to create")

    # Importing anyway without skipping the bad row is refused, and nothing is written.
    page.get_by_role("button", name="Import 1 row").click()
    expect(page.get_by_text("1 row is invalid: nothing was imported.")).to_be_visible()

    page.get_by_role("link", name="Upload another file").click()
    fixed = bad.replace("Atlantis", "Centre-Val de Loire")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "members.csv", "mimeType": "text/csv", "buffer": fixed.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("list", name="What the import would do")).to_contain_text("2 to create")
    expect(page.get_by_role("table", name="Problems, by line of the file")).to_have_count(0)
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_text("Imported: 2 created, 0 updated")).to_be_visible()

    platform = db.session.scalar(select(Organisation).where(Organisation.external_id == "cf-2"))
    assert platform.kind == "technology_platform" and platform.region == "centre_val_de_loire"


def pair_row(page: Page, private: str, public: str):
    return page.get_by_role("row").filter(has_text=private).filter(has_text=public)


def test_an_organiser_vetoes_a_pairing_and_it_disappears(page: Page, cluster):
    log_in(page, ORGANISER)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Organisers").click()
    page.get_by_role("main").get_by_role("link", name="Matching").click()
    expect(page.get_by_role("heading", name="Matching")).to_be_visible()
    page.get_by_label("Pairs of").select_option(label="Organisations")
    page.get_by_role("button", name="Filter").click()

    row = pair_row(page, "Radiotrace", "Nuclear Medicine Lab")
    expect(row).to_have_count(1)
    row.get_by_text("Veto this pair").click()
    row.get_by_label("Why", exact=True).fill("They already work together on a grant.")
    row.get_by_role("button", name="Veto").click()

    expect(page.get_by_text("Vetoed: this pair will not be suggested any more.")).to_be_visible()
    expect(page.get_by_label("Pairs of")).to_have_value("organisation")
    expect(pair_row(page, "Radiotrace", "Nuclear Medicine Lab")).to_have_count(0)

    page.get_by_role("link", name="Vetoes").click()
    vetoed = page.get_by_role("row").filter(has_text="They already work together on a grant.")
    expect(vetoed).to_contain_text("Olga Org")
    expect(vetoed).to_contain_text("In force")


def test_a_member_hides_a_suggestion_then_shows_it_again(page: Page, cluster):
    log_in(page, "bob@nuclear.example.org")
    page.goto("/")
    alice = page.locator("article.suggestion", has=page.get_by_role("link", name="Alice Radio"))
    alice.get_by_text("Not for me").click()  # a <details>: no JavaScript needed
    why = alice.get_by_role("group", name="Why hide Alice Radio?")
    why.get_by_label("We are already in touch").check()
    alice.get_by_role("button", name="Hide this suggestion").click()
    expect(page.get_by_text("Alice Radio will not be suggested to you any more.")).to_be_visible()
    expect(page.locator("article.suggestion").filter(has_text="Alice Radio")).to_have_count(0)
    # Radiotrace, her organisation, is still suggested: only what Bob hid is gone.
    expect(page.get_by_role("link", name="Radiotrace")).to_be_visible()

    page.get_by_role("link", name="Hidden suggestions").click()
    row = page.get_by_role("row").filter(has_text="Alice Radio")
    expect(row).to_contain_text("We are already in touch")
    row.get_by_role("button", name="Show again").click()
    expect(page.get_by_text("Alice Radio may be suggested to you again.")).to_be_visible()
    page.get_by_role("link", name="Back to your suggestions").click()
    expect(page.get_by_role("link", name="Alice Radio")).to_be_visible()


def test_a_member_opens_all_their_suggestions(page: Page, cluster):
    log_in(page, "bob@nuclear.example.org")
    page.goto("/")
    page.get_by_role("link", name="All your suggestions").click()
    expect(page.get_by_role("heading", name="All your suggestions")).to_be_visible()
    people = page.get_by_role("region", name="People")
    expect(people.get_by_role("link", name="Alice Radio")).to_be_visible()
    organisations = page.get_by_role("region", name="Organisations for Nuclear Medicine Lab")
    radiotrace = organisations.locator("article.suggestion").filter(has_text="Radiotrace")
    radiotrace.get_by_text("Not for me").click()
    radiotrace.get_by_role("button", name="Hide this suggestion").click()
    expect(page.get_by_text("Radiotrace will not be suggested to you any more.")).to_be_visible()
    expect(page.get_by_role("heading", name="All your suggestions")).to_be_visible()
    expect(organisations.get_by_role("link", name="Radiotrace")).to_have_count(0)
