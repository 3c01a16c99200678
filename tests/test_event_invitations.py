"""Invitations and answers: scheduled mail with calendar files, RSVP links that need no login,
capacity and the waitlist (also under concurrent answers), updates and cancellations."""

import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.mail.drain import Drainer
from matchmaker.models import (
    Event,
    Invitation,
    InvitationState,
    MailPreference,
    OutboxMessage,
    OutboxStatus,
    utcnow,
)
from matchmaker.security import make_recipient_token
from matchmaker.services import event_invitations, events
from matchmaker.services.event_invitations import answer_by_link, schedule_invitations
from tests.support.events import invite, make_event, make_member, move_event
from tests.support.factories import make_person
from tests.support.mail import links_in, text_body


@pytest.fixture(autouse=True)
def english(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"


@pytest.fixture
def organiser(app):
    return make_person(role="organiser", full_name="Claire Organiser",
                       email="claire@cluster.example.org")


def guests(n_private=2, n_public=2, **values):
    people = []
    for i in range(max(n_private, n_public)):
        if i < n_private:
            people.append(make_member("private", "GMP manufacturing", "GMP",
                                      full_name=f"Private {i}", email=f"private{i}@example.org",
                                      **values))
        if i < n_public:
            people.append(make_member("public", "Bioreactor platform", "bioreactors",
                                      full_name=f"Public {i}", email=f"public{i}@example.org",
                                      **values))
    return people


def put_on_list(event, people):
    for person in people:
        db.session.add(Invitation(event_id=event.id, person_id=person.id, state="proposed"))
    db.session.commit()


def answer_link(message, answer="yes") -> str:
    for link in links_in(message):
        parts = urlsplit(link)
        if "/rsvp/" in parts.path and parse_qs(parts.query).get("answer") == [answer]:
            return parts.path + "?" + parts.query
    raise AssertionError(f"no {answer} link in {message['Subject']!r}")


def token_of(path: str) -> str:
    return urlsplit(path).path.rstrip("/").split("/")[-1]


def calendar_of(message):
    (attachment,) = [
        part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    calendar = icalendar.Calendar.from_ical(attachment.get_content().encode())
    (vevent,) = calendar.walk("VEVENT")
    return calendar, vevent


def state_of(invitation_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Invitation, invitation_id).state


# --- Scheduling ------------------------------------------------------------------------------


def test_invitations_go_now_with_calendar_file_and_answer_links_in_each_language(
    app, mailbox, organiser
):
    people = guests()
    people[0].language = "fr"
    db.session.commit()
    event = make_event(title="Afterwork bioproduction", organiser_ids=[organiser.id])
    put_on_list(event, people)

    outcome = schedule_invitations(event.id, by=organiser.user)

    assert outcome.invited == 4 and outcome.not_emailed == 0
    sent = mailbox.drain()
    assert len(sent) == 4
    by_address = {message["To"].split("<")[-1].strip(">"): message for message in sent}
    french = by_address[people[0].email]
    assert french["Subject"] == "Invitation : Afterwork bioproduction"
    english_mail = by_address[people[1].email]
    assert english_mail["Subject"] == "Invitation: Afterwork bioproduction"
    assert "Will you come? Answer in one click:" in text_body(english_mail)
    calendar, vevent = calendar_of(english_mail)
    assert calendar["METHOD"] == "REQUEST"
    assert str(vevent["UID"]) == event.calendar_uid and vevent["SEQUENCE"] == 0
    assert vevent.decoded("DTSTART") == event.starts_at
    assert people[1].email in str(vevent["ATTENDEE"])
    assert "claire@cluster.example.org" in str(vevent["ORGANIZER"])
    assert english_mail["List-Unsubscribe"]  # invitations can be turned off
    for answer in ("yes", "no", "maybe"):
        assert answer_link(english_mail, answer)
    invitations = db.session.scalars(select(Invitation)).all()
    assert {i.state for i in invitations} == {"invited"}
    assert all(i.emailed and i.invited_at is not None for i in invitations)


def test_guests_who_turned_invitations_off_are_counted_not_mailed(app, mailbox, organiser):
    people = guests(1, 1)
    db.session.add(MailPreference(person_id=people[0].id, category="invitations",
                                  subscribed=False))
    db.session.commit()
    event = make_event()
    put_on_list(event, people)
    outcome = schedule_invitations(event.id, by=organiser.user)
    assert (outcome.invited, outcome.not_emailed) == (2, 1)
    assert len(mailbox.drain()) == 1
    assert not db.session.scalar(
        select(Invitation.emailed).where(Invitation.person_id == people[0].id)
    )


def test_scheduled_invitations_wait_for_their_time_and_can_be_moved(app, mailbox, organiser):
    people = guests(1, 1)
    event = make_event(starts_at=utcnow() + timedelta(days=20))
    put_on_list(event, people)
    later = (utcnow() + timedelta(days=3)).replace(microsecond=0)

    outcome = schedule_invitations(event.id, send_at=later, reminder_days_before=1,
                                   by=organiser.user)
    assert outcome.invited == 2
    assert mailbox.drain() == []
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert [row.send_after for row in rows] == [later, later]

    sooner = later - timedelta(days=1)
    moved = schedule_invitations(event.id, send_at=sooner, reminder_days_before=1,
                                 by=organiser.user)
    assert (moved.invited, moved.rescheduled) == (0, 2)
    db.session.expire_all()
    assert {row.send_after for row in db.session.scalars(select(OutboxMessage))} == {sooner}
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2
    assert db.session.get(Event, event.id).reminder_days_before == 1

    with pytest.raises(event_invitations.InvitationError, match="before the event starts"):
        schedule_invitations(event.id, send_at=event.starts_at + timedelta(hours=1))
    with pytest.raises(event_invitations.InvitationError, match="future"):
        schedule_invitations(event.id, send_at=utcnow() - timedelta(days=1))


def test_reminders_go_once_to_those_who_said_yes(app, mailbox):
    people = guests(2, 2)
    event = make_event(starts_at=utcnow() + timedelta(days=1, hours=6))
    states = [InvitationState.YES, InvitationState.YES, InvitationState.NO,
              InvitationState.INVITED]
    for person, state in zip(people, states, strict=True):
        invite(event, person, state)
    far = make_event(starts_at=utcnow() + timedelta(days=5))
    invite(far, people[0], InvitationState.YES)
    # Said yes just now, inside the reminder window: they have the details already.
    latecomer = make_person(full_name="Late Comer")
    invite(event, latecomer, InvitationState.YES, answered_at=utcnow())

    assert event_invitations.send_due_reminders() == 2
    assert event_invitations.send_due_reminders() == 0
    sent = mailbox.drain()
    assert sorted(m["To"] for m in sent) == sorted(
        f"{p.full_name} <{p.email}>" for p in people[:2]
    )
    assert all(m["Subject"] == "Reminder: Afterwork bioproduction" for m in sent)


# --- Answering by link -----------------------------------------------------------------------


def test_an_answer_link_asks_first_and_records_only_on_the_button(app, client, mailbox,
                                                                   organiser):
    person = guests(1, 0)[0]
    event = make_event()
    put_on_list(event, [person])
    schedule_invitations(event.id, by=organiser.user)
    (message,) = mailbox.drain()
    link = answer_link(message, "yes")

    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm: Yes, I will come" in page.get_data(as_text=True)
    invitation = db.session.scalar(select(Invitation))
    assert state_of(invitation.id) == InvitationState.INVITED  # a GET changes nothing

    done = client.post(urlsplit(link).path, data={"answer": "yes"})
    assert done.status_code == 200
    assert "you are coming" in done.get_data(as_text=True)
    assert state_of(invitation.id) == InvitationState.YES

    client.post(urlsplit(link).path, data={"answer": "no"})
    assert state_of(invitation.id) == InvitationState.NO
    calendar = client.get(urlsplit(link).path + "/calendar.ics")
    assert calendar.mimetype == "text/calendar"
    assert event.calendar_uid in calendar.get_data(as_text=True)


def test_answer_links_are_bound_to_their_person_and_event(app, client):
    alice, bob = guests(1, 1)
    event = make_event()
    other_event = make_event(title="Another evening")
    mine = invite(event, alice)
    theirs = invite(event, bob)
    invite(other_event, alice)
    token = events.rsvp_token(mine)

    # Someone else's invitation with my identity, or my token on another event: refused.
    forged = make_recipient_token(events.RSVP_PURPOSE, alice.id, event=event.id,
                                  invitation=theirs.id)
    other_purpose = events.feedback_token(mine)
    for path in (
        f"/events/{event.id}/rsvp/{forged}",
        f"/events/{other_event.id}/rsvp/{token}",
        f"/events/{event.id}/rsvp/{token[:-3]}abc",
        f"/events/{event.id}/rsvp/{other_purpose}",
    ):
        response = client.post(path, data={"answer": "yes"})
        assert response.status_code == 400, path
        assert "This link is not valid." in response.get_data(as_text=True)
    assert state_of(theirs.id) == InvitationState.INVITED
    assert state_of(mine.id) == InvitationState.INVITED

    # A link stops working when its event is over.
    move_event(event, datetime.now(UTC) - timedelta(days=2))
    response = client.get(f"/events/{event.id}/rsvp/{events.rsvp_token(mine)}")
    assert response.status_code == 400
    assert "This link has expired." in response.get_data(as_text=True)


def test_answers_close_when_the_event_starts(app):
    person = guests(1, 0)[0]
    event = make_event()
    invitation = invite(event, person)
    token = events.rsvp_token(invitation)
    move_event(event, datetime.now(UTC) - timedelta(minutes=5))
    with pytest.raises(event_invitations.InvitationError, match="started"):
        answer_by_link(event.id, token, "yes")


# --- Capacity and the waitlist ---------------------------------------------------------------


def test_the_waitlist_fills_freed_places_keeping_the_balance(app, mailbox):
    event = make_event(capacity=2, private_share=0.5)
    priv1, pub1, priv2, pub2 = guests(2, 2)
    priv3 = make_member("private", "GMP", "GMP", full_name="Private 3",
                        email="private3@example.org")
    tokens = {p.id: events.rsvp_token(invite(event, p)) for p in (priv1, priv2, priv3, pub1, pub2)}

    def say(person, answer):
        return answer_by_link(event.id, tokens[person.id], answer).state

    assert say(priv1, "yes") == "yes"
    assert say(priv2, "yes") == "yes"
    # Full: the next yes answers wait, in the order they came.
    assert say(priv3, "yes") == "waitlisted"
    assert say(pub1, "yes") == "waitlisted"
    assert say(pub2, "maybe") == "maybe"

    # A private guest declines: the place goes to the public one, though priv3 waited longer.
    outcome = answer_by_link(event.id, tokens[priv1.id], "no")
    assert [i.person_id for i in outcome.promoted] == [pub1.id]
    # The next freed place restores the balance the other way.
    outcome = answer_by_link(event.id, tokens[priv2.id], "no")
    assert [i.person_id for i in outcome.promoted] == [priv3.id]
    places = db.session.scalar(
        select(func.count()).select_from(Invitation).where(Invitation.state == "yes")
    )
    assert places == 2

    promoted_mail = [m for m in mailbox.drain() if m["Subject"].startswith("A place for you")]
    assert sorted(m["To"] for m in promoted_mail) == sorted(
        f"{p.full_name} <{p.email}>" for p in (pub1, priv3)
    )
    assert "it is yours" in text_body(promoted_mail[0])
    _, vevent = calendar_of(promoted_mail[0])
    assert str(vevent["UID"]) == event.calendar_uid


def test_members_register_on_open_events_with_the_same_rules(app, mailbox):
    open_event = make_event(capacity=1, registration_open=True)
    closed = make_event(title="Invitation only")
    first, second = guests(1, 1)

    assert event_invitations.answer_as_member(open_event.id, first, "yes").state == "yes"
    assert event_invitations.answer_as_member(open_event.id, second, "yes").state == "waitlisted"
    (confirmation,) = mailbox.drain()
    assert confirmation["Subject"] == "You are registered: Afterwork bioproduction"
    with pytest.raises(event_invitations.InvitationError, match="invitation only"):
        event_invitations.answer_as_member(closed.id, first, "yes")
    # Changing one's mind frees the place for the waitlist.
    outcome = event_invitations.answer_as_member(open_event.id, first, "no")
    assert [i.person_id for i in outcome.promoted] == [second.id]


def test_capacity_cannot_be_lowered_below_the_places_taken(app, organiser):
    event = make_event(capacity=3)
    for person in guests(1, 1):
        invite(event, person, InvitationState.YES)
    data = events.EventData(title=event.title, starts_at=event.starts_at,
                            ends_at=event.ends_at, capacity=1)
    with pytest.raises(events.EventError, match="2 people already have a place"):
        events.update_event(event.id, data, by=organiser.user)
    assert db.session.get(Event, event.id).capacity == 3


def answer_all_at_once(app, event_id: int, tokens: list[str]) -> list[BaseException]:
    """Every token answers yes in its own thread, all released at the same moment."""
    barrier = threading.Barrier(len(tokens))
    errors: list[BaseException] = []

    def answer(token: str) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                answer_by_link(event_id, token, "yes")
            except BaseException as error:  # every failure is reported by the test
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=answer, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def concurrent_yes(app, n_guests: int, capacity: int) -> dict[str, int]:
    event = make_event(capacity=capacity)
    tokens = []
    for i in range(n_guests):
        person = make_person(email=f"guest{i}@example.org")
        tokens.append(events.rsvp_token(invite(event, person)))
    db.session.remove()
    errors = answer_all_at_once(app, event.id, tokens)
    assert errors == []
    return dict(
        db.session.execute(
            select(Invitation.state, func.count())
            .where(Invitation.event_id == event.id)
            .group_by(Invitation.state)
        ).all()
    )


def test_answers_at_the_same_moment_never_exceed_capacity(app):
    assert concurrent_yes(app, n_guests=10, capacity=4) == {"yes": 4, "waitlisted": 6}


@pytest.mark.postgresql_only
def test_many_concurrent_answers_on_postgresql_never_exceed_capacity(app):
    counts = concurrent_yes(app, n_guests=40, capacity=15)
    assert counts == {"yes": 15, "waitlisted": 25}


# --- Updates and cancellation ----------------------------------------------------------------


def test_changes_and_cancellation_reach_calendars_with_the_same_uid(app, smtp, organiser):
    people = guests(2, 1)
    start = (utcnow() + timedelta(days=10)).replace(microsecond=0)
    event = make_event(starts_at=start, organiser_ids=[organiser.id])
    put_on_list(event, people)
    schedule_invitations(event.id, by=organiser.user)
    Drainer().drain()
    invitation = db.session.scalar(select(Invitation).where(Invitation.person_id == people[0].id))
    answer_by_link(event.id, events.rsvp_token(invitation), "yes")
    declined = db.session.scalar(select(Invitation).where(Invitation.person_id == people[2].id))
    answer_by_link(event.id, events.rsvp_token(declined), "no")

    moved = start + timedelta(days=7)
    data = events.EventData(title=event.title, theme=event.theme, starts_at=moved,
                            ends_at=moved + timedelta(hours=3), venue="Le Lieu Unique",
                            address="2 rue de la Biscuiterie, Nantes",
                            organiser_ids=[organiser.id])
    outcome = events.update_event(event.id, data, by=organiser.user)
    # Those who declined hear of it too: the new date may suit them.
    assert outcome.details_changed and outcome.notified == 3
    Drainer().drain()
    updates = [m for m in smtp.messages if m["Subject"].startswith("Change:")]
    assert len(updates) == 3
    calendar, update = calendar_of(updates[0])
    assert calendar["METHOD"] == "REQUEST"
    assert str(update["UID"]) == event.calendar_uid and update["SEQUENCE"] == 1
    assert update.decoded("DTSTART") == moved
    assert "Le Lieu Unique" in str(update["LOCATION"])

    # Renaming the event alone sends nothing.
    data.title = "Afterwork bioproduction (2nd edition)"
    assert events.update_event(event.id, data, by=organiser.user).notified == 0

    assert events.cancel_event(event.id, by=organiser.user) == 2
    Drainer().drain()
    cancellations = [m for m in smtp.messages if m["Subject"].startswith("Cancelled:")]
    assert len(cancellations) == 2
    calendar, cancelled = calendar_of(cancellations[0])
    assert calendar["METHOD"] == "CANCEL"
    assert str(cancelled["UID"]) == event.calendar_uid
    assert cancelled["SEQUENCE"] == 2 and cancelled["STATUS"] == "CANCELLED"
    with pytest.raises(events.EventError, match="already cancelled"):
        events.cancel_event(event.id, by=organiser.user)


def test_changes_before_invitations_leave_rewrite_them_instead_of_mailing_twice(
    app, mailbox, organiser
):
    people = guests(1, 1)
    event = make_event(starts_at=utcnow() + timedelta(days=30))
    put_on_list(event, people)
    later = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    schedule_invitations(event.id, send_at=later, by=organiser.user)

    moved = event.starts_at + timedelta(days=1)
    data = events.EventData(title=event.title, starts_at=moved, ends_at=moved + timedelta(hours=3))
    outcome = events.update_event(event.id, data, by=organiser.user)
    assert outcome.notified == 0
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [r.status for r in rows] == ["cancelled", "cancelled", "pending", "pending"]
    assert {r.send_after for r in rows if r.status == "pending"} == {later}
    pending = [r for r in rows if r.status == OutboxStatus.PENDING]
    assert all(r.dedupe_key.endswith(":r1") for r in pending)

    # Cancelled before anything went: the waiting invitations are dropped, nobody is mailed.
    assert events.cancel_event(event.id, by=organiser.user) == 0
    db.session.expire_all()
    assert {r.status for r in db.session.scalars(select(OutboxMessage))} == {"cancelled"}
