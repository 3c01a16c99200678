"""Demo step for events: a year of afterworks and last year's congress, with invitations,
answers, attendance and the connections attendees recorded, and an upcoming afterwork whose
guest list the generator proposed and whose invitations are out.

No mail is queued: the demo's invitations are history, not messages to send.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from matchmaker.demo.generator import MEMBER_EMAIL, ORGANISER_EMAIL
from matchmaker.demo.steps import DemoContext, demo_step
from matchmaker.domain import FocusArea
from matchmaker.extensions import db
from matchmaker.models import (
    Answer,
    Connection,
    ConnectionVia,
    Event,
    EventFeedback,
    EventKind,
    Invitation,
    InvitationSource,
    InvitationState,
    PartyKind,
    Person,
    ordered_pair,
)
from matchmaker.services.event_guests import GuestListOptions, generate_in_session
from matchmaker.services.events import PARIS, EventData, create_event_in_session


@dataclass(frozen=True)
class DemoEvent:
    key: str
    kind: str
    title: str
    theme: str
    focus_areas: tuple[str, ...]
    tags: tuple[str, ...]
    days_from_today: int
    start: time
    hours: int
    venue: str
    address: str
    capacity: int
    invited: int
    registration_open: bool = False


PAST_EVENTS = (
    DemoEvent(
        "afterwork-immunotherapy",
        EventKind.AFTERWORK,
        "Afterwork immunothérapie : de la paillasse à la clinique",
        "Anticorps, cellules CAR-T et vaccins thérapeutiques : chercheurs, cliniciens et "
        "entreprises se rencontrent pour lancer des projets collaboratifs.",
        (FocusArea.IMMUNOTHERAPY,),
        ("immunotherapy", "monoclonal antibodies", "CAR-T"),
        -320,
        time(18, 30),
        3,
        "Halle 6 Ouest",
        "42 rue la Noue Bras de Fer, 44200 Nantes",
        70,
        100,
    ),
    DemoEvent(
        "congress-bioproduction-last-year",
        EventKind.CONGRESS,
        "Congrès annuel de la bioproduction",
        "Produire les biothérapies en France : procédés, bioréacteurs, BPF, capacités des CDMO "
        "et plateformes académiques.",
        (FocusArea.BIOPRODUCTION,),
        ("bioproduction", "bioprocess", "GMP"),
        -290,
        time(9, 0),
        9,
        "Centre de congrès Le Vinci",
        "26 boulevard Heurteloup, 37000 Tours",
        160,
        225,
    ),
    DemoEvent(
        "afterwork-radiopharmaceuticals",
        EventKind.AFTERWORK,
        "Afterwork radiopharmaceutiques",
        "Radiochimie, imagerie TEP et radiothérapie interne vectorisée : du cyclotron aux "
        "essais cliniques.",
        (FocusArea.RADIOPHARMACEUTICALS,),
        ("radiopharmaceuticals", "PET imaging"),
        -200,
        time(18, 30),
        3,
        "Le Lieu Unique",
        "2 rue de la Biscuiterie, 44000 Nantes",
        70,
        100,
    ),
    DemoEvent(
        "afterwork-regenerative-medicine",
        EventKind.AFTERWORK,
        "Afterwork médecine régénératrice et thérapie cellulaire",
        "Thérapies cellulaires et géniques, biomatériaux : partager plateformes, savoir-faire "
        "et besoins pour monter des projets.",
        (FocusArea.REGENERATIVE_MEDICINE,),
        ("cell therapy", "gene therapy"),
        -110,
        time(18, 30),
        3,
        "Le Village by CA",
        "14 rue de Bouillé, 35000 Rennes",
        70,
        100,
    ),
    DemoEvent(
        "afterwork-digital-health",
        EventKind.AFTERWORK,
        "Afterwork santé numérique et IA",
        "Données de santé, intelligence artificielle et jumeaux numériques au service des "
        "thérapies innovantes.",
        (FocusArea.DIGITAL_HEALTH,),
        ("artificial intelligence", "digital health"),
        -40,
        time(18, 30),
        3,
        "Mame, cité de la création",
        "49 boulevard Preuilly, 37000 Tours",
        70,
        100,
    ),
)

UPCOMING = DemoEvent(
    "afterwork-bioproduction-upcoming",
    EventKind.AFTERWORK,
    "Afterwork bioproduction : du développement de procédé à la production BPF",
    "Bioréacteurs, développement de procédés, analytique et production sous BPF : "
    "rapprocher les plateformes académiques, les CDMO et les start-up qui ont besoin de "
    "produire leurs lots cliniques.",
    (FocusArea.BIOPRODUCTION,),
    ("bioproduction", "process development", "bioreactors"),
    21,
    time(18, 30),
    3,
    "Halle 6 Ouest",
    "42 rue la Noue Bras de Fer, 44200 Nantes",
    70,
    0,
)

OPEN_WORKSHOP = DemoEvent(
    "workshop-regulatory-upcoming",
    EventKind.WORKSHOP,
    "Atelier : préparer un dossier réglementaire de thérapie innovante",
    "Exigences des agences pour les médicaments de thérapie innovante, essais précoces et "
    "qualité : un atelier ouvert à tous les membres, start-up et laboratoires.",
    (FocusArea.REGENERATIVE_MEDICINE, FocusArea.IMMUNOTHERAPY),
    ("regulatory affairs", "clinical trials"),
    45,
    time(14, 0),
    3,
    "Maison de la Recherche",
    "Rue Georges Bernanos, 44300 Nantes",
    30,
    0,
    registration_open=True,
)

NOTES = (
    "Idée de projet commun sur la montée en échelle : à relancer en janvier.",
    "Would like an introduction to the CDMO we discussed for clinical batches.",
    "Échange très utile sur l'accès à la plateforme d'analytique.",
    "Interested in co-applying to the next regional call with the lab I met.",
)


def _starts_at(today: date, spec: DemoEvent) -> datetime:
    day = today + timedelta(days=spec.days_from_today)
    return datetime.combine(day, spec.start, tzinfo=PARIS).astimezone(UTC)


def _event(context: DemoContext, spec: DemoEvent, organiser: Person | None) -> Event | None:
    external_id = f"demo-event-{spec.key}"
    if db.session.scalar(select(Event.id).where(Event.external_id == external_id)):
        return None
    starts_at = _starts_at(context.today, spec)
    event = create_event_in_session(
        EventData(
            kind=spec.kind,
            title=spec.title,
            theme=spec.theme,
            focus_areas=list(spec.focus_areas),
            tag_labels=list(spec.tags),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=spec.hours),
            venue=spec.venue,
            address=spec.address,
            capacity=spec.capacity,
            private_share=0.5,
            registration_open=spec.registration_open,
            organiser_ids=[organiser.id] if organiser else [],
        )
    )
    event.external_id = external_id
    event.calendar_uid = f"{external_id}@demo.matchmaker.localhost"
    db.session.flush()
    context.count(_("events"))
    return event


def _answer(roll: float, *, yes: float, no: float, maybe: float) -> Answer | None:
    if roll < yes:
        return Answer.YES
    if roll < yes + no:
        return Answer.NO
    if roll < yes + no + maybe:
        return Answer.MAYBE
    return None


def _balanced_sample(rng: random.Random, people: list[Person], n: int) -> list[Person]:
    private = [p for p in people if p.organisation.sector == "private"]
    public = [p for p in people if p.organisation.sector == "public"]
    half = min(n // 2, len(private), len(public))
    return rng.sample(private, half) + rng.sample(public, min(n - half, len(public)))


def _play_past_event(
    context: DemoContext, rng: random.Random, event: Event, spec: DemoEvent, people: list[Person]
) -> None:
    """Invitations three weeks before, answers, the door, and the feedback form."""
    invited_at = event.starts_at - timedelta(days=21)
    invitees = _balanced_sample(rng, people, spec.invited)
    # The demo member went to two of the afterworks, so their own pages have a history.
    member = next((p for p in people if p.user.email == MEMBER_EMAIL), None)
    if member is not None and spec in PAST_EVENTS[2::2] and member not in invitees:
        invitees[-1] = member
    places = 0
    came: list[Person] = []
    for person in invitees:
        invitation = Invitation(
            event_id=event.id,
            person_id=person.id,
            source=InvitationSource.GENERATED.value,
            emailed=True,
            invited_at=invited_at,
        )
        roll = 0.0 if person is member else rng.random()
        answer = _answer(roll, yes=0.66, no=0.18, maybe=0.06)
        if answer is not None:
            invitation.answer = answer.value
            invitation.answered_at = invited_at + timedelta(hours=rng.randint(2, 400))
        if answer == Answer.YES and places >= event.capacity:
            invitation.state = InvitationState.WAITLISTED.value
            invitation.waitlisted_at = invitation.answered_at
        elif answer == Answer.YES:
            places += 1
            showed = person is member or rng.random() < 0.86
            invitation.state = (InvitationState.CAME if showed else InvitationState.NO_SHOW).value
        elif answer == Answer.MAYBE and rng.random() < 0.3:
            invitation.state = InvitationState.CAME.value
        else:
            invitation.state = (answer or InvitationState.INVITED).value
        if invitation.state == InvitationState.CAME:
            invitation.checked_in_at = event.starts_at + timedelta(minutes=rng.randint(0, 90))
            came.append(person)
        db.session.add(invitation)
    chosen = {person.id for person in invitees}
    walk_ins = [p for p in people if p.id not in chosen]
    for person in rng.sample(walk_ins, min(4, len(walk_ins))):
        db.session.add(
            Invitation(
                event_id=event.id,
                person_id=person.id,
                source=InvitationSource.WALK_IN.value,
                state=InvitationState.CAME.value,
                checked_in_at=event.starts_at + timedelta(minutes=rng.randint(10, 120)),
            )
        )
        came.append(person)
    _record_meetings(context, rng, event, came)


def _record_meetings(
    context: DemoContext, rng: random.Random, event: Event, came: list[Person]
) -> None:
    """About 60 % of attendees answered "who did you meet?", naming mostly the other sector."""
    day = event.starts_at.astimezone(PARIS).date()
    pairs: set[tuple[tuple[str, int], tuple[str, int]]] = set()
    for person in came:
        if rng.random() > 0.6:
            continue
        others = [p for p in came if p.id != person.id]
        cross = [p for p in others if p.organisation.sector != person.organisation.sector]
        met = rng.sample(cross or others, min(rng.randint(1, 4), len(cross or others)))
        wants = rng.random() < 0.12
        db.session.add(
            EventFeedback(
                event_id=event.id,
                person_id=person.id,
                met_person_ids=sorted(p.id for p in met),
                note=rng.choice(NOTES) if wants or rng.random() < 0.1 else "",
                wants_follow_up=wants,
                submitted_at=event.ends_at + timedelta(hours=rng.randint(12, 96)),
            )
        )
        for other in met:
            me, them = (PartyKind.PERSON.value, person.id), (PartyKind.PERSON.value, other.id)
            pairs.add(ordered_pair(me, them))
    for (a_kind, a_id), (b_kind, b_id) in sorted(pairs):
        db.session.add(
            Connection(
                a_kind=a_kind,
                a_id=a_id,
                b_kind=b_kind,
                b_id=b_id,
                via=ConnectionVia.EVENT.value,
                source_ref=event.id,
                occurred_on=day,
            )
        )
    context.count(_("connections made at events"), len(pairs))


def _invite_upcoming(rng: random.Random, event: Event, member: Person | None) -> None:
    places = 0
    if member is not None and not db.session.scalar(
        select(Invitation.id).where(
            Invitation.event_id == event.id, Invitation.person_id == member.id
        )
    ):
        db.session.add(
            Invitation(
                event_id=event.id,
                person_id=member.id,
                state=InvitationState.LOCKED.value,
                source=InvitationSource.MANUAL.value,
            )
        )
        db.session.flush()
    """The generator's list went out five days ago; a first wave of answers came back."""
    invited_at = datetime.combine(
        (event.starts_at - timedelta(days=26)).astimezone(PARIS).date(), time(9), tzinfo=PARIS
    ).astimezone(UTC)
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.event_id == event.id).order_by(Invitation.id)
    ).all()
    for invitation in invitations:
        invitation.state = InvitationState.INVITED.value
        invitation.invited_at = invited_at
        invitation.emailed = True
        roll = 0.0 if member is not None and invitation.person_id == member.id else rng.random()
        answer = _answer(roll, yes=0.45, no=0.12, maybe=0.06)
        if answer is not None:
            invitation.answer = answer.value
            invitation.state = answer.value
            invitation.answered_at = invited_at + timedelta(hours=rng.randint(1, 100))
        if answer == Answer.YES:
            if places < event.capacity:
                places += 1
            else:
                invitation.state = InvitationState.WAITLISTED.value
                invitation.waitlisted_at = invitation.answered_at


