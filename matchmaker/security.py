"""Password hashing and signed tokens for links sent by email."""

from __future__ import annotations

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
