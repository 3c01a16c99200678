"""Tags: one tag per meaning whatever the spelling, suggestions as you type, merging synonyms."""

import pytest
from sqlalchemy import select

from matchmaker.domain import Role
from matchmaker.extensions import db
from matchmaker.models import Concept, Tag
from matchmaker.services.tags import (
    TagError,
    merge_tags,
    normalise_tag,
    parse_tag_labels,
    resolve_tags,
)
from tests.support.factories import make_organisation, make_person


def tag_named(label: str) -> Tag:
    return db.session.scalar(select(Tag).where(Tag.normalised == normalise_tag(label)))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Thérapie  Cellulaire", "therapie cellulaire"),
        ("  thérapie cellulaire ", "therapie cellulaire"),
        ("THERAPIE\tCELLULAIRE", "therapie cellulaire"),
        ("Cœur artificiel", "coeur artificiel"),
        ("CAR-T", "car t"),
        ("anticorps\u00a0monoclonaux", "anticorps monoclonaux"),
    ],
)
def test_spellings_of_one_tag_share_one_key(typed, expected):
    assert normalise_tag(typed) == expected


def test_a_tag_field_is_split_on_commas_keeping_the_first_spelling():
    labels = parse_tag_labels("Vaccins, vaccins ,  mRNA   vaccines,, ;bioproduction")
    assert labels == ["Vaccins", "mRNA vaccines", "bioproduction"]


def test_a_tag_field_refuses_an_overlong_tag_and_too_many_tags():
    with pytest.raises(TagError, match="too long"):
        parse_tag_labels("x" * 81)
    with pytest.raises(TagError, match="at most 30"):
        parse_tag_labels(", ".join(f"tag {n}" for n in range(31)))


def test_resolving_labels_creates_missing_tags_once_and_reuses_existing_ones(app):
    first = resolve_tags(["Thérapie cellulaire", "bioproduction"])
    db.session.commit()
    again = resolve_tags(["therapie  CELLULAIRE", "Bioproduction", "thérapie cellulaire"])
    assert [tag.id for tag in again] == [tag.id for tag in first]
    # The label keeps the spelling it was first typed with.
    assert again[0].label == "Thérapie cellulaire"
    assert db.session.scalar(select(db.func.count()).select_from(Tag)) == 2


def test_suggestions_need_a_signed_in_member_and_answer_errors_in_json(client, auth):
    response = client.get("/tags/suggest?q=mono")
    assert response.status_code == 401
    assert response.is_json and "error" in response.json

    make_person(email="member@example.org")
    auth.login("member@example.org")
    for query, status in (
        ("", 400),
        ("q=", 400),
        ("q=%20%20", 400),
        ("q=" + "a" * 81, 400),
        ("q=mono&limit=0", 400),
        ("q=mono&limit=abc", 400),
        ("q=mono&limit=99", 400),
    ):
        response = client.get(f"/tags/suggest?{query}")
        assert response.status_code == status, query
        assert response.is_json and response.json["error"], query


def test_suggestions_list_existing_tags_most_used_first_and_follow_aliases(app, client, auth):
    organisation = make_organisation()
    for _ in range(3):
        person = make_person(organisation=organisation)
        person.tags = resolve_tags(["monoclonal antibodies"])
    make_person(email="member@example.org").tags = resolve_tags(
        ["anticorps monoclonaux", "mAb", "vaccines"]
    )
    db.session.commit()
    auth.login("member@example.org")

    body = client.get("/tags/suggest?q=MONO").json
    assert body["query"] == "MONO"
    assert [t["label"] for t in body["tags"]] == ["monoclonal antibodies", "anticorps monoclonaux"]
    assert body["tags"][0]["uses"] == 3

    merge_tags(tag_named("monoclonal antibodies").id, [tag_named("mAb").id])
    body = client.get("/tags/suggest?q=mab").json
    assert body["tags"] == [{"label": "monoclonal antibodies", "uses": 4, "matched": "mAb"}]
    # Accents and case do not matter in the query either.
    assert client.get("/tags/suggest?q=ANTICORPS").json["tags"][0]["label"] == (
        "anticorps monoclonaux"
    )


def test_merging_moves_links_keeps_aliases_and_feeds_a_concept(app):
    organisation = make_organisation()
    organisation.tags = resolve_tags(["mAb", "monoclonal antibodies"])
    alice = make_person()
    alice.tags = resolve_tags(["anticorps monoclonaux", "vaccines"])
    bob = make_person()
    bob.tags = resolve_tags(["monoclonal antibodies"])
    db.session.commit()
    target = tag_named("monoclonal antibodies")

    result = merge_tags(
        target.id,
        [tag_named("mAb").id, tag_named("anticorps monoclonaux").id],
        label_fr="Anticorps monoclonaux",
        label_en="Monoclonal antibodies",
    )

    db.session.expire_all()
    assert [t.label for t in organisation.tags] == ["monoclonal antibodies"]
    assert sorted(t.label for t in alice.tags) == ["monoclonal antibodies", "vaccines"]
    assert [t.label for t in bob.tags] == ["monoclonal antibodies"]
    for alias in ("mAb", "anticorps monoclonaux"):
        assert tag_named(alias).merged_into_id == target.id
    concept = db.session.get(Concept, result.concept.id)
    assert concept.label_fr == "Anticorps monoclonaux"
    assert concept.label_en == "Monoclonal antibodies"
    # One term per folded spelling; the concept labels say which language a term is in.
    assert {term.normalised: term.language for term in concept.terms} == {
        "mab": None,
        "anticorps monoclonaux": "fr",
        "monoclonal antibodies": "en",
    }
    assert {t.normalised for t in concept.tags} == {
        "mab",
        "anticorps monoclonaux",
        "monoclonal antibodies",
    }
    # Typing an alias later gives the tag it was merged into.
    assert [t.id for t in resolve_tags(["MAB", "Anticorps  monoclonaux"])] == [target.id]


