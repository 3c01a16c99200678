"""Outbox throughput and delivery guarantees with 1, 2 and 4 drainer processes.

For each database (SQLite file, throwaway PostgreSQL) and drainer count, N messages are
queued and drained by ``flask --app wsgi outbox drain`` processes to an SMTP sink on
loopback that records Message-IDs. Each configuration runs once cleanly and once with one
drainer killed (SIGKILL) a third of the way through and a replacement started. Every queued
Message-ID must arrive (0 lost); in clean runs none may arrive twice.

The reference, measured in the same run: one process sending pre-built messages over one SMTP
connection to the same sink, with no database at all.

    .venv/bin/python benchmarks/outbox.py [--messages 10000] [--json]

With ``--json`` the last line is one JSON object: {"reference_msgs_per_s": ..., "runs": [...]}
where each run has database, drainers, killed, queued, delivered_unique, duplicates, lost and
msgs_per_s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from email.utils import make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiosmtpd.controller import Controller  # noqa: E402

from tests.support.postgres import ThrowawayPostgres  # noqa: E402

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)
LEASE_SECONDS = 3


class CountingSink:
    """An SMTP server that keeps only each message's Message-ID (cheap enough not to be the
    bottleneck)."""

    def __init__(self) -> None:
        self.ids: list[tuple[float, str]] = []  # (arrival time, Message-ID)
        self.lock = threading.Lock()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        found = MESSAGE_ID.search(envelope.content)
        arrived = time.monotonic()
        with self.lock:
            self.ids.append((arrived, found.group(1).decode() if found else "<missing>"))
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.ids)

    def take(self) -> list[tuple[float, str]]:
        with self.lock:
            ids, self.ids = self.ids, []
        return ids


def reference_rate(port: int, count: int) -> float:
    """Messages per second of a bare SMTP client in its own process (no database)."""
    code = f"""
import smtplib, time
from email.message import EmailMessage
from email.utils import make_msgid
messages = []
for i in range({count}):
    m = EmailMessage()
    m["From"] = "bench@example.org"; m["To"] = f"r{{i}}@example.org"
    m["Subject"] = "Reference"; m["Message-ID"] = make_msgid(domain="reference.localhost")
    m.set_content("Reference body\\n" * 10)
    messages.append(m)
start = time.perf_counter()
with smtplib.SMTP("127.0.0.1", {port}) as smtp:
    for m in messages:
        smtp.send_message(m)
