"""Accounts in a real browser, with the mail going through a real SMTP server."""

import pytest
from playwright.sync_api import Page, expect

from matchmaker.domain import Role
from matchmaker.mail.drain import drain
from tests.support.browser import log_in
from tests.support.factories import PASSWORD, make_organisation, make_person
from tests.support.mail import links_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def inbox(app, live_server, smtp):
    """The SMTP server; links in the mail point at the live server the browser uses."""
    app.config["BASE_URL"] = live_server.url
    return smtp


def send_outbox() -> None:
    while drain():
        pass


def link_sent_to(inbox, address: str, contains: str) -> str:
    send_outbox()
    links = [
        link for message in inbox.to(address) for link in links_in(message) if contains in link
    ]
    assert links, f"no link containing {contains!r} was sent to {address}"
    return links[-1]


def test_sign_up_with_a_new_organisation_confirm_and_log_in(page: Page, inbox):
    make_organisation(name="Institut du Thorax")
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Sign up")).to_be_visible()

    page.get_by_label("Full name").fill("Camille Durand")
    page.get_by_label("Email").fill("camille@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    # The new-organisation part appears once the person says theirs is not listed.
    expect(page.get_by_label("Name of the organisation")).to_be_hidden()
    page.get_by_label("Your organisation").select_option(label="Institut du Thorax (Nantes)")
    expect(page.get_by_label("Name of the organisation")).to_be_hidden()
    page.get_by_label("Your organisation").select_option("new")
    expect(page.get_by_label("Name of the organisation")).to_be_focused()
    page.get_by_label("Name of the organisation").fill("Atlanthera")
    page.get_by_label("Kind of organisation").select_option(label="Startup (private sector)")
    page.get_by_label("Region").select_option(label="Pays de la Loire")
    page.get_by_label("City").fill("Nantes")
    page.get_by_label("Your role or position there").fill("Chief scientific officer")

    # Forgetting the consent loses nothing typed so far.
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("tick the box to agree")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Camille Durand")
    expect(page.get_by_label("Name of the organisation")).to_have_value("Atlanthera")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_label("I agree to be contacted by other members").check()
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    expect(page.get_by_text("camille@example.org")).to_be_visible()

    # Not confirmed yet: the login page says so and offers a new link.
    log_in(page, "camille@example.org")
    expect(page.get_by_text("Please confirm your email address first")).to_be_visible()
    expect(page.get_by_role("link", name="Send me a new confirmation link")).to_be_visible()

    page.goto(link_sent_to(inbox, "camille@example.org", "/confirm/"))
    expect(page.get_by_text("Your email address is confirmed. You can log in now.")).to_be_visible()
    page.get_by_label("Email").fill("camille@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()

    home = page.get_by_role("heading", name="Meet the partners your next project needs")
    expect(home).to_be_visible()
    menu = page.get_by_role("navigation", name="Main menu")
    mine = page.get_by_role("navigation", name="Your pages")
    expect(mine.get_by_role("link", name="My account")).to_be_visible()
    expect(menu.get_by_role("link", name="Organisers")).to_have_count(0)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_role("link", name="Sign up")).to_have_count(0)
    mine.get_by_role("link", name="My account").click()
    expect(page.get_by_text("Atlanthera")).to_be_visible()


def test_sign_up_without_javascript_picks_a_listed_organisation(browser, live_server, app):
    make_organisation(name="Institut du Thorax")
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="fr-FR"
    )
    page = context.new_page()
    try:
        page.goto("/signup")
        # Both parts show; the French page defaults to French as the preferred language.
        expect(page.get_by_label("Nom de l'organisation")).to_be_visible()
        expect(page.get_by_label("Français")).to_be_checked()
        page.get_by_label("Prénom et nom").fill("Jeanne Martin")
        page.get_by_label("E-mail").fill("jeanne@example.org")
        page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
        page.get_by_label("Répétez le mot de passe").fill(PASSWORD)
        page.get_by_label("Votre organisation").select_option(label="Institut du Thorax (Nantes)")
        page.get_by_label("Votre rôle ou poste dans cette organisation").fill("Cardiologue")
        page.get_by_label("J'accepte d'être contacté").check()
        page.get_by_role("button", name="Créer mon compte").click()
        done = page.get_by_role("heading", name="Consultez votre boîte de réception")
        expect(done).to_be_visible()
    finally:
        context.close()


