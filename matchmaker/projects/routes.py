"""Projects: propose, find partners, build the consortium, invite, answer, move along the
pipeline, label.

Views stay thin: every decision (who may, in which state) is the service's; its refusals come
back as form errors, or as 403/404/409 pages with their message.
"""

from __future__ import annotations

from collections import Counter

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker.domain import (
    FUNDERS,
    PARTNER_ROLE_LABELS,
    PROJECT_MEMBER_STATE_LABELS,
    PROJECT_STATUS_LABELS,
    PROJECT_VISIBILITY_LABELS,
)
from matchmaker.errors import render_error
from matchmaker.forms import show_error
from matchmaker.i18n import speak_to
from matchmaker.projects.forms import (
    ActionForm,
    FilterForm,
    InviteForm,
    LeaveForm,
    ProjectForm,
    StatusForm,
)
from matchmaker.services import project_partners, projects
from matchmaker.services.errors import ServiceError
from matchmaker.services.project_figures import project_figures
from matchmaker.services.projects import ProjectFilters, ProjectInput
from matchmaker.templating import add_label_filters, label_of
from matchmaker.urls import safe_next_url

bp = Blueprint("projects", __name__, url_prefix="/projects")
PER_PAGE = 25


add_label_filters(
    bp,
    project_status_label=PROJECT_STATUS_LABELS,
    partner_role_label=PARTNER_ROLE_LABELS,
    project_member_state_label=PROJECT_MEMBER_STATE_LABELS,
    project_visibility_label=PROJECT_VISIBILITY_LABELS,
)


bp.add_app_template_filter(project_partners.fitting_roles, "fitting_roles")


@bp.app_template_filter("partner_roles_summary")
def partner_roles_summary(roles) -> str:
    """ "Academic lab ×2, CDMO": the roles a call requires, each once with how many."""
    return ", ".join(
        label_of(PARTNER_ROLE_LABELS, role) + (f" ×{count}" if count > 1 else "")
        for role, count in Counter(roles or []).items()
    )


def _user():
    return current_user._get_current_object()


def _language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def _project_or_error(project_id: int):
    try:
        return projects.get_project(project_id, _user())
    except ServiceError as error:
        abort(error.status, description=error.message)


def _input(form: ProjectForm) -> ProjectInput:
    return ProjectInput(
        title=form.title.data or "",
        summary=form.summary.data or "",
        needed_expertise=form.needed_expertise.data or "",
        tags=form.tags.labels,
        focus_areas=form.focus_areas.data or [],
        funder=form.funder.data or "",
        call_name=form.call_name.data or "",
        call_deadline=form.call_deadline.data,
        required_roles=form.required_roles.data or [],
        amount_requested_eur=form.amount_requested_eur.data,
        visibility=form.visibility.data,
    )


# -- lists --------------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    user = _user()
    form = FilterForm(request.args)
    if not form.validate():
        form = FilterForm(formdata=None)
    filters = ProjectFilters(
        status=form.status.data or "",
        focus_area=form.focus_area.data or "",
        labelled=form.labelled.data or "",
        mine=request.args.get("mine") == "1",
    )
    page = projects.list_projects(
        user, filters, page=request.args.get("page", 1, type=int), per_page=PER_PAGE
    )
    person = user.person
    return render_template(
        "projects/index.html",
        form=form,
        page=page,
        filters=filters,
        invitations=projects.invitations_for(person) if person else [],
        counts=projects.status_counts(user),
        status_labels=PROJECT_STATUS_LABELS,
        figures=project_figures() if user.is_organiser else None,
        may_propose=person is not None and person.organisation is not None,
    )


