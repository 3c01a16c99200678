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
    Channel weights of the final score (see :class:`Weights`, which says how the defaults
    were chosen) and document-building weights.

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
    ``peer_partners`` ("works with organisations like yours: X, Y") and ``network`` ("works
    with organisations that share partners with you: X, Y") the terms are keys of those
    organisations (of the query's sector; the app renders their names); for
    ``track_record`` the term is the candidate's number of known partners.

How it works
------------
Each profile becomes three TF-IDF documents (expertise = free text + tags + focus areas, with
tags and focus areas weighted above free text; offer; looking for) in one feature space of
concept keys, light bilingual stems and their bigrams. Concepts come from
``data/concepts.toml`` (French and English labels, synonyms and abbreviations), matched as
phrases, so a French text and an English one meet on the same features. Texts are analysed
in batches on arrays (:mod:`matchmaker.matching.vectorise`).

The score of a candidate is a weighted sum of channels (see :class:`Weights`): text
similarity and complementarity, and, when a collaboration history is given, the partners of
the query's look-alike organisations (``peer_partners``), of the organisations sharing
partners with it (``network``) and the candidate's track record. Every channel is a dot
product of a query row and a candidate row (history channels over the organisations of the
query's sector), so all pairs go through one exact top-k kernel
(:mod:`matchmaker.matching.kernel`: a dense product for the few most frequent features, a
compiled loop for the rest, every cell scored once and offered to both directions). When the
two complementarity weights are equal and no directional history channel is on,
score(a -> b) = score(b -> a) and one product gives both directions (rows and columns).
One profile is scored by an inverted index over the other sector's rows. Reasons are read
off the element-wise product of the two rows, in batches.
Adding or editing a profile does not refit: features, IDF and history peers stay as fitted
until the next :meth:`MatchingEngine.fit`. Importing this package loads neither NumPy nor
SciPy; the engine classes load them on first use.
"""

from typing import TYPE_CHECKING

from .model import CHANNELS, HISTORY_PEER_CHANNELS, SECTORS, Profile, Reason, Suggestion, Weights
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
    "HISTORY_PEER_CHANNELS",
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
