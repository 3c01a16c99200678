"""Tags: normalising labels, resolving typed labels to tags, suggesting and merging them.

A tag keeps the label it was first typed with; its ``normalised`` key (case, accents and
spacing folded) makes "Thérapie  Cellulaire" and "therapie cellulaire" one tag. When organisers
merge synonyms, the merged tags stay as aliases (``merged_into``) so that typing them later
lands on the target, and the target's concept gains every merged label as a term: that is how
the matching engine learns the cluster's bilingual vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from matchmaker.extensions import db
from matchmaker.models import (
    Concept,
    ConceptTerm,
    Organisation,
    Person,
    Tag,
    User,
    organisation_tags,
    person_tags,
)
from matchmaker.services.matching_changes import request_rebuild
from matchmaker.text import fold, tidy_spaces

TAG_MAX_LENGTH = 80
TAGS_MAX_PER_PROFILE = 30
SUGGESTION_LIMIT = 10
_SEPARATORS = re.compile(r"[,;\n]")
T = TypeVar("T")


class TagError(ValueError):
    """A tag list or a merge that cannot be accepted; the message is shown to the person."""


def normalise_tag(label: str) -> str:
    """The key two spellings of one tag share: case, accents and repeated spaces folded."""
    return fold(label)[:TAG_MAX_LENGTH]


def clean_label(label: str) -> str:
    """The label as it will be displayed: the person's spelling, spaces tidied."""
    return tidy_spaces(label)


def parse_tag_labels(text: str | None) -> list[str]:
    """Labels from a comma-separated field, tidied, first spelling kept for duplicates.

    Raises :class:`TagError` for a label that is too long or a list that is too long.
    """
    labels: dict[str, str] = {}
    for raw in _SEPARATORS.split(text or ""):
        label = clean_label(raw)
        if not label or not normalise_tag(label):
            continue
        if len(label) > TAG_MAX_LENGTH:
            raise TagError(
                _(
                    "The tag “%(label)s…” is too long: %(max)d characters at most.",
                    label=label[:30],
                    max=TAG_MAX_LENGTH,
                )
            )
        labels.setdefault(normalise_tag(label), label)
    if len(labels) > TAGS_MAX_PER_PROFILE:
        raise TagError(_("Choose at most %(max)d tags.", max=TAGS_MAX_PER_PROFILE))
    return list(labels.values())


def format_tag_labels(tags: Iterable[Tag]) -> str:
    """The text a tag field shows for tags already chosen."""
    return ", ".join(tag.label for tag in tags)


def canonical(tag: Tag) -> Tag:
    """The tag an alias stands for (itself when it was never merged)."""
    seen = {tag.id}
    while tag.merged_into is not None and tag.merged_into.id not in seen:
        tag = tag.merged_into
        seen.add(tag.id)
    return tag


def resolve_tags(labels: Iterable[str]) -> list[Tag]:
    """The tags for typed labels, in order and without duplicates, aliases followed.

    Missing tags are created (flushed, not committed): callers commit with the rest of their
    use case.
    """
    resolved: dict[int, Tag] = {}
    for tag in resolve_tag_map(labels).values():
        resolved.setdefault(tag.id, tag)
    return list(resolved.values())


def resolve_tag_map(labels: Iterable[str]) -> dict[str, Tag]:
    """``{normalised label: tag}`` for many labels at once (one query), aliases followed.

    For callers that tag many rows with a shared vocabulary (imports, the demo).
    """
    wanted: dict[str, str] = {}
    for label in labels:
        label = clean_label(label)[:TAG_MAX_LENGTH]
        key = normalise_tag(label)
        if key:
            wanted.setdefault(key, label)
    if not wanted:
        return {}
    existing = {
        tag.normalised: tag
        for tag in db.session.scalars(select(Tag).where(Tag.normalised.in_(list(wanted))))
    }
    created = False
    for key, label in wanted.items():
        if key not in existing:
            existing[key] = Tag(label=label, normalised=key)
            db.session.add(existing[key])
            created = True
    if created:
        db.session.flush()
    return {key: canonical(existing[key]) for key in wanted}


