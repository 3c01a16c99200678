"""Invitations and answers: scheduling the mail, RSVP (by emailed link or signed in), the
waitlist, and reminders.

Places are counted and given out inside :func:`~matchmaker.services.events.lock_event`'s
write transaction, so however many people answer at once, no more say "yes" than the event
has places: the others are waitlisted, and a place freed by a decline goes to the waitlisted
person who keeps the private/public balance closest to the target (the longest waiting among
equals), who is mailed at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.mail.calendar import build_ics
from matchmaker.models import (
    Answer,
    Event,
    Invitation,
    InvitationSource,
    InvitationState,
    Person,
    User,
    utcnow,
)
from matchmaker.models.events import ANSWERABLE_STATES, DRAFT_STATES, PLACE_STATES
from matchmaker.services.events import (
    REMINDER_DAYS_MAX,
    RSVP_PURPOSE,
    EventError,
    calendar_entry,
    can_manage_events,
    has_started,
    invitation_dedupe_key,
    invitation_from_token,
    invitation_of,
    lock_event,
    mail_guest,
    pending_invitation_mail,
    places_taken,
    queued_keys,
)

# A send time this far in the past is taken as "now" (the form was filled a moment ago).
SEND_NOW_SLACK = timedelta(minutes=5)


class InvitationError(EventError):
    pass


def _fail(message: str) -> InvitationError:
    db.session.rollback()
    return InvitationError(None, message)


# --- Scheduling ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleOutcome:
    invited: int  # newly invited guests
    rescheduled: int  # invitations still waiting to go, moved to the new time
    not_emailed: int  # guests who cannot be mailed (unsubscribed, no consent)
    send_at: datetime


def schedule_invitations(
    event_id: int,
    *,
    send_at: datetime | None = None,
    reminder_days_before: int | None = None,
    by: User | None = None,
) -> ScheduleOutcome:
    """Invite everyone on the list not invited yet, by mail sent at ``send_at`` (now when
    None) with the calendar file and answer links. Invitations scheduled earlier and not sent
    yet move to the new time. ``reminder_days_before`` (None: none) sets the reminder."""
    if by is not None and not can_manage_events(by):
        raise PermissionError("only organisers send invitations")
    now = utcnow()
    if send_at is not None and send_at < now - SEND_NOW_SLACK:
        raise InvitationError("send_at", _("Choose a time in the future, or send now."))
    if reminder_days_before is not None and not 0 <= reminder_days_before <= REMINDER_DAYS_MAX:
        raise InvitationError(
            "reminder_days_before",
            _("Enter a number of days between 0 and %(max)d.", max=REMINDER_DAYS_MAX),
        )
    send_at = max(send_at or now, now)
    event = lock_event(event_id)
    if event.is_cancelled:
        raise _fail(_("This event is cancelled."))
    if has_started(event, now):
        raise _fail(_("This event has started: it is too late to invite."))
    if send_at >= event.starts_at:
        db.session.rollback()
        raise InvitationError("send_at", _("Invitations must go before the event starts."))
    event.reminder_days_before = reminder_days_before

    invited = rescheduled = not_emailed = 0
    invitations = db.session.scalars(
        select(Invitation)
        .where(Invitation.event_id == event.id)
        .options(selectinload(Invitation.person).selectinload(Person.user))
        .order_by(Invitation.rank.is_(None), Invitation.rank, Invitation.id)
    ).all()
    for invitation in invitations:
        if invitation.state in DRAFT_STATES:
            invitation.state = InvitationState.INVITED.value
            invitation.invited_at = send_at
            message = mail_guest(
                invitation,
                "event_invitation",
                dedupe=invitation_dedupe_key(invitation),
                send_after=send_at,
            )
            invitation.emailed = message is not None
            invited += 1
            not_emailed += message is None
        elif invitation.state == InvitationState.INVITED and invitation.invited_at > now:
            pending = pending_invitation_mail(invitation)
            if pending is not None:
                pending.send_after = send_at
                invitation.invited_at = send_at
                rescheduled += 1
    db.session.commit()
    return ScheduleOutcome(invited, rescheduled, not_emailed, send_at)


# --- Answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerOutcome:
    invitation: Invitation
    state: str
    promoted: list[Invitation] = field(default_factory=list)


def _check_open(event: Event) -> None:
    if event.is_cancelled:
        raise _fail(_("This event is cancelled."))
    if has_started(event):
        raise _fail(_("This event has started: answers are closed."))


def _check_can_answer(event: Event, invitation: Invitation) -> None:
    _check_open(event)
    if invitation.state not in ANSWERABLE_STATES:
        raise _fail(_("This invitation can no longer be answered."))


def _checked_answer(answer: str) -> Answer:
    try:
        return Answer(answer)
    except ValueError:
        raise InvitationError("answer", _("Answer yes, no or maybe.")) from None


def _record(event: Event, invitation: Invitation, answer: Answer) -> AnswerOutcome:
    """Record an answer inside the event's lock; a freed place goes to the waitlist."""
    now = utcnow()
    before = invitation.state
    if answer == Answer.YES:
        if before not in (InvitationState.YES, InvitationState.WAITLISTED):
            if places_taken(event.id) < event.capacity:
                invitation.state = InvitationState.YES.value
            else:
                invitation.state = InvitationState.WAITLISTED.value
                invitation.waitlisted_at = now
    else:
        invitation.state = answer.value
        invitation.waitlisted_at = None
    invitation.answer = answer.value
    invitation.answered_at = now
    db.session.flush()
    promoted = fill_free_places(event) if before == InvitationState.YES else []
    return AnswerOutcome(invitation, invitation.state, promoted)


