"""Events: creating and editing them, who sees them, their calendar entry, and the mail that
goes to invitees when the date or venue changes or the event is cancelled.

The guest list lives in :mod:`matchmaker.services.event_guests`, invitations and answers in
:mod:`matchmaker.services.event_invitations`, the day itself and what follows in
:mod:`matchmaker.services.event_attendance`, the figures in
:mod:`matchmaker.services.event_figures`.

Times are entered and shown in Europe/Paris and stored in UTC: :func:`from_paris` and
:func:`to_paris` convert at the edges.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from matchmaker.database import is_postgresql
from matchmaker.domain import FocusArea, Role
from matchmaker.extensions import db
from matchmaker.mail import enqueue
from matchmaker.mail.calendar import CalendarEvent, ics_attachment
from matchmaker.models import (
    Event,
    EventKind,
    Invitation,
    InvitationState,
    MailCategory,
    OutboxMessage,
    OutboxStatus,
    Person,
    User,
    utcnow,
)
from matchmaker.models.events import PLACE_STATES
from matchmaker.security import TokenError, make_recipient_token, read_recipient_token
from matchmaker.services.tags import commit_retrying_new_tags, resolve_tags
from matchmaker.text import tidy_spaces
from matchmaker.urls import absolute_url

PARIS = ZoneInfo("Europe/Paris")
TITLE_MAX = 200
THEME_MAX = 5_000
VENUE_MAX = 200
ADDRESS_MAX = 1_000
CAPACITY_MAX = 10_000
LONGEST_EVENT = timedelta(days=14)
DEFAULT_DURATION = timedelta(hours=3)
REMINDER_DAYS_MAX = 30

RSVP_PURPOSE = "event-rsvp"
FEEDBACK_PURPOSE = "event-feedback"
# Links stay valid until the event ends (RSVP) or a month after (feedback); max_age is a bound.
LINK_MAX_AGE = 400 * 24 * 3600
FEEDBACK_WINDOW = timedelta(days=30)

# People who were sent something about the event and should hear about changes to it.
INFORMED_STATES = frozenset(
    {
        InvitationState.INVITED,
        InvitationState.YES,
        InvitationState.MAYBE,
        InvitationState.WAITLISTED,
    }
)
# Those who told us they intend to come (or wait for a place): mail about their answer is
# part of what they asked for, so it is sent even if they turned invitations off.
COMMITTED_STATES = frozenset(
    {InvitationState.YES, InvitationState.MAYBE, InvitationState.WAITLISTED}
)


class EventError(ValueError):
    """A rule the data breaks; ``field`` names the form field the message belongs to."""

    def __init__(self, field_name: str | None, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


class EventNotFound(LookupError):
    pass


class LinkError(Exception):
    """An emailed link that is forged, altered, expired, or not for this event."""


# --- Time ------------------------------------------------------------------------------------


def from_paris(value: datetime) -> datetime:
    """A Paris wall-clock time (naive) as UTC; aware values are converted as they are.

    Raises :class:`EventError` for a time that does not exist in Paris (the hour skipped when
    clocks go forward).
    """
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    aware = value.replace(tzinfo=PARIS)
    if aware.astimezone(UTC).astimezone(PARIS).replace(tzinfo=None) != value:
        raise EventError(
            None, _("%(time)s does not exist in Paris: clocks go forward then.", time=value)
        )
    return aware.astimezone(UTC)


def to_paris(value: datetime) -> datetime:
    """A stored UTC time as a naive Paris wall-clock time (for form fields)."""
    return value.astimezone(PARIS).replace(tzinfo=None)


# --- Reading ---------------------------------------------------------------------------------


def get_event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise EventNotFound(event_id)
    return event


def can_manage_events(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_organiser)


def staff_people() -> list[Person]:
    """The people who may be named organisers of an event: the cluster's staff accounts."""
    return list(
        db.session.scalars(
            select(Person)
            .join(User, Person.user_id == User.id)
            .where(User.role.in_([Role.ORGANISER.value, Role.ADMIN.value]))
            .order_by(Person.full_name, Person.id)
        )
    )