def test_merging_into_a_tag_that_already_has_a_concept_absorbs_the_other_concept(app):
    resolve_tags(["PET imaging", "imagerie TEP", "PET", "TEP"])
    db.session.commit()
    merge_tags(tag_named("PET").id, [tag_named("TEP").id])
    merge_tags(tag_named("PET imaging").id, [tag_named("imagerie TEP").id])

    result = merge_tags(tag_named("PET imaging").id, [tag_named("PET").id])

    assert tag_named("TEP").merged_into_id == tag_named("PET imaging").id
    assert {term.normalised for term in result.concept.terms} == {
        "pet imaging",
        "imagerie tep",
        "pet",
        "tep",
    }
    assert db.session.scalar(select(db.func.count()).select_from(Concept)) == 1


@pytest.mark.parametrize("case", ["target is source", "target is alias", "no source", "missing"])
def test_impossible_merges_are_refused_and_change_nothing(app, case):
    resolve_tags(["vaccines", "vaccins", "adjuvants", "vaccine"])
    db.session.commit()
    vaccines, vaccins = tag_named("vaccines"), tag_named("vaccins")
    merge_tags(vaccines.id, [tag_named("vaccine").id])
    target, sources = {
        "target is source": (vaccines.id, [vaccines.id, vaccins.id]),
        "target is alias": (tag_named("vaccine").id, [vaccins.id]),
        "no source": (vaccines.id, []),
        "missing": (vaccines.id, [vaccins.id, 999_999]),
    }[case]

    with pytest.raises(TagError):
        merge_tags(target, sources)

    db.session.expire_all()
    assert tag_named("vaccins").merged_into_id is None
    assert db.session.scalar(select(db.func.count()).select_from(Concept)) == 1


def test_only_organisers_see_the_tags_page(client, auth):
    make_person(email="member@example.org")
    make_person(email="organiser@example.org", role=Role.ORGANISER)
    assert client.get("/tags").status_code == 302
    auth.login("member@example.org")
    assert client.get("/tags").status_code == 403
    assert client.post("/tags/merge", data={"target": "1", "sources": "2"}).status_code == 403
    auth.logout()
    auth.login("organiser@example.org")
    assert client.get("/tags").status_code == 200


def test_organiser_merges_synonyms_from_the_tags_page(app, client, auth):
    make_person(email="organiser@example.org", role=Role.ORGANISER)
    member = make_person()
    member.tags = resolve_tags(["cell therapy", "thérapie cellulaire", "<b>bold</b>"])
    db.session.commit()
    auth.login("organiser@example.org")

    page = client.get("/tags", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "thérapie cellulaire" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page

    target, source = tag_named("cell therapy"), tag_named("thérapie cellulaire")
    response = client.post(
        "/tags/merge",
        data={"target": target.id, "sources": [source.id], "label_fr": "Thérapie cellulaire"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Merged into “cell therapy”: thérapie cellulaire." in page
    assert "Concept: Thérapie cellulaire / cell therapy" in page
    assert [t.label for t in db.session.get(type(member), member.id).tags] == [
        "<b>bold</b>",
        "cell therapy",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose the tag to keep."),
        ({"target": "TARGET"}, "Tick at least one tag to merge."),
        ({"target": "TARGET", "sources": ["TARGET"]}, "cannot also be merged into itself"),
        ({"target": "abc", "sources": ["SOURCE"]}, "Invalid Choice"),
        ({"target": "TARGET", "sources": ["SOURCE"], "label_fr": "x" * 121}, "At most 120"),
    ],
)
def test_bad_merge_requests_show_errors_and_merge_nothing(app, client, auth, data, message):
    make_person(email="organiser@example.org", role=Role.ORGANISER)
    resolve_tags(["cell therapy", "thérapie cellulaire"])
    db.session.commit()
    ids = {
        "TARGET": str(tag_named("cell therapy").id),
        "SOURCE": str(tag_named("thérapie cellulaire").id),
    }
    data = {
        key: [ids.get(v, v) for v in value] if isinstance(value, list) else ids.get(value, value)
        for key, value in data.items()
    }
    auth.login("organiser@example.org")

    response = client.post("/tags/merge", data=data, headers={"Accept-Language": "en"})

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert tag_named("thérapie cellulaire").merged_into_id is None


def test_the_tags_page_filter_finds_aliases_and_rejects_overlong_queries(app, client, auth):
    make_person(email="organiser@example.org", role=Role.ORGANISER)
    resolve_tags(["monoclonal antibodies", "mAb", "vaccines"])
    db.session.commit()
    merge_tags(tag_named("monoclonal antibodies").id, [tag_named("mAb").id])
    auth.login("organiser@example.org")

    body = client.get("/tags?q=MAB").get_data(as_text=True)
    assert "monoclonal antibodies" in body and "vaccines" not in body
    body = client.get("/tags", query_string={"q": "x" * 81}).get_data(as_text=True)
    assert "At most 80 characters." in body and "vaccines" in body
