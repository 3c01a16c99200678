"""Introductions: requests with the suggestion's reasons, answers (signed in or from the emailed
link), the Connection that unlocks contact details, brokered mode, limits, blocking, reminders
and expiry, follow-up, authorisation, and the organisers' figures."""

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import lazy_gettext
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import (
    Connection,
    IntroductionRequest,
    Notification,
    Suggestion,
    User,
    ordered_pair,
)
from matchmaker.security import make_recipient_token
from matchmaker.services import introductions
from matchmaker.services.introductions import (
    Conflict,
    Forbidden,
    InvalidInput,
    LimitReached,
    NotFound,
)
from matchmaker.services.notifications import latest, mark_read, notify, unread_count
from matchmaker.services.people import can_see_contact_details
from tests.support.factories import make_person
from tests.support.introductions import MESSAGE, ask, make_cast
from tests.support.mail import links_in, text_body

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def cast(app):
    return make_cast()


def take(mailbox) -> list:
    """Send what is queued; the messages sent since the last call."""
    sent = mailbox.drain()
    mailbox.app.extensions["mail_memory"].clear()
    return sent


def sent_to(messages: list, address: str) -> list:
    return [m for m in messages if address in m["To"]]


def steps(request: IntroductionRequest) -> list[str]:
    db.session.refresh(request)
    return [event.step for event in request.events]


def test_a_request_carries_the_suggestion_and_reaches_the_recipient_in_their_language(
    cast, mailbox
):
    request = ask(cast.founder, cast.researcher, now=T0)

    assert request.reasons[0]["concept"] == "lentiviral_vector" and request.score == 0.42
    assert request.status == "requested" and request.delivered_at == T0
    assert request.expires_at == T0 + 14 * DAY
    assert steps(request) == ["requested"]
    # The recipient (who reads French) sees the concept in French, the plain term as written,
    # and nothing of the history channels; the requester's contact details stay hidden.
    assert introductions.describe_reasons(request.reasons, "fr") == [
        "vecteurs lentiviraux",
        "process analytics",
    ]
    (mail,) = take(mailbox)
    assert mail["To"].endswith("<researcher@lab.example.org>")
    assert mail["Subject"] == "Florence Fondatrice souhaite vous rencontrer"
    body = text_body(mail)
    assert "vecteurs lentiviraux, process analytics" in body and "o:12" not in body
    assert MESSAGE in body
    assert "founder@vectalis.example.org" not in body and "06 12 34 56 78" not in body
    assert mail["List-Unsubscribe"]  # introductions mail can be turned off
    answer_links = [link for link in links_in(mail) if "/introductions/answer/" in link]
    assert len(answer_links) == 3
    assert unread_count(cast.researcher) == 1 and unread_count(cast.founder) == 0


def test_accepting_introduces_both_by_email_and_unlocks_contact_details(
    cast, mailbox, client, auth
):
    request = ask(cast.founder, cast.researcher, now=T0)
    take(mailbox)
    assert not can_see_contact_details(cast.founder.user, cast.researcher)

    introductions.accept(request.id, by=cast.researcher.user, now=T0 + 2 * DAY)

    assert request.status == "accepted" and request.answered_at == T0 + 2 * DAY
    assert steps(request) == ["requested", "accepted"]
    (a, b) = ordered_pair(("person", cast.founder.id), ("person", cast.researcher.id))
    (connection,) = db.session.scalars(select(Connection)).all()
    assert (connection.a_kind, connection.a_id, connection.b_kind, connection.b_id) == (*a, *b)
    assert (connection.via, connection.source_ref) == ("introduction", request.id)
    assert can_see_contact_details(cast.founder.user, cast.researcher)
    assert can_see_contact_details(cast.researcher.user, cast.founder)
    assert not can_see_contact_details(cast.colleague.user, cast.founder)
    # The pair is no longer suggested.
    assert db.session.scalar(select(Suggestion)) is None

    sent = take(mailbox)
    assert {m["To"].split("<")[-1].rstrip(">") for m in sent} == {
        "founder@vectalis.example.org",
        "researcher@lab.example.org",
    }
    (to_founder,) = sent_to(sent, "founder@vectalis.example.org")
    body = text_body(to_founder)
    assert "researcher@lab.example.org" in body and "02 40 00 00 01" in body
    assert "lentiviral vectors" in body  # what they have in common, in the founder's English
    assert "Suggested next step:" in body
    assert to_founder["Reply-To"] == "researcher@lab.example.org"
    assert to_founder["List-Unsubscribe"] is None  # transactional: both asked for it
    (to_researcher,) = sent_to(sent, "researcher@lab.example.org")
    assert "founder@vectalis.example.org" in text_body(to_researcher)
    assert "06 12 34 56 78" in text_body(to_researcher)

    auth.login("founder@vectalis.example.org")
    page = client.get(f"/people/{cast.researcher.id}").get_data(as_text=True)
    assert "researcher@lab.example.org" in page
    assert "accepted your introduction request" in client.get("/notifications").get_data(
        as_text=True
    )


