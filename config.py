"""Configuration classes, chosen by ``MATCHMAKER_ENV`` and fed by ``MATCHMAKER_*`` variables.

Every setting that differs between machines comes from the environment, so the same code runs
the demo on a laptop, the test suite and production.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("MATCHMAKER_INSTANCE_DIR", BASE_DIR / "instance"))


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"MATCHMAKER_{name}", default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    return default if value in (None, "") else int(value)


def env_float(name: str, default: float) -> float:
    value = env(name)
    return default if value in (None, "") else float(value)


class BaseConfig:
    ENV_NAME = "base"
    INSTANCE_DIR = INSTANCE_DIR
    SECRET_KEY = env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'matchmaker.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Links in emails are built from this, never from the request's Host header.
    BASE_URL = env("BASE_URL", "http://127.0.0.1:5000")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = env("DEFAULT_LOCALE", "fr")
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")
    CLUSTER_NAME = env("CLUSTER_NAME", "Matchmaker")

    # How many reverse proxies stand in front of the app; their X-Forwarded-For and
    # X-Forwarded-Proto are then trusted, so that the login throttle sees client addresses.
    TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
    # Login throttling: failures allowed in the window, per account and per client address.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = env_int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)
    LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
    LOGIN_THROTTLE_WINDOW_SECONDS = env_int("LOGIN_THROTTLE_WINDOW_SECONDS", 15 * 60)
    EMAIL_TOKEN_MAX_AGE_SECONDS = env_int("EMAIL_TOKEN_MAX_AGE_SECONDS", 3 * 24 * 3600)
    PASSWORD_RESET_MAX_AGE_SECONDS = env_int("PASSWORD_RESET_MAX_AGE_SECONDS", 2 * 3600)

    # Mail: "folder" writes .eml files (development), "smtp" sends, "memory" keeps them in a list.
    MAIL_BACKEND = env("MAIL_BACKEND", "folder")
    MAIL_FOLDER = env("MAIL_FOLDER", str(INSTANCE_DIR / "mail"))
    MAIL_SENDER = env("MAIL_SENDER", "Matchmaker <no-reply@matchmaker.localhost>")
    MAIL_SMTP_HOST = env("MAIL_SMTP_HOST", "localhost")
    MAIL_SMTP_PORT = env_int("MAIL_SMTP_PORT", 25)
    MAIL_SMTP_SECURITY = env("MAIL_SMTP_SECURITY", "none")  # none | starttls | ssl
    MAIL_SMTP_USERNAME = env("MAIL_SMTP_USERNAME")
    MAIL_SMTP_PASSWORD = env("MAIL_SMTP_PASSWORD")
    MAIL_SMTP_TIMEOUT = env_int("MAIL_SMTP_TIMEOUT", 30)
    # A CA bundle to trust for the SMTP server's certificate (a private relay); else the system's.
    MAIL_SMTP_CA_FILE = env("MAIL_SMTP_CA_FILE")
    MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 6)
    MAIL_MESSAGE_ID_DOMAIN = env("MAIL_MESSAGE_ID_DOMAIN", "matchmaker.localhost")
    # A failed attempt waits base × 2^(attempts − 1) seconds, at most the maximum (no jitter:
    # the next try is predictable, and there are few drainers to spread).
    MAIL_RETRY_BASE_SECONDS = env_int("MAIL_RETRY_BASE_SECONDS", 120)
    MAIL_RETRY_MAX_SECONDS = env_int("MAIL_RETRY_MAX_SECONDS", 6 * 3600)
    # Draining: rows claimed at once, and on SQLite how long a claim lasts before another
    # drainer may take the rows over (a crashed drainer's rows are sent after this).
    MAIL_DRAIN_BATCH_SIZE = env_int("MAIL_DRAIN_BATCH_SIZE", 20)
    MAIL_CLAIM_LEASE_SECONDS = env_int("MAIL_CLAIM_LEASE_SECONDS", 120)
    MAIL_DRAIN_INTERVAL_SECONDS = env_int("MAIL_DRAIN_INTERVAL_SECONDS", 5)
    # One scheduled drain stops after this long so that other jobs and shutdown are not held up.
    MAIL_DRAIN_TIME_BUDGET_SECONDS = env_int("MAIL_DRAIN_TIME_BUDGET_SECONDS", 30)
    # Optional address for mailto: unsubscribe requests (the https link is always given).
    MAIL_UNSUBSCRIBE_MAILTO = env("MAIL_UNSUBSCRIBE_MAILTO")
    MAIL_UNSUBSCRIBE_MAX_AGE_SECONDS = env_int("MAIL_UNSUBSCRIBE_MAX_AGE_SECONDS", 400 * 24 * 3600)
    # The weekly digest goes out from this weekday (0 = Monday) and hour, Europe/Paris; a
    # scheduler that was down then catches up within the following day.
    DIGEST_WEEKDAY = env_int("DIGEST_WEEKDAY", 0)
    DIGEST_HOUR = env_int("DIGEST_HOUR", 8)
    DIGEST_MAX_SUGGESTIONS = env_int("DIGEST_MAX_SUGGESTIONS", 10)
    SCHEDULER_MISFIRE_GRACE_SECONDS = env_int("SCHEDULER_MISFIRE_GRACE_SECONDS", 60)
    OUTBOX_PAGE_SIZE = 50

    # Introductions: requests a member may make in 7 days; how long after a decline the same
    # person cannot be asked again; when an unanswered request expires and is recalled; how
    # often organisers may nudge a recipient; how long emailed answer links work.
    INTRODUCTIONS_PER_WEEK = env_int("INTRODUCTIONS_PER_WEEK", 5)
    INTRODUCTIONS_REPEAT_AFTER_DECLINE_MONTHS = env_int(
        "INTRODUCTIONS_REPEAT_AFTER_DECLINE_MONTHS", 6
    )
    INTRODUCTIONS_EXPIRY_DAYS = env_int("INTRODUCTIONS_EXPIRY_DAYS", 14)
    INTRODUCTIONS_REMINDER_DAYS = env_int("INTRODUCTIONS_REMINDER_DAYS", 7)
    INTRODUCTIONS_NUDGE_INTERVAL_DAYS = env_int("INTRODUCTIONS_NUDGE_INTERVAL_DAYS", 3)
    INTRODUCTIONS_LINK_MAX_AGE_DAYS = env_int("INTRODUCTIONS_LINK_MAX_AGE_DAYS", 60)
    INTRODUCTIONS_PAGE_SIZE = 40
    NOTIFICATIONS_PAGE_SIZE = 50
    # Matching: how deep each profile's stored list is; how often saved profiles are refreshed
    # (and how many at once); a full rebuild once this share of profiles changed (at least the
    # minimum), or when asked, or nightly; a rebuild silent for longer than the timeout is dead.
    MATCHING_SUGGESTIONS_PER_PROFILE = env_int("MATCHING_SUGGESTIONS_PER_PROFILE", 20)
    MATCHING_REFRESH_INTERVAL_SECONDS = env_int("MATCHING_REFRESH_INTERVAL_SECONDS", 5)
    MATCHING_REFRESH_BATCH = env_int("MATCHING_REFRESH_BATCH", 50)
    MATCHING_REBUILD_CHANGED_SHARE = env_float("MATCHING_REBUILD_CHANGED_SHARE", 0.1)
    MATCHING_REBUILD_MIN_CHANGES = env_int("MATCHING_REBUILD_MIN_CHANGES", 20)
    MATCHING_RUN_TIMEOUT_SECONDS = env_int("MATCHING_RUN_TIMEOUT_SECONDS", 4 * 3600)
    MATCHING_PAIRS_PAGE_SIZE = 50
    # Uploaded import files wait this long for their confirmation.
    IMPORT_UPLOAD_MAX_AGE_SECONDS = env_int("IMPORT_UPLOAD_MAX_AGE_SECONDS", 24 * 3600)

    DIRECTORY_PAGE_SIZE = 20
    USERS_PAGE_SIZE = 25


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"
    # A fixed key only for local development; production refuses to start without its own.
    SECRET_KEY = env("SECRET_KEY", "development-only-not-secret")


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"
    MAIL_BACKEND = "memory"
    SERVER_NAME = None
    BASE_URL = "http://testserver.localhost"
    # Same algorithm, lower cost: the suite hashes hundreds of passwords.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8192


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    REMEMBER_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    MAIL_BACKEND = env("MAIL_BACKEND", "smtp")


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None = None) -> type[BaseConfig]:
    name = name or env("ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"MATCHMAKER_ENV={name!r} is not one of {', '.join(sorted(CONFIGS))}"
        ) from None
