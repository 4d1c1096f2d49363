"""What other domains, the console and the tools ask of video (ADR 0019).

- ``offer_source``: a source for a module's video in one language (the importer, the narration
  renderer and uploads call it); transcoding is queued only when the source changed.
- ``player_for`` / ``duration_for``: what the module page plays, and how long it lasts.
- ``preference_of`` / ``set_preference``: the student's data saver.
- ``save_upload``: an admin's upload, streamed to the work folder, then offered.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from flask import current_app
from sqlalchemy import select

from app.db import utcnow
from app.extensions import db
from app.learning.models import Course, Module
from app.unit_of_work import add_or_take_winner
from app.video import errors, ffmpeg, player, sources
from app.video.errors import SourceError as SourceError
from app.video.errors import message as error_message
from app.video.forms import VideoUploadForm as VideoUploadForm
from app.video.ladder import KINDS as KINDS
from app.video.models import JobStatus, Origin, Preference, Quality, Rendition, TranscodeJob, Video
from app.video.player import QUALITIES as QUALITIES
from app.video.player import ModuleVideos as ModuleVideos
from app.video.player import Player as Player
from app.video.player import module_videos as module_videos
from app.video.sources import OUTRANKED as OUTRANKED
from app.video.sources import QUEUED as QUEUED
from app.video.sources import UNCHANGED as UNCHANGED
from app.video.sources import Offer as Offer

__all__ = [
    "KINDS",
    "OUTRANKED",
    "QUALITIES",
    "QUEUED",
    "UNCHANGED",
    "LanguageStatus",
    "ModuleVideos",
    "Offer",
    "Player",
    "SourceError",
    "VideoUploadForm",
    "duration_for",
    "error_message",
    "find_module",
    "module_videos",
    "offer_source",
    "player_for",
    "preference_of",
    "set_preference",
]

CHUNK = 1 << 20
find_module = sources.find_module


def media_work_dir() -> Path:
    """Where sources and scratch files live (``MEDIA_WORK_DIR``; never the checkout)."""
    return Path(current_app.config["MEDIA_WORK_DIR"])


def offer_source(
    course_slug: str, module: str, language: str, path: str | os.PathLike[str], origin: str
) -> str:
    """Offer the file at ``path`` as the source of a module's video in ``language``.

    ``module`` is the module's slug or its course folder name (``01-disinformation``);
    ``origin`` is ``"course"``, ``"upload"`` or ``"narrated"`` (strongest first: a weaker one
    never replaces a stronger one). The file is hashed; when that source is already published,
    queued or was refused before, nothing happens. Runs in the caller's unit of work: the job
    starts when the caller commits (``app.unit_of_work.commit()``). Returns ``"queued"``,
    ``"unchanged"`` or ``"outranked"``; ``LookupError`` when there is no such module.
    """
    row = sources.find_module(course_slug, module)
    if row is None:
        raise LookupError(f"no module {module!r} in course {course_slug!r}")
    return sources.offer(row, language, Path(path), Origin(origin)).outcome


def offer_module_sources(
    course_slug: str, module: Module, folder: str, course_files: dict[str, Path]
) -> dict[str, str]:
    """The importer's step per module: for each language, the real recording in the course
    folder, else the narrated rendering if one was made (an upload, in between, is kept:
    a narrated source never outranks it). Returns language -> outcome."""
    outcomes = {}
    narrated_dir = media_work_dir() / "narrated" / course_slug / folder
    for language in sorted(set(course_files) | {p.stem for p in _files(narrated_dir)}):
        if language in course_files:
            found = sources.offer(module, language, course_files[language], Origin.COURSE)
        elif language in {"kk", "ru", "en"}:
            path = narrated_dir / f"{language}.mp4"
            found = sources.offer(module, language, path, Origin.NARRATED)
        else:
            continue
        outcomes[language] = found.outcome
    return outcomes


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.mp4")) if folder.is_dir() else []


def player_for(
    course_slug: str,
    module_slug: str,
    module_id: int,
    lang: str,
    *,
    user_id: int | None,
    wanted: str | None = None,
    save_data: bool = False,
) -> tuple[Player | None, bool]:
    """The player for the module page in ``lang`` (falling back kk → ru → en), and whether a
    video is being prepared. ``wanted`` is the page's ``?quality=``, ``save_data`` the
    ``Save-Data: on`` header; the student's data saver is read only when there is a video."""
    videos = module_videos(module_id)
    published = videos.pick(lang)
    preparing = bool(videos.preparing) and (published is None or lang in videos.preparing)
    if published is None:
        return None, preparing
    preference = preference_of(user_id)
    found = player.build(published, course_slug, module_slug, preference, wanted, save_data)
    return found, preparing


