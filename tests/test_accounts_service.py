"""The account use cases, called as views and commands call them."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from matchmaker.domain import Role
from matchmaker.extensions import db
from matchmaker.models import LoginAttempt, Organisation, OutboxMessage, Person, User, utcnow
from matchmaker.security import make_token, verify_password
from matchmaker.services import accounts
from tests.support.factories import PASSWORD, make_organisation, make_person

NEW_PASSWORD = "a brand new passphrase"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def sign_up(**overrides):
    values = {
        "full_name": "Camille Durand",
        "email": "Camille@Example.org ",
        "password": PASSWORD,
        "position": "Research engineer",
        "language": "en",
        "consent": True,
        "new_organisation": accounts.NewOrganisation(
            name="BioThérapies Nantes", kind="startup", region="pays_de_la_loire", city="Nantes"
        ),
    }
    values.update(overrides)
    return accounts.sign_up(**values)


def token_from(message: OutboxMessage) -> str:
    """The last part of the first link in a queued message's text."""
    for word in message.body_text.split():
        if word.startswith("http"):
            return word.rstrip("/").rsplit("/", 1)[1]
    raise AssertionError("no link")


def queued(template: str) -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == template).order_by(OutboxMessage.id)
    ).all()


# --- Sign up and confirmation ----------------------------------------------------------------


def test_sign_up_creates_an_unconfirmed_account_its_profile_organisation_and_mail(app):
    user = sign_up()

    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.email == "camille@example.org"
    assert user.role == Role.MEMBER and user.confirmed_at is None and not user.is_active
    assert verify_password(user.password_hash, PASSWORD)
    person = user.person
    assert person.full_name == "Camille Durand" and person.position == "Research engineer"
    assert person.language == "en"
    assert person.consent_matching and person.consent_given_at is not None
    assert person.organisation.name == "BioThérapies Nantes"
    assert person.organisation.sector == "private"  # a startup
    [message] = queued("confirm_email")
    assert message.to_email == "camille@example.org"
    assert message.category == "transactional" and message.locale == "en"
    assert "Confirm your email address" in message.subject
    assert "http://testserver.localhost/confirm/" in message.body_text  # the configured site
    assert message.body_html and "Camille Durand" in message.body_html


def test_sign_up_can_join_a_listed_organisation(app):
    organisation = make_organisation(name="Institut du Thorax")
    user = sign_up(organisation_id=organisation.id, new_organisation=None)
    assert user.person.organisation_id == organisation.id
    assert count(Organisation) == 1


def test_a_duplicate_email_is_refused_and_nothing_is_written(app):
    make_person(email="camille@example.org")
    before = (count(User), count(Organisation), count(OutboxMessage))
    with pytest.raises(accounts.EmailTaken) as refused:
        sign_up(email="CAMILLE@example.org")
    assert refused.value.field == "email"
    assert (count(User), count(Organisation), count(OutboxMessage)) == before


def test_a_new_organisation_named_like_a_listed_one_is_refused(app):
    existing = make_organisation(name="Biothérapies  Nantes")
    with pytest.raises(accounts.OrganisationNameTaken) as refused:
        sign_up(
            new_organisation=accounts.NewOrganisation(
                name="BIOTHERAPIES nantes", kind="sme", region="bretagne", city="Rennes"
            )
        )
    assert refused.value.organisation == existing
    assert refused.value.field == "organisation_name"
    assert "Biothérapies  Nantes" in refused.value.message
    assert (count(User), count(Organisation), count(OutboxMessage)) == (0, 1, 0)


