"""The engine's bilingual vocabulary: the repository's concepts plus the organisers' own.

Organisers add concepts (a French and an English label, synonyms in either language) and
synonyms of existing concepts; merging tags adds concepts too (services/tags.py). The engine
sees ``Vocabulary.default().extended(<concepts of the database>)``: a database concept with the
key of a repository concept adds synonyms to it. New words count from the next rebuild, which
every change here requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.matching import Vocabulary
from matchmaker.models import Concept, ConceptTerm, User
from matchmaker.services.matching_changes import request_rebuild
from matchmaker.text import fold, tidy_spaces

LABEL_MAX = 120
SYNONYMS_MAX = 40
_SEPARATORS = re.compile(r"[,;\n]")


class ConceptError(ValueError):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


def _database_concepts() -> list[Concept]:
    return list(
        db.session.scalars(
            select(Concept).options(selectinload(Concept.terms)).order_by(Concept.key)
        )
    )


def vocabulary_extension(concepts: list[Concept] | None = None) -> list[tuple]:
    """The database's concepts in the form ``Vocabulary.extended`` takes."""
    default = Vocabulary.default()
    items = []
    for concept in concepts if concepts is not None else _database_concepts():
        terms = [term.term for term in concept.terms]
        label_fr, label_en = concept.label_fr, concept.label_en
        if concept.key not in default and not (label_fr and label_en):
            # A concept of its own needs labels to be shown; its first term stands in.
            fallback = label_fr or label_en or (terms[0] if terms else concept.key)
            label_fr, label_en = label_fr or fallback, label_en or fallback
        items.append((concept.key, label_fr, label_en, terms))
    return items


def matching_vocabulary() -> Vocabulary:
    """What the engine fits with: the repository's vocabulary extended by the database's."""
    return Vocabulary.default().extended(vocabulary_extension())


def concept_labels(keys, lang: str) -> dict[str, str]:
    """Labels of concept keys in ``lang`` ("fr"/"en"), without building a whole vocabulary."""
    keys = {key for key in keys if key}
    if not keys:
        return {}
    default = Vocabulary.default()
    labels = {key: default.label(key, lang) for key in keys if key in default}
    french = lang.lower().startswith("fr")
    for concept in db.session.scalars(select(Concept).where(Concept.key.in_(keys))):
        label = concept.label_fr if french else concept.label_en
        if label:
            labels[concept.key] = label
        elif concept.key not in labels:
            labels[concept.key] = concept.label_en or concept.label_fr or concept.key
    return labels


@dataclass
class ConceptRow:
    key: str
    label_fr: str
    label_en: str
    repository_terms: list[str] = field(default_factory=list)
    organiser_terms: list[str] = field(default_factory=list)
    in_repository: bool = False
    in_database: bool = False
    broader: list[str] = field(default_factory=list)

    @property
    def terms(self) -> list[str]:
        return self.repository_terms + self.organiser_terms


def _matches(row: ConceptRow, key: str) -> bool:
    haystack = [row.key, row.label_fr, row.label_en, *row.terms]
    return any(key in fold(text) for text in haystack)


def concept_overview(query: str = "") -> list[ConceptRow]:
    """Every concept the engine knows, the organisers' first, then by English label."""
    rows: dict[str, ConceptRow] = {}
    for concept in Vocabulary.default().concepts.values():
        rows[concept.key] = ConceptRow(
            key=concept.key,
            label_fr=concept.label_fr,
            label_en=concept.label_en,
            repository_terms=list(concept.terms),
            in_repository=True,
            broader=list(concept.broader),
        )
    for concept in _database_concepts():
        row = rows.get(concept.key)
        if row is None:
            row = rows[concept.key] = ConceptRow(concept.key, concept.label_fr, concept.label_en)
        else:
            row.label_fr = concept.label_fr or row.label_fr
            row.label_en = concept.label_en or row.label_en
        row.in_database = True
        known = {fold(term) for term in (row.label_fr, row.label_en, *row.repository_terms)}
        row.organiser_terms = [term.term for term in concept.terms if fold(term.term) not in known]
    key = fold(query)
    listed = [row for row in rows.values() if not key or _matches(row, key)]
    return sorted(listed, key=lambda row: (not row.in_database, fold(row.label_en), row.key))


