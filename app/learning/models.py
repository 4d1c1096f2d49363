"""Courses and their modules (imported from files), and each student's progress through them.

Translated content is kept as a JSON mapping ``{"kk": ..., "ru": ..., "en": ...}`` ("a text");
``app.learning.content.pick`` chooses the language with the kk → ru → en fallback.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import Model

Text = dict[str, str]


class Course(Model):
    __tablename__ = "course"
    __table_args__ = (
        CheckConstraint("quiz_pass_mark BETWEEN 1 AND 100", name="pass_mark_percent"),
        CheckConstraint(
            "video_watched_share > 0 AND video_watched_share <= 1", name="video_share_fraction"
        ),
        CheckConstraint(
            "module_every_days IS NULL OR module_every_days >= 0", name="every_days_positive"
        ),
        CheckConstraint(
            "homework_due_days IS NULL OR homework_due_days >= 0", name="due_days_positive"
        ),
        CheckConstraint("quiz_feedback IN ('wrong-only', 'full')", name="quiz_feedback_known"),
        CheckConstraint("quiz_retry_cooldown BETWEEN 0 AND 86400", name="quiz_cooldown_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[Text] = mapped_column(JSON)
    summary: Mapped[Text] = mapped_column(JSON, default=dict)
    organisation: Mapped[Text] = mapped_column(JSON, default=dict)
    quiz_pass_mark: Mapped[int] = mapped_column(Integer, default=70)
    video_watched_share: Mapped[float] = mapped_column(Float, default=0.9)
    sequential: Mapped[bool] = mapped_column(Boolean, default=True)
    # The default schedule of a cohort (course.yaml ``schedule``): module n opens
    # (n - 1) * module_every_days after the cohort's start, its homework is due
    # homework_due_days after that at 23:59, cohort time. None: no default dates.
    module_every_days: Mapped[int | None] = mapped_column(Integer)
    homework_due_days: Mapped[int | None] = mapped_column(Integer)
    # What a failed quiz attempt shows: "wrong-only" (which questions were wrong, and their
    # explanations) or "full" (the correct options too). A passed attempt always shows all.
    quiz_feedback: Mapped[str] = mapped_column(
        String(16), default="wrong-only", server_default="wrong-only"
    )
    # Seconds a student waits after an attempt before the next one.
    quiz_retry_cooldown: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    # The completion rule (course.yaml ``completion``): whether each module's homework must be
    # accepted for the module (and so the course, and the certificate) to be complete.
    homework_required: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    modules: Mapped[list[Module]] = relationship(
        back_populates="course",
        order_by="Module.position",
        primaryjoin="and_(Course.id == Module.course_id, Module.retired.is_(False))",
        viewonly=True,
    )


class Module(Model):
    """A module keeps its row (and so its students' progress) across re-imports, by slug.
    A module dropped from the course is ``retired``, never deleted."""

    __tablename__ = "module"
    __table_args__ = (
        UniqueConstraint("course_id", "slug"),
        CheckConstraint("position >= 1", name="position_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[Text] = mapped_column(JSON)
    summary: Mapped[Text] = mapped_column(JSON, default=dict)
    # The heavy content (about 200 KB a module) loads only when a page reads it: lists of
    # modules (landing page, dashboards, queues) never pay for it.
    lesson_html: Mapped[Text] = mapped_column(
        JSON, default=dict, deferred=True, deferred_group="content"
    )
    homework_html: Mapped[Text] = mapped_column(
        JSON, default=dict, deferred=True, deferred_group="content"
    )
    # WebVTT text per language
    captions: Mapped[Text] = mapped_column(
        JSON, default=dict, deferred=True, deferred_group="content"
    )
    transcript: Mapped[dict[str, list[str]]] = mapped_column(
        JSON, default=dict, deferred=True, deferred_group="content"
    )
    # An embedded player (YouTube, Vimeo) and its declared length. Self-hosted videos, one per
    # language with their renditions, are app.video's (ADR 0019).
    video_url: Mapped[str | None] = mapped_column(String(500))
    video_duration: Mapped[int | None]
    # The reviewer guide (reviewer.yaml): for reviewers only, never on a student's page.
    # {"general": text, "options": [{"id", "title", "notes"}], "levels": {criterion: {points:
    # text}}}; texts are {lang: Markdown}.
    reviewer_guide: Mapped[dict[str, Any] | None] = mapped_column(
        JSON, default=dict, deferred=True, deferred_group="guide"
    )

    course: Mapped[Course] = relationship(back_populates="modules", foreign_keys=[course_id])
    questions: Mapped[list[QuizQuestion]] = relationship(
        order_by="QuizQuestion.position",
        primaryjoin="and_(Module.id == QuizQuestion.module_id, QuizQuestion.retired.is_(False))",
        viewonly=True,
    )
    criteria: Mapped[list[RubricCriterion]] = relationship(
        order_by="RubricCriterion.position",
        primaryjoin="and_(Module.id == RubricCriterion.module_id, "
        "RubricCriterion.retired.is_(False))",
        viewonly=True,
    )


class QuizQuestion(Model):
    __tablename__ = "quiz_question"
    __table_args__ = (UniqueConstraint("module_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    position: Mapped[int]
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[Text] = mapped_column(JSON)
    # [{"id": "a", "text": {...}}, ...]
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    correct: Mapped[list[str]] = mapped_column(JSON)
    explanation: Mapped[Text] = mapped_column(JSON, default=dict)


class RubricCriterion(Model):
    __tablename__ = "rubric_criterion"
    __table_args__ = (UniqueConstraint("module_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    position: Mapped[int]
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[Text] = mapped_column(JSON)
    # [{"points": 0, "label": {...}, "description": {...}}, ...] weakest first
    levels: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class ModuleProgress(Model):
    """What one student has done in one module (the homework part lives in its own domain)."""

    __tablename__ = "module_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "module_id"),
        CheckConstraint("video_seconds >= 0", name="video_seconds_positive"),
        CheckConstraint("quiz_attempts >= 0", name="quiz_attempts_positive"),
        # Complete implies the lesson part and the quiz part are done.
        CheckConstraint(
            "completed_at IS NULL OR (quiz_passed_at IS NOT NULL AND "
            "(lesson_read_at IS NOT NULL OR video_watched_at IS NOT NULL))",
            name="complete_needs_lesson_and_quiz",
        ),
        # Completions per module for a cohort, without reading the unfinished rows.
        Index(
            "ix_module_progress_completed",
            "module_id",
            "user_id",
            postgresql_where=text("completed_at IS NOT NULL"),
            sqlite_where=text("completed_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lesson_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Seconds of the video actually played (the union of the played ranges, in the language
    # with the most); the ranges themselves, per language, are in ``video_played``.
    video_seconds: Mapped[int] = mapped_column(Integer, default=0)
    # {"kk": {"ranges": [[start, end], ...], "at": seconds}, ...}: the merged played ranges and
    # the last position (to resume), per language of the video (app/learning/watching.py).
    # Deferred: only the progress report and the module page's resume read it.
    video_played: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)
    video_watched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    quiz_passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Attempts at the module's quiz (the rows are in quiz_attempt): the cohort reports count
    # tries here instead of reading every attempt of the cohort.
    quiz_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class QuizAttempt(Model):
    """Every attempt is kept. ``token`` comes from the form, so a double submit counts once."""

    __tablename__ = "quiz_attempt"
    __table_args__ = (
        UniqueConstraint("user_id", "token"),
        CheckConstraint("score >= 0 AND score <= total", name="score_in_range"),
        Index("ix_quiz_attempt_user_module", "user_id", "module_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(43))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answers: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    score: Mapped[int]
    total: Mapped[int]
    passed: Mapped[bool] = mapped_column(Boolean)
    # The order the options were shown in, per question key (option ids). Grading reads the
    # ids, never the positions, so a form from an older order is judged the same.
    option_order: Mapped[dict[str, list[str]] | None] = mapped_column(JSON)
