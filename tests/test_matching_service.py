"""The matching engine inside the app: profiles, exclusions, rebuilds, refreshes, settings."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import refresh
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import (
    Connection,
    MatchingChange,
    MatchingRun,
    Suggestion,
    Veto,
    ordered_pair,
)
from matchmaker.services import concepts, matching, matching_weights, suggestions
from matchmaker.services.matching_changes import mark_parties
from matchmaker.services.people import ProfileData, save_profile
from matchmaker.services.tags import resolve_tags
from tests.support.factories import make_organisation, make_person
from tests.support.matching import party, small_cluster, stored


@pytest.fixture(autouse=True)
def english(app):
    """Messages outside requests speak the default language: English here, to read them."""
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    refresh()


@pytest.fixture
def cluster(app):
    return small_cluster()


@pytest.fixture
def organiser(app):
    return make_person(email="organiser@example.org", role="organiser", consent_matching=False)


def connect(a, b, via="introduction"):
    (a_kind, a_id), (b_kind, b_id) = ordered_pair(party(a), party(b))
    db.session.add(
        Connection(
            a_kind=a_kind, a_id=a_id, b_kind=b_kind, b_id=b_id, via=via, occurred_on=date.today()
        )
    )
    db.session.commit()


def profile_data(person, **changes) -> ProfileData:
    values = {
        "full_name": person.full_name,
        "expertise": person.expertise,
        "offer": person.offer,
        "looking_for": person.looking_for,
        "language": person.language,
        "consent_matching": person.consent_matching,
    }
    values.update(changes)
    return ProfileData(**values)


# -- profiles -----------------------------------------------------------------------------------


def test_profiles_are_built_from_organisations_and_people(cluster):
    radio = matching.organisation_profile(cluster.radio)
    assert radio.key == f"o:{cluster.radio.id}" and radio.group == radio.key
    assert radio.sector == "private" and radio.kind == "organisation"
    assert radio.tags == ["radiopharmaceutiques"]
    assert radio.focus_areas == ["radiopharmaceuticals"]
    assert radio.expertise == cluster.radio.description
    assert radio.offer == cluster.radio.offer and radio.looking_for == cluster.radio.looking_for

    bob = matching.person_profile(cluster.bob, cluster.nuclear)
    assert bob.key == f"p:{cluster.bob.id}" and bob.kind == "person"
    assert bob.group == bob.parent == f"o:{cluster.nuclear.id}"
    assert bob.sector == "public" and bob.language == "en"
    assert bob.expertise == cluster.bob.expertise and bob.offer == cluster.bob.offer


def test_a_rebuild_stores_cross_sector_suggestions_with_reasons(cluster):
    run = matching.rebuild()
    assert run.status == "succeeded" and run.organisations == 4 and run.people == 4
    assert run.suggestions == db.session.scalar(select(func.count()).select_from(Suggestion))
    # The radiopharmaceutical startup sees the nuclear medicine lab first, its person Bob first.
    assert stored(cluster.radio)[0] == party(cluster.nuclear)
    assert stored(cluster.alice)[0] == party(cluster.bob)
    assert stored(cluster.gut)[0] == party(cluster.microbiota)
    # Never one's own side, never one's own organisation.
    for row in db.session.scalars(select(Suggestion)):
        assert row.source_kind == row.candidate_kind
    assert party(cluster.radio) not in stored(cluster.radio)
    # Reasons in the reader's language: the same concept in French and in English.
    (french,) = suggestions.suggestions_for("organisation", cluster.radio.id, limit=1, lang="fr")
    (english,) = suggestions.suggestions_for("organisation", cluster.radio.id, limit=1, lang="en")
    assert any("médecine nucléaire" in line.text for line in french.reasons)
    assert any("nuclear medicine" in line.text for line in english.reasons)
    assert any(
        line.text.startswith("Their offer matches what you look for") for line in english.reasons
    )


def test_no_consent_connected_and_vetoed_pairs_are_never_suggested(cluster, organiser):
    cluster.carol.consent_matching = False
    db.session.commit()
    connect(cluster.alice, cluster.bob)
    db.session.add(
        Veto(
            a_kind="organisation",
            a_id=min(cluster.gut.id, cluster.microbiota.id),
            b_kind="organisation",
            b_id=max(cluster.gut.id, cluster.microbiota.id),
            reason="Already in a joint lab",
            created_by_id=organiser.user_id,
        )
    )
    db.session.commit()
    matching.rebuild()

    assert party(cluster.bob) not in stored(cluster.alice)
    assert party(cluster.alice) not in stored(cluster.bob)
    assert party(cluster.carol) not in stored(cluster.dan)
    assert stored(cluster.carol) == []
    assert party(cluster.microbiota) not in stored(cluster.gut)
    assert party(cluster.gut) not in stored(cluster.microbiota)
    # Other pairs are still suggested.
    assert party(cluster.nuclear) in stored(cluster.radio)


def test_pages_read_stored_lists_and_hide_at_once_who_withdrew_consent(cluster):
    matching.rebuild()
    names = [s.name for s in suggestions.suggestions_for("person", cluster.alice.id)]
    assert names[0] == "Bob Nuclear"

    # Bob withdraws his consent: gone from Alice's list before any refresh runs.
    save_profile(cluster.bob.user, profile_data(cluster.bob, consent_matching=False))
    assert "Bob Nuclear" not in [
        s.name for s in suggestions.suggestions_for("person", cluster.alice.id)
    ]
    assert suggestions.suggestions_for("person", cluster.bob.id) == []
    # The refresh then removes his rows.
    matching.refresh_pending()
    assert party(cluster.bob) not in stored(cluster.alice)
    assert stored(cluster.bob) == []


def test_a_saved_profile_is_refreshed_against_the_fitted_index_without_refitting(cluster):
    matching.rebuild()
    index = matching.current_index()
    features = index.vectoriser.n_features
    assert stored(cluster.dan)[0] == party(cluster.carol)

    # Dan now works on dosimetry for nuclear medicine: words the index already knows.
    save_profile(
        cluster.dan.user,
        profile_data(
            cluster.dan,
            expertise="Dosimetry and PET imaging in nuclear medicine.",
            looking_for="Nuclear medicine physicians.",
        ),
    )
    assert db.session.get(MatchingChange, ("person", cluster.dan.id)) is not None
    report = matching.refresh_pending()
    assert report.recomputed == 1
    assert stored(cluster.dan)[0] == party(cluster.bob)
    # Bob's own list was recomputed too: Dan now appears in it.
    assert party(cluster.dan) in stored(cluster.bob)
    # No refit: still one run, the same features.
    assert db.session.scalar(select(func.count()).select_from(MatchingRun)) == 1
    assert matching.current_index().vectoriser.n_features == features
    assert matching.refresh_pending().changed == 0


def test_a_new_organisation_gets_suggestions_from_the_refresh(cluster):
    matching.rebuild()
    newcomer = make_organisation(
        name="Isotopia",
        kind="startup",
        description="Radiopharmaceuticals for nuclear medicine and dosimetry.",
    )
    mark_parties(newcomer)
    db.session.commit()
    matching.refresh_pending()
    assert stored(newcomer)[0] == party(cluster.nuclear)
    # And it is a candidate for the public side already.
    assert party(newcomer) in stored(cluster.nuclear)


def test_a_rebuild_replaces_the_lists_and_keeps_first_seen_dates(cluster):
    matching.rebuild()
    row = db.session.scalar(
        select(Suggestion).where(
            Suggestion.source_kind == "organisation",
            Suggestion.source_id == cluster.radio.id,
            Suggestion.candidate_id == cluster.nuclear.id,
        )
    )
    long_ago = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    row.first_seen_at = long_ago
    # A row the next rebuild will not produce (the pair got connected meanwhile).
    connect(cluster.gut, cluster.microbiota, via="collaboration")
    db.session.commit()

    matching.rebuild()
    kept = db.session.scalar(
        select(Suggestion).where(
            Suggestion.source_kind == "organisation",
            Suggestion.source_id == cluster.radio.id,
            Suggestion.candidate_id == cluster.nuclear.id,
        )
    )
    assert kept.first_seen_at == long_ago
    assert kept.computed_at > long_ago
    assert party(cluster.microbiota) not in stored(cluster.gut)
    assert db.session.scalar(select(func.count()).select_from(MatchingRun)) == 2


def test_weights_change_takes_effect_at_the_next_rebuild(cluster, organiser):
    matching.rebuild()
    (before,) = suggestions.suggestions_for("organisation", cluster.radio.id, limit=1)
    assert "offer_to_need" in {line.channel for line in before.reasons}

    values = {
        name: getattr(matching_weights.default_weights(), name)
        for name in matching_weights.weight_names()
    }
    values.update(offer_to_need=0.0, need_to_offer=0.0)
    matching_weights.save_weights(values, by=organiser.user)
    assert matching_weights.current_weights().offer_to_need == 0.0
    # Stored lists are untouched until the rebuild, which is now due.
    (still,) = suggestions.suggestions_for("organisation", cluster.radio.id, limit=1)
    assert still.score == before.score
    assert matching.rebuild_due() == "requested"

    run = matching.rebuild()
    assert run.weights["offer_to_need"] == 0.0
    (after,) = suggestions.suggestions_for("organisation", cluster.radio.id, limit=1)
    assert {line.channel for line in after.reasons}.isdisjoint({"offer_to_need", "need_to_offer"})
    assert after.score < before.score
    assert matching.rebuild_due() is None


def test_weights_out_of_range_are_refused(organiser):
    values = {name: 1.0 for name in matching_weights.weight_names()}
    values["network"] = -1
    with pytest.raises(matching_weights.WeightsError) as error:
        matching_weights.save_weights(values, by=organiser.user)
    assert error.value.field == "network"
    values["network"] = 1.0
    values["inherit"] = 2.0
    with pytest.raises(matching_weights.WeightsError):
        matching_weights.save_weights(values, by=organiser.user)
    assert matching_weights.current_weights() == matching_weights.default_weights()


def test_a_concept_added_by_organisers_makes_a_new_synonym_match(app, organiser):
    company = make_organisation(
        name="Zorblax Industries", kind="sme", looking_for="Experts in quintessal zorblaxing."
    )
    lab = make_organisation(
        name="Flumox Lab", kind="university_lab", offer="Nous maîtrisons la flumoxisation."
    )
    matching.rebuild()
    assert party(lab) not in stored(company)

    concepts.add_concept(
        "flumoxisation",
        "quintessal zorblaxing",
        ["zorblaxing", "flumoxer"],
        by=organiser.user,
    )
    assert matching.rebuild_due() == "requested"
    matching.rebuild()
    assert stored(company) == [party(lab)]
    (english,) = suggestions.suggestions_for("organisation", company.id, lang="en")
    (french,) = suggestions.suggestions_for("organisation", company.id, lang="fr")
    assert "quintessal zorblaxing" in english.reasons[0].text
    assert "flumoxisation" in french.reasons[0].text


def test_synonyms_added_to_a_built_in_concept_count(app, organiser):
    company = make_organisation(name="Cellwerk", kind="sme", looking_for="Zellkultur experts.")
    lab = make_organisation(name="Culture Lab", kind="university_lab", offer="Cell culture.")
    matching.rebuild()
    assert party(lab) not in stored(company)
    concept_key = next(
        key
        for key, concept in concepts.matching_vocabulary().concepts.items()
        if concept.label_en == "cell culture"
    )
    assert concepts.add_synonyms(concept_key, ["Zellkultur"], by=organiser.user) == ["Zellkultur"]
    matching.rebuild()
    assert stored(company) == [party(lab)]
    # A word that already names another concept is refused, with that concept named.
    with pytest.raises(concepts.ConceptError, match="already names"):
        concepts.add_synonyms(concept_key, ["dosimetry"], by=organiser.user)


def test_vetoing_removes_the_pair_at_once_and_lifting_lets_it_come_back(cluster, organiser):
    matching.rebuild()
    assert party(cluster.nuclear) in stored(cluster.radio)
    veto = suggestions.veto_pair(
        party(cluster.radio), party(cluster.nuclear), "They are in a dispute", by=organiser.user
    )
    assert party(cluster.nuclear) not in stored(cluster.radio)
    assert party(cluster.radio) not in stored(cluster.nuclear)
    with pytest.raises(suggestions.VetoError):
        suggestions.veto_pair(
            party(cluster.nuclear), party(cluster.radio), "again", by=organiser.user
        )
    with pytest.raises(suggestions.VetoError):
        suggestions.veto_pair(party(cluster.gut), party(cluster.carol), "", by=organiser.user)
    matching.refresh_pending()
    assert party(cluster.nuclear) not in stored(cluster.radio)

    suggestions.lift_veto(veto.id, by=organiser.user)
    matching.refresh_pending()
    assert party(cluster.nuclear) in stored(cluster.radio)
    (row,) = suggestions.veto_list()
    assert row.veto.reason == "They are in a dispute" and row.veto.removed_at is not None
    assert row.created_by.id == organiser.user_id and row.removed_by.id == organiser.user_id


def test_the_cluster_list_pairs_each_private_public_pair_once_with_filters(cluster):
    matching.rebuild()
    page = suggestions.cluster_pairs(suggestions.PairFilters(party="organisation"))
    pairs = {(row.private.id, row.public.id) for row in page.items}
    assert (cluster.radio.id, cluster.nuclear.id) in pairs
    assert len(pairs) == len(page.items) == page.total
    for row in page.items:
        assert row.private.organisation.sector == "private"
        assert row.public.organisation.sector == "public"

    microbiota_only = suggestions.cluster_pairs(
        suggestions.PairFilters(focus_area="nutrition_microbiota", kind="sme")
    )
    assert {row.private.name for row in microbiota_only.items} == {"Gutbiome", "Dan Gut"}
    brittany = suggestions.cluster_pairs(suggestions.PairFilters(region="bretagne"))
    assert all("bretagne" in (row.public.organisation.region,) for row in brittany.items)
    assert brittany.total > 0

    # A pair connected since the rebuild leaves the list at once.
    connect(cluster.radio, cluster.nuclear)
    after = suggestions.cluster_pairs(suggestions.PairFilters(party="organisation"))
    assert (cluster.radio.id, cluster.nuclear.id) not in {
        (row.private.id, row.public.id) for row in after.items
    }


def test_scheduled_jobs_build_when_never_built_and_wait_for_a_due_rebuild(cluster, app):
    assert matching.rebuild_due() == "never"
    assert matching.refresh_pending().changed == 0  # nothing to refresh against yet
    assert "rebuilt (never)" in matching.rebuild_if_due()
    assert matching.rebuild_if_due() is None
    # Many changes at once (an import): the refresh leaves them to the rebuild.
    app.config["MATCHING_REBUILD_MIN_CHANGES"] = 2
    mark_parties(cluster.radio, cluster.nuclear, cluster.gut)
    db.session.commit()
    assert matching.rebuild_due() == "changes"
    assert matching.refresh_pending().changed == 0
    assert "rebuilt (changes)" in matching.rebuild_if_due()
    assert matching.changed_since_rebuild() == 0


def test_a_rebuild_refuses_to_start_while_another_runs(cluster):
    db.session.add(MatchingRun(trigger="command", status="running"))
    db.session.commit()
    with pytest.raises(matching.RebuildRunning):
        matching.rebuild()


def test_theme_relevance_and_pair_scores_for_other_features(cluster):
    matching.rebuild()
    ranked = matching.theme_relevance(
        "Afterwork: radiopharmaceuticals and dosimetry", focus_areas=["radiopharmaceuticals"]
    )
    top_two = {match.person_id for match in ranked[:2]}
    assert top_two == {cluster.alice.id, cluster.bob.id}
    # Limited to given people, each ranked, zero scores last.
    only = matching.theme_relevance("gut microbiota", person_ids=[cluster.bob.id, cluster.carol.id])
    assert [m.person_id for m in only] == [cluster.carol.id, cluster.bob.id]
    assert only[0].score > 0 and only[0].reasons

    scores = matching.pair_scores(
        [
            (cluster.alice.id, cluster.bob.id),
            (cluster.alice.id, cluster.carol.id),
            (cluster.bob.id, cluster.carol.id),  # both public: no score
        ]
    )
    assert scores[(cluster.alice.id, cluster.bob.id)] > scores[(cluster.alice.id, cluster.carol.id)]
    assert scores[(cluster.bob.id, cluster.carol.id)] == 0.0


def test_a_radiopharmaceutical_startup_sees_the_nuclear_medicine_lab_not_the_microbiota_one(app):
    """On organisations drawn from the demo's own generator."""
    from matchmaker.demo.generator import generate_cluster

    plan = generate_cluster(2020, date(2026, 11, 21))

    def only(themes, kinds):
        return [o for o in plan.organisations if set(o.themes) == themes and o.kind in kinds]

    startup = only({"radiopharmaceuticals"}, {"startup"})[0]
    nuclear_lab = only({"radiopharmaceuticals"}, {"university_lab", "hospital"})[0]
    microbiota_lab = only({"microbiota"}, {"university_lab", "research_institute"})[0]
    chosen = (startup, nuclear_lab, microbiota_lab)
    others = [o for o in plan.organisations[2:40] if o not in chosen]
    created = {}
    for o in [*chosen, *others]:
        organisation = make_organisation(
            name=o.name,
            kind=o.kind,
            region=o.region,
            description=o.description,
            offer=o.offer,
            looking_for=o.looking_for,
            focus_areas=list(o.focus_areas),
        )
        organisation.tags = resolve_tags(o.tags)
        created[o.external_id] = organisation
    db.session.commit()
    matching.rebuild()

    listed = stored(created[startup.external_id])
    nuclear = party(created[nuclear_lab.external_id])
    microbiota = party(created[microbiota_lab.external_id])
    # First the nuclear medicine lab; the microbiota lab not among what a member is shown.
    assert listed[0] == nuclear
    assert microbiota not in listed[:10]


