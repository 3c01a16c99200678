"""The day and after: check-in at the door, walk-ins, "who should I meet?" sheets, and the
"who did you meet?" form whose answers become Connections.

Check-in opens on the day (:data:`CHECK_IN_OPENS` before the start) and stays open a week
after the end, for staff who record arrivals late. Capacity is not checked at the door: the
person is there, and staff decide.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import selectinload

from matchmaker.domain import OrganisationKind, Region, Role
from matchmaker.extensions import db
from matchmaker.models import (
    Connection,
    ConnectionVia,
    Event,
    EventFeedback,
    Invitation,
    InvitationSource,
    InvitationState,
    Organisation,
    PartyKind,
    Person,
    User,
    ordered_pair,
    utcnow,
)
from matchmaker.models.events import DRAFT_STATES, PLACE_STATES
from matchmaker.security import hash_password
from matchmaker.services import event_scores
from matchmaker.services.connections import add_connection
from matchmaker.services.event_guests import known_pairs
from matchmaker.services.events import (
    FEEDBACK_PURPOSE,
    FEEDBACK_WINDOW,
    PARIS,
    EventError,
    can_manage_events,
    feedback_token,
    get_event,
    has_started,
    invitation_from_token,
    invitation_of,
    mail_guest,
    queued_keys,
)
from matchmaker.services.organisations import find_by_name
from matchmaker.text import search_words, tidy_spaces
from matchmaker.urls import absolute_url

CHECK_IN_OPENS = timedelta(hours=12)
CHECK_IN_CLOSES = timedelta(days=7)
MEETINGS_SHOWN = 3
NAME_MAX = 120
ORGANISATION_NAME_MAX = 200
NOTE_MAX = 2_000

# Everyone the door list shows: whoever was invited or registered, whatever they answered.
DOOR_STATES = (
    InvitationState.INVITED,
    InvitationState.YES,
    InvitationState.MAYBE,
    InvitationState.WAITLISTED,
    InvitationState.NO,
    InvitationState.CAME,
    InvitationState.NO_SHOW,
)


class AttendanceError(EventError):
    pass


def _require_staff(by: User | None) -> None:
    if by is not None and not can_manage_events(by):
        raise PermissionError("only the cluster's staff record attendance")


def _check_in_open(event: Event, now: datetime | None = None) -> None:
    now = now or utcnow()
    if event.is_cancelled:
        raise AttendanceError(None, _("This event is cancelled."))
    if now < event.starts_at - CHECK_IN_OPENS:
        raise AttendanceError(None, _("Check-in opens on the day of the event."))
    if now > event.ends_at + CHECK_IN_CLOSES:
        raise AttendanceError(None, _("Check-in closed a week after the event."))


def check_in_is_open(event: Event) -> bool:
    try:
        _check_in_open(event)
    except AttendanceError:
        return False
    return True


# --- The door --------------------------------------------------------------------------------


def door_list(event: Event, query: str = "") -> list[Invitation]:
    """The people expected (and those already in), by name; ``query`` filters on names and
    organisations, accents and case ignored."""
    invitations = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.event_id == event.id,
            Invitation.state.in_([s.value for s in DOOR_STATES]),
        )
        .options(selectinload(Invitation.person).selectinload(Person.organisation))
    ).all()
    words = search_words(query)
    if words:
        invitations = [
            invitation
            for invitation in invitations
            if all(word in _door_text(invitation) for word in words)
        ]
    return sorted(invitations, key=lambda i: (i.person.full_name.casefold(), i.person.id))


def _door_text(invitation: Invitation) -> str:
    organisation = invitation.person.organisation
    return " ".join(
        search_words(f"{invitation.person.full_name} {organisation.name if organisation else ''}")
    )


def check_in(event_id: int, person_id: int, *, by: User | None = None) -> Invitation:
    """Tick the person's arrival; someone not on the list comes in as a walk-in. One commit."""
    _require_staff(by)
    event = get_event(event_id)
    _check_in_open(event)
    person = db.session.get(Person, person_id)
    if person is None:
        raise AttendanceError(None, _("This person does not exist."))
    invitation = _arrive(event, person)
    db.session.commit()
    return invitation


