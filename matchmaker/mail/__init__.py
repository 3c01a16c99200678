"""Outgoing mail: services enqueue rows in their own transaction; only the drainer sends."""

from matchmaker.mail.outbox import enqueue

__all__ = ["enqueue"]