def answer_by_link(event_id: int, token: str, answer: str) -> AnswerOutcome:
    """An invitee answers through the link in their invitation (no login). One commit."""
    answer = _checked_answer(answer)
    invitation_id = invitation_from_token(RSVP_PURPOSE, event_id, token).id
    event = lock_event(event_id)
    invitation = db.session.scalar(
        select(Invitation)
        .where(Invitation.id == invitation_id)
        .execution_options(populate_existing=True)
    )
    _check_can_answer(event, invitation)
    outcome = _record(event, invitation, answer)
    db.session.commit()
    return outcome


def answer_as_member(event_id: int, person: Person, answer: str) -> AnswerOutcome:
    """A signed-in member answers their invitation, or registers on an open event (the same
    capacity and waitlist rules). One commit."""
    answer = _checked_answer(answer)
    event = lock_event(event_id)
    invitation = db.session.scalar(
        select(Invitation)
        .where(Invitation.event_id == event_id, Invitation.person_id == person.id)
        .execution_options(populate_existing=True)
    )
    invited = invitation is not None and invitation.state not in (
        *DRAFT_STATES,
        InvitationState.EXCLUDED,
    )
    if not invited:
        if not event.registration_open:
            raise _fail(_("This event is by invitation only."))
        _check_open(event)
        if invitation is None:
            invitation = Invitation(event_id=event.id, person_id=person.id)
            db.session.add(invitation)
        invitation.state = InvitationState.INVITED.value
        invitation.source = InvitationSource.REGISTERED.value
        invitation.invited_at = utcnow()
        db.session.flush()
    _check_can_answer(event, invitation)
    was = invitation.state
    outcome = _record(event, invitation, answer)
    if (
        invitation.source == InvitationSource.REGISTERED
        and outcome.state == InvitationState.YES
        and was != InvitationState.YES
    ):
        mail_guest(
            invitation,
            "event_place_confirmed",
            dedupe=_answer_key(invitation, "registered"),
            context={"promoted": False},
        )
    db.session.commit()
    return outcome


