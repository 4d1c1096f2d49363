"""``flask demo``: a working instance to look at, with printed demo credentials."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.policy import Role

demo = AppGroup("demo", help="Demo data for trying Tekser out.")

DEMO_PASSWORD = "tekser-demo-2026"  # noqa: S105  (printed for people trying the demo)
DEMO_USERS = [
    ("admin@demo.tekser.kz", "Әлия Сейітқызы", (Role.ADMIN,), "kk"),
    ("reviewer@demo.tekser.kz", "Ғалым Жұмабаев", (Role.REVIEWER,), "ru"),
    ("student@demo.tekser.kz", "Айгүл Өмірзақова", (Role.STUDENT,), "kk"),
    ("student.ru@demo.tekser.kz", "Ирина Ковалёва", (Role.STUDENT,), "ru"),
    ("student.en@demo.tekser.kz", "Daniyar Nurlanuly", (Role.STUDENT,), "en"),
]


@demo.command("load")
def load() -> None:
    """Create demo accounts (idempotent) and print how to log in."""
    from app.auth import services
    from app.cli import commit

    for email, name, roles, locale in DEMO_USERS:
        if services.find_by_email(email) is None:
            services.create_user(
                email=email,
                name=name,
                password=DEMO_PASSWORD,
                roles=roles,
                locale=locale,
                verified=True,
            )
    _load_learning()
    commit()
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email, _name, roles, locale in DEMO_USERS:
        click.echo(f"  {email:<28} {', '.join(roles):<10} {locale}")


def _load_learning() -> None:
    """Hook for the learning domain's demo data (course import, cohort, enrolments)."""
    try:
        from app.learning.demo import load_demo_course
    except ImportError:
        return
    load_demo_course(db.session)
