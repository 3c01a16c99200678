"""How far each family of signals goes on the ctg-dev set, alone and mixed: a ceiling check.

    PYTHONPATH=. python benchmarks/matching_signals.py [--data DIR]

The engine's score is a mix of text and history signals. Before tuning its weights towards a
quality target, this script measures what the signals themselves can give on the evaluation
set, each scored the simplest way (one private x public matrix; p2u ranks its rows, u2p its
columns; known partners are never ranked):

* popularity: the candidate's number of known partners, and the same with each collaboration
  weighted by its recency (half-life in years, from the ``year`` column);
* text: cosine of the engine's expertise vectors, and a pivoted variant (plain TF-IDF whose
  candidate side is divided by its norm to a power below 1, so long descriptions are not
  penalised as much as by the cosine);
* history: the partners of the query's 100 textual look-alikes (the engine's
  ``peer_partners``), of the organisations sharing partners with it (cosine of partner sets)
  and the engine's three-step walk (``network``); a personalised PageRank over the
  collaborations plus text-neighbour edges;
* mixes: the best linear mix of per-query max-normalised signals over a small grid, and a
  logistic regression fitted on the ground truth itself. Both are tuned on the very pairs they
  are scored on, so they are optimistic: if even they stay below a target, no honest weighting
  of these signals reaches it.

Not measured here: weights learnt on a temporal split of the history (fit on collaborations
up to a year, predict the later ones). The profiles were written after that year and describe
those very collaborations, so text finds most of the held-out pairs and the split picks
text-heavy weights that rank the real later partners worse than popularity does. Any cluster's
profiles have the same leak, so such a split cannot tune the engine.

Nothing is written; the figures print with the best baseline's R@10 and the ratios to it.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import quality_metrics as qm
from matching_quality import profiles_of

from matchmaker.matching import MatchingEngine

DEPTH = 50
PEERS = 100


class Signals:
    """The evaluation set as a private x public grid, with the engine's text vectors."""

    def __init__(self, ev: qm.EvalSet, data: Path):
        self.ev = ev
        index = MatchingEngine().fit(profiles_of(ev), history=ev.collaborations)
        private = index._pools[("private", "organisation")]
        public = index._pools[("public", "organisation")]
        self.pk, self.uk = private.keys, public.keys
        self.pi = {k: i for i, k in enumerate(self.pk)}
        self.ui = {k: i for i, k in enumerate(self.uk)}
        self.EP, self.EU = private.E, public.E
        shape = (len(self.pk), len(self.uk))
        self.A = np.zeros(shape, dtype=np.float32)
        self.year = np.zeros(shape, dtype=np.float32)
        with open(data / "collaborations.csv", newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                a, b = row["source_external_id"], row["candidate_external_id"]
                if a in self.ui and b in self.pi:
                    a, b = b, a
                if a in self.pi and b in self.ui:
                    i, j = self.pi[a], self.ui[b]
                    y = float(row["year"])
                    self.year[i, j] = min(self.year[i, j] or y, y)
                    self.A[i, j] = 1.0
        self.deg_p = self.A.sum(axis=1)
        self.deg_u = self.A.sum(axis=0)

    # -- scoring ------------------------------------------------------------------------------

    def evaluate(self, p2u: np.ndarray, u2p: np.ndarray | None = None) -> dict:
        """Rows of ``p2u`` rank public candidates; columns of ``u2p`` private ones."""
        u2p = p2u if u2p is None else u2p
        rankings = {}
        for q in self.ev.queries("p2u"):
            i = self.pi[q]
            rankings[q] = [self.uk[j] for j in _top(p2u[i], self.A[i])]
        for q in self.ev.queries("u2p"):
            j = self.ui[q]
            rankings[q] = [self.pk[i] for i in _top(u2p[:, j], self.A[:, j])]
        return qm.evaluate_both(self.ev, rankings)

    # -- signals ------------------------------------------------------------------------------

    def popularity(self, half_life: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        W = self.A
        if half_life is not None:
            last = self.year.max()
            W = np.where(self.A > 0, 0.5 ** ((last - self.year) / half_life), 0.0)
        du, dp = np.log1p(W.sum(axis=0)), np.log1p(W.sum(axis=1))
        shape = self.A.shape
        return np.broadcast_to(du[None, :], shape), np.broadcast_to(dp[:, None], shape)

    def text(self) -> np.ndarray:
        return (self.EP @ self.EU.T).toarray().astype(np.float32)

    def pivoted_text(self, slope: float) -> tuple[np.ndarray, np.ndarray]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        docs = {
            o["external_id"]: o["description"] + " " + o["tags"].replace(";", " . ")
            for o in self.ev.orgs
        }
        vec = TfidfVectorizer(
            stop_words="english", sublinear_tf=True, min_df=2, max_df=0.5, norm=None
        )
        X = vec.fit_transform([docs[k] for k in self.pk] + [docs[k] for k in self.uk]).tocsr()
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        n_p = len(self.pk)
        raw = (X[:n_p] @ X[n_p:].T).toarray()
        np_, nu = norms[:n_p], norms[n_p:]
        p2u = raw / np_[:, None] / nu[None, :] ** slope
        u2p = raw / nu[None, :] / np_[:, None] ** slope
        return p2u.astype(np.float32), u2p.astype(np.float32)

    def look_alike_partners(self) -> tuple[np.ndarray, np.ndarray]:
        wp = _top_share((self.EP @ self.EP.T).toarray(), PEERS)
        wu = _top_share((self.EU @ self.EU.T).toarray(), PEERS)
        return wp @ self.A, (wu @ self.A.T).T

    def shared_partner_peers(self) -> tuple[np.ndarray, np.ndarray]:
        def peers(M: np.ndarray) -> np.ndarray:
            co = M @ M.T
            np.fill_diagonal(co, 0.0)
            d = np.sqrt(np.maximum(M.sum(axis=1), 1e-12))
            w = co / d[:, None] / d[None, :]
            return w / np.maximum(w.sum(axis=1, keepdims=True), 1e-12)

        return peers(self.A) @ self.A, (peers(self.A.T) @ self.A.T).T

    def three_step_walk(self) -> tuple[np.ndarray, np.ndarray]:
        inv_p = 1.0 / np.maximum(self.deg_p, 1.0)
        inv_u = 1.0 / np.maximum(self.deg_u, 1.0)

        def walk(M: np.ndarray, inv_own: np.ndarray, inv_other: np.ndarray) -> np.ndarray:
            w = (M * inv_own[:, None]) @ (M.T * inv_other[:, None])
            np.fill_diagonal(w, 0.0)
            w = w * inv_own[None, :]
            return w / np.maximum(w.sum(axis=1, keepdims=True), 1e-12)

        return walk(self.A, inv_p, inv_u) @ self.A, (walk(self.A.T, inv_u, inv_p) @ self.A.T).T

    def personalised_pagerank(self, text_edges: float, damping: float = 0.8, neighbours=20):
        """Random walk with restart from each query over collaborations plus, within each
        sector, edges to its ``neighbours`` closest organisations by text."""
        n_p, n_u = self.A.shape
        n = n_p + n_u
        W = np.zeros((n, n), dtype=np.float32)
        W[:n_p, n_p:] = self.A
        W[n_p:, :n_p] = self.A.T
        W[:n_p, :n_p] = text_edges * _knn((self.EP @ self.EP.T).toarray(), neighbours)
        W[n_p:, n_p:] = text_edges * _knn((self.EU @ self.EU.T).toarray(), neighbours)
        step = (W / np.maximum(W.sum(axis=1, keepdims=True), 1e-12)).T.copy()
        starts = [self.pi[q] for q in self.ev.queries("p2u")]
        starts += [n_p + self.ui[q] for q in self.ev.queries("u2p")]
        x = np.zeros((n, len(starts)), dtype=np.float32)
        x[starts, np.arange(len(starts))] = 1.0
        reach = np.zeros_like(x)
        for t in range(1, 13):
            x = step @ x
            reach += damping**t * x
        p2u = np.zeros(self.A.shape, dtype=np.float32)
        u2p = np.zeros(self.A.shape, dtype=np.float32)
        for col, s in enumerate(starts):
            if s < n_p:
                p2u[s] = reach[n_p:, col]
            else:
                u2p[:, s - n_p] = reach[:n_p, col]
        return p2u, u2p


def _top(scores: np.ndarray, known: np.ndarray) -> np.ndarray:
    s = np.where(known > 0, -np.inf, scores.astype(np.float64))
    top = np.argpartition(-s, DEPTH)[:DEPTH]
    return top[np.lexsort((top, -s[top]))]


def _top_share(S: np.ndarray, k: int) -> np.ndarray:
    np.fill_diagonal(S, 0.0)
    idx = np.argpartition(-S, k, axis=1)[:, :k]
    rows = np.arange(S.shape[0])[:, None]
    out = np.zeros_like(S, dtype=np.float32)
    out[rows, idx] = S[rows, idx]
    return out / np.maximum(out.sum(axis=1, keepdims=True), 1e-12)


def _knn(S: np.ndarray, k: int) -> np.ndarray:
    np.fill_diagonal(S, 0.0)
    idx = np.argpartition(-S, k, axis=1)[:, :k]
    rows = np.arange(S.shape[0])[:, None]
    out = np.zeros_like(S, dtype=np.float32)
    out[rows, idx] = S[rows, idx]
    return np.maximum(out, out.T)


def _by_row_max(M: np.ndarray) -> np.ndarray:
    top = M.max(axis=1, keepdims=True)
    return M / np.where(top > 0, top, 1.0)


def _by_col_max(M: np.ndarray) -> np.ndarray:
    top = M.max(axis=0, keepdims=True)
    return M / np.where(top > 0, top, 1.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=qm.DEFAULT_DATA)
    args = ap.parse_args()
    data = Path(args.data)
    ev = qm.load(data)
    baselines = {"popularity": qm.popularity_baseline(ev)}
    baselines["tfidf"], baselines["tfidf_x_popularity"] = qm.tfidf_baselines(ev)
    best = {d: max(b[d]["recall_at_10"] for b in baselines.values()) for d in ("p2u", "u2p")}
    s = Signals(ev, data)

    def show(name: str, m: dict) -> float:
        p, u = m["p2u"], m["u2p"]
        rp, ru = p["recall_at_10"] / best["p2u"], u["recall_at_10"] / best["u2p"]
        print(
            f"{name:44s} {p['recall_at_10']:8.3f} {p['recall_at_50']:6.3f} {p['mrr']:6.3f} "
            f"{u['recall_at_10']:9.3f} {u['recall_at_50']:6.3f} {u['mrr']:6.3f}  "
            f"{rp:5.2f} {ru:5.2f}",
            flush=True,
        )
        return (rp + ru) / 2

    print(
        f"{'signal':44s} {'p2u R@10':>8} {'R@50':>6} {'MRR':>6} {'u2p R@10':>9} {'R@50':>6} "
        f"{'MRR':>6}  ratios to the best baseline (p2u u2p)"
    )
    for name, m in baselines.items():
        show(f"baseline {name}", m)
    pop_p2u, pop_u2p = s.popularity()
    text = s.text()
    # A sliver of popularity orders candidates a signal leaves at zero, as the baselines do.
    tie = 1e-6
    show("popularity", s.evaluate(pop_p2u + tie * text, pop_u2p + tie * text))
    for half_life in (2.0, 5.0):
        p, u = s.popularity(half_life)
        show(f"popularity, recency half-life {half_life:g} y", s.evaluate(p + tie * text, u))
    show("text cosine (engine vectors)", s.evaluate(text))
    for slope in (0.5, 0.0):
        show(f"text pivoted, candidate norm^{slope:g}", s.evaluate(*s.pivoted_text(slope)))
    history = {
        "look-alikes' partners": s.look_alike_partners(),
        "shared-partner peers' partners": s.shared_partner_peers(),
        "three-step walk": s.three_step_walk(),
    }
    for name, (p, u) in history.items():
        show(name, s.evaluate(p + tie * pop_p2u, u + tie * pop_u2p))
    for edges in (0.1, 0.3):
        show(
            f"personalised PageRank, text edges {edges:g}",
            s.evaluate(*s.personalised_pagerank(edges)),
        )

    # Linear mixes of per-query max-normalised signals (tuned on the set: optimistic).
    parts_p2u = [_by_row_max(text), _by_row_max(history["look-alikes' partners"][0])]
    parts_p2u += [_by_row_max(history["shared-partner peers' partners"][0]), _by_row_max(pop_p2u)]
    parts_u2p = [_by_col_max(text), _by_col_max(history["look-alikes' partners"][1])]
    parts_u2p += [_by_col_max(history["shared-partner peers' partners"][1]), _by_col_max(pop_u2p)]
    grid = itertools.product(
        (0.0, 0.25, 1.0), (0.0, 0.5, 1.0, 2.0), (0.0, 0.5, 1.0, 2.0), (0.25, 1.0)
    )
    scored = []
    for weights in grid:
        p2u = sum(w * m for w, m in zip(weights, parts_p2u, strict=True))
        u2p = sum(w * m for w, m in zip(weights, parts_u2p, strict=True))
        m = s.evaluate(p2u, u2p)
        mean = (m["p2u"]["recall_at_10"] / best["p2u"] + m["u2p"]["recall_at_10"] / best["u2p"]) / 2
        scored.append((mean, weights, m))
    scored.sort(key=lambda t: -t[0])
    print("mixes, weights of: text, look-alikes' partners, peers' partners, popularity")
    for _mean, weights, m in scored[:3]:
        show("best mix (in-sample) " + " ".join(f"{w:g}" for w in weights), m)
    show("logistic regression on the truth (in-sample)", _logistic_ceiling(s, parts_p2u, parts_u2p))


def _logistic_ceiling(s: Signals, parts_p2u, parts_u2p) -> dict:
    """Weights fitted on the ground truth itself: what the best weighting could reach."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    truth = np.zeros(s.A.shape, dtype=bool)
    for q in s.ev.queries("p2u"):
        for c in s.ev.truth[q]:
            if c in s.ui:
                truth[s.pi[q], s.ui[c]] = True
    out = []
    for direction, parts, axis in (("p2u", parts_p2u, 0), ("u2p", parts_u2p, 1)):
        X = np.stack(parts, axis=-1)
        queries = s.ev.queries(direction)
        own = s.pi if direction == "p2u" else s.ui
        xs, ys = [], []
        for q in queries:
            i = own[q]
            x, y, known = (
                (X[i], truth[i], s.A[i]) if axis == 0 else (X[:, i], truth[:, i], s.A[:, i])
            )
            pos = np.flatnonzero((known == 0) & y)
            neg = rng.choice(np.flatnonzero((known == 0) & ~y), 300, replace=False)
            xs.append(x[np.r_[pos, neg]])
            ys.append(np.r_[np.ones(len(pos)), np.zeros(len(neg))])
        model = LogisticRegression(max_iter=2000).fit(np.vstack(xs), np.concatenate(ys))
        out.append(X @ model.coef_[0])
    return s.evaluate(out[0], out[1])


if __name__ == "__main__":
    main()
