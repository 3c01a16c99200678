"""The directory: filters, accent-insensitive search, pagination, visibility; both databases."""

import re
from html import unescape

import pytest

from matchmaker.domain import Role, Visibility
from matchmaker.extensions import db
from matchmaker.services.tags import merge_tags, resolve_tags
from tests.support.factories import make_organisation, make_person


@pytest.fixture
def cluster(app):
    lab = make_organisation(
        name="Laboratoire de thérapie cellulaire",
        kind="university_lab",
        region="pays_de_la_loire",
        city="Nantes",
        description="Cellules souches mésenchymateuses et réparation du cartilage.",
        focus_areas=["regenerative_medicine"],
    )
    startup = make_organisation(
        name="Kervax Biologics",
        kind="startup",
        region="bretagne",
        city="Rennes",
        description="Veterinary mRNA vaccines.",
        focus_areas=["animal_health", "immunotherapy"],
    )
    cdmo = make_organisation(
        name="Ligeris Biomanufacturing",
        kind="cdmo",
        region="centre_val_de_loire",
        city="Tours",
        description="GMP production of ANTIBODIES; Thérapie Cellulaire batches too.",
        focus_areas=["bioproduction"],
    )
    lab.tags = resolve_tags(["cell therapy"])
    startup.tags = resolve_tags(["vaccines"])
    people = {
        "viewer": make_person(
            email="viewer@example.org", full_name="Vera Viewer", organisation=lab
        ),
        "chloe": make_person(
            full_name="Chloé Lefèvre",
            organisation=lab,
            expertise="Thérapie génique et vecteurs AAV",
        ),
        "marc": make_person(
            full_name="Marc Kerbrat",
            organisation=startup,
            expertise="Formulation des vaccins",
            position="CSO",
        ),
        "hidden": make_person(
            full_name="Hugo Hidden",
            organisation=cdmo,
            expertise="Thérapie cellulaire en bioréacteur",
            visibility=Visibility.HIDDEN,
        ),
        "nobody": make_person(full_name="Nadia Sansorg", expertise="Cellular therapy advisor"),
    }
    people["chloe"].tags = resolve_tags(["gene therapy", "AAV"])
    people["marc"].tags = resolve_tags(["vaccines"])
    db.session.commit()
    return {"lab": lab, "startup": startup, "cdmo": cdmo, **people}


def names(response) -> list[str]:
    body = response.get_data(as_text=True)
    return [unescape(n) for n in re.findall(r'<h3><a href="/[a-z]+/\d+">([^<]+)</a></h3>', body)]


def search(client, **params):
    return client.get("/directory", query_string=params)


@pytest.fixture
def member(client, auth, cluster):
    auth.login("viewer@example.org")
    return client


def test_the_directory_is_for_signed_in_members(client):
    response = client.get("/directory")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_browsing_lists_organisations_with_counts(member, cluster):
    response = search(member)
    assert names(response) == [
        "Kervax Biologics",
        "Laboratoire de thérapie cellulaire",
        "Ligeris Biomanufacturing",
    ]
    body = response.get_data(as_text=True)
    assert "Organisations (3)" in body
    # The hidden person from another organisation is not counted.
    assert "People (4)" in body


def test_text_search_ignores_accents_and_capitals(member, cluster):
    for query in ("therapie cellulaire", "THÉRAPIE  Cellulaire", "thérapie-cellulaire"):
        assert names(search(member, q=query)) == [
            "Laboratoire de thérapie cellulaire",
            "Ligeris Biomanufacturing",
        ], query
    assert names(search(member, q="antibodies")) == ["Ligeris Biomanufacturing"]
    assert names(search(member, q="mesenchymateuses cartilage")) == [
        "Laboratoire de thérapie cellulaire"
    ]
    assert names(search(member, q="lefevre", show="people")) == ["Chloé Lefèvre"]
    # People are found by their organisation's name and their tags too.
    assert names(search(member, q="kervax", show="people")) == ["Marc Kerbrat"]
    assert names(search(member, q="aav", show="people")) == ["Chloé Lefèvre"]


def test_punctuation_and_like_wildcards_in_a_query_match_nothing_by_themselves(member, cluster):
    everything = names(search(member))
    assert names(search(member, q="%")) == everything
    assert names(search(member, q="_")) == everything
    assert names(search(member, q="zzzz%")) == []
    assert names(search(member, q="kervax%biologics")) == ["Kervax Biologics"]


