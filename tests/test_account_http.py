"""The "My account" page: changing the password and the email address."""

import pytest

from matchmaker.extensions import db
from matchmaker.models import User
from tests.support.accounts import field_error, link_path, messages_to, page_text
from tests.support.factories import PASSWORD, make_organisation, make_person
from tests.support.mail import text_body

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def ana(auth):
    organisation = make_organisation(name="Nantes Biotech", kind="startup")
    person = make_person(
        email="ana@example.org", full_name="Ana <b>Bold</b>", organisation=organisation
    )
    auth.login("ana@example.org")
    return person.user


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/login?next=%2Faccount" in response.location
    assert client.post("/account/password", data={}).status_code == 302


def test_the_account_page_shows_who_and_where_escaped(client, ana):
    html = page_text(client.get("/account"))
    assert "Ana &lt;b&gt;Bold&lt;/b&gt;" in html and "<b>Bold</b>" not in html
    assert "Nantes Biotech" in html and 'class="badge private"' in html
    assert "ana@example.org" in html and "Member" in html


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client, ana):
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"email": "ana@example.org", "password": PASSWORD})
    assert elsewhere.get("/account").status_code == 200

    response = client.post(
        "/account/password",
        data={
            "password-current_password": PASSWORD,
            "password-password": NEW_PASSWORD,
            "password-confirm": NEW_PASSWORD,
        },
        follow_redirects=True,
    )
    assert "Your password has been changed. Other devices have been logged out." in page_text(
        response
    )
    assert client.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302
    assert (
        elsewhere.post(
            "/login", data={"email": "ana@example.org", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )


def test_a_remembered_device_is_logged_out_by_a_password_change(app, client, ana):
    remembered = app.test_client()
    remembered.post(
        "/login", data={"email": "ana@example.org", "password": PASSWORD, "remember": "y"}
    )
    cookie = remembered.get_cookie("remember_token").value
    client.post(
        "/account/password",
        data={
            "password-current_password": PASSWORD,
            "password-password": NEW_PASSWORD,
            "password-confirm": NEW_PASSWORD,
        },
    )
    only_the_cookie = app.test_client()
    only_the_cookie.set_cookie("remember_token", cookie)
    assert only_the_cookie.get("/account").status_code == 302


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "password-current_password", "Enter your current password."),
        (
            {"current_password": "wrong password!", "password": NEW_PASSWORD,
             "confirm": NEW_PASSWORD},
            "password-current_password",
            "Your current password is not right.",
        ),
        (
            {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": "other"},
            "password-confirm",
            "do not match",
        ),
        (
            {"current_password": PASSWORD, "password": "short", "confirm": "short"},
            "password-password",
            "at least 10",
        ),
        (
            {"current_password": PASSWORD, "password": "ana@example.org",
             "confirm": "ana@example.org"},
            "password-password",
            "must not be your email",
        ),
    ],
)  # fmt: skip
def test_bad_password_changes_show_field_errors(client, ana, data, field, message):
    version = ana.session_version
    response = client.post(
        "/account/password", data={f"password-{key}": value for key, value in data.items()}
    )
    assert response.status_code == 200
    assert message in field_error(response, field)
    db.session.refresh(ana)
    assert ana.session_version == version


def test_changing_the_email_address_goes_through_the_new_inbox(client, ana, mailbox):
    response = client.post(
        "/account/email",
        data={"email-email": "Ana.New@Example.org", "email-current_password": PASSWORD},
        follow_redirects=True,
    )
    html = page_text(response)
    assert "We have sent a confirmation link to ana.new@example.org" in html
    assert "Waiting for confirmation" in html
    [confirmation] = mailbox.drain()
    assert confirmation["To"].endswith("<ana.new@example.org>")
    assert "Confirm your new email address" in confirmation["Subject"]

    response = client.get(link_path(confirmation, "/account/email/confirm/"))
    assert response.status_code == 302 and response.location.endswith("/account")
    assert "Your email address is now ana.new@example.org." in page_text(client.get("/account"))
    assert db.session.get(User, ana.id).email == "ana.new@example.org"
    [notice] = messages_to(mailbox.drain(), "ana@example.org")
    assert "has changed" in notice["Subject"]
    assert "now ana.new@example.org instead of ana@example.org" in text_body(notice)

    again = client.get(link_path(confirmation, "/account/email/confirm/"))
    assert again.status_code == 400 and "This link is not valid" in page_text(again)
    client.post("/logout")
    assert (
        client.post(
            "/login", data={"email": "ana.new@example.org", "password": PASSWORD}
        ).status_code
        == 302
    )


def test_the_email_link_works_from_a_browser_that_is_not_logged_in(app, client, ana, mailbox):
    client.post(
        "/account/email",
        data={"email-email": "ana.new@example.org", "email-current_password": PASSWORD},
    )
    path = link_path(mailbox.drain()[0], "/account/email/confirm/")
    other = app.test_client()
    response = other.get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 302 and response.location.endswith("/login")


@pytest.mark.parametrize(
    ("email", "password", "field", "message"),
    [
        ("taken@example.org", PASSWORD, "email-email", "already uses this email"),
        ("ana@example.org", PASSWORD, "email-email", "already your email address"),
        ("not-an-address", PASSWORD, "email-email", "name@example.org"),
        ("new@example.org", "wrong password!", "email-current_password", "not right"),
        ("", PASSWORD, "email-email", "Enter your email address."),
    ],
)
def test_bad_email_changes_show_field_errors(client, ana, mailbox, email, password, field,
                                             message):  # fmt: skip
    make_person(email="taken@example.org")
    response = client.post(
        "/account/email", data={"email-email": email, "email-current_password": password}
    )
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert db.session.get(User, ana.id).pending_email is None
    assert mailbox.drain() == []


def test_a_pending_change_can_be_cancelled(client, ana, mailbox):
    client.post(
        "/account/email",
        data={"email-email": "ana.new@example.org", "email-current_password": PASSWORD},
    )
    path = link_path(mailbox.drain()[0], "/account/email/confirm/")
    response = client.post("/account/email/cancel", follow_redirects=True)
    assert "The change of email address is cancelled." in page_text(response)
    assert client.get(path).status_code == 400
    assert db.session.get(User, ana.id).email == "ana@example.org"


def test_an_address_taken_before_confirmation_gets_a_clear_page(client, ana, mailbox):
    client.post(
        "/account/email",
        data={"email-email": "ana.new@example.org", "email-current_password": PASSWORD},
    )
    path = link_path(mailbox.drain()[0], "/account/email/confirm/")
    make_person(email="ana.new@example.org")
    response = client.get(path)
    assert response.status_code == 400
    assert "Another account has started using this address" in page_text(response)
