"""``flask --app wsgi events ...``: create an event, generate its guest list as CSV."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from matchmaker.domain import FocusArea
from matchmaker.exports import csv_text
from matchmaker.models import EventKind
from matchmaker.services import event_guests, events

events_cli = AppGroup("events", help="Events: create one, generate its guest list.")


def fail(message: str) -> NoReturn:
    click.echo(_("Error: %(message)s", message=message), err=True)
    raise click.exceptions.Exit(1)


def parse_time(value: str | None, option: str) -> datetime | None:
    """An ISO date and time; without an offset it is Paris time."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        fail(
            _(
                "%(option)s: %(value)s is not a date and time like 2026-12-03T18:30.",
                option=option,
                value=value,
            )
        )
    try:
        return events.from_paris(parsed)
    except events.EventError as error:
        fail(f"{option}: {error.message}")


@events_cli.command("create")
@click.option(
    "--kind", type=click.Choice([kind.value for kind in EventKind]), default="afterwork",
    show_default=True,
)
@click.option("--title", required=True, help="The event's title.")
@click.option("--theme", default="", help="What the event is about (free text).")
@click.option("--start", "start", required=True, help="Start, e.g. 2026-12-03T18:30 (Paris).")
@click.option("--end", "end", default=None, help="End (default: three hours after the start).")
@click.option("--capacity", type=int, default=70, show_default=True)
@click.option(
    "--private-share", type=float, default=0.5, show_default=True,
    help="Target share of private guests, from 0 to 1.",
)
@click.option("--venue", default="")
@click.option("--address", default="")
@click.option(
    "--focus-area", "focus_areas", multiple=True,
    type=click.Choice([area.value for area in FocusArea]),
)
@click.option("--tag", "tags", multiple=True, help="A theme tag (repeat for several).")
@click.option("--registration-open", is_flag=True, help="Members may register themselves.")
def create(
    kind, title, theme, start, end, capacity, private_share, venue, address, focus_areas, tags,
    registration_open,
) -> None:
    """Create an event and print its id."""
    data = events.EventData(
        kind=kind,
        title=title,
        theme=theme,
        starts_at=parse_time(start, "--start"),
        ends_at=parse_time(end, "--end"),
        capacity=capacity,
        private_share=private_share,
        venue=venue,
        address=address,
        focus_areas=list(focus_areas),
        tag_labels=list(tags),
        registration_open=registration_open,
    )
    try:
        event = events.create_event(data)
    except events.EventError as error:
        option = {"starts_at": "--start", "ends_at": "--end"}.get(error.field or "")
        option = option or "--" + (error.field or "").replace("_", "-")
        fail(f"{option}: {error.message}" if error.field else error.message)
    click.echo(event.id)


@events_cli.command("guestlist")
@click.argument("event_id", type=int)
@click.option(
    "--size", type=int, default=None, help="How many to invite (default: sized for no-shows)."
)
@click.option(
    "--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
    help="Write the CSV to this file instead of the standard output.",
)
def guestlist(event_id: int, size: int | None, out: Path | None) -> None:
    """Generate the event's guest list (locks kept) and write it as CSV."""
    try:
        result = event_guests.generate_guest_list(
            event_id, event_guests.GuestListOptions(size=size)
        )
    except events.EventNotFound:
        fail(_("No event has the id %(id)d.", id=event_id))
    except events.EventError as error:
        fail(error.message)
    for warning in result.warnings:
        click.echo(warning, err=True)
    locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    header, rows = event_guests.guest_list_csv(events.get_event(event_id), locale)
    text = csv_text(header, rows)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(
            _("%(num)d guests written to %(path)s.", num=len(rows), path=str(out)), err=True
        )
