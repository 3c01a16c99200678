"""An organiser creates an afterwork, builds and adjusts its guest list, schedules the
invitations; a guest answers yes from the email; the organiser checks guests in at the door;
after the evening the guest says whom they met."""

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.mail.drain import Drainer
from matchmaker.models import Connection, Event, EventFeedback
from matchmaker.services.event_attendance import follow_up_past_events
from tests.support.events import bioproduction_cluster, move_event
from tests.support.factories import PASSWORD, make_person
from tests.support.mail import links_in

pytestmark = pytest.mark.browser
PARIS = ZoneInfo("Europe/Paris")


def link_with(message, path_part: str, answer: str | None = None) -> str:
    for link in links_in(message):
        parts = urlsplit(link)
        if path_part in parts.path and (
            answer is None or parse_qs(parts.query).get("answer") == [answer]
        ):
            return link
    raise AssertionError(f"no {path_part} link in {message['Subject']!r}")


def name_and_id(row) -> tuple[str, str]:
    return row.get_by_role("link").inner_text(), row.get_attribute("id")


def figure(page: Page, label: str):
    return page.locator("tr", has=page.get_by_role("rowheader", name=label, exact=True))


def test_afterwork_from_guest_list_to_who_met_whom(page: Page, browser, app, live_server, smtp):
    app.config["BASE_URL"] = live_server.url
    bioproduction_cluster(private=5, public=5, unrelated=2)
    make_person(email="claire@cluster.example.org", full_name="Claire Organiser",
                role="organiser")

    page.goto("/login")
    page.get_by_label("Email").fill("claire@cluster.example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()

    # A new afterwork, tonight in two hours (Paris time).
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Events").click()
    page.get_by_role("link", name="New event").click()
    page.get_by_label("Title").fill("Afterwork bioproduction")
    page.get_by_label("Theme", exact=True).fill(
        "Bioproduction of monoclonal antibodies: bioreactors, process development, GMP"
    )
    starts = (datetime.now(PARIS) + timedelta(hours=2)).replace(second=0, microsecond=0)
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Venue").fill("Halle 6")
    page.get_by_label("Capacity").fill("4")
    expect(page.get_by_label("Claire Organiser")).to_be_checked()
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_text("The event is created. Next: its guest list.")).to_be_visible()

    # The guest list: 4 places at the default 70 % show-up rate make 6 invitations.
    expect(page.get_by_text("To fill 4 places, invite 6 people.")).to_be_visible()
    page.get_by_role("button", name="Generate the guest list").click()
    expect(page.get_by_text("Guest list generated: 6 people to invite.")).to_be_visible()
    rows = page.locator("table.guest-list tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.first).to_contain_text("Theme:")
    expect(rows.first).to_contain_text("Best counterparts on the list:")
    expect(page.get_by_text("The private share is within the target band")).to_be_visible()
    kept, kept_row = name_and_id(rows.nth(0))
    dropped, dropped_row = name_and_id(rows.nth(1))
    page.get_by_role("button", name=f"Lock {kept}").click()
    expect(page.get_by_text("Locked: regenerating keeps this guest.")).to_be_visible()
    page.get_by_role("button", name=f"Exclude {dropped}").click()
    expect(page.get_by_text("Taken off the list: regenerating will not propose")).to_be_visible()
    page.get_by_role("button", name="Regenerate (locked guests are kept)").click()
    expect(rows).to_have_count(6)
    expect(page.locator(f"table.guest-list #{kept_row}")).to_contain_text("Locked")
    expect(page.locator(f"table.guest-list #{dropped_row}")).to_have_count(0)
    taken_off = page.get_by_role("region", name="Taken off the list")
    expect(taken_off).to_contain_text(dropped)
    others = [rows.nth(i) for i in range(6) if rows.nth(i).get_attribute("id") != kept_row]
    other = others[0].get_by_role("link").inner_text()

    # Invitations, now; reminders two days before (the default).
    page.get_by_role("link", name="Overview").click()
    page.get_by_label("Now").check()
    page.get_by_role("button", name="Schedule the invitations").click()
    expect(page.get_by_text("6 invitations scheduled for")).to_be_visible()
    expect(page.get_by_text("Everyone on the list is invited.")).to_be_visible()

    assert Drainer().drain().sent == 6
    event = db.session.scalar(select(Event))
    emails = {p.full_name: p.email for p in (i.person for i in event.invitations)}
    (invitation_mail,) = smtp.to(emails[kept])
    assert invitation_mail["Subject"] == "Invitation: Afterwork bioproduction"
    assert any(part.get_content_type() == "text/calendar"
               for part in invitation_mail.iter_attachments())

    # The guest answers yes from the email, without logging in (and without JavaScript).
    guest = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                locale="en-GB", timezone_id="Europe/Paris")
    guest_page = guest.new_page()
    try:
        guest_page.goto(link_with(invitation_mail, "/rsvp/", "yes"))
        expect(guest_page.get_by_role("heading", name="Afterwork bioproduction")).to_be_visible()
        expect(guest_page.get_by_text("Halle 6")).to_be_visible()
        guest_page.get_by_role("button", name="Confirm: Yes, I will come").click()
        expect(guest_page.get_by_text("Your answer is recorded: you are coming.")).to_be_visible()

        # At the door: find the guest by name, tick them in; another guest too.
        page.get_by_role("link", name="Check-in").click()
        expect(page.get_by_text("0 arrived · 1 more expected")).to_be_visible()
        page.get_by_label("Name or organisation").fill(kept.split()[-1])
        page.get_by_role("button", name="Find").click()
        page.get_by_role("button", name=f"Arrived — {kept}").click()
        expect(page.get_by_text(f"{kept} has arrived.")).to_be_visible()
        page.get_by_role("link", name="Everyone").click()
        page.get_by_role("button", name=f"Arrived — {other}").click()
        expect(page.get_by_text("2 arrived · 0 more expected")).to_be_visible()

        # The evening is over: the form goes to those who came.
        move_event(db.session.get(Event, event.id),
                   datetime.now(PARIS) - timedelta(hours=4))
        assert follow_up_past_events() == 2
        Drainer().drain()
        (form_mail,) = [m for m in smtp.to(emails[kept]) if "Who did you meet" in m["Subject"]]
        guest_page.goto(link_with(form_mail, "/met/"))
        expect(guest_page.get_by_role("heading", name="Who did you meet?")).to_be_visible()
        guest_page.get_by_label(other).check()
        guest_page.get_by_label("Anything to follow up?").fill("A joint project on scale-up.")
        guest_page.get_by_label("I would like the organisers' help to follow up").check()
        guest_page.get_by_role("button", name="Send my answers").click()
        expect(guest_page.get_by_text("Thank you! Your answers are saved.")).to_be_visible()
    finally:
        guest.close()

    (connection,) = db.session.scalars(select(Connection)).all()
    assert (connection.via, connection.source_ref) == ("event", event.id)
    feedback = db.session.scalar(select(EventFeedback))
    assert feedback.wants_follow_up and feedback.note == "A joint project on scale-up."

    # The organiser sees what the evening achieved.
    page.get_by_role("link", name="Overview").click()
    expect(figure(page, "New connections recorded")).to_contain_text("1")
    expect(figure(page, "Attended")).to_contain_text("2")
    expect(figure(page, "Said yes")).to_contain_text("1")
    expect(page.get_by_text("A joint project on scale-up.")).to_be_visible()