def test_only_the_parties_and_the_staff_see_a_request_and_every_action_is_checked(
    cast, client, auth
):
    request = ask(cast.founder, cast.researcher)
    show = f"/introductions/{request.id}"

    auth.login("outsider@other.example.org")
    assert client.get(show).status_code == 404
    for action in ("accept", "decline", "withdraw", "met", "block", "ask-staff"):
        assert client.post(f"{show}/{action}").status_code == 404, action
    assert client.post(f"{show}/forward").status_code == 403
    assert client.get("/introductions/999999").status_code == 404
    auth.logout()

    auth.login("founder@vectalis.example.org")
    assert client.get(show).status_code == 200
    response = client.post(f"{show}/accept")
    assert response.status_code == 403
    assert "Only the person asked can accept" in response.get_data(as_text=True)
    assert client.post(f"{show}/decline").status_code == 403
    assert client.post(f"{show}/nudge").status_code == 403
    auth.logout()

    auth.login("researcher@lab.example.org")
    assert client.post(f"{show}/accept").status_code == 302
    again = client.post(f"{show}/accept")
    assert again.status_code == 409
    # The researcher reads French.
    assert "Cette mise en relation a déjà été acceptée." in again.get_data(as_text=True)
    assert client.post(f"{show}/decline").status_code == 409
    auth.logout()

    auth.login("staff@cluster.example.org")
    assert client.get(show).status_code == 200
    auth.logout()
    assert client.get(show).status_code == 302  # visitors are sent to the login page
    db.session.refresh(request)
    assert request.status == "accepted" and len(request.events) == 2


def test_emailed_links_are_bound_to_their_recipient_and_request(cast, client):
    request = ask(cast.founder, cast.researcher)
    other = ask(cast.outsider, cast.colleague)
    assert client.get("/introductions/answer/not-a-token").status_code == 404
    forged = introductions.answer_token(request)[:-3] + "abc"
    assert client.post(
        f"/introductions/answer/{forged}", data={"action": "accept"}
    ).status_code == (404)
    # A real token, but for someone who is not this request's recipient.
    stolen = make_recipient_token("introduction", cast.outsider.id, request=request.id)
    assert client.post(
        f"/introductions/answer/{stolen}", data={"action": "accept"}
    ).status_code == (403)
    # A token made for another purpose is refused too.
    wrong_purpose = make_recipient_token("unsubscribe", cast.researcher.id, request=request.id)
    assert client.get(f"/introductions/answer/{wrong_purpose}").status_code == 404
    # The colleague's own link does not open the researcher's request.
    colleague_token = introductions.answer_token(other)
    assert client.get(f"/introductions/answer/{colleague_token}").status_code == 200
    db.session.refresh(request)
    assert request.status == "requested"
    with pytest.raises(Forbidden):
        introductions.accept_by_link(stolen)


