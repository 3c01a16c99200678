"""Administrators manage roles on /admin/users and with `flask users ...`."""

import re

import pytest
from flask_babel import refresh
from sqlalchemy import select

from matchmaker.domain import Role
from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.security import verify_password
from tests.support.accounts import page_text
from tests.support.factories import make_organisation, make_person

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def admin(auth):
    person = make_person(email="admin@example.org", full_name="Ada Admin", role=Role.ADMIN)
    auth.login("admin@example.org")
    return person.user


def listed_emails(response) -> list[str]:
    return re.findall(r"<td>([^<]+@[^<]+)</td>", page_text(response))


def role_of(email: str) -> str:
    db.session.expire_all()
    return db.session.scalar(select(User.role).where(User.email == email))


# --- The page ---------------------------------------------------------------------------------


def test_only_admins_see_the_page_and_change_roles(client, auth):
    make_person(email="member@example.org")
    make_person(email="organiser@example.org", role=Role.ORGANISER)
    target = make_person(email="target@example.org").user
    assert client.get("/admin/users").status_code == 302  # visitors log in first
    for email in ("member@example.org", "organiser@example.org"):
        auth.login(email)
        assert client.get("/admin/users").status_code == 403
        response = client.post(f"/admin/users/{target.id}/role", data={"role": "admin"})
        assert response.status_code == 403
        auth.logout()
    assert role_of("target@example.org") == Role.MEMBER


def test_the_list_searches_filters_and_shows_names_escaped(client, admin):
    organisation = make_organisation(name="Institut <i>Italique</i>")
    make_person(email="zoe@lab.example.org", full_name="Zoé <script>x</script>",
                organisation=organisation)  # fmt: skip
    make_person(email="alain@pharma.example.org", full_name="Alain Roux", role=Role.ORGANISER)
    make_person(email="pending@example.org", full_name="Paul Pending", confirmed=False)

    html = page_text(client.get("/admin/users"))
    assert "4 accounts" in html
    assert "Zoé &lt;script&gt;x&lt;/script&gt;" in html and "<script>x" not in html
    assert "Institut &lt;i&gt;Italique&lt;/i&gt;" in html
    assert "Not confirmed" in html and "Never" in html
    assert listed_emails(client.get("/admin/users?q=PHARMA")) == ["alain@pharma.example.org"]
    assert listed_emails(client.get("/admin/users?q=zoé")) == ["zoe@lab.example.org"]
    assert listed_emails(client.get("/admin/users?role=organiser")) == ["alain@pharma.example.org"]
    nothing = client.get("/admin/users?q=nobody-at-all")
    assert "No account matches this search." in page_text(nothing)


def test_the_list_is_paginated_and_keeps_the_search(app, client, admin):
    app.config["USERS_PAGE_SIZE"] = 2
    for n in range(4):
        make_person(email=f"member{n}@example.org", full_name=f"Member {n}")
    first = client.get("/admin/users?q=member")
    assert listed_emails(first) == ["member0@example.org", "member1@example.org"]
    assert 'href="/admin/users?q=member&amp;page=2"' in page_text(first)
    second = client.get("/admin/users?q=member&page=2")
    assert listed_emails(second) == ["member2@example.org", "member3@example.org"]
    assert listed_emails(client.get("/admin/users?q=member&page=99")) == []
    assert client.get("/admin/users?page=-3").status_code == 200
    assert client.get("/admin/users?page=abc").status_code == 200


def test_an_admin_changes_a_role_and_comes_back_to_the_same_list(client, admin):
    target = make_person(email="target@example.org", full_name="Tom Target").user
    response = client.post(
        f"/admin/users/{target.id}/role",
        data={"role": "organiser", "next": "/admin/users?q=target"},
    )
    assert response.status_code == 302 and response.location == "/admin/users?q=target"
    assert role_of("target@example.org") == Role.ORGANISER
    assert "target@example.org is now organiser." in page_text(client.get("/admin/users"))
    # An unsafe "next" is ignored.
    response = client.post(
        f"/admin/users/{target.id}/role", data={"role": "member", "next": "//evil.example.org"}
    )
    assert response.location == "/admin/users"


