"""A video per module and language, its renditions (keyed on the source's hash) and the
transcoding jobs that make them; and each student's data saver choice."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Enum,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import Model


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        cls, name=name, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
    )


class Origin(enum.StrEnum):
    """Where a source came from, strongest first: a real recording in the course folder beats
    an admin's upload, which beats the platform's narrated rendering."""

    COURSE = "course"
    UPLOAD = "upload"
    NARRATED = "narrated"

    @property
    def rank(self) -> int:
        return list(Origin).index(self)


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SUPERSEDED = "superseded"  # a newer source arrived before it ran


class Quality(enum.StrEnum):
    """What the data saver asks for: the best the page offers, the lowest, or sound only."""

    NORMAL = "normal"
    LOWEST = "lowest"
    AUDIO = "audio"


class Video(Model):
    """What a module shows in one language. ``sha256`` is the published source's hash: the
    renditions with that hash are the ones served; until a new source's renditions are all
    stored, the previous ones stay published."""

    __tablename__ = "video"
    __table_args__ = (
        UniqueConstraint("module_id", "language"),
        CheckConstraint("duration IS NULL OR duration > 0", name="duration_positive"),
        CheckConstraint(
            "(sha256 IS NULL) = (published_at IS NULL)", name="published_has_timestamp"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str | None] = mapped_column(String(64))
    origin: Mapped[Origin | None] = mapped_column(_enum(Origin, "video_origin"))
    duration: Mapped[float | None] = mapped_column(Float)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Rendition(Model):
    """One encoded file of one source, in the storage backend under
    ``videos/<sha256>/<kind>.<ext>`` (two languages with the same source share the files)."""

    __tablename__ = "video_rendition"
    __table_args__ = (
        UniqueConstraint("video_id", "sha256", "kind"),
        CheckConstraint("size >= 0", name="size_not_negative"),
        Index("ix_video_rendition_key", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("video.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    bit_rate: Mapped[int | None]  # bits per second, as ffprobe reports the whole file
    width: Mapped[int | None]
    height: Mapped[int | None]


class TranscodeJob(Model):
    """One source offered for a video, and its way through the queue (progress in percent)."""

    __tablename__ = "transcode_job"
    __table_args__ = (
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
        CheckConstraint("status != 'failed' OR error IS NOT NULL", name="failure_has_error"),
        Index("ix_transcode_job_video_status", "video_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("video.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    origin: Mapped[Origin] = mapped_column(_enum(Origin, "video_origin"))
    source_path: Mapped[str] = mapped_column(Text)
    source_size: Mapped[int]
    status: Mapped[JobStatus] = mapped_column(
        _enum(JobStatus, "transcode_status"), default=JobStatus.QUEUED
    )
    progress: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(32))  # a code: see app.video.errors
    detail: Mapped[str | None] = mapped_column(Text)  # ffmpeg's own words, for the admin
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Preference(Model):
    """A student's data saver choice, remembered across pages and devices."""

    __tablename__ = "video_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    quality: Mapped[Quality] = mapped_column(_enum(Quality, "video_quality"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