def test_the_emailed_accept_link_asks_for_a_confirmation_click(cast, client, mailbox):
    request = ask(cast.founder, cast.researcher)
    (mail,) = take(mailbox)
    (accept_link,) = [link for link in links_in(mail) if "action=accept" in link]
    path = accept_link.removeprefix("http://testserver.localhost")

    page = client.get(path)
    assert page.status_code == 200
    assert "Accepter la mise en relation ?" in page.get_data(as_text=True)
    db.session.refresh(request)
    assert request.status == "requested"  # opening the link changed nothing

    token = path.split("/answer/")[1].split("?")[0]
    response = client.post(f"/introductions/answer/{token}", data={"action": "accept"})
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.status == "accepted"
    after = client.get(f"/introductions/answer/{token}").get_data(as_text=True)
    assert "founder@vectalis.example.org" in after
    twice = client.post(f"/introductions/answer/{token}", data={"action": "accept"})
    assert twice.status_code == 409


def test_a_decline_reason_reaches_the_requester_only_when_shared(cast, client, auth, mailbox):
    kept = ask(cast.founder, cast.researcher)
    shared = ask(cast.outsider, cast.researcher)
    take(mailbox)
    introductions.decline(kept.id, by=cast.researcher.user, reason="Pas le bon moment.")
    introductions.decline(
        shared.id, by=cast.researcher.user, reason="Voyez ma collègue.", share_reason=True
    )
    assert kept.declined_by == "recipient" and not kept.decline_reason_shared
    sent = take(mailbox)
    (to_founder,) = sent_to(sent, "founder@vectalis.example.org")
    assert "declined your introduction request" in to_founder["Subject"]
    assert "Pas le bon moment." not in text_body(to_founder)
    (to_outsider,) = sent_to(sent, "outsider@other.example.org")
    assert "Voyez ma collègue." in text_body(to_outsider)

    auth.login("founder@vectalis.example.org")
    page = client.get(f"/introductions/{kept.id}").get_data(as_text=True)
    assert "Pas le bon moment." not in page and "No reason was given to you." in page
    auth.logout()
    auth.login("researcher@lab.example.org")
    assert "Pas le bon moment." in client.get(f"/introductions/{kept.id}").get_data(as_text=True)
    auth.logout()
    auth.login("outsider@other.example.org")
    assert "Voyez ma collègue." in client.get(f"/introductions/{shared.id}").get_data(as_text=True)


def test_no_new_request_to_someone_who_declined_in_the_last_six_months(cast):
    first = ask(cast.founder, cast.researcher, now=T0)
    introductions.decline(first.id, by=cast.researcher.user, now=T0 + DAY)

    with pytest.raises(Conflict) as refused:
        ask(cast.founder, cast.researcher, now=T0 + 30 * DAY)
    # Messages outside a request are in the platform's default language, French.
    assert "a décliné votre demande le 3 mars 2026" in refused.value.message
    assert "à partir du 3 septembre 2026" in refused.value.message
    with pytest.raises(Conflict):
        ask(cast.founder, cast.researcher, now=datetime(2026, 9, 2, 9, tzinfo=UTC))
    again = ask(cast.founder, cast.researcher, now=datetime(2026, 9, 3, 10, tzinfo=UTC))
    assert again.status == "requested"
    # Other members are not affected.
    assert ask(cast.outsider, cast.researcher, now=T0 + 30 * DAY).status == "requested"


def test_a_member_makes_a_limited_number_of_requests_per_week(app, cast, client, auth):
    app.config["INTRODUCTIONS_PER_WEEK"] = 2
    now = datetime.now(UTC)
    first = ask(cast.founder, cast.researcher, now=now - 3 * DAY)
    ask(cast.founder, cast.colleague, now=now - DAY)
    introductions.withdraw(first.id, by=cast.founder.user, now=now - DAY)  # still counts

    with pytest.raises(LimitReached) as refused:
        ask(cast.founder, cast.outsider, now=now)
    assert "2 demandes de mise en relation ces 7 derniers jours" in refused.value.message

    auth.login("founder@vectalis.example.org")
    response = client.get(f"/introductions/new?person={cast.outsider.id}")
    assert response.status_code == 429
    assert "the most allowed" in response.get_data(as_text=True)
    blocked = client.post(
        f"/introductions/new?person={cast.outsider.id}",
        data={"purpose": "advice", "message": MESSAGE},
    )
    assert blocked.status_code == 429
    assert MESSAGE in blocked.get_data(as_text=True)  # what they typed is kept
    assert (
        db.session.scalar(
            select(IntroductionRequest).where(IntroductionRequest.recipient_id == cast.outsider.id)
        )
        is None
    )
    # A week after the first one, there is room again.
    assert ask(cast.founder, cast.outsider, now=now + 4 * DAY + timedelta(minutes=1))


