"""Matchmaker's matching engine: a plain library, no Flask, no database.

Services hand it :class:`Profile` objects and store what it returns.

Usage::

    from matchmaker.matching import MatchingEngine, Profile, Vocabulary, Weights

    vocab = Vocabulary.default().extended([("cryo_em", "cryo-microscopie", "cryo-EM",
                                            ["cryo-electron microscopy"])])
    engine = MatchingEngine(vocabulary=vocab, weights=Weights())
    index = engine.fit(profiles, history=[("o:1", "o:7")], progress=None)

    table = index.top_k(k=10, exclude={frozenset(("o:1", "o:9"))})  # both directions
    table["o:12"]            # -> [Suggestion, ...] best first, reasons computed on access
    table.candidates("o:12")  # -> [(key, score), ...] without reasons

    index.suggest(profile, k=10, exclude=...)   # one new/edited profile, no refit
    index.upsert(profile); index.remove("o:12")  # later queries see the change
    index.rank_query(text="...", tags=[...], focus_areas=[...], sector=None, k=None)
    index.dump(path); MatchingIndex.load(path)

Public API
----------
``Profile(key, sector, group=None, expertise="", tags=(), focus_areas=(), offer="",
looking_for="", parent=None, language=None, kind=None)``
    ``sector`` is "private" or "public"; ``group`` is the organisation (never suggested to
    itself); ``parent`` the organisation a person inherits ``Weights.inherit`` of its vectors
    from; ``kind`` ("person"/"organisation", inferred from ``parent``) - suggestions pair
    profiles of the same kind. Profiles that withdrew consent are simply not passed in.

``Weights(expertise, offer_to_need, need_to_offer, similar_partners, peer_partners, network,
track_record, tags, focus_areas, inherit, broader)``
    Channel weights of the final score (see :class:`Weights`) and document-building weights.

``MatchingEngine(vocabulary=None, weights=None, *, min_df=None, max_df=1.0)``
    ``.fit(profiles, history=(), progress=None) -> MatchingIndex``. ``history`` holds pairs of
    organisation keys that collaborated: they feed the history channels and are never
    suggested. ``progress(done, total)`` is called during long work.

``MatchingIndex``
    ``.top_k(k=10, exclude=None, progress=None, min_score=0.0) -> SuggestionTable``,
    ``.suggest(profile, k=10, exclude=None, min_score=0.0) -> list[Suggestion]``,
    ``.upsert(profile)``, ``.remove(key)``,
    ``.rank_query(text="", tags=(), focus_areas=(), sector=None, kind=None, k=None,
    candidates=None) -> list[Suggestion]``, ``.dump(path)``, ``MatchingIndex.load(path)``.
    ``exclude`` is a collection of ``frozenset({key_a, key_b})`` (already introduced,
    connected, past collaborations, organiser vetoes).

``Suggestion(candidate, score, channels, reasons)``; ``Reason(channel, concept, term, weight)``
    ``channels`` maps channel name -> contribution to the score. A reason with a ``concept``
    renders in either language with ``vocabulary.label(concept, "fr"|"en")`` (or
    ``reason.text(vocabulary, lang)``); otherwise ``term`` is a readable surface form. For
    ``network`` the term is the key of an organisation of the query's sector that shares
    partners with the query and worked with the candidate; for ``track_record`` it is the
    candidate's number of known partners.

``Vocabulary.default()``, ``.extended(extra)``, ``.label(key, lang)``, ``.annotate(text)``
    ``extra`` items: ``(key, label_fr, label_en, [terms...])`` tuples, mappings or
    :class:`Concept` objects; an existing key gains the new synonyms.

How it works
------------
Each profile becomes three TF-IDF documents (expertise = free text + tags + focus areas, with
tags and focus areas weighted above free text; offer; looking for) in one feature space of
concept keys, light bilingual stems and their bigrams. Concepts come from
``data/concepts.toml`` (French and English labels, synonyms and abbreviations), matched as
phrases before vectorising, so a French text and an English one meet on the same features.
The score of a candidate is a weighted sum of channels (see :class:`Weights`), computed for
all pairs by an exact sparse top-k kernel (:mod:`matchmaker.matching.kernel`) and for one
profile by an inverted index over the other sector's vectors. Adding or editing a profile
does not refit: features and IDF stay as fitted until the next :meth:`MatchingEngine.fit`.
"""

from typing import TYPE_CHECKING

from .model import CHANNELS, SECTORS, Profile, Reason, Suggestion, Weights
from .vocabulary import Concept, Vocabulary

if TYPE_CHECKING:
    from .engine import MatchingEngine, MatchingIndex, SuggestionTable

_ENGINE_NAMES = ("MatchingEngine", "MatchingIndex", "SuggestionTable")


def __getattr__(name: str):
    # NumPy and SciPy load with the engine, on first use, not when the package is imported.
    if name in _ENGINE_NAMES:
        from . import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CHANNELS",
    "SECTORS",
    "Concept",
    "MatchingEngine",
    "MatchingIndex",
    "Profile",
    "Reason",
    "Suggestion",
    "SuggestionTable",
    "Vocabulary",
    "Weights",
]
