"""In-app notices for students (the same news also goes out by email)."""

from __future__ import annotations

from app.db import utcnow
from app.extensions import db
from app.homework.models import Notification, Submission
from app.learning.models import Module


def unread_count(user_id: int) -> int:
    return (
        db.session.scalar(
            db.select(db.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def recent(user_id: int, limit: int = 30):
    """Notices with their submission and module, newest first, in one query."""
    return db.session.execute(
        db.select(Notification, Submission, Module)
        .join(Submission, Submission.id == Notification.submission_id)
        .join(Module, Module.id == Submission.module_id)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    ).all()


def mark_read(user_id: int) -> None:
    """Mark every notice read in the database only: the notices already loaded for this page
    keep showing which ones are new."""
    db.session.execute(
        db.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
