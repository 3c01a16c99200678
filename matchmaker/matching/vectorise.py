"""Profile documents -> TF-IDF vectors in one feature space shared by all channels.

The analysis is done for a whole batch of texts at once: one regular-expression pass per
text, then everything else (concept phrase matching, stop words, bigrams, counting) on integer
arrays, each distinct word being normalised once. It gives the same mentions as
:meth:`Vocabulary.annotate` (a test checks it), at a fraction of the cost.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import scipy.sparse as sp

from .model import Profile, Weights
from .text import GLUE_WORDS, STOP_WORDS, WORD_RE, _normalise_word
from .vocabulary import CONCEPT_PREFIX, Vocabulary

# Row order of the three text channels inside a profile's document.
EXPERTISE, OFFER, NEED = 0, 1, 2
CHANNELS = 3

_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass
class Analysis:
    """Weighted occurrences of a batch of documents (row = profile * 3 + channel)."""

    names: list[str]  # unigram feature names, local ids index this list
    rows: np.ndarray
    uni: np.ndarray
    weight: np.ndarray
    b_rows: np.ndarray
    b_first: np.ndarray
    b_second: np.ndarray
    b_weight: np.ndarray
    surface_counts: dict[tuple[str, str], int]

    @property
    def surfaces(self) -> dict[str, str]:
        """Most frequent written form of each stem (ties: alphabetical), for reasons."""
        best: dict[str, tuple[int, str]] = {}
        for (name, form), count in self.surface_counts.items():
            old = best.get(name)
            if old is None or count > old[0] or (count == old[0] and form < old[1]):
                best[name] = (count, form)
        return {name: form for name, (_, form) in best.items()}


# Profiles analysed together: bounds the memory of the token arrays at any corpus size.
ANALYSIS_CHUNK = 4096


class Analyser:
    """Turns text into features: concept tokens, word stems and their bigrams."""

    def __init__(self, vocabulary: Vocabulary, weights: Weights):
        self.vocabulary = vocabulary
        self.weights = weights
        matcher = vocabulary._matcher
        self._first = matcher.first
        self._concepts = sorted(vocabulary.concepts)
        self._concept_id = {key: i for i, key in enumerate(self._concepts)}
        self._ancestors = [
            [self._concept_id[a] for a in vocabulary.ancestors(key)] for key in self._concepts
        ]
        # Stems get ids once for the analyser's life, so that concept phrases are id arrays
        # prepared here rather than at every call.
        self._stem_index: dict[str, int] = {}
        self._stem_names: list[str] = []
        self._lock = threading.Lock()
        by_len: dict[int, tuple[list[tuple[int, ...]], list[int]]] = {}
        for phrase, key in matcher.phrases.items():
            ids = tuple(self._stem_id(s) for s in phrase)
            by_len.setdefault(len(ids), ([], []))
            by_len[len(ids)][0].append(ids)
            by_len[len(ids)][1].append(self._concept_id[key])
        self._phrases: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        for length, (phrases, concepts) in by_len.items():
            arr = np.asarray(phrases, dtype=np.int64).reshape(len(phrases), length)
            ph = np.zeros(len(phrases), dtype=np.uint64)
            with np.errstate(over="ignore"):
                for j in range(length):
                    ph = (ph * _MIX) ^ (arr[:, j].astype(np.uint64) + np.uint64(1))
            order = np.argsort(ph)
            self._phrases[length] = (
                ph[order],
                arr[order],
                np.asarray(concepts, dtype=np.int64)[order],
                order,
            )
        self._upper_stems = np.asarray(
            sorted(self._stem_id(p[0]) for p in matcher.upper_only), dtype=np.int64
        )

    def _stem_id(self, stem: str) -> int:
        i = self._stem_index.get(stem)
        if i is None:
            i = self._stem_index[stem] = len(self._stem_names)
            self._stem_names.append(stem)
        return i

    def __getstate__(self):
        return {"vocabulary": self.vocabulary, "weights": self.weights}

    def __setstate__(self, state):
        self.__init__(state["vocabulary"], state["weights"])

    # -- segments ---------------------------------------------------------------------------

    def segments(self, profiles: Sequence[Profile]):
        """(document row, text, weight, strict case) of every piece of text, and the focus
        areas that are concepts as direct (row, concept key, weight) occurrences."""
        w = self.weights
        vocab = self.vocabulary
        segs: list[tuple[int, str, float, bool]] = []
        direct: list[tuple[int, str, float]] = []
        for i, p in enumerate(profiles):
            base = i * CHANNELS
            if p.expertise:
                segs.append((base + EXPERTISE, p.expertise, 1.0, True))
            if w.tags > 0:
                for tag in p.tags:
                    if tag:
                        segs.append((base + EXPERTISE, tag, w.tags, False))
            if w.focus_areas > 0:
                for area in p.focus_areas:
                    if area in vocab:
                        direct.append((base + EXPERTISE, area, w.focus_areas))
                    elif area:
                        text = area.replace("_", " ")
                        segs.append((base + EXPERTISE, text, w.focus_areas, False))
            if p.offer:
                segs.append((base + OFFER, p.offer, 1.0, True))
            if p.looking_for:
                segs.append((base + NEED, p.looking_for, 1.0, True))
        return segs, direct

    # -- analysis ---------------------------------------------------------------------------

    def analyse(self, profiles: Sequence[Profile]) -> Analysis:
        parts = []
        for start in range(0, max(len(profiles), 1), ANALYSIS_CHUNK):
            segs, direct = self.segments(profiles[start : start + ANALYSIS_CHUNK])
            with self._lock:  # the stem table grows as new words are met
                part = self._analyse(segs, direct)
            part.rows += start * CHANNELS
            part.b_rows += start * CHANNELS
            parts.append(part)
        if len(parts) == 1:
            return parts[0]
        counts: dict[tuple[str, str], int] = {}
        for part in parts:
            for key, count in part.surface_counts.items():
                counts[key] = counts.get(key, 0) + count
        # Local ids only grow: the last part's names extend every earlier part's.
        return Analysis(
            names=parts[-1].names,
            rows=np.concatenate([p.rows for p in parts]),
            uni=np.concatenate([p.uni for p in parts]),
            weight=np.concatenate([p.weight for p in parts]),
            b_rows=np.concatenate([p.b_rows for p in parts]),
            b_first=np.concatenate([p.b_first for p in parts]),
            b_second=np.concatenate([p.b_second for p in parts]),
            b_weight=np.concatenate([p.b_weight for p in parts]),
            surface_counts=counts,
        )

    def _analyse(self, segs, direct) -> Analysis:
        tokens_per_seg = [WORD_RE.findall(text) for _, text, _, _ in segs]
        lengths = np.fromiter(map(len, tokens_per_seg), dtype=np.int64, count=len(segs))
        flat = list(chain.from_iterable(tokens_per_seg))
        raw_index = {t: i for i, t in enumerate(dict.fromkeys(flat))}
        raw_ids = np.fromiter(map(raw_index.__getitem__, flat), dtype=np.int64, count=len(flat))
        raws = list(raw_index)
        n_raw = len(raws)

        # Per distinct word: its stem (interned), and what kind of word it is.
        stem_id = self._stem_id
        stem_of = np.empty(n_raw, dtype=np.int64)
        keep_glue = np.ones(n_raw, dtype=bool)  # False: a linking word skipped entirely
        content = np.zeros(n_raw, dtype=bool)  # a word that counts when not in a concept
        upper = np.zeros(n_raw, dtype=bool)
        surface_of: list[str] = []
        first = self._first
        for i, raw in enumerate(raws):
            folded, stemmed = _normalise_word(raw)
            stem_of[i] = stem_id(stemmed)
            if folded in GLUE_WORDS and folded not in first:
                keep_glue[i] = False
            content[i] = folded not in STOP_WORDS and len(folded) > 1 and not folded.isdigit()
            upper[i] = raw.isupper()
            surface_of.append(raw if (upper[i] and len(raw) > 1) else raw.lower())

        seg_of = np.repeat(np.arange(len(segs), dtype=np.int64), lengths)
        kept = keep_glue[raw_ids] if len(raw_ids) else np.zeros(0, dtype=bool)
        raw_ids, seg_of = raw_ids[kept], seg_of[kept]
        stems = stem_of[raw_ids]
        n_tok = len(stems)
        seg_start = np.searchsorted(seg_of, np.arange(len(segs) + 1))
        seg_end_of = seg_start[1:][seg_of] if n_tok else np.zeros(0, np.int64)

        match_len, match_concept = self._match(stems, seg_end_of)
        if n_tok and len(self._upper_stems):
            # Short upper-case abbreviations only count in free text when written in capitals.
            upper_stems = self._upper_stems
            strict = np.fromiter((s[3] for s in segs), dtype=bool, count=len(segs))
            bad = (
                (match_len == 1)
                & strict[seg_of]
                & ~upper[raw_ids]
                & np.isin(stems, upper_stems)
            )
            match_len[bad] = 0
            match_concept[bad] = -1
        selected = self._select(match_len, seg_of)

        # Emitted items in reading order: concept mentions at their first word, content words
        # outside mentions.
        covered = np.zeros(n_tok + 1, dtype=np.int64)
        if len(selected):
            np.add.at(covered, selected, 1)
            np.add.at(covered, selected + match_len[selected], -1)
        inside = np.cumsum(covered[:-1]) > 0
        word_pos = np.flatnonzero(~inside & content[raw_ids]) if n_tok else np.zeros(0, np.int64)
        stem_names = list(self._stem_names)
        n_concepts = len(self._concepts)
        pos = np.concatenate([selected, word_pos])
        feat = np.concatenate([match_concept[selected], n_concepts + stems[word_pos]])
        order = np.argsort(pos, kind="stable")
        pos, feat = pos[order], feat[order]
        item_seg = seg_of[pos]
        seg_rows = np.fromiter((s[0] for s in segs), dtype=np.int64, count=len(segs))
        seg_weight = np.fromiter((s[2] for s in segs), dtype=np.float64, count=len(segs))
        rows = seg_rows[item_seg]
        weight = seg_weight[item_seg]

        # Broader concepts of each mention, at a lower weight.
        extra_rows, extra_feat, extra_w = [], [], []
        broader = self.weights.broader
        if broader > 0 and len(selected):
            m_rows = seg_rows[seg_of[selected]]
            m_w = seg_weight[seg_of[selected]] * broader
            m_c = match_concept[selected].tolist()
            for r, c, wt in zip(m_rows.tolist(), m_c, m_w.tolist(), strict=True):
                for a in self._ancestors[c]:
                    extra_rows.append(r)
                    extra_feat.append(a)
                    extra_w.append(wt)
        concept_id = self._concept_id
        for r, key, wt in direct:
            extra_rows.append(r)
            extra_feat.append(concept_id[key])
            extra_w.append(wt)

        # Bigrams of consecutive items of one segment.
        same = item_seg[1:] == item_seg[:-1] if len(item_seg) else np.zeros(0, dtype=bool)
        b_idx = np.flatnonzero(same)

        # Concepts first: the stem list only grows at its end, so local ids stay valid.
        names = [CONCEPT_PREFIX + key for key in self._concepts] + stem_names
        surface_counts = self._surface_counts(word_pos, stems, raw_ids, stem_names, surface_of)
        i32, f32 = np.int32, np.float32
        return Analysis(
            names=names,
            rows=np.concatenate([rows, np.asarray(extra_rows, dtype=np.int64)]).astype(i32),
            uni=np.concatenate([feat, np.asarray(extra_feat, dtype=np.int64)]).astype(i32),
            weight=np.concatenate([weight, np.asarray(extra_w, dtype=np.float64)]).astype(f32),
            b_rows=rows[b_idx].astype(i32),
            b_first=feat[b_idx].astype(i32),
            b_second=feat[b_idx + 1].astype(i32),
            b_weight=weight[b_idx].astype(f32),
            surface_counts=surface_counts,
        )

    def _match(self, stems: np.ndarray, seg_end: np.ndarray):
        """Longest concept phrase starting at each token (length 0 where none)."""
        n = len(stems)
        match_len = np.zeros(n, dtype=np.int64)
        match_concept = np.full(n, -1, dtype=np.int64)
        if n == 0 or not self._phrases:
            return match_len, match_concept
        s64 = stems.astype(np.uint64)
        h = np.zeros(n, dtype=np.uint64)
        valid = np.ones(n, dtype=bool)
        idx = np.arange(n)
        for length in range(1, max(self._phrases) + 1):
            # h[p] hashes tokens p .. p+length-1 (only where they stay inside the segment).
            shifted = np.zeros(n, dtype=np.uint64)
            if length - 1 < n:
                shifted[: n - length + 1] = s64[length - 1 :]
            with np.errstate(over="ignore"):
                h = (h * _MIX) ^ (shifted + np.uint64(1))
            valid &= idx + length <= seg_end
            if length not in self._phrases:
                continue
            ph_sorted, arr, concepts, _ = self._phrases[length]
            cand = np.flatnonzero(valid)
            at = np.searchsorted(ph_sorted, h[cand])
            at[at >= len(ph_sorted)] = 0
            hit = ph_sorted[at] == h[cand]
            cand, at = cand[hit], at[hit]
            if len(cand) == 0:
                continue
            # Check the words themselves (no trust in the hash alone).
            ok = np.ones(len(cand), dtype=bool)
            for j in range(length):
                ok &= stems[cand + j] == arr[at, j]
            cand, at = cand[ok], at[ok]
            match_len[cand] = length
            match_concept[cand] = concepts[at]
        return match_len, match_concept

    @staticmethod
    def _select(match_len: np.ndarray, seg_of: np.ndarray) -> np.ndarray:
        """Leftmost-longest mentions: a match starting inside an earlier one is dropped."""
        cand = np.flatnonzero(match_len > 0)
        if len(cand) == 0:
            return cand
        ends = cand + match_len[cand]
        prev_end = np.concatenate([[0], np.maximum.accumulate(ends)[:-1]])
        clear = cand >= prev_end  # no earlier match reaches this one: always kept
        if clear.all():
            return cand
        keep = []
        last_end = -1
        for p, e in zip(cand.tolist(), ends.tolist(), strict=True):
            if p >= last_end:
                keep.append(p)
                last_end = e
        return np.asarray(keep, dtype=np.int64)

    @staticmethod
    def _surface_counts(word_pos, stems, raw_ids, stem_names, surface_of):
        """How often each stem is written each way (reasons show the most frequent form)."""
        if len(word_pos) == 0:
            return {}
        pairs = stems[word_pos] * (len(surface_of) + 1) + raw_ids[word_pos]
        uniq, counts = np.unique(pairs, return_counts=True)
        out: dict[tuple[str, str], int] = {}
        for key, count in zip(uniq.tolist(), counts.tolist(), strict=True):
            stem_id, raw_id = divmod(key, len(surface_of) + 1)
            pair = (stem_names[stem_id], surface_of[raw_id])
            out[pair] = out.get(pair, 0) + count
        return out


def _distinct(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort is faster here than NumPy's hash-based unique)."""
    x = np.sort(x)
    return x[np.concatenate([[True], x[1:] != x[:-1]])] if len(x) else x


