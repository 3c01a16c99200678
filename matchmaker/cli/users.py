"""``flask --app wsgi users ...``: the first administrator, and roles from the command line."""

from __future__ import annotations

import sys
from typing import NoReturn

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from matchmaker.domain import ROLE_LABELS, Role
from matchmaker.services import accounts
from matchmaker.templating import label_of

users = AppGroup("users", help="Accounts: create the first administrator, change roles.")


def fail(message: str) -> NoReturn:
    click.echo(_("Error: %(message)s", message=message), err=True)
    raise click.exceptions.Exit(1)


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            fail(_("No password was given on standard input."))
        return password
    password = click.prompt(_("Password"), hide_input=True, prompt_suffix=": ")
    repeated = click.prompt(_("Repeat the password"), hide_input=True, prompt_suffix=": ")
    if password != repeated:
        fail(_("The two passwords do not match."))
    return password


@users.command("create-admin")
@click.argument("email")
@click.option("--name", default="", help="Full name shown on the profile.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
@click.option("--promote", is_flag=True, help="Make an existing account an administrator.")
def create_admin(email: str, name: str, password_stdin: bool, promote: bool) -> None:
    """Create a confirmed administrator account (or promote an existing one)."""
    existing = accounts.find_user_by_email(email)
    if existing is not None:
        if not promote:
            fail(
                _(
                    "An account already uses %(email)s. Add --promote to make it an administrator.",
                    email=existing.email,
                )
            )
        accounts.set_role(existing, Role.ADMIN)
        click.echo(_("%(email)s is now an administrator.", email=existing.email))
        return
    try:
        email = accounts.normalise_email(email)
        user = accounts.create_admin(email, read_password(password_stdin), full_name=name)
    except accounts.AccountError as error:
        fail(error.message)
    click.echo(_("Administrator %(email)s created. They can log in now.", email=user.email))


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice([role.value for role in Role]))
def set_role(email: str, role: str) -> None:
    """Make an account a member, an organiser or an administrator."""
    user = accounts.find_user_by_email(email)
    if user is None:
        fail(_("No account uses %(email)s.", email=email))
    try:
        accounts.set_role(user, role)
    except accounts.AccountError as error:
        fail(error.message)
    click.echo(
        _("%(email)s is now %(role)s.", email=user.email, role=label_of(ROLE_LABELS, role).lower())
    )
