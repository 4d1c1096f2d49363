"""Who may see which course and module (the predicates routes and templates share)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.cohorts import services as cohorts
from app.learning.models import Course
from app.policy import Role, has_role

if TYPE_CHECKING:
    from app.auth.models import User
    from app.learning.outline import CourseOutline


def can_view_course(user: User | Any, course: Course) -> bool:
    """Students enrolled in it; reviewers of one of its cohorts; admins."""
    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, Role.ADMIN):
        return True
    if cohorts.enrolment_for(user.id, course.id) is not None:
        return True
    return has_role(user, Role.REVIEWER) and cohorts.reviews_course(user.id, course.id)


def can_preview(user: User | Any, course: Course | CourseOutline) -> bool:
    """Admins, and reviewers of one of the course's cohorts, may read a module before it opens
    (even when they are also enrolled); nothing they do there is accepted before it opens."""
    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.REVIEWER) and cohorts.reviews_course(user.id, course.id)
