"""Draining: retries with backoff, failure after N attempts, leases on SQLite, late opt-outs.

Failures come from a real SMTP server on loopback that refuses chosen recipients.
"""

from datetime import timedelta

from sqlalchemy import select, update

from matchmaker.extensions import db
from matchmaker.mail import enqueue
from matchmaker.mail.drain import Drainer, retry_delay
from matchmaker.models import MailCategory, MailPreference, OutboxMessage, utcnow
from tests.support.factories import make_person


def queue(person, **kwargs) -> OutboxMessage:
    message = enqueue(template="outbox_test", person=person, context={"address": "x"}, **kwargs)
    db.session.commit()
    return message


def reload(message: OutboxMessage) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


class Clock:
    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, delta: timedelta):
        self.now += delta


def test_backoff_doubles_and_is_capped():
    delays = [retry_delay(n, 120, 3600).total_seconds() for n in range(1, 7)]
    assert delays == [120, 240, 480, 960, 1920, 3600]


def test_temporary_refusal_is_retried_with_backoff_then_fails_after_max_attempts(app, smtp):
    app.config.update(MAIL_MAX_ATTEMPTS=3, MAIL_RETRY_BASE_SECONDS=60)
    smtp.refuse("busy", "451 4.3.2 Try again later")
    busy = make_person(email="busy@example.org")
    message = queue(busy)
    clock = Clock()
    drainer = Drainer(clock=clock)

    report = drainer.drain()
    row = reload(message)
    assert report.retrying == 1 and report.sent == 0
    assert row.status == "pending" and row.attempts == 1
    assert row.send_after == clock.now + timedelta(seconds=60)
    assert "451" in row.last_error

    # Not due yet: nothing is tried.
    assert not drainer.drain()
    clock.advance(timedelta(seconds=60))
    drainer.drain()
    row = reload(message)
    assert row.attempts == 2 and row.send_after == clock.now + timedelta(seconds=120)

    clock.advance(timedelta(seconds=120))
    report = drainer.drain()
    row = reload(message)
    assert report.failed == 1
    assert row.status == "failed" and row.attempts == 3
    assert "451 4.3.2 Try again later" in row.last_error
    assert smtp.messages == []


def test_permanent_refusal_fails_at_once_and_others_still_go(app, smtp):
    smtp.refuse("nobody", "550 5.1.1 No such user")
    refused = queue(make_person(email="nobody@example.org"))
    accepted = queue(make_person(email="somebody@example.org"))

    report = Drainer().drain()

    assert (report.failed, report.sent) == (1, 1)
    row = reload(refused)
    assert row.status == "failed" and row.attempts == 1 and "550 5.1.1" in row.last_error
    assert reload(accepted).status == "sent"
    assert [m["To"] for m in smtp.messages] == [accepted.to_name + " <somebody@example.org>"]


def test_server_down_stops_the_pass_and_costs_one_attempt(app, smtp):
    first = queue(make_person())
    second = queue(make_person())
    app.config["MAIL_SMTP_PORT"] = 1  # nothing listens there

    report = Drainer().drain()

    assert report.retrying == 1 and report.sent == 0
    assert reload(first).attempts == 1 and "ConnectionRefusedError" in reload(first).last_error
    untouched = reload(second)
    assert untouched.status == "pending" and untouched.attempts == 0
    assert untouched.claimed_by is None


def test_a_member_who_unsubscribes_after_queueing_is_not_mailed(app, mailbox):
    person = make_person()
    message = queue(person, category=MailCategory.INVITATIONS,
                    send_after=utcnow() + timedelta(minutes=1))
    db.session.add(
        MailPreference(person_id=person.id, category=MailCategory.INVITATIONS, subscribed=False)
    )
    db.session.execute(update(OutboxMessage).values(send_after=utcnow()))
    db.session.commit()

    assert mailbox.drain() == []
    row = reload(message)
    assert row.status == "cancelled" and row.last_error == "matchmaker:unsubscribed"


def test_resend_keeps_the_message_id(app, smtp):
    message = queue(make_person())
    Drainer().drain()
    db.session.execute(update(OutboxMessage).values(status="pending"))
    db.session.commit()
    Drainer().drain()
    assert [m["Message-ID"] for m in smtp.messages] == [message.message_id] * 2


def test_live_lease_is_respected_and_expired_lease_is_taken_over(app, mailbox):
    """SQLite's claim (it runs on PostgreSQL too, where the default is row locks)."""
    messages = [queue(make_person()) for _ in range(3)]
    clock = Clock()
    crashed = Drainer(worker_id="crashed", lease_seconds=60, clock=clock, claim_mode="lease")
    claimed = crashed.claim()
    assert claimed == [m.id for m in messages]
    # The crashed drainer never comes back. While its lease lasts, nobody else sends.
    other = Drainer(worker_id="other", lease_seconds=60, clock=clock, claim_mode="lease")
    assert other.claim() == []
    assert not other.drain()
    assert mailbox.sent == []

    clock.advance(timedelta(seconds=61))
    report = other.drain()
    assert report.sent == 3
    assert sorted(m["Message-ID"] for m in mailbox.sent) == sorted(m.message_id for m in messages)
    db.session.expire_all()
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert {(r.status, r.claimed_by) for r in rows} == {("sent", None)}


def test_drainer_whose_lease_was_taken_over_cannot_renew_it(app, mailbox):
    message = queue(make_person())
    clock = Clock()
    slow = Drainer(worker_id="slow", lease_seconds=60, clock=clock, claim_mode="lease")
    assert slow.claim() == [message.id]
    clock.advance(timedelta(seconds=61))
    fast = Drainer(worker_id="fast", lease_seconds=60, clock=clock, claim_mode="lease")
    assert fast.drain().sent == 1
    # The slow one wakes up: the row is no longer its own, so it will not send it.
    assert slow.renew_lease([message.id]) == set()
    assert len(mailbox.sent) == 1