def can_view_event(user, event: Event) -> bool:
    """Organisers see every event; members those open to registration and those they were
    invited to (an invitation-only guest list is the organisers' business)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_organiser or event.registration_open:
        return True
    person = user.person
    if person is None:
        return False
    invitation = invitation_of(event.id, person.id)
    return invitation is not None and invitation.state not in (
        InvitationState.PROPOSED,
        InvitationState.LOCKED,
        InvitationState.EXCLUDED,
    )


def upcoming_events_for(person: Person | None, now: datetime | None = None) -> list[Event]:
    """Upcoming events a member sees (cancelled ones included, so they learn of it)."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.ends_at >= now, members_events_filter(person))
            .order_by(Event.starts_at, Event.id)
        )
    )


def all_events() -> list[Event]:
    """For organisers: upcoming first (soonest first), then past ones (latest first)."""
    now = utcnow()
    events = db.session.scalars(select(Event).order_by(Event.starts_at, Event.id)).all()
    upcoming = [e for e in events if e.ends_at >= now]
    past = [e for e in events if e.ends_at < now]
    return upcoming + list(reversed(past))


def invitation_of(event_id: int, person_id: int) -> Invitation | None:
    return db.session.scalar(
        select(Invitation).where(
            Invitation.event_id == event_id, Invitation.person_id == person_id
        )
    )


def places_taken(event_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Invitation)
        .where(
            Invitation.event_id == event_id,
            Invitation.state.in_([s.value for s in PLACE_STATES]),
        )
    ) or 0


def has_started(event: Event, now: datetime | None = None) -> bool:
    return (now or utcnow()) >= event.starts_at


def has_ended(event: Event, now: datetime | None = None) -> bool:
    return (now or utcnow()) >= event.ends_at


# --- Writing ---------------------------------------------------------------------------------


@dataclass
class EventData:
    title: str
    starts_at: datetime  # aware
    ends_at: datetime | None = None  # aware; default: DEFAULT_DURATION after the start
    kind: str = EventKind.AFTERWORK.value
    theme: str = ""
    focus_areas: list[str] = field(default_factory=list)
    tag_labels: list[str] = field(default_factory=list)
    venue: str = ""
    address: str = ""
    capacity: int | None = 70
    private_share: float | None = 0.5  # 0..1
    registration_open: bool = False
    organiser_ids: list[int] = field(default_factory=list)
    reminder_days_before: int | None = 2


def validate_event(data: EventData, existing: Event | None = None) -> None:
    """The rules that hold whoever writes an event (form, command, demo)."""
    if data.kind not in {kind.value for kind in EventKind}:
        raise EventError("kind", _("Choose afterwork, congress or workshop."))
    if not tidy_spaces(data.title):
        raise EventError("title", _("Enter the event's title."))
    if len(tidy_spaces(data.title)) > TITLE_MAX:
        raise EventError("title", _("At most %(max)d characters.", max=TITLE_MAX))
    if len(data.theme or "") > THEME_MAX:
        raise EventError("theme", _("At most %(max)d characters.", max=THEME_MAX))
    if set(data.focus_areas) - {area.value for area in FocusArea}:
        raise EventError("focus_areas", _("Choose focus areas from the list."))
    if data.starts_at is None:
        raise EventError("starts_at", _("Enter when the event starts."))
    if data.starts_at.tzinfo is None or (data.ends_at and data.ends_at.tzinfo is None):
        raise ValueError("event times must be aware datetimes")
    ends_at = data.ends_at or data.starts_at + DEFAULT_DURATION
    if ends_at <= data.starts_at:
        raise EventError("ends_at", _("The event must end after it starts."))
    if ends_at - data.starts_at > LONGEST_EVENT:
        raise EventError(
            "ends_at", _("An event lasts at most %(days)d days.", days=LONGEST_EVENT.days)
        )
    if len(tidy_spaces(data.venue)) > VENUE_MAX:
        raise EventError("venue", _("At most %(max)d characters.", max=VENUE_MAX))
    if len((data.address or "").strip()) > ADDRESS_MAX:
        raise EventError("address", _("At most %(max)d characters.", max=ADDRESS_MAX))
    if data.capacity is None or not 1 <= data.capacity <= CAPACITY_MAX:
        raise EventError(
            "capacity",
            _("Enter a capacity between 1 and %(max)d people.", max=CAPACITY_MAX),
        )
    if data.private_share is None or not 0.0 <= data.private_share <= 1.0:
        raise EventError("private_share", _("Enter a share between 0 and 100 %."))
    if data.reminder_days_before is not None and not (
        0 <= data.reminder_days_before <= REMINDER_DAYS_MAX
    ):
        raise EventError(
            "reminder_days_before",
            _("Enter a number of days between 0 and %(max)d.", max=REMINDER_DAYS_MAX),
        )
    staff = {person.id for person in staff_people()}
    if set(data.organiser_ids) - staff:
        raise EventError("organiser_ids", _("Choose organisers among the cluster's staff."))
    if existing is not None:
        taken = places_taken(existing.id)
        if data.capacity < taken:
            raise EventError(
                "capacity",
                _(
                    "%(num)d people already have a place: the capacity cannot be lower.",
                    num=taken,
                ),
            )


