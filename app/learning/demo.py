"""Demo data for the learning side: the bundled course, a cohort, enrolled demo students."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from app.extensions import db
from app.learning.models import Course


def load_demo_course(session) -> None:
    from app.auth import services as accounts
    from app.cohorts import services as cohorts
    from app.cohorts.models import Cohort
    from app.learning.content.importer import import_course
    from app.learning.content.spec import read_course

    folder = Path(current_app.config["COURSES_DIR"]) / "fact-checking"
    spec = read_course(folder)
    if spec.errors:
        raise click.ClickException("the bundled course has errors: run `flask courses validate`")
    course = session.get(Course, import_course(spec).course_id)
    cohort = session.scalar(db.select(Cohort).where(Cohort.course_id == course.id))
    if cohort is None:
        cohort = cohorts.create_cohort(course, "Demo cohort 2026", default_locale="kk")
    for email in (
        "student@demo.tekser.kz",
        "student.ru@demo.tekser.kz",
        "student.en@demo.tekser.kz",
    ):
        cohorts.enrol(accounts.find_by_email(email), cohort)
    cohorts.assign_reviewer(cohort, accounts.find_by_email("reviewer@demo.tekser.kz"))
    click.echo(
        f"Demo cohort invite link: {current_app.config['BASE_URL']}/join/{cohort.invite_code}"
    )
