"""A partner leaves a consortium from the project page (in French, with a reason); the
coordinator reads why in their notifications and sees the role open again."""

import pytest
from playwright.sync_api import Page, expect

from matchmaker.services import projects
from tests.support.browser import log_in
from tests.support.projects import make_project_cast, propose

pytestmark = pytest.mark.browser


def test_a_partner_leaves_and_the_coordinator_knows_why(page: Page, app, live_server):
    cast = make_project_cast()
    project = propose(cast.founder, required_roles=["academic_lab"])
    member = projects.invite_partner(
        project.id, cast.founder.user, role="academic_lab", organisation_id=cast.lab.id
    )
    projects.answer_by_link(projects.invitation_token(member), accept=True)
    partner = member.person
    assert partner.language == "fr"

    log_in(page, partner.user.email)  # then the pages speak their French
    page.goto(f"/projects/{project.id}")
    leave = page.get_by_role("form", name="Quitter le consortium")
    expect(leave.get_by_text("Votre rôle redevient ouvert à un autre partenaire.")).to_be_visible()
    reason = leave.get_by_label("Pourquoi vous partez (facultatif)")
    expect(reason).to_have_attribute("maxlength", "1000")  # longer is refused by the server too
    reason.fill("Notre équipe rejoint un autre programme.")
    leave.get_by_role("button", name="Quitter le projet").click()
    # An idea is seen by its partners only: they land on their projects.
    expect(page.get_by_text(f"Vous avez quitté le projet « {project.title} ».")).to_be_visible()
    assert page.url.endswith("/projects/")

    page.context.clear_cookies()
    log_in(page, cast.founder.user.email)
    page.get_by_role("link", name="Notifications").click()
    expect(
        page.get_by_text(
            f"{partner.full_name} left the project “{project.title}”: "
            "Notre équipe rejoint un autre programme."
        )
    ).to_be_visible()
    page.goto(f"/projects/{project.id}")
    consortium = page.get_by_role("table", name="Consortium")
    expect(consortium.get_by_role("row").filter(has_text=partner.full_name)).to_contain_text(
        "Left the project"
    )
    expect(
        page.get_by_text("Roles the call requires and no partner holds yet: Academic lab.")
    ).to_be_visible()
