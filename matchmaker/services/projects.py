"""Collaborative projects: propose, build the consortium, invite partners, move along the
pipeline, label.

Every public function that changes something is one use case and one commit (nothing is
written when it raises); the mail and notifications it decides are queued inside it.

Who may do what, decided here against the signed-in user:

* a project is seen by its members (the coordinator, partners and people invited) and the
  cluster staff; other members see it only once it is past the idea *and* shared with all
  members. Anyone else gets :class:`NotFound` (the page answers 404, as for a project that does
  not exist);
* its partners (accepted members) edit it, invite and move it along the pipeline, and may leave
  it while its consortium can still change (the coordinator stays); the staff move it along the
  pipeline and label it; an invited person answers their invitation. Anything
  else is :class:`Forbidden`; a move the pipeline does not allow is a :class:`Conflict` with a
  sentence that says why.

When a partner accepts, they and their organisation are connected (``ConnectionVia.PROJECT``)
to every partner already in: they stop being suggested to each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from matchmaker.domain import (
    PARTNER_ROLE_KINDS,
    PARTNER_ROLE_LABELS,
    PROJECT_STATUS_LABELS,
    PROJECT_TRANSITIONS,
    FocusArea,
    PartnerRole,
    ProjectMemberState,
    ProjectStatus,
    ProjectVisibility,
    partner_roles_of_kind,
)
from matchmaker.extensions import db
from matchmaker.mail import enqueue
from matchmaker.models import (
    ConnectionVia,
    MailCategory,
    Organisation,
    PartyKind,
    Person,
    Project,
    ProjectMember,
    ProjectStatusChange,
    User,
    utcnow,
)
from matchmaker.paging import PreparedPagination
from matchmaker.security import TokenError, make_recipient_token, read_recipient_token
from matchmaker.services import committed
from matchmaker.services.connections import add_connection
from matchmaker.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from matchmaker.services.matching import matchable_people_clause, theme_relevance
from matchmaker.services.notifications import notify
from matchmaker.services.tags import commit_retrying_new_tags, resolve_tags
from matchmaker.text import tidy_spaces
from matchmaker.urls import absolute_url, site_path

PARIS = ZoneInfo("Europe/Paris")
TITLE_MAX = 200
SUMMARY_MAX = 5_000
EXPERTISE_MAX = 5_000
FUNDER_MAX = 120
CALL_MAX = 200
MESSAGE_MAX = 2_000
NOTE_MAX = 1_000
ROLES_MAX = 8
AMOUNT_MAX = 1_000_000_000
TOKEN_PURPOSE = "project-invitation"
LINK_MAX_AGE = 90 * 24 * 3600

STATUS = ProjectStatus
STATE = ProjectMemberState
# Partners may be invited, and may leave, until the project is submitted (or after a rejection).
CONSORTIUM_OPEN = (STATUS.IDEA, STATUS.FORMING, STATUS.REJECTED)


def paris_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(PARIS).date()


# -- who is who -------------------------------------------------------------------------------


def _is_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_organiser)


def member_line(project: Project, user) -> ProjectMember | None:
    """The user's own line in the consortium (invited, partner or declined), if any."""
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    if person is None:
        return None
    for member in project.members:
        if member.person_id == person.id:
            return member
    return None


def roles_of(user, project: Project) -> set[str]:
    """ "staff", "partner" (accepted, the coordinator included), "coordinator", "invited"."""
    roles: set[str] = set()
    if not getattr(user, "is_authenticated", False):
        return roles
    if _is_staff(user):
        roles.add("staff")
    line = member_line(project, user)
    if line is not None:
        if line.state == STATE.ACCEPTED:
            roles.add("partner")
            if line.coordinator:
                roles.add("coordinator")
        elif line.state == STATE.INVITED:
            roles.add("invited")
    return roles


def can_view(user, project: Project) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if roles_of(user, project):
        return True
    return project.status != STATUS.IDEA and project.visibility == ProjectVisibility.MEMBERS


