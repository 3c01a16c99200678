"""Enqueueing: one transaction with the change, dedupe, preferences, validation, languages."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.mail import InvalidMessage, InvalidRecipient, enqueue
from matchmaker.models import MailCategory, MailPreference, OutboxMessage, Suggestion, utcnow
from matchmaker.services.digests import send_due_digests
from tests.support.factories import make_organisation, make_person


def outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_message_exists_only_if_the_callers_transaction_commits(app):
    person = make_person()
    enqueue(template="outbox_test", person=person, context={"address": "x"})
    db.session.rollback()
    assert outbox_count() == 0

    enqueue(template="outbox_test", person=person, context={"address": "x"})
    db.session.commit()
    assert outbox_count() == 1


def test_same_dedupe_key_is_queued_once_and_the_transaction_goes_on(app):
    person = make_person()
    first = enqueue(
        template="outbox_test", person=person, context={"address": "x"}, dedupe_key="invite:1:7"
    )
    db.session.commit()

    # A second service run queues the same invitation while changing something else.
    person.position = "Head of process development"
    again = enqueue(
        template="outbox_test", person=person, context={"address": "x"}, dedupe_key="invite:1:7"
    )
    db.session.commit()

    assert again.id == first.id
    assert outbox_count() == 1
    db.session.expire_all()
    assert person.position == "Head of process development"


def test_dedupe_within_one_transaction(app):
    person = make_person()
    one = enqueue(template="outbox_test", person=person, context={"address": "x"}, dedupe_key="k")
    two = enqueue(template="outbox_test", person=person, context={"address": "x"}, dedupe_key="k")
    db.session.commit()
    assert one.id == two.id and outbox_count() == 1


def test_invalid_addresses_are_refused_with_a_clear_error(app):
    with pytest.raises(InvalidRecipient, match="not a valid email address"):
        enqueue(template="outbox_test", to_email="someone@", context={"address": "x"})
    with pytest.raises(InvalidRecipient, match="not a valid email address"):
        enqueue(
            template="outbox_test",
            to_email="a@example.org\r\nBcc: victim@example.org",
            context={"address": "x"},
        )
    with pytest.raises(InvalidRecipient, match="no recipient"):
        enqueue(template="outbox_test", context={"address": "x"})
    assert outbox_count() == 0


def test_callers_cannot_set_reserved_or_malformed_headers(app):
    person = make_person()
    for headers in ({"Bcc": "victim@example.org"}, {"X-Bad\r\nBcc": "x"}, {"Subject": "x"}):
        with pytest.raises(InvalidMessage):
            enqueue(template="outbox_test", person=person, context={"address": "x"},
                    headers=headers)
    message = enqueue(
        template="outbox_test",
        person=person,
        context={"address": "x"},
        headers={"X-Event": "afterwork\r\nBcc: victim@example.org"},
    )
    assert message.headers["X-Event"] == "afterwork Bcc: victim@example.org"


def test_optional_mail_respects_unsubscribe_and_consent(app):
    member = make_person()
    unsubscribed = make_person()
    no_consent = make_person(consent_matching=False)
    db.session.add(
        MailPreference(
            person_id=unsubscribed.id, category=MailCategory.INVITATIONS, subscribed=False
        )
    )
    db.session.commit()

    queued = {
        person.id: enqueue(
            template="outbox_test",
            person=person,
            category=MailCategory.INVITATIONS,
            context={"address": "x"},
        )
        for person in (member, unsubscribed, no_consent)
    }
    db.session.commit()

    assert queued[member.id] is not None
    assert queued[unsubscribed.id] is None
    assert queued[no_consent.id] is None
    # Transactional mail still reaches everyone.
    assert enqueue(template="outbox_test", person=no_consent, context={"address": "x"})
    assert enqueue(
        template="outbox_test",
        person=unsubscribed,
        category=MailCategory.INTRODUCTIONS,
        context={"address": "x"},
    )


def test_optional_mail_by_address_finds_the_member_or_is_refused(app):
    member = make_person(email="member@example.org", consent_matching=False)
    assert (
        enqueue(
            template="outbox_test",
            to_email="Member@example.org",
            category=MailCategory.INVITATIONS,
            context={"address": "x"},
        )
        is None
    )
    with pytest.raises(InvalidRecipient, match="only for members"):
        enqueue(
            template="outbox_test",
            to_email="stranger@example.org",
            category=MailCategory.INVITATIONS,
            context={"address": "x"},
        )
    assert member.id


def test_optional_mail_carries_one_click_unsubscribe_and_a_footer(app):
    person = make_person()
    message = enqueue(
        template="outbox_test",
        person=person,
        category=MailCategory.DIGESTS.value,
        context={"address": "x"},
    )
    assert message is None  # digests are opt-in

    db.session.add(
        MailPreference(person_id=person.id, category=MailCategory.DIGESTS, subscribed=True)
    )
    message = enqueue(
        template="outbox_test",
        person=person,
        category=MailCategory.DIGESTS,
        context={"address": "x"},
    )
    link = message.headers["List-Unsubscribe"].strip().strip("<>")
    assert link.startswith("http://testserver.localhost/email/unsubscribe/")
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body_text
    assert "Weekly digest of new suggestions" in message.body_text

    transactional = enqueue(template="outbox_test", person=person, context={"address": "x"})
    assert "List-Unsubscribe" not in transactional.headers
    assert "/email/unsubscribe/" not in transactional.body_text


def test_mailto_unsubscribe_is_added_when_configured(app):
    app.config["MAIL_UNSUBSCRIBE_MAILTO"] = "unsubscribe@cluster.example.org"
    message = enqueue(
        template="outbox_test",
        person=make_person(),
        category=MailCategory.INVITATIONS,
        context={"address": "x"},
    )
    https_link, mailto = message.headers["List-Unsubscribe"].split(", ")
    assert https_link.startswith("<http://testserver.localhost/")
    assert mailto.startswith("<mailto:unsubscribe@cluster.example.org?subject=unsubscribe%20")


def test_scheduled_message_is_a_row_with_send_after(app, mailbox):
    later = utcnow() + timedelta(days=2)
    enqueue(template="outbox_test", person=make_person(), context={"address": "x"},
            send_after=later)
    db.session.commit()
    assert mailbox.drain() == []
    row = db.session.scalar(select(OutboxMessage))
    assert row.status == "pending" and row.send_after == later


@pytest.mark.parametrize(
    ("language", "subject", "since"),
    [
        ("en", "1 new suggestion for you", "Since November 16, 2026"),
        ("fr", "1 nouvelle suggestion pour vous", "Depuis le 16 novembre 2026"),
    ],
)
def test_digest_is_written_in_the_recipients_language(app, mailbox, language, subject, since):
    person = make_person(language=language, full_name="Zoé Martin")
    lab = make_organisation(name="Laboratoire Cellules & Co", city="Angers")
    db.session.add_all(
        [
            # The last digest went on Sunday 15 November at 23:30 UTC, already Monday 16 in
            # Paris: the date in the mail is the Paris one.
            MailPreference(
                person_id=person.id,
                category=MailCategory.DIGESTS,
                subscribed=True,
                last_sent_at=datetime(2026, 11, 15, 23, 30, tzinfo=UTC),
            ),
            Suggestion(
                source_kind="person",
                source_id=person.id,
                candidate_kind="organisation",
                candidate_id=lab.id,
                rank=1,
                score=0.7,
                reasons=[{"channel": "expertise", "term": "CAR-T", "weight": 1.0}],
                first_seen_at=datetime(2026, 11, 20, 12, tzinfo=UTC),
            ),
        ]
    )
    db.session.commit()
    # Monday 23 November 2026, 09:00 in Paris: the digest slot of that week is 08:00.
    assert send_due_digests(now=datetime(2026, 11, 23, 8, 0, tzinfo=UTC)) == 1

    (message,) = mailbox.drain()
    assert message["Subject"] == subject
    assert message["Content-Language"] == language
    text = message.get_body(("plain",)).get_content()
    assert since in text
    assert "Laboratoire Cellules & Co (Angers)" in text
    html = message.get_body(("html",)).get_content()
    assert "Laboratoire Cellules &amp; Co" in html


@pytest.mark.postgresql_only
def test_concurrent_transactions_queue_one_dedupe_key_once_and_both_commit(app):
    """The second transaction waits for the first, then gets its row, without an error."""
    import threading

    first_person, second_person = make_person(), make_person()
    first_inserted, release_first = threading.Event(), threading.Event()
    results = {}

    def first():
        with app.app_context():
            person = db.session.get(type(first_person), first_person.id)
            person.position = "first"
            message = enqueue(template="outbox_test", person=person, context={"address": "x"},
                              dedupe_key="event:9:invite")
            db.session.flush()
            first_inserted.set()
            release_first.wait(10)
            db.session.commit()
            results["first"] = message.id

    def second():
        with app.app_context():
            person = db.session.get(type(second_person), second_person.id)
            person.position = "second"
            message = enqueue(template="outbox_test", person=person, context={"address": "x"},
                              dedupe_key="event:9:invite")
            db.session.commit()
            results["second"] = message.id

    one = threading.Thread(target=first)
    one.start()
    assert first_inserted.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.5)
    assert two.is_alive()  # waiting for the first transaction to decide
    release_first.set()
    one.join(10)
    two.join(10)

    assert results["first"] == results["second"]
    assert outbox_count() == 1
    db.session.expire_all()
    assert {first_person.position, second_person.position} == {"first", "second"}
