"""Command groups for ``flask --app wsgi ...``; each feature adds its group to the list."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from matchmaker.cli.demo import demo
    from matchmaker.cli.events import events_cli
    from matchmaker.cli.imports import import_group
    from matchmaker.cli.matching import matching_group
    from matchmaker.cli.outbox import outbox
    from matchmaker.cli.scheduler import scheduler
    from matchmaker.cli.users import users

    groups: list = [users, demo, outbox, scheduler, events_cli, matching_group, import_group]
    for group in groups:
        app.cli.add_command(group)