def test_forgotten_password_reset_by_the_emailed_link(page: Page, inbox):
    make_person(email="ana@example.org", full_name="Ana Lopez")
    log_in(page, "ana@example.org", "I do not remember it")
    expect(page.get_by_text("The email or the password is not right.")).to_be_visible()
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("ana@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text("If an account uses ana@example.org, we have sent it")).to_be_visible()

    link = link_sent_to(inbox, "ana@example.org", "/password/reset/")
    page.goto(link)
    page.get_by_label("New password").fill("qwertyuiop")
    page.get_by_label("Repeat the password").fill("qwertyuiop")
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_text("too common or too easy to guess")).to_be_visible()
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_label("Repeat the password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_text("Your password has been changed. You can log in")).to_be_visible()

    log_in(page, "ana@example.org", NEW_PASSWORD)
    expect(page.get_by_role("link", name="My account")).to_be_visible()
    # The link has done its work.
    page.goto(link)
    expect(page.get_by_role("heading", name="This link cannot be used")).to_be_visible()
    expect(page.get_by_role("link", name="Ask for a new link")).to_be_visible()


def test_too_many_wrong_passwords_ask_to_wait(page: Page, app):
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 2
    make_person(email="ana@example.org")
    for _ in range(2):
        log_in(page, "ana@example.org", "a wrong guess")

    def is_login_post(response) -> bool:
        return response.url.endswith("/login") and response.request.method == "POST"

    with page.expect_response(is_login_post) as posted:
        log_in(page, "ana@example.org")
    assert posted.value.status == 429
    expect(page.get_by_text("Too many failed attempts. Please wait 15 minutes")).to_be_visible()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_changing_email_and_password_from_my_account(page: Page, inbox):
    make_person(email="ana@example.org", full_name="Ana Lopez")
    log_in(page, "ana@example.org")
    page.get_by_role("link", name="My account").click()

    email_form = page.locator("form", has=page.get_by_label("New email address"))
    email_form.get_by_label("New email address").fill("ana.lopez@example.org")
    email_form.get_by_label("Current password").fill(PASSWORD)
    email_form.get_by_role("button", name="Change my email address").click()
    expect(page.get_by_text("we sent a link to ana.lopez@example.org")).to_be_visible()
    page.goto(link_sent_to(inbox, "ana.lopez@example.org", "/account/email/confirm/"))
    expect(page.get_by_text("Your email address is now ana.lopez@example.org.")).to_be_visible()
    send_outbox()
    [notice] = inbox.to("ana@example.org")
    assert "has changed" in notice["Subject"]

    password_form = page.locator("form", has=page.get_by_label("New password"))
    password_form.get_by_label("Current password").fill("not my password")
    password_form.get_by_label("New password").fill(NEW_PASSWORD)
    password_form.get_by_label("Repeat the password").fill(NEW_PASSWORD)
    password_form.get_by_role("button", name="Change my password").click()
    expect(page.get_by_text("Your current password is not right.")).to_be_visible()
    password_form = page.locator("form", has=page.get_by_label("New password"))
    password_form.get_by_label("Current password").fill(PASSWORD)
    password_form.get_by_label("New password").fill(NEW_PASSWORD)
    password_form.get_by_label("Repeat the password").fill(NEW_PASSWORD)
    password_form.get_by_role("button", name="Change my password").click()
    expect(page.get_by_text("Other devices have been logged out.")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    log_in(page, "ana.lopez@example.org", NEW_PASSWORD)
    expect(page.get_by_role("link", name="My account")).to_be_visible()


def test_an_admin_changes_roles_but_keeps_one_admin(page: Page):
    make_person(email="admin@example.org", full_name="Ada Admin", role=Role.ADMIN)
    make_person(email="ben@example.org", full_name="Ben Bernard")
    log_in(page, "admin@example.org")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Organisers").click()
    page.get_by_role("main").get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()

    page.get_by_label("Name or email").fill("ben")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="Ada Admin")).to_have_count(0)
    page.get_by_label("Role of ben@example.org").select_option("organiser")
    page.get_by_role("row", name="Ben Bernard").get_by_role("button", name="Change").click()
    expect(page.get_by_text("ben@example.org is now organiser.")).to_be_visible()
    expect(page.get_by_label("Name or email")).to_have_value("ben")  # back to the same search

    page.get_by_role("link", name="Clear").click()
    page.get_by_label("Role of admin@example.org").select_option("member")
    page.get_by_role("row", name="Ada Admin").get_by_role("button", name="Change").click()
    expect(page.get_by_text("admin@example.org is the last administrator")).to_be_visible()
    expect(page.get_by_label("Role of admin@example.org")).to_have_value("admin")