@demo_step("events", order=40)
def add_events(context: DemoContext) -> None:
    db.session.flush()
    rng = context.rng("events")
    organiser = context.people.get(ORGANISER_EMAIL)
    people = sorted(
        (
            person
            for person in context.people.values()
            if person.consent_matching and person.organisation is not None
        ),
        key=lambda person: person.user.email,
    )
    for spec in context.track(PAST_EVENTS, _("Events")):
        event = _event(context, spec, organiser)
        if event is not None:
            _play_past_event(context, rng, event, spec, people)
    member = context.people.get(MEMBER_EMAIL)
    event = _event(context, UPCOMING, organiser)
    if event is not None:
        db.session.flush()
        generate_in_session(event, GuestListOptions())
        db.session.flush()
        _invite_upcoming(rng, event, member)
    workshop = _event(context, OPEN_WORKSHOP, organiser)
    if workshop is not None:
        _register(rng, workshop, people)


def _register(rng: random.Random, event: Event, people: list[Person]) -> None:
    """A few members registered themselves on the open workshop."""
    for person in rng.sample(people, min(9, len(people))):
        db.session.add(
            Invitation(
                event_id=event.id,
                person_id=person.id,
                source=InvitationSource.REGISTERED.value,
                state=InvitationState.YES.value,
                answer=Answer.YES.value,
                invited_at=event.created_at,
                answered_at=event.created_at,
            )
        )
