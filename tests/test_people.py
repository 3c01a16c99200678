"""People's profiles: who sees them, who sees contact details, and editing one's own profile."""

from datetime import date

import pytest

from matchmaker.domain import Role, Visibility
from matchmaker.extensions import db
from matchmaker.models import Connection, ConnectionVia, PartyKind, Person, ordered_pair
from matchmaker.services.people import (
    InvalidOrcid,
    can_see_contact_details,
    can_view_person,
    parse_orcid,
    visible_people_query,
)
from matchmaker.services.tags import resolve_tags
from tests.support.factories import make_organisation, make_person


def introduce(a: Person, b: Person, via: ConnectionVia = ConnectionVia.INTRODUCTION) -> None:
    (a_kind, a_id), (b_kind, b_id) = ordered_pair(
        (PartyKind.PERSON.value, a.id), (PartyKind.PERSON.value, b.id)
    )
    db.session.add(
        Connection(
            a_kind=a_kind,
            a_id=a_id,
            b_kind=b_kind,
            b_id=b_id,
            via=via.value,
            occurred_on=date(2026, 5, 4),
        )
    )
    db.session.commit()


@pytest.fixture
def cast(app):
    """A small cluster: two organisations, people of every visibility, staff."""
    lab = make_organisation(name="Laboratoire de vaccinologie")
    company = make_organisation(name="Kervax Biologics", kind="startup")
    people = {
        "viewer": make_person(email="viewer@example.org", organisation=lab),
        "colleague": make_person(email="colleague@example.org", organisation=lab),
        "public": make_person(
            full_name="Paula Public", visibility=Visibility.PUBLIC, organisation=company
        ),
        "members": make_person(
            full_name="Mona Members", phone="02 61 91 12 34", organisation=company
        ),
        "hidden": make_person(
            full_name="Hector Hidden", visibility=Visibility.HIDDEN, organisation=company
        ),
        "hidden_colleague": make_person(
            full_name="Hilda Hidden", visibility=Visibility.HIDDEN, organisation=lab
        ),
        "unconfirmed": make_person(
            full_name="Ulysse Unconfirmed", visibility=Visibility.PUBLIC, confirmed=False
        ),
        "organiser": make_person(email="organiser@example.org", role=Role.ORGANISER),
    }
    return people


def page(client, person):
    return client.get(f"/people/{person.id}")


def test_visitors_see_only_public_profiles(client, cast):
    assert page(client, cast["public"]).status_code == 200
    for name in ("members", "hidden", "unconfirmed", "viewer"):
        assert page(client, cast[name]).status_code == 404, name
    assert client.get("/people/999999").status_code == 404


def test_members_see_members_profiles_but_not_hidden_ones_outside_their_organisation(
    client, auth, cast
):
    auth.login("viewer@example.org")
    for name in ("public", "members", "colleague", "hidden_colleague", "viewer"):
        assert page(client, cast[name]).status_code == 200, name
    for name in ("hidden", "unconfirmed"):
        assert page(client, cast[name]).status_code == 404, name


def test_organisers_see_every_profile(client, auth, cast):
    auth.login("organiser@example.org")
    for name in ("hidden", "unconfirmed", "members"):
        assert page(client, cast[name]).status_code == 200, name
    # They are told the profile is hidden, so they do not share it by mistake.
    assert "Who sees this profile: Only me, my organisation and the cluster staff." in page(
        client, cast["hidden"]
    ).get_data(as_text=True)


def test_the_visibility_rule_is_the_same_for_one_page_and_for_queries(cast):
    people = list(cast.values())
    viewers = [None, *(p.user for p in people)]
    for viewer in viewers:
        listed = set(db.session.scalars(visible_people_query(viewer)))
        assert listed == {p for p in people if can_view_person(viewer, p)}, viewer


def test_contact_details_need_an_accepted_introduction(client, auth, cast):
    viewer, mona = cast["viewer"], cast["members"]
    auth.login("viewer@example.org")
    body = page(client, mona).get_data(as_text=True)
    assert mona.email not in body and "02 61 91 12 34" not in body
    assert "shared once an introduction between you is accepted" in body

    # Meeting at an event is not an accepted introduction.
    introduce(viewer, mona, ConnectionVia.EVENT)
    assert not can_see_contact_details(viewer.user, mona)

    introduce(mona, viewer)
    body = page(client, mona).get_data(as_text=True)
    assert mona.email in body and "02 61 91 12 34" in body
    assert can_see_contact_details(mona.user, viewer)


def test_contact_details_are_shown_to_the_person_and_to_organisers_only(client, auth, cast):
    mona = cast["members"]
    assert not can_see_contact_details(None, cast["public"])
    assert not can_see_contact_details(cast["colleague"].user, mona)
    assert can_see_contact_details(mona.user, mona)
    auth.login("organiser@example.org")
    assert mona.email in page(client, mona).get_data(as_text=True)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0002-1694-233X", "0000-0002-1694-233X"),
        ("0000000218250097", "0000-0002-1825-0097"),
        ("0000-0002-1694-233x", "0000-0002-1694-233X"),
    ],
)
def test_orcid_ids_are_accepted_in_their_usual_forms(typed, stored):
    assert parse_orcid(typed) == stored


@pytest.mark.parametrize(
    "typed", ["0000-0002-1825-0098", "0000-0002-1825", "orcid", "0000-0002-1825-009Y"]
)
def test_orcid_ids_with_a_wrong_shape_or_check_digit_are_refused(typed):
    with pytest.raises(InvalidOrcid):
        parse_orcid(typed)


