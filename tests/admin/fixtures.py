"""Admin fixtures (imported by the admin, cohorts, reports and sample-data conftests): a course
with two cohorts, the people of the access matrix, and helpers that put progress straight into
the database (the learning and homework domains test the real paths)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from app.cohorts import services as cohorts
from app.cohorts import summary
from app.cohorts.models import Cohort, Enrolment
from app.db import utcnow
from app.extensions import db
from app.homework.models import Decision, Review, Status, Submission, Verdict
from app.learning.models import ModuleProgress, QuizAttempt
from app.policy import Role
from tests.fixtures.app import make_user_in, post_form
from tests.fixtures.course import build_course
from tests.fixtures.homework import add_rubric
from tests.fixtures.rollback import world_app, world_of


@dataclass
class Admin:
    course_id: int
    cohort_id: int
    other_cohort_id: int
    modules: list[int]
    people: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["people"][name]
        except KeyError:
            raise AttributeError(name) from None


@pytest.fixture
def app(request, tmp_path):
    """A test that uses ``world`` runs rolled back on the shared app, the world built once
    (tests/fixtures/app.py, ``world_app``); modules with threads or a second app use
    ``fresh_app``."""
    yield from world_app(request, tmp_path, "admin", build_world)


@pytest.fixture
def world(app) -> Admin:
    return world_of(app, "admin", build_world)


def build_world(app) -> Admin:
    """A three-module course with cohorts A and B; an admin, a reviewer of A, a reviewer of B,
    a student of A."""
    with app.app_context():
        course = build_course(3)
        for module in course.modules:
            add_rubric(module)
        a = cohorts.create_cohort(course, "Cohort A", default_locale="ru")
        b = cohorts.create_cohort(course, "Cohort B")
        db.session.commit()
        w = Admin(course.id, a.id, b.id, [m.id for m in course.modules])
    make_user = make_user_in(app)
    w.people = {
        "admin": make_user(Role.ADMIN, name="Admin One", email="admin@example.com"),
        "reviewer": make_user(Role.REVIEWER, name="Reviewer A", email="rev-a@example.com"),
        "other_reviewer": make_user(Role.REVIEWER, name="Reviewer B", email="rev-b@example.com"),
        "student": make_user(name="Student A", email="student-a@example.com"),
    }
    with app.app_context():
        cohorts.assign_reviewer(db.session.get(Cohort, w.cohort_id), w.reviewer)
        cohorts.assign_reviewer(db.session.get(Cohort, w.other_cohort_id), w.other_reviewer)
        cohorts.enrol(w.student, db.session.get(Cohort, w.cohort_id))
        db.session.commit()
    return w


@pytest.fixture
def as_admin(client, login, world):
    login(client, world.admin)
    return client


def csv_file(text: str | bytes, name: str = "students.csv", encoding: str = "utf-8"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return (io.BytesIO(data), name)


def upload(client, cohort_id: int, data: bytes | str, name: str = "students.csv", **kwargs):
    return post_form(
        client,
        f"/admin/cohorts/{cohort_id}/enrol",
        {"file": csv_file(data, name, **kwargs)},
        token_from=f"/admin/cohorts/{cohort_id}",
        content_type="multipart/form-data",
    )


# --- progress made straight in the database ----------------------------------------------------


def complete_module(
    user_id: int,
    module_id: int,
    cohort_id: int,
    reviewer_id: int,
    *,
    at=None,
    feedback_after=timedelta(hours=2),
) -> None:
    """Lesson read, quiz passed, homework accepted (after ``feedback_after``), module complete."""
    at = at or utcnow() - timedelta(days=1)
    db.session.add(
        ModuleProgress(
            user_id=user_id,
            module_id=module_id,
            started_at=at,
            last_activity_at=at,
            lesson_read_at=at,
            quiz_passed_at=at,
            quiz_attempts=1,
            completed_at=at + feedback_after,
            video_seconds=0,
        )
    )
    db.session.add(
        QuizAttempt(
            user_id=user_id,
            module_id=module_id,
            token=f"t{user_id}-{module_id}",
            submitted_at=at,
            answers={},
            score=2,
            total=2,
            passed=True,
        )
    )
    submission(
        user_id,
        module_id,
        cohort_id,
        Status.ACCEPTED,
        at=at,
        reviewer_id=reviewer_id,
        reviewed_at=at + feedback_after,
    )
    _resummarise(user_id)


def _resummarise(user_id: int) -> None:
    """Rows put straight into the database skip the services: bring the summary up to date."""
    db.session.flush()
    summary.recount(Enrolment.user_id == user_id)


def submission(
    user_id,
    module_id,
    cohort_id,
    status,
    *,
    at=None,
    reviewer_id=None,
    reviewed_at=None,
    attempt_no=1,
    claim_expires_at=None,
) -> Submission:
    at = at or utcnow() - timedelta(days=1)
    sub = Submission(
        user_id=user_id,
        module_id=module_id,
        cohort_id=cohort_id,
        attempt_no=attempt_no,
        status=status,
        language="ru",
        claim="Claim",
        verdict=Verdict.FALSE,
        submitted_at=None if status == Status.DRAFT else at,
        created_at=at,
        updated_at=at,
        reviewer_id=reviewer_id if reviewed_at else None,
        reviewed_at=reviewed_at,
        claimed_by_id=reviewer_id if status == Status.IN_REVIEW else None,
        claimed_at=at if status == Status.IN_REVIEW else None,
        claim_expires_at=claim_expires_at,
    )
    db.session.add(sub)
    db.session.flush()
    if reviewed_at:
        decision = Decision.ACCEPT if status == Status.ACCEPTED else Decision.RETURN
        db.session.add(
            Review(
                submission_id=sub.id,
                reviewer_id=reviewer_id,
                decision=decision,
                feedback="",
                created_at=reviewed_at,
            )
        )
        db.session.flush()
    _resummarise(user_id)
    return sub


def enrol_many(app, cohort_id: int, count: int, *, prefix: str = "s") -> list[int]:
    """``count`` students enrolled in the cohort (no passwords, for speed)."""
    from app.auth.services import create_user

    ids = []
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        for n in range(count):
            user = create_user(
                email=f"{prefix}{n}@example.com", name=f"Student {prefix}{n}", password=None
            )
            cohorts.enrol(user, cohort)
            ids.append(user.id)
        db.session.commit()
    return ids