# -- proposing and editing ----------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    user = _user()
    if user.person is None or user.person.organisation is None:
        abort(
            403, description=_("Only members who belong to an organisation can propose a project.")
        )
    form = ProjectForm()
    status = 200
    if form.validate_on_submit():
        try:
            project = projects.propose_project(user, _input(form))
        except ServiceError as error:
            show_error(form, error.message, error.field)
            status = error.status if not error.field else 400
        else:
            flash(
                _(
                    "Your project is saved as an idea: only you and the cluster staff see it. "
                    "Now find its partners."
                ),
                "success",
            )
            return redirect(url_for("projects.partners", project_id=project.id))
    elif form.is_submitted():
        status = 400
    return (
        render_template("projects/edit.html", form=form, project=None, funders=FUNDERS, user=user),
        status,
    )


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int):
    project = _project_or_error(project_id)
    if not projects.can_edit(_user(), project):
        abort(403, description=_("Only the project's partners can change it."))
    form = ProjectForm(obj=project if request.method == "GET" else None)
    if request.method == "GET":
        form.tags.data = ", ".join(tag.label for tag in project.tags)
    status = 200
    if form.validate_on_submit():
        try:
            projects.update_project(project.id, _user(), _input(form))
        except ServiceError as error:
            show_error(form, error.message, error.field)
            status = 400
        else:
            flash(_("The project is saved."), "success")
            return redirect(url_for("projects.show", project_id=project.id))
    elif form.is_submitted():
        status = 400
    return (
        render_template(
            "projects/edit.html", form=form, project=project, funders=FUNDERS, user=_user()
        ),
        status,
    )


# -- one project --------------------------------------------------------------------------------


def _render_show(project, status_form=None, code: int = 200, leave_form=None):
    user = _user()
    roles = projects.roles_of(user, project)
    if status_form is None:
        status_form = StatusForm(formdata=None)
    status_form.set_choices(projects.next_statuses(project))
    return (
        render_template(
            "projects/show.html",
            project=project,
            roles=roles,
            can_edit=projects.can_edit(user, project),
            can_move=projects.can_move(user, project),
            status_form=status_form,
            action_form=ActionForm(formdata=None),
            leave_form=(
                (leave_form or LeaveForm(formdata=None))
                if projects.can_leave(user, project)
                else None
            ),
            open_roles=projects.roles_still_open(project),
        ),
        code,
    )


@bp.get("/<int:project_id>")
@login_required
def show(project_id: int):
    return _render_show(_project_or_error(project_id))


@bp.get("/<int:project_id>/partners")
@login_required
def partners(project_id: int):
    """Partner suggestions and the consortium builder. ``?slot-N=ORG`` swaps slot N's
    candidate: the page is re-rendered with the coverage it gives."""
    project = _project_or_error(project_id)
    user = _user()
    if not projects.can_edit(user, project):
        abort(403, description=_("Only the project's partners can look for partners."))
    picks = {}
    for key, value in request.args.items():
        if key.startswith("slot-") and key[5:].isdigit() and value.isdigit():
            picks[int(key[5:])] = int(value)
    lang = _language()
    return render_template(
        "projects/partners.html",
        project=project,
        plan=project_partners.consortium_plan(project, lang, picks),
        suggestions=project_partners.partner_suggestions(project, lang),
        picks=picks,
        invite_form=InviteForm(formdata=None),
        may_invite=project.status in projects.CONSORTIUM_OPEN,
    )


@bp.post("/<int:project_id>/invite")
@login_required
def invite(project_id: int):
    project = _project_or_error(project_id)
    form = InviteForm()
    back = safe_next_url(
        request.form.get("back"), url_for("projects.partners", project_id=project.id)
    )
    if not form.validate_on_submit():
        flash(_("The invitation could not be sent: choose a partner and a role."), "error")
        return redirect(back)
    try:
        member = projects.invite_partner(
            project.id,
            _user(),
            role=form.role.data,
            organisation_id=form.organisation_id.data,
            person_id=form.person_id.data,
            message=form.message.data or "",
        )
    except ServiceError as error:
        if error.status in (403, 404):
            abort(error.status, description=error.message)
        flash(error.message, "error")
        return redirect(back)
    flash(
        _(
            "%(name)s (%(organisation)s) is invited. We will tell you when they answer.",
            name=member.person.full_name,
            organisation=member.organisation.name,
        ),
        "success",
    )
    return redirect(back)


