"""``flask --app wsgi demo load [--seed N] [--if-empty]``: the demo cluster and its logins."""

from __future__ import annotations

import click
from flask_babel import gettext as _

from matchmaker.demo import DEFAULT_SEED, DemoLogin, load_demo
from matchmaker.services import matching


@click.group(help="The demo cluster: realistic organisations, people and accounts.")
def demo() -> None:
    pass


def _progress(items: list, label: str):
    return click.progressbar(items, label=label, show_pos=True)


def print_logins(logins: list[DemoLogin]) -> None:
    working = [login for login in logins if login.works]
    if not working:
        click.echo(_("No demo account in this database: its logins are not printed."))
        return
    click.echo(_("Demo logins (email / password):"))
    width = max(len(login.title) for login in working)
    for login in working:
        click.echo(f"  {login.title.ljust(width)}  {login.email} / {login.password}")
    for login in logins:
        if not login.works:
            click.echo(
                _(
                    "  %(role)s: %(email)s is missing or its password was changed.",
                    role=login.title,
                    email=login.email,
                )
            )


@demo.command("load")
@click.option(
    "--seed", default=DEFAULT_SEED, show_default=True, type=int, help="Same seed, same cluster."
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing (but print the logins) when organisations already exist.",
)
def load(seed: int, if_empty: bool) -> None:
    """Add the demo cluster; running it again adds nothing twice."""
    outcome = load_demo(seed, if_empty=if_empty, progress=_progress)
    if not outcome.loaded:
        click.echo(_("The database already has organisations: the demo was not loaded."))
    else:
        added = ", ".join(f"{n} {what}" for what, n in outcome.counts.items())
        click.echo(
            _(
                "Demo cluster loaded (seed %(seed)d): %(added)s.",
                seed=seed,
                added=added or _("nothing new"),
            )
        )
        # Members see suggestions on their first page: compute them now.
        if outcome.counts or matching.rebuild_due():
            run = matching.rebuild(trigger="demo")
            click.echo(
                _(
                    "Suggestions computed in %(seconds).1f s: %(num)d.",
                    seconds=run.duration_seconds,
                    num=run.suggestions,
                )
            )
    print_logins(outcome.logins)
