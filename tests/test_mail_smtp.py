"""What arrives at a real SMTP server: headers, unsubscribe, calendar files, no injection."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from matchmaker.extensions import db
from matchmaker.mail import enqueue
from matchmaker.mail.calendar import CalendarEvent, build_ics, ics_attachment
from matchmaker.mail.drain import Drainer
from matchmaker.models import MailCategory
from tests.support.factories import make_person
from tests.support.mail import text_body

PARIS = ZoneInfo("Europe/Paris")


def afterwork(**changes) -> CalendarEvent:
    values = {
        "uid": "event-42@matchmaker.localhost",
        "sequence": 0,
        "start": datetime(2026, 12, 3, 18, 30, tzinfo=PARIS),
        "end": datetime(2026, 12, 3, 21, 0, tzinfo=PARIS),
        "summary": "Afterwork bioproduction, Nantes",
        "location": "Halle 6, 42 rue la Noue Bras de Fer, Nantes",
        "description": "Cell therapy manufacturing; private and public partners.",
        "url": "http://testserver.localhost/events/42",
        "organiser_email": "events@cluster.example.org",
        "organiser_name": "Cluster team",
        "attendee_email": "guest@example.org",
        "attendee_name": "Guest",
    }
    values.update(changes)
    return CalendarEvent(**values)


def parse_event(data: bytes):
    calendar = icalendar.Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_calendar_file_carries_uid_sequence_paris_time_and_method():
    calendar, event = parse_event(build_ics(afterwork()))
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == "event-42@matchmaker.localhost"
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    start = event.decoded("DTSTART")
    assert start == datetime(2026, 12, 3, 17, 30, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Paris"
    assert str(event["LOCATION"]).startswith("Halle 6, 42 rue")
    assert "mailto:events@cluster.example.org" in str(event["ORGANIZER"])


def test_update_keeps_the_uid_with_a_higher_sequence_and_cancel_says_so():
    _, first = parse_event(build_ics(afterwork()))
    _, moved = parse_event(
        build_ics(afterwork(sequence=1, start=datetime(2026, 12, 10, 18, 30, tzinfo=PARIS),
                            end=datetime(2026, 12, 10, 21, tzinfo=PARIS)))
    )
    cancel_calendar, cancelled = parse_event(build_ics(afterwork(sequence=2, method="CANCEL")))
    assert first["UID"] == moved["UID"] == cancelled["UID"]
    assert (first["SEQUENCE"], moved["SEQUENCE"], cancelled["SEQUENCE"]) == (0, 1, 2)
    assert cancel_calendar["METHOD"] == "CANCEL"
    assert cancelled["STATUS"] == "CANCELLED"


def test_calendar_event_refuses_inconsistent_input():
    with pytest.raises(ValueError, match="aware"):
        afterwork(start=datetime(2026, 12, 3, 18, 30))
    with pytest.raises(ValueError, match="end after"):
        afterwork(end=datetime(2026, 12, 3, 17, 0, tzinfo=PARIS))
    with pytest.raises(ValueError, match="CANCEL"):
        afterwork(method="CANCEL", status="CONFIRMED")
    with pytest.raises(ValueError, match="method"):
        afterwork(method="PUBLISH")


def test_invitation_with_calendar_file_and_unsubscribe_headers_arrives(app, smtp):
    guest = make_person(email="guest@example.org", full_name="Guest")
    message = enqueue(
        template="outbox_test",
        person=guest,
        category=MailCategory.INVITATIONS,
        context={"address": guest.email},
        attachments=[ics_attachment(afterwork())],
        dedupe_key="event:42:invite:1",
    )
    db.session.commit()

    assert Drainer().drain().sent == 1

    (received,) = smtp.messages
    assert received["Message-ID"] == message.message_id
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = received["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("http://testserver.localhost/email/unsubscribe/")
    assert unsubscribe in text_body(received)
    assert received["Auto-Submitted"] == "auto-generated"

    (attachment,) = list(received.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "invite.ics"
    _, event = parse_event(attachment.get_content().encode())
    assert str(event["UID"]) == "event-42@matchmaker.localhost"
    assert event.decoded("DTSTART") == datetime(2026, 12, 3, 17, 30, tzinfo=UTC)


def test_newlines_in_names_and_subjects_cannot_add_headers(app, smtp):
    person = make_person(
        email="target@example.org",
        full_name="Eve\r\nBcc: victim@example.org\r\nX-Injected: name",
    )
    enqueue(
        template="outbox_test",
        person=person,
        context={"address": "x"},
        headers={"X-Event-Title": "Afterwork\nBcc: victim@example.org"},
    )
    # A subject built from user input: the cluster name here stands in for any such text.
    app.config["CLUSTER_NAME"] = "Cluster\r\nBcc: victim@example.org\r\nX-Injected: subject"
    enqueue(template="outbox_test", person=person, context={"address": "x"})
    db.session.commit()

    assert Drainer().drain().sent == 2

    for received in smtp.messages:
        assert received["Bcc"] is None and received["X-Injected"] is None
        assert "\n" not in received["Subject"] and "\n" not in received["To"]
    assert [rcpt for _sender, rcpt in smtp.envelopes] == [["target@example.org"]] * 2
    subjects = sorted(m["Subject"] for m in smtp.messages)
    assert "Cluster Bcc: victim@example.org X-Injected: subject" in subjects[0]


def test_scheduled_message_waits_for_its_time(app, smtp):
    enqueue(
        template="outbox_test",
        person=make_person(),
        context={"address": "x"},
        send_after=datetime.now(UTC) + timedelta(hours=1),
    )
    db.session.commit()
    assert not Drainer().drain()
    assert smtp.messages == []
