"""Speed and coverage of the consortium builder against the best-ranked candidate per slot.

    PYTHONPATH=. python benchmarks/consortium.py [--slots 3 5] [--candidates 6 50] [--needed 8]
        [--projects 200]

For each size, synthetic projects: ``needed`` expertise items; per slot, candidates whose
relevance scores fall off with their rank and who each cover a few items (a strong candidate
tends to cover more, but not always the rare ones). Building the input is not timed.

Timed (median per project): the builder (``consortium.propose_team``, as the projects page
calls it) and the reference (the best-ranked candidate per slot, one organisation per slot).
Then what each team is worth: mean coverage of the needed expertise, share of projects fully
covered, and the mean relevance score given up for that coverage.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from matchmaker.consortium import Candidate, Slot, propose_team


def project(rng: random.Random, slots: int, candidates: int, needed: int):
    items = [f"item-{i}" for i in range(needed)]
    # A few items are rare: only a handful of candidates anywhere cover them.
    rare = set(rng.sample(items, k=max(1, needed // 4)))
    made, next_id = [], 1
    for _slot in range(slots):
        ranked = []
        for rank in range(candidates):
            score = 0.6 * (0.85**rank) + rng.uniform(0, 0.05)
            covers = {i for i in items if i not in rare and rng.random() < 0.25 + 0.2 * score}
            if rng.random() < 0.08:
                covers.add(rng.choice(sorted(rare)))
            ranked.append(Candidate(next_id, score, frozenset(covers)))
            next_id += 1
        ranked.sort(key=lambda c: -c.score)
        made.append(Slot(f"role-{_slot}", tuple(ranked)))
    return made, items


def best_ranked(slots, items):
    chosen = [slot.candidates[0] for slot in slots if slot.candidates]
    covered = set().union(*(c.covers for c in chosen)) & set(items)
    return len(covered) / len(items), sum(c.score for c in chosen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slots", type=int, nargs="+", default=[3, 5])
    parser.add_argument("--candidates", type=int, nargs="+", default=[6, 50])
    parser.add_argument("--needed", type=int, default=8)
    parser.add_argument("--projects", type=int, default=200)
    args = parser.parse_args()

    print(
        f"{'slots':>5} {'cands':>5} | {'builder ms':>10} {'reference ms':>12} | "
        f"{'coverage':>8} {'ref':>6} | {'full':>5} {'ref':>5} | {'score given up':>14}"
    )
    for slots in args.slots:
        for candidates in args.candidates:
            rng = random.Random(slots * 1000 + candidates)
            inputs = [project(rng, slots, candidates, args.needed) for _ in range(args.projects)]
            built_times, ref_times, cover, ref_cover, given = [], [], [], [], []
            full = ref_full = 0
            for made, items in inputs:
                start = time.perf_counter()
                team = propose_team(made, items)
                built_times.append(time.perf_counter() - start)
                start = time.perf_counter()
                reference, reference_score = best_ranked(made, items)
                ref_times.append(time.perf_counter() - start)
                cover.append(team.coverage)
                ref_cover.append(reference)
                full += team.coverage == 1.0
                ref_full += reference == 1.0
                score = sum(c.chosen.score for c in team.choices if c.chosen)
                given.append(reference_score - score)
            print(
                f"{slots:>5} {candidates:>5} | {statistics.median(built_times) * 1000:>10.2f} "
                f"{statistics.median(ref_times) * 1000:>12.3f} | "
                f"{statistics.mean(cover):>8.1%} {statistics.mean(ref_cover):>6.1%} | "
                f"{full / len(inputs):>5.0%} {ref_full / len(inputs):>5.0%} | "
                f"{statistics.mean(given):>14.3f}"
            )


if __name__ == "__main__":
    main()
