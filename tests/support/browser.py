"""What browser tests share: signing in through the login page, as a person would."""

from playwright.sync_api import Page

from tests.support.factories import PASSWORD


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").last.click()
