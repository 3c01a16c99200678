"""The password rules, shared by the sign-up and settings forms, the services and the CLI.

Length does most of the work; the lists below catch what people pick most often when asked for
ten characters or more (keyboard runs, digit runs, a common word with a year or "123" around it).
"""

from __future__ import annotations

from flask_babel import gettext as _

MIN_LENGTH = 10
MAX_LENGTH = 200

# Whole passwords of ten characters or more that top the published leak statistics.
COMMON_PASSWORDS = frozenset(
    {
        "0000000000",
        "0123456789",
        "1111111111",
        "1029384756",
        "1122334455",
        "1234512345",
        "1234567890",
        "12345678910",
        "123456789a",
        "123456789abc",
        "1234567891",
        "1234567899",
        "123123123123",
        "1234qwer!@#$",
        "147258369147",
        "1q2w3e4r5t",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "987654321a",
        "9876543210",
        "a123456789",
        "aa12345678",
        "abc1234567",
        "abcd123456",
        "abcdefghij",
        "asdfghjkl1",
        "asdfghjkl;",
        "azertyuiop",
        "azerty123456",
        "iloveyou12",
        "letmein123",
        "password12",
        "qazwsxedc123",
        "qazwsxedcrfv",
        "qwerty1234",
        "qwerty12345",
        "qwerty123456",
        "qwertyuiop",
        "qwertyuiop123",
        "zaq12wsxcde3",
        "zxcvbnm123",
        "zxcvbnmasdf",
    }
)

# Words people build passwords around; with only digits and symbols added they are refused.
COMMON_WORDS = frozenset(
    {
        "abc",
        "admin",
        "administrator",
        "azerty",
        "bienvenue",
        "bonjour",
        "changeme",
        "chocolat",
        "dragon",
        "football",
        "iloveyou",
        "jetaime",
        "letmein",
        "loulou",
        "marseille",
        "matchmaker",
        "monkey",
        "motdepasse",
        "passw0rd",
        "password",
        "princess",
        "qwerty",
        "soleil",
        "sunshine",
        "superman",
        "welcome",
    }
)


def _core(password: str) -> str:
    """The password without the digits and symbols people pad a word with."""
    return password.lower().strip("0123456789!@#$%^&*()-_=+.,;:?/ ")


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why this password is refused, in the current language; ``None`` when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(count)d characters.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(count)d characters.", count=MAX_LENGTH)
    lowered = password.lower()
    if email:
        address = email.strip().lower()
        if lowered in (address, address.partition("@")[0]):
            return _("Your password must not be your email address.")
    if (
        lowered in COMMON_PASSWORDS
        or _core(password) in COMMON_WORDS
        or not _core(password)
        or len(set(lowered)) < 4
    ):
        return _("This password is too common or too easy to guess: choose another.")
    return None
