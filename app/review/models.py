"""Double marking: a sample of a cohort's attempts graded twice, independently.

While an attempt is marked (``DoubleMarking``), its grades are *blind* (``BlindGrade``, one per
round, by two different reviewers) and nothing reaches the student: the attempt's status stays
"waiting for review" and no ``Review`` row exists. When both grades are in and their decisions
agree, the first grade is published as the attempt's ``Review``; when they disagree an admin
settles it, and the grade chosen is the one published. The student sees one outcome only.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import Model
from app.homework.models import Decision


class MarkingState(enum.StrEnum):
    FIRST = "first"  # waiting for the first grade
    SECOND = "second"  # first grade in (held back), waiting for the second
    AGREED = "agreed"  # same decision: the first grade was published
    DISPUTED = "disputed"  # different decisions: waiting for an admin
    SETTLED = "settled"  # an admin chose the grade that was published

    @property
    def label(self):
        return _STATE_LABELS[self]

    @property
    def is_open(self) -> bool:
        """Grades are still being collected: grading goes through the blind rounds."""
        return self in (MarkingState.FIRST, MarkingState.SECOND)


_STATE_LABELS = {
    MarkingState.FIRST: _l("Waiting for the first grade"),
    MarkingState.SECOND: _l("Waiting for the second grade"),
    MarkingState.AGREED: _l("Grades agree"),
    MarkingState.DISPUTED: _l("Grades disagree: to settle"),
    MarkingState.SETTLED: _l("Settled"),
}


def _enum(cls, name):
    return Enum(
        cls, name=name, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
    )


class DoubleMarking(Model):
    __tablename__ = "double_marking"
    __table_args__ = (
        CheckConstraint(
            "(state = 'settled') = (settled_at IS NOT NULL AND settled_round IS NOT NULL)",
            name="settled_is_complete",
        ),
        CheckConstraint("settled_round IS NULL OR settled_round IN (1, 2)", name="round_known"),
        # The agreement dashboard and the list of disputes of one cohort.
        Index("ix_double_marking_cohort_state", "cohort_id", "state", "module_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), unique=True
    )
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"))
    state: Mapped[MarkingState] = mapped_column(
        _enum(MarkingState, "marking_state"), default=MarkingState.FIRST
    )
    seed: Mapped[str] = mapped_column(Text, default="")
    selected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    selected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    settled_round: Mapped[int | None] = mapped_column(Integer)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    grades: Mapped[list[BlindGrade]] = relationship(
        order_by="BlindGrade.round", lazy="selectin", cascade="all, delete-orphan"
    )

    def grade(self, round_no: int) -> BlindGrade | None:
        return next((g for g in self.grades if g.round == round_no), None)


class BlindGrade(Model):
    """One reviewer's grade of a double-marked attempt; two per attempt, by different people."""

    __tablename__ = "blind_grade"
    __table_args__ = (
        UniqueConstraint("marking_id", "round"),
        UniqueConstraint("marking_id", "reviewer_id"),
        CheckConstraint("round IN (1, 2)", name="round_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    marking_id: Mapped[int] = mapped_column(ForeignKey("double_marking.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    decision: Mapped[Decision] = mapped_column(_enum(Decision, "blind_decision"))
    feedback: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    scores: Mapped[list[BlindScore]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="BlindScore.criterion_id"
    )


class BlindScore(Model):
    __tablename__ = "blind_score"
    __table_args__ = (UniqueConstraint("grade_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grade_id: Mapped[int] = mapped_column(ForeignKey("blind_grade.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("rubric_criterion.id"))
    points: Mapped[int]
    feedback: Mapped[str] = mapped_column(Text, default="")
