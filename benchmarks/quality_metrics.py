"""Ranking metrics and baselines of the ctg-dev evaluation set, independent of the engine.

Everything here takes or returns a mapping query external_id -> ranked candidate external_ids,
so suggestions may come from the engine directly or from the app's CSV export.
Definitions follow the set's README: queries are organisations with at least one
ground-truth partner; a list is cleaned (unknown ids, same-sector ids and known partners
dropped, then renumbered) before scoring; recall@k is averaged over queries; MRR uses the
best-ranked ground-truth partner (0 if none).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# The evaluation set stays in the shared folder beside the checkout; it is never copied in.
DEFAULT_DATA = str(Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "ctg-dev")
PRIVATE_KINDS = {"large company", "cdmo", "startup", "sme", "pharma", "investor"}
Rankings = Mapping[str, Sequence[str]]


@dataclass
class EvalSet:
    orgs: list[dict[str, str]]
    sector: dict[str, str]  # external_id -> "private" | "public"
    known: dict[str, set[str]]  # undirected known partners
    truth: dict[str, set[str]]  # undirected ground-truth partners
    collaborations: list[tuple[str, str]]

    def ids(self, sector: str) -> list[str]:
        return [o["external_id"] for o in self.orgs if self.sector[o["external_id"]] == sector]

    def queries(self, direction: str) -> list[str]:
        sector = "private" if direction == "p2u" else "public"
        return [q for q in self.ids(sector) if self.truth.get(q)]


def sector_of_kind(kind: str) -> str:
    return "private" if kind.strip().lower() in PRIVATE_KINDS else "public"


def load(directory: str | Path) -> EvalSet:
    d = Path(directory)
    with open(d / "organisations.csv", newline="", encoding="utf-8") as fh:
        orgs = list(csv.DictReader(fh))
    sector = {o["external_id"]: sector_of_kind(o["kind"]) for o in orgs}
    known: dict[str, set[str]] = {}
    collaborations = []
    with open(d / "collaborations.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            a, b = row["source_external_id"], row["candidate_external_id"]
            collaborations.append((a, b))
            known.setdefault(a, set()).add(b)
            known.setdefault(b, set()).add(a)
    truth: dict[str, set[str]] = {}
    with open(d / "pairs.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            a, b = row["private_external_id"], row["public_external_id"]
            truth.setdefault(a, set()).add(b)
            truth.setdefault(b, set()).add(a)
    return EvalSet(orgs, sector, known, truth, collaborations)


def clean(ev: EvalSet, query: str, ranked: Iterable[str]) -> list[str]:
    own = ev.sector[query]
    known = ev.known.get(query, set())
    out, seen = [], set()
    for c in ranked:
        if c in ev.sector and ev.sector[c] != own and c not in known and c not in seen:
            seen.add(c)
            out.append(c)
    return out


def evaluate(ev: EvalSet, rankings: Rankings, direction: str) -> dict[str, float]:
    queries = ev.queries(direction)
    r10 = r50 = mrr = 0.0
    for q in queries:
        truth = ev.truth[q]
        ranked = clean(ev, q, rankings.get(q, ()))
        r10 += len(truth & set(ranked[:10])) / len(truth)
        r50 += len(truth & set(ranked[:50])) / len(truth)
        for rank, c in enumerate(ranked, 1):
            if c in truth:
                mrr += 1.0 / rank
                break
    n = max(len(queries), 1)
    return {"recall_at_10": r10 / n, "recall_at_50": r50 / n, "mrr": mrr / n}


def evaluate_both(ev: EvalSet, rankings: Rankings) -> dict[str, dict[str, float]]:
    return {d: evaluate(ev, rankings, d) for d in ("p2u", "u2p")}


# -- baselines ----------------------------------------------------------------------------------


def _tie_order(ev: EvalSet, seed: int = 0) -> dict[str, int]:
    ids = [o["external_id"] for o in ev.orgs]
    perm = np.random.default_rng(seed).permutation(len(ids))
    return {ids[i]: int(r) for r, i in enumerate(perm)}


def _rank_by(
    ev: EvalSet,
    score: Mapping[str, Mapping[str, float]] | None,
    prior: Mapping[str, float] | None,
    depth: int,
    secondary=None,
) -> dict[str, list]:
    """Rank every query's candidates by score (desc), then secondary, then a fixed random order."""
    tie = _tie_order(ev)
    out = {}
    for direction in ("p2u", "u2p"):
        other = "public" if direction == "p2u" else "private"
        cands = ev.ids(other)
        for q in ev.queries(direction):
            pool = [c for c in cands if c not in ev.known.get(q, set())]

            def key(c, q=q):
                s = score[q].get(c, 0.0) if score is not None else 0.0
                p = prior.get(c, 0.0) if prior is not None else 0.0
                sec = secondary[q].get(c, 0.0) if secondary is not None else 0.0
                return (-(s if score is not None else p), -sec, tie[c])

            out[q] = sorted(pool, key=key)[:depth]
    return out


def random_baseline(ev: EvalSet, shuffles: int = 20, depth: int = 50) -> dict:
    totals: dict[str, dict[str, float]] = {}
    for seed in range(shuffles):
        rng = np.random.default_rng(seed)
        rankings = {}
        for direction in ("p2u", "u2p"):
            other = "public" if direction == "p2u" else "private"
            cands = ev.ids(other)
            for q in ev.queries(direction):
                pool = [c for c in cands if c not in ev.known.get(q, set())]
                rankings[q] = [pool[i] for i in rng.permutation(len(pool))[:depth]]
        for d, m in evaluate_both(ev, rankings).items():
            for k, v in m.items():
                totals.setdefault(d, {}).setdefault(k, 0.0)
                totals[d][k] += v / shuffles
    return totals


def popularity(ev: EvalSet) -> dict[str, float]:
    return {k: float(len(v)) for k, v in ev.known.items()}


def popularity_baseline(ev: EvalSet, depth: int = 50) -> dict:
    return evaluate_both(ev, _rank_by(ev, None, popularity(ev), depth))


def tfidf_scores(ev: EvalSet) -> dict[str, dict[str, float]]:
    """Cosine of the README's plain TF-IDF over description + tags, query -> candidate."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = [o["external_id"] for o in ev.orgs]
    docs = [o["description"] + " " + o["tags"].replace(";", " ") for o in ev.orgs]
    vec = TfidfVectorizer(
        stop_words="english",
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=2,
        max_df=0.5,
        token_pattern=r"(?u)\b[^\W\d_]\w*\b",
    )
    X = vec.fit_transform(docs)
    row = {k: i for i, k in enumerate(ids)}
    out = {}
    for direction in ("p2u", "u2p"):
        other = "public" if direction == "p2u" else "private"
        cands = ev.ids(other)
        C = X[[row[c] for c in cands]]
        for q in ev.queries(direction):
            s = (C @ X[row[q]].T).toarray().ravel()
            out[q] = dict(zip(cands, s.tolist(), strict=True))
    return out


def tfidf_baselines(ev: EvalSet, depth: int = 50) -> tuple[dict, dict]:
    cos = tfidf_scores(ev)
    plain = evaluate_both(ev, _rank_by(ev, cos, None, depth))
    pop = popularity(ev)
    boosted = {
        q: {c: v * math.log1p(pop.get(c, 0.0)) for c, v in s.items()} for q, s in cos.items()
    }
    combined = evaluate_both(ev, _rank_by(ev, boosted, None, depth, secondary=cos))
    return plain, combined
