"""Fitting, bulk suggestions, single-profile queries and theme ranking."""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from . import kernel
from .model import (
    HISTORY_PEER_CHANNELS,
    SECTORS,
    TEXT_CHANNELS,
    Profile,
    Reason,
    Suggestion,
    Weights,
)
from .vectorise import Analyser, Vectoriser
from .vocabulary import Vocabulary

Progress = Callable[[int, int], None] | None
PairSet = Collection[frozenset[str]] | None

FORMAT_VERSION = 1
REASONS_PER_CHANNEL = 3
# A track record is measured against at least this many partners: one collaboration in a
# young cluster is not the track record of a hub.
MIN_TOP_DEGREE = 20
# Number of look-alike organisations whose partners feed the ``peer_partners`` channel.
PEERS = 100
# Queries whose reasons are computed together when a table is read.
EXPLAIN_CHUNK = 512
# A term is worth showing when it carries at least this share of its channel's score.
REASON_MIN_SHARE = 0.05


def _other(sector: str) -> str:
    return SECTORS[1] if sector == SECTORS[0] else SECTORS[0]


def _empty(n: int, d: int) -> sp.csr_matrix:
    return sp.csr_matrix((n, d), dtype=np.float32)


@dataclass
class _Record:
    key: str
    sector: str
    kind: str
    group: str | None
    parent: str | None


@dataclass
class _Pool:
    """All profiles of one sector and kind, row-aligned matrices."""

    sector: str
    kind: str
    keys: list[str] = field(default_factory=list)
    E: sp.csr_matrix | None = None
    Of: sp.csr_matrix | None = None
    N: sp.csr_matrix | None = None

    def row_of(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.keys)}


@dataclass
class _History:
    """Organisation-level signals derived from the known collaborations."""

    partners: dict[str, set[str]]
    # Per sector: organisation keys in a fixed order (dimension of the peer blocks).
    orgs: dict[str, list[str]]
    org_index: dict[str, dict[str, int]]
    partner_profile: dict[str, sp.csr_matrix]  # key -> 1 x F, l2-normalised
    peers: dict[str, sp.csr_matrix]  # key -> 1 x n_orgs(own sector): shared-partner peers
    text_peers: dict[str, sp.csr_matrix]  # key -> 1 x n_orgs(own sector): look-alike peers
    partner_vec: dict[str, sp.csr_matrix]  # key -> 1 x n_orgs(other sector), 0/1
    popularity: dict[str, float]
    max_degree: int

    @property
    def empty(self) -> bool:
        return not self.partners


class MatchingEngine:
    """Configuration of the matcher; :meth:`fit` returns a queryable :class:`MatchingIndex`."""

    def __init__(
        self,
        vocabulary: Vocabulary | None = None,
        weights: Weights | None = None,
        *,
        min_df: int | None = None,
        max_df: float = 1.0,
    ):
        self.vocabulary = vocabulary if vocabulary is not None else Vocabulary.default()
        self.weights = weights if weights is not None else Weights()
        self.min_df = min_df
        self.max_df = max_df

    def fit(
        self,
        profiles: Iterable[Profile],
        history: Iterable[tuple[str, str]] = (),
        progress: Progress = None,
    ) -> MatchingIndex:
        """Vectorise all profiles and prepare history signals (no suggestions computed yet)."""
        profiles = list(profiles)
        keys = [p.key for p in profiles]
        if len(set(keys)) != len(keys):
            raise ValueError("profile keys must be unique")
        analyser = Analyser(self.vocabulary, self.weights)
        vectoriser = Vectoriser(analyser, min_df=self.min_df, max_df=self.max_df)
        E, Of, N = vectoriser.fit_transform(profiles)
        if progress:
            progress(len(profiles), len(profiles))
        index = MatchingIndex(self.vocabulary, self.weights, vectoriser)
        index._load(profiles, E, Of, N, list(history))
        return index