def _arrive(event: Event, person: Person) -> Invitation:
    invitation = invitation_of(event.id, person.id)
    if invitation is None:
        invitation = Invitation(
            event_id=event.id, person_id=person.id, source=InvitationSource.WALK_IN.value
        )
        db.session.add(invitation)
    elif invitation.state in DRAFT_STATES or invitation.state == InvitationState.EXCLUDED:
        invitation.source = InvitationSource.WALK_IN.value
    if invitation.state != InvitationState.CAME:
        invitation.state = InvitationState.CAME.value
        invitation.checked_in_at = utcnow()
    return invitation


def undo_check_in(event_id: int, person_id: int, *, by: User | None = None) -> None:
    """A tick made by mistake: the person is back to their answer (a walk-in leaves)."""
    _require_staff(by)
    event = get_event(event_id)
    _check_in_open(event)
    invitation = invitation_of(event_id, person_id)
    if invitation is None or invitation.state != InvitationState.CAME:
        raise AttendanceError(None, _("This person is not checked in."))
    if invitation.source == InvitationSource.WALK_IN and invitation.invited_at is None:
        db.session.delete(invitation)
    else:
        invitation.state = invitation.answer or InvitationState.INVITED.value
        invitation.checked_in_at = None
    db.session.commit()


@dataclass
class WalkInGuest:
    full_name: str
    email: str
    organisation_name: str = ""
    organisation_kind: str = OrganisationKind.OTHER.value
    language: str = "fr"


def check_in_guest(event_id: int, guest: WalkInGuest, *, by: User | None = None) -> Invitation:
    """A walk-in who is not a member (or whom staff cannot find): the address finds their
    record if they have one; otherwise a minimal one is made (no login until they set a
    password, no matching until they consent). One commit."""
    from matchmaker.services.accounts import AccountError, normalise_email

    _require_staff(by)
    event = get_event(event_id)
    _check_in_open(event)
    full_name = tidy_spaces(guest.full_name)
    if not full_name:
        raise AttendanceError("full_name", _("Enter the guest's name."))
    if len(full_name) > NAME_MAX:
        raise AttendanceError("full_name", _("At most %(max)d characters.", max=NAME_MAX))
    try:
        email = normalise_email(guest.email)
    except AccountError as error:
        raise AttendanceError("email", error.message) from None
    organisation_name = tidy_spaces(guest.organisation_name)
    if len(organisation_name) > ORGANISATION_NAME_MAX:
        raise AttendanceError(
            "organisation_name", _("At most %(max)d characters.", max=ORGANISATION_NAME_MAX)
        )
    if guest.organisation_kind not in {kind.value for kind in OrganisationKind}:
        raise AttendanceError("organisation_kind", _("Choose a kind of organisation."))

    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None and user.person is not None:
        person = user.person
    else:
        organisation = find_by_name(organisation_name) if organisation_name else None
        if organisation is None and organisation_name:
            organisation = Organisation(
                name=organisation_name, kind=guest.organisation_kind, region=Region.OTHER.value
            )
            db.session.add(organisation)
        if user is None:
            user = User(
                email=email,
                # Nobody knows this password: the guest sets one with "forgot my password".
                password_hash=hash_password(secrets.token_urlsafe(32)),
                role=Role.MEMBER.value,
            )
        person = Person(
            user=user,
            full_name=full_name,
            organisation=organisation,
            language=guest.language if guest.language in ("fr", "en") else "fr",
        )
        db.session.add(person)
        db.session.flush()
    invitation = _arrive(event, person)
    db.session.commit()
    return invitation


# --- Who should I meet? ----------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingSuggestion:
    person: Person
    score: float
    reasons: tuple[dict, ...]


@dataclass(frozen=True)
class MeetingSheet:
    person: Person
    suggestions: list[MeetingSuggestion]


def attendees(event: Event) -> list[Invitation]:
    """Who has a place (said yes) or came, by name."""
    return sorted(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.event_id == event.id,
                Invitation.state.in_([s.value for s in PLACE_STATES]),
            )
            .options(
                selectinload(Invitation.person).selectinload(Person.organisation),
                selectinload(Invitation.person).selectinload(Person.user),
            )
        ).all(),
        key=lambda i: (i.person.full_name.casefold(), i.person.id),
    )


