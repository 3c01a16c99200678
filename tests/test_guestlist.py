"""The guest-list optimiser on plain data: its rules, its preferences, its determinism."""

import random

import pytest

from matchmaker.guestlist import (
    NOT_ENOUGH_CANDIDATES,
    Candidate,
    Settings,
    generate,
    private_band,
    top_by_relevance,
)


def random_cluster(n: int, seed: int, organisations: int | None = None, neighbours: int = 12):
    rng = random.Random(seed)
    organisations = organisations or max(n // 3, 1)
    candidates, relevance, pairs = [], {}, {}
    for person_id in range(1, n + 1):
        # Skewed sectors and regions, as in a real membership list.
        candidates.append(
            Candidate(
                id=person_id,
                sector="private" if rng.random() < 0.65 else "public",
                organisation_id=rng.randrange(organisations),
                region=rng.choice(["pdl", "pdl", "pdl", "bzh", "cvl", "other"]),
                events_attended=rng.choice([0, 1, 3]),
            )
        )
        relevance[person_id] = max(0.0, rng.gauss(0.3, 0.25))
    for candidate in candidates:
        pairs[candidate.id] = [
            (rng.randrange(1, n + 1), rng.random()) for _ in range(neighbours)
        ]
    return candidates, relevance, pairs


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("target", [0.3, 0.5, 0.7])
def test_share_and_per_organisation_cap_hold_on_any_cluster(seed, target):
    candidates, relevance, pairs = random_cluster(300, seed)
    settings = Settings(size=40, target_private_share=target, per_organisation_cap=2)
    result = generate(candidates, relevance, pairs, settings)

    assert len(result.guests) == 40
    private = sum(1 for c in candidates if c.id in set(result.ids) and c.sector == "private")
    assert abs(private / 40 - target) <= 0.10 + 1e-9
    assert result.private_count == private
    organisation_of = {c.id: c.organisation_id for c in candidates}
    per_organisation = {}
    for person_id in result.ids:
        organisation = organisation_of[person_id]
        per_organisation[organisation] = per_organisation.get(organisation, 0) + 1
    assert max(per_organisation.values()) <= 2
    assert result.warnings == []


def test_band_is_ten_points_around_the_target_and_never_empty():
    assert private_band(70, 0.5, 0.10) == private_band(70, 0.5, 0.10)
    band = private_band(70, 0.5, 0.10)
    assert (band.min_private, band.max_private) == (28, 42)
    tiny = private_band(1, 0.5, 0.10)
    assert tiny.min_private == tiny.max_private


def test_the_same_input_gives_the_same_list_whatever_the_order_of_candidates():
    candidates, relevance, pairs = random_cluster(400, 3)
    settings = Settings(size=50)
    first = generate(candidates, relevance, pairs, settings)
    shuffled = list(candidates)
    random.Random(9).shuffle(shuffled)
    second = generate(shuffled, dict(reversed(list(relevance.items()))), pairs, settings)
    assert [(g.id, g.score, g.rank) for g in first.guests] == [
        (g.id, g.score, g.rank) for g in second.guests
    ]


def test_locked_guests_stay_and_excluded_people_never_appear():
    candidates, relevance, pairs = random_cluster(200, 5)
    least_relevant = sorted(relevance, key=relevance.get)[:3]
    most_relevant = sorted(relevance, key=relevance.get, reverse=True)[:5]
    result = generate(
        candidates,
        relevance,
        pairs,
        Settings(size=20, locked=least_relevant, excluded=most_relevant),
    )
    assert set(least_relevant) <= set(result.ids)
    assert not set(most_relevant) & set(result.ids)
    assert all(g.locked == (g.id in least_relevant) for g in result.guests)


def test_a_strong_counterpart_beats_a_little_more_relevance():
    # Two privates compete for one place: the slightly more relevant one has no public
    # counterpart among the candidates, the other has a strong one.
    candidates = [
        Candidate(1, "private", organisation_id=1),
        Candidate(2, "private", organisation_id=2),
        Candidate(3, "public", organisation_id=3),
    ]
    relevance = {1: 0.9, 2: 0.8, 3: 0.8}
    pairs = {2: [(3, 0.9)], 1: [(3, 0.05)]}
    result = generate(
        candidates, relevance, pairs, Settings(size=2, target_private_share=0.5)
    )
    assert set(result.ids) == {2, 3}
    two = next(g for g in result.guests if g.id == 2)
    assert two.counterparts[0].id == 3
    # The plain top-N reference would have kept the most relevant private.
    assert 1 in top_by_relevance(candidates, relevance, 2)


def test_pairs_who_already_know_each_other_count_less():
    candidates = [
        Candidate(1, "private", organisation_id=1),
        Candidate(2, "public", organisation_id=2),
        Candidate(3, "public", organisation_id=3),
    ]
    relevance = {1: 1.0, 2: 0.5, 3: 0.5}
    pairs = {1: [(2, 0.9), (3, 0.8)]}
    settings = Settings(size=2, target_private_share=0.5)
    assert set(generate(candidates, relevance, pairs, settings).ids) == {1, 2}
    result = generate(candidates, relevance, pairs, settings, known_pairs=[(2, 1)])
    assert set(result.ids) == {1, 3}


def test_newcomers_count_more_and_recent_no_shows_less():
    twins = {1: 0.5, 2: 0.5}
    regular = Candidate(1, "private", organisation_id=1, events_attended=4)
    newcomer = Candidate(2, "private", organisation_id=2, events_attended=0)
    picked = generate([regular, newcomer], twins, {}, Settings(size=1, target_private_share=1))
    assert picked.ids == [2]
    assert picked.guests[0].newcomer

    no_show = Candidate(1, "private", organisation_id=1, events_attended=2, recent_no_shows=1)
    missed = Candidate(2, "private", organisation_id=2, events_attended=2,
                       recent_invitations_missed=1)
    reliable = Candidate(3, "private", organisation_id=3, events_attended=2)
    scores = {1: 0.6, 2: 0.55, 3: 0.5}
    ranked = generate([no_show, missed, reliable], scores, {},
                      Settings(size=3, target_private_share=1))
    order = [g.id for g in ranked.guests]
    assert order == [3, 2, 1]


def test_region_weights_steer_the_regional_mix():
    candidates, relevance, pairs = random_cluster(400, 11)
    plain = generate(candidates, relevance, pairs, Settings(size=40))
    steered = generate(
        candidates, relevance, pairs, Settings(size=40, region_weights={"bzh": 1, "cvl": 1})
    )
    region = {c.id: c.region for c in candidates}

    def share(result, wanted):
        return sum(1 for i in result.ids if region[i] in wanted) / len(result.ids)

    assert share(steered, {"bzh", "cvl"}) > share(plain, {"bzh", "cvl"}) + 0.2
    assert share(steered, {"bzh", "cvl"}) >= 0.8


def test_too_few_candidates_gives_a_shorter_list_and_says_so():
    candidates = [Candidate(i, "private" if i % 2 else "public", organisation_id=i)
                  for i in range(1, 6)]
    result = generate(candidates, {i: 1.0 for i in range(1, 6)}, {}, Settings(size=10))
    assert len(result.guests) == 5
    assert result.warnings[0][0] == NOT_ENOUGH_CANDIDATES


def test_people_unrelated_to_the_theme_are_left_out_while_relevant_ones_suffice():
    candidates = [Candidate(i, "private" if i % 2 else "public", organisation_id=i)
                  for i in range(1, 21)]
    relevance = {i: (1.0 if i <= 10 else 0.0) for i in range(1, 21)}
    # Strong pairs between unrelated people must not bring them in.
    pairs = {11: [(12, 1.0)], 13: [(14, 1.0)]}
    result = generate(candidates, relevance, pairs, Settings(size=10))
    assert set(result.ids) == set(range(1, 11))
