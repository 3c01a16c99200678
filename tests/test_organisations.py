"""Organisation pages: members edit their own, organisers edit and create any, others only look."""

from datetime import date, timedelta

import pytest

from matchmaker.domain import Role, Visibility
from matchmaker.extensions import db
from matchmaker.models import Organisation
from tests.support.factories import make_organisation, make_person

FORM = {
    "name": "Kervax Biologics",
    "kind": "startup",
    "region": "bretagne",
    "city": "Rennes",
    "website": "https://kervax.example.org",
    "description": "Vaccins vétérinaires\nà ARN messager.",
    "focus_areas": ["animal_health", "immunotherapy"],
    "tags": "vaccins vétérinaires, mRNA vaccines",
    "offer": "Formulation in lipid nanoparticles",
    "looking_for": "Animal infection models",
    "founded_year": "2021",
    "cluster_startup": "y",
    "startup_created_on": "2021-03-15",
}


@pytest.fixture
def lab(app):
    return make_organisation(name="Laboratoire d'immunologie", region="pays_de_la_loire")


def organisation(organisation_id: int) -> Organisation:
    db.session.expire_all()
    return db.session.get(Organisation, organisation_id)


def test_a_member_edits_their_own_organisation(client, auth, lab):
    make_person(email="member@example.org", organisation=lab)
    auth.login("member@example.org")
    assert client.get(f"/organisations/{lab.id}/edit").status_code == 200

    response = client.post(f"/organisations/{lab.id}/edit", data=FORM, follow_redirects=True)

    body = response.get_data(as_text=True)
    assert "The organisation&#39;s profile is saved." in body
    saved = organisation(lab.id)
    assert saved.name == "Kervax Biologics" and saved.sector == "private"
    assert saved.focus_areas == ["animal_health", "immunotherapy"]
    assert [t.label for t in saved.tags] == ["mRNA vaccines", "vaccins vétérinaires"]
    assert saved.startup_created_on == date(2021, 3, 15)
    # The page shows what was saved, including the sector that follows from the kind.
    assert "Kervax Biologics" in body and "Private" in body and "Mar 15, 2021" in body


def test_a_member_cannot_edit_another_organisation(client, auth, lab):
    other = make_organisation(name="Other lab")
    make_person(email="member@example.org", organisation=lab)
    auth.login("member@example.org")

    assert client.get(f"/organisations/{other.id}/edit").status_code == 403
    assert client.post(f"/organisations/{other.id}/edit", data=FORM).status_code == 403
    assert organisation(other.id).name == "Other lab"
    # They can look at it, without an edit button.
    page = client.get(f"/organisations/{other.id}").get_data(as_text=True)
    assert "Other lab" in page and f"/organisations/{other.id}/edit" not in page
    assert client.get("/organisations/999999/edit").status_code == 404


def test_a_person_without_organisation_edits_none(client, auth, lab):
    make_person(email="loner@example.org")
    auth.login("loner@example.org")
    assert client.get(f"/organisations/{lab.id}/edit").status_code == 403


def test_visitors_are_sent_to_the_login_page(client, lab):
    for url in (f"/organisations/{lab.id}", f"/organisations/{lab.id}/edit", "/organisations/new"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_organisers_edit_any_organisation_and_create_new_ones(client, auth, lab):
    make_person(email="organiser@example.org", role=Role.ORGANISER)
    auth.login("organiser@example.org")
    response = client.post(f"/organisations/{lab.id}/edit", data={**FORM, "name": "Renamed lab"})
    assert response.status_code == 302
    assert organisation(lab.id).name == "Renamed lab"

    assert client.get("/organisations/new").status_code == 200
    response = client.post("/organisations/new", data=FORM, follow_redirects=True)
    assert "The organisation is created." in response.get_data(as_text=True)
    created = db.session.scalar(db.select(Organisation).where(Organisation.name == FORM["name"]))
    assert created.region == "bretagne" and created.cluster_startup


def test_members_cannot_create_organisations(client, auth):
    make_person(email="member@example.org")
    auth.login("member@example.org")
    assert client.get("/organisations/new").status_code == 403
    assert client.post("/organisations/new", data=FORM).status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(Organisation)) == 0


