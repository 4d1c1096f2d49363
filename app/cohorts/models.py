from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import languages
from app.db import UTCDateTime, utcnow
from app.extensions import Model
from app.learning.models import Course, Module

DEFAULT_TIMEZONE = "Asia/Almaty"
LATE_ACCEPT = "accept"  # work after the due date is taken and marked late
LATE_REFUSE = "refuse"  # the due date is a hard deadline
EXTENSION_DAYS_MAX = 90


def site_timezone() -> str:
    """The site's zone (``TIMEZONE``): new cohorts' default."""
    if has_app_context():
        return current_app.config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_TIMEZONE
    return DEFAULT_TIMEZONE


class Cohort(Model):
    __tablename__ = "cohort"
    __table_args__ = (
        CheckConstraint(languages.sql_in("default_locale"), name="locale_known"),
        CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates_ordered"
        ),
        CheckConstraint(f"late_policy IN ('{LATE_ACCEPT}', '{LATE_REFUSE}')", name="late_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    default_locale: Mapped[str] = mapped_column(String(2), default="kk")
    # False: every module is open at once, whatever the course's setting.
    sequential: Mapped[bool] = mapped_column(Boolean, default=True)
    invite_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    invite_open: Mapped[bool] = mapped_column(Boolean, default=True)
    # The zone the cohort's dates are meant in (an IANA name, checked by the forms).
    timezone: Mapped[str] = mapped_column(
        String(64), default=site_timezone, server_default=DEFAULT_TIMEZONE
    )
    # After a due date: "accept" (marked late) or "refuse" (nothing is written).
    late_policy: Mapped[str] = mapped_column(
        String(8), default=LATE_ACCEPT, server_default=LATE_ACCEPT
    )
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    course: Mapped[Course] = relationship(lazy="joined", innerjoin=True)


def _enrolled_at(context) -> datetime | None:
    """Until the student does something, their last activity is joining."""
    return context.get_current_parameters().get("enrolled_at")


class Enrolment(Model):
    """A student in a cohort; at most one cohort per course for each student.

    ``completed_modules`` and ``last_activity_at`` summarise the student's progress for the
    cohort reports; ``app.cohorts.summary`` keeps them equal to what the progress and homework
    tables say.
    """

    __tablename__ = "enrolment"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        CheckConstraint("completed_modules >= 0", name="completed_modules_positive"),
        # Stalled students (idle the longest first) and the student table sorted by activity.
        Index(
            "ix_enrolment_cohort_activity",
            "cohort_id",
            "last_activity_at",
            "user_id",
            postgresql_include=["completed_modules"],
        ),
        # The funnel (students per number of modules complete) and the table sorted by it.
        Index("ix_enrolment_cohort_completed", "cohort_id", "completed_modules", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_modules: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=_enrolled_at)

    cohort: Mapped[Cohort] = relationship(lazy="joined", innerjoin=True)


class CohortReviewer(Model):
    __tablename__ = "cohort_reviewer"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EnrolmentImport(Model):
    """An uploaded enrolment CSV: parsed and checked at upload, applied only when confirmed.

    The preview lives here (not in the cookie session), so any app server can confirm it; the
    conditional update of ``status`` makes confirming idempotent. ``rows`` holds one
    ``[line, name, email, locale, outcome, reason, detail]`` list per data row.
    """

    __tablename__ = "enrolment_import"
    __table_args__ = (
        CheckConstraint("status IN ('previewed', 'confirmed')", name="status_known"),
        CheckConstraint(
            "status = 'previewed' OR confirmed_at IS NOT NULL", name="confirmed_has_time"
        ),
        CheckConstraint("invites_sent >= 0", name="invites_sent_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    filename: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="previewed")
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    rows: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    # New accounts still to be sent their invitation (sent in batches after the commit).
    pending_invites: Mapped[list[int]] = mapped_column(JSON, default=list)
    invites_sent: Mapped[int] = mapped_column(Integer, default=0)


class CohortModuleDate(Model):
    """A module's dates in one cohort, set by an admin (instead of the course's defaults):
    when it opens and when its homework is due, as UTC instants."""

    __tablename__ = "cohort_module_date"
    __table_args__ = (
        UniqueConstraint("cohort_id", "module_id"),
        CheckConstraint("due_at > opens_at", name="due_after_open"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())

    module: Mapped[Module] = relationship(lazy="joined", innerjoin=True)


class Extension(Model):
    """More days for one student: for one module's homework, or (``module_id`` NULL) for every
    module of the course. A module's own extension wins over the course-wide one."""

    __tablename__ = "extension"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "module_id"),
        # NULLs are distinct in a unique constraint: one course-wide extension per enrolment.
        Index(
            "uq_extension_whole_course",
            "enrolment_id",
            unique=True,
            sqlite_where=text("module_id IS NULL"),
            postgresql_where=text("module_id IS NULL"),
        ),
        CheckConstraint(f"days BETWEEN 1 AND {EXTENSION_DAYS_MAX}", name="days_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), index=True
    )
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    days: Mapped[int] = mapped_column(Integer)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
