"""Demo step for introductions: 18 months of requests between the demo cluster's members.

Mostly startups and companies asking labs, hospitals and platforms, some the other way round;
accepted, declined, expired, withdrawn, brokered by the staff, then "we met" and "a project
started" for some, and a few still open, so that the organisers' figures (acceptance rate,
median time to answer) and every page have something true to show. The demo member has one
request waiting for their answer and one accepted.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from matchmaker.demo.generator import MEMBER_EMAIL, ORGANISER_EMAIL
from matchmaker.demo.steps import DemoContext, demo_step
from matchmaker.domain import IntroductionPurpose, IntroductionStatus, IntroductionStep, Role
from matchmaker.extensions import db
from matchmaker.models import (
    ConnectionVia,
    IntroductionEvent,
    IntroductionRequest,
    PartyKind,
    Person,
)
from matchmaker.services.connections import add_connection
from matchmaker.services.notifications import notify
from matchmaker.urls import site_path

PARIS = ZoneInfo("Europe/Paris")
HISTORY_DAYS = 540
REQUESTS = 150
OPEN_NOW = 8
EXPIRY = timedelta(days=14)

# What people write, by language; {name}, {topic} and {organisation} are filled in.
MESSAGES = {
    "en": {
        IntroductionPurpose.COLLABORATIVE_PROJECT: (
            "Hello {name}, at {organisation} we are preparing a collaborative project on "
            "{topic} and your team's work looks like the missing piece. Could we talk for "
            "half an hour in the coming weeks?"
        ),
        IntroductionPurpose.SERVICE_ACCESS: (
            "Hello {name}, we would need access to your platform for a series of experiments "
            "on {topic}. Could you tell us how to proceed and what it would cost?"
        ),
        IntroductionPurpose.LICENSING: (
            "Hello {name}, we are interested in the technology your lab developed on {topic} "
            "and would like to discuss a licence or an option."
        ),
        IntroductionPurpose.RECRUITMENT: (
            "Hello {name}, we are hiring on {topic} and would value your advice, or the "
            "names of students finishing their PhD in your team."
        ),
        IntroductionPurpose.ADVICE: (
            "Hello {name}, we have a few questions on {topic} before we commit to a method; "
            "your experience would save us months."
        ),
        IntroductionPurpose.OTHER: (
            "Hello {name}, we met briefly at a cluster afterwork and I would like to continue "
            "our conversation on {topic}."
        ),
    },
    "fr": {
        IntroductionPurpose.COLLABORATIVE_PROJECT: (
            "Bonjour {name}, chez {organisation} nous préparons un projet collaboratif sur "
            "{topic} et les travaux de votre équipe semblent être la pièce manquante. "
            "Pourrions-nous échanger une demi-heure dans les semaines qui viennent ?"
        ),
        IntroductionPurpose.SERVICE_ACCESS: (
            "Bonjour {name}, nous aurions besoin d'accéder à votre plateforme pour une série "
            "d'essais sur {topic}. Pouvez-vous nous dire comment procéder et à quel coût ?"
        ),
        IntroductionPurpose.LICENSING: (
            "Bonjour {name}, la technologie développée par votre laboratoire sur {topic} nous "
            "intéresse et nous aimerions discuter d'une licence ou d'une option."
        ),
        IntroductionPurpose.RECRUITMENT: (
            "Bonjour {name}, nous recrutons sur {topic} et votre avis nous serait précieux, "
            "ou les noms de doctorants de votre équipe en fin de thèse."
        ),
        IntroductionPurpose.ADVICE: (
            "Bonjour {name}, nous avons quelques questions sur {topic} avant de choisir une "
            "méthode ; votre expérience nous ferait gagner des mois."
        ),
        IntroductionPurpose.OTHER: (
            "Bonjour {name}, nous nous sommes croisés lors d'un afterwork du cluster et "
            "j'aimerais poursuivre notre discussion sur {topic}."
        ),
    },
}
PURPOSE_WEIGHTS = (
    (IntroductionPurpose.COLLABORATIVE_PROJECT, 40),
    (IntroductionPurpose.SERVICE_ACCESS, 25),
    (IntroductionPurpose.LICENSING, 8),
    (IntroductionPurpose.RECRUITMENT, 7),
    (IntroductionPurpose.ADVICE, 15),
    (IntroductionPurpose.OTHER, 5),
)
DECLINE_REASONS = {
    "en": ("Not the right time for us, sorry.", "This is not my field: try my colleague."),
    "fr": ("Ce n'est pas le bon moment pour nous, désolé.", "Ce n'est pas mon domaine."),
}


def _noon(day) -> datetime:
    return datetime.combine(day, time(12), tzinfo=PARIS).astimezone(UTC)


class _History:
    """Builds one request with its events and connections, at given moments."""

    def __init__(self, request: IntroductionRequest):
        self.request = request

    def step(self, step: IntroductionStep, at: datetime, actor=None, note="", private=False):
        self.request.events.append(
            IntroductionEvent(
                step=step.value,
                actor_id=actor.user_id if actor is not None else None,
                note=note,
                note_private=private,
                created_at=at,
            )
        )


def _reasons(requester: Person, recipient: Person) -> list[dict]:
    """Shared tags first, then the recipient's: what an engine would have said, roughly."""
    own = {tag.normalised for tag in requester.tags}
    shared = [tag for tag in recipient.tags if tag.normalised in own]
    others = [tag for tag in recipient.tags if tag.normalised not in own]
    reasons = []
    for rank, tag in enumerate((shared + others)[:4]):
        reasons.append(
            {
                "channel": "expertise" if tag in shared else "offer_to_need",
                "concept": None,
                "term": tag.label,
                "weight": round(0.4 / (rank + 1), 3),
            }
        )
    return reasons


