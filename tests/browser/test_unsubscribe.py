"""A member follows the unsubscribe link of a mail they received, then checks their settings."""

import pytest
from playwright.sync_api import Page, expect

from matchmaker.extensions import db
from matchmaker.mail import enqueue
from matchmaker.mail.drain import Drainer
from matchmaker.models import MailCategory
from tests.support.factories import PASSWORD, make_person
from tests.support.mail import links_in

pytestmark = pytest.mark.browser


def test_unsubscribe_from_a_received_mail_then_see_it_off_in_preferences(
    page: Page, app, live_server, smtp
):
    app.config["BASE_URL"] = live_server.url
    person = make_person(email="reader@example.org", full_name="Rita Reader")
    enqueue(
        template="outbox_test",
        person=person,
        category=MailCategory.INVITATIONS,
        context={"address": person.email},
    )
    db.session.commit()
    Drainer().drain()
    (received,) = smtp.to("reader@example.org")
    header_link = received["List-Unsubscribe"].strip().strip("<>")
    assert header_link in links_in(received)

    page.goto(header_link)
    expect(page.get_by_role("heading", name="Unsubscribe")).to_be_visible()
    question = 'Rita Reader, do you want to stop receiving "Event invitations" emails?'
    expect(page.get_by_text(question)).to_be_visible()
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()

    page.get_by_role("link", name="See all your email preferences").click()
    page.get_by_label("Email").fill("reader@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()

    expect(page.get_by_role("heading", name="Email preferences")).to_be_visible()
    expect(page.get_by_label("Event invitations")).not_to_be_checked()
    expect(page.get_by_label("Introductions")).to_be_checked()

    # Changing it back on the page works too.
    page.get_by_label("Event invitations").check()
    page.get_by_role("button", name="Save my preferences").click()
    expect(page.get_by_text("Your email preferences are saved.")).to_be_visible()
    expect(page.get_by_label("Event invitations")).to_be_checked()
