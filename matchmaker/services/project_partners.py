"""Partners for a project: the engine's ranking of organisations and people for its needs, and
the consortium builder's team for the call's roles.

The needed expertise is read as *items*: the vocabulary's concepts named in the "expertise
needed" text, and the project's tags (a tag that names a concept is that concept). An
organisation covers an item when its description, offer or tags name the concept (or a
narrower one), or contain the tag. Rankings come from the matching engine through
:func:`matchmaker.services.matching.organisation_relevance` and
:func:`~matchmaker.services.matching.theme_relevance`, both sectors, with the engine's reasons
rendered in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matchmaker.consortium import Candidate, Slot, Team, propose_team
from matchmaker.domain import PARTNER_ROLE_KINDS, PartnerRole, ProjectMemberState
from matchmaker.extensions import db
from matchmaker.matching import Vocabulary
from matchmaker.models import Organisation, Person, Project, ProjectMember
from matchmaker.services.concepts import concept_labels, matching_vocabulary
from matchmaker.services.matching import organisation_relevance, theme_relevance
from matchmaker.services.suggestions import ReasonContext, ReasonLine, render_reasons
from matchmaker.text import fold

RANKED_ORGANISATIONS = 200
CANDIDATES_PER_SLOT = 6
SUGGESTIONS_SHOWN = 8
IN_CONSORTIUM = (ProjectMemberState.ACCEPTED.value, ProjectMemberState.INVITED.value)


@dataclass(frozen=True)
class NeededItem:
    key: str  # "c:<concept key>" or "t:<folded tag>"
    label: str


@lru_cache(maxsize=1)
def _default_vocabulary() -> Vocabulary:
    return Vocabulary.default()


def _vocabulary() -> Vocabulary:
    try:
        return matching_vocabulary()
    except Exception:  # an organiser's concept that does not build: the repository's still does
        return _default_vocabulary()


def needed_items(project: Project, lang: str, vocabulary: Vocabulary | None = None) -> list:
    vocabulary = vocabulary or _vocabulary()
    keys: dict[str, str | None] = {}
    for mention in vocabulary.annotate(project.needed_expertise or ""):
        if mention.concept:
            keys.setdefault("c:" + mention.concept, None)
    for tag in project.tags:
        concepts = [m.concept for m in vocabulary.annotate(tag.label, strict_case=False)]
        if len(concepts) == 1 and concepts[0]:
            keys.setdefault("c:" + concepts[0], None)
        else:
            keys.setdefault("t:" + fold(tag.label), tag.label)
    labels = concept_labels({k[2:] for k in keys if k.startswith("c:")}, lang)
    return [
        NeededItem(key, label if label is not None else labels.get(key[2:], key[2:]))
        for key, label in keys.items()
    ]


def _covers(organisation: Organisation, items: list[NeededItem], vocabulary: Vocabulary) -> set:
    text = " ".join(
        [organisation.description or "", organisation.offer or ""]
        + [tag.label for tag in organisation.tags]
    )
    concepts: set[str] = set()
    for mention in vocabulary.annotate(text):
        if mention.concept:
            concepts.add(mention.concept)
            concepts.update(vocabulary.ancestors(mention.concept))
    for tag in organisation.tags:
        for mention in vocabulary.annotate(tag.label, strict_case=False):
            if mention.concept:
                concepts.add(mention.concept)
                concepts.update(vocabulary.ancestors(mention.concept))
    folded = fold(text)

    def found(item: NeededItem) -> bool:
        kind, _sep, value = item.key.partition(":")
        return value in concepts if kind == "c" else bool(value) and value in folded

    return {item.key for item in items if found(item)}


def _query(project: Project) -> tuple[str, list[str], list[str]]:
    text = "\n".join(p for p in (project.needed_expertise, project.summary, project.title) if p)
    return text, [t.label for t in project.tags], list(project.focus_areas or [])


def _consortium_lines(project: Project) -> list[ProjectMember]:
    return [m for m in project.members if m.state in IN_CONSORTIUM]


# -- suggestions --------------------------------------------------------------------------------


@dataclass
class SuggestedOrganisation:
    organisation: Organisation
    score: float
    reasons: list[ReasonLine]
    roles: list[str]  # PartnerRole codes it can fill


@dataclass
class SuggestedPerson:
    person: Person
    score: float
    reasons: list[ReasonLine]


@dataclass
class PartnerSuggestions:
    organisations: list[SuggestedOrganisation]
    people: list[SuggestedPerson]


def fitting_roles(kind: str) -> list[str]:
    return [role.value for role, kinds in PARTNER_ROLE_KINDS.items() if kind in kinds]


def partner_suggestions(project: Project, lang: str, limit: int = SUGGESTIONS_SHOWN):
    """Organisations and people the engine ranks highest for the project's needs, both sectors,
    leaving out the organisations already in the consortium."""
    text, tags, areas = _query(project)
    in_consortium = {m.organisation_id for m in _consortium_lines(project)}
    in_consortium.add(project.proposing_organisation_id)
    organisations = [
        match
        for match in organisation_relevance(text, tags, areas, limit=limit + len(in_consortium))
        if match.organisation_id not in in_consortium and match.score > 0
    ][:limit]
    people_ids = [
        p.id
        for p in db.session.scalars(
            select(Person).where(
                Person.organisation_id.is_not(None),
                Person.organisation_id.not_in([i for i in in_consortium if i is not None]),
            )
        )
    ]
    people = (
        [m for m in theme_relevance(text, tags, areas, person_ids=people_ids) if m.score > 0][
            :limit
        ]
        if people_ids
        else []
    )
    context = ReasonContext.for_reasons(
        [m.reasons for m in organisations] + [m.reasons for m in people], lang
    )
    by_id = {
        o.id: o
        for o in db.session.scalars(
            select(Organisation).where(
                Organisation.id.in_([m.organisation_id for m in organisations])
            )
        )
    }
    people_by_id = {
        p.id: p
        for p in db.session.scalars(
            select(Person)
            .where(Person.id.in_([m.person_id for m in people]))
            .options(selectinload(Person.organisation))
        )
    }
    return PartnerSuggestions(
        organisations=[
            SuggestedOrganisation(
                by_id[m.organisation_id],
                m.score,
                render_reasons(m.reasons, lang, context),
                fitting_roles(by_id[m.organisation_id].kind),
            )
            for m in organisations
            if m.organisation_id in by_id
        ],
        people=[
            SuggestedPerson(
                people_by_id[m.person_id], m.score, render_reasons(m.reasons, lang, context)
            )
            for m in people
            if m.person_id in people_by_id
        ],
    )


# -- the consortium builder ---------------------------------------------------------------------


@dataclass
class ConsortiumPlan:
    team: Team
    items: list[NeededItem]
    organisations: dict[int, Organisation]
    # Slot index -> the consortium line holding it (accepted or invited).
    held: dict[int, ProjectMember]
    # Needed items the coordinator's organisation covers itself.
    coordinator_covers: frozenset[str]

    def label(self, key: str) -> str:
        for item in self.items:
            if item.key == key:
                return item.label
        return key

    def labels(self, keys) -> list[str]:
        return [item.label for item in self.items if item.key in keys]


def consortium_plan(
    project: Project, lang: str, picks: Mapping[int, int] | None = None
) -> ConsortiumPlan:
    """The builder's team for the call's roles: slots held by the consortium are kept, the
    others get the candidates the engine ranks best for the project, each with what it covers.
    ``picks`` (slot index → organisation id) are the proposer's swaps."""
    vocabulary = _vocabulary()
    items = needed_items(project, lang, vocabulary)
    lines = _consortium_lines(project)
    coordinator = next((m for m in lines if m.coordinator), None)

    # Which slot each consortium line holds: the call's roles in order, one line per slot.
    held: dict[int, ProjectMember] = {}
    free_lines = list(lines)
    for index, role in enumerate(project.required_roles or []):
        line = next((m for m in free_lines if m.role == role), None)
        if line is not None:
            held[index] = line
            free_lines.remove(line)

    taken = {m.organisation_id for m in lines if m.organisation_id is not None}
    text, tags, areas = _query(project)
    open_roles = [r for i, r in enumerate(project.required_roles or []) if i not in held]
    ranked = (
        [
            m
            for m in organisation_relevance(text, tags, areas, limit=RANKED_ORGANISATIONS)
            if m.organisation_id not in taken
        ]
        if open_roles
        else []
    )
    wanted_ids = {m.organisation_id for m in ranked} | taken
    organisations = {
        o.id: o
        for o in db.session.scalars(
            select(Organisation)
            .where(Organisation.id.in_(wanted_ids))
            .options(selectinload(Organisation.tags))
        )
    }
    covers_cache: dict[int, frozenset[str]] = {}

    def covers(organisation_id: int) -> frozenset[str]:
        if organisation_id not in covers_cache:
            organisation = organisations.get(organisation_id)
            covers_cache[organisation_id] = (
                frozenset(_covers(organisation, items, vocabulary)) if organisation else frozenset()
            )
        return covers_cache[organisation_id]

    slots = []
    for index, role in enumerate(project.required_roles or []):
        line = held.get(index)
        if line is not None and line.organisation_id is not None:
            organisation = organisations.get(line.organisation_id)
            slots.append(
                Slot(
                    role,
                    held_by=Candidate(
                        line.organisation_id,
                        0.0,
                        covers(line.organisation_id),
                        organisation.sector if organisation else "",
                    ),
                )
            )
            continue
        kinds = PARTNER_ROLE_KINDS[PartnerRole(role)]
        candidates = []
        for match in ranked:
            organisation = organisations.get(match.organisation_id)
            if organisation is None or organisation.kind not in kinds:
                continue
            candidates.append(
                Candidate(
                    organisation.id, match.score, covers(organisation.id), organisation.sector
                )
            )
            if len(candidates) == CANDIDATES_PER_SLOT:
                break
        slots.append(Slot(role, tuple(candidates)))

    outside = frozenset().union(
        *(covers(m.organisation_id) for m in free_lines if m.organisation_id is not None)
    )
    team = propose_team(
        slots,
        [item.key for item in items],
        already_covered=outside,
        picks=picks,
        taken=taken,
    )
    return ConsortiumPlan(
        team=team,
        items=items,
        organisations=organisations,
        held=held,
        coordinator_covers=covers(coordinator.organisation_id)
        if coordinator is not None and coordinator.organisation_id is not None
        else frozenset(),
    )
