import dataclasses

import pytest

from matchmaker.matching import MatchingEngine, MatchingIndex, Profile, Vocabulary, Weights

NO_HISTORY_TEXT_ONLY = Weights(offer_to_need=0.0, need_to_offer=0.0)


def by_key(profiles):
    return {p.key: p for p in profiles}


def ranked(suggestions):
    return [s.candidate for s in suggestions]


def test_radiopharmaceutical_startup_prefers_nuclear_medicine_lab(cluster):
    index = MatchingEngine().fit(cluster)
    top = ranked(index.top_k(k=10)["o:radiostart"])
    assert top.index("o:radiolab") < top.index("o:microbiolab") if "o:microbiolab" in top else True
    assert top[0] == "o:radiolab"


def test_french_lab_matches_english_startup_through_concepts(cluster):
    lab = Profile(
        "o:lab",
        "public",
        group="o:lab",
        expertise="Laboratoire de thérapie génique : ARN messager et façonnier.",
    )
    start = Profile(
        "o:start", "private", group="o:start", expertise="We develop mRNA gene therapy with a CDMO."
    )
    other = Profile(
        "o:other", "private", group="o:other", expertise="We build telemedicine software."
    )
    index = MatchingEngine(weights=NO_HISTORY_TEXT_ONLY).fit([lab, start, other])
    sugg = index.top_k(k=5)["o:lab"]
    assert ranked(sugg) == ["o:start"]
    reasons = [r for r in sugg[0].reasons if r.channel == "expertise"]
    assert {r.concept for r in reasons} == {"mrna", "cdmo", "gene_therapy"}
    mrna = next(r for r in reasons if r.concept == "mrna")
    assert mrna.text(index.vocabulary, "fr") == "ARN messager"
    assert mrna.text(index.vocabulary, "en") == "messenger RNA"
    # Without concept mapping the French and English texts share no word.
    bare = MatchingEngine(vocabulary=Vocabulary([]), weights=NO_HISTORY_TEXT_ONLY)
    bare_sugg = bare.fit([lab, start, other]).top_k(k=5)["o:lab"]
    assert bare_sugg[0].score < 0.5 * sugg[0].score


def test_tags_weigh_more_than_free_text():
    query = Profile("o:q", "private", group="o:q", expertise="vaccines and biomaterials")
    tagged = Profile(
        "o:t",
        "public",
        group="o:t",
        expertise="Our group works on biomaterials.",
        tags=["vaccines"],
    )
    texted = Profile(
        "o:x",
        "public",
        group="o:x",
        expertise="Our group works on vaccines.",
        tags=["biomaterials"],
    )
    index = MatchingEngine(weights=NO_HISTORY_TEXT_ONLY).fit([query, tagged, texted])
    # Both public profiles mention both concepts; "vaccines" is a tag only in o:t.
    q2 = dataclasses.replace(query, expertise="vaccines")
    assert ranked(index.suggest(q2, k=2)) == ["o:t", "o:x"]
    q3 = dataclasses.replace(query, expertise="biomaterials")
    assert ranked(index.suggest(q3, k=2)) == ["o:x", "o:t"]


def test_complementarity_is_directional():
    seeker = Profile(
        "o:seek",
        "private",
        group="o:seek",
        expertise="software company",
        looking_for="GMP fill-finish of our vaccine",
    )
    provider = Profile(
        "o:prov",
        "public",
        group="o:prov",
        expertise="academic platform",
        offer="GMP fill-finish for vaccines",
    )
    w = Weights(expertise=0.0, offer_to_need=1.0, need_to_offer=0.0)
    index = MatchingEngine(weights=w).fit([seeker, provider])
    table = index.top_k(k=5)
    # The seeker's need meets the provider's offer ...
    assert ranked(table["o:seek"]) == ["o:prov"]
    assert table["o:seek"][0].channels["offer_to_need"] > 0
    concepts = {r.concept for r in table["o:seek"][0].reasons_for("offer_to_need")}
    assert "fill_finish" in concepts
    # ... but the provider looks for nothing, so nothing flows the other way in this channel.
    assert table["o:prov"] == []
    w2 = Weights(expertise=0.0, offer_to_need=0.0, need_to_offer=1.0)
    table2 = MatchingEngine(weights=w2).fit([seeker, provider]).top_k(k=5)
    assert ranked(table2["o:prov"]) == ["o:seek"] and table2["o:seek"] == []


