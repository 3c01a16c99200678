"""The guest-list generator: who to invite so that an evening is worth coming to.

A plain module (no Flask, no database): the events service hands it candidates, their theme
relevance and their cross-sector pair scores, and stores what it returns.

The list maximises

    Σ over guests g of  m(g) × ( r(g) + β × best(g) )

where ``r`` is the guest's relevance to the theme (scaled so the most relevant candidate has
1), ``best(g)`` the score of g's best counterpart of the other sector on the list (scaled the
same way; pairs who already know each other count ``known_pair_factor`` of their score), and
``m`` a multiplier for freshness (newcomers count more; people invited recently who did not
come, and no-shows above all, count less). It is a facility-location objective: a private
guest is worth more when a strong public counterpart is also invited, and the reverse. While
building, a candidate's gain is also lowered when their region already has its target share
and as their sector moves away from the target share (``balance_pull``).

It is built greedily: each step adds the candidate whose marginal gain is highest, i.e. their
own value plus how much they improve the best counterpart of guests already on the list (a
candidate with no counterpart on the list yet counts part of their best possible one, so
that the first choices already look for pairs).
Gains are kept up to date incrementally (only the neighbours of the person added, and the
neighbours of their neighbours on the list, change), so a step costs one vectorised arg-max
over the candidates plus a few hundred updates: about 0.1 s for 100 guests among 10,000.

Rules that always hold (unless locked guests themselves break them, or candidates run out):
the private share ends within ``share_tolerance`` of the target, and no organisation has more
than ``per_organisation_cap`` guests. Ties are broken by candidate id: the same input always
gives the same list.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

PRIVATE = "private"
PUBLIC = "public"

# Warnings the caller turns into sentences.
NOT_ENOUGH_CANDIDATES = "not_enough_candidates"
SHARE_OUT_OF_BAND = "share_out_of_band"
ORGANISATION_OVER_CAP = "organisation_over_cap"


@dataclass(frozen=True)
class Candidate:
    """A person who may be invited, with the facts freshness is judged on."""

    id: int
    sector: str  # "private" or "public"
    organisation_id: int | None = None
    region: str = ""
    # Past events they came to (0: a newcomer).
    events_attended: int = 0
    # Recent invitations they did not come to (declined or never answered)...
    recent_invitations_missed: int = 0
    # ...and recent events they said yes to and did not come.
    recent_no_shows: int = 0


@dataclass(frozen=True)
class Settings:
    size: int
    target_private_share: float = 0.5
    share_tolerance: float = 0.10
    per_organisation_cap: int = 2
    # Relative weights of regions: normalised into target shares. Empty: no preference.
    region_weights: Mapping[str, float] = field(default_factory=dict)
    locked: Collection[int] = ()
    excluded: Collection[int] = ()
    # Value of a guest's best counterpart, relative to their own relevance.
    pair_weight: float = 1.0
    # While a candidate has no counterpart on the list yet, this share of their best possible
    # counterpart counts already: the first picks are not made on relevance alone.
    pair_lookahead: float = 0.5
    known_pair_factor: float = 0.25
    newcomer_bonus: float = 1.25
    missed_factor: float = 0.8
    no_show_factor: float = 0.6
    freshness_floor: float = 0.25
    # Multiplier for candidates of a region that already has its share of the list.
    region_over_target_factor: float = 0.35
    # How strongly the list is pulled towards the target share inside the allowed band: a
    # candidate who would put their sector at the edge of the band counts this much less.
    balance_pull: float = 0.5
    counterparts_shown: int = 3

    def __post_init__(self) -> None:
        if self.size < 0:
            raise ValueError("size cannot be negative")
        if not 0.0 <= self.target_private_share <= 1.0:
            raise ValueError("target_private_share must be between 0 and 1")
        if self.per_organisation_cap < 1:
            raise ValueError("per_organisation_cap must be at least 1")
        if any(weight < 0 for weight in self.region_weights.values()):
            raise ValueError("region weights cannot be negative")


@dataclass(frozen=True)
class Counterpart:
    id: int
    score: float  # scaled pair score, after the known-pair discount
    known: bool  # they already know each other


@dataclass(frozen=True)
class Guest:
    id: int
    rank: int
    score: float  # their value on the final list: m × (r + β × best counterpart)
    relevance: float  # as given
    relevance_scaled: float
    freshness: float  # the freshness multiplier
    locked: bool
    counterparts: tuple[Counterpart, ...]
    newcomer: bool
    recent_invitations_missed: int
    recent_no_shows: int


@dataclass(frozen=True)
class Band:
    """How many private guests the list may have."""

    min_private: int
    max_private: int


@dataclass
class GuestList:
    guests: list[Guest]
    size: int
    band: Band
    private_count: int
    public_count: int
    warnings: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def ids(self) -> list[int]:
        return [guest.id for guest in self.guests]

    @property
    def private_share(self) -> float:
        total = self.private_count + self.public_count
        return self.private_count / total if total else 0.0


def private_band(size: int, target: float, tolerance: float) -> Band:
    """Private guests allowed on a list of ``size``: within ``tolerance`` of ``target``."""
    low = math.ceil(size * (target - tolerance) - 1e-9)
    high = math.floor(size * (target + tolerance) + 1e-9)
    low, high = max(low, 0), min(high, size)
    if low > high:  # a list too short for the band: the nearest count to the target
        low = high = math.floor(size * target + 0.5)
    return Band(low, high)


def freshness(candidate: Candidate, settings: Settings) -> float:
    factor = settings.newcomer_bonus if candidate.events_attended == 0 else 1.0
    factor *= settings.missed_factor ** max(candidate.recent_invitations_missed, 0)
    factor *= settings.no_show_factor ** max(candidate.recent_no_shows, 0)
    return max(factor, settings.freshness_floor)


def _pairs_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a <= b else (b, a)


class _Adjacency:
    """Symmetric cross-sector pair scores over pool positions (CSR), scaled to a maximum of 1."""

    def __init__(
        self,
        ids: Sequence[int],
        is_private: np.ndarray,
        pairs: Mapping[int, Iterable[tuple[int, float]]],
        known: set[tuple[int, int]],
        known_factor: float,
    ):
        n = len(ids)
        id_array = np.asarray(ids, dtype=np.int64)
        sources: list[int] = []
        targets: list[int] = []
        scores: list[float] = []
        for person_id, others in pairs.items():
            for other_id, score in others:
                sources.append(person_id)
                targets.append(other_id)
                scores.append(score)
        a = _positions(id_array, np.asarray(sources, dtype=np.int64))
        b = _positions(id_array, np.asarray(targets, dtype=np.int64))
        w = np.asarray(scores, dtype=np.float64)
        keep = (a >= 0) & (b >= 0) & (w > 0)
        a, b, w = a[keep], b[keep], w[keep]
        keep = is_private[a] != is_private[b]
        a, b, w = a[keep], b[keep], w[keep]
        # One score per unordered pair: the highest given in either direction.
        low, high = np.minimum(a, b), np.maximum(a, b)
        order = np.lexsort((-w, high, low))
        low, high, w = low[order], high[order], w[order]
        first = np.ones(len(low), dtype=bool)
        first[1:] = (low[1:] != low[:-1]) | (high[1:] != high[:-1])
        low, high, w = low[first], high[first], w[first]
        scale = float(w.max()) if len(w) else 0.0
        if scale > 0:
            w = w / scale
        if known and len(w):
            pair_ids = zip(id_array[low].tolist(), id_array[high].tolist(), strict=True)
            discount = np.array([(x, y) in known for x, y in pair_ids], dtype=bool)
            w = np.where(discount, w * known_factor, w)
        rows = np.concatenate([low, high])
        cols = np.concatenate([high, low])
        values = np.concatenate([w, w])
        order = np.lexsort((cols, rows))
        rows, self.cols, self.values = rows[order], cols[order], values[order]
        self.indptr = np.searchsorted(rows, np.arange(n + 1))

    def best(self) -> np.ndarray:
        """Each position's strongest pair score (0 without any)."""
        best = np.zeros(len(self.indptr) - 1)
        starts, stops = self.indptr[:-1], self.indptr[1:]
        rows = np.flatnonzero(stops > starts)
        if len(rows):
            best[rows] = np.maximum.reduceat(self.values, starts[rows])
        return best

    def of(self, x: int) -> list[tuple[int, float]]:
        start, stop = self.indptr[x], self.indptr[x + 1]
        cols, values = self.cols[start:stop].tolist(), self.values[start:stop].tolist()
        return list(zip(cols, values, strict=True))