def commit_retrying_new_tags(work: Callable[[], T]) -> T:
    """Run ``work`` and commit; once more if another person created one of its new tags meanwhile.

    Two people typing the same new tag at the same moment both try to insert it: the loser's
    transaction is rolled back and replayed, and then finds the winner's tag.
    """
    for attempt in (1, 2):
        try:
            result = work()
            db.session.commit()
            return result
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
        except Exception:
            db.session.rollback()
            raise
    raise AssertionError("unreachable")


def find_tag(label: str) -> Tag | None:
    """The tag a typed label means (aliases followed), or None when no such tag exists."""
    key = normalise_tag(label or "")
    if not key:
        return None
    tag = db.session.scalar(select(Tag).where(Tag.normalised == key))
    return canonical(tag) if tag is not None else None


def _usage_counts() -> tuple[dict[int, int], dict[int, int]]:
    people = dict(
        db.session.execute(
            select(person_tags.c.tag_id, func.count()).group_by(person_tags.c.tag_id)
        ).all()
    )
    organisations = dict(
        db.session.execute(
            select(organisation_tags.c.tag_id, func.count()).group_by(organisation_tags.c.tag_id)
        ).all()
    )
    return people, organisations


@dataclass
class TagSuggestion:
    label: str
    uses: int
    matched: str | None = None  # the alias the query matched, when it was not the label itself

    def as_json(self) -> dict:
        return {"label": self.label, "uses": self.uses, "matched": self.matched}


def suggest_tags(query: str, limit: int = SUGGESTION_LIMIT) -> list[TagSuggestion]:
    """Existing tags whose label (or an alias's) starts with, then contains, the query.

    Most used first within each group, so that people converge on the spellings others use.
    """
    key = normalise_tag(query)
    if not key:
        return []
    pattern = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    matches = db.session.scalars(
        select(Tag).where(Tag.normalised.like(pattern, escape="\\")).limit(200)
    ).all()
    people, organisations = _usage_counts()
    # Per target tag, its best match: a prefix before a substring, its own label before an alias.
    best: dict[int, tuple[tuple[int, int], TagSuggestion]] = {}
    for tag in matches:
        target = canonical(tag)
        rank = (0 if tag.normalised.startswith(key) else 1, 0 if target is tag else 1)
        if target.id not in best or rank < best[target.id][0]:
            uses = people.get(target.id, 0) + organisations.get(target.id, 0)
            matched = None if target is tag else tag.label
            best[target.id] = (rank, TagSuggestion(target.label, uses, matched))
    ordered = sorted(
        best.values(), key=lambda item: (item[0][0], -item[1].uses, fold(item[1].label))
    )
    return [suggestion for _rank, suggestion in ordered[:limit]]


@dataclass
class TagRow:
    """A tag as the organisers' tags page lists it."""

    tag: Tag
    people: int
    organisations: int
    aliases: list[Tag] = field(default_factory=list)

    @property
    def uses(self) -> int:
        return self.people + self.organisations


def tag_overview(query: str = "") -> list[TagRow]:
    """Every tag that is not an alias, with its usage counts and aliases, most used first."""
    people, organisations = _usage_counts()
    tags = db.session.scalars(select(Tag).order_by(Tag.normalised)).all()
    rows = {
        tag.id: TagRow(tag, people.get(tag.id, 0), organisations.get(tag.id, 0))
        for tag in tags
        if tag.merged_into_id is None
    }
    for tag in tags:
        if tag.merged_into_id is not None:
            target = canonical(tag)
            if target.id in rows:
                rows[target.id].aliases.append(tag)
    key = normalise_tag(query)
    listed = [
        row
        for row in rows.values()
        if not key
        or key in row.tag.normalised
        or any(key in alias.normalised for alias in row.aliases)
    ]
    return sorted(listed, key=lambda row: (-row.uses, row.tag.normalised))


def active_tags() -> list[Tag]:
    """Tags that may be chosen as a merge target or source (aliases are not)."""
    return list(
        db.session.scalars(select(Tag).where(Tag.merged_into_id.is_(None)).order_by(Tag.normalised))
    )


@dataclass
class MergeResult:
    target: Tag
    merged: list[Tag]
    concept: Concept
    moved_links: int