def test_same_group_and_excluded_pairs_never_appear_and_only_cross_sector(cluster):
    # A person of the radiopharmacy lab whose organisation is private (dual affiliation
    # is modelled by group): people pair with people only, never within their group.
    extra = [
        Profile(
            "p:1",
            "private",
            group="o:radiostart",
            parent="o:radiostart",
            expertise="radiochemistry",
        ),
        Profile("p:2", "public", group="o:radiostart", expertise="radiochemistry", kind="person"),
        Profile(
            "p:3", "public", group="o:radiolab", parent="o:radiolab", expertise="radiochemistry"
        ),
    ]
    index = MatchingEngine().fit(cluster + extra)
    table = index.top_k(k=10, exclude={frozenset(("o:radiostart", "o:radiolab"))})
    assert "o:radiolab" not in ranked(table["o:radiostart"])
    assert "o:radiostart" not in ranked(table["o:radiolab"])
    assert ranked(table["p:1"]) == ["p:3"]  # p:2 is in the same group
    profiles = by_key(cluster + extra)
    for key in table:
        for s in table[key]:
            assert profiles[s.candidate].sector != profiles[key].sector
            assert profiles[s.candidate].effective_kind == profiles[key].effective_kind
            assert profiles[s.candidate].group != profiles[key].group


def test_history_pairs_are_never_suggested_but_inform_others(cluster):
    plain = MatchingEngine().fit(cluster).top_k(k=10)
    assert "o:immunolab" in ranked(plain["o:mabstart"])
    index = MatchingEngine().fit(
        cluster, history=[("o:mabstart", "o:immunolab"), ("o:cdmo", "o:immunolab")]
    )
    table = index.top_k(k=10)
    assert "o:immunolab" not in ranked(table["o:mabstart"])
    assert "o:mabstart" not in ranked(table["o:immunolab"])
    # A track record lifts the lab for other companies, with a reason saying so.
    radio = {s.candidate: s for s in table["o:radiostart"]}
    assert radio["o:immunolab"].channels["track_record"] > 0
    assert any(r.channel == "track_record" and r.term == "2" for r in radio["o:immunolab"].reasons)


def test_incremental_suggest_equals_bulk_for_profile_in_corpus(cluster):
    index = MatchingEngine().fit(cluster, history=[("o:cdmo", "o:gmpplatform")])
    table = index.top_k(k=10)
    for p in cluster:
        bulk = table[p.key]
        one = index.suggest(p, k=10)
        assert ranked(one) == ranked(bulk)
        for a, b in zip(one, bulk, strict=True):
            assert a.score == pytest.approx(b.score, rel=1e-5)
            assert [r.term for r in a.reasons] == [r.term for r in b.reasons]


def test_upsert_and_remove_are_seen_by_later_queries(cluster):
    index = MatchingEngine().fit(cluster)
    newcomer = Profile(
        "o:new",
        "public",
        group="o:new",
        expertise="Radiochimie et médecine nucléaire, radiothérapie interne vectorisée, PSMA",
    )
    radio = by_key(cluster)["o:radiostart"]
    assert "o:new" not in ranked(index.suggest(radio))
    index.upsert(newcomer)
    assert "o:new" in ranked(index.suggest(radio))[:2]
    assert "o:new" in ranked(index.top_k(k=10)["o:radiostart"])
    index.upsert(dataclasses.replace(newcomer, expertise="Élevage de volailles"))
    assert "o:new" not in ranked(index.suggest(radio))[:2]
    index.remove("o:radiolab")
    assert "o:radiolab" not in ranked(index.suggest(radio))
    assert "o:radiolab" not in index