def _tf(values: np.ndarray) -> np.ndarray:
    # Sublinear tf, continuous below one so fractional (broader-concept) counts stay small.
    return np.where(values >= 1.0, 1.0 + np.log(np.maximum(values, 1.0)), values)


class Vectoriser:
    """Feature index and IDF fitted on a corpus of profiles; transforms without refitting."""

    def __init__(self, analyser: Analyser, min_df: int | None = None, max_df: float = 1.0):
        self.analyser = analyser
        self.min_df = min_df
        self.max_df = max_df
        self.uni_index: dict[str, int] = {}  # unigram name -> column
        self.uni_names: list[str] = []
        self.bi_keys = np.zeros(0, dtype=np.int64)  # sorted first * U + second of kept bigrams
        self.idf = np.zeros(0, dtype=np.float32)
        self.surfaces: dict[str, str] = {}
        self._known: np.ndarray | None = None

    def __getstate__(self):
        # Local ids are the analyser's, renumbered when it is rebuilt on load.
        return {**self.__dict__, "_known": None}

    @property
    def n_features(self) -> int:
        return len(self.uni_names) + len(self.bi_keys)

    def _columns(self, a: Analysis):
        """Local ids of an analysis -> fitted columns (-1 when not a feature)."""
        U = len(self.uni_names)
        local = self._local_columns(a.names)
        uni_cols = local[a.uni] if len(a.uni) else np.zeros(0, np.int64)
        f, s = local[a.b_first], local[a.b_second]
        ok = (f >= 0) & (s >= 0)
        bi_cols = np.full(len(f), -1, dtype=np.int64)
        if ok.any() and len(self.bi_keys):
            keys = f[ok] * U + s[ok]
            at = np.searchsorted(self.bi_keys, keys)
            at[at >= len(self.bi_keys)] = 0
            found = self.bi_keys[at] == keys
            sub = np.full(len(keys), -1, dtype=np.int64)
            sub[found] = U + at[found]
            bi_cols[ok] = sub
        return uni_cols, bi_cols

    def _local_columns(self, names: list[str]) -> np.ndarray:
        """Column of each analyser name; names only grow, so only new ones are looked up."""
        known = self._known
        if known is None or len(known) > len(names):
            known = np.zeros(0, dtype=np.int64)
        if len(known) < len(names):
            get = self.uni_index.get
            new = np.fromiter(
                (get(name, -1) for name in names[len(known) :]),
                dtype=np.int64,
                count=len(names) - len(known),
            )
            known = np.concatenate([known, new])
        self._known = known
        return known

    def fit_transform(self, profiles: Sequence[Profile], progress=None) -> list[sp.csr_matrix]:
        a = self.analyser.analyse(profiles)
        n = len(profiles)
        min_df = self.min_df if self.min_df is not None else (2 if n >= 1000 else 1)
        n_local = len(a.names)
        # Document frequency over profiles (any channel) of unigrams and bigrams.
        uni_pairs = _distinct((a.rows // CHANNELS).astype(np.int64) * n_local + a.uni)
        uni_df = np.bincount(uni_pairs % n_local, minlength=n_local)
        del uni_pairs
        bi_local = a.b_first.astype(np.int64) * n_local + a.b_second
        bi_u, bi_inv = np.unique(bi_local, return_inverse=True)
        bi_pairs = _distinct((a.b_rows // CHANNELS).astype(np.int64) * max(len(bi_u), 1) + bi_inv)
        bi_df = np.bincount(bi_pairs % max(len(bi_u), 1), minlength=len(bi_u))
        max_count = self.max_df * n
        uni_keep = (uni_df >= min_df) & (uni_df <= max_count)
        # Unigram columns in name order; a bigram needs both of its words kept.
        kept_names = sorted(a.names[i] for i in np.flatnonzero(uni_keep))
        self.uni_names = kept_names
        self.uni_index = {name: j for j, name in enumerate(kept_names)}
        self._known = None
        U = len(kept_names)
        local = np.fromiter(
            (self.uni_index.get(name, -1) for name in a.names), dtype=np.int64, count=n_local
        )
        bf, bs = local[bi_u // n_local], local[bi_u % n_local]
        b_ok = (bi_df >= min_df) & (bi_df <= max_count) & (bf >= 0) & (bs >= 0)
        self.bi_keys = np.sort(bf[b_ok] * U + bs[b_ok])
        self.surfaces = {k: v for k, v in a.surfaces.items() if k in self.uni_index}
        mats_tf = self._tf_matrices(a, n)
        # Smooth IDF over profiles: a feature counts once per profile, whatever the channel.
        union = (mats_tf[0] + mats_tf[1] + mats_tf[2]).tocsc()
        df = np.diff(union.indptr)
        self.idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        return [self._weigh(m) for m in mats_tf]

    def transform(self, profiles: Sequence[Profile]) -> list[sp.csr_matrix]:
        """Three l2-normalised matrices (expertise, offer, need), one row per profile."""
        a = self.analyser.analyse(profiles)
        return [self._weigh(m) for m in self._tf_matrices(a, len(profiles))]

    def query(self, text: str, tags: Sequence[str], focus_areas: Sequence[str]) -> sp.csr_matrix:
        p = Profile(
            "query", "public", expertise=text, tags=tuple(tags), focus_areas=tuple(focus_areas)
        )
        return self.transform([p])[EXPERTISE]

    def _tf_matrices(self, a: Analysis, n: int) -> list[sp.csr_matrix]:
        uni_cols, bi_cols = self._columns(a)
        cols = np.concatenate([uni_cols, bi_cols])
        ok = cols >= 0
        rows = np.concatenate([a.rows, a.b_rows])[ok]
        vals = np.concatenate([a.weight, a.b_weight])[ok].astype(np.float64)
        cols = cols[ok].astype(np.int32)
        M = sp.coo_matrix(
            (vals, (rows, cols)), shape=(n * CHANNELS, max(self.n_features, 0))
        ).tocsr()  # sums duplicates
        del rows, cols, vals
        M.data = _tf(M.data)
        return [sp.csr_matrix(M[ch::CHANNELS]) for ch in range(CHANNELS)]

    def _weigh(self, tf: sp.csr_matrix) -> sp.csr_matrix:
        tf = tf.copy()
        if tf.shape[1]:
            tf.data *= self.idf[tf.indices]
            counts = np.diff(tf.indptr)
            rows = np.repeat(np.arange(tf.shape[0]), counts)
            norms = np.sqrt(np.bincount(rows, weights=tf.data**2, minlength=tf.shape[0]))
            tf.data /= np.repeat(np.where(norms > 0, norms, 1.0), counts)
        return sp.csr_matrix(tf, dtype=np.float32)

    def name(self, feature_index: int) -> str:
        U = len(self.uni_names)
        if feature_index < U:
            return self.uni_names[feature_index]
        first, second = divmod(int(self.bi_keys[feature_index - U]), U)
        return self.uni_names[first] + " " + self.uni_names[second]

    def readable(self, feature_index: int) -> tuple[str | None, str]:
        """(concept key or None, readable text) of a feature."""
        parts = self.name(feature_index).split(" ")
        texts = []
        concept = None
        vocab = self.analyser.vocabulary
        for part in parts:
            if part.startswith(CONCEPT_PREFIX):
                key = part[len(CONCEPT_PREFIX) :]
                if len(parts) == 1:
                    concept = key
                texts.append(vocab.label(key, "en") if key in vocab else key)
            else:
                texts.append(self.surfaces.get(part, part))
        return concept, " ".join(texts)

