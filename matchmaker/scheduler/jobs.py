"""Every scheduled job, one line each. A feature adds its job here:

    Job("expire-introductions", "matchmaker.services.introductions:expire_stale", every(hours=1)),

The target is a service function taking no arguments: it owns its transaction, and must be
safe if a second scheduler runs it too (mail goes through the outbox, whose dedupe keys and
claims make that harmless). Triggers: ``every(seconds=…)``/``every("SETTING")``, ``cron(…)``
(Europe/Paris). ``run_at_start=True`` also runs it once when the scheduler starts.
"""

from __future__ import annotations

from matchmaker.scheduler.registry import Job, cron, every

JOBS: list[Job] = [
    Job("drain-outbox", "matchmaker.services.outbox:scheduled_drain",
        every("MAIL_DRAIN_INTERVAL_SECONDS"), run_at_start=True, quiet=True),
    # Hourly, so that a scheduler that was down at the digest hour catches up (once a week).
    Job("weekly-digests", "matchmaker.services.digests:send_due_digests", every(hours=1),
        run_at_start=True, quiet=True),
    # Reminders to those who said yes, and after an event: no-shows and the "who did you
    # meet?" form. Dedupe keys make a second run (or a second scheduler) harmless.
    Job("event-reminders", "matchmaker.services.event_invitations:send_due_reminders",
        every(minutes=15), run_at_start=True, quiet=True),
    Job("event-follow-up", "matchmaker.services.event_attendance:follow_up_past_events",
        every(minutes=30), run_at_start=True, quiet=True),
    # Requests unanswered for a week get one reminder; after two weeks they expire.
    Job("remind-introductions", "matchmaker.services.introductions:send_reminders",
        every(hours=1), run_at_start=True, quiet=True),
    Job("expire-introductions", "matchmaker.services.introductions:expire_stale",
        every(hours=1), run_at_start=True, quiet=True),
    # Profiles saved since: their suggestions against the fitted index, within seconds.
    Job("matching-refresh", "matchmaker.services.matching:refresh_pending",
        every("MATCHING_REFRESH_INTERVAL_SECONDS"), quiet=True),
    # A full rebuild when never built, asked for (weights, concepts) or after many changes.
    Job("matching-rebuild-if-due", "matchmaker.services.matching:rebuild_if_due", every(minutes=1),
        run_at_start=True, quiet=True),
    Job("matching-nightly-rebuild", "matchmaker.services.matching:nightly_rebuild",
        cron(hour=3, minute=30)),
]