def _pick_pairs(rng: random.Random, private: list[Person], public: list[Person], n: int):
    pairs: list[tuple[Person, Person]] = []
    seen: set[tuple[int, int]] = set()
    attempts = 0
    while len(pairs) < n and attempts < n * 20:
        attempts += 1
        # Four requests in five go from a company to a public lab; the rest the other way.
        if rng.random() < 0.8:
            requester, recipient = rng.choice(private), rng.choice(public)
        else:
            requester, recipient = rng.choice(public), rng.choice(private)
        key = (requester.id, recipient.id)
        if key in seen or requester.organisation_id == recipient.organisation_id:
            continue
        seen.add(key)
        pairs.append((requester, recipient))
    return pairs


def _connect(kind: str, first: int, second: int, via: ConnectionVia, ref: int, at: datetime):
    add_connection(
        (kind, first),
        (kind, second),
        via=via,
        source_ref=ref,
        occurred_on=at.astimezone(PARIS).date(),
        created_at=at,
    )


def _build(
    rng: random.Random,
    requester: Person,
    recipient: Person,
    created: datetime,
    now: datetime,
    staff: Person | None,
    outcome: IntroductionStatus | str | None = None,
) -> IntroductionRequest:
    """One request made at ``created``, told as far as ``now``; ``outcome`` forces the end
    (``"open"``: nobody answers it yet; ``"with_staff"``: the staff have not read it;
    ``"forwarded"``: the staff passed it on, no answer yet), else it is drawn."""
    purpose = rng.choices([p for p, _weight in PURPOSE_WEIGHTS], [w for _p, w in PURPOSE_WEIGHTS])[
        0
    ]
    language = requester.language if requester.language in MESSAGES else "fr"
    topic = (
        rng.choice(recipient.tags).label
        if recipient.tags
        else (recipient.position or recipient.full_name)
    )
    message = MESSAGES[language][purpose].format(
        name=recipient.full_name.split()[0],
        topic=topic,
        organisation=requester.organisation.name if requester.organisation else "",
    )
    brokered = staff is not None and (outcome in ("with_staff", "forwarded") or rng.random() < 0.12)
    request = IntroductionRequest(
        requester=requester,
        target_kind=PartyKind.PERSON.value,
        target_person=recipient,
        recipient=recipient,
        purpose=purpose.value,
        message=message,
        reasons=_reasons(requester, recipient),
        score=round(rng.uniform(0.25, 0.8), 3),
        status=IntroductionStatus.REQUESTED.value,
        needs_review=brokered,
        staff_involved=brokered,
        created_at=created,
        updated_at=created,
        expires_at=created + EXPIRY,
    )
    db.session.add(request)
    history = _History(request)
    history.step(IntroductionStep.REQUESTED, created, requester)
    delivered = created
    age = now - created
    if brokered:
        review = timedelta(hours=rng.uniform(3, 72))
        if created + review > now or outcome == "with_staff":
            return request  # still with the staff
        delivered = created + review
        history.step(IntroductionStep.FORWARDED, delivered, staff)
        request.status = IntroductionStatus.FORWARDED.value
        request.broker_id = staff.user_id
    request.delivered_at = delivered
    request.expires_at = delivered + EXPIRY
    if outcome == "forwarded":
        outcome = "open"  # forwarded, not answered yet

    outcome = (
        outcome
        or rng.choices(
            [
                IntroductionStatus.ACCEPTED,
                IntroductionStatus.DECLINED,
                IntroductionStatus.EXPIRED,
                IntroductionStatus.WITHDRAWN,
            ],
            [58, 22, 15, 5],
        )[0]
    )
    # Most answers come within days; a few near the deadline.
    answer_after = timedelta(hours=min(rng.lognormvariate(3.3, 1.0), 13 * 24))
    if outcome == "open":
        if delivered + timedelta(days=7) <= now:
            request.reminded_at = delivered + timedelta(days=7)
            history.step(IntroductionStep.REMINDED, request.reminded_at)
        return request
    if outcome in (IntroductionStatus.ACCEPTED, IntroductionStatus.DECLINED):
        answered = delivered + answer_after
        if answered > now:
            return request  # not answered yet
        request.answered_at = answered
        request.closed_at = answered
        if outcome == IntroductionStatus.DECLINED:
            language = recipient.language if recipient.language in DECLINE_REASONS else "fr"
            reason = rng.choice(DECLINE_REASONS[language])
            shared = rng.random() < 0.5
            request.status = IntroductionStatus.DECLINED.value
            request.declined_by = "recipient"
            request.decline_reason = reason
            request.decline_reason_shared = shared
            history.step(IntroductionStep.DECLINED, answered, recipient, reason, not shared)
            return request
        request.status = IntroductionStatus.ACCEPTED.value
        history.step(IntroductionStep.ACCEPTED, answered, recipient)
        db.session.flush()
        _connect(
            PartyKind.PERSON.value,
            requester.id,
            recipient.id,
            ConnectionVia.INTRODUCTION,
            request.id,
            answered,
        )
        met = answered + timedelta(days=rng.uniform(5, 40))
        if met < now and rng.random() < 0.6:
            request.status = IntroductionStatus.MET.value
            request.met_at = met
            history.step(IntroductionStep.MET, met, rng.choice((requester, recipient)))
            project = met + timedelta(days=rng.uniform(20, 120))
            if project < now and rng.random() < 0.4:
                request.status = IntroductionStatus.PROJECT_STARTED.value
                request.project_started_at = project
                history.step(
                    IntroductionStep.PROJECT_STARTED, project, rng.choice((requester, recipient))
                )
                if requester.organisation_id and recipient.organisation_id:
                    _connect(
                        PartyKind.ORGANISATION.value,
                        requester.organisation_id,
                        recipient.organisation_id,
                        ConnectionVia.COLLABORATION,
                        request.id,
                        project,
                    )
        return request
    if outcome == IntroductionStatus.WITHDRAWN and age > timedelta(days=3):
        withdrawn = delivered + timedelta(days=rng.uniform(1, 10))
        if withdrawn < now:
            request.status = IntroductionStatus.WITHDRAWN.value
            request.closed_at = withdrawn
            history.step(IntroductionStep.WITHDRAWN, withdrawn, requester)
        return request
    # No answer: a reminder after a week, then expiry after two.
    reminder = delivered + timedelta(days=7)
    if reminder <= now:
        request.reminded_at = reminder
        history.step(IntroductionStep.REMINDED, reminder)
    if request.expires_at <= now:
        request.status = IntroductionStatus.EXPIRED.value
        request.closed_at = request.expires_at
        history.step(IntroductionStep.EXPIRED, request.expires_at)
    return request


