"""Homework fact-checks: one row per attempt, with its evidence, screenshots and review.

Every attempt and its review are kept; revising a returned attempt starts a new one.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import Model

CLAIM_MAX = 2000
URL_MAX = 2000
PLATFORM_MAX = 100
METHOD_MAX = 4000
REASONING_MAX = 8000
NOTE_MAX = 500
FEEDBACK_MAX = 4000
MAX_EVIDENCE = 10
MAX_SCREENSHOTS = 5


def _enum(cls, name):
    return Enum(
        cls, name=name, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
    )


class Status(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    ACCEPTED = "accepted"
    RETURNED = "returned"

    @property
    def label(self):
        """The state as people read it (translated when shown): the one wording that the
        student's and reviewer's pages and the admin console all use."""
        return _STATUS_LABELS[self]

    @property
    def is_graded(self) -> bool:
        """A reviewer has decided: accepted, or returned for revision."""
        return self in (Status.ACCEPTED, Status.RETURNED)


_STATUS_LABELS = {
    Status.DRAFT: _l("Draft"),
    Status.SUBMITTED: _l("Submitted, waiting for review"),
    Status.IN_REVIEW: _l("In review"),
    Status.RETURNED: _l("Returned for revision"),
    Status.ACCEPTED: _l("Accepted"),
}


class Verdict(enum.StrEnum):
    """The fixed verdict scale, strongest support first."""

    TRUE = "true"
    MOSTLY_TRUE = "mostly_true"
    MISLEADING = "misleading"
    FALSE = "false"
    UNVERIFIABLE = "unverifiable"


# How the verdicts are named on screen (the homework form, the review page, ClaimReview).
VERDICT_LABELS = {
    Verdict.TRUE: _l("True"),
    Verdict.MOSTLY_TRUE: _l("Mostly true"),
    Verdict.MISLEADING: _l("Misleading"),
    Verdict.FALSE: _l("False"),
    Verdict.UNVERIFIABLE: _l("Unverifiable"),
}


class Decision(enum.StrEnum):
    ACCEPT = "accept"
    RETURN = "return"


OPEN_STATES = "('draft', 'submitted', 'in_review')"


class Submission(Model):
    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("user_id", "module_id", "attempt_no"),
        # At most one attempt being worked on or waiting, and at most one accepted, per module.
        Index(
            "uq_submission_open_attempt",
            "user_id",
            "module_id",
            unique=True,
            sqlite_where=text(f"status IN {OPEN_STATES}"),
            postgresql_where=text(f"status IN {OPEN_STATES}"),
        ),
        Index(
            "uq_submission_accepted",
            "user_id",
            "module_id",
            unique=True,
            sqlite_where=text("status = 'accepted'"),
            postgresql_where=text("status = 'accepted'"),
        ),
        Index("ix_submission_queue", "cohort_id", "status", "submitted_at"),
        # The reviewers' "waiting" list, oldest first, without touching the graded history.
        Index(
            "ix_submission_waiting",
            "cohort_id",
            "submitted_at",
            "id",
            postgresql_include=["status", "claim_expires_at", "user_id"],
            postgresql_where=text("status IN ('submitted', 'in_review')"),
            sqlite_where=text("status IN ('submitted', 'in_review')"),
        ),
        # First attempts: how many (student, module) pairs have homework at all, and the time
        # to feedback over a recent range of reviews.
        Index(
            "ix_submission_first_attempt",
            "cohort_id",
            "reviewed_at",
            postgresql_include=["submitted_at"],
            postgresql_where=text("attempt_no = 1"),
            sqlite_where=text("attempt_no = 1"),
        ),
        CheckConstraint("attempt_no >= 1", name="attempt_positive"),
        CheckConstraint(
            "status = 'draft' OR (submitted_at IS NOT NULL AND verdict IS NOT NULL)",
            name="submitted_is_complete",
        ),
        CheckConstraint(
            "status <> 'in_review' OR (claimed_by_id IS NOT NULL AND claim_expires_at IS NOT NULL)",
            name="review_is_claimed",
        ),
        CheckConstraint(
            "status NOT IN ('accepted', 'returned') OR (reviewed_at IS NOT NULL AND "
            "reviewer_id IS NOT NULL)",
            name="decision_has_reviewer",
        ),
        CheckConstraint("reviewer_id IS NULL OR reviewer_id <> user_id", name="no_self_review"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    attempt_no: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[Status] = mapped_column(_enum(Status, "submission_status"), default=Status.DRAFT)
    language: Mapped[str] = mapped_column(String(2), default="kk")

    claim: Mapped[str] = mapped_column(Text, default="")
    claim_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    platform: Mapped[str | None] = mapped_column(String(PLATFORM_MAX))
    verdict: Mapped[Verdict | None] = mapped_column(_enum(Verdict, "verdict"))
    method: Mapped[str] = mapped_column(Text, default="")
    reasoning: Mapped[str] = mapped_column(Text, default="")

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Handed in after its due date (the cohort accepts late work and marks it).
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # Optimistic locking: every change bumps it; a stale form gets 409.
    version: Mapped[int] = mapped_column(Integer, default=1)

    evidence: Mapped[list[Evidence]] = relationship(
        order_by="Evidence.position", cascade="all, delete-orphan", lazy="selectin"
    )
    screenshots: Mapped[list[Screenshot]] = relationship(
        order_by="Screenshot.position", cascade="all, delete-orphan", lazy="selectin"
    )
    review: Mapped[Review | None] = relationship(
        back_populates="submission", lazy="selectin", uselist=False
    )

    __mapper_args__ = {"version_id_col": version}


class Evidence(Model):
    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("submission_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    url: Mapped[str] = mapped_column(String(URL_MAX))
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")


class Screenshot(Model):
    """A stored, re-encoded image. Several attempts may share one file (a revision copies it)."""

    __tablename__ = "screenshot"
    __table_args__ = (UniqueConstraint("submission_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    stored_name: Mapped[str] = mapped_column(String(64), index=True)
    format: Mapped[str] = mapped_column(String(8))
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))


class Review(Model):
    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), unique=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    decision: Mapped[Decision] = mapped_column(_enum(Decision, "decision"))
    feedback: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="review")
    scores: Mapped[list[ReviewScore]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ReviewScore.id"
    )


class ReviewScore(Model):
    __tablename__ = "review_score"
    __table_args__ = (UniqueConstraint("review_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("rubric_criterion.id"))
    points: Mapped[int]
    feedback: Mapped[str] = mapped_column(Text, default="")


class Notification(Model):
    """An in-app notice (the same news also goes out by email)."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    # The module a notice without a submission is about (a due-date reminder).
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DueReminder(Model):
    """A reminder sent (email and notice) to one student for one due date: the unique key makes
    it once per student and due date, whichever worker or run gets there first. A due date
    moved by an admin or an extension is a new due date, and gets its own reminder."""

    __tablename__ = "due_reminder"
    __table_args__ = (UniqueConstraint("enrolment_id", "module_id", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
