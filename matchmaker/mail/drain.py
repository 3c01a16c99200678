"""Sending due outbox rows. Only the scheduler process (and tests) call this."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.mail.backends import backend_for, build_email
from matchmaker.models import OutboxMessage, OutboxStatus, utcnow


def drain(limit: int = 100) -> int:
    """Send up to ``limit`` due messages; returns how many were sent."""
    app = current_app._get_current_object()
    backend = backend_for(app)
    sent = 0
    try:
        rows = db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.send_after <= utcnow(),
            )
            .order_by(OutboxMessage.send_after, OutboxMessage.id)
            .limit(limit)
        ).all()
        for row in rows:
            backend.send(build_email(row, app.config["MAIL_SENDER"]))
            row.status = OutboxStatus.SENT
            row.sent_at = utcnow()
            row.attempts += 1
            db.session.commit()
            sent += 1
    finally:
        backend.close()
    return sent
