"""The scheduler: jobs from the registry, isolated failures, never inside the web app; digests."""

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import MailCategory, MailPreference, OutboxMessage, Suggestion
from matchmaker.scheduler import Job, cron, every
from matchmaker.scheduler.jobs import JOBS
from matchmaker.scheduler.runner import build_scheduler, run_job
from matchmaker.services.digests import digest_slot, send_due_digests
from tests.support.factories import make_organisation, make_person

CALLS: list[str] = []


def records_a_call():
    CALLS.append("ran")
    return "done"


def always_fails():
    raise RuntimeError("boom")


def test_registered_jobs_resolve_and_build_with_the_required_options(app):
    scheduler = build_scheduler(app, JOBS)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {"drain-outbox", "weekly-digests"} <= set(jobs)
    for job in jobs.values():
        assert job.coalesce is True and job.max_instances == 1
        assert job.misfire_grace_time == app.config["SCHEDULER_MISFIRE_GRACE_SECONDS"]
    drain_trigger = jobs["drain-outbox"].trigger
    assert isinstance(drain_trigger, IntervalTrigger)
    assert drain_trigger.interval == timedelta(seconds=app.config["MAIL_DRAIN_INTERVAL_SECONDS"])
    assert str(scheduler.timezone) == "Europe/Paris"


def test_a_job_is_one_line_with_a_trigger(app):
    job = Job("nightly", "tests.test_scheduler:records_a_call", cron(hour=3, minute=15))
    trigger = job.when.trigger(app.config)
    assert isinstance(trigger, CronTrigger) and str(trigger.timezone) == "Europe/Paris"
    assert every(minutes=5).trigger(app.config).interval == timedelta(minutes=5)
    with pytest.raises(LookupError):
        build_scheduler(app, [Job("typo", "tests.test_scheduler:no_such_function", every(hours=1))])
    with pytest.raises(ValueError):
        every()


def test_a_failing_job_is_logged_and_the_next_one_still_runs(app, caplog):
    CALLS.clear()
    caplog.set_level(logging.INFO, logger="matchmaker.scheduler")
    failing = Job("fails", "tests.test_scheduler:always_fails", every(seconds=1))
    working = Job("works", "tests.test_scheduler:records_a_call", every(seconds=1))

    # Jobs run in the scheduler's worker threads, outside any request or app context.
    results = []
    thread = threading.Thread(
        target=lambda: results.extend([run_job(app, failing), run_job(app, working)])
    )
    thread.start()
    thread.join(10)

    assert results == [None, "done"] and CALLS == ["ran"]
    failure = next(r for r in caplog.records if "Job fails failed" in r.getMessage())
    assert failure.levelno == logging.ERROR and "boom" in failure.exc_text
    assert any("Job works ran" in r.getMessage() for r in caplog.records)


def test_the_web_app_starts_no_scheduler(app, client):
    before = {t.name for t in threading.enumerate()}
    client.get("/")
    after = {t.name for t in threading.enumerate()}
    assert not any("APScheduler" in name or "ThreadPoolExecutor" in name for name in after - before)


def test_scheduler_jobs_command_lists_the_registry(runner):
    result = runner.invoke(args=["scheduler", "jobs"])
    assert result.exit_code == 0
    assert "drain-outbox" in result.output and "weekly-digests" in result.output


def test_run_job_command_drains_the_outbox(app, runner, mailbox):
    from matchmaker.mail import enqueue

    enqueue(template="outbox_test", person=make_person(), context={"address": "x"})
    db.session.commit()
    result = runner.invoke(args=["scheduler", "run-job", "drain-outbox"])
    assert result.exit_code == 0, result.output
    assert len(mailbox.sent) == 1


# -- digests -------------------------------------------------------------------------------

MONDAY_9_PARIS = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def suggest(person, candidate, when, rank=1):
    db.session.add(
        Suggestion(
            source_kind="person",
            source_id=person.id,
            candidate_kind="person",
            candidate_id=candidate.id,
            rank=rank,
            score=0.5,
            reasons=[{"channel": "expertise", "term": "bioreactors", "weight": 0.8}],
            first_seen_at=when,
        )
    )
    db.session.commit()