def test_the_digest_lists_a_pair_once_even_when_rebuilds_recompute_it(app, cluster, mailbox):
    from matchmaker.models import MailCategory, MailPreference
    from matchmaker.services.digests import send_due_digests

    db.session.add(
        MailPreference(person_id=cluster.alice.id, category=MailCategory.DIGESTS, subscribed=True)
    )
    db.session.commit()
    matching.rebuild()
    # The digest of the week goes now (its weekday is today's, at midnight).
    now = datetime.now(UTC)
    app.config["DIGEST_WEEKDAY"] = now.astimezone(ZoneInfo("Europe/Paris")).weekday()
    app.config["DIGEST_HOUR"] = 0
    assert send_due_digests(now=now) == 1
    (message,) = mailbox.drain()
    assert "Bob Nuclear" in message.get_body(("plain",)).get_content()

    # Next week: the nightly rebuild recomputed the same pair; nothing is new.
    matching.rebuild()
    assert send_due_digests(now=now + timedelta(days=7)) == 0


def test_merging_tags_asks_for_a_rebuild(cluster, organiser):
    from matchmaker.services.tags import merge_tags

    matching.rebuild()
    pet, tep = resolve_tags(["PET imaging", "imagerie TEP"])
    db.session.commit()
    merge_tags(pet.id, [tep.id], by=organiser.user)
    assert matching.rebuild_due() == "requested"


