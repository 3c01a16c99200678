"""Sign-up, confirmation, login, logout and password reset over HTTP, as a browser sends them."""

import re

import pytest
from sqlalchemy import func, select

from matchmaker.app import create_app
from matchmaker.domain import Role
from matchmaker.extensions import db
from matchmaker.models import LoginAttempt, Organisation, User
from tests.support.accounts import (
    field_error,
    link_path,
    main_content,
    page_text,
    signup_form,
)
from tests.support.factories import PASSWORD, make_organisation, make_person
from tests.support.mail import text_body

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- Sign up ---------------------------------------------------------------------------------


def test_the_signup_page_lists_organisations_by_name_and_shows_sectors(client):
    make_organisation(name="Zymo Bio", city="Tours")
    make_organisation(name="école de Chimie", city="Rennes")
    make_organisation(name="Atlanthera", city="Nantes")
    html = page_text(client.get("/signup"))
    options = re.findall(r'<option value="\d+">([^<]+)</option>', html)
    assert options == ["Atlanthera (Nantes)", "école de Chimie (Rennes)", "Zymo Bio (Tours)"]
    assert "My organisation is not in the list: register it" in html
    assert "University lab (public sector)" in html and "Startup (private sector)" in html
    # The page's language is the default preferred language.
    assert re.search(r'value="en"[^>]*checked|checked[^>]*value="en"', html)
    french = page_text(client.get("/signup", headers={"Accept-Language": "fr"}))
    assert re.search(r'value="fr"[^>]*checked|checked[^>]*value="fr"', french)
    assert "S&#39;inscrire" in french or "S'inscrire" in french


def test_signing_up_with_a_new_organisation_sends_the_confirmation(client, mailbox):
    response = client.post("/signup", data=signup_form())
    assert response.status_code == 302 and response.location.endswith("/signup/done")
    done = page_text(client.get("/signup/done"))
    assert "camille@example.org" in done and "3 days" in done

    user = db.session.scalar(select(User))
    assert user.email == "camille@example.org" and not user.is_active
    assert user.person.organisation.name == "Laboratoire Cellules & Thérapies"
    assert user.person.organisation.sector == "public"
    [message] = mailbox.drain()
    assert message["To"] == "Camille Durand <camille@example.org>"
    assert "Confirm your email address" in message["Subject"]
    assert "/confirm/" in link_path(message, "/confirm/")


def test_signing_up_to_a_listed_organisation(client, mailbox):
    organisation = make_organisation(name="Institut du Thorax")
    response = client.post(
        "/signup",
        data=signup_form(organisation=str(organisation.id), organisation_name="ignored"),
    )
    assert response.status_code == 302
    assert db.session.scalar(select(User)).person.organisation == organisation
    assert count(Organisation) == 1


def test_without_javascript_a_filled_in_new_organisation_counts_as_the_choice(client):
    response = client.post("/signup", data=signup_form(organisation=""))
    assert response.status_code == 302
    assert db.session.scalar(select(Organisation.name)) == "Laboratoire Cellules & Thérapies"


def test_an_empty_signup_form_shows_every_missing_field(client):
    response = client.post("/signup", data={"language": "en"})
    assert response.status_code == 200
    assert "Enter your full name." in field_error(response, "full_name")
    assert "Enter your email address." in field_error(response, "email")
    assert "Choose a password." in field_error(response, "password")
    assert "Type the password a second time." in field_error(response, "confirm")
    assert "Choose your organisation in the list" in field_error(response, "organisation")
    assert "Enter your role or position." in field_error(response, "position")
    assert "tick the box to agree" in field_error(response, "consent")
    assert count(User) == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "camille-at-example.org"}, "email", "name@example.org"),
        ({"email": "a" * 250 + "@example.org"}, "email", "name@example.org"),
        ({"full_name": "x" * 121}, "full_name", "120"),
        ({"password": "short", "confirm": "short"}, "password", "at least 10"),
        ({"password": "1234567890", "confirm": "1234567890"}, "password", "too common"),
        (
            {"password": "camille@example.org", "confirm": "camille@example.org"},
            "password",
            "must not be your email",
        ),
        ({"confirm": "something else entirely"}, "confirm", "do not match"),
        ({"consent": None}, "consent", "tick the box"),
        ({"organisation_kind": ""}, "organisation_kind", "Choose the kind"),
        ({"organisation_region": ""}, "organisation_region", "Choose the region"),
        ({"organisation_city": " "}, "organisation_city", "Enter the city"),
        ({"organisation_name": "x" * 201}, "organisation_name", "200"),
        ({"organisation_kind": "castle"}, "organisation_kind", "Choose the kind"),
        ({"organisation": "123456"}, "organisation", "no longer listed"),
    ],
)
def test_bad_signup_input_gets_a_field_error_and_writes_nothing(client, overrides, field, message):
    response = client.post("/signup", data=signup_form(**overrides))
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert "error-summary" in page_text(response)
    assert count(User) == 0 and count(Organisation) == 0


