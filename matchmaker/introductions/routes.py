"""Introductions: request, answer (signed in or from the emailed link), follow up, broker.

Views stay thin: every decision (who may, in which state) is the service's; its refusals come
back as form errors, or as 403/404/409/429 pages with their message.
"""

from __future__ import annotations

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
from wtforms.fields import SelectChoice

from matchmaker.domain import (
    INTRODUCTION_PURPOSE_LABELS,
    INTRODUCTION_STATUS_LABELS,
    INTRODUCTION_STEP_LABELS,
)
from matchmaker.errors import render_error
from matchmaker.forms import show_error
from matchmaker.i18n import speak_to
from matchmaker.introductions.forms import (
    ActionForm,
    AskStaffForm,
    DeclineForm,
    ForwardForm,
    RequestForm,
    StaffDeclineForm,
    StaffFilterForm,
)
from matchmaker.models import utcnow
from matchmaker.permissions import organiser_required
from matchmaker.services import introductions
from matchmaker.services.errors import ServiceError
from matchmaker.services.people import can_see_contact_details, visible_members
from matchmaker.templating import add_label_filters

bp = Blueprint("introductions", __name__)


add_label_filters(
    bp,
    introduction_step_label=INTRODUCTION_STEP_LABELS,
    introduction_status_label=INTRODUCTION_STATUS_LABELS,
    purpose_label=INTRODUCTION_PURPOSE_LABELS,
)


def _user():
    return current_user._get_current_object()


def _language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def _refuse(error: ServiceError):
    abort(error.status, description=error.message)


# -- requesting --------------------------------------------------------------------------------


def _member_choices(target: introductions.Target) -> list[SelectChoice]:
    assert target.organisation is not None
    choices = [SelectChoice("", _("Let the cluster staff choose the right person"))]
    for person in introductions.requestable_members(target.organisation, _user()):
        label = f"{person.full_name} — {person.position}" if person.position else person.full_name
        choices.append(SelectChoice(str(person.id), label))
    return choices


@bp.route("/introductions/new", methods=["GET", "POST"])
@login_required
def new():
    try:
        target = introductions.find_target(
            _user(),
            person_id=request.args.get("person", type=int),
            organisation_id=request.args.get("organisation", type=int),
        )
    except ServiceError as error:
        _refuse(error)
    refusal = None
    try:
        introductions.check_may_request(_user(), target)
    except ServiceError as error:
        refusal = error
    form = RequestForm()
    if target.organisation is not None:
        form.person.choices = _member_choices(target)
    status = refusal.status if refusal is not None else 200
    if refusal is not None and form.is_submitted():
        # Refused meanwhile (a limit, an answer): say why above what they typed, kept as is.
        show_error(form, refusal.message)
        refusal = None
    elif refusal is None and form.validate_on_submit():
        # Asking an organisation, the requester may name one of its members instead.
        chosen = form.person.data if target.organisation is not None else ""
        if chosen and chosen.isdigit():
            person_id, organisation_id = int(chosen), None
        elif target.person is not None:
            person_id, organisation_id = target.person.id, None
        else:
            person_id, organisation_id = None, target.organisation.id
        try:
            created = introductions.request_introduction(
                _user(),
                purpose=form.purpose.data,
                message=form.message.data,
                person_id=person_id,
                organisation_id=organisation_id,
            )
        except ServiceError as error:
            show_error(form, error.message, error.field)
            if not error.field:
                status = error.status
        else:
            flash(
                _(
                    "Your request is sent to the cluster staff, who will pass it on. We will "
                    "tell you when it is answered."
                )
                if created.needs_review
                else _(
                    "Your request is sent to %(name)s. We will tell you when they answer.",
                    name=created.target_name,
                ),
                "success",
            )
            return redirect(url_for("introductions.show", request_id=created.id))
    person = _user().person
    suggestion = introductions.suggestion_between(person, target) if person is not None else None
    return (
        render_template(
            "introductions/new.html",
            form=form,
            target=target,
            refusal=refusal,
            reasons=introductions.describe_reasons(
                suggestion.reasons if suggestion else [], _language()
            ),
        ),
        status,
    )


# -- one request -------------------------------------------------------------------------------


def _forward_choices(intro) -> list[SelectChoice]:
    if intro.target_organisation is None:
        return []
    choices = [SelectChoice("", _("Choose a member"))]
    for person in visible_members(intro.target_organisation, _user()):
        if person.id == intro.requester_id:
            continue
        label = (
            person.full_name
            if person.consent_matching
            else _("%(name)s (does not take requests)", name=person.full_name)
        )
        choices.append(SelectChoice(str(person.id), label))
    return choices


def _nudge_wait(intro):
    """When the staff may remind the recipient again, if not yet."""
    again = introductions.next_nudge_at(intro)
    return again if again is not None and again > utcnow() else None


