"""Engine-direct quality on the ctg-dev set, and the grid the ``Weights`` defaults come from.

    PYTHONPATH=. python benchmarks/matching_tuning.py [--data DIR] [--grid] [--json]

Profiles are built exactly as the app builds an organisation's (``key="o:<id>"``, group =
key, kind "organisation", description, tags, focus areas, offer, looking for), with the
collaborations as ``history`` pairs, so that figures carry over to
``benchmarks/matching_quality.py``, which goes through the app's import and export. The
engine ranks the top 50 both ways; metrics and baselines come from ``quality_metrics``.

``--grid`` fits once and scores channel-weight settings on the same index (a weight change
needs no refit), printing one line per setting, best last by the mean of the two R@10 ratios
to the best baseline.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import quality_metrics as qm

from matchmaker.matching import MatchingEngine, Profile, Weights

DEPTH = 50
PREFIX = "o:"


def _split(value: str) -> list[str]:
    return [t.strip() for t in value.split(";") if t.strip()]


def profiles_of(ev: qm.EvalSet) -> list[Profile]:
    return [
        Profile(
            key=PREFIX + o["external_id"],
            sector=ev.sector[o["external_id"]],
            group=PREFIX + o["external_id"],
            kind="organisation",
            expertise=o["description"],
            tags=_split(o["tags"]),
            focus_areas=_split(o["focus_areas"]),
            offer=o["offer"],
            looking_for=o["looking_for"],
        )
        for o in ev.orgs
    ]


def history_of(ev: qm.EvalSet) -> list[tuple[str, str]]:
    return [(PREFIX + a, PREFIX + b) for a, b in ev.collaborations]


def rankings(ev: qm.EvalSet, index) -> dict[str, list[str]]:
    table = index.top_k(k=DEPTH)
    wanted = set(ev.queries("p2u")) | set(ev.queries("u2p"))
    out = {}
    for q in wanted:
        key = PREFIX + q
        if key in table:
            out[q] = [c.removeprefix(PREFIX) for c, _ in table.candidates(key)]
    return out


def baselines(ev: qm.EvalSet) -> dict[str, dict]:
    out = {"random": qm.random_baseline(ev), "popularity": qm.popularity_baseline(ev)}
    out["tfidf"], out["tfidf_x_popularity"] = qm.tfidf_baselines(ev)
    return out


def ratios(metrics: dict, best: dict[str, float]) -> dict[str, float]:
    return {d: metrics[d]["recall_at_10"] / max(best[d], 1e-9) for d in ("p2u", "u2p")}


def line(name: str, m: dict) -> str:
    p, u = m["p2u"], m["u2p"]
    return (
        f"{name:34s} {p['recall_at_10']:8.3f} {p['recall_at_50']:6.3f} {p['mrr']:6.3f} "
        f"{u['recall_at_10']:9.3f} {u['recall_at_50']:6.3f} {u['mrr']:6.3f}"
    )


def grid_settings(base: Weights) -> dict[str, Weights]:
    text_only = dataclasses.replace(
        base, similar_partners=0.0, peer_partners=0.0, network=0.0, track_record=0.0
    )
    out = {"text only": text_only}
    for expertise, peer, net, track, similar in itertools.product(
        (0.0, 0.25, 1.0), (1.0, 2.0, 4.0), (0.0, 0.5, 1.0), (0.0, 0.1, 0.3), (0.0,)
    ):
        out[f"e{expertise} peer{peer} net{net} track{track} sim{similar}"] = dataclasses.replace(
            base,
            expertise=expertise,
            peer_partners=peer,
            network=net,
            track_record=track,
            similar_partners=similar,
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=qm.DEFAULT_DATA)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--grid", action="store_true")
    args = ap.parse_args()
    ev = qm.load(args.data)

    t0 = time.perf_counter()
    index = MatchingEngine().fit(profiles_of(ev), history=history_of(ev))
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    results = {"engine": qm.evaluate_both(ev, rankings(ev, index))}
    top_s = time.perf_counter() - t0
    results.update(baselines(ev))
    best = {
        d: max(results[b][d]["recall_at_10"] for b in results if b != "engine")
        for d in ("p2u", "u2p")
    }

    header = (
        f"{'method':34s} {'p2u R@10':>8} {'R@50':>6} {'MRR':>6} {'u2p R@10':>9} {'R@50':>6} "
        f"{'MRR':>6}"
    )
    if args.grid:
        base = index.weights
        scored = []
        for name, w in grid_settings(base).items():
            index.weights = w
            index._cache.clear()
            m = qm.evaluate_both(ev, rankings(ev, index))
            r = ratios(m, best)
            scored.append(((r["p2u"] + r["u2p"]) / 2, name, m))
        index.weights = base
        index._cache.clear()
        print(header)
        for _, name, m in sorted(scored, key=lambda t: t[0]):
            print(line(name, m), flush=True)

    print(f"engine fit {fit_s:.1f} s, top-{DEPTH} both ways {top_s:.1f} s")
    print(header)
    for name, m in results.items():
        print(line(name, m))
    for d, r in ratios(results["engine"], best).items():
        print(f"{d}: engine R@10 / best baseline = {r:.2f} (target 1.3)")
    if args.json:
        out = dict(results["engine"])
        out["baselines"] = {k: v for k, v in results.items() if k != "engine"}
        print(json.dumps(out))


if __name__ == "__main__":
    main()
