"""Calendar files (iCalendar, RFC 5545/5546) attached to invitations.

An event keeps one ``uid`` for life. Each change is sent again with the same ``uid`` and a
higher ``sequence`` (``method="REQUEST"``); a cancellation is ``method="CANCEL"`` with the
same ``uid``, a higher ``sequence`` and the status ``CANCELLED``. Calendar programs then update
or remove the entry they already have instead of adding a second one.

Usage, inside the service that invites::

    event = CalendarEvent(uid=f"event-{event.id}@{domain}", sequence=event.revision, ...)
    enqueue(..., attachments=[ics_attachment(event)])
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//Matchmaker//Cluster events//EN"
METHODS = ("REQUEST", "CANCEL")
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    start: datetime
    end: datetime
    summary: str
    sequence: int = 0
    location: str = ""
    description: str = ""
    url: str | None = None
    organiser_email: str | None = None
    organiser_name: str = ""
    # The recipient, so that their calendar shows the answer buttons.
    attendee_email: str | None = None
    attendee_name: str = ""
    method: str = "REQUEST"
    # Derived from the method when not given: CONFIRMED for a request, CANCELLED for a cancel.
    status: str | None = None
    # When this version was written (DTSTAMP); "now" when not given.
    stamp: datetime | None = None

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, not {self.method!r}")
        status = self.status or ("CANCELLED" if self.method == "CANCEL" else "CONFIRMED")
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {status!r}")
        if (self.method == "CANCEL") != (status == "CANCELLED"):
            raise ValueError("a cancellation is method CANCEL with status CANCELLED")
        object.__setattr__(self, "status", status)
        for name in ("start", "end", "stamp"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} must be an aware datetime")
        if self.end <= self.start:
            raise ValueError("the event must end after it starts")
        if not self.uid or any(c in self.uid for c in "\r\n"):
            raise ValueError("uid must be a non-empty single line")
        if self.sequence < 0:
            raise ValueError("sequence cannot be negative")


def _address(email: str, name: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = icalendar.vText(name)
    return address


def build_ics(event: CalendarEvent) -> bytes:
    """The ``.ics`` file: one VEVENT in Europe/Paris time, with its VTIMEZONE."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", event.method)

    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", (event.stamp or datetime.now(UTC)).astimezone(UTC))
    vevent.add("dtstart", event.start.astimezone(PARIS))
    vevent.add("dtend", event.end.astimezone(PARIS))
    vevent.add("summary", event.summary)
    vevent.add("status", event.status)
    vevent.add("transp", "TRANSPARENT" if event.method == "CANCEL" else "OPAQUE")
    if event.location:
        vevent.add("location", event.location)
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
    if event.organiser_email:
        vevent.add("organizer", _address(event.organiser_email, event.organiser_name))
    if event.attendee_email:
        attendee = _address(event.attendee_email, event.attendee_name)
        attendee.params["ROLE"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["PARTSTAT"] = icalendar.vText("NEEDS-ACTION")
        attendee.params["RSVP"] = icalendar.vText("TRUE")
        vevent.add("attendee", attendee)
    calendar.add_component(vevent)
    # The time zone's rules around the event are enough, and keep the file small.
    calendar.add_missing_timezones(
        first_date=event.start.date() - timedelta(days=366),
        last_date=event.end.date() + timedelta(days=366),
    )
    return calendar.to_ical()


def ics_attachment(event: CalendarEvent, filename: str = "invite.ics") -> dict:
    """The attachment for :func:`matchmaker.mail.enqueue`: ``text/calendar; method=…``."""
    return {
        "filename": filename,
        "content_type": "text/calendar",
        "params": {"method": event.method},
        "content": base64.b64encode(build_ics(event)).decode("ascii"),
    }
