"""Learning fixtures: a small course built straight in the database (the importer has its own
tests), a cohort, and enrolled students."""

from __future__ import annotations

import pytest

from app.cohorts import services as cohorts
from app.cohorts.models import Cohort
from app.extensions import db
from app.learning.models import Course, Module, QuizQuestion


def _t(text: str) -> dict[str, str]:
    return {"kk": f"{text} (kk)", "ru": f"{text} (ru)", "en": text}


def build_course(
    modules: int = 3, *, slug: str = "demo", sequential: bool = True, pass_mark: int = 60
) -> Course:
    course = Course(
        slug=slug,
        title=_t("Demo course"),
        summary=_t("About it"),
        organisation=_t("Org"),
        quiz_pass_mark=pass_mark,
        sequential=sequential,
        video_watched_share=0.9,
    )
    db.session.add(course)
    db.session.flush()
    for n in range(1, modules + 1):
        module = Module(
            course_id=course.id,
            slug=f"m{n}",
            position=n,
            title=_t(f"Module {n}"),
            summary=_t("Summary"),
            lesson_html={"en": f"<p>Lesson {n}</p>", "ru": f"<p>Урок {n}</p>"},
            homework_html={"en": "<p>Brief</p>"},
            captions={"en": "WEBVTT\n\n00:00.000 --> 00:02.000\nHello\n"},
            transcript={"en": ["Hello"]},
            video_duration=100,
        )
        db.session.add(module)
        db.session.flush()
        for i, (correct, options) in enumerate([(["a"], "abc"), (["b", "c"], "abcd")], 1):
            db.session.add(
                QuizQuestion(
                    module_id=module.id,
                    key=f"q{i}",
                    position=i,
                    text=_t(f"Question {i}"),
                    options=[{"id": o, "text": _t(f"Option {o}")} for o in options],
                    correct=correct,
                    explanation=_t(f"Because {i}"),
                )
            )
    db.session.flush()
    return course


@pytest.fixture
def make_course(app):
    def make(**kwargs):
        with app.app_context():
            course = build_course(**kwargs)
            cohort = cohorts.create_cohort(course, "Cohort A")
            db.session.commit()
            return course.id, cohort.id

    return make


@pytest.fixture
def course(make_course):
    """(course_id, cohort_id) of a three-module course in order."""
    return make_course()


@pytest.fixture
def enrol(app):
    def do(user, cohort_id):
        with app.app_context():
            cohorts.enrol(user, db.session.get(Cohort, cohort_id))
            db.session.commit()

    return do


@pytest.fixture
def student(make_user, enrol, course):
    user = make_user()
    enrol(user, course[1])
    return user
