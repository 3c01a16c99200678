"""What each event achieved, for its organiser page and the funders' dashboard.

All figures are queries over invitations, feedback and Connections: nothing is counted by
hand. :func:`figures_for_events` computes many events at once (a few queries in all);
:func:`event_figures` is the single-event shortcut.

Definitions:

* ``invited`` — invitations sent or scheduled, self-registrations included (walk-ins are
  not: they came without one);
* ``said_yes`` — people who got a place by answering yes (waitlisted ones who never got one
  are not counted);
* ``came`` — checked in (walk-ins included); ``show_up_rate`` = invited people who came ÷
  invited (what the guest-list sizing learns from);
* ``newcomers`` — people who came for the first time to any event of the cluster;
* ``new_connections`` — Connections recorded via this event ("who did you meet?").

With a ``region`` (one of the cluster's regions or "other", as
:func:`matchmaker.domain.cluster_region` counts), every figure is about the guests whose
organisation is in that region, and the connections one of them made.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select

from matchmaker.domain import OrganisationKind, cluster_region, cluster_region_is
from matchmaker.extensions import db
from matchmaker.models import (
    Connection,
    ConnectionVia,
    Event,
    EventFeedback,
    Invitation,
    InvitationState,
    Organisation,
    Person,
    utcnow,
)

# Figures counted invitation by invitation (the others come from their own queries).
COUNTED = (
    "invited",
    "said_yes",
    "said_no",
    "said_maybe",
    "waitlisted",
    "no_answer",
    "came",
    "came_invited",
    "walk_ins",
    "no_shows",
    "came_private",
    "came_public",
    "newcomers",
)


@dataclass(frozen=True)
class EventFigures:
    event_id: int
    over: bool = False  # the event has ended: attendance figures are final
    invited: int = 0
    said_yes: int = 0
    said_no: int = 0
    said_maybe: int = 0
    waitlisted: int = 0
    no_answer: int = 0
    came: int = 0
    came_invited: int = 0  # of those who came, how many had been invited
    walk_ins: int = 0
    no_shows: int = 0
    came_private: int = 0
    came_public: int = 0
    came_by_region: tuple[tuple[str, int], ...] = ()
    newcomers: int = 0
    new_connections: int = 0
    feedback_answers: int = 0
    follow_up_wishes: int = 0

    @property
    def show_up_rate(self) -> float | None:
        """Invited people who came ÷ invited, once the event is over."""
        return self.came_invited / self.invited if self.invited and self.over else None

    @property
    def private_share_came(self) -> float | None:
        known = self.came_private + self.came_public
        return self.came_private / known if known else None


def figures_for_events(events: Iterable[Event], *, region: str = "") -> dict[int, EventFigures]:
    """Figures of many events at once, keyed by event id; only the guests of ``region``
    when one is given."""
    events = list(events)
    ids = [event.id for event in events]
    if not ids:
        return {}
    guests = (
        select(
            Invitation.event_id,
            Invitation.person_id,
            Invitation.state,
            Invitation.answer,
            Invitation.invited_at,
            Organisation.kind,
            Organisation.region,
        )
        .join(Person, Person.id == Invitation.person_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(Invitation.event_id.in_(ids))
    )
    connections_made = select(Connection.source_ref, func.count()).where(
        Connection.via == ConnectionVia.EVENT.value, Connection.source_ref.in_(ids)
    )
    feedback_given = select(
        EventFeedback.event_id,
        func.count(),
        func.sum(case((EventFeedback.wants_follow_up.is_(True), 1), else_=0)),
    ).where(EventFeedback.event_id.in_(ids))
    if region:
        guests = guests.where(cluster_region_is(Organisation.region, region))
        people_of_region = (
            select(Person.id)
            .outerjoin(Organisation, Organisation.id == Person.organisation_id)
            .where(cluster_region_is(Organisation.region, region))
        )
        connections_made = connections_made.where(
            or_(
                and_(Connection.a_kind == "person", Connection.a_id.in_(people_of_region)),
                and_(Connection.b_kind == "person", Connection.b_id.in_(people_of_region)),
            )
        )
        feedback_given = feedback_given.where(EventFeedback.person_id.in_(people_of_region))
    rows = db.session.execute(guests).all()
    first_came = _first_attendance()
    counts: dict[int, Counter] = defaultdict(Counter)
    regions: dict[int, Counter] = defaultdict(Counter)
    for event_id, person_id, state, answer, invited_at, kind, region in rows:
        c = counts[event_id]
        invited = invited_at is not None
        if invited:
            c["invited"] += 1
            if state == InvitationState.INVITED:
                c["no_answer"] += 1
        if answer == "yes" and state != InvitationState.WAITLISTED:
            c["said_yes"] += 1
        if state == InvitationState.NO:
            c["said_no"] += 1
        if state == InvitationState.MAYBE:
            c["said_maybe"] += 1
        if state == InvitationState.WAITLISTED:
            c["waitlisted"] += 1
        if state == InvitationState.NO_SHOW:
            c["no_shows"] += 1
        if state == InvitationState.CAME:
            c["came"] += 1
            if invited:
                c["came_invited"] += 1
            else:
                c["walk_ins"] += 1
            if kind is not None:
                c["came_" + OrganisationKind(kind).sector.value] += 1
                regions[event_id][cluster_region(region)] += 1
            if first_came.get(person_id) == event_id:
                c["newcomers"] += 1
    connections = dict(
        db.session.execute(connections_made.group_by(Connection.source_ref)).all()
    )
    feedback = {
        event_id: (answers, wishes or 0)
        for event_id, answers, wishes in db.session.execute(
            feedback_given.group_by(EventFeedback.event_id)
        ).all()
    }
    now = utcnow()
    over = {event.id: event.ends_at <= now for event in events}
    result = {}
    for event_id in ids:
        c = counts[event_id]
        answers, wishes = feedback.get(event_id, (0, 0))
        result[event_id] = EventFigures(
            event_id=event_id,
            over=over[event_id],
            came_by_region=tuple(sorted(regions[event_id].items())),
            **{name: c[name] for name in COUNTED},
            new_connections=int(connections.get(event_id, 0)),
            feedback_answers=int(answers),
            follow_up_wishes=int(wishes),
        )
    return result


def event_figures(event: Event) -> EventFigures:
    return figures_for_events([event])[event.id]


def _first_attendance() -> dict[int, int]:
    """Each person's first event they came to (by start, then id)."""
    rows = db.session.execute(
        select(Invitation.person_id, Invitation.event_id)
        .join(Event, Event.id == Invitation.event_id)
        .where(Invitation.state == InvitationState.CAME.value, Event.cancelled_at.is_(None))
        .order_by(Event.starts_at, Event.id)
    ).all()
    first: dict[int, int] = {}
    for person_id, event_id in rows:
        first.setdefault(person_id, event_id)
    return first
