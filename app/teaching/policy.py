"""Who may read a cohort's staff views of teaching, post announcements and edit them (routes
and templates ask the same predicates)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.cohorts import services as cohorts
from app.extensions import db
from app.policy import Role, has_role, is_admin
from app.teaching.models import Announcement, TeachingSettings

if TYPE_CHECKING:
    from app.auth.models import User
    from app.cohorts.models import Cohort


def is_cohort_staff(user: User | Any, cohort_id: int) -> bool:
    """An admin, or a reviewer assigned to the cohort now."""
    if is_admin(user):
        return True
    return has_role(user, Role.REVIEWER) and cohort_id in cohorts.reviewer_cohort_ids(user.id)


def reviewers_may_announce(cohort_id: int) -> bool:
    settings = db.session.get(TeachingSettings, cohort_id)
    return bool(settings and settings.reviewers_may_announce)


def can_announce(user: User | Any, cohort: Cohort) -> bool:
    """Admins; the cohort's reviewers when the cohort allows it."""
    if is_admin(user):
        return True
    return is_cohort_staff(user, cohort.id) and reviewers_may_announce(cohort.id)


def can_edit_announcement(user: User | Any, announcement: Announcement, cohort: Cohort) -> bool:
    """Admins; a reviewer only their own, while they may still post in the cohort."""
    if is_admin(user):
        return True
    return announcement.author_id == getattr(user, "id", None) and can_announce(user, cohort)
