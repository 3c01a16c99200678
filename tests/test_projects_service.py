"""Projects service: proposing, who sees and changes what, the pipeline, invitations and the
connections they write, partner suggestions and the consortium builder on real profiles."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Connection, Notification, OutboxMessage, Suggestion
from matchmaker.services import project_partners, projects
from matchmaker.services.projects import Conflict, Forbidden, InvalidInput, NotFound
from tests.support.projects import make_project_cast, project_input, propose

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def cast(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    return make_project_cast()


def invite(project, by, organisation=None, person=None, role="academic_lab"):
    return projects.invite_partner(
        project.id,
        by.user,
        role=role,
        organisation_id=organisation.id if organisation else None,
        person_id=person.id if person else None,
    )


def accept(member):
    return projects.answer_by_link(projects.invitation_token(member), accept=True)


def with_partners(cast):
    """A project whose lab and CDMO partners have joined."""
    project = propose(cast.founder)
    accept(invite(project, cast.founder, organisation=cast.lab))
    accept(invite(project, cast.founder, organisation=cast.cdmo, role="cdmo"))
    return project


def test_proposing_makes_an_idea_coordinated_by_the_proposer(cast):
    project = propose(cast.founder)
    assert project.status == "idea"
    assert project.proposing_organisation_id == cast.startup.id
    (line,) = project.members
    assert (line.person_id, line.coordinator, line.state) == (cast.founder.id, True, "accepted")
    # A startup fills no slot of a lab + CDMO call: it is the coordinator in its own role.
    assert line.role == "startup"
    assert [t.label for t in project.tags] == ["CAR-T", "fill finish"]
    assert [(c.from_status, c.to_status) for c in project.history] == [(None, "idea")]


def test_a_title_is_required_and_roles_and_areas_come_from_the_lists(cast):
    with pytest.raises(InvalidInput) as missing:
        propose(cast.founder, title="   ")
    assert missing.value.field == "title"
    with pytest.raises(InvalidInput) as role:
        propose(cast.founder, required_roles=["wizard"])
    assert role.value.field == "required_roles"
    with pytest.raises(InvalidInput):
        propose(cast.founder, focus_areas=["astrology"])
    with pytest.raises(Forbidden):
        projects.propose_project(cast.organiser.user, project_input())


def test_an_idea_is_seen_by_its_members_and_the_staff_only(cast):
    project = propose(cast.founder)
    invite(project, cast.founder, person=cast.researcher)
    for person in (cast.founder, cast.researcher, cast.organiser):
        assert projects.get_project(project.id, person.user) == project
    for person in (cast.outsider, cast.manufacturer):
        with pytest.raises(NotFound):
            projects.get_project(project.id, person.user)


def test_past_the_idea_members_see_it_unless_it_is_for_the_staff_only(cast):
    project = with_partners(cast)
    projects.change_status(project.id, cast.founder.user, "forming")
    assert projects.get_project(project.id, cast.outsider.user) == project

    staff_only = propose(cast.founder, title="Confidential", visibility="staff")
    projects.change_status(staff_only.id, cast.founder.user, "forming")
    with pytest.raises(NotFound):
        projects.get_project(staff_only.id, cast.outsider.user)
    assert projects.get_project(staff_only.id, cast.organiser.user) == staff_only

    listed = projects.list_projects(cast.outsider.user, projects.ProjectFilters()).items
    assert [p.title for p in listed] == [project.title]
    everything = projects.list_projects(cast.organiser.user, projects.ProjectFilters()).items
    assert {p.title for p in everything} == {project.title, "Confidential"}


def test_only_partners_edit_and_invite(cast):
    project = propose(cast.founder)
    invite(project, cast.founder, person=cast.researcher)
    projects.change_status(project.id, cast.founder.user, "forming")
    for person in (cast.researcher, cast.outsider, cast.organiser):  # invited, member, staff
        with pytest.raises(Forbidden):
            projects.update_project(project.id, person.user, project_input(title="Hijacked"))
        with pytest.raises(Forbidden):
            invite(project, person, organisation=cast.cdmo, role="cdmo")
    db.session.refresh(project)
    assert project.title == "Allogeneic CAR-T against solid tumours"
    projects.update_project(project.id, cast.founder.user, project_input(title="CAR-T 2.0"))
    assert projects.get_project(project.id, cast.founder.user).title == "CAR-T 2.0"


def test_the_pipeline_refuses_skipped_steps_with_a_sentence(cast):
    project = propose(cast.founder)
    with pytest.raises(Conflict) as skipped:
        projects.change_status(project.id, cast.founder.user, "approved")
    assert str(skipped.value) == ("A project that is “Idea” can only become “Consortium forming”.")
    projects.change_status(project.id, cast.founder.user, "forming")
    with pytest.raises(Conflict) as roles_missing:
        projects.change_status(project.id, cast.founder.user, "submitted")
    assert "Academic lab, CDMO" in str(roles_missing.value)
    with pytest.raises(InvalidInput):
        projects.change_status(project.id, cast.founder.user, "nowhere")
    with pytest.raises(Forbidden):
        projects.change_status(project.id, cast.outsider.user, "idea")
    assert db.session.get(type(project), project.id).status == "forming"


def test_from_idea_to_finished_with_dates_amounts_and_who(cast):
    project = with_partners(cast)
    founder, staff = cast.founder.user, cast.organiser.user
    projects.change_status(project.id, founder, "forming")
    projects.change_status(project.id, founder, "submitted", on=date(2026, 3, 31))
    with pytest.raises(Forbidden):
        projects.set_label(project.id, founder, True)
    projects.set_label(project.id, staff, True, now=NOW)
    with pytest.raises(Conflict):
        projects.set_label(project.id, staff, True)
    with pytest.raises(InvalidInput) as too_early:
        projects.change_status(project.id, staff, "approved", on=date(2026, 3, 30))
    assert too_early.value.field == "on"
    projects.change_status(
        project.id, staff, "approved", on=date(2026, 7, 1), amount_granted_eur=950_000
    )
    projects.change_status(project.id, founder, "running")
    projects.change_status(project.id, founder, "finished")
    with pytest.raises(Conflict) as over:
        projects.change_status(project.id, founder, "running")
    assert str(over.value) == "A finished project does not change any more."

    project = projects.get_project(project.id, founder)
    assert (project.submitted_on, project.approved_on) == (date(2026, 3, 31), date(2026, 7, 1))
    assert project.amount_granted_eur == 950_000
    assert project.labelled_by_cluster and project.labelled_at == NOW
    steps = [(c.what, c.to_status, c.changed_by_id) for c in project.history]
    assert ("labelled", "submitted", staff.id) in steps
    assert ("status", "approved", staff.id) in steps
    assert [s for w, s, _ in steps if w == "status"] == [
        "idea",
        "forming",
        "submitted",
        "approved",
        "running",
        "finished",
    ]
    # Partners hear of the approval in the app.
    texts = db.session.scalars(
        select(Notification.text).where(Notification.person_id == cast.researcher.id)
    ).all()
    assert "« Allogeneic CAR-T against solid tumours » est maintenant : Approuvé." in texts


def test_a_rejected_proposal_can_be_reworked(cast):
    project = with_partners(cast)
    projects.change_status(project.id, cast.founder.user, "forming")
    projects.change_status(project.id, cast.founder.user, "submitted")
    projects.change_status(project.id, cast.organiser.user, "rejected")
    projects.change_status(project.id, cast.founder.user, "forming")
    project = projects.get_project(project.id, cast.founder.user)
    assert (project.status, project.submitted_on, project.rejected_on) == ("forming", None, None)


def test_an_invitation_is_mailed_and_accepting_connects_the_partners(cast):
    for first, second in ((cast.startup, cast.lab), (cast.founder, cast.researcher)):
        kind = "organisation" if first is cast.startup else "person"
        db.session.add(
            Suggestion(
                source_kind=kind,
                source_id=first.id,
                candidate_kind=kind,
                candidate_id=second.id,
                rank=1,
                score=0.5,
            )
        )
    db.session.commit()
    project = propose(cast.founder)
    member = invite(project, cast.founder, organisation=cast.lab)
    # The lab's member whose profile fits the project answers for it.
    assert (member.person_id, member.state) == (cast.researcher.id, "invited")
    (mail,) = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "project_invitation")
    ).all()
    assert mail.to_email == "researcher@vector.example.org"
    assert "Félicie Fondatrice vous invite" in mail.subject
    assert "/projects/answer/" in mail.body_text
    with pytest.raises(Conflict):
        invite(project, cast.founder, person=cast.researcher)

    accept(member)
    connections = db.session.execute(
        select(Connection.a_kind, Connection.a_id, Connection.b_kind, Connection.b_id).where(
            Connection.via == "project", Connection.source_ref == project.id
        )
    ).all()
    assert set(connections) == {
        (
            "organisation",
            min(cast.startup.id, cast.lab.id),
            "organisation",
            max(cast.startup.id, cast.lab.id),
        ),
        (
            "person",
            min(cast.founder.id, cast.researcher.id),
            "person",
            max(cast.founder.id, cast.researcher.id),
        ),
    }
    # They are no longer suggested to each other.
    assert db.session.scalar(select(Suggestion.id)) is None
    with pytest.raises(Conflict) as again:
        accept(member)
    assert str(again.value) == "You already joined this project."
    notice = db.session.scalar(
        select(Notification.text).where(Notification.person_id == cast.founder.id)
    )
    assert notice == "Romain Vecteur joined the project “Allogeneic CAR-T against solid tumours”."


def test_declining_connects_nobody_and_a_declined_partner_may_be_asked_again(cast):
    project = propose(cast.founder)
    member = invite(project, cast.founder, person=cast.manufacturer, role="cdmo")
    projects.answer_invitation(project.id, cast.manufacturer.user, accept=False)
    assert db.session.scalar(select(Connection.id)) is None
    # Declined: the project is no longer theirs to see.
    with pytest.raises(NotFound):
        projects.get_project(project.id, cast.manufacturer.user)
    again = invite(project, cast.founder, person=cast.manufacturer, role="cdmo")
    assert (again.id, again.state) == (member.id, "invited")


def test_roles_must_fit_the_organisation_and_a_forged_link_is_refused(cast):
    project = propose(cast.founder)
    with pytest.raises(InvalidInput) as wrong:
        invite(project, cast.founder, organisation=cast.cdmo, role="hospital")
    assert str(wrong.value) == "BioMaker CDMO cannot fill the role “Hospital”."
    with pytest.raises(NotFound):
        projects.answer_by_link("forged-token", accept=True)


def test_withdrawing_an_invitation_and_keeping_partners(cast):
    project = propose(cast.founder)
    member = invite(project, cast.founder, person=cast.researcher)
    projects.withdraw_invitation(project.id, cast.founder.user, member.id)
    with pytest.raises(NotFound):
        projects.get_project(project.id, cast.researcher.user)
    joined = invite(project, cast.founder, person=cast.researcher)
    accept(joined)
    with pytest.raises(Conflict):
        projects.withdraw_invitation(project.id, cast.founder.user, joined.id)


def test_partner_suggestions_rank_both_sectors_with_reasons(cast):
    project = propose(cast.founder)
    suggested = project_partners.partner_suggestions(project, "en")
    names = [s.organisation.name for s in suggested.organisations]
    assert cast.startup.name not in names
    assert {"Vector Engineering Lab", "BioMaker CDMO", "CHU Atlantique"} <= set(names)
    assert "Farm Health" not in names
    assert {s.organisation.sector for s in suggested.organisations} == {"public", "private"}
    assert all(s.reasons for s in suggested.organisations)
    people = [s.person.full_name for s in suggested.people]
    assert "Gaspard Production" in people and "Félicie Fondatrice" not in people

    # Once the lab is in the consortium, it is no longer suggested.
    invite(project, cast.founder, organisation=cast.lab)
    again = project_partners.partner_suggestions(project, "en")
    assert "Vector Engineering Lab" not in [s.organisation.name for s in again.organisations]


def test_the_builder_covers_every_role_and_shows_what_a_swap_changes(cast):
    project = propose(cast.founder, required_roles=["academic_lab", "cdmo", "hospital"])
    plan = project_partners.consortium_plan(project, "en")
    labels = [item.label for item in plan.items]
    assert labels == [
        "lentiviral vectors",
        "good manufacturing practice",
        "CAR-T cells",
        "clinical trials",
        "fill-finish",
    ]
    chosen = [plan.organisations[c.chosen.id].name for c in plan.team.choices]
    assert chosen == ["Vector Engineering Lab", "BioMaker CDMO", "CHU Atlantique"]
    assert plan.team.coverage == 1.0

    lab_slot = plan.team.choices[0]
    (alternative,) = lab_slot.alternatives
    assert plan.organisations[alternative.candidate.id].name == "Tumour Immunology Lab"
    swapped = project_partners.consortium_plan(
        project, "en", picks={0: alternative.candidate.id, 1: cast.cdmo.id, 2: cast.hospital.id}
    )
    assert swapped.team.choices[0].how == "picked"
    assert swapped.team.coverage == alternative.coverage
    assert swapped.team.coverage < plan.team.coverage
    assert swapped.team.missing == ("c:lentiviral_vector",)
    assert lab_slot.brings == frozenset({"c:lentiviral_vector"})


def test_the_builder_keeps_partners_already_in_the_consortium(cast):
    project = propose(cast.founder, required_roles=["academic_lab", "cdmo"])
    invite(project, cast.founder, organisation=cast.other_lab)
    plan = project_partners.consortium_plan(project, "fr")
    held = plan.team.choices[0]
    assert (held.how, held.chosen.id) == ("held", cast.other_lab.id)
    assert plan.organisations[plan.team.choices[1].chosen.id].name == "BioMaker CDMO"
    assert "vecteurs lentiviraux" in [item.label for item in plan.items]


def test_a_partner_leaves_their_role_opens_and_the_others_are_told(cast):
    project = propose(cast.founder, required_roles=["academic_lab", "cdmo"])
    lab_line = invite(project, cast.founder, organisation=cast.lab)
    accept(lab_line)
    accept(invite(project, cast.founder, organisation=cast.cdmo, role="cdmo"))
    assert projects.roles_still_open(project) == []
    leaver = lab_line.person
    assert projects.can_leave(leaver.user, project)

    left = projects.leave_project(
        project.id, leaver.user, reason="  Our  team moves to another programme. ", now=NOW
    )

    assert (left.state, left.answered_at) == ("left", NOW)
    assert projects.roles_still_open(project) == ["academic_lab"]
    told = db.session.scalars(
        select(Notification.text).where(Notification.kind == "project.left")
    ).all()
    # The coordinator and the CDMO partner, not the one who left.
    assert len(told) == 2
    assert all(
        text.endswith(f"left the project “{project.title}”: Our team moves to another programme.")
        for text in told
    )
    # They worked together: the connections stay. The idea is no longer theirs to see.
    assert db.session.scalar(select(Connection.id)) is not None
    with pytest.raises(NotFound):
        projects.get_project(project.id, leaver.user)
    # Asked again later, the same line comes back as an invitation.
    again = invite(project, cast.founder, organisation=cast.lab)
    assert (again.id, again.state) == (lab_line.id, "invited")


def test_who_may_leave_and_when(cast):
    project = with_partners(cast)
    with pytest.raises(Conflict) as coordinator:
        projects.leave_project(project.id, cast.founder.user)
    assert "coordinator cannot leave" in str(coordinator.value)
    assert not projects.can_leave(cast.founder.user, project)

    partner = next(m for m in project.members if m.role == "cdmo").person
    with pytest.raises(InvalidInput) as too_long:
        projects.leave_project(project.id, partner.user, reason="x" * (projects.NOTE_MAX + 1))
    assert too_long.value.field == "reason"

    projects.change_status(project.id, cast.founder.user, "forming")
    projects.change_status(project.id, cast.founder.user, "submitted", on=NOW.date())
    assert not projects.can_leave(partner.user, project)
    with pytest.raises(Conflict) as submitted:
        projects.leave_project(project.id, partner.user)
    assert str(submitted.value) == "The consortium of a submitted project does not change any more."
    assert {m.state for m in project.members} == {"accepted"}


def test_two_places_of_one_kind_get_two_different_organisations(cast):
    project = propose(cast.founder, required_roles=["academic_lab", "academic_lab", "cdmo"])
    plan = project_partners.consortium_plan(project, "en")
    labs = [plan.organisations[c.chosen.id].name for c in plan.team.choices[:2]]
    assert sorted(labs) == ["Tumour Immunology Lab", "Vector Engineering Lab"]
    accept(invite(project, cast.founder, organisation=cast.lab))
    assert projects.roles_still_open(project) == ["academic_lab", "cdmo"]
