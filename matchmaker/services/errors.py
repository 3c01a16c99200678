"""Refusals that services raise and views turn into a page, a form error or an HTTP code.

One family for every use case, so a view catches :class:`ServiceError` and reads ``status``
(the HTTP code to answer with) and ``field`` (the form field the message belongs to, if any).
"""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal with a message for the person."""

    status = 409

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(ServiceError):
    status = 400


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409
