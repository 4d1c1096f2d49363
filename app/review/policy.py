"""Where a reviewer stands with one attempt: whether "Start reviewing" would take it, whether
the grading form is theirs now, or whether someone else holds it. Routes and templates ask the
same predicates (Jinja globals), on top of ``homework.policy.can_grade``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.homework.models import Status, Submission
from app.homework.policy import can_grade
from app.review import services

if TYPE_CHECKING:
    from app.auth.models import User


def can_claim(user: User | Any, submission: Submission) -> bool:
    """A reviewer who may grade the attempt, while it waits or its claim has expired."""
    return (
        can_grade(user, submission)
        and services.is_claimable(submission)
        and not services.is_first_marker(user.id, submission.id)
    )


def is_reviewing(user: User | Any, submission: Submission) -> bool:
    """The grading form is ``user``'s: they hold a live claim on the attempt."""
    return can_grade(user, submission) and services.holds_claim(user, submission)


def is_claimed_by_another(user: User | Any, submission: Submission) -> bool:
    """Someone else holds a live claim: ``user`` can neither claim nor grade it now."""
    return (
        submission.status == Status.IN_REVIEW
        and not services.is_claimable(submission)
        and not services.holds_claim(user, submission)
    )


def gave_first_grade(user: User | Any, submission: Submission) -> bool:
    """``user``'s grade of this double-marked attempt is held back, waiting for another
    reviewer's: they may not grade it again."""
    return (
        can_grade(user, submission)
        and submission.status == Status.SUBMITTED
        and services.is_first_marker(user.id, submission.id)
    )
