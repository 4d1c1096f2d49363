"""In-app notices for students (the same news also goes out by email)."""

from __future__ import annotations

from collections.abc import Callable

from flask import g

from app.db import utcnow
from app.extensions import db
from app.homework.models import Notification, Submission
from app.homework.unread import kept_count
from app.homework.unread import unread_count as unread_count
from app.learning.models import Module


def recent(user_id: int, limit: int = 30):
    """Notices with their submission (if any: a reminder has none) and module, newest first,
    in one query."""
    return db.session.execute(
        db.select(Notification, Submission, Module)
        .outerjoin(Submission, Submission.id == Notification.submission_id)
        .join(Module, Module.id == db.func.coalesce(Notification.module_id, Submission.module_id))
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    ).all()


def unread_counter(user) -> Callable[[], int]:
    """For the navigation: the signed-in user's unread count, on first use, at most once per
    request, and from the worker's copy while it is fresh (``app.homework.unread``); nothing for
    anonymous visitors."""

    def count() -> int:
        if not getattr(user, "is_authenticated", False):
            return 0
        cache = g.setdefault("unread_notices", {})
        if user.id not in cache:
            cache[user.id] = kept_count(user.id, getattr(user, "login_token", None))
        return cache[user.id]

    return count


def find(notification_id: int) -> Notification | None:
    return db.session.get(Notification, notification_id)


def mark_read(notice: Notification) -> None:
    if notice.read_at is None:
        notice.read_at = utcnow()
        db.session.flush()


def mark_all_read(user_id: int) -> int:
    """Mark every unread notice of ``user_id`` read; how many were."""
    result = db.session.execute(
        db.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
