"""Password hashing and signed tokens for links sent by email."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


@cache
def _hasher_with(time_cost: int | None, memory_cost: int | None) -> PasswordHasher:
    if time_cost is None and memory_cost is None:
        return PasswordHasher()  # argon2-cffi's default: the RFC 9106 low-memory profile
    return PasswordHasher(time_cost=time_cost or 1, memory_cost=memory_cost or 8192, parallelism=1)


def _hasher() -> PasswordHasher:
    # The test configuration lowers the cost: a hash takes 10 ms instead of 0.1-0.4 s.
    config = current_app.config
    return _hasher_with(config.get("ARGON2_TIME_COST"), config.get("ARGON2_MEMORY_COST"))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Checks with the parameters stored in the hash, whatever the current cost settings."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


class TokenError(Exception):
    """A link that is forged, altered or expired; ``expired`` tells which."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"matchmaker.{purpose}")


def make_token(purpose: str, payload: Any) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int) -> Any:
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError(expired=True) from exc
    except BadSignature as exc:
        raise TokenError(expired=False) from exc


@dataclass(frozen=True)
class RecipientToken:
    """What a per-recipient link says: who it was sent to, and what it is about."""

    person_id: int
    data: dict = field(default_factory=dict)


def make_recipient_token(
    purpose: str, person_id: int, *, expires_at: datetime | None = None, **data: Any
) -> str:
    """A signed link token for one person and one purpose (``"rsvp"``, ``"unsubscribe"``...).

    It works without logging in, so it carries only what the link may change: the person and
    ``data`` (e.g. ``invitation=12``). A token made for one purpose is rejected for any other.
    ``expires_at`` (aware) bounds it in time in addition to ``max_age`` given when reading,
    e.g. an RSVP link that stops working when the event starts.
    """
    payload: dict[str, Any] = {"p": int(person_id), "d": data}
    if expires_at is not None:
        payload["x"] = int(expires_at.timestamp())
    return make_token(purpose, payload)


def read_recipient_token(purpose: str, token: str, max_age: int) -> RecipientToken:
    """The person and data of a link token; :class:`TokenError` if forged, altered or expired."""
    payload = read_token(purpose, token, max_age)
    if not isinstance(payload, dict) or not isinstance(payload.get("p"), int):
        raise TokenError(expired=False)
    expires = payload.get("x")
    if expires is not None and datetime.now(UTC).timestamp() > expires:
        raise TokenError(expired=True)
    return RecipientToken(person_id=payload["p"], data=dict(payload.get("d") or {}))
