"""The weekly digest: new suggestions, mailed to the members who asked for it.

Once a week (``DIGEST_WEEKDAY`` at ``DIGEST_HOUR``, Europe/Paris) each member subscribed to
the digests category gets the suggestions first made to them since their previous digest;
members with nothing new get nothing. The job runs hourly: a scheduler that was down at the
digest hour catches up within the next day, and a member is mailed at most once per week
(``last_sent_at`` on their preference, and a dedupe key per week in the outbox, so a second
scheduler changes nothing).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from matchmaker.domain import Visibility
from matchmaker.extensions import db
from matchmaker.mail import enqueue
from matchmaker.models import (
    MailCategory,
    MailPreference,
    Organisation,
    PartyKind,
    Person,
    Suggestion,
    utcnow,
)
from matchmaker.services.suggestions import not_hidden_by, reason_terms
from matchmaker.urls import absolute_url

log = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
WEEK = timedelta(days=7)
CATCH_UP = timedelta(days=1)


def digest_slot(now: datetime, weekday: int, hour: int) -> datetime:
    """The latest digest time (UTC) at or before ``now``: that weekday and hour in Paris."""
    local = now.astimezone(PARIS)
    day = local.date() - timedelta(days=(local.weekday() - weekday) % 7)
    slot = datetime.combine(day, time(hour), tzinfo=PARIS)
    if slot > local:
        slot = datetime.combine(day - WEEK, time(hour), tzinfo=PARIS)
    return slot.astimezone(UTC)


@dataclass(frozen=True)
class DigestItem:
    name: str
    detail: str  # organisation of a person, or the organisation's city
    kind: str  # "person" | "organisation"
    reasons: list[str]


def _items(suggestions: list[Suggestion], language: str) -> list[DigestItem]:
    person_ids = [s.candidate_id for s in suggestions if s.candidate_kind == PartyKind.PERSON]
    organisation_ids = [
        s.candidate_id for s in suggestions if s.candidate_kind == PartyKind.ORGANISATION
    ]
    people = {
        p.id: p
        for p in db.session.scalars(
            select(Person)
            .where(Person.id.in_(person_ids))
            .options(selectinload(Person.organisation))
        )
    }
    organisations = {
        o.id: o
        for o in db.session.scalars(
            select(Organisation).where(Organisation.id.in_(organisation_ids))
        )
    }
    items = []
    for suggestion in suggestions:
        if suggestion.candidate_kind == PartyKind.PERSON:
            person = people.get(suggestion.candidate_id)
            # Only people who agreed to be matched, and whose profile others may see.
            if person is None or not person.consent_matching:
                continue
            if person.visibility == Visibility.HIDDEN:
                continue
            detail = person.organisation.name if person.organisation else ""
            items.append(
                DigestItem(
                    person.full_name, detail, "person", reason_terms(suggestion.reasons, language)
                )
            )
        else:
            organisation = organisations.get(suggestion.candidate_id)
            if organisation is None:
                continue
            items.append(
                DigestItem(
                    organisation.name,
                    organisation.city or "",
                    "organisation",
                    reason_terms(suggestion.reasons, language),
                )
            )
    return items


def send_due_digests(now: datetime | None = None) -> int:
    """Queue this week's digests that are due; returns how many were queued. One commit."""
    now = now or utcnow()
    config = current_app.config
    slot = digest_slot(now, config["DIGEST_WEEKDAY"], config["DIGEST_HOUR"])
    if now - slot > CATCH_UP:
        return 0
    preferences = db.session.scalars(
        select(MailPreference)
        .join(Person, Person.id == MailPreference.person_id)
        .where(
            MailPreference.category == MailCategory.DIGESTS,
            MailPreference.subscribed.is_(True),
            Person.consent_matching.is_(True),
            or_(MailPreference.last_sent_at.is_(None), MailPreference.last_sent_at < slot),
        )
        .order_by(MailPreference.person_id)
    ).all()
    queued = 0
    for preference in preferences:
        try:
            if _queue_digest(preference, now, slot):
                queued += 1
        except Exception:
            # One member's broken digest must not hold back everyone else's.
            log.exception("Digest for person %s could not be queued", preference.person_id)
    db.session.commit()
    return queued


def _queue_digest(preference: MailPreference, now: datetime, slot: datetime) -> bool:
    since = preference.last_sent_at or (slot - WEEK)
    # New = first suggested since the last digest; a rebuild recomputing a pair keeps its date.
    suggestions = db.session.scalars(
        select(Suggestion)
        .where(
            Suggestion.source_kind == PartyKind.PERSON,
            Suggestion.source_id == preference.person_id,
            Suggestion.first_seen_at > since,
            Suggestion.first_seen_at <= now,
            not_hidden_by(preference.person_id),
        )
        .order_by(Suggestion.rank, Suggestion.id)
        .limit(current_app.config["DIGEST_MAX_SUGGESTIONS"])
    ).all()
    person = db.session.get(Person, preference.person_id)
    if person is None:
        return False
    # Reasons name the concepts in the recipient's language.
    items = _items(list(suggestions), person.language)
    if not items:
        return False
    message = enqueue(
        template="digest",
        person=person,
        category=MailCategory.DIGESTS,
        dedupe_key=f"digest:{person.id}:{slot:%Y-%m-%d}",
        context={"items": items, "since": since, "site_url": absolute_url("main.index")},
    )
    if message is None:
        return False
    preference.last_sent_at = now
    return True