@demo_step("introductions", order=60)
def add_introductions(context: DemoContext) -> None:
    people = [p for p in context.people.values() if p.organisation is not None]
    db.session.flush()
    ids = [p.id for p in people]
    if db.session.scalar(select(exists().where(IntroductionRequest.requester_id.in_(ids)))):
        return  # loaded before
    rng = context.rng("introductions")
    members = [p for p in people if p.consent_matching and p.user.role == Role.MEMBER.value]
    private = sorted((p for p in members if p.sector == "private"), key=lambda p: p.id)
    public = sorted((p for p in members if p.sector == "public"), key=lambda p: p.id)
    if not private or not public:
        return
    staff = context.people.get(ORGANISER_EMAIL)
    now = _noon(context.today)
    member = context.people.get(MEMBER_EMAIL)

    added = 0
    pairs = _pick_pairs(rng, private, public, REQUESTS)
    for index, (requester, recipient) in enumerate(context.track(pairs, _("Introductions"))):
        if member is not None and member.id in (requester.id, recipient.id):
            continue
        if index < OPEN_NOW:
            # A few recent ones still wait: for the staff (two), for their recipient (the rest,
            # one of them forwarded by the staff).
            created = now - timedelta(days=rng.uniform(4 if index == 2 else 0.5, 12))
            outcome = ("with_staff", "with_staff", "forwarded")[index] if index < 3 else "open"
        else:
            created = now - timedelta(days=HISTORY_DAYS * rng.random() ** 1.3)
            outcome = None
        _build(rng, requester, recipient, created, now, staff, outcome)
        added += 1

    if member is not None:
        partners = [p for p in public if p.organisation_id != member.organisation_id]
        asked, asking = rng.sample(partners, 2)
        _build(rng, member, asked, now - timedelta(days=45), now, None, IntroductionStatus.ACCEPTED)
        waiting = _build(rng, asking, member, now - timedelta(days=2), now, None, "open")
        db.session.flush()
        notice = notify(
            member,
            "introduction.received",
            _l("%(name)s would like to be introduced to you.", name=asking.full_name),
            link=site_path("introductions.show", request_id=waiting.id),
        )
        notice.created_at = waiting.created_at
        added += 2
    context.count(_("introduction requests"), added)