def test_dump_load_roundtrip(cluster, tmp_path):
    index = MatchingEngine().fit(cluster, history=[("o:cdmo", "o:gmpplatform")])
    before = {k: [(s.candidate, s.score) for s in v] for k, v in index.top_k(k=5).items()}
    path = tmp_path / "index.pkl"
    index.dump(path)
    loaded = MatchingIndex.load(path)
    after = {k: [(s.candidate, s.score) for s in v] for k, v in loaded.top_k(k=5).items()}
    assert after == before
    radio = by_key(cluster)["o:radiostart"]
    assert ranked(loaded.suggest(radio)) == ranked(index.suggest(radio))


def test_extended_vocabulary_makes_a_new_synonym_match():
    a = Profile("o:a", "private", group="o:a", expertise="We run a zorblax facility.")
    b = Profile("o:b", "public", group="o:b", expertise="Plateforme de fluxomique.")
    engine = MatchingEngine(weights=NO_HISTORY_TEXT_ONLY)
    assert engine.fit([a, b]).top_k()["o:a"] == []
    vocab = Vocabulary.default().extended([("fluxomics", "fluxomique", "fluxomics", ["zorblax"])])
    index = MatchingEngine(vocabulary=vocab, weights=NO_HISTORY_TEXT_ONLY).fit([a, b])
    sugg = index.top_k()["o:a"]
    assert ranked(sugg) == ["o:b"]
    assert sugg[0].reasons[0].text(vocab, "fr") == "fluxomique"


def test_person_inherits_part_of_organisation_profile(cluster):
    person = Profile(
        "p:x",
        "private",
        group="o:radiostart",
        parent="o:radiostart",
        expertise="Business development and fundraising.",
    )
    labber = Profile(
        "p:y", "public", group="o:radiolab", parent="o:radiolab", expertise="Ingénieur qualité."
    )
    other = Profile(
        "p:z",
        "public",
        group="o:microbiolab",
        parent="o:microbiolab",
        expertise="Ingénieur qualité.",
    )
    index = MatchingEngine().fit([*cluster, person, labber, other])
    assert ranked(index.top_k()["p:x"])[0] == "p:y"


def test_rank_query_scores_theme_with_reasons(cluster):
    index = MatchingEngine().fit(cluster)
    ranking = index.rank_query(
        text="Afterwork microbiote et nutrition",
        tags=["probiotiques"],
        focus_areas=["nutrition_microbiota"],
    )
    assert len(ranking) == len(cluster)
    assert {s.candidate for s in ranking[:2]} == {"o:microbiolab", "o:biomestart"}
    assert ranking[0].reasons and ranking[0].reasons[0].concept is not None
    public = index.rank_query(text="radiopharmaceuticals", sector="public", k=1)
    assert ranked(public) == ["o:radiolab"]
    some = index.rank_query(text="radiopharmaceuticals", candidates=["o:cdmo", "o:radiostart"])
    assert ranked(some) == ["o:radiostart", "o:cdmo"]


def test_results_are_deterministic(cluster):
    runs = []
    for order in (cluster, list(reversed(cluster))):
        table = MatchingEngine().fit(order).top_k(k=10)
        runs.append({k: [(s.candidate, round(s.score, 6)) for s in table[k]] for k in table})
    assert runs[0] == runs[1]


def test_progress_is_reported(cluster):
    calls = []
    index = MatchingEngine().fit(cluster, progress=lambda d, t: calls.append((d, t)))
    index.top_k(progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1]


TEXT_ONLY = Weights(similar_partners=0.0, peer_partners=0.0, network=0.0, track_record=0.0)