def can_edit(user, project: Project) -> bool:
    return "partner" in roles_of(user, project)


def can_leave(user, project: Project) -> bool:
    """A partner other than the coordinator, while the consortium can still change."""
    roles = roles_of(user, project)
    return (
        "partner" in roles and "coordinator" not in roles and project.status in CONSORTIUM_OPEN
    )


def can_move(user, project: Project) -> bool:
    return bool(roles_of(user, project) & {"partner", "staff"})


def get_project(project_id: int, user) -> Project:
    """The project if ``user`` may see it; else :class:`NotFound` (whether it exists or not)."""
    project = db.session.get(Project, project_id)
    if project is None or not can_view(user, project):
        raise NotFound(_("This project does not exist, or it is not shared with you."))
    return project


def _require_partner(user, project: Project, message: str | None = None) -> None:
    if not can_edit(user, project):
        raise Forbidden(message or _("Only the project's partners can change it."))


def _require_staff(user) -> None:
    if not _is_staff(user):
        raise Forbidden(_("Only the cluster staff can do this."))


# -- proposing and editing ----------------------------------------------------------------------


@dataclass
class ProjectInput:
    title: str
    summary: str = ""
    needed_expertise: str = ""
    tags: list[str] = field(default_factory=list)
    focus_areas: list[str] = field(default_factory=list)
    funder: str = ""
    call_name: str = ""
    call_deadline: date | None = None
    required_roles: list[str] = field(default_factory=list)
    amount_requested_eur: int | None = None
    visibility: str = ProjectVisibility.MEMBERS.value


def _clean(data: ProjectInput) -> ProjectInput:
    title = tidy_spaces(data.title)
    if not title:
        raise InvalidInput(_("Enter the project's title."), field="title")
    checks = (
        ("title", title, TITLE_MAX),
        ("summary", data.summary or "", SUMMARY_MAX),
        ("needed_expertise", data.needed_expertise or "", EXPERTISE_MAX),
        ("funder", data.funder or "", FUNDER_MAX),
        ("call_name", data.call_name or "", CALL_MAX),
    )
    for name, value, maximum in checks:
        if len(value) > maximum:
            raise InvalidInput(_("At most %(max)d characters.", max=maximum), field=name)
    unknown_areas = [a for a in data.focus_areas if a not in set(FocusArea)]
    if unknown_areas:
        raise InvalidInput(_("Choose focus areas from the list."), field="focus_areas")
    roles = [r for r in data.required_roles if r]
    if any(r not in set(PartnerRole) for r in roles):
        raise InvalidInput(_("Choose partner roles from the list."), field="required_roles")
    if len(roles) > ROLES_MAX:
        raise InvalidInput(
            _("A call asks for at most %(max)d partner roles here.", max=ROLES_MAX),
            field="required_roles",
        )
    amount = data.amount_requested_eur
    if amount is not None and not 0 <= amount <= AMOUNT_MAX:
        raise InvalidInput(
            _("Enter an amount between 0 and %(max)s euros.", max=f"{AMOUNT_MAX:,}"),
            field="amount_requested_eur",
        )
    if data.visibility not in set(ProjectVisibility):
        raise InvalidInput(_("Choose who may see the project."), field="visibility")
    return ProjectInput(
        title=title,
        summary=(data.summary or "").strip(),
        needed_expertise=(data.needed_expertise or "").strip(),
        tags=list(data.tags),
        focus_areas=list(dict.fromkeys(data.focus_areas)),
        funder=tidy_spaces(data.funder),
        call_name=tidy_spaces(data.call_name),
        call_deadline=data.call_deadline,
        required_roles=roles,
        amount_requested_eur=amount,
        visibility=data.visibility,
    )


def _apply(project: Project, data: ProjectInput) -> None:
    project.title = data.title
    project.summary = data.summary
    project.needed_expertise = data.needed_expertise
    project.tags = resolve_tags(data.tags)
    project.focus_areas = data.focus_areas
    project.funder = data.funder
    project.call_name = data.call_name
    project.call_deadline = data.call_deadline
    project.required_roles = data.required_roles
    project.amount_requested_eur = data.amount_requested_eur
    project.visibility = data.visibility