def opt_in(person):
    db.session.add(
        MailPreference(person_id=person.id, category=MailCategory.DIGESTS, subscribed=True)
    )
    db.session.commit()


def test_digest_slot_is_the_last_weekday_hour_in_paris():
    assert digest_slot(MONDAY_9_PARIS, 0, 8) == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    assert digest_slot(MONDAY_9_PARIS - timedelta(hours=2), 0, 8) == datetime(
        2026, 11, 16, 7, 0, tzinfo=UTC
    )
    # Summer time: 08:00 in Paris is 06:00 UTC.
    assert digest_slot(datetime(2026, 7, 1, tzinfo=UTC), 0, 8) == datetime(
        2026, 6, 29, 6, 0, tzinfo=UTC
    )


def test_digest_goes_once_a_week_to_opted_in_members_with_something_new(app, mailbox):
    organisation = make_organisation(name="Nantes Biotherapies")
    candidate = make_person(full_name="Dr Candidate", organisation=organisation)
    hidden = make_person(full_name="Dr Hidden", visibility="hidden")
    keen = make_person(email="keen@example.org")
    idle = make_person(email="idle@example.org")  # opted in, nothing new
    not_opted = make_person(email="quiet@example.org")
    for person in (keen, idle):
        opt_in(person)
    suggest(keen, candidate, MONDAY_9_PARIS - timedelta(days=2))
    suggest(keen, hidden, MONDAY_9_PARIS - timedelta(days=2), rank=2)
    suggest(not_opted, candidate, MONDAY_9_PARIS - timedelta(days=2))

    assert send_due_digests(now=MONDAY_9_PARIS) == 1
    # A second scheduler, or the next hourly run, sends nothing more this week.
    assert send_due_digests(now=MONDAY_9_PARIS + timedelta(minutes=1)) == 0
    assert send_due_digests(now=MONDAY_9_PARIS + timedelta(hours=3)) == 0

    (message,) = mailbox.drain()
    assert message["To"].endswith("<keen@example.org>")
    body = message.get_body(("plain",)).get_content()
    assert "Dr Candidate (Nantes Biotherapies)" in body
    assert "bioreactors" in body
    assert "Dr Hidden" not in body
    preference = db.session.scalar(
        select(MailPreference).where(MailPreference.person_id == keen.id)
    )
    assert preference.last_sent_at == MONDAY_9_PARIS

    # Next week: only what is new since the last digest.
    later = make_person(full_name="Dr Newcomer")
    suggest(keen, later, MONDAY_9_PARIS + timedelta(days=3))
    next_week = MONDAY_9_PARIS + timedelta(days=7)
    assert send_due_digests(now=next_week - timedelta(days=1)) == 0  # not the digest day
    assert send_due_digests(now=next_week) == 1
    (_, second) = mailbox.drain()
    body = second.get_body(("plain",)).get_content()
    assert "Dr Newcomer" in body and "Dr Candidate" not in body


def test_digest_catches_up_within_a_day_but_not_later(app):
    keen = make_person()
    opt_in(keen)
    suggest(keen, make_person(), MONDAY_9_PARIS - timedelta(days=1))
    assert send_due_digests(now=MONDAY_9_PARIS + timedelta(days=2)) == 0
    assert send_due_digests(now=MONDAY_9_PARIS + timedelta(hours=20)) == 1
    assert db.session.scalar(select(OutboxMessage.dedupe_key)).startswith(f"digest:{keen.id}:")


def test_no_digest_after_withdrawing_consent(app):
    keen = make_person()
    opt_in(keen)
    suggest(keen, make_person(), MONDAY_9_PARIS - timedelta(days=1))
    keen.consent_matching = False
    db.session.commit()
    assert send_due_digests(now=MONDAY_9_PARIS) == 0