def _render_request(intro, status: int = 200, **forms):
    user = _user()
    roles = introductions.roles_of(user, intro)
    forward_form = forms.get("forward_form") or ForwardForm(formdata=None)
    if "staff" in roles and intro.awaits_staff:
        forward_form.recipient.choices = _forward_choices(intro)
    people = [p for p in (intro.requester, intro.recipient) if p is not None]
    return (
        render_template(
            "introductions/show.html",
            intro=intro,
            roles=roles,
            history=introductions.history_for(intro, user),
            reasons=introductions.describe_reasons(intro.reasons, _language()),
            next_action=introductions.next_action(intro, user),
            show_decline_reason=introductions.may_read_decline_reason(intro, roles),
            contacts={p.id: can_see_contact_details(user, p) for p in people},
            blocked=(
                "recipient" in roles and introductions.has_blocked(user.person, intro.requester_id)
            ),
            nudge_wait=_nudge_wait(intro),
            action_form=ActionForm(formdata=None),
            decline_form=forms.get("decline_form") or DeclineForm(formdata=None),
            ask_staff_form=forms.get("ask_staff_form") or AskStaffForm(formdata=None),
            forward_form=forward_form,
            staff_decline_form=forms.get("staff_decline_form") or StaffDeclineForm(formdata=None),
        ),
        status,
    )


def _request_or_404(request_id: int):
    try:
        return introductions.get_request(request_id, _user())
    except ServiceError as error:
        _refuse(error)


@bp.get("/introductions/<int:request_id>")
@login_required
def show(request_id: int):
    return _render_request(_request_or_404(request_id))


def _act(request_id: int, action, done: str, form=None, form_name: str | None = None):
    """Check the form (and its CSRF token), call the service, come back to the request."""
    intro = _request_or_404(request_id)
    form = form or ActionForm()
    if not form.validate_on_submit():
        if form_name is None:
            abort(400)
        return _render_request(intro, **{form_name: form})
    try:
        action()
    except ServiceError as error:
        if error.field and form_name is not None:
            show_error(form, error.message, error.field)
            return _render_request(intro, **{form_name: form})
        _refuse(error)
    flash(done, "success")
    return redirect(url_for("introductions.show", request_id=request_id))


@bp.post("/introductions/<int:request_id>/accept")
@login_required
def accept(request_id: int):
    return _act(
        request_id,
        lambda: introductions.accept(request_id, by=_user()),
        _("You accepted: we have emailed you both each other's contact details."),
    )


@bp.post("/introductions/<int:request_id>/decline")
@login_required
def decline(request_id: int):
    form = DeclineForm()
    return _act(
        request_id,
        lambda: introductions.decline(
            request_id,
            by=_user(),
            reason=form.reason.data or "",
            share_reason=form.share_reason.data,
            block=form.block.data,
        ),
        _("You declined the request."),
        form,
        "decline_form",
    )


@bp.post("/introductions/<int:request_id>/ask-staff")
@login_required
def ask_staff(request_id: int):
    form = AskStaffForm()
    return _act(
        request_id,
        lambda: introductions.ask_staff(request_id, by=_user(), note=form.note.data or ""),
        _("The cluster staff are asked to join. You can still answer whenever you are ready."),
        form,
        "ask_staff_form",
    )


