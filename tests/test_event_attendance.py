"""The day and after: check-in and walk-ins, "who should I meet?", the "who did you meet?"
form and its Connections, the follow-up job, and the per-event figures."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import (
    Connection,
    EventFeedback,
    Invitation,
    InvitationState,
    Person,
    Suggestion,
    User,
)
from matchmaker.services import event_attendance as attendance
from matchmaker.services.event_figures import event_figures
from tests.support.events import invite, make_event, make_member, move_event, past_event
from tests.support.factories import make_person


@pytest.fixture(autouse=True)
def english(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"


@pytest.fixture
def staff(app):
    return make_person(role="organiser", full_name="Door Staff")


def tonight(**values):
    """An event that started an hour ago: the door is open."""
    event = make_event(**values)
    move_event(event, datetime.now(UTC) - timedelta(hours=1))
    return event


def state_of(event, person) -> str:
    db.session.expire_all()
    return db.session.scalar(
        select(Invitation.state).where(
            Invitation.event_id == event.id, Invitation.person_id == person.id
        )
    )


# --- The door --------------------------------------------------------------------------------


def test_check_in_undo_and_walk_ins(app, staff):
    expected = make_person(full_name="Élodie Guérin")
    maybe = make_person(full_name="Marc Maybe")
    member = make_person(full_name="Walk In Member")
    event = tonight()
    invite(event, expected, InvitationState.YES, answer="yes")
    invite(event, maybe, InvitationState.MAYBE, answer="maybe")

    assert [i.person_id for i in attendance.door_list(event, "elodie guer")] == [expected.id]
    attendance.check_in(event.id, expected.id, by=staff.user)
    attendance.check_in(event.id, maybe.id, by=staff.user)
    attendance.check_in(event.id, member.id, by=staff.user)
    assert state_of(event, expected) == state_of(event, member) == "came"
    walk_in = db.session.scalar(select(Invitation).where(Invitation.person_id == member.id))
    assert walk_in.source == "walk_in" and walk_in.invited_at is None

    attendance.undo_check_in(event.id, maybe.id, by=staff.user)
    assert state_of(event, maybe) == "maybe"
    attendance.undo_check_in(event.id, member.id, by=staff.user)
    assert state_of(event, member) is None  # a walk-in undone leaves no trace
    with pytest.raises(attendance.AttendanceError, match="not checked in"):
        attendance.undo_check_in(event.id, member.id, by=staff.user)
    with pytest.raises(PermissionError):
        attendance.check_in(event.id, maybe.id, by=make_person().user)


def test_a_new_guest_at_the_door_gets_a_minimal_record_or_finds_theirs(app, staff):
    event = tonight()
    guest = attendance.WalkInGuest(
        full_name="Nora Newcomer", email="Nora@Example.org",
        organisation_name="Brand New Biotech", organisation_kind="startup", language="en",
    )
    invitation = attendance.check_in_guest(event.id, guest, by=staff.user)
    person = db.session.get(Person, invitation.person_id)
    assert person.full_name == "Nora Newcomer" and person.email == "nora@example.org"
    assert person.organisation.name == "Brand New Biotech"
    assert person.organisation.sector == "private"
    assert not person.consent_matching and person.user.confirmed_at is None
    assert invitation.state == "came" and invitation.source == "walk_in"

    # The same address again (another event) finds the record instead of making a second one.
    second = tonight(title="Another evening")
    again = attendance.check_in_guest(second.id, guest, by=staff.user)
    assert again.person_id == person.id
    assert db.session.scalar(select(func.count()).select_from(User)) == 2  # staff + Nora

    with pytest.raises(attendance.AttendanceError) as caught:
        attendance.check_in_guest(event.id, attendance.WalkInGuest("", "x@example.org"))
    assert caught.value.field == "full_name"
    with pytest.raises(attendance.AttendanceError) as caught:
        attendance.check_in_guest(event.id, attendance.WalkInGuest("Someone", "not-an-address"))
    assert caught.value.field == "email"


def test_the_door_opens_on_the_day(app, staff):
    person = make_person()
    event = make_event(starts_at=datetime.now(UTC) + timedelta(days=3))
    invite(event, person, InvitationState.YES)
    with pytest.raises(attendance.AttendanceError, match="opens on the day"):
        attendance.check_in(event.id, person.id, by=staff.user)
    assert not attendance.check_in_is_open(event)


# --- Who should I meet? ----------------------------------------------------------------------


def test_meeting_sheets_name_the_best_counterparts_of_the_other_sector_who_said_yes(app):
    maker = make_member("private", "GMP manufacturing of monoclonal antibodies in bioreactors",
                        "bioreactors", full_name="Maker",
                        looking_for="Academic bioreactor platform for process development")
    platform = make_member("public", "Bioreactor platform for process development",
                           "bioreactors", full_name="Platform",
                           offer="Academic bioreactor platform for process development")
    known = make_member("public", "Bioreactors and process development of antibodies",
                        "bioreactors", full_name="Known Already")
    absent = make_member("public", "Bioreactor platform for process development",
                         "bioreactors", full_name="Said No")
    colleague = make_member("private", "Bioreactors", "bioreactors", full_name="Colleague")
    event = make_event()
    for person in (maker, platform, known, colleague):
        invite(event, person, InvitationState.YES)
    invite(event, absent, InvitationState.NO)
    db.session.add(Connection(a_kind="person", a_id=min(maker.id, known.id), b_kind="person",
                              b_id=max(maker.id, known.id), via="introduction",
                              occurred_on=datetime(2026, 1, 5).date()))
    db.session.commit()

    (sheet,) = attendance.meeting_sheets(event, {maker.id})
    names = [s.person.full_name for s in sheet.suggestions]
    assert names == ["Platform"]
    assert sheet.suggestions[0].reasons
    everyone = attendance.meeting_sheets(event)
    assert [s.person.full_name for s in everyone] == ["Colleague", "Known Already", "Maker",
                                                       "Platform"]


# --- Who did you meet? -----------------------------------------------------------------------


def test_answers_become_connections_and_stale_suggestions_go(app):
    ana, ben, cleo, dan = (make_person(full_name=n) for n in ("Ana", "Ben", "Cléo", "Dan"))
    event = past_event(days_ago=1)
    for person in (ana, ben, cleo):
        invite(event, person, InvitationState.CAME)
    invite(event, dan, InvitationState.NO_SHOW)
    db.session.add(Suggestion(source_kind="person", source_id=ana.id, candidate_kind="person",
                              candidate_id=ben.id, rank=1, score=0.9))
    db.session.commit()

    form = attendance.feedback_form(event.id, ana.id)
    assert [p.full_name for p in form.others] == ["Ben", "Cléo"]
    attendance.record_feedback(event.id, ana.id, [ben.id, cleo.id], "Project idea", True)
    attendance.record_feedback(event.id, ben.id, [ana.id])

    rows = db.session.scalars(select(Connection)).all()
    assert {(r.a_id, r.b_id) for r in rows} == {
        (min(ana.id, ben.id), max(ana.id, ben.id)),
        (min(ana.id, cleo.id), max(ana.id, cleo.id)),
    }
    assert {(r.via, r.source_ref) for r in rows} == {("event", event.id)}
    assert rows[0].occurred_on == event.starts_at.astimezone(ZoneInfo("Europe/Paris")).date()
    assert db.session.scalar(select(func.count()).select_from(Suggestion)) == 0

    # Ana unticks both: Cléo is forgotten, Ben stays (he said he met Ana too).
    attendance.record_feedback(event.id, ana.id, [])
    remaining = db.session.scalars(select(Connection)).all()
    assert [(r.a_id, r.b_id) for r in remaining] == [(min(ana.id, ben.id), max(ana.id, ben.id))]
    feedback = db.session.scalar(select(EventFeedback).where(EventFeedback.person_id == ana.id))
    assert feedback.met_person_ids == [] and feedback.note == "" and not feedback.wants_follow_up

    with pytest.raises(attendance.AttendanceError, match="those who came"):
        attendance.record_feedback(event.id, ana.id, [dan.id])
    with pytest.raises(attendance.AttendanceError, match="for the people who came"):
        attendance.record_feedback(event.id, dan.id, [ana.id])


def test_after_the_event_no_shows_are_marked_and_attendees_get_the_form_once(app, mailbox):
    came, no_show, declined = (make_person(full_name=n) for n in ("Came", "No Show", "Declined"))
    event = make_event()
    invite(event, came, InvitationState.CAME)
    invite(event, no_show, InvitationState.YES, answer="yes")
    invite(event, declined, InvitationState.NO, answer="no")
    assert attendance.follow_up_past_events() == 0  # not over yet

    move_event(event, datetime.now(UTC) - timedelta(hours=4))
    assert attendance.follow_up_past_events() == 1
    assert attendance.follow_up_past_events() == 0
    assert state_of(event, no_show) == "no_show"
    assert state_of(event, declined) == "no"
    (message,) = mailbox.drain()
    assert message["Subject"] == "Who did you meet at Afterwork bioproduction?"
    assert f"/events/{event.id}/met/" in message.get_body(("plain",)).get_content()


# --- Figures ---------------------------------------------------------------------------------


def test_per_event_figures(app):
    private_org_people = [make_member("private", "x", "x", full_name=f"P{i}") for i in range(3)]
    public_people = [make_member("public", "y", "y", full_name=f"Q{i}") for i in range(3)]
    earlier = past_event(days_ago=100)
    invite(earlier, public_people[0], InvitationState.CAME)  # not a newcomer any more
    event = past_event(days_ago=2, capacity=10)
    p0, p1, p2 = private_org_people
    q0, q1, q2 = public_people
    invite(event, p0, InvitationState.CAME, answer="yes")
    invite(event, p1, InvitationState.NO_SHOW, answer="yes")
    invite(event, p2, InvitationState.NO, answer="no")
    invite(event, q0, InvitationState.CAME, answer="yes")
    invite(event, q1, InvitationState.INVITED)
    db.session.add(Invitation(event_id=event.id, person_id=q2.id, state="came",
                              source="walk_in"))
    db.session.commit()
    attendance.record_feedback(event.id, p0.id, [q0.id, q2.id], "", True)

    figures = event_figures(event)
    assert (figures.invited, figures.said_yes, figures.said_no, figures.no_answer) == (5, 3, 1, 1)
    assert (figures.came, figures.came_invited, figures.walk_ins, figures.no_shows) == (3, 2, 1, 1)
    assert figures.show_up_rate == pytest.approx(2 / 5)
    assert (figures.came_private, figures.came_public) == (1, 2)
    assert figures.private_share_came == pytest.approx(1 / 3)
    assert figures.newcomers == 2  # p0 and the walk-in; q0 came before
    assert figures.new_connections == 2
    assert (figures.feedback_answers, figures.follow_up_wishes) == (1, 1)
    # An event not over yet has no show-up rate.
    assert event_figures(make_event()).show_up_rate is None
