"""The scheduler process: ``flask --app wsgi scheduler run``. Never started by the web app.

Jobs are listed in :mod:`matchmaker.scheduler.jobs` (one line each) and only call services.
"""

from matchmaker.scheduler.registry import Job, cron, every

__all__ = ["Job", "cron", "every"]