def test_history_channels_off_leave_the_text_ranking_unchanged(cluster):
    plain = MatchingEngine(weights=TEXT_ONLY).fit(cluster).top_k(k=10)
    with_history = (
        MatchingEngine(weights=TEXT_ONLY)
        .fit(cluster, history=[("o:cdmo", "o:gmpplatform"), ("o:mabstart", "o:radiolab")])
        .top_k(k=10)
    )
    for key in plain:
        expected = [(s.candidate, round(s.score, 6)) for s in plain[key]]
        # Past partners are never suggested; everything else keeps its text score and rank.
        past = {"o:cdmo": "o:gmpplatform", "o:gmpplatform": "o:cdmo"}
        past |= {"o:mabstart": "o:radiolab", "o:radiolab": "o:mabstart"}
        expected = [e for e in expected if e[0] != past.get(key)]
        assert [(s.candidate, round(s.score, 6)) for s in with_history[key]] == expected
        for s in with_history[key]:
            assert set(s.channels) <= {"expertise", "offer_to_need", "need_to_offer"}


def _lookalike_cluster(cluster):
    twin = Profile(
        "o:radiotwin",
        "private",
        group="o:radiotwin",
        expertise="We develop radioligand therapy and PET imaging agents (lutetium-177, "
        "gallium-68) for prostate cancer.",
        tags=("radiopharmaceuticals", "theranostics"),
        focus_areas=("radiopharmaceuticals",),
    )
    return [*cluster, twin]


def test_partners_of_lookalike_organisations_are_suggested_with_their_keys_as_reasons(cluster):
    profiles = _lookalike_cluster(cluster)
    weights = Weights(
        expertise=0.0,
        offer_to_need=0.0,
        need_to_offer=0.0,
        similar_partners=0.0,
        network=0.0,
        track_record=0.0,
    )
    index = MatchingEngine(weights=weights).fit(
        profiles, history=[("o:radiostart", "o:immunolab")]
    )
    table = index.top_k(k=5)
    # The twin has no history; the lab worked with the startup that looks like it.
    top = table["o:radiotwin"]
    assert ranked(top)[0] == "o:immunolab"
    peer = top[0].reasons_for("peer_partners")
    assert peer and peer[0].term == "o:radiostart" and peer[0].concept is None
    assert top[0].channels["peer_partners"] > 0
    # A new profile written like the twin gets the same suggestion without a refit.
    fresh = dataclasses.replace(profiles[-1], key="o:new", group="o:new")
    assert ranked(index.suggest(fresh, k=5))[0] == "o:immunolab"
    # The startup's own partner is never suggested back to it.
    assert "o:immunolab" not in ranked(table["o:radiostart"])


def test_network_reasons_name_the_organisations_sharing_partners(cluster):
    weights = Weights(
        expertise=0.0,
        offer_to_need=0.0,
        need_to_offer=0.0,
        similar_partners=0.0,
        peer_partners=0.0,
        track_record=0.0,
    )
    history = [
        ("o:mabstart", "o:immunolab"),
        ("o:radiostart", "o:immunolab"),
        ("o:radiostart", "o:radiolab"),
    ]
    table = MatchingEngine(weights=weights).fit(cluster, history=history).top_k(k=5)
    # mabstart shares immunolab with radiostart, which also worked with radiolab.
    top = table["o:mabstart"]
    assert ranked(top) == ["o:radiolab"]
    assert [r.term for r in top[0].reasons_for("network")] == ["o:radiostart"]


def test_history_results_are_deterministic(cluster):
    profiles = _lookalike_cluster(cluster)
    history = [("o:radiostart", "o:immunolab"), ("o:cdmo", "o:gmpplatform")]
    runs = []
    for order in (profiles, list(reversed(profiles))):
        table = MatchingEngine().fit(order, history=list(reversed(history))).top_k(k=10)
        runs.append(
            {
                k: [(s.candidate, round(s.score, 6), [r.term for r in s.reasons]) for s in table[k]]
                for k in table
            }
        )
    assert runs[0] == runs[1]
