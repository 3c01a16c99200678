"""The demo's events: a year of history with figures worth looking at, and an upcoming
afterwork whose generated guest list is out, all on pages that render."""

from datetime import date

import pytest
from sqlalchemy import func, select

from matchmaker.demo import generator
from matchmaker.demo.logins import demo_password
from matchmaker.extensions import db
from matchmaker.models import Connection, Event, Invitation, InvitationState
from matchmaker.services.event_figures import figures_for_events
from tests.support.accounts import page_text


@pytest.fixture(autouse=True)
def english(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"


def test_demo_events_have_history_figures_and_an_upcoming_afterwork(app, client, auth):
    from matchmaker.demo import load_demo

    load_demo(today=date(2026, 11, 21))
    events = db.session.scalars(select(Event).order_by(Event.starts_at)).all()
    kinds = [e.kind for e in events]
    assert (kinds.count("afterwork"), kinds.count("congress"), kinds.count("workshop")) == (5, 1, 1)
    figures = figures_for_events(events)
    past, (upcoming, workshop) = events[:-2], events[-2:]
    assert upcoming.kind == "afterwork" and workshop.registration_open
    for event in past:
        f = figures[event.id]
        assert f.invited >= 100 and f.came > 40 and f.new_connections > 20
        assert 0.4 < f.show_up_rate < 0.8
        assert f.said_yes <= event.capacity
    congress = next(e for e in events if e.kind == "congress")
    assert figures[congress.id].came > 100
    assert figures[upcoming.id].said_yes <= upcoming.capacity
    generated = db.session.scalars(
        select(Invitation).where(Invitation.event_id == upcoming.id)
    ).all()
    assert len(generated) > 70
    assert all(i.reasons.get("theme") is not None for i in generated)
    assert {i.state for i in generated} >= {InvitationState.YES, InvitationState.INVITED}
    assert db.session.scalar(
        select(func.count()).select_from(Connection).where(Connection.via == "event")
    ) > 200

    assert 0 < figures[workshop.id].said_yes <= workshop.capacity

    # Loading again adds nothing.
    load_demo(today=date(2026, 11, 21))
    assert db.session.scalar(select(func.count()).select_from(Event)) == len(events)

    auth.login(generator.ORGANISER_EMAIL, demo_password("organiser"))
    assert "Congrès annuel de la bioproduction" in page_text(client.get("/events/"))
    for path in ("manage", "guests", "check-in", "meet"):
        response = client.get(f"/events/{upcoming.id}/{path}")
        assert response.status_code == 200, path
    # The demo organiser reads French.
    assert "Taux de présence" in page_text(client.get(f"/events/{congress.id}/manage"))
    auth.logout()

    # The demo member is coming to the upcoming afterwork and sees whom to meet there.
    auth.login(generator.MEMBER_EMAIL, demo_password("member"))
    listing = page_text(client.get("/events/"))
    assert upcoming.title in listing and workshop.title in listing
    page = page_text(client.get(f"/events/{upcoming.id}"))
    assert "Qui devrais-je rencontrer ?" in page
