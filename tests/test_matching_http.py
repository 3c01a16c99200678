"""Pages: suggestions for members and organisations, the organisers' matching and import pages."""

import csv
import io
from dataclasses import asdict

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Concept, MatchingSetting, Organisation, Veto
from matchmaker.services import matching
from matchmaker.services.matching_weights import default_weights
from tests.support.factories import make_person
from tests.support.matching import party, small_cluster, stored

ORGANISER = "organiser@example.org"
ORGANISER_PAGES = [
    "/organiser/matching/",
    "/organiser/matching/pairs.csv",
    "/organiser/matching/vetoes",
    "/organiser/matching/weights",
    "/organiser/matching/concepts",
    "/organiser/matching/runs",
    "/organiser/import/",
]


@pytest.fixture
def cluster(app):
    cluster = small_cluster()
    make_person(email=ORGANISER, role="organiser", consent_matching=False)
    matching.rebuild()
    return cluster


def test_organiser_pages_are_refused_to_members_and_visitors(client, auth, cluster):
    for url in ORGANISER_PAGES:
        assert client.get(url).status_code == 302, url  # to the login page
    auth.login("alice@radiotrace.example.org")
    for url in ORGANISER_PAGES:
        assert client.get(url).status_code == 403, url
    for url in (
        "/organiser/matching/veto",
        "/organiser/matching/weights",
        "/organiser/matching/concepts",
        "/organiser/matching/rebuild",
        "/organiser/import/",
    ):
        assert client.post(url, data={"reason": "x"}).status_code == 403, url
    assert db.session.scalar(select(func.count()).select_from(Veto)) == 0


def test_a_member_sees_suggested_people_and_organisations_with_reasons(client, auth, cluster):
    auth.login("alice@radiotrace.example.org")  # writes in French
    page = client.get("/").get_data(as_text=True)
    assert "Suggérés pour vous" in page
    assert "Bob Nuclear" in page and "Nuclear Medicine Lab" in page
    assert "médecine nucléaire" in page
    assert "Carol Microbiota" not in page  # nothing in common
    auth.logout()

    auth.login("bob@nuclear.example.org")  # writes in English
    page = client.get("/").get_data(as_text=True)
    assert "Suggested for you" in page and "Alice Radio" in page and "Radiotrace" in page
    assert "Shared expertise: nuclear medicine" in page
    assert f"/introductions/new?person={cluster.alice.id}" in page
    assert f"/introductions/new?organisation={cluster.radio.id}" in page


def test_a_member_who_withdrew_consent_is_told_why_there_is_nothing(client, auth, cluster):
    cluster.alice.consent_matching = False
    db.session.commit()
    auth.login("alice@radiotrace.example.org")
    page = client.get("/").get_data(as_text=True)
    assert "Bob Nuclear" not in page
    assert "/profile" in page


def test_the_organisation_page_shows_its_suggestions_to_its_members_only(client, auth, cluster):
    url = f"/organisations/{cluster.radio.id}"
    auth.login("bob@nuclear.example.org")
    page = client.get(url).get_data(as_text=True)
    assert "Suggested for this organisation" not in page
    auth.logout()
    auth.login("alice@radiotrace.example.org")
    page = client.get(url).get_data(as_text=True)
    assert "Suggérés pour cette organisation" in page
    assert "Nuclear Medicine Lab" in page and "Bob Nuclear" in page
    assert "Suggéré à Alice Radio" in page


