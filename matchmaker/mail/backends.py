"""Where rendered messages go: an SMTP server, a folder of .eml files, or a list in memory."""

from __future__ import annotations

import base64
import email
import email.encoders
import smtplib
import ssl
from email import charset as email_charset
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from email.policy import default as default_policy
from email.utils import formataddr, formatdate
from pathlib import Path
from typing import Protocol

from flask import Flask
from sqlalchemy import Row

from matchmaker.models import OutboxMessage

# Quoted-printable keeps the text readable in .eml files and mail sources; base64 would not.
UTF8 = email_charset.Charset("utf-8")
UTF8.header_encoding = email_charset.QP
UTF8.body_encoding = email_charset.QP


class HeaderInjection(ValueError):
    """A header value with a line break: refused, never folded into an extra header."""


def _header(value: str) -> str | Header:
    if "\r" in value or "\n" in value:
        raise HeaderInjection(f"line break in a header value: {value!r}")
    return value if value.isascii() else Header(value, UTF8)


def _attachment(attachment: dict) -> Message:
    maintype, _, subtype = attachment["content_type"].partition("/")
    data = base64.b64decode(attachment["content"])
    if maintype == "text":
        part: Message = MIMEText(data.decode("utf-8"), subtype, UTF8)
    elif maintype == "application":
        part = MIMEApplication(data, subtype)
    else:
        part = MIMENonMultipart(maintype, subtype)
        part.set_payload(data)
        email.encoders.encode_base64(part)
    for name, value in (attachment.get("params") or {}).items():
        part.set_param(name, _header(value))
    part.add_header("Content-Disposition", "attachment", filename=_header(attachment["filename"]))
    return part


def build_email(row: OutboxMessage | Row, sender: str) -> Message:
    """The message as it leaves (from an outbox row or its columns as a result row).

    Header values were made single-line at enqueue and are checked again here: a value with a
    line break is refused, so no header can be injected. (Built with the classic MIME classes:
    the header registry of ``EmailMessage`` costs about 2 ms a message, most of a drainer's
    time.)
    """
    body: Message = MIMEText(row.body_text, "plain", UTF8)
    if row.body_html:
        alternative = MIMEMultipart("alternative")
        alternative.attach(body)
        alternative.attach(MIMEText(row.body_html, "html", UTF8))
        body = alternative
    if row.attachments:
        mixed = MIMEMultipart("mixed")
        mixed.attach(body)
        for attachment in row.attachments:
            mixed.attach(_attachment(attachment))
        body = mixed
    message = body
    message["From"] = _header(sender)
    recipient = formataddr((row.to_name, row.to_email), charset=UTF8) if row.to_name else None
    message["To"] = _header(recipient or row.to_email)
    message["Subject"] = _header(row.subject)
    message["Date"] = formatdate(localtime=False)
    # Stable per row: a message resent after a crash is recognisably the same one.
    message["Message-ID"] = _header(row.message_id)
    message["Content-Language"] = _header(row.locale)
    for name, value in (row.headers or {}).items():
        message[_header(name)] = _header(value)
    return message


class MailBackend(Protocol):
    def send(self, message: Message) -> None: ...

    def close(self) -> None: ...


class MemoryBackend:
    """Keeps messages in ``app.extensions["mail_memory"]`` for unit tests."""

    def __init__(self, app: Flask):
        self.store: list[EmailMessage] = app.extensions.setdefault("mail_memory", [])

    def send(self, message: Message) -> None:
        # Stored as a reader would parse it, with the modern API (get_body, iter_attachments).
        self.store.append(email.message_from_bytes(message.as_bytes(), policy=default_policy))

    def close(self) -> None:
        pass


class FolderBackend:
    """One .eml file per message, named by Message-ID: a resend overwrites, never duplicates."""

    def __init__(self, app: Flask):
        self.folder = Path(app.config["MAIL_FOLDER"])
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: Message) -> None:
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
        if security not in ("none", "starttls", "ssl"):
            raise RuntimeError(
                f"MATCHMAKER_MAIL_SMTP_SECURITY={security!r} is not none, starttls or ssl"
            )
        # Certificates and host names are always verified when TLS is on.
        context = ssl.create_default_context(cafile=self.config.get("MAIL_SMTP_CA_FILE"))
        if security == "ssl":
            connection = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if security == "starttls":
                connection.starttls(context=context)
            if self.config["MAIL_SMTP_USERNAME"]:
                connection.login(
                    self.config["MAIL_SMTP_USERNAME"], self.config["MAIL_SMTP_PASSWORD"] or ""
                )
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, message: Message) -> None:
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
