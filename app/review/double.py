"""Double marking: choosing the sample, the two blind rounds, and settling disagreements.

The rules (ADR 0022):

- An admin marks a share of the attempts *waiting for review* in a cohort, per module, at
  random but reproducibly: the same seed and the same waiting attempts give the same sample.
- A marked attempt is graded twice through the ordinary claim and grading path. The first grade
  is held back: the attempt goes back to the queue as "waiting", nothing is published, the
  student still reads "waiting for review". A different reviewer gives the second grade (the
  database refuses the same reviewer twice); no ``Review`` exists yet, so nobody's page can
  show the first grade.
- Same decision: the first grade is published. Different decisions: the attempt leaves every
  reviewer's queue until an admin settles it by choosing one of the two grades, which is then
  published. Every step is in the audit log.

Every change of a marking happens under the attempt's row lock (``SELECT ... FOR UPDATE``, the
lock ``review.services.grade`` takes), so a grade, a settlement and the sampling never
interleave on one attempt.
"""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, insert, or_, select

from app.audit.services import record
from app.auth.models import User
from app.cohorts.models import Cohort
from app.cohorts.policy import ensure_writable
from app.db import utcnow
from app.extensions import db
from app.homework.models import Decision, Status, Submission
from app.homework.services import Conflict, HomeworkError
from app.learning.models import Module
from app.review import outcome
from app.review.models import BlindGrade, BlindScore, DoubleMarking, MarkingState

SEED_MAX = 64
DONE = (MarkingState.AGREED, MarkingState.DISPUTED, MarkingState.SETTLED)


class SameReviewer(HomeworkError):
    """The reviewer who gave the first grade may not give the second."""


def choose(ids: Sequence[int], share: int, seed: str, module_id: int) -> list[int]:
    """``share`` percent (rounded up) of ``ids``, at random but reproducibly: the generator is
    seeded with the seed and the module, and the ids are sorted first, so the same inputs
    always give the same sample whatever order the database returned them in."""
    if not ids or share <= 0:
        return []
    k = min(len(ids), math.ceil(len(ids) * share / 100))
    rng = random.Random(f"{seed}:{module_id}")  # noqa: S311 (a sample, not a secret)
    return sorted(rng.sample(sorted(ids), k))


def mark_sample(admin: User, cohort: Cohort, share: int, seed: str = "") -> dict[int, int]:
    """Mark ``share`` percent of the cohort's waiting, unmarked attempts of each module for
    double marking. Returns {module id: attempts marked}."""
    ensure_writable(cohort)
    seed = seed or secrets.token_hex(4)
    # One sampling at a time per cohort: a second admin's click waits and then sees the first's
    # markings, instead of choosing some of the same attempts again. NO KEY UPDATE: the rows
    # other requests insert that refer to the cohort (their foreign-key checks take KEY SHARE)
    # must not wait for it, or a grade holding an attempt's lock would deadlock with us
    # (``key_share=True`` is PostgreSQL's FOR NO KEY UPDATE).
    db.session.execute(
        select(Cohort.id).where(Cohort.id == cohort.id).with_for_update(key_share=True)
    )
    marked = select(DoubleMarking.submission_id)
    rows = db.session.execute(
        select(Submission.id, Submission.module_id)
        .where(
            Submission.cohort_id == cohort.id,
            Submission.status.in_([Status.SUBMITTED, Status.IN_REVIEW]),
            Submission.id.not_in(marked),
        )
        .order_by(Submission.id)
        .with_for_update(of=Submission)  # a grade in progress finishes first, or waits for us
    ).all()
    by_module: dict[int, list[int]] = {}
    for submission_id, module_id in rows:
        by_module.setdefault(module_id, []).append(submission_id)
    now, chosen = utcnow(), {}
    values = []
    for module_id, ids in sorted(by_module.items()):
        picked = choose(ids, share, seed, module_id)
        chosen[module_id] = len(picked)
        values += [
            {
                "submission_id": sid,
                "cohort_id": cohort.id,
                "module_id": module_id,
                "state": MarkingState.FIRST,
                "seed": seed,
                "selected_at": now,
                "selected_by_id": admin.id,
            }
            for sid in picked
        ]
    if values:
        db.session.execute(insert(DoubleMarking), values)
    record(
        "review.sample_marked",
        actor=admin,
        target=cohort,
        share=share,
        seed=seed,
        marked=len(values),
        waiting=len(rows),
    )
    return chosen


def open_marking(submission_id: int) -> DoubleMarking | None:
    """The attempt's marking while its blind grades are being collected (call under the
    attempt's row lock)."""
    return db.session.scalar(
        select(DoubleMarking)
        .where(
            DoubleMarking.submission_id == submission_id,
            DoubleMarking.state.in_([MarkingState.FIRST, MarkingState.SECOND]),
        )
        .execution_options(populate_existing=True)
    )