def test_a_recipient_blocks_a_requester_and_can_unblock_them(cast, client, auth):
    request = ask(cast.founder, cast.researcher, now=T0)
    auth.login("researcher@lab.example.org")
    response = client.post(
        f"/introductions/{request.id}/decline", data={"reason": "", "block": "y"}
    )
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.status == "declined"

    later = datetime.now(UTC) + 200 * DAY  # past the six months after the decline
    with pytest.raises(Conflict) as refused:
        ask(cast.founder, cast.researcher, now=later)
    assert refused.value.message == (
        "Rémi Chercheur n'accepte pas de demandes de mise en relation de votre part."
    )
    # The founder's profile page says so instead of offering the button.
    page = client.get("/introductions/blocked").get_data(as_text=True)
    assert "Florence Fondatrice" in page
    client.post(f"/introductions/blocked/{cast.founder.id}/unblock")
    assert "Vous n'avez bloqué personne." in client.get("/introductions/blocked").get_data(
        as_text=True
    )
    assert ask(cast.founder, cast.researcher, now=later)

    # Blocking from a closed request leaves it as it is.
    other = ask(cast.outsider, cast.researcher, now=T0)
    introductions.accept(other.id, by=cast.researcher.user, now=T0 + DAY)
    introductions.block_requester(other.id, by=cast.researcher.user)
    assert other.status == "accepted"
    assert introductions.has_blocked(cast.researcher, cast.outsider.id)


def test_one_reminder_after_a_week_then_expiry_after_two(cast, mailbox):
    request = ask(cast.founder, cast.researcher, now=T0)
    take(mailbox)

    assert introductions.send_reminders(now=T0 + 6 * DAY) == 0
    assert introductions.send_reminders(now=T0 + 7 * DAY + timedelta(minutes=1)) == 1
    # A second scheduler, or the next hour: nothing more.
    assert introductions.send_reminders(now=T0 + 7 * DAY + timedelta(minutes=2)) == 0
    assert introductions.send_reminders(now=T0 + 10 * DAY) == 0
    (reminder,) = take(mailbox)
    assert reminder["Subject"] == "Rappel : Florence Fondatrice souhaite vous rencontrer"
    assert any("action=accept" in link for link in links_in(reminder))

    assert introductions.expire_stale(now=T0 + 14 * DAY - timedelta(minutes=1)) == 0
    assert introductions.expire_stale(now=T0 + 14 * DAY) == 1
    assert introductions.expire_stale(now=T0 + 14 * DAY + timedelta(hours=1)) == 0
    db.session.refresh(request)
    assert request.status == "expired" and request.closed_at == T0 + 14 * DAY
    assert steps(request) == ["requested", "reminded", "expired"]
    (expired,) = take(mailbox)
    assert expired["To"].endswith("<founder@vectalis.example.org>")
    assert "expired" in expired["Subject"]
    with pytest.raises(Conflict) as late:
        introductions.accept(request.id, by=cast.researcher.user)
    assert late.value.message == "Cette demande a expiré sans réponse."
    # Expired, not declined: the founder may ask again.
    assert ask(cast.founder, cast.researcher, now=T0 + 15 * DAY)