def test_a_duplicate_email_is_a_field_error(client):
    make_person(email="camille@example.org")
    response = client.post("/signup", data=signup_form(email="Camille@Example.org"))
    assert "An account already uses this email address." in field_error(response, "email")
    assert count(User) == 1 and count(Organisation) == 0


def test_a_new_organisation_named_like_a_listed_one_points_to_the_list(client):
    make_organisation(name="Laboratoire Cellules et Therapies")
    response = client.post(
        "/signup", data=signup_form(organisation_name="laboratoire cellules ET thérapies")
    )
    error = field_error(response, "organisation_name")
    assert "“Laboratoire Cellules et Therapies” is already registered" in error
    assert "choose it in the list" in error
    assert count(User) == 0 and count(Organisation) == 1


def test_html_in_the_name_is_shown_escaped(client):
    response = client.post(
        "/signup",
        data=signup_form(full_name="<script>alert(1)</script>", confirm="a different one!"),
    )
    html = page_text(response)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_logged_in_members_are_sent_home_from_signup_and_login(client, auth):
    make_person(email="ana@example.org")
    auth.login("ana@example.org")
    assert client.get("/signup").status_code == 302
    assert client.get("/login").status_code == 302


# --- Confirmation ----------------------------------------------------------------------------


def test_the_confirmation_link_confirms_and_sends_to_login(client, mailbox):
    client.post("/signup", data=signup_form())
    [message] = mailbox.drain()
    refused = client.post("/login", data={"email": "camille@example.org", "password": PASSWORD})
    assert "Please confirm your email address first" in page_text(refused)
    assert 'href="/confirm/resend"' in page_text(refused)

    response = client.get(link_path(message, "/confirm/"))
    assert response.status_code == 302 and response.location.endswith("/login")
    login_page = page_text(client.get("/login"))
    assert "Your email address is confirmed. You can log in now." in login_page
    response = client.post("/login", data={"email": "camille@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"
    home = page_text(client.get("/"))
    assert "My account" in home and "Log out" in home


def test_expired_and_forged_confirmation_links_get_a_clear_page(app, client, mailbox):
    client.post("/signup", data=signup_form())
    path = link_path(mailbox.drain()[0], "/confirm/")

    forged = client.get(path[:-4] + "AAAA")
    assert forged.status_code == 400
    assert "This link is not valid" in page_text(forged)
    assert 'href="/confirm/resend"' in page_text(forged)
    assert client.get("/confirm/not-even-a-token").status_code == 400

    app.config["EMAIL_TOKEN_MAX_AGE_SECONDS"] = -1
    expired = client.get(path)
    assert expired.status_code == 400
    assert "This link has expired." in page_text(expired)
    assert "Send me a new confirmation link" in page_text(expired)
    assert not db.session.scalar(select(User)).is_active


def test_resending_the_confirmation_answers_the_same_for_any_address(app, client, mailbox):
    make_person(email="pending@example.org", confirmed=False)
    answers = []
    for email in ("pending@example.org", "nobody@example.org"):
        response = client.post("/confirm/resend", data={"email": email}, follow_redirects=True)
        answers.append(main_content(response).replace(email, "EMAIL"))
    assert answers[0] == answers[1]
    assert "If an unconfirmed account uses EMAIL" in answers[0]
    [message] = mailbox.drain()
    assert message["To"].endswith("<pending@example.org>")
    bad = client.post("/confirm/resend", data={"email": "nope"})
    assert "name@example.org" in field_error(bad, "email")


# --- Login and logout ---------------------------------------------------------------------------


def test_login_follows_a_safe_next_and_ignores_others(client, auth):
    make_person(email="ana@example.org")
    response = client.get("/account")
    assert response.status_code == 302 and "next=%2Faccount" in response.location
    form = page_text(client.get("/login?next=/account"))
    assert 'name="next" type="hidden" value="/account"' in form
    response = auth.login("ana@example.org", next="/account")
    assert response.location == "/account"
    for unsafe in ("https://evil.example.org/", "//evil.example.org", "/\\evil.example.org"):
        auth.logout()
        assert auth.login("ana@example.org", next=unsafe).location == "/"


def test_wrong_credentials_say_nothing_about_which_part_was_wrong(client, auth):
    make_person(email="ana@example.org")
    unknown = auth.login("ghost@example.org")
    wrong = auth.login("ana@example.org", password="not the password")
    for response in (unknown, wrong):
        assert response.status_code == 200
        assert "The email or the password is not right." in field_error(response, "password")
    assert field_error(unknown, "password") == field_error(wrong, "password")


def test_remember_me_sets_a_lasting_cookie(client, auth):
    make_person(email="ana@example.org")
    auth.login("ana@example.org")
    assert client.get_cookie("remember_token") is None
    auth.logout()
    auth.login("ana@example.org", remember="y")
    assert client.get_cookie("remember_token") is not None


def test_the_remember_cookie_alone_keeps_a_member_logged_in(app, client, auth):
    make_person(email="ana@example.org")
    auth.login("ana@example.org", remember="y")
    remembered = client.get_cookie("remember_token").value
    other = app.test_client()
    other.set_cookie("remember_token", remembered)
    assert other.get("/account").status_code == 200


def test_logout_ends_the_session(client, auth):
    make_person(email="ana@example.org")
    auth.login("ana@example.org")
    response = client.post("/logout", headers={"Accept-Language": "en"})
    assert response.status_code == 302
    assert "You are logged out." in page_text(client.get("/"))
    assert client.get("/account").status_code == 302


def test_too_many_failures_get_a_429_on_the_login_page(app, client, auth):
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 3
    make_person(email="ana@example.org")
    for _ in range(3):
        assert auth.login("ana@example.org", password="wrong password").status_code == 200
    response = auth.login("ana@example.org")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    html = page_text(response)
    assert "Too many failed attempts. Please wait 15 minutes, then try again." in html
    assert "<h1>Log in</h1>" in html and 'class="error-summary"' in html
    assert client.get("/account").status_code == 302  # not logged in


def test_too_many_failures_from_one_address_get_a_429_for_any_account(app, client, auth):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    make_person(email="ana@example.org")
    for n in range(3):
        auth.login(f"guess{n}@example.org", password="wrong password")
    assert auth.login("ana@example.org").status_code == 429
    elsewhere = app.test_client()
    response = elsewhere.post(
        "/login",
        data={"email": "ana@example.org", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert response.status_code == 302


def test_csrf_protected_forms_refuse_a_post_without_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    make_person(email="ana@example.org")
    for path, data in (
        ("/login", {"email": "ana@example.org", "password": PASSWORD}),
        ("/signup", signup_form()),
    ):
        response = client.post(path, data=data)
        assert response.status_code == 400
        html = page_text(response)
        assert "The form expired or was sent from elsewhere." in html
        assert 'class="error-page"' in html and 'class="site-header"' in html
    assert count(User) == 1


# --- Password reset ------------------------------------------------------------------------------


def test_asking_for_a_reset_answers_the_same_for_any_address(client, mailbox):
    make_person(email="ana@example.org")
    answers = []
    for email in ("ana@example.org", "ghost@example.org"):
        response = client.post("/password/forgot", data={"email": email}, follow_redirects=True)
        answers.append(main_content(response).replace(email, "EMAIL"))
    assert answers[0] == answers[1]
    assert "If an account uses EMAIL, we have sent it a link" in answers[0]
    assert "valid for 2 hours" in answers[0]
    [message] = mailbox.drain()
    assert message["To"].endswith("<ana@example.org>")
    assert "valid for 2 hours" in text_body(message)


def test_a_reset_link_sets_a_new_password_once_and_ends_other_sessions(app, client, mailbox):
    make_person(email="ana@example.org")
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"email": "ana@example.org", "password": PASSWORD})
    assert elsewhere.get("/account").status_code == 200

    client.post("/password/forgot", data={"email": "ana@example.org"})
    path = link_path(mailbox.drain()[0], "/password/reset/")
    assert "Choose a new password" in page_text(client.get(path))
    mismatch = client.post(path, data={"password": NEW_PASSWORD, "confirm": "not the same"})
    assert "do not match" in field_error(mismatch, "confirm")
    weak = client.post(path, data={"password": "ana@example.org", "confirm": "ana@example.org"})
    assert "must not be your email" in field_error(weak, "password")

    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/login")
    assert elsewhere.get("/account").status_code == 302  # that session has ended
    assert (
        client.post("/login", data={"email": "ana@example.org", "password": PASSWORD}).status_code
        == 200
    )
    assert (
        client.post(
            "/login", data={"email": "ana@example.org", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )

    again = client.get(path)
    assert again.status_code == 400 and "This link is not valid" in page_text(again)
    third = "third passphrase!"
    reuse = client.post(path, data={"password": third, "confirm": third})
    assert reuse.status_code == 400 and 'href="/password/forgot"' in page_text(reuse)


def test_an_expired_reset_link_gets_a_clear_page(app, client, mailbox):
    make_person(email="ana@example.org")
    client.post("/password/forgot", data={"email": "ana@example.org"})
    path = link_path(mailbox.drain()[0], "/password/reset/")
    app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] = -1
    response = client.get(path)
    assert response.status_code == 400
    assert "This link has expired." in page_text(response)
    assert "Ask for a new link" in page_text(response)


def test_a_confirmation_and_reset_go_through_a_real_smtp_server(client, smtp, mailbox):
    client.post("/signup", data=signup_form(email="smtp.user@example.org", language="fr"))
    mailbox.drain()
    [message] = smtp.to("smtp.user@example.org")
    assert message["Subject"] == "Confirmez votre adresse e-mail pour Matchmaker"
    assert "Bonjour Camille Durand," in text_body(message)
    assert message.get_body(preferencelist=("html",)) is not None
    response = client.get(link_path(message, "/confirm/"))
    assert response.status_code == 302 and response.location.endswith("/login")
    assert db.session.scalar(select(User)).is_active

    client.post("/password/forgot", data={"email": "smtp.user@example.org"})
    mailbox.drain()
    [reset] = [m for m in smtp.to("smtp.user@example.org") if "mot de passe" in m["Subject"]]
    path = link_path(reset, "/password/reset/")
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert (
        client.post(
            "/login", data={"email": "smtp.user@example.org", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )


# --- Menu ----------------------------------------------------------------------------------------


def test_the_menu_follows_the_role(client, auth):
    visitor = page_text(client.get("/"))
    assert 'href="/signup"' in visitor and 'href="/login"' in visitor
    assert "My account" not in visitor
    make_person(email="member@example.org")
    make_person(email="admin@example.org", role=Role.ADMIN)
    auth.login("member@example.org")
    member = page_text(client.get("/"))
    assert 'href="/account"' in member and 'href="/admin/users"' not in member
    assert 'href="/signup"' not in member
    auth.logout()
    auth.login("admin@example.org")
    assert 'href="/organiser"' in page_text(client.get("/"))
    assert 'href="/admin/users"' in page_text(client.get("/organiser"))


def test_behind_a_trusted_proxy_the_throttle_counts_the_forwarded_address(app):
    proxied = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        INSTANCE_DIR=app.instance_path,
        WTF_CSRF_ENABLED=False,
        TRUSTED_PROXIES=1,
    )
    for each in (proxied, app):
        each.test_client().post(
            "/login",
            data={"email": "ghost@example.org", "password": "a wrong guess"},
            headers={"X-Forwarded-For": "203.0.113.9"},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},
        )
    with proxied.app_context():
        db.engine.dispose()
    addresses = db.session.scalars(select(LoginAttempt.address).order_by(LoginAttempt.id)).all()
    # Without trusted proxies, a forged header changes nothing.
    assert addresses == ["203.0.113.9", "10.0.0.2"]