def hidden_from(reviewer_id: int) -> Select[Any]:
    """Attempts a reviewer must not take: disputed ones (the admin's now), and those whose
    held-back first grade is theirs."""
    theirs = select(BlindGrade.marking_id).where(BlindGrade.reviewer_id == reviewer_id)
    return select(DoubleMarking.submission_id).where(
        or_(
            DoubleMarking.state == MarkingState.DISPUTED,
            and_(DoubleMarking.state == MarkingState.SECOND, DoubleMarking.id.in_(theirs)),
        )
    )


def takeable(reviewer_id: int) -> ColumnElement[bool]:
    return Submission.id.not_in(hidden_from(reviewer_id))


def is_first_marker(reviewer_id: int, submission_id: int) -> bool:
    """``reviewer_id`` gave the held-back first grade of this attempt."""
    return bool(
        db.session.scalar(
            select(DoubleMarking.id)
            .join(BlindGrade, BlindGrade.marking_id == DoubleMarking.id)
            .where(
                DoubleMarking.submission_id == submission_id,
                DoubleMarking.state == MarkingState.SECOND,
                BlindGrade.reviewer_id == reviewer_id,
            )
        )
    )


def record_blind(
    reviewer: User,
    submission: Submission,
    marking: DoubleMarking,
    *,
    decision: Decision,
    scores: outcome.Scores,
    feedback: str,
) -> BlindGrade | None:
    """Record one blind grade (the caller holds the attempt's lock and has checked the form).
    Returns the grade to publish when both are in and agree; None otherwise."""
    round_no = 1 if marking.state == MarkingState.FIRST else 2
    first = marking.grade(1)
    if round_no == 2 and first is not None and first.reviewer_id == reviewer.id:
        raise SameReviewer(
            _l("You gave this homework its first grade; another reviewer gives the second.")
        )
    now = utcnow()
    grade = BlindGrade(
        round=round_no,
        reviewer_id=reviewer.id,
        decision=decision,
        feedback=feedback,
        created_at=now,
        scores=[
            BlindScore(criterion_id=cid, points=p, feedback=note)
            for cid, (p, note) in sorted(scores.items())
        ],
    )
    marking.grades.append(grade)
    details = {"module_id": submission.module_id, "student_id": submission.user_id}
    if round_no == 1 or (first is not None and first.decision != decision):
        # Back to "waiting" with no claim: for the second reviewer, or out of the queues (the
        # disputed attempts are hidden from every reviewer by ``hidden_from``).
        submission.status = Status.SUBMITTED
        submission.claimed_by_id = submission.claimed_at = submission.claim_expires_at = None
    if round_no == 1:
        marking.state = MarkingState.SECOND
        record("review.first_grade_held", actor=reviewer, target=submission, **details)
        return None
    record("review.second_grade_given", actor=reviewer, target=submission, **details)
    assert first is not None  # round 2 follows round 1
    if first.decision == decision:
        marking.state = MarkingState.AGREED
        record("review.grades_agreed", actor=reviewer, target=submission, **details)
        return first
    marking.state = MarkingState.DISPUTED
    record(
        "review.grades_disagreed",
        actor=reviewer,
        target=submission,
        first=first.decision.value,
        second=decision.value,
        **details,
    )
    return None


def scores_of(grade: BlindGrade) -> outcome.Scores:
    return {s.criterion_id: (s.points, s.feedback) for s in grade.scores}


def publish_blind(submission: Submission, grade: BlindGrade, actor: User, **details: object):
    """Publish a blind grade as the attempt's one outcome (the caller holds the lock)."""
    module = db.session.get_one(Module, submission.module_id)
    review = outcome.publish(
        submission,
        reviewer_id=grade.reviewer_id,
        decision=grade.decision,
        scores=scores_of(grade),
        feedback=grade.feedback,
        now=utcnow(),
    )
    db.session.flush()
    outcome.announce(
        submission, module, grade.decision, scores_of(grade), actor=actor, double_marked=True
    )
    return review


def settle(admin: User, marking: DoubleMarking, round_no: int) -> None:
    """An admin chooses which of two disagreeing grades stands; it is published. While the
    second grade is still awaited (a cohort with one reviewer left, say), the admin may publish
    the first grade alone (``round_no`` 1): the attempt then has no pair in the statistics."""
    if round_no not in (1, 2):
        raise HomeworkError(_l("Choose one of the two grades."))
    submission = db.session.scalars(
        select(Submission)
        .where(Submission.id == marking.submission_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    db.session.refresh(marking)
    alone = marking.state == MarkingState.SECOND and round_no == 1
    if marking.state != MarkingState.DISPUTED and not alone:
        raise Conflict(_l("This disagreement has already been settled."))
    grade = marking.grade(round_no)
    assert grade is not None  # a disputed marking has both grades; a waiting one the first
    marking.state = MarkingState.SETTLED
    marking.settled_round = round_no
    marking.settled_at = utcnow()
    marking.settled_by_id = admin.id
    record(
        "review.first_grade_released" if alone else "review.disagreement_settled",
        actor=admin,
        target=submission,
        chosen=round_no,
        decision=grade.decision.value,
        module_id=submission.module_id,
        student_id=submission.user_id,
    )
    publish_blind(submission, grade, admin, settled=True)