@bp.post("/<int:project_id>/members/<int:member_id>/withdraw")
@login_required
def withdraw(project_id: int, member_id: int):
    project = _project_or_error(project_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        projects.withdraw_invitation(project.id, _user(), member_id)
    except ServiceError as error:
        abort(error.status, description=error.message)
    flash(_("The invitation is withdrawn."), "success")
    return redirect(url_for("projects.show", project_id=project.id))


@bp.post("/<int:project_id>/leave")
@login_required
def leave(project_id: int):
    project = _project_or_error(project_id)
    form = LeaveForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        if not projects.can_leave(_user(), project):
            abort(403, description=_("Only a partner can leave the project."))
        return _render_show(project, leave_form=form, code=400)
    try:
        projects.leave_project(project.id, _user(), reason=form.reason.data or "")
    except ServiceError as error:
        if error.field not in form:  # who may leave, and when: the page says why not
            abort(error.status, description=error.message)
        show_error(form, error.message, error.field)
        return _render_show(project, leave_form=form, code=error.status)
    flash(_("You left the project “%(title)s”.", title=project.title), "success")
    if projects.can_view(_user(), project):
        return redirect(url_for("projects.show", project_id=project.id))
    return redirect(url_for("projects.index"))


@bp.post("/<int:project_id>/answer")
@login_required
def answer_signed_in(project_id: int):
    project = _project_or_error(project_id)
    if not ActionForm().validate_on_submit() or request.form.get("action") not in (
        "accept",
        "decline",
    ):
        abort(400)
    accept = request.form["action"] == "accept"
    try:
        projects.answer_invitation(project.id, _user(), accept=accept)
    except ServiceError as error:
        abort(error.status, description=error.message)
    flash(
        _("You joined the consortium.") if accept else _("You declined the invitation."),
        "success",
    )
    return redirect(url_for("projects.show", project_id=project.id))


@bp.route("/answer/<token>", methods=["GET", "POST"])
def answer(token: str):
    """The invitee's emailed links: GET shows the project and asks to confirm; only the POST
    from that page records the answer."""
    try:
        link = projects.read_invitation_link(token)
    except ServiceError as error:
        return render_error(error.status, error.message)
    speak_to(link.person)
    action = request.values.get("action", "")
    if action not in ("accept", "decline"):
        action = ""
    done = None
    if request.method == "POST":
        if not ActionForm().validate_on_submit() or not action:
            abort(400)
        try:
            projects.answer_by_link(token, accept=action == "accept")
        except ServiceError as error:
            return render_error(error.status, error.message)
        done = (
            _("You joined the consortium. The partners can now see you in the project.")
            if action == "accept"
            else _("You declined the invitation. Thank you for answering.")
        )
    return render_template(
        "projects/answer.html",
        member=link.member,
        project=link.member.project,
        action=action,
        done=done,
        action_form=ActionForm(formdata=None),
    )


@bp.post("/<int:project_id>/status")
@login_required
def change_status(project_id: int):
    project = _project_or_error(project_id)
    form = StatusForm()
    form.set_choices(projects.next_statuses(project))
    if not form.validate_on_submit():
        return _render_show(project, form, 400)
    try:
        projects.change_status(
            project.id,
            _user(),
            form.status.data,
            on=form.on.data,
            amount_granted_eur=form.amount_granted_eur.data,
            note=form.note.data or "",
        )
    except ServiceError as error:
        if error.status in (403, 404):
            abort(error.status, description=error.message)
        show_error(form, error.message, error.field if error.field in form else None)
        return _render_show(project, form, error.status)
    flash(
        _(
            "The project is now: %(status)s.",
            status=label_of(PROJECT_STATUS_LABELS, project.status),
        ),
        "success",
    )
    return redirect(url_for("projects.show", project_id=project.id))


@bp.post("/<int:project_id>/label")
@login_required
def label(project_id: int):
    project = _project_or_error(project_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    labelled = request.form.get("labelled") == "1"
    try:
        projects.set_label(project.id, _user(), labelled)
    except ServiceError as error:
        abort(error.status, description=error.message)
    flash(
        _("The project is labelled by the cluster.")
        if labelled
        else _("The cluster's label is taken back."),
        "success",
    )
    return redirect(url_for("projects.show", project_id=project.id))
