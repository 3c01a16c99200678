"""``flask --app wsgi matching …``: rebuild, status, one party's suggestions, export."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext
from flask_babel import format_datetime
from flask_babel import gettext as _

from matchmaker.exports import csv_text
from matchmaker.extensions import db
from matchmaker.models import Organisation, Person
from matchmaker.services import matching
from matchmaker.services.suggestions import (
    EXPORT_COLUMNS,
    ReasonContext,
    export_organisation_suggestions,
    render_reasons,
)


class StageProgress:
    """One progress bar per stage of a long job (reading, fitting, ranking...), on stderr."""

    def __init__(self) -> None:
        self.label: str | None = None
        self.bar = None
        self.done = 0

    def __call__(self, label: str, done: int, total: int) -> None:
        if label != self.label:
            self.close()
            self.label, self.done = label, 0
            self.bar = click.progressbar(
                length=max(total, 1), label=label.ljust(12), show_pos=True, file=sys.stderr
            )
            self.bar.__enter__()
        if self.bar is not None and done > self.done:
            self.bar.update(done - self.done)
            self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.group("matching", help="The matching engine: rebuild and inspect the suggestions.")
def matching_group() -> None:
    pass


@matching_group.command("rebuild")
@click.option("--if-needed", is_flag=True, help="Only when a rebuild is due (never built...).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@with_appcontext
def rebuild_command(if_needed: bool, quiet: bool) -> None:
    """Refit the engine on every profile and store everyone's suggestions."""
    if if_needed:
        reason = matching.rebuild_due()
        if reason is None:
            click.echo(_("The suggestions are up to date: no rebuild needed."))
            return
    progress = None if quiet else StageProgress()
    try:
        run = matching.rebuild(trigger="command", progress=progress)
    except matching.RebuildRunning as error:
        raise click.ClickException(str(error)) from None
    finally:
        if progress is not None:
            progress.close()
    click.echo(
        _(
            "Rebuilt in %(seconds).1f s: %(organisations)d organisations, %(people)d people, "
            "%(collaborations)d past collaborations, %(suggestions)d suggestions.",
            seconds=run.duration_seconds,
            organisations=run.organisations,
            people=run.people,
            collaborations=run.collaborations,
            suggestions=run.suggestions,
        )
    )


@matching_group.command("status")
@with_appcontext
def status_command() -> None:
    """The last rebuild, what changed since, and whether a rebuild is due."""
    status = matching.matching_status()
    run = status.last_run
    if run is None:
        click.echo(_("No rebuild has run yet."))
    else:
        click.echo(
            _(
                "Last rebuild: %(when)s (%(trigger)s), %(seconds).1f s, %(organisations)d "
                "organisations, %(people)d people, %(suggestions)d suggestions.",
                when=format_datetime(run.started_at, "short"),
                trigger=run.trigger,
                seconds=run.duration_seconds or 0,
                organisations=run.organisations,
                people=run.people,
                suggestions=run.suggestions,
            )
        )
    if status.running is not None:
        click.echo(
            _(
                "A rebuild is running since %(when)s.",
                when=format_datetime(status.running.started_at, "short"),
            )
        )
    click.echo(
        _(
            "Profiles: %(profiles)d; changed since the last rebuild: %(changed)d; waiting for a "
            "refresh: %(pending)d; stored suggestions: %(stored)d.",
            profiles=status.profiles,
            changed=status.changed_since_rebuild,
            pending=status.pending,
            stored=status.stored_suggestions,
        )
    )
    if status.rebuild_due:
        click.echo(_("A rebuild is due (%(reason)s).", reason=status.rebuild_due))


def _names(suggestions) -> dict[tuple[str, int], tuple[str, str | None]]:
    parties = [matching.parse_party_key(s.candidate) for s in suggestions]
    names: dict[tuple[str, int], tuple[str, str | None]] = {}
    for kind, party_id in parties:
        if kind == matching.ORGANISATION:
            organisation = db.session.get(Organisation, party_id)
            if organisation is not None:
                names[(kind, party_id)] = (organisation.name, organisation.external_id)
        else:
            person = db.session.get(Person, party_id)
            if person is not None:
                names[(kind, party_id)] = (person.full_name, None)
    return names


@matching_group.command("suggest")
@click.option("--org", "organisation_id", type=int, help="An organisation's id.")
@click.option("--person", "person_id", type=int, help="A person's id.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="One JSON object on standard output.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
@with_appcontext
def suggest_command(
    organisation_id: int | None, person_id: int | None, top: int, as_json: bool, lang: str
) -> None:
    """One organisation's or person's suggestions, computed now against the fitted index."""
    if (organisation_id is None) == (person_id is None):
        raise click.UsageError(_("Give either --org ID or --person ID."))
    kind = matching.ORGANISATION if organisation_id is not None else matching.PERSON
    party_id = organisation_id if organisation_id is not None else person_id
    try:
        found = matching.suggest_now(kind, party_id, top=top)
    except matching.MatchingError as error:
        raise click.ClickException(str(error)) from None
    names = _names(found)
    context = ReasonContext.for_reasons([matching.reasons_json(s) for s in found], lang)
    results = []
    for rank, suggestion in enumerate(found, start=1):
        candidate_kind, candidate_id = matching.parse_party_key(suggestion.candidate)
        name, external_id = names.get((candidate_kind, candidate_id), ("", None))
        reasons = matching.reasons_json(suggestion)
        results.append(
            {
                "rank": rank,
                "kind": candidate_kind,
                "id": candidate_id,
                "external_id": external_id,
                "name": name,
                "score": round(float(suggestion.score), 6),
                "channels": suggestion.channels,
                "reasons": [line.text for line in render_reasons(reasons, lang, context)],
                "reason_terms": reasons,
            }
        )
    if as_json:
        click.echo(
            json.dumps(
                {"source": {"kind": kind, "id": party_id}, "suggestions": results},
                ensure_ascii=False,
            )
        )
        return
    if not results:
        click.echo(_("No suggestion."))
    for result in results:
        click.echo(
            f"{result['rank']:>3}. {result['name']} ({result['kind']} {result['id']})"
            f"  {result['score']:.3f}"
        )
        for line in result["reasons"]:
            click.echo(f"       {line}")


@matching_group.command("export")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="CSV file to write ('-' for standard output).",
)
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@with_appcontext
def export_command(top: int, out_path: str, lang: str, quiet: bool) -> None:
    """Every organisation's top suggestions (both directions) as CSV, one row per suggestion.

    Columns: source_id, source_external_id, candidate_id, candidate_external_id, rank, score,
    reasons.
    """
    progress = None if quiet or out_path == "-" else StageProgress()
    try:
        rows = export_organisation_suggestions(top, lang=lang, progress=progress)
    except matching.MatchingError as error:
        raise click.ClickException(str(error)) from None
    finally:
        if progress is not None:
            progress.close()
    text = csv_text(EXPORT_COLUMNS, rows)
    if out_path == "-":
        click.echo(text, nl=False)
        return
    with open(out_path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    sources = len({row[0] for row in rows})
    click.echo(
        _(
            "%(rows)d suggestions of %(sources)d organisations written to %(path)s.",
            rows=len(rows),
            sources=sources,
            path=out_path,
        )
    )