def meeting_sheets(event: Event, person_ids: set[int] | None = None) -> list[MeetingSheet]:
    """For each attendee, their best counterparts of the other sector among the people who
    said yes, with reasons; people they already know are left out."""
    present = attendees(event)
    people = {invitation.person_id: invitation.person for invitation in present}
    scores = event_scores.pair_scores(list(people), k=10, with_reasons=True)
    known = known_pairs(set(people))
    sheets = []
    for invitation in present:
        if person_ids is not None and invitation.person_id not in person_ids:
            continue
        suggestions = [
            MeetingSuggestion(people[s.person_id], s.score, s.reasons)
            for s in scores.get(invitation.person_id, [])
            if s.person_id in people
            and (min(s.person_id, invitation.person_id), max(s.person_id, invitation.person_id))
            not in known
        ][:MEETINGS_SHOWN]
        sheets.append(MeetingSheet(invitation.person, suggestions))
    return sheets


# --- Who did you meet? -----------------------------------------------------------------------


def event_day(event: Event) -> date:
    return event.starts_at.astimezone(PARIS).date()


def feedback_invitation_by_link(event_id: int, token: str) -> Invitation:
    return invitation_from_token(FEEDBACK_PURPOSE, event_id, token)


def _feedback_open(event: Event, invitation: Invitation) -> None:
    if event.is_cancelled:
        raise AttendanceError(None, _("This event was cancelled."))
    if not has_started(event):
        raise AttendanceError(None, _("This form opens when the event starts."))
    if utcnow() > event.ends_at + FEEDBACK_WINDOW:
        raise AttendanceError(None, _("This form closed a month after the event."))
    if invitation.state != InvitationState.CAME:
        raise AttendanceError(None, _("This form is for the people who came."))


def feedback_of(event_id: int, person_id: int) -> EventFeedback | None:
    return db.session.scalar(
        select(EventFeedback).where(
            EventFeedback.event_id == event_id, EventFeedback.person_id == person_id
        )
    )


def fellow_attendees(event: Event, person_id: int) -> list[Person]:
    """The others who came, for the "whom did you meet?" list."""
    return [
        invitation.person
        for invitation in attendees(event)
        if invitation.state == InvitationState.CAME and invitation.person_id != person_id
    ]


@dataclass(frozen=True)
class FeedbackForm:
    event: Event
    person: Person
    others: list[Person]  # whom they may have met
    previous: EventFeedback | None  # what they answered before, if they did


def feedback_form(event_id: int, person_id: int) -> FeedbackForm:
    """What the "who did you meet?" form shows; refuses when it is not (or no longer) open."""
    event = get_event(event_id)
    invitation = invitation_of(event_id, person_id)
    if invitation is None:
        raise AttendanceError(None, _("This form is for the people who came."))
    _feedback_open(event, invitation)
    others = fellow_attendees(event, person_id)
    return FeedbackForm(event, invitation.person, others, feedback_of(event_id, person_id))


def _insert_connection(a: int, b: int, event: Event) -> None:
    add_connection(
        (PartyKind.PERSON.value, a),
        (PartyKind.PERSON.value, b),
        via=ConnectionVia.EVENT,
        source_ref=event.id,
        occurred_on=event_day(event),
    )


def _delete_connection(a: int, b: int, event: Event) -> None:
    (a_kind, a_id), (b_kind, b_id) = ordered_pair(
        (PartyKind.PERSON.value, a), (PartyKind.PERSON.value, b)
    )
    db.session.execute(
        delete(Connection).where(
            Connection.a_kind == a_kind,
            Connection.a_id == a_id,
            Connection.b_kind == b_kind,
            Connection.b_id == b_id,
            Connection.via == ConnectionVia.EVENT.value,
            Connection.source_ref == event.id,
        )
    )