def test_reasons_name_concepts_in_the_readers_language_and_partners_by_name(app):
    partner = make_organisation(name="Laboratoire Atlantique")
    reasons = [
        {"channel": "track_record", "concept": None, "term": "12", "weight": 0.9},
        {
            "channel": "offer_to_need",
            "concept": None,
            "term": "nuclear medicine department",
            "weight": 0.3,
        },
        {
            "channel": "offer_to_need",
            "concept": "nuclear_medicine",
            "term": "nuclear medicine",
            "weight": 0.2,
        },
        {"channel": "offer_to_need", "concept": None, "term": "department", "weight": 0.1},
        {"channel": "network", "concept": None, "term": f"o:{partner.id}", "weight": 0.05},
    ]
    english = [line.text for line in suggestions.render_reasons(reasons, "en")]
    french = [line.text for line in suggestions.render_reasons(reasons, "fr")]
    assert english == [
        "Their offer matches what you look for: nuclear medicine",
        "Worked with organisations that share partners with you: Laboratoire Atlantique",
        "Has worked with 12 known partners",
    ]
    assert french[0] == "Leur offre répond à ce que vous recherchez : médecine nucléaire"
    assert french[2] == "A travaillé avec 12 partenaires connus"


def test_look_alike_partners_are_named_never_shown_as_keys(app):
    peers = [make_organisation(name=name) for name in ("Biopole Erdre", "Institut Vilaine")]
    reasons = [
        {"channel": "peer_partners", "concept": None, "term": f"o:{peer.id}", "weight": 0.4}
        for peer in peers
    ]
    (line,) = suggestions.render_reasons(reasons, "en")
    assert line.text == "Their past partners are close to you: Biopole Erdre, Institut Vilaine"
    pair_lines = suggestions.render_pair_reasons(reasons, "private", "en")
    assert "o:" not in pair_lines[0].text and "Institut Vilaine" in pair_lines[0].text