def _apply(event: Event, data: EventData) -> None:
    event.kind = data.kind
    event.title = tidy_spaces(data.title)
    event.theme = (data.theme or "").strip()
    event.focus_areas = list(dict.fromkeys(data.focus_areas))
    event.tags = resolve_tags(data.tag_labels)
    event.starts_at = data.starts_at.astimezone(UTC)
    event.ends_at = (data.ends_at or data.starts_at + DEFAULT_DURATION).astimezone(UTC)
    event.venue = tidy_spaces(data.venue)
    event.address = (data.address or "").strip()
    event.capacity = int(data.capacity or 1)
    event.private_share = float(data.private_share if data.private_share is not None else 0.5)
    event.registration_open = bool(data.registration_open)
    event.reminder_days_before = data.reminder_days_before
    event.organisers = (
        list(db.session.scalars(select(Person).where(Person.id.in_(data.organiser_ids))))
        if data.organiser_ids
        else []
    )


def new_calendar_uid() -> str:
    domain = current_app.config["MAIL_MESSAGE_ID_DOMAIN"]
    return f"event-{uuid.uuid4().hex}@{domain}"


def create_event_in_session(data: EventData, *, by: User | None = None) -> Event:
    """Add the event to the session (for callers that own the transaction, like the demo)."""
    validate_event(data)
    event = Event(title="", calendar_uid=new_calendar_uid(), created_by_id=by.id if by else None)
    _apply(event, data)  # before adding it: resolving tags queries, and would flush it half-made
    db.session.add(event)
    return event


def create_event(data: EventData, *, by: User | None = None) -> Event:
    """An organiser (or the command line, ``by=None``) creates an event. One commit."""
    if by is not None and not can_manage_events(by):
        raise PermissionError("only organisers create events")
    validate_event(data)
    return commit_retrying_new_tags(lambda: create_event_in_session(data, by=by))


@dataclass(frozen=True)
class EventUpdated:
    event: Event
    details_changed: bool
    notified: int
    promoted: int


def update_event(event_id: int, data: EventData, *, by: User) -> EventUpdated:
    """Save the event; a new date, time or place is mailed to invitees (same calendar entry,
    higher SEQUENCE); more places go to the waitlist."""
    from matchmaker.services.event_invitations import fill_free_places

    if not can_manage_events(by):
        raise PermissionError("only organisers edit events")

    def work() -> EventUpdated:
        event = lock_event(event_id)
        if event.is_cancelled:
            raise EventError(None, _("This event is cancelled: it can no longer be changed."))
        validate_event(data, existing=event)
        before = _practical_details(event)
        _apply(event, data)
        changed = _practical_details(event) != before
        notified = 0
        if changed and not has_ended(event):
            event.revision += 1
            notified = _send_update(event)
        promoted = fill_free_places(event)
        return EventUpdated(event, changed, notified, len(promoted))

    return commit_retrying_new_tags(work)


def _practical_details(event: Event) -> tuple:
    return (event.starts_at, event.ends_at, event.venue, event.address)


