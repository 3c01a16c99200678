"""Profile documents -> TF-IDF vectors in one feature space shared by all channels."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer

from .model import Profile, Weights
from .vocabulary import CONCEPT_PREFIX, Vocabulary

# Row order of the three text channels inside a profile's document.
EXPERTISE, OFFER, NEED = 0, 1, 2

Counts = dict[str, float]


@dataclass
class ProfileCounts:
    """Weighted raw counts of one profile's three documents."""

    expertise: Counts
    offer: Counts
    need: Counts


class Analyser:
    """Turns text into features: concept tokens, word stems and their bigrams."""

    def __init__(self, vocabulary: Vocabulary, weights: Weights):
        self.vocabulary = vocabulary
        self.weights = weights
        self.surfaces: dict[str, str] = {}

    def add(self, counts: Counts, text: str, weight: float, strict_case: bool = True) -> None:
        if not text or weight <= 0:
            return
        mentions = self.vocabulary.annotate(text, strict_case=strict_case)
        surfaces = self.surfaces
        broader = self.weights.broader * weight
        prev = None
        for m in mentions:
            f = m.feature
            counts[f] = counts.get(f, 0.0) + weight
            if m.concept is not None:
                for parent in self.vocabulary.ancestors(m.concept):
                    pf = CONCEPT_PREFIX + parent
                    counts[pf] = counts.get(pf, 0.0) + broader
            elif f not in surfaces:
                surfaces[f] = m.surface
            if prev is not None:
                bigram = prev + " " + f
                counts[bigram] = counts.get(bigram, 0.0) + weight
            prev = f

    def profile_counts(self, p: Profile) -> ProfileCounts:
        w = self.weights
        expertise: Counts = {}
        self.add(expertise, p.expertise, 1.0)
        for tag in p.tags:
            self.add(expertise, tag, w.tags, strict_case=False)
        for area in p.focus_areas:
            if area in self.vocabulary:
                f = CONCEPT_PREFIX + area
                expertise[f] = expertise.get(f, 0.0) + w.focus_areas
            else:
                self.add(expertise, area.replace("_", " "), w.focus_areas, strict_case=False)
        offer: Counts = {}
        self.add(offer, p.offer, 1.0)
        need: Counts = {}
        self.add(need, p.looking_for, 1.0)
        return ProfileCounts(expertise, offer, need)

    def query_counts(self, text: str, tags: Sequence[str], focus_areas: Sequence[str]) -> Counts:
        p = Profile(
            "query", "public", expertise=text, tags=tuple(tags), focus_areas=tuple(focus_areas)
        )
        return self.profile_counts(p).expertise


def _tf(value: float) -> float:
    # Sublinear tf, continuous below one so fractional (broader-concept) counts stay small.
    return 1.0 + math.log(value) if value >= 1.0 else value


class Vectoriser:
    """Feature index and IDF fitted on a corpus of profiles; transforms without refitting."""

    def __init__(self, analyser: Analyser, min_df: int | None = None, max_df: float = 1.0):
        self.analyser = analyser
        self.min_df = min_df
        self.max_df = max_df
        self.features: dict[str, int] = {}
        self.names: list[str] = []
        self.idf = np.zeros(0, dtype=np.float32)
        self.transformer: TfidfTransformer | None = None
        self.surfaces: dict[str, str] = {}

    @property
    def n_features(self) -> int:
        return len(self.names)

    def fit_transform(
        self, counts: Sequence[ProfileCounts], progress: Callable[[int], None] | None = None
    ) -> list[sp.csr_matrix]:
        n = len(counts)
        ids: dict[str, int] = {}
        df: list[int] = []
        for pc in counts:
            seen = set(pc.expertise) | set(pc.offer) | set(pc.need)
            for f in seen:
                i = ids.get(f)
                if i is None:
                    ids[f] = len(df)
                    df.append(1)
                else:
                    df[i] += 1
        df_arr = np.asarray(df, dtype=np.int64)
        min_df = self.min_df if self.min_df is not None else (2 if n >= 1000 else 1)
        keep = (df_arr >= min_df) & (df_arr <= self.max_df * n)
        old_names = list(ids)
        kept = np.flatnonzero(keep)
        # Sorted so that feature order, hence float sums and reason ties, never depend on
        # hash seeds.
        self.names = sorted(old_names[i] for i in kept)
        self.features = {name: j for j, name in enumerate(self.names)}
        self.transformer = None
        tf = [self._tf_matrix([_pick(pc, ch) for pc in counts]) for ch in range(3)]
        # scikit-learn's TF-IDF on our sublinear tf (computed above so that fractional
        # broader-concept counts stay positive): smooth idf over profiles, l2 rows.
        union = (tf[0] + tf[1] + tf[2]).tocsr()
        self.transformer = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True)
        self.transformer.fit(union)
        self.idf = self.transformer.idf_.astype(np.float32)
        self.surfaces = {f: s for f, s in self.analyser.surfaces.items() if f in self.features}
        return [self._weigh(m) for m in tf]

    def transform(
        self, counts: Sequence[ProfileCounts], progress: Callable[[int], None] | None = None
    ) -> list[sp.csr_matrix]:
        """Three l2-normalised matrices (expertise, offer, need), one row per profile."""
        mats = []
        for channel in range(3):
            mats.append(self._matrix([_pick(pc, channel) for pc in counts]))
            if progress:
                progress(channel + 1)
        return mats

    def row(self, c: Counts) -> sp.csr_matrix:
        """One document, same values as the bulk transform, without its per-call overhead."""
        features = self.features
        pairs = sorted((features[f], _tf(v)) for f, v in c.items() if f in features)
        F = self.n_features
        if not pairs:
            return sp.csr_matrix((1, F), dtype=np.float32)
        cols = np.fromiter((j for j, _ in pairs), dtype=np.int32, count=len(pairs))
        vals = np.fromiter((v for _, v in pairs), dtype=np.float64, count=len(pairs))
        vals *= self.idf[cols]
        vals /= np.sqrt(np.dot(vals, vals))
        return sp.csr_matrix(
            (vals.astype(np.float32), cols, np.array([0, len(cols)])), shape=(1, F)
        )

    def _matrix(self, docs: Sequence[Counts]) -> sp.csr_matrix:
        return self._weigh(self._tf_matrix(docs))

    def _tf_matrix(self, docs: Sequence[Counts]) -> sp.csr_matrix:
        features = self.features
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for doc in docs:
            for f, v in doc.items():
                j = features.get(f)
                if j is not None:
                    indices.append(j)
                    data.append(_tf(v))
            indptr.append(len(indices))
        return sp.csr_matrix(
            (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), indptr),
            shape=(len(docs), self.n_features),
        )

    def _weigh(self, tf: sp.csr_matrix) -> sp.csr_matrix:
        if self.transformer is None or tf.shape[1] == 0:
            return tf
        return sp.csr_matrix(self.transformer.transform(tf), dtype=np.float32)

    def readable(self, feature_index: int) -> tuple[str | None, str]:
        """(concept key or None, readable text) of a feature."""
        name = self.names[feature_index]
        parts = name.split(" ")
        texts = []
        concept = None
        for part in parts:
            if part.startswith(CONCEPT_PREFIX):
                key = part[len(CONCEPT_PREFIX) :]
                if len(parts) == 1:
                    concept = key
                vocab = self.analyser.vocabulary
                texts.append(vocab.label(key, "en") if key in vocab else key)
            else:
                texts.append(self.surfaces.get(part, part))
        return concept, " ".join(texts)


def _pick(pc: ProfileCounts, channel: int) -> Counts:
    return (pc.expertise, pc.offer, pc.need)[channel]
