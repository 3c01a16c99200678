"""``flask --app wsgi import organisations|collaborations FILE.csv``: bulk imports."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from matchmaker.cli.matching import StageProgress
from matchmaker.services import imports


@click.group(
    "import",
    help="Import organisations and past collaborations from CSV files (UTF-8, comma or "
    "semicolon separated). Every row is checked first; nothing is written while a row is "
    "invalid, unless --skip-invalid.",
)
def import_group() -> None:
    pass


def _print_problems(report: imports.ImportReport) -> None:
    for problem in report.errors:
        where = _("line %(line)d", line=problem.line) if problem.line else _("file")
        column = f" [{problem.column}]" if problem.column else ""
        click.echo(f"{where}{column}: {problem.message}", err=True)
    for problem in report.warnings:
        where = _("line %(line)d", line=problem.line) if problem.line else _("file")
        click.echo(
            _("%(where)s (warning): %(message)s", where=where, message=problem.message), err=True
        )


def _run(what: str, path: str, dry_run: bool, skip_invalid: bool, quiet: bool) -> None:
    with open(path, "rb") as handle:
        data = handle.read()
    _check, run_import = imports.IMPORTERS[what]
    progress = None if quiet else StageProgress()
    try:
        report = run_import(data, skip_invalid=skip_invalid, dry_run=dry_run, progress=progress)
    except imports.ImportRefused as refused:
        if progress is not None:
            progress.close()
        _print_problems(refused.report)
        click.echo(refused.report.summary(), err=True)
        if not refused.report.file_errors:
            click.echo(_("Fix the rows above, or run again with --skip-invalid."), err=True)
        raise click.ClickException(str(refused)) from None
    if progress is not None:
        progress.close()
    _print_problems(report)
    if report.dry_run:
        click.echo(_("Dry run, nothing written: %(summary)s", summary=report.summary()))
    else:
        click.echo(
            _(
                "Imported in %(seconds).1f s: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged, %(invalid)d invalid rows skipped.",
                seconds=report.seconds,
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
                invalid=report.invalid_rows,
            )
        )


_options = [
    click.argument("path", type=click.Path(exists=True, dir_okay=False)),
    click.option("--dry-run", is_flag=True, help="Check and count, write nothing."),
    click.option("--skip-invalid", is_flag=True, help="Import the valid rows, skip the others."),
    click.option("--quiet", is_flag=True, help="No progress bar."),
]


def _with_options(command):
    for option in reversed(_options):
        command = option(command)
    return command


@import_group.command("organisations")
@_with_options
@with_appcontext
def organisations_command(path: str, dry_run: bool, skip_invalid: bool, quiet: bool) -> None:
    """Organisations: external_id,name,kind,region,city,website,description,offer,looking_for,
    tags,focus_areas (tags and focus areas separated by ";"). Re-importing updates by
    external_id."""
    _run("organisations", path, dry_run, skip_invalid, quiet)


@import_group.command("collaborations")
@_with_options
@with_appcontext
def collaborations_command(path: str, dry_run: bool, skip_invalid: bool, quiet: bool) -> None:
    """Past collaborations between imported organisations:
    source_external_id,candidate_external_id,year."""
    _run("collaborations", path, dry_run, skip_invalid, quiet)