print({count} / (time.perf_counter() - start))
"""
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return float(output.strip())


def prepare_database(url: str, instance: Path, count: int) -> tuple[object, set[str]]:
    """Migrate a fresh database and return (app, queued Message-IDs); rows are inserted later."""
    from flask_migrate import upgrade

    from matchmaker.app import create_app
    from matchmaker.extensions import db

    app = create_app(
        "development",
        SQLALCHEMY_DATABASE_URI=url,
        INSTANCE_DIR=str(instance),
        MAIL_BACKEND="memory",
    )
    with app.app_context():
        upgrade()
        db.engine.dispose()
    ids = {make_msgid(domain="bench.matchmaker.localhost") for _ in range(count)}
    return app, ids


def queue_rows(app, ids: set[str]) -> None:
    """Queue one rendered message per Message-ID, in one transaction (as many services would
    have, one by one)."""
    from sqlalchemy import insert

    from matchmaker.extensions import db
    from matchmaker.mail import enqueue
    from matchmaker.models import OutboxMessage

    with app.app_context():
        template = enqueue(
            template="outbox_test", to_email="template@example.org", context={"address": "x"}
        )
        db.session.flush()
        columns = {
            column.key: getattr(template, column.key)
            for column in OutboxMessage.__table__.columns
            if column.key not in ("id", "message_id", "to_email", "dedupe_key")
        }
        db.session.delete(template)
        rows = [
            {**columns, "message_id": message_id, "to_email": f"member{n}@example.org"}
            for n, message_id in enumerate(sorted(ids))
        ]
        for start in range(0, len(rows), 1000):
            db.session.execute(insert(OutboxMessage), rows[start : start + 1000])
        db.session.commit()
        db.engine.dispose()


def sent_rows(app) -> int:
    from sqlalchemy import func, select

    from matchmaker.extensions import db
    from matchmaker.models import OutboxMessage

    with app.app_context():
        count = db.session.scalar(
            select(func.count()).where(OutboxMessage.status == "sent")
        )
        db.session.remove()
        db.engine.dispose()
    return int(count)


class Drainer:
    def __init__(self, env: dict, log: Path):
        self.log_path = log
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "drain",
             "--interval", "0.2"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def ready(self) -> bool:
        return "Drainer started" in self.log_path.read_text()

    def stop(self, signum=signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def run_once(database: str, url: str, drainers: int, killed: bool, count: int,
             sink: CountingSink, workdir: Path) -> dict:
    instance = workdir / "instance"
    app, ids = prepare_database(url, instance, count)
    env = {
        **os.environ,
        "MATCHMAKER_ENV": "development",
        "MATCHMAKER_DATABASE_URL": url,
        "MATCHMAKER_INSTANCE_DIR": str(instance),
        "MATCHMAKER_DEFAULT_LOCALE": "en",
        "MATCHMAKER_MAIL_BACKEND": "smtp",
        "MATCHMAKER_MAIL_SMTP_HOST": "127.0.0.1",
        "MATCHMAKER_MAIL_SMTP_PORT": str(sink.port),
        "MATCHMAKER_MAIL_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    sink.take()
    running = [Drainer(env, workdir / f"drainer-{i}.log") for i in range(drainers)]
    try:
        if not wait_until(lambda: all(d.ready() for d in running), 60):
            raise RuntimeError("drainers did not start: see " + str(workdir))
        started = time.monotonic()
        queue_rows(app, ids)
        if killed:
            wait_until(lambda: sink.count() >= count // 3, 120)
            running[0].stop(signal.SIGKILL)
            running.append(Drainer(env, workdir / "drainer-replacement.log"))
        timeout = 60 + count / 20
        wait_until(lambda: sink.count() >= count, timeout)
        # Every row recorded as sent too (a killed drainer's in-flight row is sent again once
        # its claim ends), then a moment for anything that would arrive twice.
        deadline = time.monotonic() + timeout
        while sent_rows(app) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)
    finally:
        for drainer in running:
            drainer.stop()

    arrivals = sink.take()
    received = Counter(message_id for _arrived, message_id in arrivals)
    unique = len(set(received) & ids)
    first_arrival: dict[str, float] = {}
    for arrived, message_id in arrivals:
        first_arrival.setdefault(message_id, arrived)
    finished = max(first_arrival.values(), default=started)
    return {
        "database": database,
        "drainers": drainers,
        "killed": killed,
        "queued": count,
        "delivered_unique": unique,
        "duplicates": sum(received.values()) - len(received),
        "lost": count - unique,
        "msgs_per_s": round(unique / (finished - started), 1),
    }


def main() -> int:
    # Stop cleanly (drainers, the throwaway PostgreSQL) on SIGTERM, and on Ctrl-C even when
    # started in the background of a shell that ignores SIGINT there.
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--drainers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()

    sink = CountingSink()
    sink.controller.start()
    postgres = ThrowawayPostgres().start() if "postgresql" in args.databases else None
    runs = []
    try:
        reference = reference_rate(sink.port, min(args.messages, 5000))
        sink.take()
        print(f"reference: one bare SMTP client, no database: {reference:,.0f} msgs/s")
        print(f"{'database':<11} {'drainers':>8} {'killed':>6} {'queued':>7} {'unique':>7} "
              f"{'dupl.':>5} {'lost':>5} {'msgs/s':>8}")
        number = 0
        for database in args.databases:
            for drainers in args.drainers:
                for killed in (False, True):
                    number += 1
                    with tempfile.TemporaryDirectory(prefix="outbox-bench-") as folder:
                        workdir = Path(folder)
                        if database == "sqlite":
                            url = f"sqlite:///{workdir / 'bench.db'}"
                        else:
                            url = postgres.create_database(f"bench_{number}")
                        run = run_once(database, url, drainers, killed, args.messages, sink,
                                       workdir)
                    runs.append(run)
                    print(f"{run['database']:<11} {run['drainers']:>8} "
                          f"{'yes' if killed else 'no':>6} {run['queued']:>7} "
                          f"{run['delivered_unique']:>7} {run['duplicates']:>5} "
                          f"{run['lost']:>5} {run['msgs_per_s']:>8,.0f}", flush=True)
    finally:
        if postgres is not None:
            postgres.stop()
        sink.controller.stop()

    lost = sum(run["lost"] for run in runs)
    clean_duplicates = sum(run["duplicates"] for run in runs if not run["killed"])
    best_pg = max(
        (run["msgs_per_s"] for run in runs
         if run["database"] == "postgresql" and run["drainers"] == 4 and not run["killed"]),
        default=None,
    )
    print(f"lost everywhere: {lost} (target 0); duplicates in clean runs: {clean_duplicates} "
          f"(target 0)")
    if best_pg is not None:
        print(f"PostgreSQL, 4 drainers: {best_pg:,.0f} msgs/s (target 500; "
              f"{best_pg / reference:.0%} of the bare SMTP client)")
    if args.json:
        print(json.dumps({"reference_msgs_per_s": round(reference, 1), "runs": runs}))
    ok = lost == 0 and clean_duplicates == 0 and (best_pg is None or best_pg >= 500)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
