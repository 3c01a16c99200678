"""The consortium builder: one small team that fills every role a funding call requires and
covers as much of the project's needed expertise as it can.

A plain module (no Flask, no database): the projects service hands it the call's slots (each
with its ranked candidates, their relevance score and the needed-expertise items each one
covers) and renders what it returns.

The team maximises

    coverage_weight × (needed items covered by the team) / (needed items)  +  Σ scores

with one candidate per slot and an organisation in at most one slot. Slots already held by a
partner (``Slot.held_by``) and the proposer's own choices (``picks``) are kept as they are;
the other slots are filled greedily (the (slot, candidate) pair adding the most at each step),
then improved by swaps until no single swap adds anything. Ties go to the better-ranked
candidate, then the smaller id: the same input always gives the same team.

Each slot also lists its next best candidates with the coverage the team would have if that
candidate took the slot: the proposer sees what a swap gains or loses before making it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

SWAP_ROUNDS = 5


@dataclass(frozen=True)
class Candidate:
    """An organisation that can fill a slot."""

    id: int
    score: float
    # Keys of the needed-expertise items this candidate covers.
    covers: frozenset[str] = frozenset()
    sector: str = ""


@dataclass(frozen=True)
class Slot:
    role: str
    # Best first.
    candidates: tuple[Candidate, ...] = ()
    # A partner already in the consortium for this role: never changed.
    held_by: Candidate | None = None


@dataclass(frozen=True)
class Alternative:
    candidate: Candidate
    # The team's coverage (0..1) with this candidate in the slot instead.
    coverage: float
    gained: frozenset[str]
    lost: frozenset[str]


@dataclass(frozen=True)
class Choice:
    index: int
    role: str
    chosen: Candidate | None
    # "held" (a partner already), "picked" (the proposer's choice) or "proposed".
    how: str
    # What this member alone brings to the team (needed items nobody else covers).
    brings: frozenset[str]
    alternatives: tuple[Alternative, ...] = ()


@dataclass(frozen=True)
class Team:
    choices: tuple[Choice, ...]
    needed: tuple[str, ...]
    covered: frozenset[str]
    coverage: float

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(item for item in self.needed if item not in self.covered)

    @property
    def unfilled(self) -> tuple[str, ...]:
        return tuple(choice.role for choice in self.choices if choice.chosen is None)

    def covered_by(self, candidate_id: int) -> frozenset[str]:
        for choice in self.choices:
            if choice.chosen is not None and choice.chosen.id == candidate_id:
                return choice.chosen.covers & frozenset(self.needed)
        return frozenset()


def _coverage(covered: Collection[str], needed: frozenset[str]) -> float:
    if not needed:
        return 1.0
    return len(needed & frozenset(covered)) / len(needed)


def _covered(chosen: Sequence[Candidate | None], base: frozenset[str]) -> frozenset[str]:
    covered = set(base)
    for candidate in chosen:
        if candidate is not None:
            covered |= candidate.covers
    return frozenset(covered)


def _value(
    chosen: Sequence[Candidate | None],
    base: frozenset[str],
    needed: frozenset[str],
    weight: float,
) -> float:
    scores = sum(c.score for c in chosen if c is not None)
    return weight * _coverage(_covered(chosen, base), needed) + scores


def propose_team(
    slots: Sequence[Slot],
    needed: Sequence[str],
    *,
    already_covered: Collection[str] = (),
    picks: Mapping[int, int] | None = None,
    taken: Collection[int] = (),
    coverage_weight: float = 2.0,
    alternatives: int = 3,
) -> Team:
    """The team for ``slots``.

    ``needed`` are the needed-expertise items (in the order to show them);
    ``already_covered`` what the consortium outside these slots (the coordinator) covers;
    ``picks`` maps a slot's index to the candidate id the proposer chose for it (ignored when
    that candidate is not among the slot's or is used elsewhere); ``taken`` organisations
    that may fill no slot (already in the consortium).
    """
    picks = dict(picks or {})
    need = frozenset(needed)
    base = frozenset(already_covered) & need
    chosen: list[Candidate | None] = [None] * len(slots)
    how = ["proposed"] * len(slots)
    used: set[int] = set(taken)
    rank = {(i, c.id): r for i, slot in enumerate(slots) for r, c in enumerate(slot.candidates)}

    for i, slot in enumerate(slots):
        if slot.held_by is not None:
            chosen[i], how[i] = slot.held_by, "held"
            used.add(slot.held_by.id)
    for i, slot in enumerate(slots):
        wanted = picks.get(i)
        if chosen[i] is not None or wanted is None or wanted in used:
            continue
        for candidate in slot.candidates:
            if candidate.id == wanted:
                chosen[i], how[i] = candidate, "picked"
                used.add(candidate.id)
                break

    # Greedy: the (slot, candidate) adding most, until every slot that can be is filled.
    while True:
        best = None
        current = _value(chosen, base, need, coverage_weight)
        for i, slot in enumerate(slots):
            if chosen[i] is not None:
                continue
            for candidate in slot.candidates:
                if candidate.id in used:
                    continue
                trial = list(chosen)
                trial[i] = candidate
                gain = _value(trial, base, need, coverage_weight) - current
                key = (-gain, rank[(i, candidate.id)], candidate.id, i)
                if best is None or key < best[0]:
                    best = (key, i, candidate)
        if best is None:
            break
        _key, i, candidate = best
        chosen[i] = candidate
        used.add(candidate.id)

    # Swaps: a free slot takes a better candidate while that raises the team's value.
    for _round in range(SWAP_ROUNDS):
        improved = False
        for i, slot in enumerate(slots):
            if how[i] != "proposed" or chosen[i] is None:
                continue
            current = _value(chosen, base, need, coverage_weight)
            for candidate in slot.candidates:
                if candidate.id in used:
                    continue
                trial = list(chosen)
                trial[i] = candidate
                if _value(trial, base, need, coverage_weight) > current + 1e-9:
                    used.discard(chosen[i].id)
                    chosen[i] = candidate
                    used.add(candidate.id)
                    current = _value(chosen, base, need, coverage_weight)
                    improved = True
        if not improved:
            break

    covered = _covered(chosen, base) & need
    choices = []
    for i, slot in enumerate(slots):
        others = _covered([c for j, c in enumerate(chosen) if j != i], base)
        mine = chosen[i]
        brings = (mine.covers & need) - others if mine is not None else frozenset()
        options: list[Alternative] = []
        if how[i] != "held":
            for candidate in slot.candidates:
                if len(options) >= alternatives:
                    break
                if candidate.id in used:
                    continue
                with_it = (others | candidate.covers) & need
                options.append(
                    Alternative(
                        candidate=candidate,
                        coverage=_coverage(with_it, need),
                        gained=frozenset(with_it - covered),
                        lost=frozenset(covered - with_it),
                    )
                )
        choices.append(Choice(i, slot.role, mine, how[i], frozenset(brings), tuple(options)))
    return Team(
        choices=tuple(choices),
        needed=tuple(dict.fromkeys(needed)),
        covered=frozenset(covered),
        coverage=_coverage(covered, need),
    )