@pytest.mark.parametrize(
    ("overrides", "error", "field"),
    [
        ({"consent": False}, accounts.InvalidInput, "consent"),
        ({"password": "short"}, accounts.WeakPassword, "password"),
        ({"password": "camille@example.org"}, accounts.WeakPassword, "password"),
        ({"email": "not an address"}, accounts.InvalidInput, "email"),
        ({"full_name": "   "}, accounts.InvalidInput, "full_name"),
        ({"full_name": "x" * 121}, accounts.InvalidInput, "full_name"),
        ({"position": ""}, accounts.InvalidInput, "position"),
        ({"new_organisation": None}, accounts.InvalidInput, "organisation"),
        ({"organisation_id": 999_999, "new_organisation": None}, accounts.InvalidInput,
         "organisation"),
        (
            {"new_organisation": accounts.NewOrganisation("Lab", "castle", "bretagne", "Brest")},
            accounts.InvalidInput,
            "organisation_kind",
        ),
        (
            {"new_organisation": accounts.NewOrganisation("Lab", "sme", "", "Brest")},
            accounts.InvalidInput,
            "organisation_region",
        ),
    ],
)  # fmt: skip
def test_sign_up_refuses_bad_input_field_by_field(app, overrides, error, field):
    with pytest.raises(error) as refused:
        sign_up(**overrides)
    assert refused.value.field == field
    assert refused.value.message
    assert (count(User), count(Person), count(Organisation), count(OutboxMessage)) == (0, 0, 0, 0)


def test_the_confirmation_link_confirms_once_and_stays_harmless(app):
    user = sign_up()
    token = token_from(queued("confirm_email")[0])
    assert accounts.confirm_email(token) == user
    first = user.confirmed_at
    assert first is not None and user.is_active
    accounts.confirm_email(token)
    assert user.confirmed_at == first