def record_feedback(
    event_id: int,
    person_id: int,
    met_person_ids: list[int],
    note: str = "",
    wants_follow_up: bool = False,
) -> EventFeedback:
    """Save an attendee's "who did you meet?": each person met becomes a Connection (via
    event, this event's id); someone unticked is forgotten unless they said they met too.
    Sending the form again replaces the previous answer. One commit."""
    event = get_event(event_id)
    invitation = invitation_of(event_id, person_id)
    if invitation is None:
        raise AttendanceError(None, _("This form is for the people who came."))
    _feedback_open(event, invitation)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise AttendanceError("note", _("At most %(max)d characters.", max=NOTE_MAX))
    others = {person.id for person in fellow_attendees(event, person_id)}
    met = sorted(set(met_person_ids))
    if set(met) - others:
        raise AttendanceError("met", _("Choose people from the list of those who came."))

    feedback = feedback_of(event_id, person_id)
    before = set(feedback.met_person_ids if feedback else [])
    if feedback is None:
        feedback = EventFeedback(event_id=event_id, person_id=person_id)
        db.session.add(feedback)
    for other in sorted(set(met) - before):
        _insert_connection(person_id, other, event)
    for other in sorted(before - set(met)):
        theirs = feedback_of(event_id, other)
        if theirs is None or person_id not in (theirs.met_person_ids or []):
            _delete_connection(person_id, other, event)
    feedback.met_person_ids = met
    feedback.note = note
    feedback.wants_follow_up = bool(wants_follow_up)
    feedback.submitted_at = utcnow()
    db.session.commit()
    return feedback


def follow_ups(event: Event) -> list[EventFeedback]:
    """Answers with a note or a wish to follow up, for the organisers, latest first."""
    return list(
        db.session.scalars(
            select(EventFeedback)
            .where(
                EventFeedback.event_id == event.id,
                or_(EventFeedback.wants_follow_up.is_(True), EventFeedback.note != ""),
            )
            .options(selectinload(EventFeedback.person))
            .order_by(EventFeedback.submitted_at.desc(), EventFeedback.id.desc())
        )
    )


# --- After the event -------------------------------------------------------------------------


def _close(event: Event) -> int:
    """Said yes and never came: a no-show. Who came gets the form (once). Returns mails queued."""
    invitations = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.event_id == event.id,
            Invitation.state.in_([InvitationState.YES.value, InvitationState.CAME.value]),
        )
        .options(selectinload(Invitation.person).selectinload(Person.user))
    ).all()
    prefix = f"event:{event.id}:feedback:"
    already = queued_keys(prefix)
    queued = 0
    for invitation in invitations:
        if invitation.state == InvitationState.YES:
            if utcnow() >= event.ends_at:
                invitation.state = InvitationState.NO_SHOW.value
            continue
        key = f"{prefix}{invitation.person_id}"
        if key in already:
            continue
        link = absolute_url(
            "events.feedback_by_link", event_id=event.id, token=feedback_token(invitation)
        )
        if mail_guest(
            invitation, "event_feedback", dedupe=key, method=None, context={"feedback_url": link}
        ):
            queued += 1
    return queued


def follow_up_past_events(now: datetime | None = None) -> int:
    """Scheduled: events that ended in the past month get their no-shows marked and their
    attendees the "who did you meet?" form. Safe to run any number of times."""
    now = now or utcnow()
    events = db.session.scalars(
        select(Event).where(
            Event.cancelled_at.is_(None),
            Event.ends_at <= now,
            Event.ends_at >= now - FEEDBACK_WINDOW,
        )
    ).all()
    queued = sum(_close(event) for event in events)
    db.session.commit()
    return queued


def feedback_forms_can_go(event: Event) -> bool:
    """Whether :func:`send_feedback_forms` would send: from the start to a month after."""
    return (
        not event.is_cancelled
        and has_started(event)
        and utcnow() <= event.ends_at + FEEDBACK_WINDOW
    )


def send_feedback_forms(event_id: int, *, by: User | None = None) -> int:
    """An organiser sends the form now (from the start of the event), e.g. at the end of the
    evening. Returns how many were queued."""
    _require_staff(by)
    event = get_event(event_id)
    if event.is_cancelled:
        raise AttendanceError(None, _("This event is cancelled."))
    if not has_started(event):
        raise AttendanceError(None, _("The form can be sent once the event has started."))
    if utcnow() > event.ends_at + FEEDBACK_WINDOW:
        raise AttendanceError(None, _("This form closed a month after the event."))
    queued = _close(event)
    db.session.commit()
    return queued
