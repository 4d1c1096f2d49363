"""Command-line tools: ``flask users``, ``flask translate``, ``flask demo`` and the domains' own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app import mail
from app.extensions import db
from app.languages import LANGUAGES
from app.policy import Role

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
POT = ROOT / "messages.pot"

users = AppGroup("users", help="Manage accounts.")
translate = AppGroup("translate", help="Extract, update and compile the kk/ru/en catalogs.")


def commit() -> None:
    """End a command the way a request ends: one commit, then files and the queued mail."""
    from app import storage

    try:
        db.session.commit()
    except Exception:
        storage.on_rollback()
        raise
    storage.on_commit()
    mail.deliver_queued()


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
    from app.auth import services

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
    from app.auth import services

    try:
        user = services.find_by_email(services.normalise_email(email))
        if user is None:
            raise click.ClickException(f"no account with {email}")
        services.set_roles(user, [Role(r) for r in roles])
    except services.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    commit()
    click.echo(f"{user.email}: {', '.join(sorted(user.roles))}")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)  # noqa: S603


@translate.command("extract")
def extract() -> None:
    """Collect the translatable strings into messages.pot."""
    _pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "--sort-output",
        "--omit-header",
        "-o",
        str(POT),
        str(ROOT),
    )


@translate.command("update")
def update() -> None:
    """Extract, then merge new strings into the kk and ru catalogs."""
    extract.callback()
    _pybabel(
        "update",
        "-i",
        str(POT),
        "-d",
        str(TRANSLATIONS),
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )


@translate.command("compile")
def compile_() -> None:
    """Compile the catalogs into .mo files."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--use-fuzzy")


@translate.command("init")
@click.argument("lang")
def init(lang: str) -> None:
    """Start a catalog for a new language."""
    extract.callback()
    _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang)


def register(app: Flask) -> None:
    from app.admin.cli import seed
    from app.certificates.cli import certificates
    from app.cohorts.cli import cohorts
    from app.demo import demo
    from app.homework.cli import homework
    from app.learning.cli import courses
    from app.review.cli import review

    app.cli.add_command(courses)
    app.cli.add_command(cohorts)
    app.cli.add_command(review)
    app.cli.add_command(homework)
    app.cli.add_command(certificates)
    app.cli.add_command(seed)
    app.cli.add_command(users)
    app.cli.add_command(translate)
    app.cli.add_command(demo)