def cancel_event(event_id: int, *, by: User) -> int:
    """Cancel the event: invitations not sent yet are dropped, everyone already invited gets a
    cancellation (METHOD:CANCEL, same UID, higher SEQUENCE). Returns how many were mailed."""
    if not can_manage_events(by):
        raise PermissionError("only organisers cancel events")
    event = lock_event(event_id)
    if event.is_cancelled:
        db.session.rollback()
        raise EventError(None, _("This event is already cancelled."))
    if has_ended(event):
        db.session.rollback()
        raise EventError(None, _("This event is over: it can no longer be cancelled."))
    event.cancelled_at = utcnow()
    event.revision += 1
    mailed = 0
    for invitation in _informed_invitations(event):
        if _drop_unsent_invitation(invitation):
            continue
        if mail_guest(
            invitation,
            "event_cancelled",
            dedupe=f"event:{event.id}:cancel:{invitation.person_id}",
            method="CANCEL",
        ):
            mailed += 1
    db.session.commit()
    return mailed


# --- Locking ---------------------------------------------------------------------------------


def lock_event(event_id: int) -> Event:
    """Start a write transaction that owns the event until commit: counting places and giving
    one out cannot interleave with another answer.

    PostgreSQL: the event row is locked (``SELECT … FOR UPDATE``). SQLite has no row locks
    but one writer at a time: ``BEGIN IMMEDIATE`` takes the write lock before anything is
    read, so the count is read by the only writer.
    """
    if is_postgresql(db.engine):
        event = db.session.scalar(
            select(Event)
            .where(Event.id == event_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    else:
        connection = db.session.connection()
        dbapi = connection.connection.driver_connection
        if not dbapi.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        event = db.session.scalar(
            select(Event).where(Event.id == event_id).execution_options(populate_existing=True)
        )
    if event is None:
        db.session.rollback()
        raise EventNotFound(event_id)
    return event


# --- Calendar and mail -----------------------------------------------------------------------


def location_of(event: Event) -> str:
    address = " ".join((event.address or "").split())
    return ", ".join(part for part in (event.venue, address) if part)


def calendar_entry(
    event: Event, *, attendee: Person | None = None, method: str = "REQUEST"
) -> CalendarEvent:
    organiser = event.organisers[0] if event.organisers else None
    return CalendarEvent(
        uid=event.calendar_uid,
        sequence=event.revision,
        start=event.starts_at,
        end=event.ends_at,
        summary=event.title,
        location=location_of(event),
        description=event.theme,
        url=absolute_url("events.show", event_id=event.id),
        organiser_email=organiser.email if organiser else None,
        organiser_name=organiser.full_name if organiser else "",
        attendee_email=attendee.email if attendee else None,
        attendee_name=attendee.full_name if attendee else "",
        method=method,
        status="CANCELLED" if method == "CANCEL" else None,
    )


def rsvp_token(invitation: Invitation) -> str:
    event = invitation.event
    return make_recipient_token(
        RSVP_PURPOSE,
        invitation.person_id,
        expires_at=event.ends_at,
        event=event.id,
        invitation=invitation.id,
    )


def feedback_token(invitation: Invitation) -> str:
    event = invitation.event
    return make_recipient_token(
        FEEDBACK_PURPOSE,
        invitation.person_id,
        expires_at=event.ends_at + FEEDBACK_WINDOW,
        event=event.id,
        invitation=invitation.id,
    )


def invitation_from_token(purpose: str, event_id: int, token: str) -> Invitation:
    """The invitation an emailed link was made for: the same person, the same event."""
    try:
        claims = read_recipient_token(purpose, token, LINK_MAX_AGE)
    except TokenError as exc:
        if exc.expired:
            raise LinkError(_("This link has expired.")) from exc
        raise LinkError(_("This link is not valid.")) from exc
    invitation = db.session.get(Invitation, claims.data.get("invitation"))
    if (
        invitation is None
        or claims.data.get("event") != event_id
        or invitation.event_id != event_id
        or invitation.person_id != claims.person_id
    ):
        raise LinkError(_("This link is not valid."))
    return invitation


def mail_context(invitation: Invitation) -> dict:
    event = invitation.event
    token = rsvp_token(invitation)
    return {
        "event": event,
        "invitation": invitation,
        "location": location_of(event),
        "event_url": absolute_url("events.show", event_id=event.id),
        "rsvp_url": absolute_url("events.rsvp", event_id=event.id, token=token),
        "answer_urls": {
            answer: absolute_url("events.rsvp", event_id=event.id, token=token, answer=answer)
            for answer in ("yes", "no", "maybe")
        },
    }


def mail_guest(
    invitation: Invitation,
    template: str,
    *,
    dedupe: str,
    method: str | None = "REQUEST",
    send_after: datetime | None = None,
    context: dict | None = None,
) -> OutboxMessage | None:
    """Queue one mail about the event to one guest, with the calendar entry when ``method``."""
    person = invitation.person
    category = (
        MailCategory.TRANSACTIONAL
        if invitation.state in COMMITTED_STATES
        else MailCategory.INVITATIONS
    )
    attachments = (
        [ics_attachment(calendar_entry(invitation.event, attendee=person, method=method))]
        if method
        else None
    )
    return enqueue(
        template=template,
        person=person,
        category=category,
        context={**mail_context(invitation), **(context or {})},
        dedupe_key=dedupe,
        send_after=send_after,
        attachments=attachments,
    )


def queued_keys(prefix: str) -> set[str]:
    """Dedupe keys already in the outbox under ``prefix``: who was already sent (or will be
    sent) a given mail, so that a job run twice counts only what it adds."""
    return set(
        db.session.scalars(
            select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like(prefix + "%"))
        )
    )


def _informed_invitations(event: Event, *, declined: bool = False) -> list[Invitation]:
    """Invitees who were told about the event (and those who declined, with ``declined``)."""
    states = [s.value for s in INFORMED_STATES]
    if declined:
        states.append(InvitationState.NO.value)
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.event_id == event.id, Invitation.state.in_(states))
            .options(selectinload(Invitation.person).selectinload(Person.user))
            .order_by(Invitation.id)
        )
    )


