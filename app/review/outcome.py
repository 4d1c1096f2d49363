"""Publishing a grade: the one outcome the student sees.

A single-marked attempt is published as its reviewer grades it; a double-marked one when both
blind grades agree, or when an admin settles a disagreement (``app.review.double``). Either way
the same steps run, in the caller's transaction, on a row the caller has locked: the ``Review``
and its scores, the attempt's status, the audit event, the student's notice and email, and the
module's completion on acceptance.
"""

from __future__ import annotations

from datetime import datetime

from app import mail
from app.audit.services import record
from app.auth.models import User
from app.cohorts.models import Cohort
from app.extensions import db
from app.homework.models import Decision, Notification, Review, ReviewScore, Status, Submission
from app.learning import services as learning
from app.learning.content import pick
from app.learning.models import Module
from app.links import external_url

Scores = dict[int, tuple[int, str]]  # criterion id -> (points, feedback)


def publish(
    submission: Submission,
    *,
    reviewer_id: int,
    decision: Decision,
    scores: Scores,
    feedback: str,
    now: datetime,
) -> Review:
    """Write the review and the decision; notify the student; complete the module on accept.
    The caller flushes (a concurrent grade shows as a stale version there)."""
    review = Review(
        submission_id=submission.id,
        reviewer_id=reviewer_id,
        decision=decision,
        feedback=feedback,
        created_at=now,
        scores=[
            ReviewScore(criterion_id=cid, points=p, feedback=note)
            for cid, (p, note) in sorted(scores.items())
        ],
    )
    db.session.add(review)
    submission.status = Status.ACCEPTED if decision == Decision.ACCEPT else Status.RETURNED
    submission.reviewer_id = reviewer_id
    submission.reviewed_at = now
    submission.claim_expires_at = None
    return review


def announce(
    submission: Submission,
    module: Module,
    decision: Decision,
    scores: Scores,
    *,
    actor: User | None,
    **audit_details: object,
) -> None:
    """After the flush that published the grade: audit, tell the student, complete the module."""
    record(
        "homework.graded",
        actor=actor,
        target=submission,
        decision=decision.value,
        points=sum(p for p, _ in scores.values()),
        module_id=module.id,
        student_id=submission.user_id,
        **audit_details,
    )
    _notify_student(submission, module, decision)
    if decision == Decision.ACCEPT:
        learning.refresh_completion(submission.user_id, module)


def _notify_student(submission: Submission, module: Module, decision: Decision) -> None:
    student = db.session.get_one(User, submission.user_id)
    kind = "homework_accepted" if decision == Decision.ACCEPT else "homework_returned"
    db.session.add(Notification(user_id=student.id, kind=kind, submission_id=submission.id))
    locale = student.locale or db.session.get_one(Cohort, submission.cohort_id).default_locale
    mail.queue(
        student.email,
        kind,
        locale,
        kind=mail.Kind.FEEDBACK,
        user_id=student.id,
        user=student,
        module_title=str(pick(module.title, locale)),
        url=external_url(
            "homework.homework", course_slug=module.course.slug, module_slug=module.slug
        ),
    )