def test_brokered_requests_are_reviewed_by_the_staff_first(cast, mailbox, client, auth):
    cast.researcher.introductions_via_staff = True
    db.session.commit()
    request = ask(cast.founder, cast.researcher)
    assert request.needs_review and request.awaits_staff and request.delivered_at is None

    # The researcher sees nothing yet; the staff are told.
    (to_staff,) = take(mailbox)
    assert to_staff["To"].endswith("<staff@cluster.example.org>")
    assert to_staff["Subject"].startswith("To review: Florence Fondatrice asks to meet")
    assert unread_count(cast.researcher) == 0 and unread_count(cast.organiser) == 1
    auth.login("researcher@lab.example.org")
    assert client.get(f"/introductions/{request.id}").status_code == 404
    assert client.post(f"/introductions/{request.id}/accept").status_code == 404
    assert client.post(f"/introductions/{request.id}/forward").status_code == 403
    auth.logout()
    with pytest.raises(Forbidden):
        introductions.forward(request.id, by=cast.founder.user)

    auth.login("staff@cluster.example.org")
    response = client.post(
        f"/introductions/{request.id}/forward", data={"note": "Worth a call, I know them."}
    )
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.status == "forwarded" and request.broker_id == cast.organiser.user_id
    (to_researcher,) = take(mailbox)
    assert "Worth a call, I know them." in text_body(to_researcher)
    assert client.post(f"/introductions/{request.id}/forward").status_code == 409

    introductions.accept(request.id, by=cast.researcher.user)
    introduced = take(mailbox)
    recipients = sorted(m["To"].split("<")[-1].rstrip(">") for m in introduced)
    assert recipients == [
        "founder@vectalis.example.org",
        "researcher@lab.example.org",
        "staff@cluster.example.org",  # the broker is copied
    ]
    (copy,) = sent_to(introduced, "staff@cluster.example.org")
    assert "founder@vectalis.example.org" in text_body(copy)
    assert "researcher@lab.example.org" in text_body(copy)

    own = ask(cast.organiser, cast.colleague)  # the lab is not brokered, but say it were
    own.needs_review = True
    db.session.commit()
    with pytest.raises(Forbidden):
        introductions.forward(own.id, by=cast.organiser.user)  # another organiser must


def test_the_staff_decline_a_brokered_request_with_a_reason(cast, mailbox):
    cast.lab.introductions_via_staff = True  # the whole organisation
    db.session.commit()
    request = ask(cast.founder, cast.colleague, now=T0)
    assert request.awaits_staff
    with pytest.raises(InvalidInput) as missing:
        introductions.decline_as_staff(request.id, by=cast.organiser.user, reason=" ")
    assert missing.value.field == "reason"
    introductions.decline_as_staff(
        request.id, by=cast.organiser.user, reason="Ask the platform manager instead.", now=T0
    )
    assert request.status == "declined" and request.declined_by == "staff"
    (declined,) = sent_to(take(mailbox), "founder@vectalis.example.org")
    assert "was not passed on" in declined["Subject"]
    assert "Ask the platform manager instead." in text_body(declined)
    assert unread_count(cast.colleague) == 0
    # A decline by the staff does not stop the member from asking again.
    assert ask(cast.founder, cast.colleague, now=T0 + DAY).awaits_staff


def test_a_request_to_an_organisation_is_routed_to_a_member_by_the_staff(cast):
    db.session.add(
        Suggestion(
            source_kind="organisation",
            source_id=cast.startup.id,
            candidate_kind="organisation",
            candidate_id=cast.lab.id,
            rank=1,
            score=0.3,
            reasons=[{"channel": "expertise", "concept": None, "term": "AAV", "weight": 0.3}],
        )
    )
    db.session.commit()
    request = ask(cast.founder, organisation=cast.lab)
    assert (request.target_kind, request.recipient_id) == ("organisation", None)
    assert request.awaits_staff and request.reasons[0]["term"] == "AAV"
    with pytest.raises(Conflict):
        ask(cast.founder, organisation=cast.lab)  # one open request per target

    with pytest.raises(InvalidInput) as missing:
        introductions.forward(request.id, by=cast.organiser.user)
    assert missing.value.field == "recipient"
    with pytest.raises(InvalidInput):
        introductions.forward(request.id, by=cast.organiser.user, recipient_id=cast.outsider.id)
    introductions.forward(request.id, by=cast.organiser.user, recipient_id=cast.colleague.id)
    assert request.recipient_id == cast.colleague.id and request.awaits_recipient
    introductions.accept(request.id, by=cast.colleague.user)
    assert can_see_contact_details(cast.founder.user, cast.colleague)
    with pytest.raises(Conflict):
        ask(cast.colleague, organisation=cast.lab)  # their own organisation


