"""Real processes against one outbox: concurrent drainers and schedulers, and kill -9.

Each test runs the CLI as separate processes against the test database and a real SMTP
server on loopback, and counts what arrived by Message-ID.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.mail import enqueue
from matchmaker.models import OutboxMessage
from tests.support.factories import make_person

ROOT = Path(__file__).resolve().parent.parent


class Process:
    """A ``flask --app wsgi …`` child whose output is collected as it comes."""

    def __init__(self, app, sink, tmp_path, *args: str, **settings: str):
        env = {
            **os.environ,
            "MATCHMAKER_ENV": "development",
            "MATCHMAKER_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "MATCHMAKER_INSTANCE_DIR": str(tmp_path / "process-instance"),
            "MATCHMAKER_SECRET_KEY": app.config["SECRET_KEY"],
            "MATCHMAKER_DEFAULT_LOCALE": "en",
            "MATCHMAKER_MAIL_BACKEND": "smtp",
            "MATCHMAKER_MAIL_SMTP_HOST": "127.0.0.1",
            "MATCHMAKER_MAIL_SMTP_PORT": str(sink.port),
            **{f"MATCHMAKER_{key}": str(value) for key, value in settings.items()},
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_output(self, text: str, timeout: float = 30) -> None:
        wait_until(lambda: text in self.output, timeout, f"{text!r} in output:\n{self.output}")

    def wait(self, timeout: float = 60) -> int:
        code = self.process.wait(timeout)
        self.reader.join(5)
        self.process.stdout.close()
        return code

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.wait()


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def processes():
    started: list[Process] = []
    yield started
    for process in started:
        process.close()


def queue_messages(count: int) -> set[str]:
    people = [make_person() for _ in range(count)]
    ids = set()
    for person in people:
        ids.add(
            enqueue(template="outbox_test", person=person, context={"address": "x"}).message_id
        )
    db.session.commit()
    return ids


def statuses() -> Counter:
    db.session.expire_all()
    return Counter(db.session.scalars(select(OutboxMessage.status)).all())


def sent_count(output: str) -> int:
    line = next(line for line in output.splitlines() if line.startswith("Sent: "))
    return int(line.split(",")[0].removeprefix("Sent: "))


@pytest.mark.postgresql_only
def test_two_drainer_processes_send_each_message_once(app, smtp, tmp_path, processes):
    smtp.slow_down(0.025)
    for _ in range(2):
        drainer = Process(app, smtp, tmp_path, "outbox", "drain", "--interval", "0.2")
        processes.append(drainer)
    for drainer in processes:
        drainer.wait_for_output("Drainer started")

    queued = queue_messages(40)
    wait_until(lambda: len(smtp.messages) >= 40, 60, "40 messages at the sink")
    time.sleep(0.5)  # anything sent twice would arrive now
    for drainer in processes:
        drainer.signal(signal.SIGTERM)
    assert [drainer.wait() for drainer in processes] == [0, 0]

    received = Counter(smtp.message_ids())
    assert set(received) == queued
    assert max(received.values()) == 1
    assert statuses() == {"sent": 40}
    shares = [sent_count(drainer.output) for drainer in processes]
    assert sum(shares) == 40 and min(shares) > 0, shares


def test_a_drainer_killed_mid_batch_loses_nothing(app, smtp, tmp_path, processes):
    """SIGKILL while a message is at the SMTP server; another drainer finishes the job.

    On PostgreSQL the dead drainer's row lock goes with its connection; on SQLite its lease
    (2 s here) expires first. At most the message caught in flight arrives twice, with the
    same Message-ID.
    """
    queued = queue_messages(20)
    smtp.slow_down(0.1)
    first = Process(
        app, smtp, tmp_path, "outbox", "drain", "--once",
        MAIL_CLAIM_LEASE_SECONDS=2, MAIL_DRAIN_BATCH_SIZE=5,
    )
    processes.append(first)
    wait_until(lambda: len(smtp.messages) >= 5, 60, "5 messages at the sink")
    first.process.send_signal(signal.SIGKILL)
    assert first.wait() == -signal.SIGKILL
    assert len(smtp.messages) < 20

    smtp.slow_down(0)
    second = Process(
        app, smtp, tmp_path, "outbox", "drain", "--interval", "0.2",
        MAIL_CLAIM_LEASE_SECONDS=2,
    )
    processes.append(second)
    wait_until(lambda: statuses() == {"sent": 20}, 60, "every message recorded as sent")
    second.signal(signal.SIGTERM)
    assert second.wait() == 0

    received = Counter(smtp.message_ids())
    assert set(received) == queued
    duplicates = [message_id for message_id, n in received.items() if n > 1]
    assert len(duplicates) <= 1 and max(received.values()) <= 2
    assert statuses() == {"sent": 20}


@pytest.mark.postgresql_only
def test_two_schedulers_by_mistake_send_nothing_twice_and_stop_cleanly(
    app, smtp, tmp_path, processes
):
    for _ in range(2):
        scheduler = Process(
            app, smtp, tmp_path, "scheduler", "run", MAIL_DRAIN_INTERVAL_SECONDS=1
        )
        processes.append(scheduler)
    for scheduler in processes:
        scheduler.wait_for_output("Scheduler started")

    queued = queue_messages(20)
    wait_until(lambda: len(smtp.messages) >= 20, 60, "20 messages at the sink")
    time.sleep(1.5)  # at least one more drain in each scheduler
    for scheduler in processes:
        scheduler.signal(signal.SIGTERM)
    assert [scheduler.wait(30) for scheduler in processes] == [0, 0]

    received = Counter(smtp.message_ids())
    assert set(received) == queued and max(received.values()) == 1
    for scheduler in processes:
        assert "Scheduler stopped" in scheduler.output
        assert "Traceback" not in scheduler.output


def test_scheduler_writes_mail_to_the_folder_and_stops_on_ctrl_c(app, smtp, tmp_path, processes):
    """What ``make run`` does in development: folder backend, then Ctrl-C."""
    folder = tmp_path / "mail-folder"
    scheduler = Process(
        app, smtp, tmp_path, "scheduler", "run",
        MAIL_BACKEND="folder", MAIL_FOLDER=folder, MAIL_DRAIN_INTERVAL_SECONDS=1,
    )
    processes.append(scheduler)
    scheduler.wait_for_output("Scheduler started")
    (message_id,) = queue_messages(1)

    expected = folder / f"{message_id.strip('<>')}.eml"
    wait_until(expected.exists, 30, f"{expected} to be written")
    scheduler.signal(signal.SIGINT)
    assert scheduler.wait(30) == 0
    assert "Scheduler stopped" in scheduler.output and "Traceback" not in scheduler.output
    assert f"Message-ID: {message_id}" in expected.read_text()
    assert statuses() == {"sent": 1}
