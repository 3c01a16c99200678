"""Suggestion quality on the ctg-dev set, measured through the app, against baselines, in one run.

    PYTHONPATH=. python benchmarks/matching_quality.py [--json] [--data DIR] [--keep DIR]
                                                       [--no-direct] [--direct-only [--grid]]

The engine's figures come from the path users take: a fresh SQLite database in a temporary
folder and, as separate ``flask --app wsgi`` commands, ``db upgrade``, ``import organisations``,
``import collaborations``, ``matching rebuild`` and ``matching export --top 50``. The metrics
of ``quality_metrics`` then read the exported CSV (its external ids), and the baselines (random,
most popular partner, TF-IDF, TF-IDF x popularity) are computed in the same run.

The engine is also fitted directly on the files with the library's default weights, as its own
benchmark did, and the two sets of figures are compared: through the app they must be equal
(``--no-direct`` skips this). ``--direct-only`` measures the library alone (faster), and with
``--grid`` also a few channel-weight settings on the same fitted index.

``--json``: the last line is one object: per direction (``p2u``, ``u2p``) ``recall_at_10``,
``recall_at_50`` and ``mrr`` of the engine through the app, ``baselines`` with the same for each
baseline, ``engine_direct`` and ``timings`` (seconds per step).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

import quality_metrics as qm  # noqa: E402

from matchmaker.matching import MatchingEngine, Profile, Weights  # noqa: E402

DEPTH = 50
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


# -- the library alone --------------------------------------------------------------------------


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


def direct(ev: qm.EvalSet, grid: bool = False) -> tuple[dict, dict[str, float]]:
    timings = {}
    t0 = time.perf_counter()
    index = MatchingEngine().fit(profiles_of(ev), history=ev.collaborations)
    timings["direct_fit"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    results = qm.evaluate_both(ev, engine_rankings(ev, index))
    timings["direct_top_k"] = time.perf_counter() - t0
    if grid:
        run_grid(ev, index)
    return results, timings


def run_grid(ev: qm.EvalSet, index) -> None:
    base = index.weights
    zero_history = {"similar_partners": 0, "peer_partners": 0, "network": 0, "track_record": 0}
    zero_text = {"expertise": 0, "offer_to_need": 0, "need_to_offer": 0}
    grid = {
        "text only": dataclasses.replace(base, **zero_history),
        "track record only": Weights(**zero_text, **{**zero_history, "track_record": 1}),
        "network only": Weights(**zero_text, **{**zero_history, "network": 1}),
    }
    for sp_w in (0.5, 1.0):
        for net in (0.5, 1.0, 2.0):
            for tr in (0.2, 0.5, 1.0):
                grid[f"partners {sp_w} network {net} track {tr}"] = dataclasses.replace(
                    base, similar_partners=sp_w, peer_partners=sp_w, network=net, track_record=tr
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


# -- through the app ----------------------------------------------------------------------------


def flask(args: list[str], env: dict[str, str]) -> float:
    """Run one command as an organiser would; its output goes to stderr; returns seconds."""
    started = time.perf_counter()
    completed = subprocess.run(
        [*FLASK, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seconds = time.perf_counter() - started
    last = completed.stdout.strip().splitlines()[-1:] if completed.stdout.strip() else [""]
    print(f"  flask {' '.join(args[:2]):32s} {seconds:6.1f} s  {last[0][:110]}", file=sys.stderr)
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout)
        raise SystemExit(f"flask {' '.join(args)} failed ({completed.returncode})")
    return seconds


def through_the_app(data: Path, folder: Path) -> tuple[dict[str, list[str]], dict[str, float]]:
    env = {
        **os.environ,
        "MATCHMAKER_ENV": "development",
        "MATCHMAKER_INSTANCE_DIR": str(folder / "instance"),
        "MATCHMAKER_DATABASE_URL": f"sqlite:///{folder / 'matchmaker.db'}",
        "MATCHMAKER_DEFAULT_LOCALE": "en",
        "PYTHONPATH": str(ROOT),
    }
    pairs = folder / "pairs.csv"
    timings = {
        "db_upgrade": flask(["db", "upgrade"], env),
        "import_organisations": flask(
            ["import", "organisations", str(data / "organisations.csv"), "--quiet"], env
        ),
        "import_collaborations": flask(
            ["import", "collaborations", str(data / "collaborations.csv"), "--quiet"], env
        ),
        "rebuild": flask(["matching", "rebuild", "--quiet"], env),
        "export": flask(
            ["matching", "export", "--top", str(DEPTH), "--out", str(pairs), "--quiet"], env
        ),
    }
    rankings: dict[str, list[tuple[int, str]]] = {}
    with open(pairs, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rankings.setdefault(row["source_external_id"], []).append(
                (int(row["rank"]), row["candidate_external_id"])
            )
    return {q: [c for _r, c in sorted(ranked)] for q, ranked in rankings.items()}, timings


# -- report -------------------------------------------------------------------------------------


def print_table(results: dict[str, dict]) -> None:
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=qm.DEFAULT_DATA)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", help="run in this folder and keep the database and export")
    ap.add_argument("--no-direct", action="store_true", help="skip the library-alone check")
    ap.add_argument("--direct-only", action="store_true", help="the library alone, no app")
    ap.add_argument("--grid", action="store_true", help="with --direct-only: weight settings")
    args = ap.parse_args()
    data = Path(args.data)
    ev = qm.load(data)

    results: dict[str, dict] = {}
    timings: dict[str, float] = {}
    engine_direct = None
    if not args.direct_only:
        if args.keep:
            folder = Path(args.keep)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "matchmaker.db").unlink(missing_ok=True)
            rankings, timings = through_the_app(data, folder)
        else:
            with tempfile.TemporaryDirectory(prefix="matchmaker-quality-") as tmp:
                rankings, timings = through_the_app(data, Path(tmp))
        results["engine (app)"] = qm.evaluate_both(ev, rankings)
    if args.direct_only or not args.no_direct:
        engine_direct, direct_timings = direct(ev, grid=args.grid and args.direct_only)
        timings.update(direct_timings)
        results["engine (library)"] = engine_direct
    results["random"] = qm.random_baseline(ev)
    results["popularity"] = qm.popularity_baseline(ev)
    results["tfidf"], results["tfidf_x_popularity"] = qm.tfidf_baselines(ev)

    print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    print_table(results)
    engine_name = "engine (library)" if args.direct_only else "engine (app)"
    engine = results[engine_name]
    if engine_direct is not None and not args.direct_only:
        same = all(
            abs(engine[d][m] - engine_direct[d][m]) < 1e-12 for d in engine for m in engine[d]
        )
        print(f"through the app = library alone: {'yes' if same else 'NO'}")
    baselines = {k: v for k, v in results.items() if not k.startswith("engine")}
    for d in ("p2u", "u2p"):
        best = max(b[d]["recall_at_10"] for b in baselines.values())
        ratio = engine[d]["recall_at_10"] / max(best, 1e-9)
        print(f"{d}: engine R@10 / best baseline = {ratio:.2f} (target 1.3)")
    if args.json:
        out = dict(engine)
        out["baselines"] = baselines
        if engine_direct is not None and not args.direct_only:
            out["engine_direct"] = engine_direct
        out["timings"] = {k: round(v, 2) for k, v in timings.items()}
        print(json.dumps(out))


if __name__ == "__main__":
    main()
