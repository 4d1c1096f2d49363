"""Who may see, edit and grade a homework attempt (used by routes and templates alike)."""

from __future__ import annotations

from app.cohorts import services as cohorts
from app.homework.models import Notification, Status, Submission
from app.policy import Role, has_role


def is_cohort_reviewer(user, cohort_id: int) -> bool:
    """Assigned now: a removal takes effect on the reviewer's next request."""
    return has_role(user, Role.REVIEWER) and cohort_id in cohorts.reviewer_cohort_ids(user.id)


def can_view_submission(user, submission: Submission) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if submission.user_id == user.id or has_role(user, Role.ADMIN):
        return True
    return is_cohort_reviewer(user, submission.cohort_id)


def can_edit_submission(user, submission: Submission) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and submission.user_id == user.id
        and submission.status == Status.DRAFT
    )


def can_revise(user, submission: Submission) -> bool:
    """A returned attempt is changed by starting a new attempt from it (never edited)."""
    return (
        getattr(user, "is_authenticated", False)
        and submission.user_id == user.id
        and submission.status == Status.RETURNED
    )


def can_grade(user, submission: Submission) -> bool:
    """A reviewer of the attempt's cohort, never its author (a reviewer in one cohort may be a
    student in another)."""
    return (
        getattr(user, "is_authenticated", False)
        and submission.user_id != user.id
        and is_cohort_reviewer(user, submission.cohort_id)
    )


def can_read_notice(user, notice: Notification) -> bool:
    """A notice is its addressee's alone (admins included: it is their inbox, not a record)."""
    return getattr(user, "is_authenticated", False) and notice.user_id == user.id