def coordinator_role(organisation: Organisation, required_roles: Iterable[str]) -> str:
    """The slot the proposing organisation fills itself: the first required one its kind fits,
    else the most specific role of its kind."""
    fitting = partner_roles_of_kind(organisation.kind)
    for role in required_roles:
        if role in fitting:
            return role
    return fitting[0].value if fitting else PartnerRole.ANY_PRIVATE.value


def propose_project(user, data: ProjectInput, *, now: datetime | None = None) -> Project:
    """A member proposes a project for their organisation; they are its coordinator."""
    person = getattr(user, "person", None)
    if person is None or person.organisation is None:
        raise Forbidden(_("Only members who belong to an organisation can propose a project."))
    data = _clean(data)
    now = now or utcnow()

    def work() -> Project:
        project = Project(
            title="",
            status=STATUS.IDEA.value,
            proposing_organisation_id=person.organisation_id,
            created_by_id=user.id,
            created_at=now,
            updated_at=now,
        )
        _apply(project, data)
        project.members = [
            ProjectMember(
                person_id=person.id,
                organisation_id=person.organisation_id,
                role=coordinator_role(person.organisation, data.required_roles),
                coordinator=True,
                state=STATE.ACCEPTED.value,
                created_at=now,
                answered_at=now,
            )
        ]
        project.history = [
            ProjectStatusChange(
                from_status=None, to_status=STATUS.IDEA.value, changed_by_id=user.id, changed_at=now
            )
        ]
        db.session.add(project)
        db.session.flush()
        return project

    return commit_retrying_new_tags(work)


def update_project(project_id: int, user, data: ProjectInput) -> Project:
    project = get_project(project_id, user)
    _require_partner(user, project)
    data = _clean(data)

    def work() -> Project:
        _apply(project, data)
        return project

    return commit_retrying_new_tags(work)


# -- the pipeline -------------------------------------------------------------------------------


def next_statuses(project: Project) -> tuple[ProjectStatus, ...]:
    return PROJECT_TRANSITIONS.get(ProjectStatus(project.status), ())


def roles_still_open(project: Project) -> list[str]:
    """Required roles no partner holds yet (each partner holds one slot), in the call's order."""
    held = [m.role for m in project.members if m.state == STATE.ACCEPTED]
    missing = []
    for role in project.required_roles or []:
        if role in held:
            held.remove(role)
        else:
            missing.append(role)
    return missing


def _transition_refusal(project: Project, to: ProjectStatus) -> str | None:
    current = ProjectStatus(project.status)
    if to == current:
        return _("The project is already at this step.")
    if to not in PROJECT_TRANSITIONS.get(current, ()):
        allowed = PROJECT_TRANSITIONS.get(current, ())
        if not allowed:
            return _("A finished project does not change any more.")
        return _(
            "A project that is “%(current)s” can only become %(allowed)s.",
            current=PROJECT_STATUS_LABELS[current],
            allowed=_(" or ").join(f"“{PROJECT_STATUS_LABELS[s]}”" for s in allowed),
        )
    if to == STATUS.SUBMITTED:
        missing = roles_still_open(project)
        if missing:
            return _(
                "The call asks for partners the consortium does not have yet: %(roles)s. "
                "Invite them, and submit once they have accepted.",
                roles=", ".join(str(PARTNER_ROLE_LABELS[PartnerRole(r)]) for r in missing),
            )
        if not project.funder or not project.call_name:
            return _("Say which call and funder the project is submitted to before submitting.")
    return None


