"""Building and running the BlockingScheduler: in-memory job store, jobs from code.

An in-memory store is deliberate: a shared persistent job store runs jobs twice across
processes and drops missed ones. Jobs are cheap to re-create at start, and anything that must
not be lost or doubled (mail) is a row in the outbox, not a job.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from matchmaker.extensions import db
from matchmaker.lifecycle import stop_on_signals
from matchmaker.scheduler.registry import TIMEZONE, Job

log = logging.getLogger("matchmaker.scheduler")

class _Running:
    """Counts jobs in flight, so that a stop waits for them to finish."""

    def __init__(self) -> None:
        self.count = 0
        self.condition = threading.Condition()

    def __enter__(self):
        with self.condition:
            self.count += 1

    def __exit__(self, *exc_info):
        with self.condition:
            self.count -= 1
            self.condition.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self.condition:
            return self.condition.wait_for(lambda: self.count == 0, timeout=timeout)


_running = _Running()


def run_job(app: Flask, job: Job) -> object:
    """Run one job in its own app context, logging the run; an error is logged, not raised."""
    started = time.monotonic()
    with _running, app.app_context():
        try:
            result = job.resolve()()
        except Exception:
            db.session.rollback()
            log.exception("Job %s failed after %.2f s", job.id, time.monotonic() - started)
            return None
        level = logging.DEBUG if job.quiet and not result else logging.INFO
        log.log(level, "Job %s ran in %.2f s: %s", job.id, time.monotonic() - started, result)
        return result


def build_scheduler(app: Flask, jobs: list[Job]) -> BlockingScheduler:
    # Missed runs collapse into one, a job never overlaps itself, and a run late by more than
    # the grace time (the process was suspended) is skipped until its next time.
    job_options = {
        "coalesce": True,
        "max_instances": 1,
        "misfire_grace_time": app.config["SCHEDULER_MISFIRE_GRACE_SECONDS"],
    }
    scheduler = BlockingScheduler(
        timezone=TIMEZONE,
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        job_defaults=job_options,
    )
    for job in jobs:
        job.resolve()  # a typo in a target stops the start, not a run at 3 a.m.
        options = dict(job_options)
        if job.run_at_start:
            options["next_run_time"] = datetime.now(scheduler.timezone)
        scheduler.add_job(
            run_job,
            trigger=job.when.trigger(app.config),
            args=(app, job),
            id=job.id,
            name=job.id,
            replace_existing=True,
            **options,
        )
    return scheduler


def run(app: Flask, jobs: list[Job], *, stop_timeout: float = 60.0) -> None:
    """Run until SIGTERM or SIGINT; then let running jobs finish (up to ``stop_timeout``)."""
    scheduler = build_scheduler(app, jobs)
    with stop_on_signals(on_stop=lambda: scheduler.shutdown(wait=False)):
        log.info("Scheduler started with %d jobs: %s", len(jobs), ", ".join(j.id for j in jobs))
        try:
            scheduler.start()
        finally:
            if not _running.wait_idle(stop_timeout):
                log.warning("Jobs still running after %.0f s; leaving them", stop_timeout)
    log.info("Scheduler stopped")