def test_the_recipient_asks_an_organiser_to_join_who_is_then_copied(cast, mailbox):
    request = ask(cast.founder, cast.researcher)
    take(mailbox)
    introductions.ask_staff(request.id, by=cast.researcher.user, note="Is this startup serious?")
    assert request.staff_involved and steps(request) == ["requested", "organiser_asked"]
    (to_staff,) = take(mailbox)
    assert to_staff["To"].endswith("<staff@cluster.example.org>")
    assert "Is this startup serious?" in text_body(to_staff)
    assert unread_count(cast.founder) == 1  # told that the staff were asked
    with pytest.raises(Conflict):
        introductions.ask_staff(request.id, by=cast.researcher.user)

    introductions.accept(request.id, by=cast.researcher.user)
    # Nobody joined: every organiser gets the copy.
    assert len(sent_to(take(mailbox), "staff@cluster.example.org")) == 1


def test_we_met_and_a_project_started_are_recorded_by_the_two_only(cast, client, auth):
    request = ask(cast.founder, cast.researcher, now=T0)
    with pytest.raises(Conflict):
        introductions.mark_met(request.id, by=cast.founder.user)  # not accepted yet
    introductions.accept(request.id, by=cast.researcher.user, now=T0 + DAY)
    with pytest.raises(NotFound):
        introductions.mark_met(request.id, by=cast.outsider.user)
    with pytest.raises(Forbidden):
        introductions.mark_met(request.id, by=cast.organiser.user)

    auth.login("founder@vectalis.example.org")
    assert client.post(f"/introductions/{request.id}/met").status_code == 302
    again = client.post(f"/introductions/{request.id}/met")
    assert again.status_code == 409
    assert "You already told us you met." in again.get_data(as_text=True)
    auth.logout()
    auth.login("researcher@lab.example.org")
    assert client.post(f"/introductions/{request.id}/project").status_code == 302
    page = client.get(f"/introductions/{request.id}").get_data(as_text=True)
    assert "Un projet a démarré" in page

    db.session.refresh(request)
    assert request.status == "project_started" and request.met_at and request.project_started_at
    assert steps(request) == ["requested", "accepted", "met", "project_started"]
    via = {c.via: c for c in db.session.scalars(select(Connection))}
    assert set(via) == {"introduction", "collaboration"}
    organisations = {(via["collaboration"].a_id), via["collaboration"].b_id}
    assert organisations == {cast.startup.id, cast.lab.id}
    kinds = db.session.scalars(select(Notification.kind)).all()
    assert "introduction.met" in kinds and "introduction.project" in kinds


def test_the_staff_nudge_a_stale_request_at_most_every_few_days(cast, mailbox, client, auth):
    request = ask(cast.founder, cast.researcher, now=T0)
    take(mailbox)
    with pytest.raises(Forbidden):
        introductions.nudge(request.id, by=cast.founder.user)
    introductions.nudge(request.id, by=cast.organiser.user, now=T0 + 3 * DAY)
    with pytest.raises(Conflict) as soon:
        introductions.nudge(request.id, by=cast.organiser.user, now=T0 + 4 * DAY)
    assert "relancer à partir du 8 mars 2026" in soon.value.message
    introductions.nudge(request.id, by=cast.organiser.user, now=T0 + 6 * DAY + DAY / 2)
    assert request.nudge_count == 2
    nudges = take(mailbox)
    assert [m["Subject"] for m in nudges] == [
        "L'équipe du pôle vous le rappelle : Florence Fondatrice souhaite vous rencontrer"
    ] * 2
    introductions.accept(request.id, by=cast.researcher.user)
    auth.login("staff@cluster.example.org")
    assert client.post(f"/introductions/{request.id}/nudge").status_code == 409


