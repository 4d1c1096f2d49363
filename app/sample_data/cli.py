"""``flask demo`` (a working instance to look at, with printed demo credentials) and ``flask
seed`` (a realistic large cohort, to see the dashboards at scale)."""

from __future__ import annotations

import random

import click
from flask.cli import AppGroup, with_appcontext

from app.extensions import db
from app.learning.models import Course
from app.sample_data.demo import DEMO_PASSWORD, DEMO_USERS, load_demo_course, load_demo_users
from app.sample_data.seed import seed_cohort
from app.unit_of_work import commit

demo = AppGroup("demo", help="Demo data for trying Tekser out.")


@demo.command("load")
def load() -> None:
    """Create demo accounts (idempotent) and print how to log in."""
    load_demo_users()
    load_demo_course(db.session)
    commit()
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email, _name, roles, locale in DEMO_USERS:
        click.echo(f"  {email:<28} {', '.join(roles):<10} {locale}")


@click.command("seed")
@click.option("--students", default=1000, show_default=True, type=click.IntRange(1, 200_000))
@click.option("--course", "course_slug", help="The course's slug (default: the first course).")
@click.option("--name", help="The new cohort's name.")
@click.option("--reviewers", default=2, show_default=True, type=click.IntRange(0, 50))
@click.option("--random-seed", type=int, help="Make the same data again.")
@with_appcontext
def seed(
    students: int, course_slug: str | None, name: str | None, reviewers: int, random_seed
) -> None:
    """Create a cohort of STUDENTS with progress, quiz attempts, homework and reviews."""
    query = db.select(Course).order_by(Course.id).limit(1)
    if course_slug:
        query = db.select(Course).where(Course.slug == course_slug)
    course = db.session.scalar(query)
    if course is None:
        raise click.ClickException("no course; import one first: flask courses import ...")
    with click.progressbar(length=students, label="students") as bar:
        cohort = seed_cohort(
            course,
            students,
            name=name,
            reviewers=reviewers,
            rng=random.Random(random_seed),  # noqa: S311 (made-up data)
            progress=bar.update,
        )
    commit()
    if db.engine.dialect.name == "postgresql":
        # Fresh planner statistics: without them a bulk load can get slow query plans.
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    click.echo(f"cohort {cohort.id} {cohort.name!r}: {students} students")