class MatchingIndex:
    """A fitted corpus: bulk top-k, single-profile suggestions, updates, theme ranking."""

    def __init__(self, vocabulary: Vocabulary, weights: Weights, vectoriser: Vectoriser):
        self.vocabulary = vocabulary
        self.weights = weights
        self.vectoriser = vectoriser
        self._records: dict[str, _Record] = {}
        self._pools: dict[tuple[str, str], _Pool] = {}
        self._history_pairs: set[frozenset[str]] = set()
        self._history: _History | None = None
        self._cache: dict[tuple, object] = {}

    # -- building ---------------------------------------------------------------------------

    def _load(
        self,
        profiles: Sequence[Profile],
        E: sp.csr_matrix,
        Of: sp.csr_matrix,
        N: sp.csr_matrix,
        history: list[tuple[str, str]],
    ) -> None:
        rows = {p.key: i for i, p in enumerate(profiles)}
        E, Of, N = self._inherit(profiles, rows, E, Of, N)
        by_pool: dict[tuple[str, str], list[int]] = {}
        for i, p in enumerate(profiles):
            self._records[p.key] = _Record(p.key, p.sector, p.effective_kind, p.group, p.parent)
            by_pool.setdefault((p.sector, p.effective_kind), []).append(i)
        for (sector, kind), idx in by_pool.items():
            # Rows in key order: ties (broken by row) never depend on the caller's order.
            idx = sorted(idx, key=lambda i: profiles[i].key)
            pool = _Pool(sector, kind, [profiles[i].key for i in idx], E[idx], Of[idx], N[idx])
            self._pools[(sector, kind)] = pool
        self._history_pairs = {frozenset(pair) for pair in history if pair[0] != pair[1]}
        self._history = self._build_history(history)

    def _inherit(self, profiles, rows, E, Of, N):
        """Mix each person's vectors with a share of their organisation's."""
        alpha = self.weights.inherit
        children = [
            (i, rows[p.parent]) for i, p in enumerate(profiles) if p.parent and p.parent in rows
        ]
        if not children or alpha <= 0:
            return E, Of, N
        child = np.array([c for c, _ in children])
        parent = np.array([q for _, q in children])
        out = []
        for M in (E, Of, N):
            M = M.tolil()
            own = sp.csr_matrix(M[child])
            mixed = _mix(own, sp.csr_matrix(M[parent]), alpha)
            for j, c in enumerate(child):
                M[c] = mixed[j]
            out.append(sp.csr_matrix(M, dtype=np.float32))
        return tuple(out)

    def _org_rows(self) -> dict[str, tuple[_Pool, int]]:
        out = {}
        for (_, kind), pool in self._pools.items():
            if kind == "organisation":
                for i, k in enumerate(pool.keys):
                    out[k] = (pool, i)
        return out

    def _build_history(self, history: list[tuple[str, str]]) -> _History:
        recs = self._records
        partners: dict[str, set[str]] = {}
        for pair in history:
            a, b = pair[0], pair[1]
            ra, rb = recs.get(a), recs.get(b)
            # Only cross-sector pairs of known profiles feed the signals.
            if ra is None or rb is None or ra.sector == rb.sector:
                continue
            partners.setdefault(a, set()).add(b)
            partners.setdefault(b, set()).add(a)
        org_rows = self._org_rows()
        orgs = {s: sorted(k for k in org_rows if recs[k].sector == s) for s in SECTORS}
        org_index = {s: {k: i for i, k in enumerate(orgs[s])} for s in SECTORS}
        n_features = self.vectoriser.n_features
        partner_profile, peers, partner_vec, popularity = {}, {}, {}, {}
        text_peers: dict[str, sp.csr_matrix] = {}
        max_degree = max((len(v) for v in partners.values()), default=0)
        for key, ps in partners.items():
            sector = recs[key].sector
            other = _other(sector)
            rows = []
            for p in sorted(ps):
                if p in org_rows:
                    pool, i = org_rows[p]
                    rows.append(pool.E[i])
            pp = sp.vstack(rows).sum(axis=0) if rows else np.zeros((1, n_features))
            partner_profile[key] = _l2rows(sp.csr_matrix(pp, dtype=np.float32))
            cols = sorted(org_index[other][p] for p in ps if p in org_index[other])
            partner_vec[key] = _row_vector(dict.fromkeys(cols, 1.0), len(orgs[other]))
            popularity[key] = math.log1p(len(ps)) / math.log1p(max(max_degree, MIN_TOP_DEGREE))
        # Network peers: organisations of my sector that worked with my partners, weighted as
        # a three-step walk (resource allocation): each partner spreads over its partners,
        # each peer over its own partners, so that hubs do not drown the rest. Weights sum to
        # one, so the network score is a share.
        for key, ps in partners.items():
            sector = recs[key].sector
            acc: dict[int, float] = {}
            for p in ps:
                share = 1.0 / len(partners[p])
                for q in partners[p]:
                    if q != key and q in org_index[sector]:
                        j = org_index[sector][q]
                        acc[j] = acc.get(j, 0.0) + share / len(partners[q])
            total = sum(acc.values())
            if total > 0:
                peers[key] = _row_vector({j: v / total for j, v in acc.items()}, len(orgs[sector]))
        if partners and self.weights.peer_partners > 0:
            for sector in SECTORS:
                text_peers.update(self._text_peers_of_sector(sector, orgs, partners))
        return _History(
            partners,
            orgs,
            org_index,
            partner_profile,
            peers,
            text_peers,
            partner_vec,
            popularity,
            max_degree,
        )

    def _org_matrix(self, sector: str, orgs: Sequence[str]) -> sp.csr_matrix:
        org_rows = self._org_rows()
        F = self.vectoriser.n_features
        rows = [org_rows[k][0].E[org_rows[k][1]] for k in orgs]
        return sp.vstack(rows).tocsr() if rows else _empty(0, F)

    def _text_peers_of_sector(self, sector, orgs, partners) -> dict[str, sp.csr_matrix]:
        """Look-alike peers: the ``PEERS`` organisations of my sector closest to my expertise
        (cosine), weights summing to one; only those with known partners will count."""
        keys = orgs[sector]
        if len(keys) < 2:
            return {}
        E = self._org_matrix(sector, keys)
        k = min(PEERS + 1, len(keys))
        idx, val = kernel.top_k(E, E, k)
        out = {}
        n = len(keys)
        for i, key in enumerate(keys):
            ok = (idx[i] >= 0) & (idx[i] != i)
            cols, vals = idx[i][ok][:PEERS], val[i][ok][:PEERS]
            vec = self._peer_vector(cols, vals, n, partners, keys)
            if vec is not None:
                out[key] = vec
        return out

    @staticmethod
    def _peer_vector(cols, vals, n, partners, keys) -> sp.csr_matrix | None:
        total = float(vals.sum())
        if total <= 0:
            return None
        weights = {int(c): float(v) / total for c, v in zip(cols, vals, strict=True)}
        # Peers without partners add nothing to the score; they are left out of the vector.
        weights = {c: v for c, v in weights.items() if keys[c] in partners}
        return _row_vector(weights, n) if weights else None

    def _text_peers_for(self, profile: Profile, E: sp.csr_matrix) -> sp.csr_matrix | None:
        """Look-alike peers of a profile outside the fitted history (new or edited)."""
        h = self._history
        keys = h.orgs[profile.sector]
        if not keys:
            return None
        cache_key = ("orgE", profile.sector)
        if cache_key not in self._cache:
            self._cache[cache_key] = self._org_matrix(profile.sector, keys)
        M = self._cache[cache_key]
        sims = np.asarray((M @ E.T).toarray()).ravel()
        if profile.key in h.org_index[profile.sector]:
            sims[h.org_index[profile.sector][profile.key]] = -np.inf
        idx, val = _top_of_vector(sims, PEERS, 0.0)
        return self._peer_vector(idx, val, len(keys), h.partners, keys)

    # -- stacked representations ------------------------------------------------------------

    def _hist_rows(self, keys: Sequence[str], parents: Sequence[str | None], what: str, dim: int):
        """History rows for profiles: their own, else their organisation's times ``inherit``."""
        h = self._history
        table = getattr(h, what) if h is not None else {}
        rows, scale = [], []
        for k, p in zip(keys, parents, strict=True):
            if k in table:
                rows.append(table[k])
                scale.append(1.0)
            elif p is not None and p in table:
                rows.append(table[p])
                scale.append(self.weights.inherit)
            else:
                rows.append(None)
                scale.append(0.0)
        if not any(r is not None for r in rows):
            return _empty(len(keys), dim)
        blank = _empty(1, dim)
        M = sp.vstack([r if r is not None else blank for r in rows]).tocsr()
        return sp.csr_matrix(sp.diags(np.asarray(scale, np.float32)) @ M, dtype=np.float32)

    def _popularity(self, keys: Sequence[str], parents: Sequence[str | None]) -> np.ndarray:
        h = self._history
        pop = h.popularity if h is not None else {}
        out = np.zeros(len(keys), dtype=np.float32)
        for i, (k, p) in enumerate(zip(keys, parents, strict=True)):
            if k in pop:
                out[i] = pop[k]
            elif p is not None and p in pop:
                out[i] = pop[p] * self.weights.inherit
        return out

    def _blocks(
        self,
        sector: str,
        keys: Sequence[str],
        parents: Sequence[str | None],
        E: sp.csr_matrix,
        Of: sp.csr_matrix,
        N: sp.csr_matrix,
        role: str,
        text_peers: sp.csr_matrix | None = None,
    ) -> list[tuple[str, sp.csr_matrix]]:
        """Channel blocks of profiles of ``sector`` acting as query or as candidate.

        Query and candidate blocks line up so that their dot product is the weighted score.
        ``text_peers`` replaces the fitted look-alike peers (a profile outside the fit).
        """
        w = self.weights
        F = self.vectoriser.n_features
        h = self._history
        has_hist = h is not None and not h.empty
        blocks: list[tuple[str, sp.csr_matrix]] = []
        if role == "query":
            spec = [
                ("expertise", lambda: E),
                ("offer_to_need", lambda: N),
                ("need_to_offer", lambda: Of),
                ("similar_partners", lambda: self._hist_rows(keys, parents, "partner_profile", F)),
            ]
        else:
            spec = [
                ("expertise", lambda: E),
                ("offer_to_need", lambda: Of),
                ("need_to_offer", lambda: N),
                ("similar_partners", lambda: E),
            ]
        for name, make in spec:
            weight = w.channel(name)
            if weight <= 0 or (name == "similar_partners" and not has_hist):
                continue
            M = make()
            blocks.append((name, M * np.float32(weight) if role == "query" else M))
        if not has_hist:
            return blocks
        # History channels: the query's peers (organisations of its sector) against the
        # candidate's partners (the same organisations).
        for name, table in (("network", "peers"), ("peer_partners", "text_peers")):
            weight = w.channel(name)
            if weight <= 0:
                continue
            if role == "query":
                dim = len(h.orgs[sector])
                if name == "peer_partners" and text_peers is not None:
                    M = text_peers
                else:
                    M = self._hist_rows(keys, parents, table, dim)
                M = M * np.float32(weight)
            else:
                M = self._hist_rows(keys, parents, "partner_vec", len(h.orgs[_other(sector)]))
            blocks.append((name, sp.csr_matrix(M, dtype=np.float32)))
        return blocks

    def _symmetric(self) -> bool:
        """Whether score(a -> b) equals score(b -> a) for every pair, so that one product
        serves both directions: true when the two complementarity weights are equal and no
        directional history channel is on (the track record is a per-direction bias)."""
        w = self.weights
        h = self._history
        directional = h is not None and not h.empty and (
            w.similar_partners > 0 or w.network > 0 or w.peer_partners > 0
        )
        return w.offer_to_need == w.need_to_offer and not directional

    def _pool_parents(self, pool: _Pool) -> list[str | None]:
        return [self._records[k].parent for k in pool.keys]

    def _stack(self, pool: _Pool, role: str):
        key = ("stack", pool.sector, pool.kind, role)
        if key not in self._cache:
            blocks = self._blocks(
                pool.sector, pool.keys, self._pool_parents(pool), pool.E, pool.Of, pool.N, role
            )
            M, layout = _hstack(blocks, len(pool.keys))
            self._cache[key] = (M, layout)
        return self._cache[key]

    def _bias(self, pool: _Pool) -> np.ndarray | None:
        if self.weights.track_record <= 0 or self._history is None or self._history.empty:
            return None
        key = ("bias", pool.sector, pool.kind)
        if key not in self._cache:
            pop = self._popularity(pool.keys, self._pool_parents(pool))
            self._cache[key] = pop * np.float32(self.weights.track_record)
        return self._cache[key]

    def _inverted(self, pool: _Pool) -> sp.csc_matrix:
        key = ("csc", pool.sector, pool.kind)
        if key not in self._cache:
            self._cache[key] = self._stack(pool, "candidate")[0].tocsc()
        return self._cache[key]

    # -- bulk suggestions -------------------------------------------------------------------

    def _exclusions(self, qpool: _Pool, cpool: _Pool, exclude: PairSet) -> sp.csr_matrix | None:
        qrow, crow = qpool.row_of(), cpool.row_of()
        rows: list[int] = []
        cols: list[int] = []
        groups: dict[str, list[int]] = {}
        for i, k in enumerate(cpool.keys):
            g = self._records[k].group
            if g is not None:
                groups.setdefault(g, []).append(i)
        for i, k in enumerate(qpool.keys):
            g = self._records[k].group
            for j in groups.get(g, ()) if g is not None else ():
                rows.append(i)
                cols.append(j)
        for pair in list(self._history_pairs) + list(exclude or ()):
            if len(pair) != 2:
                continue
            a, b = tuple(pair)
            for x, y in ((a, b), (b, a)):
                if x in qrow and y in crow:
                    rows.append(qrow[x])
                    cols.append(crow[y])
        if not rows:
            return None
        return sp.csr_matrix(
            (np.ones(len(rows), bool), (rows, cols)), shape=(len(qpool.keys), len(cpool.keys))
        )

    def top_k(
        self,
        k: int = 10,
        exclude: PairSet = None,
        progress: Progress = None,
        min_score: float = 0.0,
    ) -> SuggestionTable:
        """Top k cross-sector suggestions for every profile, both directions at once.

        Returns a lazy mapping key -> list of :class:`Suggestion` (reasons are computed when
        a key is read, so storing 100k lists does not hold them all in memory at once).
        """
        pairs = []
        for (sector, kind), qpool in sorted(self._pools.items()):
            cpool = self._pools.get((_other(sector), kind))
            if cpool is not None and qpool.keys and cpool.keys:
                pairs.append((qpool, cpool))
        symmetric = self._symmetric()
        if symmetric:
            # One product per kind: rows are one sector's suggestions, columns the other's.
            pairs = [(q, c) for q, c in pairs if q.sector == SECTORS[0]]
        total = sum(len(q.keys) + (len(c.keys) if symmetric else 0) for q, c in pairs)
        done = 0
        directions = []
        for qpool, cpool in pairs:
            Q, _ = self._stack(qpool, "query")
            C, _ = self._stack(cpool, "candidate")
            offset = done
            share = len(qpool.keys) + (len(cpool.keys) if symmetric else 0)

            def report(d, t, offset=offset, share=share):
                if progress:
                    progress(offset + round(share * d / max(t, 1)), total)

            rows, cols = kernel.top_k_both(
                Q,
                C,
                k,
                row_bias=self._bias(cpool),
                col_bias=self._bias(qpool) if symmetric else None,
                exclude=self._exclusions(qpool, cpool, exclude),
                min_score=min_score,
                columns=symmetric,
                progress=report,
            )
            directions.append((qpool, cpool, *rows))
            if cols is not None:
                directions.append((cpool, qpool, *cols))
            done += share
        if progress and total == 0:
            progress(0, 0)
        return SuggestionTable(self, directions)

    # -- single profile ---------------------------------------------------------------------

    def _profile_rows(self, profile: Profile):
        E, Of, N = self.vectoriser.transform([profile])
        parent = profile.parent
        if parent and parent in self._records and self.weights.inherit > 0:
            rec = self._records[parent]
            pool = self._pools[(rec.sector, rec.kind)]
            i = self._pool_index(pool)[0][parent]
            alpha = self.weights.inherit
            E = _mix(E, pool.E[i], alpha)
            Of = _mix(Of, pool.Of[i], alpha)
            N = _mix(N, pool.N[i], alpha)
        return E, Of, N

    def suggest(
        self, profile: Profile, k: int = 10, exclude: PairSet = None, min_score: float = 0.0
    ) -> list[Suggestion]:
        """Suggestions for one (new or edited) profile against the fitted index, no refit.

        The profile is vectorised with the fitted features and IDF; for a profile already in
        the index with unchanged content this gives the same list as :meth:`top_k`.
        """
        cpool = self._pools.get((_other(profile.sector), profile.effective_kind))
        if cpool is None or not cpool.keys:
            return []
        E, Of, N = self._profile_rows(profile)
        h = self._history
        text_peers = None
        if (
            h is not None
            and not h.empty
            and self.weights.peer_partners > 0
            and profile.effective_kind == "organisation"
            and profile.key not in h.text_peers
        ):
            text_peers = self._text_peers_for(profile, E)
            if text_peers is None:
                text_peers = _empty(1, len(h.orgs[profile.sector]))
        blocks = self._blocks(
            profile.sector, [profile.key], [profile.parent], E, Of, N, "query", text_peers
        )
        q, _ = _hstack(blocks, 1)
        C = self._inverted(cpool)
        scores = _score_one(q, C)
        bias = self._bias(cpool)
        if bias is not None:
            scores += bias
        banned = self._banned_for(profile, cpool, exclude)
        if banned:
            scores[list(banned)] = -np.inf
        idx, val = _top_of_vector(scores, k, min_score)
        qpool_key = (profile.sector, profile.effective_kind)
        return self._explain_one(
            q,
            blocks_layout(blocks),
            cpool,
            idx,
            val,
            query_parent=profile.parent,
            query_pool=qpool_key,
        )

    def _pool_index(self, pool: _Pool):
        """Row of each key and rows of each group in a pool (cached until the next update)."""
        key = ("rows", pool.sector, pool.kind)
        if key not in self._cache:
            rows = pool.row_of()
            groups: dict[str, list[int]] = {}
            for i, k in enumerate(pool.keys):
                g = self._records[k].group
                if g is not None:
                    groups.setdefault(g, []).append(i)
            partners: dict[str, set[str]] = {}
            for pair in self._history_pairs:
                a, b = tuple(pair)
                partners.setdefault(a, set()).add(b)
                partners.setdefault(b, set()).add(a)
            self._cache[key] = (rows, groups, partners)
        return self._cache[key]

    def _banned_for(self, profile: Profile, cpool: _Pool, exclude: PairSet) -> set[int]:
        rows, groups, history = self._pool_index(cpool)
        banned = set(groups.get(profile.group, ())) if profile.group is not None else set()
        others = set(history.get(profile.key, ()))
        for pair in exclude or ():
            if profile.key in pair and len(pair) == 2:
                others |= pair - {profile.key}
        banned |= {rows[o] for o in others if o in rows}
        return banned

    def upsert(self, profile: Profile) -> None:
        """Add or replace one profile; later queries see it. IDF and features stay fitted."""
        if profile.key in self._records:
            self.remove(profile.key)
        E, Of, N = self._profile_rows(profile)
        pkey = (profile.sector, profile.effective_kind)
        pool = self._pools.get(pkey)
        if pool is None:
            F = self.vectoriser.n_features
            pool = _Pool(
                profile.sector, profile.effective_kind, [], _empty(0, F), _empty(0, F), _empty(0, F)
            )
            self._pools[pkey] = pool
        pool.keys.append(profile.key)
        pool.E = sp.vstack([pool.E, E]).tocsr()
        pool.Of = sp.vstack([pool.Of, Of]).tocsr()
        pool.N = sp.vstack([pool.N, N]).tocsr()
        self._records[profile.key] = _Record(
            profile.key, profile.sector, profile.effective_kind, profile.group, profile.parent
        )
        self._cache.clear()

    def remove(self, key: str) -> None:
        """Drop a profile (withdrawn consent, deleted account); unknown keys are ignored."""
        rec = self._records.pop(key, None)
        if rec is None:
            return
        pool = self._pools[(rec.sector, rec.kind)]
        i = pool.keys.index(key)
        keep = np.r_[0:i, i + 1 : len(pool.keys)]
        pool.keys.pop(i)
        pool.E, pool.Of, pool.N = pool.E[keep], pool.Of[keep], pool.N[keep]
        self._cache.clear()

    def __contains__(self, key: object) -> bool:
        return key in self._records

    def __len__(self) -> int:
        return len(self._records)

    # -- theme relevance --------------------------------------------------------------------

    def rank_query(
        self,
        text: str = "",
        tags: Sequence[str] = (),
        focus_areas: Sequence[str] = (),
        sector: str | None = None,
        kind: str | None = None,
        k: int | None = None,
        candidates: Collection[str] | None = None,
    ) -> list[Suggestion]:
        """Profiles ranked by relevance to a theme (text, tags, focus areas), with reasons.

        Score = expertise weight * cos(theme, expertise) + offer weight * cos(theme, offer),
        the offer weight being ``Weights.offer_to_need``. Profiles scoring zero come last (in
        key order) when ``k`` is None, so that every given profile gets a rank.
        """
        q = self.vectoriser.query(text, tags, focus_areas)
        w = self.weights
        results: list[Suggestion] = []
        for (s, kd), pool in sorted(self._pools.items()):
            if (sector and s != sector) or (kind and kd != kind) or not pool.keys:
                continue
            blocks = [("expertise", q * np.float32(w.expertise))]
            cblocks = [("expertise", pool.E)]
            if w.offer_to_need > 0:
                blocks.append(("offer_to_need", q * np.float32(w.offer_to_need)))
                cblocks.append(("offer_to_need", pool.Of))
            qs, layout = _hstack(blocks, 1)
            C, _ = _hstack(cblocks, len(pool.keys))
            scores = np.asarray((C @ qs.T).toarray()).ravel()
            rows = range(len(pool.keys))
            if candidates is not None:
                wanted = set(candidates)
                rows = [i for i in rows if pool.keys[i] in wanted]
            rows = np.asarray(list(rows), dtype=np.int64)
            if len(rows) == 0:
                continue
            expl = self._explain_rows(qs, layout, C, rows, scores[rows], pool, None)
            results.extend(expl)
        results.sort(key=lambda s: (-s.score, s.candidate))
        return results if k is None else results[:k]

    # -- explanations -----------------------------------------------------------------------

    def _explain_one(self, q, layout, cpool, idx, val, query_parent, query_pool):
        if len(idx) == 0:
            return []
        C = self._stack(cpool, "candidate")[0]
        return self._explain_rows(q, layout, C, idx, val, cpool, self._bias(cpool))

    def _explain_rows(self, q, layout, C, idx, val, cpool, bias) -> list[Suggestion]:
        idx = np.asarray(idx, dtype=np.int64)
        q_rows = np.zeros(len(idx), dtype=np.int64)
        return self._explain_pairs(q, q_rows, C, idx, np.asarray(val), layout, cpool, bias)[0]

    def _explain_pairs(
        self, Q, q_rows, C, c_rows, scores, layout, cpool, bias, groups=None
    ) -> list[list[Suggestion]]:
        """Suggestions with reasons for many (query row, candidate row) pairs at once.

        The element-wise product of the two stacked rows holds each feature's share of the
        score; per pair and channel, the channel's total and its top features are read off
        with array operations. ``groups`` (ascending, one per pair) splits the output into
        one list per query; by default all pairs form one list.
        """
        n = len(c_rows)
        if groups is None:
            groups = np.zeros(n, dtype=np.int64)
        n_groups = int(groups[-1]) + 1 if n else 0
        out: list[list[Suggestion]] = [[] for _ in range(n_groups)]
        if n == 0:
            return out
        P = sp.csr_matrix(Q[q_rows].multiply(C[c_rows]), dtype=np.float64)
        P.eliminate_zeros()
        pair = np.repeat(np.arange(n), np.diff(P.indptr))
        cols, vals = P.indices.astype(np.int64), P.data
        starts = np.array([lo for _, lo, _ in layout] + [C.shape[1]], dtype=np.int64)
        channel = np.searchsorted(starts, cols, side="right") - 1
        n_ch = max(len(layout), 1)
        group = pair * n_ch + channel
        totals = np.bincount(group, weights=vals, minlength=n * n_ch)
        # Top features per (pair, channel): by value, ties by feature.
        order = np.lexsort((cols, -vals, group))
        g_sorted = group[order]
        first = np.searchsorted(g_sorted, g_sorted)
        rank = np.arange(len(order)) - first
        pick = order[
            (rank < REASONS_PER_CHANNEL) & (vals[order] >= REASON_MIN_SHARE * totals[g_sorted])
        ]
        names = [name for name, _, _ in layout]
        F = self.vectoriser.n_features
        h = self._history
        orgs = h.orgs.get(_other(cpool.sector), []) if h is not None else []
        readable = self._readable_cache()
        reasons_of: dict[int, list[Reason]] = {}
        # Plain Python scalars from here: the loops below run once per reason and per pair.
        p_channel = channel[pick].tolist()
        p_feature = (cols[pick] - starts[channel[pick]]).tolist()
        p_value = vals[pick].tolist()
        p_pair = pair[pick].tolist()
        for ch, feature, value, r in zip(p_channel, p_feature, p_value, p_pair, strict=True):
            name = names[ch]
            if name in TEXT_CHANNELS and feature < F:
                term_of = readable.get(feature)
                if term_of is None:
                    term_of = readable[feature] = self.vectoriser.readable(feature)
                concept, term = term_of
            elif name in HISTORY_PEER_CHANNELS:
                concept, term = None, orgs[feature] if feature < len(orgs) else ""
            else:
                continue
            reasons_of.setdefault(r, []).append(Reason(name, concept, term, value))
        totals = totals.reshape(n, n_ch).round(6).tolist()
        partners = h.partners if h is not None else {}
        bias_l = bias.tolist() if bias is not None else None
        keys = cpool.keys
        n_names = len(names)
        for r, (c, score, g) in enumerate(
            zip(c_rows.tolist(), np.asarray(scores).tolist(), groups.tolist(), strict=True)
        ):
            row = totals[r]
            channels = {names[ch]: row[ch] for ch in range(n_names) if row[ch] > 0}
            reasons = reasons_of.get(r, [])
            if bias_l is not None and bias_l[c] > 0:
                channels["track_record"] = round(bias_l[c], 6)
                count = len(partners.get(keys[c], ()))
                if count == 0:
                    parent = self._records[keys[c]].parent
                    count = len(partners.get(parent, ())) if parent else 0
                reasons = [*reasons, Reason("track_record", None, str(count), bias_l[c])]
            out[g].append(Suggestion(keys[c], score, channels, reasons))
        return out

    def _readable_cache(self) -> dict[int, tuple[str | None, str]]:
        cache = self._cache.get("readable")
        if cache is None:
            cache = self._cache["readable"] = {}
        return cache  # type: ignore[return-value]

    # -- persistence ------------------------------------------------------------------------

    def dump(self, path: str | Path) -> None:
        """Save the fitted index (pickle). Load it only from files you wrote yourself."""
        self._cache.clear()
        with open(path, "wb") as fh:
            pickle.dump((FORMAT_VERSION, self), fh, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def load(path: str | Path) -> MatchingIndex:
        with open(path, "rb") as fh:
            version, index = pickle.load(fh)
        if version != FORMAT_VERSION or not isinstance(index, MatchingIndex):
            raise ValueError(f"{path}: not a matching index of format {FORMAT_VERSION}")
        return index


class SuggestionTable(Mapping[str, list[Suggestion]]):
    """Lazy result of :meth:`MatchingIndex.top_k`: key -> suggestions, best first."""

    def __init__(self, index: MatchingIndex, directions):
        self._index = index
        self._where: dict[str, tuple[int, int]] = {}
        self._directions = directions
        self._chunks: dict[int, tuple[int, list[list[Suggestion]]]] = {}
        for d, (qpool, _, _, _) in enumerate(directions):
            for i, key in enumerate(qpool.keys):
                self._where[key] = (d, i)

    def __getitem__(self, key: str) -> list[Suggestion]:
        d, i = self._where[key]
        chunk = i // EXPLAIN_CHUNK
        cached = self._chunks.get(d)
        if cached is None or cached[0] != chunk:
            cached = (chunk, self._explain_chunk(d, chunk))
            self._chunks[d] = cached
        return cached[1][i - chunk * EXPLAIN_CHUNK]

    def _explain_chunk(self, d: int, chunk: int) -> list[list[Suggestion]]:
        """Reasons of a run of consecutive queries, computed together (reading the table in
        its own order costs one batch per ``EXPLAIN_CHUNK`` queries)."""
        index = self._index
        qpool, cpool, idx, val = self._directions[d]
        lo = chunk * EXPLAIN_CHUNK
        hi = min(lo + EXPLAIN_CHUNK, len(qpool.keys))
        block, scores = idx[lo:hi], val[lo:hi]
        ok = block >= 0
        groups = np.repeat(np.arange(hi - lo), ok.sum(axis=1))
        q_rows = groups + lo
        Q, layout = index._stack(qpool, "query")
        C = index._stack(cpool, "candidate")[0]
        out = index._explain_pairs(
            Q, q_rows, C, block[ok], scores[ok], layout, cpool, index._bias(cpool), groups
        )
        out += [[] for _ in range(hi - lo - len(out))]
        return out

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __contains__(self, key: object) -> bool:
        return key in self._where

    def __len__(self) -> int:
        return len(self._where)

    def candidates(self, key: str) -> list[tuple[str, float]]:
        """(candidate key, score) pairs without computing reasons (fast path for storage)."""
        d, i = self._where[key]
        _, cpool, idx, val = self._directions[d]
        return [(cpool.keys[c], float(v)) for c, v in zip(idx[i], val[i], strict=True) if c >= 0]


# -- helpers ------------------------------------------------------------------------------------


def _mix(own: sp.csr_matrix, parent: sp.csr_matrix, alpha: float) -> sp.csr_matrix:
    """Rows of ``(1 - alpha) * own + alpha * parent``, renormalised; empty own -> parent."""
    own = sp.csr_matrix(own, dtype=np.float32)
    parent = sp.csr_matrix(parent, dtype=np.float32)
    has_own = np.diff(own.indptr) > 0
    w_own = np.where(has_own, 1.0 - alpha, 0.0).astype(np.float32)
    w_par = np.where(has_own, alpha, 1.0).astype(np.float32)
    mixed = sp.diags(w_own) @ own + sp.diags(w_par) @ parent
    return _l2rows(sp.csr_matrix(mixed, dtype=np.float32))


def _l2rows(M: sp.csr_matrix) -> sp.csr_matrix:
    M = sp.csr_matrix(M, dtype=np.float32, copy=True)
    counts = np.diff(M.indptr)
    rows = np.repeat(np.arange(M.shape[0]), counts)
    norms = np.sqrt(np.bincount(rows, weights=M.data.astype(np.float64) ** 2, minlength=M.shape[0]))
    M.data /= np.repeat(np.where(norms > 0, norms, 1.0), counts).astype(np.float32)
    return M


def _row_vector(weights: dict[int, float], n: int) -> sp.csr_matrix:
    cols = sorted(weights)
    return sp.csr_matrix(
        (
            np.asarray([weights[c] for c in cols], dtype=np.float32),
            np.asarray(cols, dtype=np.int32),
            np.array([0, len(cols)]),
        ),
        shape=(1, n),
    )


def _hstack(blocks: list[tuple[str, sp.csr_matrix]], n_rows: int):
    if not blocks:
        return _empty(n_rows, 0), []
    M = sp.hstack([b for _, b in blocks], format="csr", dtype=np.float32)
    return M, blocks_layout(blocks)


def blocks_layout(blocks: list[tuple[str, sp.csr_matrix]]) -> list[tuple[str, int, int]]:
    layout, lo = [], 0
    for name, b in blocks:
        layout.append((name, lo, lo + b.shape[1]))
        lo += b.shape[1]
    return layout


def _score_one(q: sp.csr_matrix, C: sp.csc_matrix) -> np.ndarray:
    """Scores of one query row against every candidate through the inverted index (CSC)."""
    q = sp.csr_matrix(q)
    feats, weights = q.indices, q.data
    starts = C.indptr[feats]
    lengths = C.indptr[feats + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(C.shape[0], dtype=np.float32)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    contrib = C.data[offsets] * np.repeat(weights, lengths)
    return np.bincount(C.indices[offsets], weights=contrib, minlength=C.shape[0]).astype(np.float32)


def _top_of_vector(scores: np.ndarray, k: int, min_score: float):
    n = len(scores)
    if n == 0 or k <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    cand = np.argpartition(-scores, k - 1)[:k] if n > k else np.arange(n)
    kth = scores[cand].min()
    pool = np.flatnonzero(scores >= kth)  # keep every tie at the k-th place
    pool = pool[(scores[pool] > min_score) & np.isfinite(scores[pool])]
    order = np.lexsort((pool, -scores[pool]))[:k]
    return pool[order], scores[pool[order]].astype(np.float32)
