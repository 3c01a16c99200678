"""Events over HTTP and on the command line: who may reach which page, forms that refuse bad
input clearly, the organiser's guest-list actions, the CSV, and the ``events`` commands."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Event, Invitation, InvitationState
from tests.support.accounts import field_error, page_text
from tests.support.events import bioproduction_cluster, invite, make_event
from tests.support.factories import make_person


@pytest.fixture(autouse=True)
def english(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"


@pytest.fixture
def organiser(app):
    return make_person(role="organiser", email="organiser@example.org", language="en")


@pytest.fixture
def member(app):
    return make_person(email="member@example.org", language="en")


ORGANISER_PAGES = [
    ("get", "/events/new"),
    ("get", "/events/{id}/manage"),
    ("get", "/events/{id}/edit"),
    ("get", "/events/{id}/guests"),
    ("get", "/events/{id}/guests.csv"),
    ("get", "/events/{id}/check-in"),
    ("get", "/events/{id}/meet"),
    ("post", "/events/{id}/guests/generate"),
    ("post", "/events/{id}/guests/{person}/lock"),
    ("post", "/events/{id}/guests/add"),
    ("post", "/events/{id}/invitations"),
    ("post", "/events/{id}/cancel"),
    ("post", "/events/{id}/check-in/{person}"),
    ("post", "/events/{id}/check-in/guest"),
    ("post", "/events/{id}/feedback-forms"),
]


def test_members_cannot_reach_organiser_pages_and_visitors_must_log_in(app, client, auth,
                                                                        member):
    event = make_event()
    invite(event, member, InvitationState.YES)
    urls = [(m, u.format(id=event.id, person=member.id)) for m, u in ORGANISER_PAGES]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login" in response.location, url
    auth.login(member.email)
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 403, url
    assert db.session.get(Event, event.id).cancelled_at is None
    assert state(event, member) == "yes"


def state(event, person):
    db.session.expire_all()
    return db.session.scalar(
        select(Invitation.state).where(
            Invitation.event_id == event.id, Invitation.person_id == person.id
        )
    )


def test_members_see_open_events_and_those_they_are_invited_to(app, client, auth, member):
    invited = make_event(title="Invited evening")
    invite(invited, member)
    open_event = make_event(title="Open evening", registration_open=True)
    private = make_event(title="Closed evening")
    proposed = make_event(title="Drafted evening")
    invite(proposed, member, InvitationState.PROPOSED, invited_at=None)
    auth.login(member.email)

    listing = page_text(client.get("/events/"))
    assert "Invited evening" in listing and "Open evening" in listing
    assert "Closed evening" not in listing and "Drafted evening" not in listing
    assert client.get(f"/events/{invited.id}").status_code == 200
    assert client.get(f"/events/{open_event.id}").status_code == 200
    assert client.get(f"/events/{private.id}").status_code == 404
    assert client.get(f"/events/{proposed.id}").status_code == 404
    assert client.get(f"/events/{private.id}/calendar.ics").status_code == 404
    ics = client.get(f"/events/{open_event.id}/calendar.ics")
    assert ics.mimetype == "text/calendar" and b"BEGIN:VEVENT" in ics.data

    # Registering on the open event from its page.
    response = client.post(f"/events/{open_event.id}/answer", data={"answer": "yes"},
                           follow_redirects=True)
    assert "you are coming" in page_text(response)
    assert state(open_event, member) == "yes"
    assert client.post(f"/events/{private.id}/answer", data={"answer": "yes"}).status_code == 404


def test_the_event_form_refuses_bad_input_clearly_and_writes_nothing(app, client, auth,
                                                                      organiser):
    auth.login(organiser.email)
    form = {
        "kind": "afterwork",
        "title": "Afterwork <script>alert(1)</script>",
        "theme": "Bioproduction",
        "starts_at": "2030-12-03T18:30",
        "ends_at": "2030-12-03T17:00",
        "capacity": "70",
        "private_share": "150",
        "organisers": str(organiser.id),
    }
    response = client.post("/events/new", data=form)
    assert response.status_code == 200
    assert field_error(response, "private_share") == "Enter a percentage between 0 and 100."
    form["private_share"] = "50"
    response = client.post("/events/new", data=form)
    assert field_error(response, "ends_at") == "The event must end after it starts."
    form["ends_at"] = "soon"
    response = client.post("/events/new", data=form)
    assert field_error(response, "ends_at") == "Enter a date and time like 2026-12-03 18:30."
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0

    form["ends_at"] = ""
    response = client.post("/events/new", data=form)
    assert response.status_code == 302 and response.location.endswith("/guests")
    event = db.session.scalar(select(Event))
    assert event.starts_at == datetime(2030, 12, 3, 17, 30, tzinfo=UTC)
    assert event.ends_at == event.starts_at + timedelta(hours=3)
    assert event.organisers == [organiser]
    page = page_text(client.get(f"/events/{event.id}/manage"))
    assert "Afterwork &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page


def test_the_organiser_generates_adjusts_and_exports_the_guest_list(app, client, auth,
                                                                     organiser):
    bioproduction_cluster(private=4, public=4, unrelated=1)
    event = make_event(capacity=4)
    auth.login(organiser.email)

    response = client.post(f"/events/{event.id}/guests/generate",
                           data={"size": "6", "per_organisation_cap": "2"},
                           follow_redirects=True)
    assert "Guest list generated: 6 people to invite." in page_text(response)
    page = page_text(response)
    assert "Theme:" in page and "Best counterparts on the list:" in page
    assert "The private share is within the target band" in page
    first = db.session.scalar(select(Invitation).where(Invitation.rank == 1))

    client.post(f"/events/{event.id}/guests/{first.person_id}/lock")
    assert state(event, first.person) == "locked"
    client.post(f"/events/{event.id}/guests/{first.person_id}/exclude")
    assert state(event, first.person) == "excluded"
    bad = client.post(f"/events/{event.id}/guests/generate",
                      data={"size": "0", "per_organisation_cap": "2"})
    assert bad.status_code == 400
    assert field_error(bad, "size") == "Enter a number of guests between 1 and 5000."

    export = client.get(f"/events/{event.id}/guests.csv")
    assert export.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["person_id", "name", "organisation_id", "organisation", "sector",
                       "region", "score", "reasons"]
    assert len(rows) == 1 + 5
    assert str(first.person_id) not in [row[0] for row in rows[1:]]


def test_cancelling_needs_the_confirmation_box(app, client, auth, organiser):
    event = make_event()
    auth.login(organiser.email)
    response = client.post(f"/events/{event.id}/cancel", follow_redirects=True)
    assert "Tick the box to confirm the cancellation." in page_text(response)
    assert db.session.get(Event, event.id).cancelled_at is None
    client.post(f"/events/{event.id}/cancel", data={"confirm": "yes"})
    db.session.expire_all()
    assert db.session.get(Event, event.id).cancelled_at is not None


# --- Command line ----------------------------------------------------------------------------


def test_cli_creates_an_event_and_prints_its_id(app, runner):
    result = runner.invoke(args=[
        "events", "create", "--kind", "afterwork", "--title", "Afterwork CLI",
        "--theme", "Bioproduction", "--start", "2030-12-03T18:30", "--capacity", "60",
        "--private-share", "0.4",
    ])
    assert result.exit_code == 0, result.output
    event = db.session.get(Event, int(result.output.strip()))
    assert event.title == "Afterwork CLI" and event.capacity == 60
    assert event.private_share == 0.4
    assert event.starts_at == datetime(2030, 12, 3, 17, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--end", "2030-12-03T17:00"], "--end: The event must end after it starts."),
        (["--capacity", "0"], "--capacity: Enter a capacity between 1 and 10000 people."),
        (["--private-share", "50"], "--private-share: Enter a share between 0 and 100 %."),
        (["--start", "tomorrow"], "--start: tomorrow is not a date and time"),
    ],
)
def test_cli_refuses_bad_events_with_a_message_and_an_error_code(app, runner, options, message):
    args = ["events", "create", "--title", "T", "--start", "2030-12-03T18:30", *options]
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_cli_writes_the_guest_list_as_csv(app, runner, tmp_path):
    bioproduction_cluster(private=3, public=3, unrelated=0)
    event = make_event()
    result = runner.invoke(args=["events", "guestlist", str(event.id), "--size", "4"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 4
    assert list(rows[0]) == ["person_id", "name", "organisation_id", "organisation", "sector",
                             "region", "score", "reasons"]
    assert {row["sector"] for row in rows} == {"private", "public"}
    assert float(rows[0]["score"]) >= float(rows[-1]["score"])

    out = tmp_path / "list.csv"
    result = runner.invoke(args=["events", "guestlist", str(event.id), "--size", "4",
                                 "--out", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith("person_id,name,")
    missing = runner.invoke(args=["events", "guestlist", "9999"])
    assert missing.exit_code != 0 and "No event has the id 9999." in missing.output
