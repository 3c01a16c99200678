"""A startup founder proposes a project, invites the two partners the consortium builder
proposes; one joins from the emailed link (a real SMTP server), the other signed in; an
organiser labels the project and moves it to approved."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.mail.drain import Drainer
from matchmaker.models import Connection
from tests.support.browser import log_in
from tests.support.mail import links_in
from tests.support.projects import make_project_cast

pytestmark = pytest.mark.browser


def move_to(page: Page, status: str, **fields) -> None:
    page.get_by_label("Next step").select_option(label=status)
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Change the status").click()
    expect(page.get_by_text(f"The project is now: {status}.")).to_be_visible()


def test_from_a_proposal_to_an_approved_project(page: Page, app, live_server, smtp):
    app.config["BASE_URL"] = live_server.url
    cast = make_project_cast()

    # The founder proposes the project from the Projects menu.
    log_in(page, "founder@cellforge.example.org")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Projects").click()
    page.get_by_role("link", name="Propose a project").click()
    page.get_by_role("button", name="Propose the project").click()
    expect(page.get_by_text("Enter the project's title.").first).to_be_visible()
    page.get_by_label("Title").fill("Allogeneic CAR-T against solid tumours")
    page.get_by_label("Expertise the project needs").fill(
        "Lentiviral vector production, GMP manufacturing of CAR-T cells, clinical trials."
    )
    page.get_by_label("Expertise tags").fill("CAR-T, fill finish")
    page.get_by_role("group", name="Focus areas").get_by_label("Immunotherapy").check()
    page.get_by_label("Funder").fill("Région Pays de la Loire")
    page.get_by_label("Funding call").fill("Appel à projets collaboratifs 2027")
    roles = page.get_by_role("group", name="Partners the call requires")
    roles.get_by_label("Academic lab").select_option("1")
    roles.get_by_label("CDMO").select_option("1")
    page.get_by_label("Amount requested (euros)").fill("1200000")
    page.get_by_role("button", name="Propose the project").click()
    expect(page.get_by_text("Your project is saved as an idea")).to_be_visible()

    # The builder proposes a lab and a CDMO (clinical trials would need a hospital); a swap
    # shows what it loses.
    builder = page.get_by_role("region", name="Consortium builder")
    expect(builder.get_by_text("Coverage of the needed expertise: 80%")).to_be_visible()
    expect(builder.get_by_text("Not covered yet: clinical trials")).to_be_visible()
    builder.get_by_text("Other candidates for this role").first.click()
    builder.get_by_role("link", name="Swap in Tumour Immunology Lab").click()
    builder = page.get_by_role("region", name="Consortium builder")
    expect(builder.get_by_text("Not covered yet: lentiviral vectors")).to_be_visible()
    expect(builder.get_by_text("Your choice")).to_have_count(2)
    page.get_by_role("link", name="Start again from the proposed team").click()
    builder = page.get_by_role("region", name="Consortium builder")
    builder.get_by_role("button", name="Invite Vector Engineering Lab").click()
    expect(page.get_by_text("Romain Vecteur (Vector Engineering Lab) is invited.")).to_be_visible()
    page.get_by_role("region", name="Consortium builder").get_by_role(
        "button", name="Invite BioMaker CDMO"
    ).click()
    expect(page.get_by_text("Gaspard Production (BioMaker CDMO) is invited.")).to_be_visible()

    page.get_by_role("link", name="Allogeneic CAR-T against solid tumours").first.click()
    move_to(page, "Consortium forming")
    # Submitting before the partners have accepted is refused, with the reason.
    page.get_by_label("Next step").select_option(label="Submitted")
    page.get_by_role("button", name="Change the status").click()
    expect(
        page.get_by_text("The call asks for partners the consortium does not have yet").first
    ).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # The researcher joins from the emailed link, in French, without logging in.
    Drainer().drain()
    (invitation,) = smtp.to("researcher@vector.example.org")
    assert invitation["Subject"] == (
        "Félicie Fondatrice vous invite à rejoindre le projet "
        "« Allogeneic CAR-T against solid tumours »"
    )
    (accept_link,) = [link for link in links_in(invitation) if "action=accept" in link]
    page.goto(accept_link)
    page.get_by_role("button", name="Rejoindre le consortium").click()
    expect(page.get_by_text("Vous avez rejoint le consortium.")).to_be_visible()

    # The CDMO's manager joins signed in.
    log_in(page, "gmp@biomaker.example.org")
    page.goto("/projects/")
    page.get_by_role("region", name="Invitations waiting for your answer").get_by_role(
        "link", name="Allogeneic CAR-T against solid tumours"
    ).click()
    page.get_by_role("button", name="Join the consortium").click()
    expect(page.get_by_text("You joined the consortium.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # The organiser labels the project, records its submission, then its approval.
    log_in(page, "staff@cluster.example.org")
    page.goto("/projects/?status=forming")
    page.get_by_role("link", name="Allogeneic CAR-T against solid tumours").click()
    consortium = page.get_by_role("region", name="Consortium")
    expect(consortium.get_by_role("row", name="Vector Engineering Lab")).to_contain_text("Partner")
    expect(consortium.get_by_role("row", name="BioMaker CDMO")).to_contain_text("Partner")
    page.get_by_role("button", name="Label the project").click()
    expect(page.get_by_text("The project is labelled by the cluster.")).to_be_visible()
    move_to(page, "Submitted")
    move_to(page, "Approved", **{"Amount granted (euros)": "950000"})
    facts = page.get_by_role("region", name="The call and the money")
    expect(facts.get_by_text("950,000 €")).to_be_visible()
    expect(facts.get_by_text("Approved on")).to_be_visible()
    expect(page.get_by_text("Labelled by the cluster").first).to_be_visible()

    # The three organisations of the consortium now know each other: never suggested again.
    known = {
        frozenset((a, b))
        for a, b in db.session.execute(
            select(Connection.a_id, Connection.b_id).where(
                Connection.via == "project", Connection.a_kind == "organisation"
            )
        )
    }
    assert known == {
        frozenset((cast.startup.id, cast.lab.id)),
        frozenset((cast.startup.id, cast.cdmo.id)),
        frozenset((cast.lab.id, cast.cdmo.id)),
    }