def test_expired_forged_and_misdirected_links_are_refused(app):
    sign_up()
    token = token_from(queued("confirm_email")[0])
    with pytest.raises(accounts.InvalidLink) as forged:
        accounts.confirm_email(token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"))
    assert not forged.value.expired
    with pytest.raises(accounts.InvalidLink):
        accounts.user_for_password_reset(token)  # a confirmation token is not a reset token
    app.config["EMAIL_TOKEN_MAX_AGE_SECONDS"] = -1
    with pytest.raises(accounts.InvalidLink) as expired:
        accounts.confirm_email(token)
    assert expired.value.expired


def test_a_confirmation_link_for_an_address_no_longer_on_the_account_is_refused(app):
    person = make_person(confirmed=False)
    token = make_token(accounts.CONFIRM_EMAIL, {"user": person.user.id, "email": "old@example.org"})
    with pytest.raises(accounts.InvalidLink):
        accounts.confirm_email(token)


def test_resending_the_confirmation_is_silent_for_strangers_and_not_a_flood(app):
    make_person(email="done@example.org")  # already confirmed
    accounts.resend_confirmation("nobody@example.org")
    accounts.resend_confirmation("done@example.org")
    assert queued("confirm_email") == []
    user = sign_up()
    accounts.resend_confirmation("camille@example.org")
    assert len(queued("confirm_email")) == 1  # the sign-up's own message is a minute old at most
    queued("confirm_email")[0].created_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    accounts.resend_confirmation("CAMILLE@example.org")
    assert len(queued("confirm_email")) == 2
    assert accounts.confirm_email(token_from(queued("confirm_email")[1])) == user


# --- Logging in and throttling -------------------------------------------------------------


def test_login_needs_the_right_password_and_a_confirmed_address(app):
    person = make_person(email="ana@example.org")
    assert accounts.authenticate(" ANA@example.org", PASSWORD, "10.0.0.1") == person.user
    assert person.user.last_login_at is not None
    with pytest.raises(accounts.LoginRefused) as wrong:
        accounts.authenticate("ana@example.org", "not the password", "10.0.0.1")
    assert type(wrong.value) is accounts.LoginRefused and wrong.value.field == "password"
    make_person(email="new@example.org", confirmed=False)
    with pytest.raises(accounts.EmailNotConfirmed):
        accounts.authenticate("new@example.org", PASSWORD, "10.0.0.1")


def test_unknown_accounts_get_the_same_refusal_and_are_counted(app):
    with pytest.raises(accounts.LoginRefused) as unknown:
        accounts.authenticate("ghost@example.org", PASSWORD, "10.0.0.1")
    make_person(email="ana@example.org")
    with pytest.raises(accounts.LoginRefused) as wrong:
        accounts.authenticate("ana@example.org", "not the password", "10.0.0.1")
    assert unknown.value.message == wrong.value.message
    assert count(LoginAttempt) == 2


def test_too_many_failures_on_one_account_block_it_even_with_the_right_password(app):
    app.config.update(LOGIN_MAX_FAILURES_PER_ACCOUNT=3, LOGIN_THROTTLE_WINDOW_SECONDS=900)
    make_person(email="ana@example.org")
    for n in range(3):
        with pytest.raises(accounts.LoginRefused):
            accounts.authenticate("ana@example.org", f"guess number {n}", f"10.0.0.{n}")
    with pytest.raises(accounts.LoginThrottled) as throttled:
        accounts.authenticate("ana@example.org", PASSWORD, "10.9.9.9")
    assert 0 < throttled.value.retry_after <= 900
    assert "15 minutes" in throttled.value.message
    # Another account is not affected.
    other = make_person(email="ben@example.org")
    assert accounts.authenticate("ben@example.org", PASSWORD, "10.9.9.9") == other.user


def test_too_many_failures_from_one_address_block_it_for_every_account(app):
    app.config.update(LOGIN_MAX_FAILURES_PER_ACCOUNT=5, LOGIN_MAX_FAILURES_PER_ADDRESS=3)
    person = make_person(email="ana@example.org")
    for n in range(3):
        with pytest.raises(accounts.LoginRefused):
            accounts.authenticate(f"target{n}@example.org", PASSWORD, "192.0.2.7")
    with pytest.raises(accounts.LoginThrottled):
        accounts.authenticate("ana@example.org", PASSWORD, "192.0.2.7")
    # The same account from elsewhere still logs in.
    assert accounts.authenticate("ana@example.org", PASSWORD, "198.51.100.1") == person.user


def test_a_success_clears_its_account_count_but_never_the_address_count(app):
    app.config.update(LOGIN_MAX_FAILURES_PER_ACCOUNT=2, LOGIN_MAX_FAILURES_PER_ADDRESS=3)
    make_person(email="ana@example.org")
    with pytest.raises(accounts.LoginRefused):
        accounts.authenticate("ana@example.org", "wrong once more", "192.0.2.7")
    accounts.authenticate("ana@example.org", PASSWORD, "192.0.2.7")
    with pytest.raises(accounts.LoginRefused):
        accounts.authenticate("ana@example.org", "wrong again now", "192.0.2.7")
    # One failure since the success: the account may still try...
    accounts.authenticate("ana@example.org", PASSWORD, "192.0.2.7")
    # ...but the address has three failures in the window, whatever succeeded in between.
    with pytest.raises(accounts.LoginRefused):
        accounts.authenticate("someone@example.org", "a guess at it", "192.0.2.7")
    with pytest.raises(accounts.LoginThrottled):
        accounts.authenticate("ana@example.org", PASSWORD, "192.0.2.7")


def test_attempts_older_than_the_window_stop_counting_and_are_pruned(app):
    app.config.update(LOGIN_MAX_FAILURES_PER_ACCOUNT=2, LOGIN_THROTTLE_WINDOW_SECONDS=600)
    person = make_person(email="ana@example.org")
    long_ago = utcnow() - timedelta(seconds=601)
    db.session.add_all(
        LoginAttempt(email="ana@example.org", address="192.0.2.7", created_at=long_ago)
        for _ in range(5)
    )
    db.session.commit()
    assert accounts.authenticate("ana@example.org", PASSWORD, "192.0.2.7") == person.user
    assert db.session.scalars(select(LoginAttempt.created_at)).all() != []
    assert all(when > long_ago for when in db.session.scalars(select(LoginAttempt.created_at)))


# --- Passwords ------------------------------------------------------------------------------


def test_password_reset_is_silent_for_strangers_and_sends_a_link_otherwise(app):
    accounts.request_password_reset("ghost@example.org")
    assert queued("reset_password") == []
    make_person(email="ana@example.org")
    accounts.request_password_reset("ana@example.org")
    [message] = queued("reset_password")
    assert message.to_email == "ana@example.org" and message.category == "transactional"
    assert "/password/reset/" in message.body_text


def test_a_reset_link_works_once_and_ends_every_session(app):
    person = make_person(email="ana@example.org")
    user = person.user
    old_session_id = user.get_id()
    accounts.request_password_reset("ana@example.org")
    token = token_from(queued("reset_password")[0])
    assert accounts.user_for_password_reset(token) == user

    with pytest.raises(accounts.WeakPassword):
        accounts.reset_password(token, "ana@example.org")
    accounts.reset_password(token, NEW_PASSWORD)

    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert accounts.load_user_from_session_id(old_session_id) is None
    assert accounts.load_user_from_session_id(user.get_id()) == user
    with pytest.raises(accounts.InvalidLink):
        accounts.reset_password(token, "yet another passphrase")


def test_a_reset_link_dies_when_the_password_changes_otherwise_and_when_it_expires(app):
    make_person(email="ana@example.org")
    accounts.request_password_reset("ana@example.org")
    token = token_from(queued("reset_password")[0])
    app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] = -1
    with pytest.raises(accounts.InvalidLink) as expired:
        accounts.user_for_password_reset(token)
    assert expired.value.expired
    app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] = 3600
    accounts.change_password(accounts.find_user_by_email("ana@example.org"), PASSWORD, NEW_PASSWORD)
    with pytest.raises(accounts.InvalidLink):
        accounts.user_for_password_reset(token)


