"""A member completes their profile with suggested tags, edits their organisation, then finds
someone in the directory."""

import pytest
from playwright.sync_api import Page, expect

from matchmaker.extensions import db
from matchmaker.services.tags import resolve_tags
from tests.support.factories import PASSWORD, make_organisation, make_person

pytestmark = pytest.mark.browser


@pytest.fixture
def cluster(app):
    lab = make_organisation(name="Laboratoire des biothérapies", city="Nantes")
    make_person(email="camille@example.org", full_name="Camille Martin", organisation=lab)
    vaccines = make_organisation(name="Kervax Biologics", kind="startup", region="bretagne")
    yann = make_person(
        full_name="Yann Kerbrat",
        organisation=vaccines,
        position="CSO",
        expertise="Formulation of veterinary vaccines",
    )
    yann.tags = resolve_tags(["monoclonal antibodies", "vaccines"])
    other = make_person(full_name="Someone Else", organisation=lab)
    other.tags = resolve_tags(["monoclonal antibodies"])
    db.session.commit()


def test_profile_organisation_and_directory(page: Page, cluster):
    page.goto("/login")
    page.get_by_label("Email").fill("camille@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()

    # My profile, with a tag suggested from the ones colleagues already use.
    page.get_by_role("navigation", name="Your pages").get_by_role("link", name="My profile").click()
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()
    page.get_by_label("Title or position").fill("Research engineer")
    tags = page.get_by_label("Tags")
    tags.fill("bioreactors, ")
    tags.press_sequentially("mono", delay=50)
    suggestion = page.locator("datalist#tags-suggestions option").first
    expect(suggestion).to_have_attribute("value", "bioreactors, monoclonal antibodies")
    # Headless Chromium draws no datalist popup: pick the option the way the browser does.
    tags.evaluate(
        """(input, value) => {
            input.value = value;
            input.dispatchEvent(new InputEvent("input", {
                bubbles: true, inputType: "insertReplacementText", data: value
            }));
        }""",
        suggestion.get_attribute("value"),
    )
    # Choosing a suggestion makes room for the next tag.
    expect(tags).to_have_value("bioreactors, monoclonal antibodies, ")
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.get_by_label("Tags")).to_have_value("bioreactors, monoclonal antibodies")

    # My organisation.
    page.get_by_role("link", name="Edit my organisation").click()
    page.get_by_label("Description").fill("Antibody engineering and GMP cell therapy.")
    page.get_by_label("Bioproduction").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The organisation's profile is saved.")).to_be_visible()
    expect(page.get_by_text("Antibody engineering and GMP cell therapy.")).to_be_visible()

    # The directory, filtered by region, then a person's profile.
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Directory").click()
    page.get_by_label("Region").select_option(label="Bretagne")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Kervax Biologics")).to_be_visible()
    expect(page.get_by_role("link", name="Laboratoire des biothérapies")).to_have_count(0)
    page.get_by_role("link", name="People (1)").click()
    page.get_by_role("link", name="Yann Kerbrat").click()
    expect(page.get_by_role("heading", name="Yann Kerbrat")).to_be_visible()
    expect(page.get_by_text("Formulation of veterinary vaccines")).to_be_visible()
    expect(page.get_by_text("shared once an introduction between you is accepted")).to_be_visible()