def test_an_organiser_vetoes_a_pair_with_a_reason_and_lifts_it(client, auth, cluster):
    auth.login(ORGANISER)
    page = client.get("/organiser/matching/").get_data(as_text=True)
    assert any("Radiotrace" in row and "Nuclear Medicine Lab" in row for row in page.split("<tr>"))

    form = {
        "kind": "organisation",
        "a_id": cluster.radio.id,
        "b_id": cluster.nuclear.id,
        "next": "/organiser/matching/?party=organisation",
    }
    refused = client.post("/organiser/matching/veto", data=form, follow_redirects=True)
    assert "Say why, for the record." in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Veto)) == 0
    assert (
        client.post(
            "/organiser/matching/veto", data={**form, "a_id": "x", "reason": "r"}
        ).status_code
        == 400
    )

    response = client.post(
        "/organiser/matching/veto", data={**form, "reason": "Competing grant applications"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/organiser/matching/?party=organisation")
    assert party(cluster.nuclear) not in stored(cluster.radio)
    listing = client.get("/organiser/matching/?party=organisation").get_data(as_text=True)
    rows = listing.split("<tr>")
    assert any("Gutbiome" in row for row in rows)
    assert not any("Radiotrace" in row and "Nuclear Medicine Lab" in row for row in rows)

    vetoes = client.get("/organiser/matching/vetoes").get_data(as_text=True)
    assert "Competing grant applications" in vetoes and "In force" in vetoes
    veto = db.session.scalar(select(Veto))
    assert veto.created_by_id is not None
    client.post(f"/organiser/matching/vetoes/{veto.id}/lift")
    vetoes = client.get("/organiser/matching/vetoes").get_data(as_text=True)
    assert "Lifted" in vetoes and "Competing grant applications" in vetoes


def test_the_pairs_download_as_csv_with_the_filters(client, auth, cluster):
    auth.login(ORGANISER)
    response = client.get("/organiser/matching/pairs.csv?focus_area=nutrition_microbiota")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Kind", "Private side", "Private organisation"]
    names = {(row[1], row[5]) for row in rows[1:]}
    assert ("Gutbiome", "Microbiota Lab") in names
    assert all("Radiotrace" not in row for row in rows[1:])


def test_weights_are_saved_from_the_settings_page(client, auth, cluster):
    auth.login(ORGANISER)
    page = client.get("/organiser/matching/weights").get_data(as_text=True)
    assert "Shared expertise" in page or "Expertise partagée" in page
    # Every weight at its default but one: only the changed one is stored.
    values = {name: f"{value:g}" for name, value in asdict(default_weights()).items()}
    values["offer_to_need"] = "2"
    bad = client.post("/organiser/matching/weights", data={**values, "inherit": "3"})
    assert bad.status_code == 200
    assert db.session.get(MatchingSetting, "weights") is None
    good = client.post("/organiser/matching/weights", data=values)
    assert good.status_code == 302
    assert db.session.get(MatchingSetting, "weights").value == {"offer_to_need": 2.0}
    assert matching.rebuild_due() == "requested"


def test_organisers_add_concepts_and_synonyms_from_the_concepts_page(client, auth, cluster):
    auth.login(ORGANISER)
    page = client.get("/organiser/matching/concepts?q=dosim").get_data(as_text=True)
    assert "dosimétrie" in page and "microbiote" not in page

    taken = client.post(
        "/organiser/matching/concepts",
        data={"label_fr": "dosimétrie", "label_en": "dose computing", "synonyms": ""},
    )
    assert taken.status_code == 422
    assert "dosimétrie" in taken.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Concept)) == 0

    added = client.post(
        "/organiser/matching/concepts",
        data={
            "label_fr": "radiothéranostique",
            "label_en": "radiotheranostics",
            "synonyms": "radio-théranostique\nradiotheranostic",
        },
    )
    assert added.status_code == 302
    concept = db.session.scalar(select(Concept))
    assert {t.term for t in concept.terms} >= {"radiotheranostics", "radio-théranostique"}
    listing = client.get("/organiser/matching/concepts?q=radiothera").get_data(as_text=True)
    assert "radiotheranostics" in listing

    client.post(
        "/organiser/matching/concepts/dosimetry/synonyms",
        data={"synonyms": "Dosimetrie personnalisee, dosimetry planning"},
    )
    dosimetry = db.session.scalar(select(Concept).where(Concept.key == "dosimetry"))
    assert {t.term for t in dosimetry.terms} == {
        "Dosimetrie personnalisee",
        "dosimetry planning",
    }
    assert matching.rebuild_due() == "requested"


def test_the_runs_page_lists_rebuilds_and_asks_for_one(client, auth, cluster):
    auth.login(ORGANISER)
    page = client.get("/organiser/matching/runs").get_data(as_text=True)
    assert "Dernières reconstructions" in page or "Last rebuilds" in page
    assert "4" in page
    assert matching.rebuild_due() is None
    client.post("/organiser/matching/rebuild")
    assert matching.rebuild_due() == "requested"


# -- the upload page ---------------------------------------------------------------------------

HEADER = b"external_id,name,kind,region,city,website,description,offer,looking_for,tags,focus_areas"


def upload(client, data: bytes, what="organisations", name="members.csv"):
    return client.post(
        "/organiser/import/",
        data={"what": what, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_an_upload_is_previewed_with_line_numbered_errors_then_confirmed(client, auth, cluster):
    auth.login(ORGANISER)
    data = HEADER + b"\nnew-1,Cellforge,startup,bretagne,,,,,,,\nnew-2,,startup,,,,,,,,\n"
    response = upload(client, data)
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "Cellforge" in page and "members.csv" in page
    assert ">3<" in page and "The name is empty." in page
    before = db.session.scalar(select(func.count()).select_from(Organisation))

    refused = client.post(preview_url, data={})
    assert refused.status_code == 422
    assert "nothing was imported" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == before

    done = client.post(preview_url, data={"skip_invalid": "y"}, follow_redirects=True)
    assert "1 created" in done.get_data(as_text=True)
    assert db.session.scalar(select(Organisation).where(Organisation.external_id == "new-1"))
    # The file is gone once imported.
    assert client.get(preview_url).status_code == 404


def test_bad_files_get_a_message_never_an_error_page(client, auth, cluster):
    auth.login(ORGANISER)
    for data in (b"\x89PNG\r\n\x1a\n\x00\x00", b"", b"a;b\n1;2\n", "é".encode("latin-1")):
        response = upload(client, data, name="photo.png")
        if response.status_code == 200:  # an empty upload is refused by the form itself
            assert "Choose a file." in response.get_data(as_text=True)
            continue
        page = client.get(response.headers["Location"])
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "This file cannot be imported" in text
        assert "Import 1 row" not in text
    nothing = client.post("/organiser/import/", data={"what": "organisations"})
    assert nothing.status_code == 200 and "Choose a file." in nothing.get_data(as_text=True)
    assert client.get("/organiser/import/not-a-token").status_code == 404


def test_an_upload_belongs_to_the_organiser_who_sent_it(client, auth, cluster):
    auth.login(ORGANISER)
    preview_url = upload(client, HEADER + b"\nx,Xenolab,startup,,,,,,,,\n").headers["Location"]
    auth.logout()
    make_person(email="other.organiser@example.org", role="organiser")
    auth.login("other.organiser@example.org")
    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url, data={"skip_invalid": "y"}).status_code == 404