PROFILE = {
    "full_name": "Claire Dubois",
    "position": "Research director",
    "expertise": "Thérapie cellulaire et bioréacteurs",
    "tags": "thérapie cellulaire, Bioréacteurs",
    "offer": "Access to GMP facilities",
    "looking_for": "An industrial partner",
    "orcid": "https://orcid.org/0000-0002-1825-0097",
    "linkedin_url": "https://www.linkedin.com/in/claire-dubois",
    "website": "lab.example.org",
    "phone": "+33 2 61 91 00 00",
    "language": "en",
    "visibility": "public",
    "consent_matching": "y",
}


def test_a_member_edits_their_profile(client, auth, app):
    person = make_person(email="claire@example.org", consent_matching=False)
    auth.login("claire@example.org")
    assert client.get("/profile").status_code == 200

    response = client.post("/profile", data=PROFILE, follow_redirects=True)

    assert "Your profile is saved." in response.get_data(as_text=True)
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert person.full_name == "Claire Dubois"
    assert person.orcid == "0000-0002-1825-0097"
    assert person.website == "https://lab.example.org"
    assert [t.label for t in person.tags] == ["Bioréacteurs", "thérapie cellulaire"]
    assert person.visibility == "public" and person.consent_matching
    assert person.consent_given_at is not None
    # What was saved is found by the directory's accent-insensitive search.
    assert " therapie cellulaire " in person.search_text


def test_saving_the_language_switches_the_pages_language(client, auth):
    make_person(email="claire@example.org", language="en")
    auth.login("claire@example.org")
    response = client.post("/profile", data={**PROFILE, "language": "fr"}, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert '<html lang="fr">' in body
    assert "Votre profil est enregistré." in body
    assert '<html lang="fr">' in client.get("/directory").get_data(as_text=True)


def test_withdrawing_consent_is_allowed_and_explained(client, auth):
    person = make_person(email="claire@example.org", consent_matching=True)
    auth.login("claire@example.org")
    data = {key: value for key, value in PROFILE.items() if key != "consent_matching"}

    body = client.post("/profile", data=data, follow_redirects=True).get_data(as_text=True)

    assert "You will no longer be suggested to other members" in body
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert not person.consent_matching and person.consent_given_at is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "Enter your name."),
        ("full_name", "   ", "Enter your name."),
        ("full_name", "x" * 121, "At most 120 characters."),
        ("position", "x" * 121, "At most 120 characters."),
        ("expertise", "x" * 5001, "At most 5000 characters."),
        ("website", "not a web address", "Enter a web address"),
        ("website", "javascript:alert(1)", "Enter a web address"),
        ("linkedin_url", "https://example.org/in/claire", "LinkedIn page"),
        ("linkedin_url", "https://linkedin.com.evil.example/in/x", "LinkedIn page"),
        ("orcid", "0000-0002-1825-0098", "This ORCID iD is not valid"),
        ("orcid", "12345", "An ORCID iD looks like"),
        ("phone", "call me", "Enter a phone number"),
        ("tags", "y" * 81, "too long"),
        ("language", "de", "Not a valid choice"),
        ("visibility", "everyone", "Not a valid choice"),
    ],
)
def test_bad_profile_input_is_reported_and_nothing_is_saved(client, auth, field, value, message):
    person = make_person(email="claire@example.org", full_name="Claire Before")
    auth.login("claire@example.org")

    response = client.post("/profile", data={**PROFILE, field: value})

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in body
    assert "has-error" in body
    db.session.expire_all()
    assert db.session.get(Person, person.id).full_name == "Claire Before"


def test_html_in_a_profile_is_shown_escaped(client, auth):
    make_person(email="claire@example.org")
    auth.login("claire@example.org")
    script = "<script>alert('x')</script>"
    client.post(
        "/profile",
        data={**PROFILE, "full_name": script, "expertise": script, "tags": script},
    )
    person = db.session.scalar(
        db.select(Person).join(Person.user).where(Person.full_name == script)
    )
    body = page(client, person).get_data(as_text=True)
    assert script not in body
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in body


def test_a_tag_typed_again_with_other_capitals_reuses_the_tag(client, auth):
    make_person(email="claire@example.org")
    other = make_person()
    other.tags = resolve_tags(["Thérapie cellulaire"])
    db.session.commit()
    auth.login("claire@example.org")
    client.post("/profile", data={**PROFILE, "tags": "THERAPIE  cellulaire"})
    person = db.session.scalar(db.select(Person).where(Person.full_name == "Claire Dubois"))
    assert [t.id for t in person.tags] == [t.id for t in other.tags]


def test_an_account_without_a_profile_creates_it_by_saving(client, auth, app):
    from matchmaker.models import User, utcnow
    from tests.support.factories import PASSWORD, password_hash

    db.session.add(
        User(
            email="staff@example.org",
            password_hash=password_hash(PASSWORD),
            role="organiser",
            confirmed_at=utcnow(),
        )
    )
    db.session.commit()
    auth.login("staff@example.org")
    assert client.get("/profile").status_code == 200
    client.post("/profile", data=PROFILE)
    user = db.session.scalar(db.select(User).where(User.email == "staff@example.org"))
    assert user.person is not None and user.person.full_name == "Claire Dubois"


def test_my_profile_needs_a_login(client):
    response = client.get("/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_address_that_is_not_http_is_never_made_a_link(client, auth):
    # Written by something other than the profile form (an import, a script).
    person = make_person(
        email="claire@example.org", website="javascript:alert(1)", visibility=Visibility.PUBLIC
    )
    body = page(client, person).get_data(as_text=True)
    assert 'href="javascript:' not in body
    assert "javascript:alert(1)" in body