def merge_tags(
    target_id: int,
    source_ids: Iterable[int],
    *,
    by: User | None = None,
    label_fr: str = "",
    label_en: str = "",
) -> MergeResult:
    """Merge synonyms into a target: one commit, or nothing changed (``TagError``)."""
    try:
        result = merge_tags_in_session(
            target_id, source_ids, by=by, label_fr=label_fr, label_en=label_en
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def merge_tags_in_session(
    target_id: int,
    source_ids: Iterable[int],
    *,
    by: User | None = None,
    label_fr: str = "",
    label_en: str = "",
) -> MergeResult:
    """The merge, flushed but not committed (for callers that own a larger transaction)."""
    target = db.session.get(Tag, target_id)
    if target is None:
        raise TagError(_("Choose the tag to keep."))
    if target.merged_into_id is not None:
        raise TagError(
            _(
                "“%(label)s” is already an alias of another tag: choose that one.",
                label=target.label,
            )
        )
    source_ids = list(dict.fromkeys(source_ids))
    if target.id in source_ids:
        raise TagError(_("The tag to keep cannot also be merged into itself."))
    sources = db.session.scalars(select(Tag).where(Tag.id.in_(source_ids))).all()
    if not source_ids or len(sources) != len(source_ids):
        raise TagError(
            _("Choose at least one existing tag to merge into “%(label)s”.", label=target.label)
        )
    already = [tag.label for tag in sources if tag.merged_into_id is not None]
    if already:
        raise TagError(_("Already merged: %(labels)s.", labels=", ".join(already)))

    concept = _concept_for(target, label_fr=label_fr, label_en=label_en, by=by)
    moved = 0
    for source in sources:
        moved += _move_links(source, target)
        # Aliases of a merged tag now stand for the target directly.
        for alias in db.session.scalars(select(Tag).where(Tag.merged_into_id == source.id)):
            alias.merged_into = target
            alias.concept = concept
        previous = source.concept
        source.merged_into = target
        source.concept = concept
        if previous is not None and previous is not concept:
            _absorb_concept(concept, previous)
        _add_term(concept, source.label)
    _add_term(concept, target.label)
    # The engine learns the new synonyms when it is fitted again.
    request_rebuild("tags", by_id=by.id if by is not None else None)
    db.session.flush()
    return MergeResult(target=target, merged=list(sources), concept=concept, moved_links=moved)


def _move_links(source: Tag, target: Tag) -> int:
    moved = 0
    for person in db.session.scalars(
        select(Person).join(person_tags).where(person_tags.c.tag_id == source.id)
    ):
        person.tags.remove(source)
        if target not in person.tags:
            person.tags.append(target)
        moved += 1
    for organisation in db.session.scalars(
        select(Organisation).join(organisation_tags).where(organisation_tags.c.tag_id == source.id)
    ):
        organisation.tags.remove(source)
        if target not in organisation.tags:
            organisation.tags.append(target)
        moved += 1
    return moved


def _concept_for(target: Tag, *, label_fr: str, label_en: str, by: User | None) -> Concept:
    label_fr = tidy_spaces(label_fr)[:120]
    label_en = tidy_spaces(label_en)[:120]
    concept = target.concept
    if concept is None:
        concept = Concept(
            key=_free_concept_key(target.normalised),
            label_fr=label_fr or target.label,
            label_en=label_en or target.label,
            created_by_id=by.id if by is not None else None,
        )
        db.session.add(concept)
        target.concept = concept
    else:
        concept.label_fr = label_fr or concept.label_fr
        concept.label_en = label_en or concept.label_en
    for label, language in ((label_fr, "fr"), (label_en, "en")):
        if label:
            _add_term(concept, label, language)
    return concept


def _free_concept_key(normalised: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", normalised).strip("-")[:70] or "concept"
    key, n = base, 1
    while db.session.scalar(select(Concept.id).where(Concept.key == key)) is not None:
        n += 1
        key = f"{base}-{n}"
    return key


def _add_term(concept: Concept, term: str, language: str | None = None) -> None:
    key = fold(term)[:120]
    for existing in concept.terms:
        if existing.normalised == key:
            if language and not existing.language:
                existing.language = language
            return
    concept.terms.append(ConceptTerm(term=term[:120], normalised=key, language=language))


def _absorb_concept(concept: Concept, other: Concept) -> None:
    """A merged tag's own concept joins the target's: its terms and its other tags."""
    for term in list(other.terms):
        _add_term(concept, term.term, term.language)
    for tag in list(other.tags):
        tag.concept = concept
    db.session.delete(other)
