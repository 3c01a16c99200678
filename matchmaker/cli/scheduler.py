"""``flask --app wsgi scheduler …``: the process that runs periodic jobs."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from matchmaker.cli.outbox import configure_logging
from matchmaker.scheduler import runner
from matchmaker.scheduler.jobs import JOBS


@click.group("scheduler", help="Periodic jobs: mail, digests, and what features add.")
def scheduler() -> None:
    pass


@scheduler.command("run")
@with_appcontext
def run_command() -> None:
    """Run the jobs until SIGTERM or Ctrl-C. One per deployment; a second one sends nothing
    twice (the outbox sees to that), it only wastes work."""
    configure_logging()
    runner.run(current_app._get_current_object(), JOBS)


@scheduler.command("jobs")
def jobs_command() -> None:
    """List the registered jobs."""
    for job in JOBS:
        click.echo(f"{job.id:<24} {job.when!s:<40} {job.target}")


@scheduler.command("run-job")
@click.argument("job_id")
@with_appcontext
def run_job_command(job_id: str) -> None:
    """Run one job now, once."""
    configure_logging()
    for job in JOBS:
        if job.id == job_id:
            result = runner.run_job(current_app._get_current_object(), job)
            click.echo(str(result))
            return
    raise click.BadParameter(f"no job {job_id!r}", param_hint="JOB_ID")
