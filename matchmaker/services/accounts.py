"""Accounts: loading the signed-in user."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Person, User, utcnow
from matchmaker.security import verify_password


def load_user_from_session_id(session_id: str) -> User | None:
    """Flask-Login's loader: ``"<id>:<session_version>"``, stale after a password change."""
    user_id, _separator, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


def set_preferred_language(person: Person, language: str) -> None:
    person.language = language
    db.session.commit()


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    message: str = ""


def authenticate(email: str, password: str, address: str | None) -> LoginOutcome:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not verify_password(user.password_hash, password):
        return LoginOutcome(None, _("The email or the password is not right."))
    if not user.is_active:
        return LoginOutcome(
            None, _("Please confirm your email address first: follow the link we sent you.")
        )
    user.last_login_at = utcnow()
    db.session.commit()
    return LoginOutcome(user)