def _positions(sorted_ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Position of each wanted id in ``sorted_ids``, -1 when absent."""
    if len(sorted_ids) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    found = np.searchsorted(sorted_ids, wanted)
    found = np.minimum(found, len(sorted_ids) - 1)
    return np.where(sorted_ids[found] == wanted, found, -1)


def generate(
    candidates: Iterable[Candidate],
    relevance: Mapping[int, float],
    pairs: Mapping[int, Iterable[tuple[int, float]]],
    settings: Settings,
    known_pairs: Iterable[tuple[int, int]] = (),
) -> GuestList:
    """The guest list, best-valued guest first.

    ``pairs`` maps a candidate id to ``(other id, score)`` for their strongest cross-sector
    counterparts (a sparse matrix in lists; it is symmetrised, same-sector pairs ignored).
    ``known_pairs`` are pairs of ids who already know each other.
    """
    excluded = set(settings.excluded)
    pool = sorted(
        (c for c in candidates if c.id not in excluded and c.sector in (PRIVATE, PUBLIC)),
        key=lambda c: c.id,
    )
    locked_ids = {c.id for c in pool if c.id in set(settings.locked)}
    # Candidates unrelated to the theme are considered only when the relevant ones run short.
    relevant = [c for c in pool if relevance.get(c.id, 0.0) > 0 or c.id in locked_ids]
    if len(relevant) >= settings.size:
        pool = relevant
    n = len(pool)
    ids = [c.id for c in pool]
    sectors = [c.sector for c in pool]
    band = private_band(settings.size, settings.target_private_share, settings.share_tolerance)

    raw = np.array([max(relevance.get(i, 0.0), 0.0) for i in ids], dtype=np.float64)
    top = raw.max() if n else 0.0
    rel = raw / top if top > 0 else np.zeros(n)
    fresh = np.array([freshness(c, settings) for c in pool], dtype=np.float64)
    known = {_pairs_key(a, b) for a, b in known_pairs}
    is_private = np.array([s == PRIVATE for s in sectors], dtype=bool)
    adjacency = _Adjacency(ids, is_private, pairs, known, settings.known_pair_factor)
    beta = settings.pair_weight
    potential = settings.pair_lookahead * adjacency.best()

    # own_best[x]: x's best counterpart among those chosen; improve[x]: how much adding x
    # would raise the best counterpart of guests already chosen.
    own_best = np.zeros(n)
    improve = np.zeros(n)
    chosen_mask = np.zeros(n, dtype=bool)
    blocked = np.zeros(n, dtype=bool)

    organisations = [c.organisation_id for c in pool]
    members: dict[int, list[int]] = {}
    for i, organisation_id in enumerate(organisations):
        if organisation_id is not None:
            members.setdefault(organisation_id, []).append(i)
    per_organisation: dict[int, int] = {}

    regions = [c.region for c in pool]
    region_names = sorted(set(regions))
    region_index = np.array([region_names.index(r) for r in regions], dtype=np.int64)
    total_weight = sum(settings.region_weights.values())
    if total_weight > 0:
        shares = [settings.region_weights.get(r, 0.0) / total_weight for r in region_names]
        region_target = settings.size * np.array(shares)
    else:
        region_target = None
    region_count = np.zeros(len(region_names))

    order: list[int] = []
    counts = {PRIVATE: 0, PUBLIC: 0}

    def add(x: int) -> None:
        chosen_mask[x] = True
        order.append(x)
        counts[sectors[x]] += 1
        region_count[region_index[x]] += 1
        organisation_id = organisations[x]
        if organisation_id is not None:
            per_organisation[organisation_id] = per_organisation.get(organisation_id, 0) + 1
            if per_organisation[organisation_id] >= settings.per_organisation_cap:
                blocked[members[organisation_id]] = True
        best_x = own_best[x]
        for y, w in adjacency.of(x):
            if chosen_mask[y]:
                # y was already a guest: x may now be y's best counterpart.
                old = own_best[y]
                if w > old:
                    own_best[y] = w
                    for z, v in adjacency.of(y):
                        if not chosen_mask[z]:
                            improve[z] += max(0.0, v - w) - max(0.0, v - old)
            else:
                if w > own_best[y]:
                    own_best[y] = w
                improve[y] += max(0.0, w - best_x)

    for x, person_id in enumerate(ids):
        if person_id in locked_ids:
            add(x)

    max_private = band.max_private
    max_public = settings.size - band.min_private
    relaxed = False
    while len(order) < min(settings.size, n):
        gain = fresh * (rel + beta * (np.maximum(own_best, potential) + improve))
        if region_target is not None:
            over = region_count >= region_target - 1e-9
            gain = gain * np.where(over[region_index], settings.region_over_target_factor, 1.0)
        if settings.balance_pull > 0 and settings.share_tolerance > 0:
            after = len(order) + 1
            excess_private = (counts[PRIVATE] + 1) / after - settings.target_private_share
            excess_public = (counts[PUBLIC] + 1) / after - (1 - settings.target_private_share)
            pull = [
                1 - settings.balance_pull * min(max(excess / settings.share_tolerance, 0.0), 1.0)
                for excess in (excess_private, excess_public)
            ]
            gain = gain * np.where(is_private, pull[0], pull[1])
        feasible = ~chosen_mask & ~blocked
        if not relaxed:
            if counts[PRIVATE] >= max_private:
                feasible &= ~is_private
            if counts[PUBLIC] >= max_public:
                feasible &= is_private
        if not feasible.any():
            if relaxed or not (~chosen_mask & ~blocked).any():
                break
            relaxed = True  # one sector ran out: fill the list rather than leave it short
            continue
        gain = np.where(feasible, gain, -np.inf)
        add(int(np.argmax(gain)))

    chosen = set(order)
    guests: list[Guest] = []
    for x in chosen:
        counterparts = sorted(
            (
                Counterpart(ids[y], round(w, 6), _pairs_key(ids[x], ids[y]) in known)
                for y, w in adjacency.of(x)
                if y in chosen
            ),
            key=lambda c: (-c.score, c.id),
        )[: settings.counterparts_shown]
        best = counterparts[0].score if counterparts else 0.0
        candidate = pool[x]
        guests.append(
            Guest(
                id=ids[x],
                rank=0,
                score=round(float(fresh[x] * (rel[x] + beta * best)), 6),
                relevance=float(raw[x]),
                relevance_scaled=round(float(rel[x]), 6),
                freshness=round(float(fresh[x]), 6),
                locked=ids[x] in locked_ids,
                counterparts=tuple(counterparts),
                newcomer=candidate.events_attended == 0,
                recent_invitations_missed=candidate.recent_invitations_missed,
                recent_no_shows=candidate.recent_no_shows,
            )
        )
    guests.sort(key=lambda g: (-g.score, g.id))
    guests = [replace(g, rank=rank) for rank, g in enumerate(guests, start=1)]

    result = GuestList(
        guests=guests,
        size=settings.size,
        band=band,
        private_count=counts[PRIVATE],
        public_count=counts[PUBLIC],
    )
    if len(guests) < settings.size:
        result.warnings.append(
            (NOT_ENOUGH_CANDIDATES, {"found": len(guests), "size": settings.size})
        )
    if len(guests) == settings.size and not (
        band.min_private <= counts[PRIVATE] <= band.max_private
    ):
        result.warnings.append((SHARE_OUT_OF_BAND, {"private": counts[PRIVATE]}))
    over = sorted(o for o, k in per_organisation.items() if k > settings.per_organisation_cap)
    if over:
        result.warnings.append((ORGANISATION_OVER_CAP, {"organisations": over}))
    return result


def top_by_relevance(
    candidates: Iterable[Candidate], relevance: Mapping[int, float], size: int
) -> list[int]:
    """The simple reference: the ``size`` most relevant candidates, nothing else considered."""
    ranked = sorted(candidates, key=lambda c: (-relevance.get(c.id, 0.0), c.id))
    return [c.id for c in ranked[:size]]
