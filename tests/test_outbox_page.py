"""The organisers' outbox page: what waits and what failed; retry and cancel."""

from sqlalchemy import update

from matchmaker.domain import Role
from matchmaker.extensions import db
from matchmaker.mail import enqueue
from matchmaker.models import MailCategory, OutboxMessage
from tests.support.factories import make_person


def queue(person, **values) -> OutboxMessage:
    message = enqueue(template="outbox_test", person=person, context={"address": "x"})
    db.session.flush()
    if values:
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message.id).values(**values)
        )
    db.session.commit()
    return db.session.get(OutboxMessage, message.id)


def status_of(message) -> str:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id).status


def login_organiser(auth):
    make_person(email="organiser@example.org", role=Role.ORGANISER)
    auth.login("organiser@example.org")


def test_members_get_403_and_visitors_are_sent_to_login(client, auth):
    message = queue(make_person())
    assert client.get("/organiser/outbox/").status_code == 302
    make_person(email="member@example.org")
    auth.login("member@example.org")
    assert client.get("/organiser/outbox/").status_code == 403
    assert client.post(f"/organiser/outbox/{message.id}/cancel").status_code == 403
    assert status_of(message) == "pending"


def test_page_lists_pending_and_failed_with_details(client, auth):
    failed = queue(
        make_person(email="bounce@example.org", full_name="Bo <b>Unce</b>"),
        status="failed",
        attempts=6,
        last_error="550 5.1.1 <bounce@example.org>: no such user",
    )
    waiting = queue(make_person(email="later@example.org"))
    sent = queue(make_person(email="done@example.org"), status="sent")
    login_organiser(auth)

    page = client.get("/organiser/outbox/").get_data(as_text=True)

    assert "bounce@example.org" in page and "later@example.org" in page
    assert "done@example.org" not in page  # sent mail is not in the default view
    assert "Bo &lt;b&gt;Unce&lt;/b&gt;" in page
    assert "550 5.1.1 &lt;bounce@example.org&gt;: no such user" in page
    assert f'id="message-{failed.id}"' in page and f'id="message-{waiting.id}"' in page
    # Failures come first.
    assert page.index(f'id="message-{failed.id}"') < page.index(f'id="message-{waiting.id}"')

    sent_page = client.get("/organiser/outbox/?status=sent").get_data(as_text=True)
    assert f'id="message-{sent.id}"' in sent_page and "bounce@example.org" not in sent_page


def test_filter_by_category_and_pagination(app, client, auth):
    app.config["OUTBOX_PAGE_SIZE"] = 2
    people = [make_person() for _ in range(3)]
    for person in people:
        queue(person)
    invitation = enqueue(
        template="outbox_test",
        person=people[0],
        category=MailCategory.INVITATIONS,
        context={"address": "x"},
    )
    db.session.commit()
    login_organiser(auth)

    invitations = client.get("/organiser/outbox/?category=invitations").get_data(as_text=True)
    assert invitations.count('id="message-') == 1
    assert f'id="message-{invitation.id}"' in invitations

    first = client.get("/organiser/outbox/").get_data(as_text=True)
    second = client.get("/organiser/outbox/?page=2").get_data(as_text=True)
    assert first.count('id="message-') == 2 and second.count('id="message-') == 2
    assert 'href="/organiser/outbox/?page=2' in first
    assert client.get("/organiser/outbox/?page=99").status_code == 200
    assert client.get("/organiser/outbox/?status=bogus&page=x").status_code == 200


def test_retry_a_failed_message_and_it_is_sent(client, auth, mailbox):
    failed = queue(make_person(), status="failed", attempts=6, last_error="451 later")
    login_organiser(auth)

    response = client.post(
        f"/organiser/outbox/{failed.id}/retry", data={"next": "/organiser/outbox/?status=failed"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/organiser/outbox/?status=failed"
    db.session.expire_all()
    row = db.session.get(OutboxMessage, failed.id)
    assert row.status == "pending" and row.attempts == 0
    assert [m["Message-ID"] for m in mailbox.drain()] == [failed.message_id]


def test_cancel_a_waiting_message_and_it_is_never_sent(client, auth, mailbox):
    waiting = queue(make_person())
    login_organiser(auth)

    client.post(f"/organiser/outbox/{waiting.id}/cancel")

    assert status_of(waiting) == "cancelled"
    assert mailbox.drain() == []


def test_sent_messages_cannot_be_cancelled_or_retried(client, auth):
    sent = queue(make_person(), status="sent")
    login_organiser(auth)
    page = client.post(f"/organiser/outbox/{sent.id}/cancel", follow_redirects=True)
    assert 'class="flash flash-error"' in page.get_data(as_text=True)
    client.post(f"/organiser/outbox/{sent.id}/retry")
    assert status_of(sent) == "sent"
    assert client.post("/organiser/outbox/999999/retry").status_code == 302


def test_actions_need_a_csrf_token(app, client, auth):
    waiting = queue(make_person())
    login_organiser(auth)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/organiser/outbox/{waiting.id}/cancel").status_code == 400
    assert status_of(waiting) == "pending"
