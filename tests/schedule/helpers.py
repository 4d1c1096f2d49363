"""Shared helpers of the schedule tests: a cohort's dates, students in bulk, the clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.auth.models import RoleGrant, User
from app.cohorts.models import Cohort, CohortModuleDate, Enrolment
from app.extensions import db
from app.learning.models import Module
from app.policy import Role


def set_due(app, cohort_id: int, slug: str, due_at: datetime, opens_at=None) -> int:
    """Give the cohort its own dates for module ``slug``; the module's id."""
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        module = db.session.scalar(
            db.select(Module).where(Module.course_id == cohort.course_id, Module.slug == slug)
        )
        row = db.session.scalar(
            db.select(CohortModuleDate).where(
                CohortModuleDate.cohort_id == cohort_id, CohortModuleDate.module_id == module.id
            )
        )
        if row is None:
            row = CohortModuleDate(cohort_id=cohort_id, module_id=module.id)
            db.session.add(row)
        row.opens_at = opens_at or due_at - timedelta(days=7)
        row.due_at = due_at
        db.session.commit()
        return module.id


def bulk_students(app, cohort_id: int, count: int, start: int = 0, **fields) -> list[int]:
    """``count`` students enrolled in the cohort, written in three statements."""
    with app.app_context():
        course_id = db.session.get(Cohort, cohort_id).course_id
        ids = list(
            db.session.scalars(
                db.insert(User).returning(User.id),
                [
                    {
                        "email": f"bulk{start + n}@example.com",
                        "name": f"Bulk {start + n}",
                        **fields,
                    }
                    for n in range(count)
                ],
            )
        )
        db.session.execute(
            db.insert(RoleGrant), [{"user_id": i, "role": Role.STUDENT} for i in ids]
        )
        db.session.execute(
            db.insert(Enrolment),
            [{"user_id": i, "cohort_id": cohort_id, "course_id": course_id} for i in ids],
        )
        db.session.commit()
        return ids
