"""Bilingual concept vocabulary: maps French and English wording onto shared concept keys."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .text import GLUE_WORDS, STOP_WORDS, words

DEFAULT_PATH = Path(__file__).parent / "data" / "concepts.toml"
CONCEPT_PREFIX = "c:"


@dataclass(frozen=True)
class Concept:
    key: str
    label_fr: str
    label_en: str
    terms: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()

    def surfaces(self) -> tuple[str, ...]:
        return (self.label_fr, self.label_en, *self.terms)


@dataclass(frozen=True)
class Mention:
    """One item of annotated text: a concept mention or a plain (stemmed) word."""

    feature: str  # "c:<concept key>" or a word stem
    surface: str  # the words as written (lower-cased unless an abbreviation)
    concept: str | None = None


def _is_abbreviation(term: str) -> bool:
    letters = [ch for ch in term if ch.isalpha()]
    return 0 < len(letters) <= 4 and term.isupper() and " " not in term


@dataclass
class _Matcher:
    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    # Short upper-case abbreviations ("AI", "ARC", "DM") collide with ordinary words once
    # lower-cased; in free text they only count when written in capitals.
    upper_only: set[tuple[str, ...]] = field(default_factory=set)
    max_len: int = 1
    first: set[str] = field(default_factory=set)


def _phrase(term: str) -> tuple[str, ...]:
    return tuple(s for _, folded, s in words(term) if folded not in GLUE_WORDS)


class Vocabulary:
    """Immutable set of concepts with a phrase matcher built from their terms.

    ``conflicts`` lists ``(term, kept_key, dropped_key)`` for terms that normalise to the same
    words in two concepts; the later definition wins, so caller extensions override defaults.
    """

    def __init__(self, concepts: Iterable[Concept]):
        self._concepts: dict[str, Concept] = {}
        for concept in concepts:
            self._concepts[concept.key] = concept
        for concept in self._concepts.values():
            for parent in concept.broader:
                if parent not in self._concepts:
                    raise ValueError(f"concept {concept.key!r}: unknown broader {parent!r}")
        self.conflicts: list[tuple[str, str, str]] = []
        self._matcher = self._build_matcher()
        self._ancestors = {key: self._collect_ancestors(key) for key in self._concepts}

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def from_toml(cls, path: str | Path) -> Vocabulary:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        return cls(_concept_from(key, value) for key, value in data.items())

    @staticmethod
    @cache
    def default() -> Vocabulary:
        """The vocabulary shipped with the engine (loaded once, on first use)."""
        return Vocabulary.from_toml(DEFAULT_PATH)

    def extended(self, extra: Iterable[Any] | None) -> Vocabulary:
        """A new vocabulary with caller-supplied concepts or synonyms added.

        Each item is a :class:`Concept`, a mapping with ``key``, ``label_fr``/``fr``,
        ``label_en``/``en``, ``terms`` and optionally ``broader``, or a tuple
        ``(key, label_fr, label_en, terms[, broader])``. An existing key keeps its labels unless
        new non-empty ones are given, and gains the new terms.
        """
        merged = dict(self._concepts)
        for item in extra or ():
            new = _coerce(item)
            old = merged.get(new.key)
            if old is not None:
                terms = old.terms + tuple(t for t in new.terms if t not in old.terms)
                broader = old.broader + tuple(b for b in new.broader if b not in old.broader)
                new = Concept(
                    new.key,
                    new.label_fr or old.label_fr,
                    new.label_en or old.label_en,
                    terms,
                    broader,
                )
            merged[new.key] = new
        return Vocabulary(merged.values())

    def _build_matcher(self) -> _Matcher:
        m = _Matcher()
        for concept in self._concepts.values():
            for term in concept.surfaces():
                if not term:
                    continue
                phrase = _phrase(term)
                if not phrase:
                    continue
                kept = m.phrases.get(phrase)
                if kept is not None and kept != concept.key:
                    self.conflicts.append((term, concept.key, kept))
                m.phrases[phrase] = concept.key
                if len(phrase) == 1 and (_is_abbreviation(term) or phrase[0] in STOP_WORDS):
                    m.upper_only.add(phrase)
                elif len(phrase) == 1:
                    m.upper_only.discard(phrase)
                m.first.add(phrase[0])
                m.max_len = max(m.max_len, len(phrase))
        return m

    def _collect_ancestors(self, key: str) -> tuple[str, ...]:
        seen: list[str] = []
        stack = list(self._concepts[key].broader)
        while stack:
            parent = stack.pop(0)
            if parent not in seen and parent != key:
                seen.append(parent)
                stack.extend(self._concepts[parent].broader)
        return tuple(seen)

    # -- queries ----------------------------------------------------------------------------

    @property
    def concepts(self) -> Mapping[str, Concept]:
        return self._concepts

    def __len__(self) -> int:
        return len(self._concepts)

    def __contains__(self, key: object) -> bool:
        return key in self._concepts

    def label(self, key: str, lang: str = "en") -> str:
        """The concept's label in ``"fr"`` or ``"en"`` (English for any other language)."""
        concept = self._concepts[key]
        return concept.label_fr if lang.lower().startswith("fr") else concept.label_en

    def ancestors(self, key: str) -> tuple[str, ...]:
        """Broader concepts of ``key``, nearest first."""
        return self._ancestors.get(key, ())

    def annotate(self, text: str, strict_case: bool = True) -> list[Mention]:
        """Concept mentions and remaining content words of ``text``, in reading order.

        Longest phrase wins; small linking words are skipped inside phrases. Stop words and
        bare numbers that are not part of a concept are dropped. With ``strict_case`` short
        abbreviations must be written in capitals (free text); tags pass ``False``.
        """
        m = self._matcher
        phrases, first, upper_only = m.phrases, m.first, m.upper_only
        seq = [w for w in words(text) if w[1] not in GLUE_WORDS or w[1] in first]
        out: list[Mention] = []
        i, n = 0, len(seq)
        while i < n:
            raw, folded, stemmed = seq[i]
            if stemmed in first:
                # Glue words are kept in seq only when they start a phrase; skip them inside.
                stems: list[str] = []
                j = i
                best = None
                while j < n and len(stems) < m.max_len:
                    w = seq[j]
                    if stems and w[1] in GLUE_WORDS:
                        j += 1
                        continue
                    stems.append(w[2])
                    j += 1
                    key = phrases.get(tuple(stems))
                    if key is not None:
                        best = (key, j, len(stems))
                if best is not None:
                    key, end, length = best
                    if (
                        length == 1
                        and strict_case
                        and (stemmed,) in upper_only
                        and not raw.isupper()
                    ):
                        best = None
                    if best is not None:
                        surface = " ".join(w[0] for w in seq[i:end])
                        out.append(Mention(CONCEPT_PREFIX + key, surface.lower(), key))
                        i = end
                        continue
            if folded not in STOP_WORDS and len(folded) > 1 and not folded.isdigit():
                surface = raw if (raw.isupper() and len(raw) > 1) else raw.lower()
                out.append(Mention(stemmed, surface))
            i += 1
        return out

    def __getstate__(self) -> dict[str, Any]:
        return {"concepts": list(self._concepts.values())}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["concepts"])  # type: ignore[misc]


def _concept_from(key: str, value: Mapping[str, Any]) -> Concept:
    return Concept(
        key=key,
        label_fr=str(value.get("fr") or value.get("label_fr") or ""),
        label_en=str(value.get("en") or value.get("label_en") or ""),
        terms=tuple(str(t) for t in value.get("terms", ())),
        broader=tuple(str(b) for b in value.get("broader", ())),
    )


def _coerce(item: Any) -> Concept:
    if isinstance(item, Concept):
        return item
    if isinstance(item, Mapping):
        return _concept_from(str(item["key"]), item)
    key, label_fr, label_en, terms, *rest = item
    broader = tuple(rest[0]) if rest else ()
    if isinstance(terms, str):
        terms = [terms]
    return Concept(str(key), label_fr or "", label_en or "", tuple(terms), broader)
