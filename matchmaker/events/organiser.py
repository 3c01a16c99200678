"""Organisers' pages of an event: editing it, its guest list, invitations, the door, the
meeting sheets and its figures. Registered on the ``events`` blueprint."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from matchmaker.events import charts
from matchmaker.events.forms import (
    ActionForm,
    AddGuestForm,
    EventForm,
    GuestListForm,
    ScheduleForm,
    WalkInForm,
)
from matchmaker.events.routes import bp, event_or_404
from matchmaker.exports import csv_response
from matchmaker.forms import show_error
from matchmaker.models import Event, InvitationState
from matchmaker.permissions import organiser_required
from matchmaker.services import event_attendance, event_guests, event_invitations, events
from matchmaker.services.event_figures import event_figures
from matchmaker.services.tags import format_tag_labels


def _locale() -> str:
    return str(get_locale() or "fr")


def _back_to(endpoint: str, event: Event):
    return redirect(url_for(endpoint, event_id=event.id))


def _checked_action_form() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


# --- Creating and editing --------------------------------------------------------------------


def _staff_choices() -> list[tuple[int, str]]:
    return [(person.id, person.full_name) for person in events.staff_people()]


def _paris(value: datetime | None, form: EventForm, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        return events.from_paris(value)
    except events.EventError as error:
        show_error(form, error.message, field)
        return None


def _event_data(form: EventForm, event: Event | None = None) -> events.EventData | None:
    starts_at = _paris(form.starts_at.data, form, "starts_at")
    ends_at = _paris(form.ends_at.data, form, "ends_at")
    if starts_at is None or (form.ends_at.data is not None and ends_at is None):
        return None
    share = form.private_share.data
    return events.EventData(
        kind=form.kind.data,
        title=form.title.data or "",
        theme=form.theme.data or "",
        focus_areas=form.focus_areas.data or [],
        tag_labels=form.tags.labels,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=form.venue.data or "",
        address=form.address.data or "",
        capacity=form.capacity.data,
        private_share=share / 100 if share is not None else None,
        registration_open=bool(form.registration_open.data),
        organiser_ids=form.organisers.data or [],
        # Set with the invitations, not on this form: editing keeps it.
        reminder_days_before=event.reminder_days_before if event else 2,
    )


@bp.route("/new", methods=["GET", "POST"])
@organiser_required
def create():
    form = EventForm()
    form.organisers.choices = _staff_choices()
    if request.method == "GET" and current_user.person is not None:
        form.organisers.data = [current_user.person.id]
    if form.validate_on_submit():
        data = _event_data(form)
        if data is not None:
            try:
                event = events.create_event(data, by=current_user)
            except events.EventError as error:
                show_error(form, error.message, error.field)
            else:
                flash(_("The event is created. Next: its guest list."), "success")
                return _back_to("events.guests", event)
    return render_template("events/edit.html", form=form, event=None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit(event_id: int):
    event = event_or_404(event_id)
    form = EventForm(obj=event)
    form.organisers.choices = _staff_choices()
    if request.method == "GET":
        form.tags.data = format_tag_labels(event.tags)
        form.starts_at.data = events.to_paris(event.starts_at)
        form.ends_at.data = events.to_paris(event.ends_at)
        form.private_share.data = round(event.private_share * 100)
        form.organisers.data = [person.id for person in event.organisers]
    if form.validate_on_submit():
        data = _event_data(form, event)
        if data is not None:
            try:
                outcome = events.update_event(event.id, data, by=current_user)
            except events.EventError as error:
                show_error(form, error.message, error.field)
            else:
                flash(_("The event is saved."), "success")
                if outcome.notified:
                    flash(
                        ngettext(
                            "The new date or place is being mailed to %(num)d invitee.",
                            "The new date or place is being mailed to %(num)d invitees.",
                            outcome.notified,
                        ),
                        "info",
                    )
                if outcome.promoted:
                    flash(
                        ngettext(
                            "%(num)d person moved from the waitlist to the guest list.",
                            "%(num)d people moved from the waitlist to the guest list.",
                            outcome.promoted,
                        ),
                        "info",
                    )
                return _back_to("events.manage", event)
    return render_template("events/edit.html", form=form, event=event)


@bp.post("/<int:event_id>/cancel")
@organiser_required
def cancel(event_id: int):
    event = event_or_404(event_id)
    _checked_action_form()
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm the cancellation."), "error")
        return _back_to("events.manage", event)
    try:
        mailed = events.cancel_event(event.id, by=current_user)
    except events.EventError as error:
        flash(error.message, "error")
    else:
        flash(
            ngettext(
                "The event is cancelled; %(num)d person is being told.",
                "The event is cancelled; %(num)d people are being told.",
                mailed,
            ),
            "success",
        )
    return _back_to("events.manage", event)


# --- The organiser's page of an event --------------------------------------------------------


@bp.get("/<int:event_id>/manage")
@organiser_required
def manage(event_id: int):
    event = event_or_404(event_id)
    figures = event_figures(event)
    lines = event_guests.guest_lines(event)
    drafts = sum(1 for line in lines if line.invitation.state in ("proposed", "locked"))
    schedule_form = ScheduleForm()
    schedule_form.reminder_days_before.data = (
        str(event.reminder_days_before) if event.reminder_days_before is not None else ""
    )
    return render_template(
        "events/manage.html",
        event=event,
        figures=figures,
        figures_chart=charts.attendance_chart(figures),
        lines_count=len(lines),
        drafts=drafts,
        schedule_form=schedule_form,
        action_form=ActionForm(),
        location=events.location_of(event),
        started=events.has_started(event),
        ended=events.has_ended(event),
        forms_can_go=event_attendance.feedback_forms_can_go(event),
        follow_ups=event_attendance.follow_ups(event),
        places_taken=events.places_taken(event.id),
    )


@bp.post("/<int:event_id>/invitations")
@organiser_required
def schedule(event_id: int):
    event = event_or_404(event_id)
    form = ScheduleForm()
    if not form.validate_on_submit():
        for field in form:
            for error in field.errors:
                flash(error, "error")
        return _back_to("events.manage", event)
    send_at = None
    if form.when.data == "later":
        if form.send_at.data is None:
            flash(_("Choose the date and time of sending."), "error")
            return _back_to("events.manage", event)
        try:
            send_at = events.from_paris(form.send_at.data)
        except events.EventError as error:
            flash(error.message, "error")
            return _back_to("events.manage", event)
    reminder = form.reminder_days_before.data
    try:
        outcome = event_invitations.schedule_invitations(
            event.id,
            send_at=send_at,
            reminder_days_before=int(reminder) if reminder else None,
            by=current_user,
        )
    except events.EventError as error:
        flash(error.message, "error")
        return _back_to("events.manage", event)
    when = format_datetime(outcome.send_at, "short")
    if outcome.invited:
        flash(
            ngettext(
                "%(num)d invitation scheduled for %(when)s.",
                "%(num)d invitations scheduled for %(when)s.",
                outcome.invited,
                when=when,
            ),
            "success",
        )
    if outcome.rescheduled:
        flash(
            ngettext(
                "%(num)d invitation not sent yet now goes at %(when)s.",
                "%(num)d invitations not sent yet now go at %(when)s.",
                outcome.rescheduled,
                when=when,
            ),
            "success",
        )
    if not outcome.invited and not outcome.rescheduled:
        flash(_("Nobody on the list was waiting for an invitation."), "info")
    if outcome.not_emailed:
        flash(
            ngettext(
                "%(num)d guest cannot be emailed (unsubscribed from invitations or no consent): "
                "invite them yourself.",
                "%(num)d guests cannot be emailed (unsubscribed from invitations or no "
                "consent): invite them yourself.",
                outcome.not_emailed,
            ),
            "warning",
        )
    return _back_to("events.manage", event)


@bp.post("/<int:event_id>/feedback-forms")
@organiser_required
def send_feedback_forms(event_id: int):
    event = event_or_404(event_id)
    _checked_action_form()
    try:
        queued = event_attendance.send_feedback_forms(event.id, by=current_user)
    except events.EventError as error:
        flash(error.message, "error")
    else:
        flash(
            ngettext(
                "The form is being sent to %(num)d attendee.",
                "The form is being sent to %(num)d attendees.",
                queued,
            ),
            "success",
        )
    return _back_to("events.manage", event)


# --- The guest list --------------------------------------------------------------------------


def _guest_list_form(event: Event) -> GuestListForm:
    form = GuestListForm()
    if request.method == "GET":
        form.size.data = event.guest_list_size
        form.per_organisation_cap.data = event.per_organisation_cap
        for region in event_guests.REGION_BUCKETS:
            weight = (event.region_weights or {}).get(region)
            getattr(form, f"region_{region}").data = round(weight) if weight else None
    return form


@bp.get("/<int:event_id>/guests")
@organiser_required
def guests(event_id: int):
    event = event_or_404(event_id)
    return _render_guests(event, _guest_list_form(event))


def _render_guests(event: Event, form: GuestListForm):
    lines = event_guests.guest_lines(event)
    mix = event_guests.guest_list_mix(event, lines)
    size, rate = event_guests.suggested_size(event)
    query = request.args.get("q", "").strip()
    locale = _locale()
    return render_template(
        "events/guests.html",
        event=event,
        form=form,
        lines=lines,
        why={line.person.id: event_guests.why_lines(line, locale) for line in lines},
        excluded=event_guests.guest_lines(event, excluded=True),
        mix=mix,
        sector_chart=charts.sector_chart(mix),
        region_chart=charts.region_chart(mix),
        suggested_size=size,
        rate=rate,
        query=query,
        found=event_guests.people_to_add(event, query) if query else [],
        action_form=ActionForm(),
        add_form=AddGuestForm(),
        editable=not event.is_cancelled and not events.has_ended(event),
    )


@bp.post("/<int:event_id>/guests/generate")
@organiser_required
def generate(event_id: int):
    event = event_or_404(event_id)
    form = _guest_list_form(event)
    if not form.validate_on_submit():
        return _render_guests(event, form), 400
    options = event_guests.GuestListOptions(
        size=form.size.data,
        per_organisation_cap=form.per_organisation_cap.data,
        region_weights=form.region_weights(),
    )
    try:
        result = event_guests.generate_guest_list(event.id, options, by=current_user)
    except events.EventError as error:
        show_error(form, error.message, error.field)
        return _render_guests(event, form), 400
    flash(
        ngettext(
            "Guest list generated: %(num)d person to invite.",
            "Guest list generated: %(num)d people to invite.",
            result.size,
        ),
        "success",
    )
    for warning in result.warnings:
        flash(warning, "warning")
    return _back_to("events.guests", event)


@bp.post("/<int:event_id>/guests/<int:person_id>/<any(lock, unlock, exclude, restore):action>")
@organiser_required
def adjust(event_id: int, person_id: int, action: str):
    event = event_or_404(event_id)
    _checked_action_form()
    try:
        event_guests.adjust_guest(event.id, person_id, action, by=current_user)
    except events.EventError as error:
        flash(error.message, "error")
    else:
        flash(
            {
                "lock": _("Locked: regenerating keeps this guest."),
                "unlock": _("Unlocked: regenerating may replace this guest."),
                "exclude": _("Taken off the list: regenerating will not propose them again."),
                "restore": _("Back among the candidates."),
            }[action],
            "success",
        )
    return redirect(url_for("events.guests", event_id=event.id) + f"#guest-{person_id}")


@bp.post("/<int:event_id>/guests/add")
@organiser_required
def add(event_id: int):
    event = event_or_404(event_id)
    form = AddGuestForm()
    if not form.validate_on_submit() or not form.person_id.data.isdigit():
        abort(400)
    try:
        invitation = event_guests.add_guest(event.id, int(form.person_id.data), by=current_user)
    except events.EventError as error:
        flash(error.message, "error")
    else:
        flash(
            _("%(name)s is on the list (locked).", name=invitation.person.full_name), "success"
        )
    return _back_to("events.guests", event)


@bp.get("/<int:event_id>/guests.csv")
@organiser_required
def guests_csv(event_id: int):
    event = event_or_404(event_id)
    header, rows = event_guests.guest_list_csv(event, _locale())
    return csv_response(f"guest-list-{event.id}.csv", header, rows)


# --- On the day ------------------------------------------------------------------------------


@bp.get("/<int:event_id>/check-in")
@organiser_required
def check_in(event_id: int):
    event = event_or_404(event_id)
    return _render_check_in(event, WalkInForm())


def _render_check_in(event: Event, walk_in_form: WalkInForm, status: int = 200):
    query = request.args.get("q", "").strip()
    door = event_attendance.door_list(event, query)
    everyone = event_attendance.door_list(event)
    members = (
        event_guests.people_to_add(event, query) if query and len(door) < 5 else []
    )
    return (
        render_template(
            "events/check_in.html",
            event=event,
            query=query,
            door=door,
            members=members,
            arrived=sum(1 for i in everyone if i.state == InvitationState.CAME),
            expected=sum(1 for i in everyone if i.state == InvitationState.YES),
            open=event_attendance.check_in_is_open(event),
            action_form=ActionForm(),
            walk_in_form=walk_in_form,
        ),
        status,
    )


def _door_redirect(event: Event):
    return redirect(
        url_for("events.check_in", event_id=event.id, q=request.form.get("q") or None)
    )


@bp.post("/<int:event_id>/check-in/<int:person_id>")
@organiser_required
def tick(event_id: int, person_id: int):
    event = event_or_404(event_id)
    _checked_action_form()
    try:
        invitation = event_attendance.check_in(event.id, person_id, by=current_user)
    except events.EventError as error:
        flash(error.message, "error")
    else:
        flash(_("%(name)s has arrived.", name=invitation.person.full_name), "success")
    return _door_redirect(event)


@bp.post("/<int:event_id>/check-in/<int:person_id>/undo")
@organiser_required
def untick(event_id: int, person_id: int):
    event = event_or_404(event_id)
    _checked_action_form()
    try:
        event_attendance.undo_check_in(event.id, person_id, by=current_user)
    except events.EventError as error:
        flash(error.message, "error")
    else:
        flash(_("Arrival undone."), "info")
    return _door_redirect(event)


@bp.post("/<int:event_id>/check-in/guest")
@organiser_required
def walk_in(event_id: int):
    event = event_or_404(event_id)
    form = WalkInForm()
    if form.validate_on_submit():
        guest = event_attendance.WalkInGuest(
            full_name=form.full_name.data or "",
            email=form.email.data or "",
            organisation_name=form.organisation_name.data or "",
            organisation_kind=form.organisation_kind.data,
            language=_locale(),
        )
        try:
            invitation = event_attendance.check_in_guest(event.id, guest, by=current_user)
        except events.EventError as error:
            show_error(form, error.message, error.field)
        else:
            flash(
                _("%(name)s has arrived (walk-in).", name=invitation.person.full_name), "success"
            )
            return _door_redirect(event)
    return _render_check_in(event, form, 400)


@bp.get("/<int:event_id>/meet")
@organiser_required
def meeting_sheets(event_id: int):
    event = event_or_404(event_id)
    return render_template(
        "events/meet.html", event=event, sheets=event_attendance.meeting_sheets(event)
    )
