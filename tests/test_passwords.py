"""The password rules every form, service and command applies."""

import pytest

from matchmaker.passwords import password_problem


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