def test_organiser_figures_acceptance_rate_and_median_time_to_answer(cast, client, auth):
    lab_people = [make_person(full_name=f"Lab member {n}", organisation=cast.lab) for n in range(4)]
    brokered = make_person(full_name="Brokered", introductions_via_staff=True)
    f, o = cast.founder, cast.outsider
    researcher, colleague = cast.researcher, cast.colleague

    accepted_fast = ask(f, researcher, now=T0)
    introductions.accept(accepted_fast.id, by=researcher.user, now=T0 + DAY)
    accepted_slow = ask(f, colleague, now=T0 + 10 * DAY)
    introductions.accept(accepted_slow.id, by=colleague.user, now=T0 + 13 * DAY)
    declined = ask(o, researcher, now=T0)
    introductions.decline(declined.id, by=researcher.user, now=T0 + 2 * DAY)
    ask(o, colleague, now=T0)  # expires unanswered
    introductions.expire_stale(now=T0 + 15 * DAY)
    staff_declined = ask(f, brokered, now=T0 + 20 * DAY)
    introductions.decline_as_staff(staff_declined.id, by=cast.organiser.user, reason="No.")
    withdrawn = ask(f, lab_people[0], now=T0 + 20 * DAY)
    introductions.withdraw(withdrawn.id, by=f.user, now=T0 + 21 * DAY)
    ask(o, lab_people[1], now=T0 + 20 * DAY)  # still open

    # Accepted 2 of the 4 that reached a recipient and were settled; answers took 1, 3, 2 days.
    assert introductions.acceptance_rate() == 0.5
    assert introductions.median_time_to_answer() == 2 * DAY
    figures = introductions.introduction_figures()
    assert (figures.requested, figures.open, figures.introduced) == (7, 1, 2)
    assert (figures.declined, figures.expired) == (2, 1)
    # Only the startup's requests (its organisation works in bioproduction).
    assert introductions.acceptance_rate(focus_area="bioproduction") == 1.0
    assert introductions.median_time_to_answer(focus_area="bioproduction") == 2 * DAY
    assert introductions.acceptance_rate(sector="public") is None
    assert introductions.acceptance_rate(since=T0 + 5 * DAY) == 1.0
    assert introductions.median_time_to_answer(until=T0 - DAY) is None

    auth.login("staff@cluster.example.org")
    page = client.get("/organiser/introductions/?status=all").get_data(as_text=True)
    assert "50%" in page and "2 days" in page and "7 requests" in page
    open_only = client.get("/organiser/introductions/").get_data(as_text=True)
    assert "1 request" in open_only
    old = client.get("/organiser/introductions/?status=all&older_than=90").get_data(as_text=True)
    assert "7 requests" in old
    with_staff = client.get("/organiser/introductions/?status=awaits_staff").get_data(as_text=True)
    assert "No request matches these filters." in with_staff
    auth.logout()
    auth.login("founder@vectalis.example.org")
    assert client.get("/organiser/introductions/").status_code == 403