@bp.post("/introductions/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int):
    return _act(
        request_id,
        lambda: introductions.withdraw(request_id, by=_user()),
        _("Your request is withdrawn."),
    )


@bp.post("/introductions/<int:request_id>/met")
@login_required
def met(request_id: int):
    return _act(
        request_id,
        lambda: introductions.mark_met(request_id, by=_user()),
        _("Thank you: the meeting is noted."),
    )


@bp.post("/introductions/<int:request_id>/project")
@login_required
def project(request_id: int):
    return _act(
        request_id,
        lambda: introductions.mark_project_started(request_id, by=_user()),
        _("Congratulations: the project is noted."),
    )


@bp.post("/introductions/<int:request_id>/block")
@login_required
def block(request_id: int):
    return _act(
        request_id,
        lambda: introductions.block_requester(request_id, by=_user()),
        _("You will receive no more introduction requests from this person."),
    )


@bp.post("/introductions/<int:request_id>/forward")
@organiser_required
def forward(request_id: int):
    form = ForwardForm()
    form.recipient.choices = _forward_choices(_request_or_404(request_id))
    recipient = form.recipient.data or ""
    return _act(
        request_id,
        lambda: introductions.forward(
            request_id,
            by=_user(),
            recipient_id=int(recipient) if recipient.isdigit() else None,
            note=form.note.data or "",
        ),
        _("The request is forwarded."),
        form,
        "forward_form",
    )


@bp.post("/introductions/<int:request_id>/staff-decline")
@organiser_required
def staff_decline(request_id: int):
    form = StaffDeclineForm()
    return _act(
        request_id,
        lambda: introductions.decline_as_staff(request_id, by=_user(), reason=form.reason.data),
        _("The request is declined; the requester is told why."),
        form,
        "staff_decline_form",
    )


@bp.post("/introductions/<int:request_id>/join")
@organiser_required
def join(request_id: int):
    return _act(
        request_id,
        lambda: introductions.join_as_staff(request_id, by=_user()),
        _("You joined: you will be copied on the introduction."),
    )


@bp.post("/introductions/<int:request_id>/nudge")
@organiser_required
def nudge(request_id: int):
    return _act(
        request_id,
        lambda: introductions.nudge(request_id, by=_user()),
        _("The recipient is reminded by email."),
    )


# -- answering from the emailed link -------------------------------------------------------------

ANSWER_ACTIONS = ("accept", "decline", "ask_staff")


def _render_answer(link, action: str, status: int = 200, **forms):
    intro = link.request
    return (
        render_template(
            "introductions/answer.html",
            intro=intro,
            person=link.person,
            action=action if action in ANSWER_ACTIONS else "",
            reasons=introductions.describe_reasons(intro.reasons, _language()),
            action_form=ActionForm(formdata=None),
            decline_form=forms.get("decline_form") or DeclineForm(formdata=None),
            ask_staff_form=forms.get("ask_staff_form") or AskStaffForm(formdata=None),
        ),
        status,
    )


@bp.route("/introductions/answer/<token>", methods=["GET", "POST"])
def answer(token: str):
    """The recipient's emailed links: GET shows the request (and asks to confirm the action
    the link names); only a POST from that page changes anything."""
    try:
        link = introductions.read_answer_link(token)
    except ServiceError as error:
        return render_error(error.status, error.message)
    speak_to(link.person)
    action = request.values.get("action", "")
    if request.method == "GET":
        return _render_answer(link, action)

    forms = {
        "accept": (ActionForm, None),
        "decline": (DeclineForm, "decline_form"),
        "ask_staff": (AskStaffForm, "ask_staff_form"),
    }
    if action not in forms:
        abort(400)
    form_class, form_name = forms[action]
    form = form_class()
    if not form.validate_on_submit():
        if form_name is None:
            abort(400)
        return _render_answer(link, action, **{form_name: form})
    try:
        if action == "accept":
            introductions.accept_by_link(token)
            done = _("You accepted: we have emailed you both each other's contact details.")
        elif action == "decline":
            introductions.decline_by_link(
                token,
                reason=form.reason.data or "",
                share_reason=form.share_reason.data,
                block=form.block.data,
            )
            done = _("You declined the request.")
        else:
            introductions.ask_staff_by_link(token, note=form.note.data or "")
            done = _(
                "The cluster staff are asked to join. You can still answer whenever you are ready."
            )
    except ServiceError as error:
        if error.field and form_name is not None:
            show_error(form, error.message, error.field)
            return _render_answer(link, action, **{form_name: form})
        flash(error.message, "error")
        return _render_answer(link, "", error.status)
    flash(done, "success")
    return redirect(url_for("introductions.answer", token=token))


# -- lists --------------------------------------------------------------------------------------


@bp.get("/introductions/")
@login_required
def index():
    person = _user().person
    if person is None:
        return render_template("introductions/index.html", person=None, mine=None)
    return render_template(
        "introductions/index.html",
        person=person,
        mine=introductions.my_introductions(person),
        next_action=lambda intro: introductions.next_action(intro, _user()),
    )


@bp.get("/introductions/blocked")
@login_required
def blocked():
    person = _user().person
    if person is None:
        abort(404)
    return render_template(
        "introductions/blocked.html",
        blocks=introductions.blocked_people(person),
        action_form=ActionForm(formdata=None),
    )


@bp.post("/introductions/blocked/<int:person_id>/unblock")
@login_required
def unblock(person_id: int):
    person = _user().person
    if person is None or not ActionForm().validate_on_submit():
        abort(400 if person is not None else 404)
    if introductions.unblock(person, person_id):
        flash(_("This person can send you introduction requests again."), "success")
    return redirect(url_for("introductions.blocked"))


@bp.get("/organiser/introductions/")
@organiser_required
def staff_index():
    form = StaffFilterForm(request.args)
    if not form.validate():
        form = StaffFilterForm()
    older = form.older_than.data
    filters = introductions.StaffFilters(
        status=form.status.data,
        older_than_days=int(older) if older else None,
        sector=form.sector.data,
        focus_area=form.focus_area.data,
    )
    page = request.args.get("page", 1, type=int) or 1
    return render_template(
        "introductions/staff.html",
        form=form,
        requests=introductions.list_for_staff(
            filters, page=page, per_page=current_app.config["INTRODUCTIONS_PAGE_SIZE"]
        ),
        next_action=lambda intro: introductions.next_action(intro, _user()),
        now=utcnow(),
        figures=introductions.introduction_figures(
            sector=filters.sector, focus_area=filters.focus_area
        ),
    )
