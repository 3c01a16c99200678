"""Email preferences page and one-click unsubscribe links (RFC 8058)."""

import re

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.mail import enqueue
from matchmaker.mail.outbox import unsubscribe_token
from matchmaker.mail.preferences import subscriptions
from matchmaker.models import MailCategory, MailPreference
from matchmaker.security import make_recipient_token
from tests.support.factories import make_person


def checked(page: str, field: str) -> bool:
    (tag,) = re.findall(rf'<input[^>]*id="{field}"[^>]*>', page)
    return " checked" in tag


def unsubscribe_path(person, category) -> str:
    return f"/email/unsubscribe/{unsubscribe_token(person.id, category)}"


def test_preferences_page_needs_login(client):
    response = client.get("/account/mail")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_preferences_page_shows_and_saves_choices(client, auth):
    person = make_person(email="member@example.org")
    auth.login("member@example.org")

    page = client.get("/account/mail").get_data(as_text=True)
    assert checked(page, "invitations") and checked(page, "introductions")
    assert not checked(page, "digests")  # the digest is opt-in

    response = client.post("/account/mail", data={"introductions": "y", "digests": "y"})
    assert response.status_code == 302
    assert subscriptions(person.id) == {
        MailCategory.INVITATIONS: False,
        MailCategory.INTRODUCTIONS: True,
        MailCategory.DIGESTS: True,
    }
    page = client.get("/account/mail").get_data(as_text=True)
    assert 'class="flash flash-success"' in page
    assert checked(page, "digests") and not checked(page, "invitations")


def test_preferences_page_warns_without_consent(client, auth):
    make_person(email="shy@example.org", consent_matching=False)
    auth.login("shy@example.org")
    page = client.get("/account/mail").get_data(as_text=True)
    assert 'class="flash flash-warning"' in page


def test_unsubscribe_link_get_asks_and_changes_nothing(client):
    person = make_person(full_name="Ana Lima")
    response = client.get(
        unsubscribe_path(person, MailCategory.INVITATIONS), headers={"Accept-Language": "en"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ana Lima, do you want to stop receiving" in page
    assert "Event invitations" in page
    assert subscriptions(person.id)[MailCategory.INVITATIONS] is True


def test_one_click_post_unsubscribes_without_session_or_csrf(app, client):
    app.config["WTF_CSRF_ENABLED"] = True  # as in production: only this endpoint is exempt
    person = make_person()
    response = client.post(
        unsubscribe_path(person, MailCategory.INVITATIONS),
        data={"List-Unsubscribe": "One-Click"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    assert "You are unsubscribed" in response.get_data(as_text=True)
    assert subscriptions(person.id)[MailCategory.INVITATIONS] is False
    # And from then on, nothing of that category is queued for them.
    assert enqueue(template="outbox_test", person=person, category=MailCategory.INVITATIONS,
                   context={"address": "x"}) is None
    # Other forms still need their CSRF token.
    assert client.post("/account/mail", data={}).status_code in (302, 400)
    assert client.post("/language", data={"language": "fr"}).status_code == 400


def test_undo_subscribes_again(client):
    person = make_person()
    path = unsubscribe_path(person, MailCategory.DIGESTS)
    client.post(path, data={"action": "subscribe"})
    assert subscriptions(person.id)[MailCategory.DIGESTS] is True
    client.post(path, data={"action": "unsubscribe"})
    assert subscriptions(person.id)[MailCategory.DIGESTS] is False
    rows = db.session.scalars(select(MailPreference)).all()
    assert [(r.category, r.subscribed) for r in rows] == [("digests", False)]


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        # Signed for another purpose: an RSVP link cannot unsubscribe.
        "rsvp",
    ],
)
def test_bad_unsubscribe_links_get_a_clear_page(client, token):
    person = make_person()
    if token == "rsvp":
        token = make_recipient_token("rsvp", person.id, category="invitations")
    response = client.post(f"/email/unsubscribe/{token}", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "This unsubscribe link is not valid" in response.get_data(as_text=True)
    assert subscriptions(person.id)[MailCategory.INVITATIONS] is True


def test_link_for_transactional_mail_or_a_deleted_person_is_refused(client):
    person = make_person()
    token = make_recipient_token("unsubscribe", person.id, category="transactional")
    assert client.get(f"/email/unsubscribe/{token}").status_code == 400
    gone = unsubscribe_path(person, MailCategory.DIGESTS)
    db.session.delete(person)
    db.session.commit()
    assert client.post(gone).status_code == 400