def test_bad_role_requests_are_refused_clearly(client, admin):
    target = make_person(email="target@example.org").user
    response = client.post(f"/admin/users/{target.id}/role", data={"role": "overlord"})
    assert response.status_code == 302
    assert "Choose member, organiser or admin." in page_text(client.get("/admin/users"))
    assert role_of("target@example.org") == Role.MEMBER
    assert client.post("/admin/users/999999/role", data={"role": "admin"}).status_code == 404


def test_the_last_admin_cannot_be_demoted(client, admin):
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "member"})
    assert response.status_code == 302
    page = page_text(client.get("/admin/users"))
    assert "admin@example.org is the last administrator" in page
    assert role_of("admin@example.org") == Role.ADMIN


def test_an_admin_who_steps_down_is_sent_home(client, admin):
    other = make_person(email="other@example.org").user
    client.post(f"/admin/users/{other.id}/role", data={"role": "admin"})
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "organiser"})
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/admin/users").status_code == 403


# --- The command line -------------------------------------------------------------------------


@pytest.fixture
def cli(app, runner):
    """The commands in the default language of the platform, French here."""
    app.config["BABEL_DEFAULT_LOCALE"] = "fr"
    refresh()

    def invoke(*args, input=None):
        return runner.invoke(args=list(args), input=input)

    return invoke


def test_create_admin_reads_the_password_from_stdin(cli):
    result = cli(
        "users", "create-admin", "Root@Example.org", "--name", "Rose Admin", "--password-stdin",
        input=NEW_PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Administrateur root@example.org créé." in result.output
    user = db.session.scalar(select(User))
    assert user.is_admin and user.is_active and user.person.full_name == "Rose Admin"
    assert user.person.organisation is None
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_create_admin_asks_twice_without_echo(cli):
    result = cli("users", "create-admin", "root@example.org", input=f"{NEW_PASSWORD}\n" * 2)
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output
    assert "Répétez le mot de passe" in result.output
    assert db.session.scalar(select(User.role)) == Role.ADMIN
    mismatch = cli(
        "users", "create-admin", "other@example.org", input=f"{NEW_PASSWORD}\nsomething else\n"
    )
    assert mismatch.exit_code == 1
    assert "Les deux mots de passe ne sont pas identiques." in mismatch.output


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-email", NEW_PASSWORD, "Erreur : Saisissez une adresse e-mail"),
        ("root@example.org", "short", "Erreur : Utilisez au moins 10 caractères."),
        ("root@example.org", "azertyuiop", "trop courant"),
        ("root@example.org", "", "Aucun mot de passe"),
    ],
)
def test_create_admin_explains_bad_input(cli, email, password, message):
    result = cli("users", "create-admin", email, "--password-stdin", input=password + "\n")
    assert result.exit_code == 1
    assert message in result.output
    assert db.session.scalar(select(User)) is None


def test_create_admin_offers_to_promote_an_existing_account(cli):
    make_person(email="ana@example.org")
    result = cli("users", "create-admin", "ana@example.org", "--password-stdin", input="x\n")
    assert result.exit_code == 1
    assert "Un compte utilise déjà ana@example.org. Ajoutez --promote" in result.output
    assert role_of("ana@example.org") == Role.MEMBER
    result = cli("users", "create-admin", "ANA@example.org", "--promote")
    assert result.exit_code == 0
    assert "ana@example.org est maintenant administrateur." in result.output
    assert role_of("ana@example.org") == Role.ADMIN


def test_set_role_from_the_command_line(cli):
    make_person(email="ana@example.org", role=Role.ADMIN)
    make_person(email="ben@example.org")
    result = cli("users", "set-role", "ben@example.org", "organiser")
    assert result.exit_code == 0 and "ben@example.org est maintenant organisateur." in result.output
    assert role_of("ben@example.org") == Role.ORGANISER
    last = cli("users", "set-role", "ana@example.org", "member")
    assert last.exit_code == 1 and "dernier administrateur" in last.output
    unknown = cli("users", "set-role", "ghost@example.org", "admin")
    assert unknown.exit_code == 1 and "Aucun compte n'utilise ghost@example.org." in unknown.output
    bad = cli("users", "set-role", "ben@example.org", "overlord")
    assert bad.exit_code == 2
