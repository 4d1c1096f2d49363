"""Who may see, edit, revise and grade a homework attempt (used by routes and templates alike:
each predicate is a Jinja global too, so a page offers a button only where the route behind it
would accept the request)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.cohorts import services as cohorts
from app.extensions import db
from app.homework.models import Notification, Status, Submission
from app.policy import Role, has_role

if TYPE_CHECKING:
    from app.auth.models import User


def _signed_in(user: User | Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_author(user: User | Any, submission: Submission) -> bool:
    return _signed_in(user) and submission.user_id == user.id


def is_cohort_reviewer(user: User | Any, cohort_id: int) -> bool:
    """Assigned now: a removal takes effect on the reviewer's next request."""
    return has_role(user, Role.REVIEWER) and cohort_id in cohorts.reviewer_cohort_ids(user.id)


def is_latest_attempt(submission: Submission) -> bool:
    """No later attempt of the same student and module exists."""
    later = db.session.scalar(
        db.select(db.func.count())
        .select_from(Submission)
        .where(
            Submission.user_id == submission.user_id,
            Submission.module_id == submission.module_id,
            Submission.attempt_no > submission.attempt_no,
        )
    )
    return not later


def can_view_submission(user: User | Any, submission: Submission) -> bool:
    if not _signed_in(user):
        return False
    if submission.user_id == user.id or has_role(user, Role.ADMIN):
        return True
    return is_cohort_reviewer(user, submission.cohort_id)


def can_edit_submission(user: User | Any, submission: Submission) -> bool:
    """Only a draft changes, and only its author changes it; once submitted it is the
    reviewer's to read, and a returned one is revised as a new attempt (``can_revise``)."""
    return is_author(user, submission) and submission.status == Status.DRAFT


def can_revise(user: User | Any, submission: Submission, *, module_open: bool = True) -> bool:
    """A student may start a new attempt from their own latest attempt once a reviewer has
    returned it, while the module is open to them (``homework.services.start_revision``
    applies the same rule to the locked row)."""
    return (
        module_open
        and is_author(user, submission)
        and submission.status == Status.RETURNED
        and is_latest_attempt(submission)
    )


def can_export_claim_review(user: User | Any, submission: Submission) -> bool:
    """An accepted fact-check, as ClaimReview JSON-LD, for whoever may see the attempt."""
    return submission.status == Status.ACCEPTED and can_view_submission(user, submission)


def can_grade(user: User | Any, submission: Submission) -> bool:
    """A reviewer of the attempt's cohort, never its author (a reviewer in one cohort may be a
    student in another)."""
    return (
        _signed_in(user)
        and submission.user_id != user.id
        and is_cohort_reviewer(user, submission.cohort_id)
    )


def can_read_notice(user: User | Any, notice: Notification) -> bool:
    """A notice is its addressee's alone (admins included: it is their inbox, not a record)."""
    return _signed_in(user) and notice.user_id == user.id