def duration_for(module: Module | int, language: str) -> float | None:
    """Seconds of the video a student of ``language`` is shown (with the fallback), or None
    when the module has no published video."""
    module_id = module if isinstance(module, int) else module.id
    published = module_videos(module_id).pick(language)
    return published.duration if published else None


def preference_of(user_id: int | None) -> Quality:
    if user_id is None:
        return Quality.NORMAL
    found = db.session.scalar(select(Preference.quality).where(Preference.user_id == user_id))
    return Quality(found) if found else Quality.NORMAL


def set_preference(user_id: int, quality: Quality) -> None:
    """Remember the student's data saver choice (a double submit keeps one row)."""
    row = db.session.get(Preference, user_id)
    if row is None:
        row, _inserted = add_or_take_winner(
            Preference(user_id=user_id, quality=quality, updated_at=utcnow()),
            lambda: db.session.get(Preference, user_id),
        )
    if row is not None:
        row.quality, row.updated_at = quality, utcnow()


def save_upload(module: Module, language: str, stream: IO[bytes], max_bytes: int) -> Offer:
    """Copy an uploaded file to the work folder in chunks (never whole in memory), hashing it
    as it goes; check it with ffprobe; offer it. ``SourceError`` when refused."""
    folder = media_work_dir() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            while block := stream.read(CHUNK):
                size += len(block)
                if size > max_bytes:
                    raise SourceError(errors.TOO_BIG_UPLOAD)
                digest.update(block)
                out.write(block)
        if size == 0:
            raise SourceError(errors.UNREADABLE, "empty file")
        ffmpeg.probe(Path(tmp))  # refuse a broken or non-video file now, in the form
        target = folder / f"{digest.hexdigest()}.src"
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return sources.offer(module, language, target, Origin.UPLOAD, digest.hexdigest())


@dataclass(frozen=True)
class LanguageStatus:
    """One language of a module's video, as the console and ``flask video status`` show it."""

    language: str
    video: Video | None
    renditions: list[Rendition]
    job: TranscodeJob | None  # the latest

    @property
    def state(self) -> str:
        if self.job is not None and self.job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            return str(self.job.status)
        if self.job is not None and self.job.status == JobStatus.FAILED:
            return "failed"
        return "published" if self.video and self.video.sha256 else "none"

    @property
    def published_at(self) -> datetime | None:
        return self.video.published_at if self.video else None


def module_status(module_id: int, languages: tuple[str, ...]) -> list[LanguageStatus]:
    videos = {
        v.language: v for v in db.session.scalars(select(Video).where(Video.module_id == module_id))
    }
    ids = [v.id for v in videos.values()]
    renditions: dict[int, list[Rendition]] = {}
    for r in db.session.scalars(
        select(Rendition).join(Video, Video.id == Rendition.video_id)
        .where(Rendition.video_id.in_(ids), Rendition.sha256 == Video.sha256)
        .order_by(Rendition.id)
    ):  # fmt: skip
        renditions.setdefault(r.video_id, []).append(r)
    latest: dict[int, TranscodeJob] = {}
    for job in db.session.scalars(
        select(TranscodeJob).where(TranscodeJob.video_id.in_(ids)).order_by(TranscodeJob.id)
    ):
        latest[job.video_id] = job
    result = []
    for language in languages:
        video = videos.get(language)
        result.append(
            LanguageStatus(
                language,
                video,
                renditions.get(video.id, []) if video else [],
                latest.get(video.id) if video else None,
            )
        )
    return result


def course_modules() -> list[tuple[Course, Module]]:
    """Every current module of every course, for the console's list and the CLI."""
    rows = db.session.execute(
        select(Course, Module)
        .join(Module, Module.course_id == Course.id)
        .where(Module.retired.is_(False))
        .order_by(Course.id, Module.position)
    )
    return [(course, module) for course, module in rows]


def ffmpeg_available() -> bool:
    return ffmpeg.available()
