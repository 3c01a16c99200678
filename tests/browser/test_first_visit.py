"""The foundation's whole journey in one browser: sign up, confirm by the emailed link, log in,
complete the profile and the organisation, then find someone in the directory."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accounts import inbox, link_sent_to, log_in  # noqa: F401 (fixture)
from tests.support.factories import PASSWORD, make_organisation, make_person

pytestmark = pytest.mark.browser


def test_from_sign_up_to_finding_a_partner(page: Page, inbox):  # noqa: F811
    make_organisation(name="Institut de radiopharmacie de Nantes", city="Nantes")
    startup = make_organisation(
        name="Isotopia Therapeutics", kind="startup", region="bretagne", city="Rennes"
    )
    make_person(
        full_name="Yann Kerbrat",
        organisation=startup,
        position="CEO",
        expertise="Radioligand therapy with lutetium-177",
    )

    page.goto("/signup")
    page.get_by_label("Full name").fill("Léa Fournier")
    page.get_by_label("Email").fill("lea@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_label("Your organisation").select_option(
        label="Institut de radiopharmacie de Nantes (Nantes)"
    )
    page.get_by_label("Your role or position there").fill("Radiochemist")
    page.get_by_label("I agree to be contacted by other members").check()
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    page.goto(link_sent_to(inbox, "lea@example.org", "/confirm/"))
    expect(page.get_by_text("Your email address is confirmed.")).to_be_visible()
    log_in(page, "lea@example.org")

    menu = page.get_by_role("navigation", name="Main menu")
    page.get_by_role("navigation", name="Your pages").get_by_role("link", name="My profile").click()
    page.get_by_label("Expertise").fill("Labelling peptides with gallium-68 and lutetium-177.")
    page.get_by_label("Tags").fill("radiochemistry, theranostics")
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()

    page.get_by_role("link", name="Edit my organisation").click()
    page.get_by_label("Description").fill("Radiopharmaceutical chemistry and preclinical imaging.")
    page.get_by_label("Radiopharmaceuticals").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The organisation's profile is saved.")).to_be_visible()
    expect(
        page.get_by_text("Radiopharmaceutical chemistry and preclinical imaging.")
    ).to_be_visible()

    menu.get_by_role("link", name="Directory").click()
    page.get_by_role("searchbox", name="Search").fill("radioligand")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="People (1)").click()
    page.get_by_role("link", name="Yann Kerbrat").click()
    expect(page.get_by_role("heading", name="Yann Kerbrat")).to_be_visible()
    # Contact details stay private until an introduction is accepted.
    expect(page.get_by_text("shared once an introduction between you is accepted")).to_be_visible()
