"""Outgoing mail: services enqueue rows in their own transaction; only the drainer sends.

Public API: :func:`enqueue` (and its errors), :mod:`matchmaker.mail.calendar` for ``.ics``
invitations, :func:`matchmaker.security.make_recipient_token` for links that work without login.
"""

from matchmaker.mail.outbox import InvalidMessage, InvalidRecipient, enqueue

__all__ = ["InvalidMessage", "InvalidRecipient", "enqueue"]