def invitation_dedupe_key(invitation: Invitation) -> str:
    return f"event:{invitation.event_id}:invite:{invitation.person_id}:r{invitation.event.revision}"


def pending_invitation_mail(invitation: Invitation) -> OutboxMessage | None:
    """The invitation mail of this guest still waiting in the outbox, if any."""
    prefix = f"event:{invitation.event_id}:invite:{invitation.person_id}:r"
    return db.session.scalar(
        select(OutboxMessage)
        .where(
            OutboxMessage.dedupe_key.like(prefix + "%"),
            OutboxMessage.status == OutboxStatus.PENDING.value,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


def _drop_unsent_invitation(invitation: Invitation) -> OutboxMessage | None:
    """Cancel the guest's invitation mail if it has not gone yet; returns it when it had not."""
    from matchmaker.mail.labels import REASON_CANCELLED

    pending = pending_invitation_mail(invitation)
    if pending is not None and invitation.answer is None:
        pending.status = OutboxStatus.CANCELLED.value
        pending.last_error = REASON_CANCELLED
        return pending
    return None


def _send_update(event: Event) -> int:
    """After a change of date or place: invitations still waiting are rewritten, the others
    get an update (those who declined too: the new date may suit them). Returns how many
    updates were queued."""
    sent = 0
    for invitation in _informed_invitations(event, declined=True):
        pending = _drop_unsent_invitation(invitation)
        if pending is not None:
            message = mail_guest(
                invitation,
                "event_invitation",
                dedupe=invitation_dedupe_key(invitation),
                send_after=pending.send_after,
            )
            invitation.emailed = message is not None
            continue
        if mail_guest(
            invitation,
            "event_update",
            dedupe=f"event:{event.id}:update:{event.revision}:{invitation.person_id}",
        ):
            sent += 1
    return sent


def members_events_filter(person: Person | None):
    """Events a member's own page lists: open ones, and those they are invited to."""
    clauses = [Event.registration_open.is_(True)]
    if person is not None:
        clauses.append(
            Event.id.in_(
                select(Invitation.event_id).where(
                    Invitation.person_id == person.id,
                    Invitation.state.not_in(
                        [
                            InvitationState.PROPOSED.value,
                            InvitationState.LOCKED.value,
                            InvitationState.EXCLUDED.value,
                        ]
                    ),
                )
            )
        )
    return or_(*clauses)
