"""The review queue, claims and grading.

Claiming is one conditional UPDATE (status and expiry in the WHERE clause), so of two reviewers
claiming at once exactly one wins, on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, CursorResult, update
from sqlalchemy.orm import lazyload
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import User
from app.cohorts import services as cohorts
from app.db import utcnow
from app.extensions import db
from app.homework.models import FEEDBACK_MAX, Decision, Review, Status, Submission
from app.homework.policy import can_grade
from app.homework.services import Conflict, HomeworkError
from app.learning.models import Module
from app.review import double, outcome
from app.review import queue as queue_reads
from app.review.double import SameReviewer as SameReviewer
from app.review.double import is_first_marker as is_first_marker
from app.review.double import mark_sample as mark_sample
from app.review.double import settle as settle
from app.review.queue import QUEUE_STATES as QUEUE_STATES
from app.review.queue import WAITING as WAITING
from app.review.queue import QueueFilter as QueueFilter
from app.review.queue import reviewer_scope as reviewer_scope

HISTORY_CAP = 1000  # graded attempts are counted up to this many


class AlreadyGraded(Conflict):
    """The attempt was accepted or returned meanwhile: there is nothing left to review."""


def scope(reviewer: User, cohort_ids: set[int] | None = None) -> ColumnElement[bool]:
    """Submissions of the reviewer's cohorts, never their own."""
    if cohort_ids is None:
        cohort_ids = cohorts.reviewer_cohort_ids(reviewer.id)
    return queue_reads.in_scope(reviewer.id, cohort_ids)


def queue(
    reviewer: User,
    filters: QueueFilter,
    *,
    limit: int = 50,
    offset: int = 0,
    cohort_ids: set[int] | None = None,
) -> tuple[list[tuple[Any, ...]], dict[str, int]]:
    """The filtered queue, oldest first, with the authors; and counts per state, in one
    statement (``queue_reads.page_query``). The graded history is counted up to
    ``HISTORY_CAP`` + 1 (the page says "more than").

    Rows are plain tuples of the columns the page shows (``QUEUE_COLUMNS``'s order): no ORM
    objects are built for a list of fifty (issue 19)."""
    now = utcnow()
    if cohort_ids is None:
        cohort_ids = cohorts.reviewer_cohort_ids(reviewer.id)
    values = queue_reads.filter_values(filters, now)
    params = {
        "reviewer_id": reviewer.id,
        "cohort_ids": sorted(cohort_ids),
        "now": now,
        "limit": limit,
        "offset": offset,
        "history_limit": HISTORY_CAP + 1,
        **values,
    }
    found = db.session.execute(
        queue_reads.page_query(filters.state, frozenset(values)), params
    ).all()
    counts = {state: found[0]._mapping[state] or 0 for state in QUEUE_STATES}
    width = len(QUEUE_STATES)  # the counts' columns come first, in QUEUE_STATES' order
    return [tuple(row[width:]) for row in found if row[width] is not None], counts


