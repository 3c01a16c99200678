"""The outbox as organisers and the scheduler use it: drain, look, retry, cancel."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from matchmaker.extensions import db
from matchmaker.lifecycle import STOP
from matchmaker.mail import enqueue
from matchmaker.mail.drain import Drainer, DrainReport
from matchmaker.models import MailCategory, OutboxMessage, OutboxStatus, utcnow


class OutboxError(Exception):
    """An action an organiser asked for does not apply to this message (any more)."""


# What organisers look at first: everything that has not gone out yet.
NEEDS_ATTENTION = (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.FAILED)
STATUS_FILTERS = ("attention", *(status.value for status in OutboxStatus), "all")
RETRYABLE = (OutboxStatus.PENDING, OutboxStatus.FAILED, OutboxStatus.CANCELLED)
CANCELLABLE = (OutboxStatus.PENDING, OutboxStatus.FAILED)


def drain_due(
    *, time_budget: float | None = None, stop: threading.Event | None = None
) -> DrainReport:
    """Send what is due (the scheduler's job and ``outbox drain``)."""
    return Drainer(stop=stop).drain(time_budget=time_budget)


def scheduled_drain() -> DrainReport:
    """The scheduler's job: a bounded pass, cut short when the process is asked to stop."""
    return drain_due(time_budget=current_app.config["MAIL_DRAIN_TIME_BUDGET_SECONDS"], stop=STOP)


def status_counts() -> dict[str, int]:
    """Messages per status, every status present (zeros included)."""
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    return {status.value: int(counts.get(status.value, 0)) for status in OutboxStatus}


@dataclass(frozen=True)
class OutboxFilter:
    status: str = "attention"
    category: str = ""

    def statement(self):
        statement = select(OutboxMessage)
        if self.status == "attention":
            statement = statement.where(OutboxMessage.status.in_(NEEDS_ATTENTION))
        elif self.status in {s.value for s in OutboxStatus}:
            statement = statement.where(OutboxMessage.status == self.status)
        if self.category in {c.value for c in MailCategory}:
            statement = statement.where(OutboxMessage.category == self.category)
        if self.status in ("sent", "all"):
            return statement.order_by(OutboxMessage.id.desc())
        # Failures first, then what goes next.
        return statement.order_by(
            (OutboxMessage.status != OutboxStatus.FAILED),
            OutboxMessage.send_after,
            OutboxMessage.id,
        )


def list_messages(outbox_filter: OutboxFilter, page: int, per_page: int):
    """One page of messages (a Flask-SQLAlchemy pagination; a page past the end is empty)."""
    return db.paginate(
        outbox_filter.statement(), page=max(page, 1), per_page=per_page, error_out=False
    )


def _conditional_update(message_id: int, allowed: tuple, **values) -> bool:
    changed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(allowed))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(changed)


def _explain_refusal(message_id: int, action: str) -> OutboxError:
    status = db.session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == message_id))
    db.session.rollback()
    if status is None:
        return OutboxError(_("This message does not exist."))
    if status == OutboxStatus.SENT:
        return OutboxError(_("This message has already been sent."))
    if status == OutboxStatus.SENDING:
        return OutboxError(_("This message is being sent right now."))
    if action == "cancel" and status == OutboxStatus.CANCELLED:
        return OutboxError(_("This message was already cancelled."))
    return OutboxError(_("This message cannot be changed now."))


def retry(message_id: int) -> None:
    """Send a failed, cancelled or waiting message as soon as possible, with a fresh count of
    attempts. A message sent (or being sent) in the meantime is left alone."""
    # The condition is checked by the UPDATE itself: on PostgreSQL it waits for a drainer
    # holding the row, then sees the row as that drainer left it.
    if not _conditional_update(
        message_id,
        RETRYABLE,
        status=OutboxStatus.PENDING,
        send_after=utcnow(),
        attempts=0,
        claimed_by=None,
        claimed_until=None,
    ):
        raise _explain_refusal(message_id, "retry")
    db.session.commit()


def cancel(message_id: int) -> None:
    """Make sure a waiting or failed message is never sent."""
    if not _conditional_update(message_id, CANCELLABLE, status=OutboxStatus.CANCELLED):
        raise _explain_refusal(message_id, "cancel")
    db.session.commit()


def send_test_message(address: str) -> OutboxMessage:
    """Queue a test message to check the mail set-up end to end; commits."""
    message = enqueue(template="outbox_test", to_email=address, context={"address": address})
    assert message is not None
    db.session.commit()
    return message
