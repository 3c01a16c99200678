"""A member's "not for me" on a suggestion: gone from their own lists (home page, their
organisation's page, the weekly digest), nobody else's; listed with why; shown again."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import HiddenSuggestion, MailCategory, MailPreference
from matchmaker.services import matching, suggestions
from matchmaker.services.digests import send_due_digests
from matchmaker.services.errors import InvalidInput, NotFound
from tests.support.factories import make_organisation, make_person
from tests.support.matching import small_cluster

ORGANISER = "organiser@example.org"


@pytest.fixture
def cluster(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    cluster = small_cluster()
    make_person(email=ORGANISER, role="organiser", consent_matching=False)
    matching.rebuild()
    return cluster


def names(parties):
    return [p.name for p in parties]


def test_hiding_takes_a_suggestion_out_of_the_members_lists_only(cluster):
    bob, alice = cluster.bob, cluster.alice
    home = suggestions.home_suggestions(bob.user)
    assert "Radiotrace" in names(home.organisations) and "Alice Radio" in names(home.people)

    hidden = suggestions.hide_suggestion(
        bob.user, "organisation", cluster.radio.id, "already_in_touch"
    )

    assert hidden == "Radiotrace"
    home = suggestions.home_suggestions(bob.user)
    assert "Radiotrace" not in names(home.organisations)
    assert "Alice Radio" in names(home.people)  # only what was hidden
    # Bob's organisation page, as Bob sees it; the stored lists and the others' views stay.
    own_page = suggestions.suggestions_for("organisation", cluster.nuclear.id, viewer=bob.user)
    assert "Radiotrace" not in names(own_page)
    for viewer in (alice.user, None):
        assert "Radiotrace" in names(
            suggestions.suggestions_for("organisation", cluster.nuclear.id, viewer=viewer)
        )
    assert "Nuclear Medicine Lab" in names(suggestions.home_suggestions(alice.user).organisations)

    (item,) = suggestions.hidden_suggestions(bob.user)
    assert (item.kind, item.id, item.name, item.reason_label) == (
        "organisation",
        cluster.radio.id,
        "Radiotrace",
        "We are already in touch",
    )
    # Hiding again changes the reason, not the number of rows.
    suggestions.hide_suggestion(bob.user, "organisation", cluster.radio.id, "not_now")
    assert db.session.scalar(select(func.count()).select_from(HiddenSuggestion)) == 1
    assert suggestions.hidden_suggestions(bob.user)[0].reason_label == "Not now"

    assert suggestions.show_again(bob.user, "organisation", cluster.radio.id) == "Radiotrace"
    assert "Radiotrace" in names(suggestions.home_suggestions(bob.user).organisations)
    assert suggestions.hidden_suggestions(bob.user) == []


def test_people_suggested_to_an_organisations_members_leave_out_what_the_viewer_hid(cluster):
    suggestions.hide_suggestion(cluster.bob.user, "person", cluster.alice.id, "not_relevant")
    as_bob = suggestions.people_suggested_to_members(cluster.nuclear, viewer=cluster.bob.user)
    assert "Alice Radio" not in names(as_bob)
    assert "Alice Radio" in names(suggestions.people_suggested_to_members(cluster.nuclear))


def test_bad_requests_change_nothing(cluster):
    bob = cluster.bob.user
    with pytest.raises(InvalidInput) as wrong_reason:
        suggestions.hide_suggestion(bob, "organisation", cluster.radio.id, "bored")
    assert wrong_reason.value.field == "reason"
    with pytest.raises(NotFound):
        suggestions.hide_suggestion(bob, "organisation", 999_999, "not_now")
    with pytest.raises(NotFound):
        suggestions.hide_suggestion(bob, "planet", cluster.radio.id, "not_now")
    with pytest.raises(NotFound):
        suggestions.show_again(bob, "organisation", cluster.radio.id)
    assert db.session.scalar(select(func.count()).select_from(HiddenSuggestion)) == 0


def test_the_digest_leaves_out_what_the_member_hid(app, cluster, mailbox):
    db.session.add(
        MailPreference(person_id=cluster.alice.id, category=MailCategory.DIGESTS, subscribed=True)
    )
    db.session.commit()
    suggestions.hide_suggestion(cluster.alice.user, "person", cluster.bob.id, "already_in_touch")
    now = datetime.now(UTC)
    app.config["DIGEST_WEEKDAY"] = now.astimezone(ZoneInfo("Europe/Paris")).weekday()
    app.config["DIGEST_HOUR"] = 0
    # Bob was Alice's only new person: hidden, nothing new is left for her this week.
    assert send_due_digests(now=now) == 0
    assert mailbox.drain() == []
    suggestions.show_again(cluster.alice.user, "person", cluster.bob.id)
    assert send_due_digests(now=now) == 1
    (message,) = mailbox.drain()
    assert "Bob Nuclear" in message.get_body(("plain",)).get_content()


def test_not_for_me_on_the_home_page_and_the_list_to_show_again(client, auth, cluster):
    auth.login("bob@nuclear.example.org")
    home = client.get("/").text
    assert "Not for me" in home and "Why hide Radiotrace?" in home
    assert 'href="/suggestions/hidden"' in home

    form = {
        "kind": "organisation",
        "candidate_id": cluster.radio.id,
        "reason": "not_relevant",
        "next": "/",
    }
    done = client.post("/suggestions/hide", data=form, follow_redirects=True)
    assert done.request.path == "/"
    assert "Radiotrace will not be suggested to you any more." in done.text
    assert "Why hide Radiotrace?" not in done.text

    listed = client.get("/suggestions/hidden").text
    assert "Radiotrace" in listed and "Not relevant to my work" in listed
    shown = client.post(
        "/suggestions/show-again",
        data={"kind": "organisation", "candidate_id": cluster.radio.id},
        follow_redirects=True,
    )
    assert "Radiotrace may be suggested to you again." in shown.text
    assert "Nothing hidden." in shown.text
    assert "Why hide Radiotrace?" in client.get("/").text


def test_bad_hide_requests_answer_4xx_and_hide_nothing(client, auth, cluster):
    form = {"kind": "organisation", "candidate_id": cluster.radio.id, "reason": "not_now"}
    assert client.post("/suggestions/hide", data=form).status_code == 302  # to log in
    auth.login("bob@nuclear.example.org")
    for changes, status in (
        ({"reason": "bored"}, 400),
        ({"kind": "planet"}, 400),
        ({"candidate_id": "x"}, 400),
        ({"candidate_id": 999_999}, 404),
    ):
        response = client.post("/suggestions/hide", data={**form, **changes})
        assert response.status_code == status, changes
    absent = client.post(
        "/suggestions/show-again", data={"kind": "organisation", "candidate_id": cluster.radio.id}
    )
    assert absent.status_code == 404
    assert "You did not hide this suggestion." in absent.text
    # Off-site "next" addresses are not followed.
    away = client.post("/suggestions/hide", data={**form, "next": "https://evil.example/"})
    assert away.headers["Location"] == "/"
    assert db.session.scalar(select(func.count()).select_from(HiddenSuggestion)) == 1


def test_members_hide_from_their_organisation_page_organisers_do_not(client, auth, cluster):
    url = f"/organisations/{cluster.radio.id}"
    auth.login("alice@radiotrace.example.org")  # reads French
    assert "Pas pour moi" in client.get(url).text
    auth.logout()
    auth.login(ORGANISER)
    page = client.get(url).text
    assert "Nuclear Medicine Lab" in page and "Not for me" not in page


def test_organisers_see_how_many_suggestions_members_hid_and_why(client, auth, cluster):
    suggestions.hide_suggestion(cluster.bob.user, "person", cluster.alice.id, "already_in_touch")
    suggestions.hide_suggestion(cluster.alice.user, "person", cluster.bob.id, "already_in_touch")
    suggestions.hide_suggestion(cluster.dan.user, "organisation", cluster.microbiota.id, "not_now")
    counts = {c.reason_label: c.count for c in suggestions.hidden_counts(days=90)}
    assert counts == {"Not relevant to my work": 0, "We are already in touch": 2, "Not now": 1}
    later = datetime.now(UTC).replace(year=datetime.now(UTC).year + 1)
    assert sum(c.count for c in suggestions.hidden_counts(days=90, now=later)) == 0

    auth.login(ORGANISER)
    page = client.get("/organiser/matching/").text
    assert "Members hid 3 suggestions in the last 90 days:" in page
    assert "we are already in touch 2, not now 1." in page


def test_all_suggestions_lists_more_than_the_home_page_and_hides_from_there(client, auth, app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    cluster = small_cluster()
    for n in range(8):
        make_organisation(
            name=f"Isotope Startup {n}",
            kind="startup",
            description=f"Radiopharmaceuticals for nuclear medicine, dosimetry, isotope {n}.",
            focus_areas=["radiopharmaceuticals"],
        )
    matching.rebuild()
    auth.login("bob@nuclear.example.org")
    home = client.get("/").text
    assert home.count("Why hide ") == 6 + 1  # six organisations, Alice
    assert 'href="/suggestions/"' in home

    every = client.get("/suggestions/").text
    shown = [f"Isotope Startup {n}" for n in range(8) if f"Isotope Startup {n}<" in every]
    assert len(shown) == 8 and "Radiotrace" in every and "Alice Radio" in every

    done = client.post(
        "/suggestions/hide",
        data={
            "kind": "organisation",
            "candidate_id": cluster.radio.id,
            "reason": "not_now",
            "next": "/suggestions/",
        },
        follow_redirects=True,
    )
    assert done.request.path == "/suggestions/"
    assert "Why hide Radiotrace?" not in done.text and "Isotope Startup 0" in done.text