def claim(reviewer: User, submission: Submission) -> bool:
    """Claim for ``REVIEW_CLAIM_MINUTES``; True if this reviewer now holds the claim."""
    if not can_grade(reviewer, submission):
        return False
    now = utcnow()
    minutes = current_app.config["REVIEW_CLAIM_MINUTES"]
    result = db.session.execute(
        update(Submission)
        .where(
            Submission.id == submission.id,
            queue_reads.claimable(now, reviewer.id),
            double.takeable(reviewer.id),
        )
        .values(
            status=Status.IN_REVIEW,
            claimed_by_id=reviewer.id,
            claimed_at=now,
            claim_expires_at=now + timedelta(minutes=minutes),
            version=Submission.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(submission)
    # An UPDATE answers with a CursorResult, which knows how many rows it changed.
    return cast("CursorResult[Any]", result).rowcount == 1


def start_review(reviewer: User, submission: Submission) -> None:
    """ "Start reviewing": claim ``submission`` for this reviewer. Claiming one's own live claim
    again changes nothing, so a grading form already open in another tab keeps its version.
    ``AlreadyGraded`` or ``Conflict`` (another reviewer holds it) otherwise."""
    if holds_claim(reviewer, submission):
        return
    if submission.status in (Status.ACCEPTED, Status.RETURNED):
        raise AlreadyGraded(_l("This homework has already been graded."))
    if double.is_first_marker(reviewer.id, submission.id):
        raise double.SameReviewer(
            _l("You gave this homework its first grade; another reviewer gives the second.")
        )
    if not claim(reviewer, submission):
        raise Conflict(_l("Another reviewer is reviewing this homework."))


def claim_next(reviewer: User, filters: QueueFilter) -> Submission | None:
    """Claim the oldest waiting submission that matches; None when the queue is empty."""
    waiting = QueueFilter(filters.module_id, filters.language, WAITING, filters.min_wait_hours)
    now = utcnow()
    candidates: Sequence[Submission] = db.session.scalars(
        queue_reads.filtered(
            # a claim needs none of the attempts' evidence, screenshots or reviews
            db.select(Submission).options(
                lazyload(Submission.evidence),
                lazyload(Submission.screenshots),
                lazyload(Submission.review),
            ),
            reviewer.id,
            cohorts.reviewer_cohort_ids(reviewer.id),
            WAITING,
            now,
            **queue_reads.filter_values(waiting, now),
        ).limit(10)
    ).all()
    for submission in candidates:
        if claim(reviewer, submission):
            return submission
    return None


def _lock(submission: Submission) -> None:
    """Read ``submission`` again under a row lock before a read-modify-write: a concurrent
    grade or release of it (another reviewer, a double click) waits for this transaction, and
    the checks below see what that one did instead of failing on a stale version at flush."""
    db.session.scalars(  # fetched, so that populate_existing refreshes ``submission``
        db.select(Submission)
        .where(Submission.id == submission.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def release(reviewer: User, submission: Submission) -> None:
    _lock(submission)
    if submission.status == Status.IN_REVIEW and submission.claimed_by_id == reviewer.id:
        submission.status = Status.SUBMITTED
        submission.claimed_by_id = submission.claimed_at = submission.claim_expires_at = None
        db.session.flush()


def is_claimable(submission: Submission, now: datetime | None = None) -> bool:
    """Waiting, or held by a claim that has expired: "Start reviewing" would take it."""
    now = now or utcnow()
    if submission.status == Status.SUBMITTED:
        return True
    return (
        submission.status == Status.IN_REVIEW
        and submission.claim_expires_at is not None
        and submission.claim_expires_at <= now
    )


def holds_claim(reviewer: User, submission: Submission) -> bool:
    return (
        submission.status == Status.IN_REVIEW
        and submission.claimed_by_id == reviewer.id
        and submission.claim_expires_at is not None
        and submission.claim_expires_at > utcnow()
    )


def grade(
    reviewer: User,
    submission: Submission,
    *,
    version: int,
    decision: Decision,
    scores: dict[int, tuple[int, str]],
    feedback: str,
) -> Review | None:
    """Record the review and the decision; notify the student; complete the module on accept.
    A double-marked attempt records a blind grade instead (``app.review.double``): None until
    the grade published is known.

    ``scores`` maps every rubric criterion's id to (points, feedback).
    """
    _lock(submission)
    if not can_grade(reviewer, submission):
        raise HomeworkError(_l("You cannot review this homework."))
    if submission.version != version:
        raise Conflict(
            _l(
                "This homework changed while you were grading it (another reviewer "
                "may have graded it). Reload the page to see the latest version."
            )
        )
    if submission.status in (Status.ACCEPTED, Status.RETURNED):
        raise AlreadyGraded(_l("This homework has already been graded."))
    if not holds_claim(reviewer, submission) and not claim(reviewer, submission):
        raise Conflict(_l("Another reviewer is reviewing this homework."))
    module = db.session.get_one(Module, submission.module_id)
    criteria = {c.id: c for c in module.criteria}
    if set(scores) != set(criteria):
        raise HomeworkError(_l("Choose a level for every criterion."))
    for criterion_id, (points, _note) in scores.items():
        if points not in {level["points"] for level in criteria[criterion_id].levels}:
            raise HomeworkError(_l("Choose a level for every criterion."))
    if len(feedback) > FEEDBACK_MAX or any(len(note) > FEEDBACK_MAX for _, note in scores.values()):
        raise HomeworkError(_l("Some text is too long."))
    marking = double.open_marking(submission.id)
    if marking is not None:  # double-marked: a blind round, published only when settled
        standing = double.record_blind(
            reviewer, submission, marking, decision=decision, scores=scores, feedback=feedback
        )
        _flush_or_already_graded()
        return double.publish_blind(submission, standing, reviewer) if standing else None
    review = outcome.publish(
        submission,
        reviewer_id=reviewer.id,
        decision=decision,
        scores=scores,
        feedback=feedback,
        now=utcnow(),
    )
    _flush_or_already_graded()
    outcome.announce(submission, module, decision, scores, actor=reviewer)
    return review


def _flush_or_already_graded() -> None:
    try:
        db.session.flush()
    except StaleDataError as exc:  # graded by someone else between our read and write
        db.session.rollback()  # the failed flush left the transaction unusable
        raise AlreadyGraded(_l("This homework has already been graded.")) from exc


def waiting_by_cohort(reviewer: User) -> int:
    now = utcnow()
    return (
        db.session.scalar(
            db.select(db.func.count())
            .select_from(Submission)
            .where(scope(reviewer), queue_reads.claimable(now))
        )
        or 0
    )


def author(submission: Submission) -> User:
    return db.session.get_one(User, submission.user_id)


# The agreement dashboard (the admin console reads it through this module).
from app.review.board import DISPUTES_PAGE as DISPUTES_PAGE  # noqa: E402
from app.review.board import criterion_agreement as criterion_agreement  # noqa: E402
from app.review.board import decision_agreement as decision_agreement  # noqa: E402
from app.review.board import disputes as disputes  # noqa: E402
from app.review.board import marking_of as marking_of  # noqa: E402
from app.review.board import state_counts as state_counts  # noqa: E402
from app.review.board import waiting_unmarked as waiting_unmarked  # noqa: E402