def parse_synonyms(text: str | None) -> list[str]:
    """Synonyms typed one per line or separated by commas, tidied, duplicates dropped."""
    seen: dict[str, str] = {}
    for raw in _SEPARATORS.split(text or ""):
        term = tidy_spaces(raw)
        if term and fold(term):
            seen.setdefault(fold(term), term)
    return list(seen.values())


def _owner(vocabulary: Vocabulary, term: str) -> str | None:
    """The concept a term already names as a whole, if any."""
    mentions = vocabulary.annotate(term, strict_case=False)
    if len(mentions) == 1 and mentions[0].concept is not None:
        return mentions[0].concept
    return None


def _check_terms(vocabulary: Vocabulary, key: str | None, terms: list[tuple[str, str]]) -> None:
    for field_name, term in terms:
        if len(term) > LABEL_MAX:
            raise ConceptError(
                field_name,
                _(
                    "“%(term)s…” is too long: %(max)d characters at most.",
                    term=term[:30],
                    max=LABEL_MAX,
                ),
            )
        owner = _owner(vocabulary, term)
        if owner is not None and owner != key:
            raise ConceptError(
                field_name,
                _(
                    "“%(term)s” already names the concept “%(label)s”: add your synonyms to it, "
                    "or choose other words.",
                    term=term,
                    label=vocabulary.label(owner, str(get_locale() or "en")),
                ),
            )


def _free_key(label: str, taken) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", fold(label)).strip("_")[:70] or "concept"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    return key


def _add_term(concept: Concept, term: str, language: str | None = None) -> bool:
    normalised = fold(term)[:LABEL_MAX]
    if any(existing.normalised == normalised for existing in concept.terms):
        return False
    concept.terms.append(ConceptTerm(term=term, normalised=normalised, language=language))
    return True


def add_concept(label_fr: str, label_en: str, synonyms: list[str], *, by: User) -> Concept:
    """A new concept with its two labels and synonyms. One commit, or ``ConceptError``."""
    label_fr, label_en = tidy_spaces(label_fr), tidy_spaces(label_en)
    if not label_fr:
        raise ConceptError("label_fr", _("Enter the French label."))
    if not label_en:
        raise ConceptError("label_en", _("Enter the English label."))
    if len(synonyms) > SYNONYMS_MAX:
        raise ConceptError("synonyms", _("At most %(max)d synonyms at once.", max=SYNONYMS_MAX))
    vocabulary = matching_vocabulary()
    _check_terms(
        vocabulary,
        None,
        [("label_fr", label_fr), ("label_en", label_en)] + [("synonyms", s) for s in synonyms],
    )
    taken = set(vocabulary.concepts) | set(db.session.scalars(select(Concept.key)))
    concept = Concept(
        key=_free_key(label_en, taken), label_fr=label_fr, label_en=label_en, created_by_id=by.id
    )
    _add_term(concept, label_fr, "fr")
    _add_term(concept, label_en, "en")
    for synonym in synonyms:
        _add_term(concept, synonym)
    db.session.add(concept)
    request_rebuild("concepts", by_id=by.id)
    db.session.commit()
    return concept


def add_synonyms(key: str, synonyms: list[str], *, by: User) -> list[str]:
    """Synonyms for a concept of the repository or of the organisers; returns those added."""
    vocabulary = matching_vocabulary()
    if key not in vocabulary:
        raise ConceptError("synonyms", _("This concept does not exist (any more)."))
    if not synonyms:
        raise ConceptError("synonyms", _("Enter at least one synonym."))
    if len(synonyms) > SYNONYMS_MAX:
        raise ConceptError("synonyms", _("At most %(max)d synonyms at once.", max=SYNONYMS_MAX))
    _check_terms(vocabulary, key, [("synonyms", s) for s in synonyms])
    concept = db.session.scalar(select(Concept).where(Concept.key == key))
    if concept is None:
        # Synonyms of a repository concept: a database concept of the same key, labels left to
        # the repository.
        concept = Concept(key=key, label_fr="", label_en="", created_by_id=by.id)
        db.session.add(concept)
    known = {fold(term) for term in vocabulary.concepts[key].surfaces()}
    added = [s for s in synonyms if fold(s) not in known and _add_term(concept, s)]
    if not added:
        db.session.rollback()
        raise ConceptError("synonyms", _("These words already name this concept."))
    request_rebuild("concepts", by_id=by.id)
    db.session.commit()
    return added
