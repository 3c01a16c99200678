"""The outbox: enqueueing inside the caller's transaction. Only the drainer sends.

A message is a row written by the service that decided it, in the same transaction: if that
transaction rolls back, the message never existed; once it commits, the message will be sent
(or end as failed, visible to organisers), whatever crashes in between.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
from datetime import datetime
from email.utils import make_msgid
from urllib.parse import quote

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from matchmaker.extensions import db
from matchmaker.mail.labels import category_label
from matchmaker.mail.preferences import is_optional, may_receive
from matchmaker.mail.rendering import render_email, single_line
from matchmaker.models import MailCategory, OutboxMessage, Person, User, utcnow
from matchmaker.security import make_recipient_token
from matchmaker.urls import absolute_url

log = logging.getLogger(__name__)

UNSUBSCRIBE_PURPOSE = "unsubscribe"

# Headers the platform sets itself; callers cannot override them through ``headers``.
RESERVED_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "bcc",
        "sender",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "content-disposition",
        "content-language",
        "return-path",
        "list-unsubscribe",
        "list-unsubscribe-post",
        "auto-submitted",
    }
)
_HEADER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,70}$")
_MIME_TYPE = re.compile(r"^[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*$")


class InvalidRecipient(ValueError):
    """The address is not a deliverable email address (or there is none)."""


class InvalidMessage(ValueError):
    """A header or attachment handed to ``enqueue`` is malformed."""


def normalise_address(address: str) -> str:
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidRecipient(f"{address!r} is not a valid email address: {exc}") from exc


def unsubscribe_token(person_id: int, category: str) -> str:
    return make_recipient_token(UNSUBSCRIBE_PURPOSE, person_id, category=str(category))


def _checked_headers(headers: dict | None) -> dict[str, str]:
    checked: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if not _HEADER_NAME.match(str(name)) or name.lower() in RESERVED_HEADERS:
            raise InvalidMessage(f"header {name!r} cannot be set by a caller")
        checked[name] = single_line(str(value))
    return checked


def _checked_attachments(attachments: list[dict] | None) -> list[dict]:
    checked = []
    for attachment in attachments or []:
        try:
            filename = single_line(attachment["filename"]).replace("/", "_").replace("\\", "_")
            content_type = attachment["content_type"].lower()
            content = attachment["content"]
            base64.b64decode(content, validate=True)
        except (KeyError, TypeError, AttributeError, binascii.Error) as exc:
            raise InvalidMessage(
                "an attachment needs filename, content_type and base64 content"
            ) from exc
        if not filename or not _MIME_TYPE.match(content_type):
            raise InvalidMessage(f"attachment {filename!r} has no valid name or type")
        params = {
            str(key): single_line(str(value))
            for key, value in (attachment.get("params") or {}).items()
        }
        checked.append(
            {
                "filename": filename,
                "content_type": content_type,
                "content": content,
                "params": params,
            }
        )
    return checked


def _person_for_address(address: str) -> Person | None:
    return db.session.scalar(
        select(Person).join(User, Person.user_id == User.id).where(
            func.lower(User.email) == address.lower()
        )
    )


def _existing(dedupe_key: str) -> OutboxMessage | None:
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))


def _insert_once(values: dict) -> OutboxMessage:
    """Insert unless the dedupe key exists, without ever failing the caller's transaction.

    The check before it answers in the common case; ``ON CONFLICT DO NOTHING`` covers a
    concurrent transaction that queued the same key after the check (on PostgreSQL it waits
    for that one to finish), so the unique constraint is a guard that is never tripped.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    )
    new_id = db.session.execute(statement).scalar()
    if new_id is None:
        existing = _existing(values["dedupe_key"])
        assert existing is not None, "a conflicting dedupe key must be visible after the insert"
        return existing
    message = db.session.get(OutboxMessage, new_id)
    assert message is not None
    return message


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
    reply_to: str | None = None,
) -> OutboxMessage | None:
    """Queue a rendered message in the caller's transaction; it is sent only once that commits.

    - ``person`` gives the address, name and language (``to_email``/``to_name``/``locale``
      override them). Mail of any category other than ``TRANSACTIONAL`` is for members: give
      ``person`` (or an address that belongs to one).
    - Returns ``None``, queueing nothing, when the person may not receive ``category``: they
      unsubscribed from it or withdrew consent. Transactional mail is always queued.
    - ``dedupe_key``: a message with this key is queued at most once, ever. A second call
      returns the existing row (whatever its status) and leaves the transaction intact.
    - ``send_after`` (aware datetime) delays sending: a scheduled message is just a row.
    - ``attachments``: ``[{"filename", "content_type", "content" (base64), "params"}]``, e.g.
      from :func:`matchmaker.mail.calendar.ics_attachment`.
    - Raises :class:`InvalidRecipient` for a missing or invalid address and
      :class:`InvalidMessage` for a reserved or malformed header or attachment.
    """
    category = MailCategory(category)
    if person is not None:
        to_email = to_email or person.user.email
        to_name = to_name or person.full_name
        locale = locale or person.language
    if not to_email:
        raise InvalidRecipient("no recipient address")
    address = normalise_address(to_email)
    extra_headers = _checked_headers(headers)
    if reply_to:
        extra_headers["Reply-To"] = normalise_address(reply_to)
    checked_attachments = _checked_attachments(attachments)

    if is_optional(category):
        if person is None:
            person = _person_for_address(address)
        if person is None:
            raise InvalidRecipient(
                f"{address} is not a member's address: {category} mail is only for members, "
                "who can unsubscribe from it"
            )
        if person.id is None:
            db.session.flush([person])
        if not may_receive(person.id, category):
            log.info("Not queueing %s mail to person %s: unsubscribed", category, person.id)
            return None

    if dedupe_key is not None:
        existing = _existing(dedupe_key)
        if existing is not None:
            return existing

    locale = locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    render_context = {"person": person, **(context or {})}
    if is_optional(category):
        assert person is not None
        token = unsubscribe_token(person.id, category)
        unsubscribe_url = absolute_url("preferences.unsubscribe", token=token)
        render_context.update(
            unsubscribe_url=unsubscribe_url,
            preferences_url=absolute_url("preferences.edit"),
            mail_category=category.value,
            mail_category_label=_category_label_in(category, locale),
        )
        links = [f"<{unsubscribe_url}>"]
        mailto = current_app.config.get("MAIL_UNSUBSCRIBE_MAILTO")
        if mailto:
            links.append(f"<mailto:{mailto}?subject={quote('unsubscribe ' + token)}>")
        # RFC 8058: mail clients show an unsubscribe button that POSTs to the https link.
        extra_headers["List-Unsubscribe"] = ", ".join(links)
        extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    extra_headers.setdefault("Auto-Submitted", "auto-generated")

    rendered = render_email(template, render_context, locale)
    values = {
        "person_id": person.id if person is not None else None,
        "to_email": address,
        "to_name": single_line(to_name or "")[:120],
        "locale": locale,
        "category": category.value,
        "template": template,
        "subject": rendered.subject[:255],
        "body_text": rendered.text,
        "body_html": rendered.html,
        "headers": extra_headers,
        "attachments": checked_attachments,
        "dedupe_key": dedupe_key,
        "send_after": send_after or utcnow(),
        "message_id": make_msgid(domain=current_app.config["MAIL_MESSAGE_ID_DOMAIN"]),
    }
    if dedupe_key is not None:
        return _insert_once(values)
    message = OutboxMessage(**values)
    if person is not None:
        message.person = person
    db.session.add(message)
    return message


def _category_label_in(category: MailCategory, locale: str) -> str:
    with force_locale(locale):
        return category_label(category)
