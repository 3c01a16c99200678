"""An organiser finds a failed email in the outbox and sends it again, or cancels one."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from matchmaker.domain import Role
from matchmaker.extensions import db
from matchmaker.mail import enqueue
from matchmaker.models import OutboxMessage
from tests.support.factories import PASSWORD, make_person

pytestmark = pytest.mark.browser


def test_organiser_retries_a_failed_email_and_cancels_a_waiting_one(page: Page, app):
    bounced = enqueue(
        template="outbox_test",
        person=make_person(email="bounced@example.org"),
        context={"address": "x"},
    )
    waiting = enqueue(
        template="outbox_test",
        person=make_person(email="waiting@example.org"),
        context={"address": "x"},
    )
    db.session.flush()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == bounced.id)
        .values(status="failed", attempts=6, last_error="451 4.7.1 Greylisted, try later")
    )
    db.session.commit()
    make_person(email="organiser@example.org", role=Role.ORGANISER)

    page.goto("/login")
    page.get_by_label("Email").fill("organiser@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    page.get_by_role("link", name="Organisers").click()
    page.get_by_role("main").get_by_role("link", name="Outbox").click()

    failed_row = page.locator(f"#message-{bounced.id}")
    expect(failed_row).to_contain_text("bounced@example.org")
    expect(failed_row).to_contain_text("451 4.7.1 Greylisted, try later")
    expect(failed_row).to_contain_text("Failed")
    failed_row.get_by_role("button", name="Retry").click()
    expect(page.get_by_text("The message will be sent again shortly.")).to_be_visible()
    expect(page.locator(f"#message-{bounced.id}")).to_contain_text("Waiting")

    page.locator(f"#message-{waiting.id}").get_by_role("button", name="Cancel").click()
    expect(page.get_by_text("The message is cancelled and will not be sent.")).to_be_visible()
    expect(page.locator(f"#message-{waiting.id}")).to_have_count(0)

    page.get_by_label("Status", exact=True).select_option("cancelled")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(f"#message-{waiting.id}")).to_contain_text("Cancelled")
