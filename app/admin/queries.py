"""The admin screens' reads that belong to no other domain's services (the routes stay free
of queries)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import User
from app.certificates.models import Certificate
from app.extensions import db
from app.learning.models import Course


def courses() -> list[Course]:
    return list(db.session.scalars(select(Course).order_by(Course.id)))


def course(course_id: int | None) -> Course | None:
    return db.session.get(Course, course_id) if course_id is not None else None


def user_or_none(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def user_events(user_id: int, limit: int = 20) -> list[AuditEvent]:
    """The latest audit events the user did or that were done to them, newest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                (AuditEvent.actor_id == user_id)
                | ((AuditEvent.target_type == "user") & (AuditEvent.target_id == user_id))
            )
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


def certificates_page(cohort_id: int, page: int, per_page: int) -> tuple[list, int, int, int]:
    """A page of the cohort's certificates with the holders' emails, newest first; with the
    total, the page actually shown (at most the last) and the number of pages."""
    query = (
        select(Certificate, User.email)
        .join(User, User.id == Certificate.user_id)
        .where(Certificate.cohort_id == cohort_id)
    )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(page, pages)
    rows = db.session.execute(
        query.order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return rows, total, page, pages


def certificate(certificate_id: int) -> Certificate | None:
    return db.session.get(Certificate, certificate_id)
