"""The reviewers' daily digest: what is waiting in their cohorts, by email."""

from __future__ import annotations

from datetime import timedelta

from app import mail
from app.auth.models import RoleGrant, User
from app.cohorts.models import CohortReviewer
from app.db import utcnow
from app.extensions import db
from app.homework.models import Submission
from app.links import external_url
from app.policy import Role
from app.review import services


def send_digests() -> int:
    """Write a summary in their language to every active reviewer with waiting work (outbox
    rows: the caller commits); returns how many. Those who opted out of the digest get none."""
    since = utcnow() - timedelta(days=1)
    reviewers = db.session.scalars(
        db.select(User)
        .join(RoleGrant)
        .where(RoleGrant.role == Role.REVIEWER, User.active.is_(True))
        .where(User.id.in_(db.select(CohortReviewer.user_id)))
        .order_by(User.id)
    )
    sent = 0
    for reviewer in reviewers:
        waiting = services.waiting_by_cohort(reviewer)
        if not waiting:
            continue
        new = (
            db.session.scalar(
                db.select(db.func.count())
                .select_from(Submission)
                .where(services.scope(reviewer), Submission.submitted_at >= since)
            )
            or 0
        )
        written = mail.queue(
            reviewer.email,
            "review_digest",
            reviewer.locale,
            kind=mail.Kind.DIGEST,
            user_id=reviewer.id,
            user=reviewer,
            waiting=waiting,
            new=new,
            url=external_url("review.queue"),
        )
        sent += written is not None
    return sent