def test_a_reset_link_also_confirms_the_address_it_was_sent_to(app):
    user = make_person(email="ana@example.org", confirmed=False).user
    accounts.request_password_reset("ana@example.org")
    accounts.reset_password(token_from(queued("reset_password")[0]), NEW_PASSWORD)
    assert user.is_active


def test_changing_the_password_needs_the_current_one(app):
    user = make_person().user
    version = user.session_version
    with pytest.raises(accounts.WrongPassword) as wrong:
        accounts.change_password(user, "not my password", NEW_PASSWORD)
    assert wrong.value.field == "current_password"
    with pytest.raises(accounts.WeakPassword):
        accounts.change_password(user, PASSWORD, "qwertyuiop")
    with pytest.raises(accounts.WeakPassword):
        accounts.change_password(user, PASSWORD, PASSWORD)
    assert user.session_version == version
    accounts.change_password(user, PASSWORD, NEW_PASSWORD)
    assert user.session_version == version + 1
    assert verify_password(user.password_hash, NEW_PASSWORD)


# --- Changing the email address --------------------------------------------------------------


def test_an_email_change_waits_for_the_new_address_and_tells_the_old_one(app):
    user = make_person(email="ana@example.org", language="fr").user
    accounts.request_email_change(user, "Ana.New@Example.org", PASSWORD)
    assert user.email == "ana@example.org" and user.pending_email == "ana.new@example.org"
    [confirmation] = queued("confirm_new_email")
    assert confirmation.to_email == "ana.new@example.org" and confirmation.locale == "fr"
    assert "nouvelle adresse" in confirmation.subject

    token = token_from(confirmation)
    assert accounts.confirm_email_change(token) == user
    assert user.email == "ana.new@example.org" and user.pending_email is None
    [notice] = queued("email_changed")
    assert notice.to_email == "ana@example.org"
    assert "ana.new@example.org" in notice.body_text
    with pytest.raises(accounts.InvalidLink):
        accounts.confirm_email_change(token)


@pytest.mark.parametrize(
    ("new_email", "password", "error", "field"),
    [
        ("taken@example.org", PASSWORD, accounts.EmailTaken, "email"),
        ("ANA@example.org", PASSWORD, accounts.InvalidInput, "email"),
        ("no-at-sign", PASSWORD, accounts.InvalidInput, "email"),
        ("fresh@example.org", "not my password", accounts.WrongPassword, "current_password"),
    ],
)
def test_an_email_change_refuses_bad_requests(app, new_email, password, error, field):
    make_person(email="taken@example.org")
    user = make_person(email="ana@example.org").user
    with pytest.raises(error) as refused:
        accounts.request_email_change(user, new_email, password)
    assert refused.value.field == field
    assert user.pending_email is None and queued("confirm_new_email") == []