def test_people_matching_only_hidden_profiles_are_not_found(member, cluster):
    assert names(search(member, q="bioreacteur", show="people")) == []
    assert "People (0)" in search(member, q="bioreacteur").get_data(as_text=True)


def test_filters_narrow_organisations_and_people(member, cluster):
    assert names(search(member, sector="private")) == [
        "Kervax Biologics",
        "Ligeris Biomanufacturing",
    ]
    assert names(search(member, kind="university_lab")) == ["Laboratoire de thérapie cellulaire"]
    assert names(search(member, region="bretagne")) == ["Kervax Biologics"]
    assert names(search(member, focus_area="bioproduction")) == ["Ligeris Biomanufacturing"]
    assert names(search(member, tag="Vaccines")) == ["Kervax Biologics"]
    assert names(search(member, sector="public", show="people")) == [
        "Chloé Lefèvre",
        "Vera Viewer",
    ]
    assert names(search(member, region="bretagne", show="people")) == ["Marc Kerbrat"]
    assert names(search(member, tag="gene therapy", show="people")) == ["Chloé Lefèvre"]
    # Filters combine with each other and with the text.
    assert names(search(member, sector="private", q="vaccines")) == ["Kervax Biologics"]
    assert names(search(member, sector="private", region="pays_de_la_loire")) == []


def test_a_tag_filter_follows_aliases(member, cluster):
    from matchmaker.models import Tag

    resolve_tags(["vaccins"])
    db.session.commit()
    vaccines = db.session.scalar(db.select(Tag).where(Tag.normalised == "vaccines"))
    vaccins = db.session.scalar(db.select(Tag).where(Tag.normalised == "vaccins"))
    merge_tags(vaccines.id, [vaccins.id])
    assert names(search(member, tag="Vaccins")) == ["Kervax Biologics"]


def test_unknown_or_bad_filters_are_explained(member, cluster):
    body = search(member, tag="astrology").get_data(as_text=True)
    assert "No tag is called “astrology”." in body
    assert names(search(member, tag="astrology")) == []
    body = search(member, region="atlantis").get_data(as_text=True)
    assert "Not a valid choice" in body
    assert search(member, tag="a, b").status_code == 200
    assert "Choose one tag." in search(member, tag="a, b").get_data(as_text=True)
    assert search(member, page="abc").status_code == 200
    assert "At most 200 characters." in search(member, q="x" * 201).get_data(as_text=True)


def test_search_text_is_shown_escaped(member, cluster):
    body = search(member, q="<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_organisers_find_hidden_people_too(client, auth, cluster):
    make_person(email="organiser@example.org", role=Role.ORGANISER)
    auth.login("organiser@example.org")
    assert "Hugo Hidden" in names(search(client, q="bioreacteur", show="people"))


def test_visitors_results_link_to_profiles(member, cluster):
    body = search(member, show="people").get_data(as_text=True)
    assert f'href="/people/{cluster["chloe"].id}"' in body
    body = search(member).get_data(as_text=True)
    assert f'href="/organisations/{cluster["lab"].id}"' in body


def test_results_come_twenty_a_page_with_links_that_keep_the_filters(client, auth, app):
    viewer_org = make_organisation(name="Viewer's home", region="bretagne")
    make_person(email="viewer@example.org", organisation=viewer_org)
    for n in range(45):
        make_organisation(name=f"Pays org {n:02d}", region="pays_de_la_loire", kind="sme")
    auth.login("viewer@example.org")

    first = search(client, region="pays_de_la_loire", q="pays org")
    assert names(first) == [f"Pays org {n:02d}" for n in range(20)]
    body = unescape(first.get_data(as_text=True))
    assert "Organisations (45)" in body and "Page 1 of 3" in body
    links = set(re.findall(r'href="(/directory\?[^"]*page=\d[^"]*)"', body))
    assert links
    for link in links:
        assert "region=pays_de_la_loire" in link and "q=pays+org" in link

    third = client.get(next(link for link in links if "page=3" in link))
    assert names(third) == [f"Pays org {n:02d}" for n in range(40, 45)]
    # A page past the end shows the last one.
    assert names(search(client, region="pays_de_la_loire", page=99)) == names(third)
