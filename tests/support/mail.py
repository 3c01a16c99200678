"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import asyncio
import email
import re
import socket
import threading
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller


class _Collector:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        # Scripted answers: RCPT replies for addresses containing a key ("550 ..." refuses),
        # and a delay before accepting each message (to catch a sender mid-send).
        self.rcpt_replies: dict[str, str] = {}
        self.data_delay = 0.0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            replies = dict(self.rcpt_replies)
        for key, reply in replies.items():
            if key in address:
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default)
        with self.lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            delay = self.data_delay
        if delay:
            await asyncio.sleep(delay)
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self) -> None:
        self.collector = _Collector()
        # Controller cannot take port 0 (it connects to the port it was given to check start-up).
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        with self.collector.lock:
            return list(self.collector.messages)

    @property
    def envelopes(self) -> list[tuple[str, list[str]]]:
        with self.collector.lock:
            return list(self.collector.envelopes)

    def clear(self) -> None:
        with self.collector.lock:
            self.collector.messages.clear()
            self.collector.envelopes.clear()
            self.collector.rcpt_replies.clear()
            self.collector.data_delay = 0.0

    def refuse(self, address_part: str, reply: str) -> None:
        """Answer RCPT for addresses containing ``address_part`` with ``reply`` (4xx/5xx)."""
        with self.collector.lock:
            self.collector.rcpt_replies[address_part] = reply

    def slow_down(self, seconds: float) -> None:
        with self.collector.lock:
            self.collector.data_delay = seconds

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in m["To"].lower()]


def text_body(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def links_in(message: EmailMessage) -> list[str]:
    return re.findall(r"https?://[^\s<>\"']+", text_body(message))