def test_a_superseded_cancelled_or_since_taken_address_cannot_be_confirmed(app):
    user = make_person(email="ana@example.org").user
    accounts.request_email_change(user, "first@example.org", PASSWORD)
    accounts.request_email_change(user, "second@example.org", PASSWORD)
    first, second = (token_from(message) for message in queued("confirm_new_email"))
    with pytest.raises(accounts.InvalidLink):
        accounts.confirm_email_change(first)
    make_person(email="second@example.org")
    with pytest.raises(accounts.EmailTaken):
        accounts.confirm_email_change(second)
    assert user.email == "ana@example.org"
    accounts.request_email_change(user, "third@example.org", PASSWORD)
    accounts.cancel_email_change(user)
    with pytest.raises(accounts.InvalidLink):
        accounts.confirm_email_change(token_from(queued("confirm_new_email")[-1]))
    assert user.email == "ana@example.org" and user.pending_email is None


# --- Roles and administrators ------------------------------------------------------------------


def test_only_admins_change_roles_and_the_last_admin_stays(app):
    admin = make_person(role=Role.ADMIN).user
    organiser = make_person(role=Role.ORGANISER).user
    member = make_person().user
    with pytest.raises(accounts.NotAllowed):
        accounts.set_role(member, Role.ADMIN, actor=organiser)
    with pytest.raises(accounts.InvalidInput):
        accounts.set_role(member, "overlord", actor=admin)
    with pytest.raises(accounts.LastAdmin):
        accounts.set_role(admin, Role.MEMBER, actor=admin)
    assert admin.role == Role.ADMIN

    accounts.set_role(member, Role.ADMIN, actor=admin)
    accounts.set_role(admin, Role.ORGANISER, actor=admin)
    assert (admin.role, member.role) == (Role.ORGANISER, Role.ADMIN)
    with pytest.raises(accounts.LastAdmin):
        accounts.set_role(member, Role.ORGANISER)  # the command line too


def test_create_admin_makes_a_confirmed_admin_without_organisation(app):
    user = accounts.create_admin(" Root@Example.org", NEW_PASSWORD, full_name="Rose Admin")
    assert user.email == "root@example.org" and user.is_admin and user.is_active
    assert user.person.full_name == "Rose Admin" and user.person.organisation is None
    assert not user.person.consent_matching
    assert accounts.authenticate("root@example.org", NEW_PASSWORD, "127.0.0.1") == user
    with pytest.raises(accounts.EmailTaken):
        accounts.create_admin("root@example.org", NEW_PASSWORD)
    with pytest.raises(accounts.WeakPassword):
        accounts.create_admin("other@example.org", "1234567890")
    with pytest.raises(accounts.InvalidInput):
        accounts.create_admin("other@", NEW_PASSWORD)
    assert count(User) == 1


def test_list_users_searches_names_and_addresses_and_filters_roles(app):
    make_person(full_name="Zoé Martin", email="zoe@lab.example.org")
    make_person(full_name="Alain Roux", email="alain@pharma.example.org", role=Role.ORGANISER)
    make_person(full_name="100% Bio_Person", email="percent@example.org")
    names = lambda page: [user.person.full_name for user in page.items]  # noqa: E731
    assert names(accounts.list_users()) == ["100% Bio_Person", "Alain Roux", "Zoé Martin"]
    assert names(accounts.list_users(search="PHARMA")) == ["Alain Roux"]
    assert names(accounts.list_users(search="martin")) == ["Zoé Martin"]
    assert names(accounts.list_users(search="0% b")) == ["100% Bio_Person"]
    assert names(accounts.list_users(search="_")) == ["100% Bio_Person"]
    assert names(accounts.list_users(role="organiser")) == ["Alain Roux"]
    assert accounts.list_users(per_page=2, page=2).items[0].person.full_name == "Zoé Martin"
