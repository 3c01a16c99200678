"""``flask outbox …`` commands as an operator uses them."""

from matchmaker.extensions import db
from matchmaker.mail import enqueue
from tests.support.factories import make_person


def test_status_counts_messages_per_status(app, runner):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    for _ in range(2):
        enqueue(template="outbox_test", person=make_person(), context={"address": "x"})
    db.session.commit()
    result = runner.invoke(args=["outbox", "status"])
    assert result.exit_code == 0
    lines = dict(line.rsplit(maxsplit=1) for line in result.output.strip().splitlines())
    assert {key.strip(): int(value) for key, value in lines.items()} == {
        "Waiting": 2, "Being sent": 0, "Sent": 0, "Failed": 0, "Cancelled": 0,
    }


def test_drain_once_sends_what_is_due_and_reports_it(app, runner, smtp):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    smtp.refuse("nobody", "550 5.1.1 No such user")
    enqueue(template="outbox_test", person=make_person(), context={"address": "x"})
    enqueue(template="outbox_test", person=make_person(email="nobody@example.org"),
            context={"address": "x"})
    db.session.commit()
    result = runner.invoke(args=["outbox", "drain", "--once"])
    assert result.exit_code == 0, result.output
    assert "Sent: 1, to retry later: 0, failed: 1" in result.output
    assert len(smtp.messages) == 1


def test_send_test_queues_a_message_or_explains_a_bad_address(app, runner, mailbox):
    result = runner.invoke(args=["outbox", "send-test", "ops@example.org"])
    assert result.exit_code == 0 and "Message-ID" in result.output
    (message,) = mailbox.drain()
    assert message["To"] == "ops@example.org"
    result = runner.invoke(args=["outbox", "send-test", "not an address"])
    assert result.exit_code == 2 and "not a valid email address" in result.output
