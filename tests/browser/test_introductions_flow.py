"""A startup founder finds a researcher suggested to her, asks to be introduced; the researcher
accepts from the emailed link without logging in; both receive the introduction by email (a
real SMTP server); the founder then sees the contact details and says they met."""

import re

import pytest
from playwright.sync_api import Page, expect

from matchmaker.mail.drain import Drainer
from tests.support.browser import log_in
from tests.support.introductions import make_cast
from tests.support.mail import links_in, text_body

pytestmark = pytest.mark.browser


def test_from_a_suggestion_to_an_accepted_introduction(page: Page, app, live_server, smtp):
    app.config["BASE_URL"] = live_server.url
    cast = make_cast()

    # The founder opens the researcher's profile: suggested, with what they have in common.
    log_in(page, "founder@vectalis.example.org")
    page.goto(f"/people/{cast.researcher.id}")
    suggested = page.get_by_role("region", name="Suggested for you")
    expect(suggested.get_by_text("lentiviral vectors")).to_be_visible()
    expect(page.get_by_text("researcher@lab.example.org")).to_have_count(0)
    page.get_by_role("link", name="Request an introduction").click()

    expect(
        page.get_by_role("heading", name="Request an introduction to Rémi Chercheur")
    ).to_be_visible()
    reasons = page.get_by_role("region", name="Why this introduction makes sense")
    expect(reasons.get_by_text("process analytics")).to_be_visible()
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Choose what the introduction is for.").first).to_be_visible()
    page.get_by_label("A collaborative project").check()
    page.get_by_label("Your message").fill(
        "We scale up lentiviral vectors for CAR-T and would value your view on analytics."
    )
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Your request is sent to Rémi Chercheur.")).to_be_visible()
    expect(page.get_by_text("Waiting for Rémi Chercheur's answer until")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # The researcher gets the request by email, in French, and accepts from the link.
    Drainer().drain()
    (request_mail,) = smtp.to("researcher@lab.example.org")
    assert request_mail["Subject"] == "Florence Fondatrice souhaite vous rencontrer"
    assert "vecteurs lentiviraux" in text_body(request_mail)
    (accept_link,) = [link for link in links_in(request_mail) if "action=accept" in link]
    assert accept_link.startswith(live_server.url)
    # The page behind the link speaks the researcher's language, not the browser's.
    page.goto(accept_link)
    expect(page.get_by_role("heading", name="Accepter la mise en relation ?")).to_be_visible()
    page.get_by_role("button", name="Accepter la mise en relation").click()
    expect(page.get_by_text("Vous avez accepté : nous vous avons envoyé")).to_be_visible()
    expect(page.get_by_role("link", name="founder@vectalis.example.org")).to_be_visible()

    # Both receive the introduction, through the SMTP server, each in their language.
    Drainer().drain()
    (to_founder,) = [m for m in smtp.to("founder@vectalis.example.org")]
    assert to_founder["Subject"] == "Introduction: Florence Fondatrice and Rémi Chercheur"
    assert "researcher@lab.example.org" in text_body(to_founder)
    assert to_founder["Reply-To"] == "researcher@lab.example.org"
    introduction = [
        m for m in smtp.to("researcher@lab.example.org") if m["Subject"].startswith("Mise en")
    ]
    assert len(introduction) == 1
    assert "founder@vectalis.example.org" in text_body(introduction[0])

    # The founder now sees the researcher's contact details, and says they met.
    log_in(page, "founder@vectalis.example.org")
    expect(page.get_by_role("link", name=re.compile(r"Notifications"))).to_contain_text("1")
    page.goto(f"/people/{cast.researcher.id}")
    expect(page.get_by_role("link", name="researcher@lab.example.org")).to_be_visible()
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Introductions"
    ).click()
    page.get_by_role("link", name="Rémi Chercheur").click()
    page.get_by_role("button", name="We met").click()
    expect(page.get_by_text("Thank you: the meeting is noted.")).to_be_visible()
    expect(page.get_by_role("list").get_by_text("They met")).to_be_visible()
