"""Speed and quality of the guest-list generator against plain top-N by relevance.

    PYTHONPATH=. python benchmarks/guestlist.py [--n 1000 10000] [--size 100] [--repeat 5]

For each n, a synthetic membership: 60 % private; about three people per organisation; the
cluster's regional skew; a quarter newcomers, some recent no-shows; theme relevance zero for
most people and heavy-tailed for the rest; each person's 25 strongest cross-sector
counterparts drawn from shared topics (strong) and at random (weak) — the sparse lists
``event_scores.pair_scores`` hands the generator. Building that input is not timed.

Timed, in the same run (median of ``--repeat``): the generator (``guestlist.generate``,
``size`` guests: 70 places at a 0.7 show-up rate) and the reference (``top_by_relevance``).
Then what each list is worth: guests with a strong counterpart of the other sector on the
list, mean best-counterpart score, private share, largest organisation, mean relevance.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from matchmaker.guestlist import Candidate, Settings, generate, top_by_relevance

TOPICS = 60
NEIGHBOURS = 25
STRONG = 0.5  # a counterpart at least this strong (scaled to the best pair) makes a guest pairable


def membership(n: int, seed: int = 7):
    rng = random.Random(seed)
    candidates, relevance, topic = [], {}, {}
    regions = ["pays_de_la_loire"] * 13 + ["bretagne"] * 4 + ["centre_val_de_loire"] * 2 + ["other"]
    for person_id in range(1, n + 1):
        attended = rng.choice([0, 1, 1, 2, 4])
        candidates.append(
            Candidate(
                id=person_id,
                sector="private" if rng.random() < 0.6 else "public",
                organisation_id=rng.randrange(max(n // 3, 1)),
                region=rng.choice(regions),
                events_attended=attended,
                recent_invitations_missed=rng.choice([0, 0, 0, 1, 2]) if attended else 0,
                recent_no_shows=1 if attended and rng.random() < 0.1 else 0,
            )
        )
        topic[person_id] = rng.randrange(TOPICS)
        # The theme is a handful of topics: their people are relevant, a few others slightly.
        if topic[person_id] < 6:
            relevance[person_id] = rng.uniform(0.2, 1.0) ** 0.7
        elif rng.random() < 0.1:
            relevance[person_id] = rng.uniform(0.0, 0.3)
    by_topic_sector: dict[tuple[int, str], list[int]] = {}
    for c in candidates:
        by_topic_sector.setdefault((topic[c.id], c.sector), []).append(c.id)
    sector_of = {c.id: c.sector for c in candidates}
    pairs = {}
    for c in candidates:
        other = "public" if c.sector == "private" else "private"
        same_topic = by_topic_sector.get((topic[c.id], other), [])
        strong = rng.sample(same_topic, min(len(same_topic), NEIGHBOURS * 2 // 3))
        listed = [(o, rng.uniform(0.4, 1.0)) for o in strong]
        while len(listed) < NEIGHBOURS:
            o = rng.randrange(1, n + 1)
            if sector_of[o] == other:
                listed.append((o, rng.uniform(0.0, 0.4)))
        pairs[c.id] = sorted(listed, key=lambda p: -p[1])[:NEIGHBOURS]
    return candidates, relevance, pairs


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def worth(ids, candidates, relevance, pairs):
    chosen = set(ids)
    by_id = {c.id: c for c in candidates}
    scale = max(s for listed in pairs.values() for _, s in listed)
    best: dict[int, float] = {i: 0.0 for i in chosen}
    for a, listed in pairs.items():
        for b, score in listed:
            if a in chosen and b in chosen and by_id[a].sector != by_id[b].sector:
                best[a] = max(best[a], score / scale)
                best[b] = max(best[b], score / scale)
    organisations: dict[int, int] = {}
    for i in chosen:
        o = by_id[i].organisation_id
        organisations[o] = organisations.get(o, 0) + 1
    return {
        "pairable": sum(1 for v in best.values() if v >= STRONG) / len(chosen),
        "best_counterpart": statistics.mean(best.values()),
        "private_share": sum(1 for i in chosen if by_id[i].sector == "private") / len(chosen),
        "largest_organisation": max(organisations.values()),
        "relevance": statistics.mean(relevance.get(i, 0.0) for i in chosen),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    print(f"Guest list of {args.size} (70 places / 0.7 show-up), median of {args.repeat} runs")
    header = f"{'candidates':>10}  {'method':<22} {'time':>9}  {'pairable':>8}  {'best cp':>7}  "
    header += f"{'private':>7}  {'max/org':>7}  {'relevance':>9}"
    print(header)
    for n in args.n:
        candidates, relevance, pairs = membership(n)
        settings = Settings(size=args.size)
        generator_time, result = timed(
            lambda: generate(candidates, relevance, pairs, settings), args.repeat  # noqa: B023
        )
        reference_time, reference = timed(
            lambda: top_by_relevance(candidates, relevance, args.size), args.repeat  # noqa: B023
        )
        for name, seconds, ids in (
            ("generator", generator_time, result.ids),
            ("top-N by relevance", reference_time, reference),
        ):
            w = worth(ids, candidates, relevance, pairs)
            print(
                f"{n:>10}  {name:<22} {seconds * 1000:>7.1f}ms  {w['pairable']:>8.0%}  "
                f"{w['best_counterpart']:>7.2f}  {w['private_share']:>7.0%}  "
                f"{w['largest_organisation']:>7}  {w['relevance']:>9.2f}"
            )
        verdict = "yes" if generator_time < 1.0 else "NO"
        ratio = generator_time / reference_time
        print(f"{'':>10}  generator under one second: {verdict} ({ratio:.0f}x the reference)")


if __name__ == "__main__":
    main()
