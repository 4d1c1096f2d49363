"""Offering a source for a module's video in one language: hashed, ranked against what the
video already has, and queued for transcoding only when it is new."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update

from app import jobs
from app.extensions import db
from app.learning.content import LANGS
from app.learning.models import Course, Module
from app.video.models import JobStatus, Origin, TranscodeJob, Video
from app.video.tasks import transcode_video

CHUNK = 1 << 20
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
FOLDER_PREFIX_RE = re.compile(r"^\d+-")

QUEUED = "queued"  # a transcoding job will run once the caller commits
UNCHANGED = "unchanged"  # that source is already published, queued, or was refused before
OUTRANKED = "outranked"  # a stronger source (a real recording, an upload) is in place


@dataclass(frozen=True)
class Offer:
    outcome: str  # QUEUED, UNCHANGED or OUTRANKED
    video: Video
    job: TranscodeJob | None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def find_module(course_slug: str, module: str) -> Module | None:
    """The current module by slug, or by its course folder's name (``01-disinformation``)."""
    candidates = (module, FOLDER_PREFIX_RE.sub("", module))
    rows = db.session.scalars(
        select(Module)
        .join(Course, Course.id == Module.course_id)
        .where(Course.slug == course_slug, Module.slug.in_(candidates), Module.retired.is_(False))
    ).all()
    return next((m for c in candidates for m in rows if m.slug == c), None)


def video_row(module_id: int, language: str) -> Video:
    """The module's video in ``language``, made (unpublished) if it has none yet."""
    video = db.session.scalar(
        select(Video).where(Video.module_id == module_id, Video.language == language)
    )
    if video is None:
        video = Video(module_id=module_id, language=language)
        db.session.add(video)
        db.session.flush()
    return video


def claimed_rank(video: Video) -> int:
    """The strongest origin the video holds: published, or waiting in the queue."""
    ranks = [Origin(video.origin).rank] if video.origin else []
    ranks += [
        Origin(origin).rank
        for origin in db.session.scalars(
            select(TranscodeJob.origin).where(
                TranscodeJob.video_id == video.id, TranscodeJob.status.in_(ACTIVE)
            )
        )
    ]
    return min(ranks, default=len(Origin))


def offer(
    module: Module, language: str, path: Path, origin: Origin, sha256: str | None = None
) -> Offer:
    """Queue ``path`` as the source of ``module``'s video in ``language`` unless nothing would
    change. Flushes; the job is enqueued when the caller's unit of work commits."""
    if language not in LANGS:
        raise ValueError(f"language must be one of {', '.join(LANGS)}, not {language!r}")
    path = Path(path).resolve()
    digest = sha256 or sha256_of(path)
    video = video_row(module.id, language)
    if origin.rank > claimed_rank(video):
        return Offer(OUTRANKED, video, None)
    if video.sha256 == digest:
        return Offer(UNCHANGED, video, None)
    seen = db.session.scalar(
        select(TranscodeJob)
        .where(
            TranscodeJob.video_id == video.id,
            TranscodeJob.sha256 == digest,
            TranscodeJob.status.in_((*ACTIVE, JobStatus.FAILED)),
        )
        .order_by(TranscodeJob.id.desc())
        .limit(1)
    )
    if seen is not None and seen.status != JobStatus.FAILED:
        return Offer(UNCHANGED, video, seen)
    if seen is not None and seen.origin == origin and seen.source_path == str(path):
        return Offer(UNCHANGED, video, seen)  # the same broken file again: refused once
    # A newer source replaces whatever waits: queued jobs will not run, a running one will
    # not publish.
    db.session.execute(
        update(TranscodeJob)
        .where(TranscodeJob.video_id == video.id, TranscodeJob.status.in_(ACTIVE))
        .values(status=JobStatus.SUPERSEDED)
        .execution_options(synchronize_session="fetch")
    )
    job = TranscodeJob(
        video_id=video.id,
        sha256=digest,
        origin=origin,
        source_path=str(path),
        source_size=path.stat().st_size,
        status=JobStatus.QUEUED,
        progress=0,
    )
    db.session.add(job)
    db.session.flush()
    jobs.on_commit(transcode_video, job.id)
    return Offer(QUEUED, video, job)