def next_year() -> str:
    return str(date.today().year + 1)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the organisation"),
        ({"name": "   "}, "name", "Enter the organisation"),
        ({"name": "x" * 201}, "name", "At most 200 characters."),
        ({"description": "x" * 20_001}, "description", "At most 20000 characters."),
        ({"offer": "x" * 5_001}, "offer", "At most 5000 characters."),
        ({"website": "ftp://files.example.org"}, "website", "Enter a web address"),
        ({"website": "not a url"}, "website", "Enter a web address"),
        ({"founded_year": "1492"}, "founded_year", "Enter a year between 1800 and"),
        ({"founded_year": "NEXT_YEAR"}, "founded_year", "Enter a year between 1800 and"),
        ({"founded_year": "twenty"}, "founded_year", "Not a valid integer value."),
        ({"startup_created_on": ""}, "startup_created_on", "Enter the date the startup"),
        ({"startup_created_on": "TOMORROW"}, "startup_created_on", "cannot be in the future"),
        ({"startup_created_on": "2020-05-01"}, "startup_created_on", "before the year"),
        ({"startup_created_on": "31/31/2021"}, "startup_created_on", "Not a valid date value."),
        ({"kind": "university_lab"}, "cluster_startup", "Only a company can be a startup"),
        ({"kind": "spaceship"}, "kind", "Not a valid choice"),
        ({"region": "atlantis"}, "region", "Not a valid choice"),
        ({"focus_areas": ["astrology"]}, "focus_areas", "not a valid choice"),
        ({"tags": "t" * 81}, "tags", "too long"),
    ],
)
def test_bad_input_is_reported_by_field_and_nothing_is_saved(
    client, auth, lab, changes, field, message
):
    make_person(email="member@example.org", organisation=lab)
    auth.login("member@example.org")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    data = {**FORM}
    for key, value in changes.items():
        placeholders = {"NEXT_YEAR": next_year(), "TOMORROW": tomorrow}
        data[key] = placeholders.get(value, value) if isinstance(value, str) else value

    response = client.post(f"/organisations/{lab.id}/edit", data=data)

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in body, body[body.find("error-summary") :][:3000]
    assert f'id="{field}-error"' in body
    # What was typed is still in the form.
    assert "Animal infection models" in body
    assert organisation(lab.id).name == "Laboratoire d'immunologie"


def test_a_name_already_taken_is_refused(client, auth, lab):
    make_organisation(name="Kervax Biologics")
    make_person(email="member@example.org", organisation=lab)
    auth.login("member@example.org")
    body = client.post(
        f"/organisations/{lab.id}/edit", data={**FORM, "name": "KERVAX biologics"}
    ).get_data(as_text=True)
    assert "An organisation with this name already exists." in body
    # Keeping one's own name is fine.
    assert (
        client.post(
            f"/organisations/{lab.id}/edit", data={**FORM, "name": "Laboratoire d'immunologie"}
        ).status_code
        == 302
    )


def test_html_is_shown_escaped_on_the_organisation_page(client, auth, lab):
    make_person(email="member@example.org", organisation=lab)
    auth.login("member@example.org")
    script = '<script>alert("x")</script>'
    client.post(
        f"/organisations/{lab.id}/edit",
        data={**FORM, "name": script, "description": script, "offer": script, "tags": script},
    )
    body = client.get(f"/organisations/{lab.id}").get_data(as_text=True)
    assert script not in body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in body


def test_the_region_list_starts_with_the_clusters_regions(client, auth, lab):
    make_person(email="member@example.org", organisation=lab)
    auth.login("member@example.org")
    body = client.get(f"/organisations/{lab.id}/edit").get_data(as_text=True)
    select = body[body.index('id="region"') : body.index("</select>", body.index('id="region"'))]
    order = [
        select.index(name)
        for name in ("Pays de la Loire", "Bretagne", "Centre-Val de Loire", "Normandie", "Mayotte")
    ]
    assert order == sorted(order)
    assert select.index("Mayotte") < select.index("Other / outside France")
    assert "<optgroup" in select


def test_the_page_lists_the_members_the_viewer_may_see(client, auth, lab):
    make_person(email="viewer@example.org")
    make_person(full_name="Visible Member", organisation=lab)
    make_person(full_name="Hidden Member", organisation=lab, visibility=Visibility.HIDDEN)
    auth.login("viewer@example.org")
    body = client.get(f"/organisations/{lab.id}").get_data(as_text=True)
    assert "Visible Member" in body and "Hidden Member" not in body
    assert 'Members <span class="count">(1)</span>' in body
