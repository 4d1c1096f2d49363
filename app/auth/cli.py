"""``flask users``: accounts from the command line (the first admin, say)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.auth import services
from app.languages import LANGUAGES
from app.policy import Role
from app.unit_of_work import commit

users = AppGroup("users", help="Manage accounts.")


@users.command("create")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice([r.value for r in Role]),
    default=[Role.STUDENT.value],
    show_default=True,
)
@click.option("--locale", type=click.Choice(LANGUAGES), default=None)
def create_user_command(
    email: str, name: str, password: str, roles: tuple[str, ...], locale: str | None
) -> None:
    """Create a confirmed account (for the first admin, say)."""
    try:
        email = services.normalise_email(email)
        if services.find_by_email(email):
            raise click.ClickException(f"an account with {email} exists already")
        user = services.create_user(
            email=email,
            name=name,
            password=password,
            roles=[Role(r) for r in roles],
            locale=locale,
            verified=True,
        )
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    commit()
    click.echo(f"created user {user.id} <{user.email}> with roles {', '.join(sorted(roles))}")


@users.command("set-role")
@click.argument("email")
@click.argument("roles", nargs=-1, required=True, type=click.Choice([r.value for r in Role]))
def set_role_command(email: str, roles: tuple[str, ...]) -> None:
    """Give EMAIL exactly ROLES (for example: set-role a@b.kz student reviewer)."""
    try:
        user = services.find_by_email(services.normalise_email(email))
        if user is None:
            raise click.ClickException(f"no account with {email}")
        services.set_roles(user, [Role(r) for r in roles])
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    commit()
    click.echo(f"{user.email}: {', '.join(sorted(user.roles))}")
