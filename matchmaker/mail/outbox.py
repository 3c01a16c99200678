"""The outbox: enqueueing inside the caller's transaction, and draining due rows to a backend."""

from __future__ import annotations

from datetime import datetime
from email.utils import make_msgid

from email_validator import EmailNotValidError, validate_email
from flask import current_app

from matchmaker.extensions import db
from matchmaker.mail.rendering import render_email, single_line
from matchmaker.models import MailCategory, OutboxMessage, Person, utcnow


class InvalidRecipient(ValueError):
    pass


def normalise_address(address: str) -> str:
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidRecipient(f"{address!r}: {exc}") from exc


def enqueue(
    *,
    template: str,
    to_email: str | None = None,
    to_name: str = "",
    person: Person | None = None,
    locale: str | None = None,
    context: dict | None = None,
    category: MailCategory | str = MailCategory.TRANSACTIONAL,
    dedupe_key: str | None = None,
    send_after: datetime | None = None,
    attachments: list[dict] | None = None,
    headers: dict | None = None,
) -> OutboxMessage:
    """Add a rendered message to the session; it is sent only if the caller's commit succeeds.

    Give ``person`` (their address, name and language are used) or ``to_email``.
    """
    if person is not None:
        to_email = to_email or person.user.email
        to_name = to_name or person.full_name
        locale = locale or person.language
    if not to_email:
        raise InvalidRecipient("no recipient address")
    locale = locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    rendered = render_email(template, {"person": person, **(context or {})}, locale)
    message = OutboxMessage(
        person=person,
        to_email=normalise_address(to_email),
        to_name=single_line(to_name)[:120],
        locale=locale,
        category=str(category),
        template=template,
        subject=rendered.subject[:255],
        body_text=rendered.text,
        body_html=rendered.html,
        headers=dict(headers or {}),
        attachments=list(attachments or []),
        dedupe_key=dedupe_key,
        send_after=send_after or utcnow(),
        message_id=make_msgid(domain=current_app.config["MAIL_MESSAGE_ID_DOMAIN"]),
    )
    db.session.add(message)
    return message
