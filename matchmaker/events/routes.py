"""Events: members' pages and emailed links (this module), organisers' pages
(:mod:`matchmaker.events.organiser`), on one blueprint."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker.events import labels
from matchmaker.events.forms import AnswerForm, FeedbackForm
from matchmaker.i18n import speak_to
from matchmaker.models import Answer, Event, InvitationState
from matchmaker.models.events import ANSWERABLE_STATES, PLACE_STATES
from matchmaker.services import event_attendance, event_invitations, events
from matchmaker.services.event_scores import reason_text

bp = Blueprint("events", __name__, url_prefix="/events")

bp.add_app_template_filter(labels.event_kind_label, "event_kind_label")
bp.add_app_template_filter(labels.invitation_state_label, "invitation_state_label")
bp.add_app_template_filter(labels.answer_label, "answer_label")
bp.add_app_template_filter(labels.invitation_source_label, "invitation_source_label")


@bp.app_template_filter("reason_text")
def reason_text_filter(reason: dict) -> str:
    return reason_text(reason, str(get_locale() or "fr"))


def event_or_404(event_id: int) -> Event:
    try:
        return events.get_event(event_id)
    except events.EventNotFound:
        abort(404)


def visible_event_or_404(event_id: int) -> Event:
    event = event_or_404(event_id)
    if not events.can_view_event(current_user, event):
        abort(404)
    return event


def calendar_response(event: Event) -> Response:
    return Response(
        event_invitations.calendar_file(event),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="event-{event.id}.ics"'},
    )


def answer_message(outcome: event_invitations.AnswerOutcome) -> tuple[str, str]:
    state = outcome.state
    if state == InvitationState.YES:
        return _("Your answer is recorded: you are coming. See you there!"), "success"
    if state == InvitationState.WAITLISTED:
        return (
            _("The event is full: you are on the waitlist. We will email you if a place frees up."),
            "warning",
        )
    if state == InvitationState.MAYBE:
        return (
            _("Your answer is recorded: maybe. You can change it until the event starts."),
            "info",
        )
    return _("Your answer is recorded: you are not coming. Thank you for telling us."), "info"


# --- Members ---------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    if events.can_manage_events(current_user):
        from matchmaker.services.event_figures import figures_for_events

        all_events = events.all_events()
        return render_template(
            "events/index_organiser.html",
            events=all_events,
            figures=figures_for_events(all_events),
        )
    person = current_user.person
    upcoming = events.upcoming_events_for(person)
    mine = {
        event.id: events.invitation_of(event.id, person.id) if person else None
        for event in upcoming
    }
    return render_template("events/index.html", events=upcoming, mine=mine)


@bp.get("/<int:event_id>")
@login_required
def show(event_id: int):
    event = visible_event_or_404(event_id)
    person = current_user.person
    invitation = events.invitation_of(event.id, person.id) if person else None
    if invitation is not None and invitation.state in (
        InvitationState.PROPOSED,
        InvitationState.LOCKED,
        InvitationState.EXCLUDED,
    ):
        invitation = None  # a draft line of the guest list is not an invitation yet
    sheet = None
    if invitation is not None and invitation.state in PLACE_STATES and not event.is_cancelled:
        sheets = event_attendance.meeting_sheets(event, {person.id})
        sheet = sheets[0] if sheets else None
    return render_template(
        "events/show.html",
        event=event,
        invitation=invitation,
        sheet=sheet,
        answer_form=AnswerForm(),
        location=events.location_of(event),
        places_left=max(event.capacity - events.places_taken(event.id), 0),
        can_answer=not event.is_cancelled and not events.has_started(event),
        feedback_open=invitation is not None
        and invitation.state == InvitationState.CAME
        and events.has_started(event),
    )


@bp.post("/<int:event_id>/answer")
@login_required
def answer(event_id: int):
    event = visible_event_or_404(event_id)
    form = AnswerForm()
    if not form.validate_on_submit() or form.answer.data not in set(Answer):
        abort(400)
    person = current_user.person
    if person is None:
        abort(403)
    try:
        outcome = event_invitations.answer_as_member(event.id, person, form.answer.data)
    except events.EventError as error:
        flash(error.message, "error")
    else:
        flash(*answer_message(outcome))
    return redirect(url_for("events.show", event_id=event.id))


@bp.get("/<int:event_id>/calendar.ics")
@login_required
def calendar(event_id: int):
    return calendar_response(visible_event_or_404(event_id))


# --- Emailed links (no login) ----------------------------------------------------------------


def link_problem(message: str):
    return render_template("events/link_problem.html", message=message), 400


@bp.route("/<int:event_id>/rsvp/<token>", methods=["GET", "POST"])
def rsvp(event_id: int, token: str):
    """The answer links of an invitation. A GET only shows the question (mail scanners open
    links); the answer is recorded by the button, a POST."""
    try:
        invitation = events.invitation_from_token(events.RSVP_PURPOSE, event_id, token)
    except events.LinkError as error:
        return link_problem(str(error))
    speak_to(invitation.person)
    form = AnswerForm()
    chosen = request.args.get("answer")
    outcome = None
    if form.validate_on_submit():
        if form.answer.data not in set(Answer):
            abort(400)
        try:
            outcome = event_invitations.answer_by_link(event_id, token, form.answer.data)
        except events.EventError as error:
            flash(error.message, "error")
        else:
            flash(*answer_message(outcome))
        invitation = events.invitation_from_token(events.RSVP_PURPOSE, event_id, token)
        chosen = None
    event = invitation.event
    return render_template(
        "events/rsvp.html",
        event=event,
        invitation=invitation,
        person=invitation.person,
        form=form,
        token=token,
        chosen=chosen if chosen in set(Answer) else None,
        location=events.location_of(event),
        can_answer=not event.is_cancelled
        and not events.has_started(event)
        and invitation.state in ANSWERABLE_STATES,
    )


@bp.get("/<int:event_id>/rsvp/<token>/calendar.ics")
def rsvp_calendar(event_id: int, token: str):
    try:
        invitation = events.invitation_from_token(events.RSVP_PURPOSE, event_id, token)
    except events.LinkError as error:
        return link_problem(str(error))
    return calendar_response(invitation.event)


def _feedback_page(event_id: int, person_id: int, action: str, *, signed_in: bool = False):
    try:
        state = event_attendance.feedback_form(event_id, person_id)
    except event_attendance.AttendanceError as error:
        if signed_in:
            flash(error.message, "error")
            return redirect(url_for("events.show", event_id=event_id))
        return link_problem(error.message)
    form = FeedbackForm()
    form.met.choices = [(person.id, person.full_name) for person in state.others]
    if request.method == "GET" and state.previous is not None:
        form.met.data = list(state.previous.met_person_ids or [])
        form.note.data = state.previous.note
        form.wants_follow_up.data = state.previous.wants_follow_up
    if form.validate_on_submit():
        try:
            event_attendance.record_feedback(
                event_id,
                person_id,
                form.met.data or [],
                form.note.data or "",
                bool(form.wants_follow_up.data),
            )
        except event_attendance.AttendanceError as error:
            from matchmaker.forms import show_error

            show_error(form, error.message, error.field)
        else:
            flash(_("Thank you! Your answers are saved."), "success")
            return redirect(action)
    return render_template("events/feedback.html", state=state, form=form, action=action)


@bp.route("/<int:event_id>/met/<token>", methods=["GET", "POST"])
def feedback_by_link(event_id: int, token: str):
    try:
        invitation = event_attendance.feedback_invitation_by_link(event_id, token)
    except events.LinkError as error:
        return link_problem(str(error))
    speak_to(invitation.person)
    return _feedback_page(
        event_id,
        invitation.person_id,
        url_for("events.feedback_by_link", event_id=event_id, token=token),
    )


@bp.route("/<int:event_id>/met", methods=["GET", "POST"])
@login_required
def feedback(event_id: int):
    event = visible_event_or_404(event_id)
    if current_user.person is None:
        abort(404)
    return _feedback_page(
        event.id,
        current_user.person.id,
        url_for("events.feedback", event_id=event.id),
        signed_in=True,
    )


from matchmaker.events import organiser  # noqa: E402, F401  (organisers' views, same blueprint)
