"""Suggestion quality on the ctg-dev set, engine against baselines, in one run.

    PYTHONPATH=. python benchmarks/matching_quality.py [--json] [--data DIR] [--grid]

The engine is fitted on organisations.csv with collaborations.csv as history and asked for
its top 50 both ways; metrics and baselines live in ``quality_metrics`` and only see
mappings query external_id -> ranked candidate external_ids. ``--grid`` also scores a few
channel-weight settings on the same fitted index (how the defaults were chosen).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import quality_metrics as qm

from matchmaker.matching import MatchingEngine, Profile, Weights

DEFAULT_DATA = "/work/shared/eval/ctg-dev"
DEPTH = 50


def engine_rankings(ev: qm.EvalSet, index) -> dict[str, list[str]]:
    table = index.top_k(k=DEPTH)
    wanted = set(ev.queries("p2u")) | set(ev.queries("u2p"))
    return {q: [c for c, _ in table.candidates(q)] for q in wanted if q in table}


def profiles_of(ev: qm.EvalSet) -> list[Profile]:
    out = []
    for o in ev.orgs:
        key = o["external_id"]
        out.append(
            Profile(
                key=key,
                sector=ev.sector[key],
                group=key,
                expertise=o["description"],
                tags=[t for t in o["tags"].split(";") if t.strip()],
                focus_areas=[f for f in o["focus_areas"].split(";") if f.strip()],
                offer=o["offer"],
                looking_for=o["looking_for"],
            )
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--grid", action="store_true")
    args = ap.parse_args()
    ev = qm.load(args.data)

    t0 = time.perf_counter()
    index = MatchingEngine().fit(profiles_of(ev), history=ev.collaborations)
    fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    results = {"engine": qm.evaluate_both(ev, engine_rankings(ev, index))}
    top_s = time.perf_counter() - t0
    results["random"] = qm.random_baseline(ev)
    results["popularity"] = qm.popularity_baseline(ev)
    results["tfidf"], results["tfidf_x_popularity"] = qm.tfidf_baselines(ev)

    if args.grid:
        base = index.weights
        grid = {
            "text only": dataclasses.replace(
                base, similar_partners=0, peer_partners=0, network=0, track_record=0
            ),
            "track record only": Weights(
                expertise=0,
                offer_to_need=0,
                need_to_offer=0,
                similar_partners=0,
                peer_partners=0,
                network=0,
                track_record=1,
            ),
            "network only": Weights(
                expertise=0,
                offer_to_need=0,
                need_to_offer=0,
                similar_partners=0,
                peer_partners=0,
                network=1,
                track_record=0,
            ),
        }
        for sp_w in (0.5, 1.0):
            for net in (0.5, 1.0, 2.0):
                for tr in (0.2, 0.5, 1.0):
                    grid[f"partners {sp_w} network {net} track {tr}"] = dataclasses.replace(
                        base,
                        similar_partners=sp_w,
                        peer_partners=sp_w,
                        network=net,
                        track_record=tr,
                    )
        for name, w in grid.items():
            index.weights = w
            index._cache.clear()
            m = qm.evaluate_both(ev, engine_rankings(ev, index))
            print(
                f"grid {name:42s} p2u R@10 {m['p2u']['recall_at_10']:.3f} "
                f"R@50 {m['p2u']['recall_at_50']:.3f} MRR {m['p2u']['mrr']:.3f} | "
                f"u2p R@10 {m['u2p']['recall_at_10']:.3f} R@50 {m['u2p']['recall_at_50']:.3f}"
                f" MRR {m['u2p']['mrr']:.3f}",
                flush=True,
            )
        index.weights = base
        index._cache.clear()

    print(f"engine fit {fit_s:.1f} s, top-{DEPTH} both ways {top_s:.1f} s")
    print(
        f"{'method':22s} {'p2u R@10':>8} {'R@50':>6} {'MRR':>6} {'u2p R@10':>9} {'R@50':>6} "
        f"{'MRR':>6}"
    )
    for name, m in results.items():
        p, u = m["p2u"], m["u2p"]
        print(
            f"{name:22s} {p['recall_at_10']:8.3f} {p['recall_at_50']:6.3f} {p['mrr']:6.3f} "
            f"{u['recall_at_10']:9.3f} {u['recall_at_50']:6.3f} {u['mrr']:6.3f}"
        )
    best = {
        d: max(results[b][d]["recall_at_10"] for b in results if b != "engine")
        for d in ("p2u", "u2p")
    }
    for d in ("p2u", "u2p"):
        ratio = results["engine"][d]["recall_at_10"] / max(best[d], 1e-9)
        print(f"{d}: engine R@10 / best baseline = {ratio:.2f} (target 1.3)")
    if args.json:
        out = dict(results["engine"])
        out["baselines"] = {k: v for k, v in results.items() if k != "engine"}
        print(json.dumps(out))


if __name__ == "__main__":
    main()
