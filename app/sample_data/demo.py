"""Demo data: accounts with a printed password, the bundled course, a cohort, enrolled demo
students and one homework waiting for the demo reviewer (``flask demo load``; idempotent)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from app.auth import services as accounts
from app.cohorts import services as cohorts
from app.cohorts.models import Cohort
from app.extensions import db
from app.homework import services as homework
from app.homework.models import Verdict
from app.jobs import on_commit
from app.learning import services as learning
from app.learning.models import Course
from app.policy import Role

DEMO_PASSWORD = "tekser-demo-2026"  # noqa: S105  (printed for people trying the demo)
DEMO_USERS = [
    ("admin@demo.tekser.kz", "Әлия Сейітқызы", (Role.ADMIN,), "kk"),
    ("reviewer@demo.tekser.kz", "Ғалым Жұмабаев", (Role.REVIEWER,), "ru"),
    ("student@demo.tekser.kz", "Айгүл Өмірзақова", (Role.STUDENT,), "kk"),
    ("student.ru@demo.tekser.kz", "Ирина Ковалёва", (Role.STUDENT,), "ru"),
    ("student.en@demo.tekser.kz", "Daniyar Nurlanuly", (Role.STUDENT,), "en"),
]


def load_demo_users() -> None:
    for email, name, roles, locale in DEMO_USERS:
        if accounts.find_by_email(email) is None:
            accounts.create_user(
                email=email,
                name=name,
                password=DEMO_PASSWORD,
                roles=roles,
                locale=locale,
                verified=True,
            )


def load_demo_course(session) -> None:
    """The bundled course (imported again: idempotent), a cohort, the demo students in it."""
    folder = Path(current_app.config["COURSES_DIR"]) / "fact-checking"
    spec = learning.read_course(folder)
    if spec.errors:
        raise click.ClickException("the bundled course has errors: run `flask courses validate`")
    course = session.get(Course, learning.import_course(spec).course_id)
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
    _demo_homework(accounts.find_by_email("student.ru@demo.tekser.kz"), course, cohort)
    if current_app.config["NARRATE_ON_LOAD"]:
        # The narrated videos are made on the queue (make run's worker), not here: the site
        # serves at once and each module says its video is being prepared.
        on_commit(learning.render_course_videos, str(folder))
        click.echo("Narrated videos: being made in the background (flask courses render-videos)")
    click.echo(
        f"Demo cohort invite link: {current_app.config['BASE_URL']}/join/{cohort.invite_code}"
    )


def _demo_homework(student, course, cohort) -> None:
    """The Russian-speaking demo student has done module 1 and handed in the homework, so the
    demo reviewer has something in the queue."""
    module = course.modules[0]
    if homework.latest(student.id, module.id) is not None:
        return
    learning.mark_lesson_read(student.id, module)
    learning.pass_quiz(student.id, module)
    draft = homework.save_draft(
        student,
        module,
        cohort.id,
        homework.FactCheck(
            claim="В Telegram-канале пишут, что с 1 декабря в Алматы отменят бесплатный проезд "
            "для студентов.",
            claim_url="https://t.me/example_channel/1234",
            platform="Telegram",
            verdict=Verdict.FALSE,
            method="Поиск по сайту акимата и транспортной компании, поиск новостей за неделю, "
            "проверка канала (дата создания, прошлые посты).",
            reasoning="Ни акимат, ни оператор транспорта ничего такого не объявляли; канал "
            "создан месяц назад и уже публиковал выдуманные «решения».",
            evidence=[
                ("https://www.gov.kz/", "Официальные сообщения акимата: ничего об отмене"),
                ("https://web.archive.org/", "Архив поста на случай удаления"),
            ],
        ),
        language="ru",
    )
    homework.submit(student, draft)