def change_status(
    project_id: int,
    user,
    to: str,
    *,
    on: date | None = None,
    amount_granted_eur: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Project:
    """Move the project one step along the pipeline (partners or staff). ``on`` is the day it
    happened (submission, decision), today by default; ``amount_granted_eur`` goes with an
    approval."""
    project = get_project(project_id, user)
    if not can_move(user, project):
        raise Forbidden(_("Only the project's partners and the cluster staff can move it."))
    try:
        target = ProjectStatus(to)
    except ValueError:
        raise InvalidInput(_("Choose the project's next step."), field="status") from None
    refusal = _transition_refusal(project, target)
    if refusal:
        raise Conflict(refusal, field="status")
    now = now or utcnow()
    day = on or paris_today(now)
    if day > paris_today(now):
        raise InvalidInput(_("This date is in the future."), field="on")
    if (
        target in (STATUS.APPROVED, STATUS.REJECTED)
        and project.submitted_on is not None
        and day < project.submitted_on
    ):
        raise InvalidInput(
            _("The funder cannot answer before the project was submitted."), field="on"
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(_("At most %(max)d characters.", max=NOTE_MAX), field="note")
    if amount_granted_eur is not None and not 0 <= amount_granted_eur <= AMOUNT_MAX:
        raise InvalidInput(
            _("Enter an amount between 0 and %(max)s euros.", max=f"{AMOUNT_MAX:,}"),
            field="amount_granted_eur",
        )

    def work() -> Project:
        before = project.status
        project.status = target.value
        project.updated_at = now
        if target == STATUS.SUBMITTED:
            project.submitted_on = day
        elif target == STATUS.APPROVED:
            project.approved_on = day
            if amount_granted_eur is not None:
                project.amount_granted_eur = amount_granted_eur
        elif target == STATUS.REJECTED:
            project.rejected_on = day
        elif target == STATUS.FORMING and before == STATUS.REJECTED:
            # Reworked for another call: the earlier outcome no longer describes it.
            project.submitted_on = project.rejected_on = None
        project.history.append(
            ProjectStatusChange(
                from_status=before,
                to_status=target.value,
                changed_by_id=user.id,
                note=note,
                changed_at=now,
            )
        )
        _tell_partners(
            project,
            user,
            "project.status",
            _l(
                "“%(title)s” is now: %(status)s.",
                title=project.title,
                status=PROJECT_STATUS_LABELS[target],
            ),
        )
        return project

    return committed(work)


def set_label(project_id: int, user, labelled: bool, *, now: datetime | None = None) -> Project:
    """The staff label the project (the cluster's endorsement) or take the label back."""
    _require_staff(user)
    project = get_project(project_id, user)
    if project.labelled_by_cluster == labelled:
        raise Conflict(
            _("The project is already labelled by the cluster.")
            if labelled
            else _("The project is not labelled.")
        )
    now = now or utcnow()

    def work() -> Project:
        project.labelled_by_cluster = labelled
        project.labelled_at = now if labelled else None
        project.labelled_by_id = user.id if labelled else None
        project.history.append(
            ProjectStatusChange(
                from_status=project.status,
                to_status=project.status,
                what="labelled" if labelled else "unlabelled",
                changed_by_id=user.id,
                changed_at=now,
            )
        )
        if labelled:
            _tell_partners(
                project,
                user,
                "project.labelled",
                _l("“%(title)s” is labelled by the cluster.", title=project.title),
            )
        return project

    return committed(work)


def _tell_partners(project: Project, actor, kind: str, text) -> None:
    link = site_path("projects.show", project_id=project.id)
    for member in project.members:
        person = member.person
        if member.state != STATE.ACCEPTED or person is None or person.user_id == actor.id:
            continue
        notify(person, kind, text, link=link)


# -- the consortium -----------------------------------------------------------------------------


def _organisation_contact(organisation: Organisation, project: Project) -> Person | None:
    """Who answers for an organisation: its member whose profile fits the project best."""
    people = list(
        db.session.scalars(
            select(Person)
            .join(Person.user)
            .where(Person.organisation_id == organisation.id, User.confirmed_at.is_not(None))
            .order_by(Person.id)
        )
    )
    if not people:
        return None
    matchable = [
        p.id
        for p in db.session.scalars(
            select(Person)
            .join(Person.user)
            .where(Person.id.in_([p.id for p in people]), matchable_people_clause())
        )
    ]
    if matchable:
        ranked = theme_relevance(
            project.needed_expertise or project.summary,
            [t.label for t in project.tags],
            project.focus_areas or [],
            person_ids=matchable,
        )
        if ranked and ranked[0].score > 0:
            return db.session.get(Person, ranked[0].person_id)
        return db.session.get(Person, matchable[0])
    return people[0]


def invitation_token(member: ProjectMember) -> str:
    assert member.person_id is not None
    return make_recipient_token(TOKEN_PURPOSE, member.person_id, member=member.id)


def _require_consortium_open(project: Project) -> None:
    if project.status not in CONSORTIUM_OPEN:
        raise Conflict(_("The consortium of a submitted project does not change any more."))


def invite_partner(
    project_id: int,
    user,
    *,
    role: str,
    organisation_id: int | None = None,
    person_id: int | None = None,
    message: str = "",
    now: datetime | None = None,
) -> ProjectMember:
    """A partner invites a person, or an organisation (its best-fitting member answers), to
    fill a role. The invitee is emailed (with answer links) and notified."""
    project = get_project(project_id, user)
    _require_partner(user, project, _("Only the project's partners can invite new partners."))
    _require_consortium_open(project)
    try:
        partner_role = PartnerRole(role)
    except ValueError:
        raise InvalidInput(_("Choose the partner's role."), field="role") from None
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise InvalidInput(_("At most %(max)d characters.", max=MESSAGE_MAX), field="message")
    if person_id is not None:
        person = db.session.get(Person, person_id)
        if person is None or person.organisation is None or person.user.confirmed_at is None:
            raise NotFound(_("This person cannot be invited."))
        organisation = person.organisation
    elif organisation_id is not None:
        organisation = db.session.get(Organisation, organisation_id)
        if organisation is None:
            raise NotFound(_("This organisation does not exist."))
        person = _organisation_contact(organisation, project)
        if person is None:
            raise Conflict(
                _(
                    "Nobody at %(name)s has an account yet: ask the cluster staff to "
                    "introduce you.",
                    name=organisation.name,
                )
            )
    else:
        raise InvalidInput(_("Choose whom to invite."))
    if organisation.kind not in PARTNER_ROLE_KINDS[partner_role]:
        raise InvalidInput(
            _(
                "%(name)s cannot fill the role “%(role)s”.",
                name=organisation.name,
                role=PARTNER_ROLE_LABELS[partner_role],
            ),
            field="role",
        )
    existing = next((m for m in project.members if m.person_id == person.id), None)
    if existing is not None and existing.state not in (STATE.DECLINED, STATE.LEFT):
        raise Conflict(
            _("%(name)s is already in the consortium or invited.", name=person.full_name)
        )
    now = now or utcnow()
    inviter = user.person

    def work() -> ProjectMember:
        if existing is not None:
            member = existing  # declined or left before: asked again
            member.state = STATE.INVITED.value
            member.answered_at = None
        else:
            member = ProjectMember(project=project, person_id=person.id)
            db.session.add(member)
        member.organisation_id = organisation.id
        member.role = partner_role.value
        member.message = message
        member.invited_by_id = user.id
        member.created_at = now
        db.session.flush()
        token = invitation_token(member)
        enqueue(
            template="project_invitation",
            person=person,
            category=MailCategory.INTRODUCTIONS,
            dedupe_key=f"project:{project.id}:invitation:{member.id}:{int(now.timestamp())}",
            context={
                "project": project,
                "inviter": inviter,
                "member": member,
                "role_label": PARTNER_ROLE_LABELS[partner_role],
                "message": message,
                "project_url": absolute_url("projects.show", project_id=project.id),
                "accept_url": absolute_url("projects.answer", token=token, action="accept"),
                "decline_url": absolute_url("projects.answer", token=token, action="decline"),
            },
        )
        notify(
            person,
            "project.invited",
            _l(
                "%(name)s invites you to join the project “%(title)s”.",
                name=inviter.full_name if inviter else _l("A member"),
                title=project.title,
            ),
            link=site_path("projects.show", project_id=project.id),
        )
        return member

    return committed(work)


def _connect(project: Project, member: ProjectMember, now: datetime) -> None:
    """The new partner now knows every partner already in, and so do their organisations."""
    day = paris_today(now)
    for other in project.members:
        if other.id == member.id or other.state != STATE.ACCEPTED:
            continue
        if other.person_id and member.person_id and other.person_id != member.person_id:
            add_connection(
                (PartyKind.PERSON.value, member.person_id),
                (PartyKind.PERSON.value, other.person_id),
                via=ConnectionVia.PROJECT,
                source_ref=project.id,
                occurred_on=day,
                created_at=now,
            )
        if (
            other.organisation_id
            and member.organisation_id
            and other.organisation_id != member.organisation_id
        ):
            add_connection(
                (PartyKind.ORGANISATION.value, member.organisation_id),
                (PartyKind.ORGANISATION.value, other.organisation_id),
                via=ConnectionVia.PROJECT,
                source_ref=project.id,
                occurred_on=day,
                created_at=now,
            )


def _answer(member: ProjectMember, person: Person, accept: bool, now: datetime) -> ProjectMember:
    project = member.project
    if member.state != STATE.INVITED:
        raise Conflict(
            _("You already joined this project.")
            if member.state == STATE.ACCEPTED
            else _("You declined this invitation.")
        )

    def work() -> ProjectMember:
        member.state = (STATE.ACCEPTED if accept else STATE.DECLINED).value
        member.answered_at = now
        if accept:
            _connect(project, member, now)
        if member.invited_by_id is not None:
            inviter = db.session.scalar(
                select(Person).where(Person.user_id == member.invited_by_id)
            )
            if inviter is not None:
                notify(
                    inviter,
                    "project.answered",
                    _l(
                        "%(name)s joined the project “%(title)s”.",
                        name=person.full_name,
                        title=project.title,
                    )
                    if accept
                    else _l(
                        "%(name)s declined to join the project “%(title)s”.",
                        name=person.full_name,
                        title=project.title,
                    ),
                    link=site_path("projects.show", project_id=project.id),
                )
        return member

    return committed(work)


def answer_invitation(project_id: int, user, *, accept: bool, now: datetime | None = None):
    """The invited member accepts or declines, signed in."""
    project = get_project(project_id, user)
    member = member_line(project, user)
    if member is None:
        raise Forbidden(_("Only the person invited can answer this invitation."))
    return _answer(member, user.person, accept, now or utcnow())


@dataclass(frozen=True)
class InvitationLink:
    member: ProjectMember
    person: Person


def read_invitation_link(token: str) -> InvitationLink:
    """The invitation an emailed link is for; nothing is changed."""
    try:
        claims = read_recipient_token(TOKEN_PURPOSE, token, LINK_MAX_AGE)
    except TokenError as error:
        raise NotFound(
            _("This link has expired. Log in to see your projects.")
            if error.expired
            else _("This link is not valid. Log in to see your projects.")
        ) from error
    member_id = claims.data.get("member")
    member = db.session.get(ProjectMember, member_id) if isinstance(member_id, int) else None
    if member is None or member.person_id != claims.person_id or member.person is None:
        raise NotFound(_("This link is not valid. Log in to see your projects."))
    return InvitationLink(member=member, person=member.person)


def answer_by_link(token: str, *, accept: bool, now: datetime | None = None) -> ProjectMember:
    link = read_invitation_link(token)
    return _answer(link.member, link.person, accept, now or utcnow())


def withdraw_invitation(project_id: int, user, member_id: int) -> None:
    """A partner takes back an invitation not accepted (or clears a declined line)."""
    project = get_project(project_id, user)
    _require_partner(user, project)
    member = next((m for m in project.members if m.id == member_id), None)
    if member is None:
        raise NotFound(_("This partner is not in the project."))
    if member.state == STATE.ACCEPTED:
        raise Conflict(_("A partner who joined stays in the consortium."))

    def work() -> None:
        project.members.remove(member)

    committed(work)


def leave_project(
    project_id: int, user, *, reason: str = "", now: datetime | None = None
) -> ProjectMember:
    """A partner leaves the consortium: their role is open again and the other partners are
    told (with the reason, if given). The connections made by working together stay."""
    project = get_project(project_id, user)
    member = member_line(project, user)
    if member is None or member.state != STATE.ACCEPTED:
        raise Forbidden(_("Only a partner can leave the project."))
    if member.coordinator:
        raise Conflict(
            _("The coordinator cannot leave the project: ask the cluster staff to close it.")
        )
    _require_consortium_open(project)
    reason = tidy_spaces(reason or "")
    if len(reason) > NOTE_MAX:
        raise InvalidInput(_("At most %(max)d characters.", max=NOTE_MAX), field="reason")
    now = now or utcnow()

    def work() -> ProjectMember:
        member.state = STATE.LEFT.value
        member.answered_at = now
        name, title = member.person.full_name, project.title
        text = (
            _l("%(name)s left the project “%(title)s”: %(reason)s", name=name, title=title,
               reason=reason)
            if reason
            else _l("%(name)s left the project “%(title)s”.", name=name, title=title)
        )  # fmt: skip
        _tell_partners(project, user, "project.left", text)
        return member

    return committed(work)


# -- lists --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectFilters:
    status: str = ""
    focus_area: str = ""
    labelled: str = ""  # "", "yes", "no"
    mine: bool = False


def _own_clause(person: Person):
    return exists().where(
        ProjectMember.project_id == Project.id,
        ProjectMember.person_id == person.id,
        ProjectMember.state.in_([STATE.ACCEPTED.value, STATE.INVITED.value]),
    )


def _visible_clause(user):
    """What ``user`` may list (None: everything, for the staff)."""
    if _is_staff(user):
        return None
    shared = and_(
        Project.status != STATUS.IDEA.value, Project.visibility == ProjectVisibility.MEMBERS.value
    )
    person = getattr(user, "person", None)
    return or_(shared, _own_clause(person)) if person is not None else shared


def list_projects(user, filters: ProjectFilters, *, page: int = 1, per_page: int = 25):
    """The projects ``user`` may see, newest first, filtered; a Flask-SQLAlchemy page."""
    visible = _visible_clause(user)
    person = getattr(user, "person", None)
    statement = select(Project).options(
        selectinload(Project.proposing_organisation), selectinload(Project.members)
    )
    if visible is not None:
        statement = statement.where(visible)
    if filters.mine:
        statement = statement.where(
            _own_clause(person) if person is not None else Project.id.is_(None)
        )
    if filters.status in set(ProjectStatus):
        statement = statement.where(Project.status == filters.status)
    if filters.labelled == "yes":
        statement = statement.where(Project.labelled_by_cluster.is_(True))
    elif filters.labelled == "no":
        statement = statement.where(Project.labelled_by_cluster.is_(False))
    statement = statement.order_by(Project.created_at.desc(), Project.id.desc())
    if filters.focus_area in set(FocusArea):
        # JSON lists: filtered here, in Python, the same way on both databases.
        rows = [p for p in db.session.scalars(statement) if filters.focus_area in p.focus_areas]
        start = (page - 1) * per_page
        return PreparedPagination(rows[start : start + per_page], len(rows), page, per_page)
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


def status_counts(user) -> dict[str, int]:
    visible = _visible_clause(user)
    statement = select(Project.status, func.count()).group_by(Project.status)
    if visible is not None:
        statement = statement.where(visible)
    return dict(db.session.execute(statement).all())


def invitations_for(person: Person) -> list[ProjectMember]:
    """Invitations waiting for the person's answer."""
    return list(
        db.session.scalars(
            select(ProjectMember)
            .where(ProjectMember.person_id == person.id, ProjectMember.state == STATE.INVITED.value)
            .options(selectinload(ProjectMember.project))
            .order_by(ProjectMember.created_at.desc())
        )
    )
