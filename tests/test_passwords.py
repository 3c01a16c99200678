"""The password rules every form, service and command applies."""

import pytest

from matchmaker.app import create_app
from matchmaker.passwords import password_problem
from matchmaker.security import hash_password, password_needs_rehash, verify_password


@pytest.mark.parametrize(
    "password",
    [
        "a rather long passphrase",
        "Tr0ub4dor&3-horse",
        "mon chat s'appelle Réglisse",
        "camille.durand",
    ],
)
def test_long_uncommon_passwords_are_accepted(password):
    assert password_problem(password, "camille@example.org") is None


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("", "at least 10"),
        ("short1!", "at least 10"),
        ("x" * 201, "at most 200"),
        ("1234567890", "too common"),
        ("azertyuiop", "too common"),
        ("Password2024!", "too common"),
        ("motdepasse123", "too common"),
        ("0612345678901", "too common"),
        ("abababababab", "too common"),
        ("Camille@Example.org", "email address"),
    ],
)
def test_short_common_and_email_passwords_are_refused(password, reason):
    problem = password_problem(password, "camille@example.org")
    assert problem is not None and reason in problem


def test_the_local_part_of_the_address_is_refused_too():
    assert "email address" in password_problem("camille.durand", "camille.durand@example.org")


def test_only_the_test_configuration_lowers_the_hashing_cost(tmp_path):
    settings = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_DIR": str(tmp_path)}
    with create_app("testing", **settings).app_context():
        cheap = hash_password("a rather long passphrase")
    assert "$m=8192,t=1,p=1$" in cheap
    with create_app("development", **settings).app_context():
        assert "$m=65536,t=3,p=4$" in hash_password("a rather long passphrase")
        # A cheaper hash still opens the account, and is upgraded at the next login.
        assert verify_password(cheap, "a rather long passphrase")
        assert password_needs_rehash(cheap)