def fill_free_places(event: Event) -> list[Invitation]:
    """Give free places to the waitlist (inside the event's lock); returns who got one."""
    if event.is_cancelled or has_started(event):
        return []
    free = event.capacity - places_taken(event.id)
    if free <= 0:
        return []
    rows = db.session.scalars(
        select(Invitation)
        .where(
            Invitation.event_id == event.id,
            Invitation.state.in_(
                [InvitationState.WAITLISTED.value, *(s.value for s in PLACE_STATES)]
            ),
        )
        .options(selectinload(Invitation.person).selectinload(Person.organisation))
    ).all()
    holders = [row for row in rows if row.state in PLACE_STATES]
    waitlist = sorted(
        (row for row in rows if row.state == InvitationState.WAITLISTED),
        key=lambda row: (row.waitlisted_at or row.answered_at or utcnow(), row.id),
    )
    private = sum(1 for row in holders if _sector(row) == "private")
    total = len(holders)
    promoted = []
    while free > 0 and waitlist:
        chosen = _most_balancing(waitlist, private, total, event.private_share)
        waitlist.remove(chosen)
        chosen.state = InvitationState.YES.value
        chosen.waitlisted_at = None
        mail_guest(
            chosen,
            "event_place_confirmed",
            dedupe=_answer_key(chosen, "promoted"),
            context={"promoted": True},
        )
        private += _sector(chosen) == "private"
        total += 1
        free -= 1
        promoted.append(chosen)
    return promoted


def _answer_key(invitation: Invitation, what: str) -> str:
    # One mail per answer: someone who declines and says yes again is told again.
    stamp = f"{invitation.answered_at:%Y%m%d%H%M%S%f}" if invitation.answered_at else "0"
    return f"event:{invitation.event_id}:{what}:{invitation.person_id}:{stamp}"


def _sector(invitation: Invitation) -> str:
    organisation = invitation.person.organisation
    return organisation.sector if organisation else ""


def _most_balancing(
    waitlist: list[Invitation], private: int, total: int, target: float
) -> Invitation:
    """The first waiting person of the sector that brings the private share nearest the
    target; among sectors equally near (or none known), the longest waiting."""

    def distance(invitation: Invitation) -> float:
        sector = _sector(invitation)
        if not sector:
            return 1.0
        return abs((private + (sector == "private")) / (total + 1) - target)

    best = min(distance(invitation) for invitation in waitlist)
    return next(invitation for invitation in waitlist if distance(invitation) <= best + 1e-9)


# --- Reminders and calendar ------------------------------------------------------------------


def send_due_reminders(now: datetime | None = None) -> int:
    """Queue the reminder of events starting within their reminder delay, to those who said
    yes before it (once each: dedupe keys). Runs from the scheduler; returns how many were
    queued."""
    now = now or utcnow()
    events = db.session.scalars(
        select(Event).where(
            Event.cancelled_at.is_(None),
            Event.starts_at > now,
            Event.reminder_days_before.is_not(None),
            Event.starts_at <= now + timedelta(days=31),
        )
    ).all()
    queued = 0
    for event in events:
        if event.starts_at - timedelta(days=event.reminder_days_before) > now:
            continue
        prefix = f"event:{event.id}:reminder:"
        already = queued_keys(prefix)
        due_at = event.starts_at - timedelta(days=event.reminder_days_before)
        invitations = db.session.scalars(
            select(Invitation)
            .where(
                Invitation.event_id == event.id,
                Invitation.state == InvitationState.YES.value,
                # Someone who said yes after the reminder time has just had the details.
                or_(Invitation.answered_at.is_(None), Invitation.answered_at <= due_at),
            )
            .options(selectinload(Invitation.person).selectinload(Person.user))
        ).all()
        for invitation in invitations:
            key = f"{prefix}{invitation.person_id}"
            if key not in already and mail_guest(invitation, "event_reminder", dedupe=key):
                queued += 1
    db.session.commit()
    return queued


def calendar_file(event: Event) -> bytes:
    """The event's ``.ics`` for the "add to my calendar" link (same UID as the invitations)."""
    method = "CANCEL" if event.is_cancelled else "REQUEST"
    return build_ics(calendar_entry(event, method=method))


def my_invitation(event_id: int, person: Person | None) -> Invitation | None:
    if person is None:
        return None
    return invitation_of(event_id, person.id)