def test_the_request_page_shows_why_and_keeps_what_was_typed(cast, client, auth):
    auth.login("founder@vectalis.example.org")
    profile = client.get(f"/people/{cast.researcher.id}").get_data(as_text=True)
    assert f"/introductions/new?person={cast.researcher.id}" in profile
    assert "lentiviral vectors" in profile  # suggested for you
    organisation = client.get(f"/organisations/{cast.lab.id}").get_data(as_text=True)
    assert f"/introductions/new?organisation={cast.lab.id}" in organisation
    own = client.get(f"/organisations/{cast.startup.id}").get_data(as_text=True)
    assert "/introductions/new?organisation=" not in own

    form = client.get(f"/introductions/new?person={cast.researcher.id}").get_data(as_text=True)
    assert "Why this introduction makes sense" in form and "lentiviral vectors" in form
    short = client.post(
        f"/introductions/new?person={cast.researcher.id}",
        data={"purpose": "advice", "message": "Hi <b>there</b>"},
    )
    assert short.status_code == 200
    body = short.get_data(as_text=True)
    assert "at least 20 characters" in body and "Hi &lt;b&gt;there&lt;/b&gt;" in body
    no_purpose = client.post(
        f"/introductions/new?person={cast.researcher.id}", data={"message": MESSAGE}
    )
    assert "Choose what the introduction is for." in no_purpose.get_data(as_text=True)

    message = "Hello <script>alert(1)</script>, could we talk about vectors?"
    response = client.post(
        f"/introductions/new?person={cast.researcher.id}",
        data={"purpose": "advice", "message": message},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "Your request of" in client.get(f"/people/{cast.researcher.id}").get_data(as_text=True)
    duplicate = client.get(f"/introductions/new?person={cast.researcher.id}")
    assert duplicate.status_code == 409
    assert "that request is still open" in duplicate.get_data(as_text=True)

    assert client.get(f"/introductions/new?person={cast.founder.id}").status_code == 409
    assert client.get("/introductions/new?person=999999").status_code == 404
    assert client.get("/introductions/new").status_code == 404
    mine = client.get("/introductions/").get_data(as_text=True)
    assert "Rémi Chercheur" in mine and "Waiting for Rémi Chercheur" in mine


def test_an_organisation_request_may_name_one_of_its_members(cast, client, auth):
    auth.login("founder@vectalis.example.org")
    form = client.get(f"/introductions/new?organisation={cast.lab.id}").get_data(as_text=True)
    assert "Let the cluster staff choose the right person" in form and "Colette Collègue" in form
    response = client.post(
        f"/introductions/new?organisation={cast.lab.id}",
        data={"person": str(cast.colleague.id), "purpose": "advice", "message": MESSAGE},
    )
    assert response.status_code == 302
    request = db.session.scalar(select(IntroductionRequest))
    assert (request.target_kind, request.recipient_id) == ("person", cast.colleague.id)
    assert request.awaits_recipient


def test_notifications_show_in_the_header_and_are_read_on_their_page(cast, client, auth):
    ask(cast.founder, cast.researcher)
    auth.login("researcher@lab.example.org")
    home = client.get("/").get_data(as_text=True)
    assert "Notifications" in home and "1 non lue" in home
    page = client.get("/notifications").get_data(as_text=True)
    assert "Florence Fondatrice souhaite vous rencontrer." in page
    assert "non lue" not in client.get("/").get_data(as_text=True)
    assert unread_count(cast.researcher) == 0


def test_marking_read_leaves_what_arrived_after_the_page_was_shown(cast):
    first = notify(cast.founder, "test", "One")
    second = notify(cast.founder, "test", lazy_gettext("Notifications"))
    db.session.commit()
    assert second.text == "Notifications"  # written in the founder's language (English)
    assert mark_read(cast.founder, up_to_id=first.id) == 1
    assert unread_count(cast.founder) == 1
    assert [n.text for n in latest(cast.founder)] == ["Notifications", "One"]


def test_members_choose_introductions_through_the_staff_on_their_forms(cast, client, auth):
    auth.login("researcher@lab.example.org")
    response = client.post(
        "/profile",
        data={
            "full_name": "Rémi Chercheur",
            "language": "fr",
            "visibility": "members",
            "consent_matching": "y",
            "introductions_via_staff": "y",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/organisations/{cast.lab.id}/edit",
        data={
            "name": cast.lab.name,
            "kind": "university_lab",
            "region": "pays_de_la_loire",
            "introductions_via_staff": "y",
        },
    )
    assert response.status_code == 302
    db.session.refresh(cast.researcher)
    db.session.refresh(cast.lab)
    assert cast.researcher.introductions_via_staff and cast.lab.introductions_via_staff
    assert ask(cast.founder, cast.colleague).awaits_staff


@pytest.mark.postgresql_only
def test_two_simultaneous_accepts_make_one_introduction(app, cast, mailbox):
    """Two tabs (or a click and the emailed link) at the same moment: one wins, the other is
    told it is already accepted; one Connection, one email each."""
    import threading

    request = ask(cast.founder, cast.researcher)
    take(mailbox)
    # Plain values only: the threads must not touch the test's own session or its objects.
    request_id, user_id, token = (
        request.id,
        cast.researcher.user_id,
        introductions.answer_token(request),
    )
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def accept_once(how: str):
        with app.app_context():
            user = db.session.get(User, user_id)
            start.wait(10)
            try:
                if how == "page":
                    introductions.accept(request_id, by=user)
                else:
                    introductions.accept_by_link(token)
                outcomes.append("accepted")
            except Conflict:
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept_once, args=(how,)) for how in ("page", "link")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert sorted(outcomes) == ["accepted", "conflict"]
    assert len(db.session.scalars(select(Connection)).all()) == 1
    assert len(take(mailbox)) == 2
    db.session.refresh(request)
    assert steps(request) == ["requested", "accepted"]
