"""Speed of the matching engine on synthetic profiles, against two references.

    PYTHONPATH=. python benchmarks/matching_speed.py --n 1000 10000 100000 [--json]

For each n: n synthetic profiles (half public, half private) whose texts mix concept terms of
the shipped vocabulary (around a few topics per profile) with general words drawn from a
Zipf law, about 100 distinct terms each. One subprocess runs the engine alone (its peak
memory is the engine's): fit (vectorising), all top-10 suggestions both ways, and the median
latency of ``suggest`` for new profiles. It saves the stacked matrices it scored; a second
subprocess computes the same top-10 on those matrices with sparse_dot_topn
(``sp_matmul_topn``, n_threads=os.cpu_count()) and with a chunked SciPy product +
argpartition, and compares.

Identical means: for every query, the same candidate set as each reference, except that
candidates tied with the k-th score (within 1e-5, float32 rounding of different summation
orders) may differ. The engine breaks exact ties by candidate order; the references do not
define an order for ties.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

K = 10
TIE_TOL = 1e-5


def _general_words(n_words: int, rng: np.random.Generator) -> list[str]:
    syll = [
        "ka",
        "lo",
        "mi",
        "ner",
        "to",
        "va",
        "sul",
        "pri",
        "den",
        "ro",
        "ta",
        "bel",
        "cu",
        "fo",
        "gra",
        "in",
        "zo",
        "pel",
        "mar",
        "sti",
        "ven",
        "qua",
        "bri",
        "dor",
    ]
    out, seen = [], set()
    while len(out) < n_words:
        w = "".join(rng.choice(syll, size=rng.integers(2, 5)))
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def make_profiles(n: int, seed: int = 0):
    from matchmaker.matching import Profile, Vocabulary

    rng = np.random.default_rng(seed)
    vocab = Vocabulary.default()
    concepts = list(vocab.concepts.values())
    # Topics: groups of related concepts (a concept and the ones sharing a broader parent).
    terms_of = [[c.label_en, c.label_fr, *c.terms] for c in concepts]
    general = np.asarray(_general_words(6000, rng))
    p = 1.0 / np.arange(1, len(general) + 1) ** 1.05
    p /= p.sum()
    # All general words at once (drawing them profile by profile dominates the run time).
    words_all = general[rng.choice(len(general), size=(n, 85), p=p)]
    profiles = []
    for i in range(n):
        topics = rng.choice(len(concepts), size=rng.integers(3, 9), replace=False)
        parts = []
        for t in topics:
            terms = terms_of[t]
            picked = rng.choice(len(terms), size=min(len(terms), rng.integers(1, 4)), replace=False)
            parts.extend(terms[j] for j in picked)
        words = words_all[i].tolist()
        text = " ".join(words[:60] + parts)
        offer = " ".join(words[60:75] + parts[:2])
        need_terms = terms_of[rng.integers(len(concepts))]
        need = " ".join([*words[75:], need_terms[rng.integers(len(need_terms))]])
        tags = list(parts[:3])
        sector = "public" if i % 2 else "private"
        profiles.append(
            Profile(
                f"o:{i}",
                sector,
                group=f"o:{i}",
                expertise=text,
                tags=tags,
                offer=offer,
                looking_for=need,
            )
        )
    return profiles


def run_engine(n: int, out_dir: Path) -> dict:
    from matchmaker.matching import MatchingEngine, Profile

    profiles = make_profiles(n)
    fresh = make_profiles(200, seed=99)
    t0 = time.perf_counter()
    index = MatchingEngine().fit(profiles)
    vectorise_s = time.perf_counter() - t0
    # The index keeps no reference to the input texts; neither does a service once it has
    # fitted, so the peak below is the engine's, not the harness's copy of 100k profiles.
    del profiles
    t0 = time.perf_counter()
    table = index.top_k(k=K)
    build_s = time.perf_counter() - t0
    # Materialising suggestions with reasons, as a service storing them would (reading the
    # table in order), timed on the first 2,000 profiles and extrapolated.
    sample = list(table)[: min(2000, len(table))]
    t0 = time.perf_counter()
    for key in sample:
        table[key]
    reasons_s = (time.perf_counter() - t0) * len(table) / len(sample)
    latencies = []
    for j, p in enumerate(fresh):
        q = Profile(
            f"new:{j}",
            p.sector,
            group=f"new:{j}",
            expertise=p.expertise,
            tags=p.tags,
            offer=p.offer,
            looking_for=p.looking_for,
        )
        t0 = time.perf_counter()
        index.suggest(q, k=K)
        latencies.append((time.perf_counter() - t0) * 1000)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Save what was scored, for the references.
    arrays = {}
    for d, (qpool, cpool, idx, val) in enumerate(table._directions):
        Q, _ = index._stack(qpool, "query")
        C, _ = index._stack(cpool, "candidate")
        sp.save_npz(out_dir / f"Q{d}.npz", Q)
        sp.save_npz(out_dir / f"C{d}.npz", C)
        arrays[f"idx{d}"] = idx
        arrays[f"val{d}"] = val
    np.savez(out_dir / "engine.npz", **arrays)
    return {
        "n": n,
        "vectorise_s": round(vectorise_s, 2),
        "build_s": round(build_s, 2),
        "reasons_s": round(reasons_s, 2),
        "query_ms": round(statistics.median(latencies), 2),
        "query_p95_ms": round(float(np.percentile(latencies, 95)), 2),
        "peak_mb": round(peak_mb),
        "directions": len(table._directions),
        "features": index.vectoriser.n_features,
    }


def _topk_sdt(Q, C):
    from sparse_dot_topn import sp_matmul_topn

    R = sp_matmul_topn(Q, C.T.tocsr(), top_n=K, n_threads=os.cpu_count()).tocsr()
    return R


def _topk_scipy(Q, C, chunk=2000):
    CT = C.T.tocsr()
    idx = np.full((Q.shape[0], K), -1, dtype=np.int64)
    val = np.zeros((Q.shape[0], K), dtype=np.float32)
    for s in range(0, Q.shape[0], chunk):
        D = (Q[s : s + chunk] @ CT).toarray()
        part = np.argpartition(-D, K - 1, axis=1)[:, :K]
        pv = np.take_along_axis(D, part, axis=1)
        order = np.argsort(-pv, axis=1, kind="stable")
        idx[s : s + chunk] = np.take_along_axis(part, order, axis=1)
        val[s : s + chunk] = np.take_along_axis(pv, order, axis=1)
    return idx, val


def _compare(e_idx, e_val, r_rows) -> tuple[bool, int]:
    """r_rows: list of dict candidate -> score per query. Returns (identical, mismatching rows)."""
    bad = 0
    for i, ref in enumerate(r_rows):
        mine = {int(c): float(v) for c, v in zip(e_idx[i], e_val[i], strict=True) if c >= 0}
        ref = {c: v for c, v in ref.items() if v > 0}
        if set(mine) == set(ref):
            continue
        kth = min(list(mine.values()) + list(ref.values()), default=0.0)
        diff = set(mine) ^ set(ref)
        scores = {**mine, **ref}
        if all(abs(scores[c] - kth) <= TIE_TOL for c in diff):
            continue
        bad += 1
    return bad == 0, bad


def run_reference(out_dir: Path, scipy_too: bool = True) -> dict:
    engine = np.load(out_dir / "engine.npz")
    d = 0
    sdt_s = scipy_s = 0.0
    identical = True
    mismatches = 0
    while (out_dir / f"Q{d}.npz").exists():
        Q = sp.load_npz(out_dir / f"Q{d}.npz").tocsr().astype(np.float32)
        C = sp.load_npz(out_dir / f"C{d}.npz").tocsr().astype(np.float32)
        t0 = time.perf_counter()
        R = _topk_sdt(Q, C)
        sdt_s += time.perf_counter() - t0
        if scipy_too:
            t0 = time.perf_counter()
            s_idx, s_val = _topk_scipy(Q, C)
            scipy_s += time.perf_counter() - t0
        e_idx, e_val = engine[f"idx{d}"], engine[f"val{d}"]
        sdt_rows = [
            dict(
                zip(
                    R.indices[R.indptr[i] : R.indptr[i + 1]].tolist(),
                    R.data[R.indptr[i] : R.indptr[i + 1]].tolist(),
                    strict=True,
                )
            )
            for i in range(Q.shape[0])
        ]
        references = [sdt_rows]
        if scipy_too:
            references.append(
                [
                    {int(c): float(v) for c, v in zip(s_idx[i], s_val[i], strict=True)}
                    for i in range(Q.shape[0])
                ]
            )
        for rows in references:
            ok, bad = _compare(e_idx, e_val, rows)
            identical &= ok
            mismatches += bad
        d += 1
    return {
        "sdt_s": round(sdt_s, 2),
        "scipy_s": round(scipy_s, 2),
        "reference_s": round(min(sdt_s, scipy_s) if scipy_too else sdt_s, 2),
        "identical": bool(identical),
        "mismatching_rows": mismatches,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", choices=["engine", "reference"])
    ap.add_argument("--dir")
    ap.add_argument(
        "--skip-scipy",
        action="store_true",
        help="only sparse_dot_topn as reference (the SciPy product takes minutes at 100k)",
    )
    args = ap.parse_args()
    if args.child == "engine":
        print(json.dumps(run_engine(args.n[0], Path(args.dir))))
        return
    if args.child == "reference":
        print(json.dumps(run_reference(Path(args.dir), scipy_too=not args.skip_scipy)))
        return
    results = []
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parent.parent), env.get("PYTHONPATH", "")]
    )
    header = (
        f"{'n':>7} {'vectorise_s':>11} {'build_s':>8} {'sdt_s':>7} {'scipy_s':>8} "
        f"{'ratio':>6} {'reasons_s':>9} {'query_ms':>8} {'p95_ms':>7} {'peak_mb':>8} "
        f"{'identical':>9}"
    )
    print(header, flush=True)
    for n in args.n:
        with tempfile.TemporaryDirectory() as tmp:
            out = {}
            for child in ("engine", "reference"):
                cmd = [sys.executable, __file__, "--child", child, "--n", str(n), "--dir", tmp]
                proc = subprocess.run(
                    cmd + (["--skip-scipy"] if args.skip_scipy else []),
                    capture_output=True,
                    text=True,
                    env=env,
                    check=True,
                )
                out.update(json.loads(proc.stdout.strip().splitlines()[-1]))
        out["ratio"] = round(out["build_s"] / max(out["reference_s"], 1e-9), 3)
        results.append(out)
        print(
            f"{n:>7} {out['vectorise_s']:>11} {out['build_s']:>8} {out['sdt_s']:>7} "
            f"{out['scipy_s']:>8} {out['ratio']:>6} {out['reasons_s']:>9} "
            f"{out['query_ms']:>8} {out['query_p95_ms']:>7} {out['peak_mb']:>8} "
            f"{out['identical']!s:>9}",
            flush=True,
        )
    if args.json:
        keys = ("n", "build_s", "reference_s", "query_ms", "peak_mb", "identical")
        print(
            json.dumps(
                [
                    {k: r[k] for k in keys}
                    | {"extra": {k: v for k, v in r.items() if k not in keys}}
                    for r in results
                ]
            )
        )


if __name__ == "__main__":
    main()
