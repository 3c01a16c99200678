"""Project pages: proposing, 404 for what one may not see, 403 for what one may not do, the
builder's swaps, the emailed answer links, the organisers' filters."""

import re

import pytest

from matchmaker.extensions import db
from matchmaker.models import Project
from matchmaker.services import projects
from tests.support.projects import make_project_cast, propose


@pytest.fixture
def cast(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    return make_project_cast()


def log_in(client, auth, person):
    auth.logout()
    response = auth.login(person.user.email)
    assert response.status_code == 302


def shared_project(cast, **values):
    """Past the idea, shared with all members; the lab has joined."""
    project = propose(cast.founder, **values)
    member = projects.invite_partner(
        project.id, cast.founder.user, role="academic_lab", organisation_id=cast.lab.id
    )
    projects.answer_by_link(projects.invitation_token(member), accept=True)
    projects.change_status(project.id, cast.founder.user, "forming")
    return project


def test_members_find_projects_in_the_menu_and_propose_one(client, auth, cast):
    log_in(client, auth, cast.founder)
    page = client.get("/projects/")
    assert 'href="/projects/"' in page.text and "Propose a project" in page.text

    refused = client.post("/projects/new", data={"title": "", "visibility": "members"})
    assert refused.status_code == 400
    assert "Enter the project's title." in refused.text
    assert db.session.query(Project).count() == 0

    created = client.post(
        "/projects/new",
        data={
            "title": "CAR-T for solid tumours",
            "needed_expertise": "Lentiviral vectors and GMP manufacturing of CAR-T cells.",
            "tags": "CAR-T, fill finish",
            "focus_areas": ["immunotherapy"],
            "funder": "Bpifrance",
            "call_name": "i-Nov",
            "call_deadline": "2027-02-15",
            "required_roles": ["academic_lab", "cdmo"],
            "amount_requested_eur": "750000",
            "visibility": "members",
        },
    )
    project = db.session.query(Project).one()
    assert created.status_code == 302
    assert created.headers["Location"] == f"/projects/{project.id}/partners"
    builder = client.get(created.headers["Location"])
    assert builder.status_code == 200
    assert "Consortium builder" in builder.text
    assert "Vector Engineering Lab" in builder.text and "BioMaker CDMO" in builder.text
    assert "Coverage of the needed expertise" in builder.text


def test_a_swap_link_re_renders_the_team_with_its_coverage(client, auth, cast):
    project = propose(cast.founder, required_roles=["academic_lab", "cdmo", "hospital"])
    log_in(client, auth, cast.founder)
    page = client.get(f"/projects/{project.id}/partners")
    assert "Coverage of the needed expertise: 100%" in page.text
    swap = re.search(r'href="([^"]+)#builder-heading">Swap in Tumour Immunology Lab', page.text)
    swapped = client.get(swap.group(1).replace("&amp;", "&"))
    assert "Coverage of the needed expertise: 80%" in swapped.text
    assert "Not covered yet: lentiviral vectors" in swapped.text
    assert "Your choice" in swapped.text


def test_an_idea_is_404_for_other_members_and_staff_only_stays_404(client, auth, cast):
    idea = propose(cast.founder)
    hidden = shared_project(cast, title="Confidential", visibility="staff")
    log_in(client, auth, cast.outsider)
    for project in (idea, hidden):
        assert client.get(f"/projects/{project.id}").status_code == 404
        assert client.get(f"/projects/{project.id}/partners").status_code == 404
        assert (
            client.post(f"/projects/{project.id}/status", data={"status": "idea"}).status_code
            == 404
        )
        assert (
            client.post(f"/projects/{project.id}/label", data={"labelled": "1"}).status_code == 404
        )
    assert "Confidential" not in client.get("/projects/").text
    assert client.get("/projects/999999").status_code == 404

    log_in(client, auth, cast.organiser)
    assert client.get(f"/projects/{idea.id}").status_code == 200
    assert "Confidential" in client.get("/projects/").text


def test_other_members_see_a_shared_project_but_cannot_change_it(client, auth, cast):
    project = shared_project(cast)
    log_in(client, auth, cast.outsider)
    page = client.get(f"/projects/{project.id}")
    assert page.status_code == 200 and "Vector Engineering Lab" in page.text
    assert f"/introductions/new?person={cast.founder.id}" in page.text
    assert client.get(f"/projects/{project.id}/edit").status_code == 403
    assert client.get(f"/projects/{project.id}/partners").status_code == 403
    assert client.post(f"/projects/{project.id}/status", data={"status": "idea"}).status_code == 403
    assert client.post(f"/projects/{project.id}/label", data={"labelled": "1"}).status_code == 403
    invited = client.post(
        f"/projects/{project.id}/invite", data={"role": "cdmo", "organisation_id": cast.cdmo.id}
    )
    assert invited.status_code == 403
    db.session.expire_all()
    project = db.session.get(Project, project.id)
    assert (project.status, project.labelled_by_cluster, len(project.members)) == (
        "forming",
        False,
        2,
    )


def test_a_skipped_step_is_refused_on_the_page_with_its_reason(client, auth, cast):
    project = shared_project(cast)
    log_in(client, auth, cast.founder)
    refused = client.post(f"/projects/{project.id}/status", data={"status": "submitted"})
    assert refused.status_code == 409
    assert "The call asks for partners the consortium does not have yet: CDMO." in refused.text


def test_the_organiser_labels_and_approves(client, auth, cast):
    project = shared_project(cast, required_roles=["academic_lab"])
    projects.change_status(project.id, cast.founder.user, "submitted")
    log_in(client, auth, cast.organiser)
    assert client.post(f"/projects/{project.id}/label", data={"labelled": "1"}).status_code == 302
    approved = client.post(
        f"/projects/{project.id}/status",
        data={"status": "approved", "amount_granted_eur": "600000"},
        follow_redirects=True,
    )
    assert "The project is now: Approved." in approved.text
    assert "Labelled by the cluster" in approved.text
    assert "600,000 €" in approved.text

    listed = client.get("/projects/?status=approved&labelled=yes")
    assert project.title in listed.text
    assert "Approved (1)" in listed.text
    assert project.title not in client.get("/projects/?status=idea").text
    assert project.title not in client.get("/projects/?focus_area=animal_health").text
    assert "Projects per year" in listed.text


def test_the_emailed_link_asks_then_records_the_answer_in_the_invitee_s_language(client, cast):
    project = propose(cast.founder)
    member = projects.invite_partner(
        project.id, cast.founder.user, role="academic_lab", person_id=cast.researcher.id
    )
    token = projects.invitation_token(member)
    asked = client.get(f"/projects/answer/{token}?action=accept")
    assert asked.status_code == 200
    assert "Rejoindre le consortium" in asked.text
    db.session.expire_all()
    assert db.session.get(type(member), member.id).state == "invited"
    done = client.post(f"/projects/answer/{token}", data={"action": "accept"})
    assert done.status_code == 200
    db.session.expire_all()
    assert db.session.get(type(member), member.id).state == "accepted"
    again = client.post(f"/projects/answer/{token}", data={"action": "decline"})
    assert again.status_code == 409
    assert client.get("/projects/answer/not-a-token").status_code == 404


def test_every_project_page_reads_in_french(client, auth, cast):
    from tests.test_french_pages import english_fragments, visible_text

    project = propose(cast.founder, required_roles=["academic_lab", "cdmo", "hospital"])
    member = projects.invite_partner(
        project.id, cast.founder.user, role="academic_lab", organisation_id=cast.lab.id
    )
    projects.change_status(project.id, cast.founder.user, "forming")
    client.application.config["BABEL_DEFAULT_LOCALE"] = "fr"
    cast.founder.language = "fr"
    cast.organiser.language = "fr"
    db.session.commit()
    fragments = english_fragments()
    pages = {
        cast.founder: [
            "/projects/",
            "/projects/new",
            f"/projects/{project.id}",
            f"/projects/{project.id}/edit",
            f"/projects/{project.id}/partners",
        ],
        cast.organiser: ["/projects/", f"/projects/{project.id}", "/organiser"],
        None: [f"/projects/answer/{projects.invitation_token(member)}?action=accept"],
    }
    leaks = {}
    for person, paths in pages.items():
        auth.logout()
        if person is not None:
            log_in(client, auth, person)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            text = visible_text(response.text)
            found = sorted(f for f in fragments if f in text)
            if found:
                leaks[path] = found
    assert not leaks, leaks


def test_partners_edit_and_bad_input_re_renders_without_writing(client, auth, cast):
    project = propose(cast.founder)
    projects.invite_partner(
        project.id, cast.founder.user, role="academic_lab", person_id=cast.researcher.id
    )
    log_in(client, auth, cast.researcher)  # invited, not a partner yet
    assert client.get(f"/projects/{project.id}/edit").status_code == 403
    assert client.post(f"/projects/{project.id}/edit", data={"title": "Mine"}).status_code == 403

    log_in(client, auth, cast.founder)
    form = client.get(f"/projects/{project.id}/edit")
    assert 'value="CAR-T, fill finish"' in form.text
    bad = client.post(
        f"/projects/{project.id}/edit",
        data={
            "title": "Renamed",
            "amount_requested_eur": "-5",
            "call_deadline": "2027-13-45",
            "visibility": "members",
        },
    )
    assert bad.status_code == 400
    assert "Enter an amount in whole euros, without spaces or symbols." in bad.text
    assert "Enter a date like 2026-03-31." in bad.text
    db.session.expire_all()
    assert db.session.get(Project, project.id).title == "Allogeneic CAR-T against solid tumours"

    saved = client.post(
        f"/projects/{project.id}/edit",
        data={
            "title": "Renamed",
            "tags": "CAR-T, GMP",
            "required_roles": ["cdmo"],
            "visibility": "staff",
        },
    )
    assert saved.status_code == 302
    db.session.expire_all()
    project = db.session.get(Project, project.id)
    assert (project.title, project.required_roles, project.visibility) == (
        "Renamed",
        ["cdmo"],
        "staff",
    )
    assert [t.label for t in project.tags] == ["CAR-T", "GMP"]


def test_a_partner_leaves_from_the_project_page(client, auth, cast):
    project = shared_project(cast)
    lab_partner = next(m for m in project.members if not m.coordinator).person

    log_in(client, auth, cast.founder)
    page = client.get(f"/projects/{project.id}")
    assert "Leave the project" not in page.text  # the coordinator stays
    refused = client.post(f"/projects/{project.id}/leave", data={"reason": ""})
    assert refused.status_code == 409
    assert "The coordinator cannot leave the project" in refused.text

    log_in(client, auth, lab_partner)  # who reads French
    page = client.get(f"/projects/{project.id}")
    assert "Quitter le consortium" in page.text and "Pourquoi vous partez" in page.text
    too_long = client.post(f"/projects/{project.id}/leave", data={"reason": "x" * 1001})
    assert too_long.status_code == 400
    assert "1000 caractères au maximum." in too_long.text
    assert all(m.state == "accepted" for m in project.members)

    done = client.post(
        f"/projects/{project.id}/leave", data={"reason": "New priorities"}, follow_redirects=True
    )
    assert done.status_code == 200
    # Shared with all members, the project stays visible, now without them as a partner.
    assert done.request.path == f"/projects/{project.id}"
    assert f"Vous avez quitté le projet « {project.title} »." in done.text
    assert "Quitter le consortium" not in done.text
    assert "A quitté le projet" not in done.text  # their line shows to partners and staff only
    assert client.post(f"/projects/{project.id}/leave", data={}).status_code == 403


def test_a_call_may_require_several_partners_of_one_kind(client, auth, cast):
    log_in(client, auth, cast.founder)
    form = client.get("/projects/new").text
    assert 'name="required_roles-academic_lab"' in form and 'name="required_roles-cdmo"' in form

    refused = client.post(
        "/projects/new",
        data={
            "title": "Two labs",
            "visibility": "members",
            "required_roles-academic_lab": "9",
            "required_roles-cdmo": "one",
        },
    )
    assert refused.status_code == 400
    assert refused.text.count("Choose between 0 and 3 partners of each kind.") == 1
    assert db.session.query(Project).count() == 0

    created = client.post(
        "/projects/new",
        data={
            "title": "Two labs and a CDMO",
            "visibility": "members",
            "required_roles-academic_lab": "2",
            "required_roles-cdmo": "1",
            "required_roles-hospital": "0",
        },
    )
    assert created.status_code == 302
    project = db.session.query(Project).one()
    assert project.required_roles == ["academic_lab", "academic_lab", "cdmo"]
    page = client.get(f"/projects/{project.id}").text
    assert "Academic lab ×2, CDMO" in page
    edit = client.get(f"/projects/{project.id}/edit").text
    labs = edit.split('name="required_roles-academic_lab"')[1].split("</select>")[0]
    assert '<option value="2" selected>2</option>' in labs
