"""``flask cohorts``: cohorts from the command line (the admin screens do the same)."""

from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.learning.models import Course

cohorts = AppGroup("cohorts", help="Create cohorts and enrol students.")


def _date(_ctx, _param, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("use YYYY-MM-DD") from exc


@cohorts.command("create")
@click.option("--course", "course_slug", required=True, help="The course's slug.")
@click.option("--name", required=True)
@click.option("--starts", callback=_date, help="YYYY-MM-DD")
@click.option("--ends", callback=_date, help="YYYY-MM-DD")
@click.option("--locale", type=click.Choice(["kk", "ru", "en"]), default="kk")
@click.option("--open-all", is_flag=True, help="Open every module at once.")
def create(course_slug: str, name: str, starts, ends, locale: str, open_all: bool) -> None:
    """Create a cohort and print its invite link."""
    from app.cli import commit
    from app.cohorts import services

    course = db.session.scalar(db.select(Course).where(Course.slug == course_slug))
    if course is None:
        raise click.ClickException(f"no course {course_slug!r}; import it first")
    if ends and starts and ends < starts:
        raise click.ClickException("the end date is before the start date")
    cohort = services.create_cohort(
        course, name, starts_on=starts, ends_on=ends, default_locale=locale, sequential=not open_all
    )
    commit()
    click.echo(
        f"cohort {cohort.id} {cohort.name!r}: invite link "
        f"{current_app.config['BASE_URL']}/join/{cohort.invite_code}"
    )
