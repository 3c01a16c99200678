"""A visitor switches language; pages and form errors follow."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_language_switch_translates_pages_and_form_errors(page: Page):
    page.goto("/login")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_role("button", name="Log in").last.click()
    expect(page.get_by_text("Enter your email address.")).to_be_visible()

    page.get_by_role("button", name="FR").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    page.get_by_role("button", name="Se connecter").last.click()
    expect(page.get_by_text("Saisissez votre adresse e-mail.")).to_be_visible()

    # The choice is remembered on the next page.
    page.goto("/no-such-page")
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()

    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
