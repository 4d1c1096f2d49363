"""Where a student's homework stands, module by module, as the progress rules and the reports
read it (through ``app.homework.services``, which re-exports these)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

from app.db import utcnow
from app.extensions import db
from app.homework.models import Status, Submission


class HomeworkState(enum.StrEnum):
    """A module's homework as the progress rules see it (the latest attempt's state)."""

    NOT_SUBMITTED = "not_submitted"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    ACCEPTED = "accepted"


def visible_status(submission: Submission) -> Status:
    """An in-review attempt whose claim has expired is waiting again."""
    if submission.status == Status.IN_REVIEW and (
        submission.claim_expires_at is None or submission.claim_expires_at <= utcnow()
    ):
        return Status.SUBMITTED
    return submission.status


def homework_states(user_id: int, module_ids: Iterable[int]) -> dict[int, HomeworkState]:
    """The state of each module's homework for one student, in one query."""
    module_ids = list(module_ids)
    states = dict.fromkeys(module_ids, HomeworkState.NOT_SUBMITTED)
    if not module_ids:
        return states
    rows = db.session.execute(
        db.select(Submission.module_id, Submission.status, Submission.claim_expires_at)
        .where(Submission.user_id == user_id, Submission.module_id.in_(module_ids))
        .order_by(Submission.module_id, Submission.attempt_no)
    ).all()
    states.update(states_from_attempts(rows))
    return states


def states_from_attempts(
    rows: Iterable[tuple[int, str, datetime | None]], now: datetime | None = None
) -> dict[int, HomeworkState]:
    """(module_id, status, claim_expires_at) of one student's attempts, oldest first, to each
    module's state: an accepted attempt wins; otherwise the latest attempt's visible status."""
    now = now or utcnow()
    states: dict[int, HomeworkState] = {}
    for module_id, status, expires in rows:
        if states.get(module_id) == HomeworkState.ACCEPTED:
            continue
        states[module_id] = attempt_state(status, expires, now)
    return states


def attempt_state(
    status: str | None, claim_expires_at: datetime | None, now: datetime
) -> HomeworkState:
    """The state one attempt gives its module (None: no attempt): an in-review attempt whose
    claim has expired is waiting again."""
    if status is None:
        return HomeworkState.NOT_SUBMITTED
    if status == Status.IN_REVIEW and (claim_expires_at is None or claim_expires_at <= now):
        return HomeworkState.SUBMITTED
    return _STATES[status]


_STATES = {s.value: HomeworkState(s.value) for s in Status}
