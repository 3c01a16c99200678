"""The two scores events need from the matching engine, behind a small seam.

* :func:`theme_relevance` — how well each person's profile fits an event's theme, and why;
* :func:`pair_scores` — each person's strongest counterparts of the other sector among a set.

Both read consenting members' profiles (with their organisation's, which a person inherits
part of) and fit the engine on them with its public API. Kept thin on purpose: the matching
service's stored index can answer the same two questions without a fit.

Reasons are stored as ``{"concept": key or None, "term": readable form}`` and rendered in the
reader's language with :func:`reason_text`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from flask import g
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.matching import MatchingEngine, MatchingIndex, Profile, Vocabulary
from matchmaker.models import Organisation, Person, User

# Counterparts kept per person for the guest list: enough for the best few on any list.
PAIR_NEIGHBOURS = 25
REASONS_KEPT = 3


@dataclass(frozen=True)
class PairScore:
    person_id: int
    score: float
    reasons: tuple[dict, ...] = ()


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary.default()


def reason_text(reason: dict, locale: str) -> str:
    concept = reason.get("concept")
    if concept and concept in vocabulary():
        return vocabulary().label(concept, locale)
    return str(reason.get("term") or "")


def _person_key(person_id: int) -> str:
    return f"p:{person_id}"


def _organisation_key(organisation_id: int) -> str:
    return f"o:{organisation_id}"


def _matchable_people(people_ids: Iterable[int]) -> list[Person]:
    """Those of ``people_ids`` the engine may look at: consenting, confirmed, in an organisation."""
    wanted = sorted(set(people_ids))
    if not wanted:
        return []
    return list(
        db.session.scalars(
            select(Person)
            .join(User, Person.user_id == User.id)
            .where(
                Person.id.in_(wanted),
                Person.consent_matching.is_(True),
                Person.organisation_id.is_not(None),
                User.confirmed_at.is_not(None),
            )
            .options(
                selectinload(Person.tags),
                selectinload(Person.organisation).selectinload(Organisation.tags),
                selectinload(Person.organisation).selectinload(Organisation.focus_area_links),
            )
            .order_by(Person.id)
        )
    )


def _profiles(people: Sequence[Person]) -> list[Profile]:
    organisations = {person.organisation_id: person.organisation for person in people}
    profiles = [
        Profile(
            key=_organisation_key(organisation.id),
            sector=organisation.sector,
            group=_organisation_key(organisation.id),
            expertise=organisation.description,
            tags=[tag.label for tag in organisation.tags],
            focus_areas=organisation.focus_areas,
            offer=organisation.offer,
            looking_for=organisation.looking_for,
        )
        for organisation in organisations.values()
        if organisation is not None
    ]
    profiles += [
        Profile(
            key=_person_key(person.id),
            sector=person.organisation.sector,
            group=_organisation_key(person.organisation_id),
            parent=_organisation_key(person.organisation_id),
            expertise=" ".join(part for part in (person.position, person.expertise) if part),
            tags=[tag.label for tag in person.tags],
            focus_areas=person.organisation.focus_areas,
            offer=person.offer,
            looking_for=person.looking_for,
            language=person.language,
            kind="person",
        )
        for person in people
    ]
    return profiles


def _index(people_ids: Iterable[int]) -> MatchingIndex | None:
    """The engine fitted on these people; fitted once per request for the same profiles."""
    people = _matchable_people(people_ids)
    if not people:
        return None
    profiles = _profiles(people)
    cached = g.get("_event_scores_index")
    if cached is not None and cached[0] == profiles:
        return cached[1]
    index = MatchingEngine(vocabulary=vocabulary()).fit(profiles)
    g._event_scores_index = (profiles, index)
    return index


def _reasons(reasons) -> tuple[dict, ...]:
    kept: list[dict] = []
    seen: set[str] = set()
    for reason in sorted(reasons, key=lambda r: -r.weight):
        label = reason.concept or reason.term
        if not label or label in seen:
            continue
        seen.add(label)
        kept.append({"concept": reason.concept, "term": reason.term})
        if len(kept) == REASONS_KEPT:
            break
    return tuple(kept)


def theme_relevance(
    people_ids: Iterable[int],
    text: str,
    tags: Sequence[str] = (),
    focus_areas: Sequence[str] = (),
) -> dict[int, tuple[float, list[dict]]]:
    """``{person_id: (score, reasons)}`` for the matchable people among ``people_ids``."""
    people_ids = list(people_ids)
    index = _index(people_ids)
    if index is None:
        return {}
    ranked = index.rank_query(
        text=text or "",
        tags=list(tags),
        focus_areas=list(focus_areas),
        kind="person",
        candidates=[_person_key(person_id) for person_id in people_ids],
    )
    return {
        int(item.candidate[2:]): (float(item.score), list(_reasons(item.reasons)))
        for item in ranked
    }


def pair_scores(
    people_ids: Iterable[int], k: int = PAIR_NEIGHBOURS, *, with_reasons: bool = False
) -> dict[int, list[PairScore]]:
    """Each matchable person's ``k`` best counterparts of the other sector among ``people_ids``.

    Colleagues of one organisation are never paired. Reasons are computed only when asked
    (they cost more than the scores).
    """
    index = _index(people_ids)
    if index is None:
        return {}
    table = index.top_k(k=k)
    result: dict[int, list[PairScore]] = {}
    for key in table:
        if not key.startswith("p:"):
            continue
        if with_reasons:
            scored = [
                PairScore(int(s.candidate[2:]), float(s.score), _reasons(s.reasons))
                for s in table[key]
            ]
        else:
            scored = [
                PairScore(int(candidate[2:]), float(score))
                for candidate, score in table.candidates(key)
            ]
        result[int(key[2:])] = scored
    return result
