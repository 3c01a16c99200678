"""``flask --app wsgi outbox …``: drain the outbox, see its state, send a test message."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from matchmaker.lifecycle import stop_on_signals
from matchmaker.mail.drain import Drainer, DrainReport
from matchmaker.mail.labels import status_label
from matchmaker.mail.outbox import InvalidRecipient
from matchmaker.services import outbox as outbox_service

log = logging.getLogger("matchmaker.mail")


def configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


@click.group("outbox", help="Outgoing mail: drain it, see its state.")
def outbox() -> None:
    pass


def _summary(report: DrainReport) -> str:
    return _(
        "Sent: %(sent)d, to retry later: %(retrying)d, failed: %(failed)d, "
        "not sent (unsubscribed): %(skipped)d.",
        sent=report.sent,
        retrying=report.retrying,
        failed=report.failed,
        skipped=report.skipped,
    )


@outbox.command("drain")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option("--batch-size", type=int, default=None, help="Rows claimed at once (SQLite).")
@click.option(
    "--interval", type=float, default=None, help="Seconds between passes (default: config)."
)
@with_appcontext
def drain_command(once: bool, batch_size: int | None, interval: float | None) -> None:
    """Send due messages; without --once, keep doing so until SIGTERM or Ctrl-C.

    Any number of drainers may run at once: each message is sent once.
    """
    configure_logging()
    interval = interval or current_app.config["MAIL_DRAIN_INTERVAL_SECONDS"]
    total = DrainReport()
    with stop_on_signals() as stop:
        drainer = Drainer(batch_size=batch_size, stop=stop)
        log.info("Drainer started: %s, claiming by %s", drainer.worker_id, drainer.claim_mode)
        while not stop.is_set():
            try:
                report = drainer.drain()
            except Exception:
                if once:
                    raise
                # The database restarting must not end a long-running drainer.
                log.exception("Drain pass failed; trying again in %s s", interval)
                stop.wait(interval)
                continue
            total.add(report)
            if once:
                break
            if not report:
                stop.wait(interval)
    click.echo(_summary(total))


@outbox.command("status")
@with_appcontext
def status_command() -> None:
    """Messages per status."""
    counts = outbox_service.status_counts()
    width = max(len(status_label(status)) for status in counts)
    for status, count in counts.items():
        click.echo(f"{status_label(status):<{width}}  {count:>8}")


@outbox.command("send-test")
@click.argument("address")
@with_appcontext
def send_test_command(address: str) -> None:
    """Queue a test message to ADDRESS (the scheduler or `outbox drain` sends it)."""
    try:
        message = outbox_service.send_test_message(address)
    except InvalidRecipient as error:
        raise click.BadParameter(str(error), param_hint="ADDRESS") from error
    click.echo(_("Test message queued with Message-ID %(id)s.", id=message.message_id))
