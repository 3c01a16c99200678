"""Sending due outbox rows: claim safely, send, record the outcome at once.

Guarantees, with any number of drainers in any number of processes:

- A row is claimed by one drainer at a time. On PostgreSQL the claim is a row lock
  (``SELECT … FOR UPDATE SKIP LOCKED``) held while that one message is sent; if the drainer
  dies, its connection dies, the lock goes and the row is due again at once. SQLite has no row
  locks: a claim is ``UPDATE … RETURNING`` that marks rows ``sending`` with a lease
  (``claimed_until``); a dead drainer's rows are taken over when the lease expires.
- The outcome of each message is committed right after the SMTP server answers, so a crash
  can resend at most the one message that was accepted but not yet recorded; it carries the
  same ``Message-ID`` as the first copy, so the repeat is recognisable.
- A failure is retried with exponential backoff; after ``MAIL_MAX_ATTEMPTS`` attempts (or at
  once for a permanent refusal) the row is ``failed`` with the server's answer.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from flask import Flask, current_app
from sqlalchemy import or_, select, update

from matchmaker.database import is_postgresql
from matchmaker.extensions import db
from matchmaker.mail.backends import MailBackend, backend_for, build_email
from matchmaker.mail.labels import REASON_UNSUBSCRIBED
from matchmaker.mail.preferences import is_optional, may_receive
from matchmaker.models import OutboxMessage, OutboxStatus, utcnow

log = logging.getLogger(__name__)

OUTBOX = OutboxMessage.__table__


class Failure(Enum):
    TRANSIENT = "transient"  # this message: try again later
    PERMANENT = "permanent"  # this message will never go: fail it now
    SERVER = "server"  # the server or the connection: try again later, stop this pass


def classify(error: BaseException) -> Failure:
    """How an error from building or sending one message affects it and the rest of the pass."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return Failure.PERMANENT if codes and all(code >= 500 for code in codes) else (
            Failure.TRANSIENT
        )
    if isinstance(error, smtplib.SMTPDataError):
        return Failure.PERMANENT if error.smtp_code >= 500 else Failure.TRANSIENT
    if isinstance(
        error,
        smtplib.SMTPSenderRefused
        | smtplib.SMTPAuthenticationError
        | smtplib.SMTPHeloError
        | smtplib.SMTPConnectError
        | smtplib.SMTPNotSupportedError
        | smtplib.SMTPServerDisconnected,
    ):
        return Failure.SERVER
    if isinstance(error, smtplib.SMTPResponseException):
        return Failure.TRANSIENT
    if isinstance(error, OSError | smtplib.SMTPException):
        return Failure.SERVER
    # A message that cannot even be built (a bug, bad stored data) will not build next time.
    return Failure.PERMANENT


def describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        parts = [
            f"{address}: {code} {_text(message)}"
            for address, (code, message) in error.recipients.items()
        ]
        return "Recipient refused: " + "; ".join(parts)
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"[:1000]


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def retry_delay(attempts: int, base_seconds: int, max_seconds: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: base, 2×base, 4×base... capped."""
    exponent = max(attempts - 1, 0)
    return timedelta(seconds=min(base_seconds * 2 ** min(exponent, 30), max_seconds))


@dataclass
class DrainReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0  # not sent: the recipient unsubscribed since it was queued
    lost_claims: int = 0  # SQLite: a lease expired under us and another drainer took the row

    @property
    def processed(self) -> int:
        return self.sent + self.retrying + self.failed + self.skipped

    def __bool__(self) -> bool:
        return bool(self.processed or self.lost_claims)

    def add(self, other: DrainReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.skipped += other.skipped
        self.lost_claims += other.lost_claims


def default_worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Drainer:
    """Sends due messages through the configured backend. One instance per thread."""

    def __init__(
        self,
        app: Flask | None = None,
        *,
        worker_id: str | None = None,
        batch_size: int | None = None,
        lease_seconds: int | None = None,
        stop: threading.Event | None = None,
        clock: Callable[[], datetime] = utcnow,
        claim_mode: str | None = None,
    ):
        self.app = app or current_app._get_current_object()
        config = self.app.config
        self.worker_id = worker_id or default_worker_id()
        self.batch_size = batch_size or config["MAIL_DRAIN_BATCH_SIZE"]
        self.lease = timedelta(seconds=lease_seconds or config["MAIL_CLAIM_LEASE_SECONDS"])
        # A lease is renewed before a send if less than this is left of it: enough for one
        # SMTP exchange to time out (a short lease, as in tests, is renewed at half-time).
        self.lease_margin = min(
            timedelta(seconds=config["MAIL_SMTP_TIMEOUT"] + 5), self.lease / 2
        )
        self.max_attempts = config["MAIL_MAX_ATTEMPTS"]
        self.retry_base = config["MAIL_RETRY_BASE_SECONDS"]
        self.retry_max = config["MAIL_RETRY_MAX_SECONDS"]
        self.sender = config["MAIL_SENDER"]
        self.stop = stop or threading.Event()
        self.clock = clock
        # "lock" (PostgreSQL's row locks) or "lease" (SQLite; works on PostgreSQL too).
        with self.app.app_context():
            default_mode = "lock" if is_postgresql(db.engine) else "lease"
        self.claim_mode = claim_mode or default_mode
        if self.claim_mode not in ("lock", "lease"):
            raise ValueError("claim_mode is 'lock' or 'lease'")

    # -- the loop ---------------------------------------------------------------------------

    def drain(self, *, max_messages: int | None = None, time_budget: float | None = None):
        """Send due messages until none is due, ``max_messages`` were handled, the time budget
        is spent, the server fails, or ``stop`` is set. Returns a :class:`DrainReport`.

        One database connection is held for the whole pass (plain SQL through SQLAlchemy Core:
        the ORM's per-row bookkeeping and a pool check-out per message cost more than the
        SMTP exchange)."""
        report = DrainReport()
        started = time.monotonic()
        backend = backend_for(self.app)
        try:
            with db.engine.connect() as connection:
                while not self.stop.is_set():
                    remaining = (
                        None if max_messages is None else max_messages - report.processed
                    )
                    if remaining is not None and remaining <= 0:
                        break
                    if time_budget is not None and time.monotonic() - started >= time_budget:
                        break
                    if self.claim_mode == "lock":
                        outcome, more = self._pass_locked(connection, backend)
                    else:
                        outcome, more = self._pass_leased(connection, backend, limit=remaining)
                    report.add(outcome)
                    if not more:
                        break
        finally:
            backend.close()
        return report

    # -- PostgreSQL: a row lock held while its one message is sent -------------------------

    def _pass_locked(self, connection, backend: MailBackend) -> tuple[DrainReport, bool]:
        report = DrainReport()
        row = connection.execute(
            select(OUTBOX)
            .where(OUTBOX.c.status == OutboxStatus.PENDING, OUTBOX.c.send_after <= self.clock())
            .order_by(OUTBOX.c.send_after, OUTBOX.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if row is None:
            connection.rollback()
            return report, False
        try:
            keep_going = self._deliver(connection, backend, row, report, claimed=False)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        return report, keep_going

    # -- SQLite: a lease taken with UPDATE … RETURNING --------------------------------------

    def claim(self, *, limit: int | None = None, now: datetime | None = None) -> list[int]:
        """Lease up to ``limit`` due rows (or rows whose lease expired); returns their ids."""
        with db.engine.connect() as connection:
            return [row.id for row in self._claim(connection, limit=limit, now=now)]

    def _claim(self, connection, *, limit: int | None, now: datetime | None = None) -> list:
        now = now or self.clock()
        due = (
            select(OUTBOX.c.id)
            .where(
                or_(
                    (OUTBOX.c.status == OutboxStatus.PENDING) & (OUTBOX.c.send_after <= now),
                    (OUTBOX.c.status == OutboxStatus.SENDING) & (OUTBOX.c.claimed_until < now),
                )
            )
            .order_by(OUTBOX.c.send_after, OUTBOX.c.id)
            .limit(min(limit or self.batch_size, self.batch_size))
        )
        rows = connection.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(due.scalar_subquery()))
            .values(
                status=OutboxStatus.SENDING,
                claimed_by=self.worker_id,
                claimed_until=now + self.lease,
            )
            .returning(*OUTBOX.c)
        ).all()
        connection.commit()
        return sorted(rows, key=lambda row: (row.send_after, row.id))

    def _pass_leased(
        self, connection, backend: MailBackend, *, limit: int | None
    ) -> tuple[DrainReport, bool]:
        report = DrainReport()
        pending = self._claim(connection, limit=limit)
        if not pending:
            return report, False
        lease_ends = {row.id: row.claimed_until for row in pending}
        keep_going = True
        while pending:
            if self.stop.is_set() or not keep_going:
                break
            row = pending.pop(0)
            if lease_ends[row.id] - self.clock() < self.lease_margin:
                still_ours = self._renew_lease(connection, [r.id for r in [row, *pending]])
                if row.id not in still_ours:
                    report.lost_claims += 1
                    pending = [r for r in pending if r.id in still_ours]
                    continue
                renewed_until = self.clock() + self.lease
                lease_ends.update({row_id: renewed_until for row_id in still_ours})
            keep_going = self._deliver(connection, backend, row, report, claimed=True)
            connection.commit()
        if pending:
            self._release(connection, [r.id for r in pending])
        return report, keep_going

    def _renew_lease(self, connection, ids: list[int]) -> set[int]:
        renewed = connection.scalars(
            update(OUTBOX)
            .where(
                OUTBOX.c.id.in_(ids),
                OUTBOX.c.status == OutboxStatus.SENDING,
                OUTBOX.c.claimed_by == self.worker_id,
            )
            .values(claimed_until=self.clock() + self.lease)
            .returning(OUTBOX.c.id)
        ).all()
        connection.commit()
        return set(renewed)

    def renew_lease(self, ids: list[int]) -> set[int]:
        """Extend our lease on these rows; returns those that are still ours."""
        with db.engine.connect() as connection:
            return self._renew_lease(connection, ids)

    def _release(self, connection, ids: list[int]) -> None:
        """Give back leased rows we did not try, untouched, so they are due again at once."""
        connection.execute(
            update(OUTBOX)
            .where(
                OUTBOX.c.id.in_(ids),
                OUTBOX.c.status == OutboxStatus.SENDING,
                OUTBOX.c.claimed_by == self.worker_id,
            )
            .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_until=None)
        )
        connection.commit()

    # -- one message ------------------------------------------------------------------------

    def _deliver(self, connection, backend: MailBackend, row, report: DrainReport, *,
                 claimed: bool) -> bool:
        """Send one claimed row and record the outcome (the caller commits). False when the
        server failed and the pass should stop."""
        now = self.clock()
        if is_optional(row.category) and not may_receive(
            row.person_id, row.category, executor=connection
        ):
            self._record(connection, row, claimed, report, skipped=True,
                         status=OutboxStatus.CANCELLED, last_error=REASON_UNSUBSCRIBED)
            return True
        try:
            backend.send(build_email(row, self.sender))
        except Exception as error:  # every failure is recorded on the row, none stops the loop
            return self._record_failure(connection, backend, row, error, claimed, report, now)
        self._record(connection, row, claimed, report, status=OutboxStatus.SENT, sent_at=now,
                     attempts=row.attempts + 1, last_attempt_at=now)
        log.debug("Sent outbox message %s to %s", row.id, row.to_email)
        return True

    def _record_failure(self, connection, backend, row, error, claimed, report, now) -> bool:
        kind = classify(error)
        attempts = row.attempts + 1
        text = describe(error)
        if kind is Failure.PERMANENT and not isinstance(error, smtplib.SMTPException):
            log.exception("Outbox message %s cannot be built; marking it failed", row.id)
        if kind is Failure.PERMANENT or attempts >= self.max_attempts:
            log.error("Outbox message %s to %s failed for good: %s", row.id, row.to_email, text)
            self._record(connection, row, claimed, report, status=OutboxStatus.FAILED,
                         attempts=attempts, last_error=text, last_attempt_at=now)
        else:
            delay = retry_delay(attempts, self.retry_base, self.retry_max)
            log.warning("Outbox message %s to %s: attempt %d failed (%s); next in %s",
                        row.id, row.to_email, attempts, text, delay)
            self._record(connection, row, claimed, report, status=OutboxStatus.PENDING,
                         attempts=attempts, last_error=text, last_attempt_at=now,
                         send_after=now + delay)
        if kind is Failure.SERVER:
            # A fresh connection next time; the other due rows wait for the next pass.
            backend.close()
            return False
        return True

    def _record(self, connection, row, claimed: bool, report: DrainReport, *,
                skipped: bool = False, **values) -> None:
        statement = (
            update(OUTBOX)
            .where(OUTBOX.c.id == row.id)
            .values(claimed_by=None, claimed_until=None, **values)
        )
        if claimed:
            # A lease can run out under a slow drainer: record only while the row is ours.
            statement = statement.where(
                OUTBOX.c.claimed_by == self.worker_id, OUTBOX.c.status == OutboxStatus.SENDING
            )
        if not connection.execute(statement).rowcount:
            log.warning("Outbox message %s: lease lost before its outcome was recorded", row.id)
            report.lost_claims += 1
            return
        status = values["status"]
        if skipped:
            report.skipped += 1
        elif status == OutboxStatus.SENT:
            report.sent += 1
        elif status == OutboxStatus.FAILED:
            report.failed += 1
        else:
            report.retrying += 1


def drain(limit: int = 100) -> int:
    """Send up to ``limit`` due messages now; returns how many were sent (tests, scripts).

    The current session is committed first: the drainer reads through its own connection,
    so it sees committed rows only (and on SQLite would wait on an open write)."""
    db.session.commit()
    return Drainer().drain(max_messages=limit).sent
