"""Where rendered messages go: an SMTP server, a folder of .eml files, or a list in memory."""

from __future__ import annotations

import base64
import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, formatdate
from pathlib import Path
from typing import Protocol

from flask import Flask

from matchmaker.models import OutboxMessage


def build_email(row: OutboxMessage, sender: str) -> EmailMessage:
    """The message as it leaves. Every header value was made single-line at enqueue, and the
    email package refuses line breaks in header values besides: no header can be injected."""
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = formataddr((row.to_name, row.to_email)) if row.to_name else row.to_email
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    # Stable per row: a message resent after a crash is recognisably the same one.
    message["Message-ID"] = row.message_id
    for name, value in (row.headers or {}).items():
        message[name] = value
    message.set_content(row.body_text)
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    for attachment in row.attachments or []:
        maintype, _, subtype = attachment["content_type"].partition("/")
        params = dict(attachment.get("params") or {})
        data = base64.b64decode(attachment["content"])
        if maintype == "text":
            message.add_attachment(
                data.decode("utf-8"),
                subtype=subtype,
                filename=attachment["filename"],
                params=params,
            )
        else:
            message.add_attachment(
                data, maintype=maintype, subtype=subtype, filename=attachment["filename"]
            )
    # Last: setting the content moves or drops Content-* headers set before it.
    message["Content-Language"] = row.locale
    return message


class MailBackend(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


class MemoryBackend:
    """Keeps messages in ``app.extensions["mail_memory"]`` for unit tests."""

    def __init__(self, app: Flask):
        self.store: list[EmailMessage] = app.extensions.setdefault("mail_memory", [])

    def send(self, message: EmailMessage) -> None:
        self.store.append(message)

    def close(self) -> None:
        pass


class FolderBackend:
    """One .eml file per message, named by Message-ID: a resend overwrites, never duplicates."""

    def __init__(self, app: Flask):
        self.folder = Path(app.config["MAIL_FOLDER"])
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: EmailMessage) -> None:
        name = message["Message-ID"].strip("<>").replace("/", "_")
        path = self.folder / f"{name}.eml"
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(bytes(message))
        temporary.replace(path)

    def close(self) -> None:
        pass


class SmtpBackend:
    """One connection reused for a batch; opened lazily, closed by the drainer."""

    def __init__(self, app: Flask):
        self.config = app.config
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        host, port = self.config["MAIL_SMTP_HOST"], self.config["MAIL_SMTP_PORT"]
        timeout = self.config["MAIL_SMTP_TIMEOUT"]
        security = (self.config["MAIL_SMTP_SECURITY"] or "none").lower()
        if security == "ssl":
            connection = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
            if security == "starttls":
                connection.starttls(context=ssl.create_default_context())
        if self.config["MAIL_SMTP_USERNAME"]:
            connection.login(self.config["MAIL_SMTP_USERNAME"], self.config["MAIL_SMTP_PASSWORD"])
        return connection

    def send(self, message: EmailMessage) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            self.connection.send_message(message)
        except smtplib.SMTPServerDisconnected:
            self.connection = self._connect()
            self.connection.send_message(message)

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except smtplib.SMTPException:
                self.connection.close()
            finally:
                self.connection = None


BACKENDS = {"memory": MemoryBackend, "folder": FolderBackend, "smtp": SmtpBackend}


def backend_for(app: Flask) -> MailBackend:
    name = app.config["MAIL_BACKEND"]
    try:
        return BACKENDS[name](app)
    except KeyError:
        raise RuntimeError(
            f"MATCHMAKER_MAIL_BACKEND={name!r} is not one of {', '.join(BACKENDS)}"
        ) from None
