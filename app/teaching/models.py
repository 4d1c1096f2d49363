"""Announcements (with every earlier version kept), a cohort's teaching settings, and nudges."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import Model

LangText = dict[str, str]  # {"kk": ..., "ru": ..., "en": ...}: one to three languages


class TeachingSettings(Model):
    """A cohort's teaching settings (a row only once an admin changes a default)."""

    __tablename__ = "teaching_settings"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True
    )
    reviewers_may_announce: Mapped[bool] = mapped_column(Boolean, default=False)


class Announcement(Model):
    __tablename__ = "announcement"
    __table_args__ = (
        CheckConstraint("version >= 1", name="version_positive"),
        # The cohort's announcements, newest first (the students' page and the dashboard).
        Index("ix_announcement_cohort_created", "cohort_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped by each edit; the edit form carries it, so a stale form is refused (409).
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[LangText] = mapped_column(JSON)
    body: Mapped[LangText] = mapped_column(JSON)  # Markdown, as written
    body_html: Mapped[LangText] = mapped_column(JSON)  # rendered and sanitised once, on save
    # Emailing, batch after batch from the queue: the last student (by id) already mailed.
    mailed_through_user_id: Mapped[int] = mapped_column(Integer, default=0)
    mail_done: Mapped[bool] = mapped_column(Boolean, default=False)

    versions: Mapped[list[AnnouncementVersion]] = relationship(
        order_by="AnnouncementVersion.version.desc()",
        lazy="select",
        cascade="all, delete-orphan",
    )


class AnnouncementVersion(Model):
    """An earlier wording of an announcement, kept when it is edited."""

    __tablename__ = "announcement_version"
    __table_args__ = (UniqueConstraint("announcement_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id", ondelete="CASCADE"))
    version: Mapped[int]
    title: Mapped[LangText] = mapped_column(JSON)
    body: Mapped[LangText] = mapped_column(JSON)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Nudge(Model):
    """A reminder sent to one student at risk of falling behind, and why."""

    __tablename__ = "nudge"
    __table_args__ = (
        Index("ix_nudge_cohort_user", "cohort_id", "user_id", "sent_at"),
        # The nudges still to email, oldest first.
        Index(
            "ix_nudge_unmailed",
            "id",
            sqlite_where=text("mailed_at IS NULL"),
            postgresql_where=text("mailed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Emailed from the queue after the request commits (``at_risk.mail_nudges``).
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
