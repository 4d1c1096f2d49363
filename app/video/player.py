"""What the module page plays: the published renditions of a module's videos, in the order the
student's data saver, an explicit quality choice or ``Save-Data: on`` asks for."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flask import url_for
from sqlalchemy import Executable, and_, bindparam, select

from app.extensions import db
from app.learning.content import fallback_order
from app.video.ladder import AUDIO, HIGH, LOW, MEDIUM, POSTER, VIDEO_KINDS
from app.video.models import JobStatus, Quality, Rendition, TranscodeJob, Video

# ?quality= values a page link may carry.
QUALITIES = (LOW.kind, MEDIUM.kind, HIGH.kind, AUDIO.kind)


@dataclass(frozen=True)
class Source:
    kind: str
    url: str
    mimetype: str
    size: int
    height: int | None


@dataclass(frozen=True)
class Published:
    language: str
    sha256: str
    duration: float | None
    renditions: dict[str, tuple[str, int, int | None]]  # kind -> (mimetype, size, height)
    origin: str | None = None  # "course", "upload" or "narrated" (a synthetic voice)

    @property
    def narrated(self) -> bool:
        return self.origin == "narrated"


@dataclass
class ModuleVideos:
    """A module's published videos by language, and the languages still being prepared."""

    published: dict[str, Published] = field(default_factory=dict)
    preparing: set[str] = field(default_factory=set)

    def pick(self, lang: str) -> Published | None:
        """The video in ``lang``, else the nearest language that has one (kk → ru → en)."""
        return next((self.published[c] for c in fallback_order(lang) if c in self.published), None)


@dataclass(frozen=True)
class Player:
    video: Published
    chosen: str  # the quality the sources start from: a kind from QUALITIES
    explicit: bool  # chosen by ?quality= (the page's links), not by a default
    preference: Quality  # the student's data saver
    sources: tuple[Source, ...]  # in the order the browser should try them
    poster: str | None
    download: Source | None  # the low rendition as an attachment

    @property
    def audio_only(self) -> bool:
        return self.chosen == AUDIO.kind

    @property
    def language(self) -> str:
        return self.video.language

    @property
    def duration(self) -> float | None:
        return self.video.duration


def module_videos(module_id: int) -> ModuleVideos:
    """One statement: each language's published renditions, and whether a job is waiting or
    running for it."""
    rows = db.session.connection().execute(_videos_statement(), {"module_id": module_id}).all()
    found = ModuleVideos()
    for language, sha, duration, origin, kind, mimetype, size, height, busy in rows:
        if busy:
            found.preparing.add(language)
        if sha is None or kind is None:
            continue
        entry = found.published.setdefault(
            language,
            Published(language, sha, duration, {}, origin.value if origin is not None else None),
        )
        entry.renditions[kind] = (mimetype, size, height)
    return found


@cache
def _videos_statement() -> Executable:
    """Built once: the module page runs it on every visit (issue 19)."""
    active = (
        select(TranscodeJob.id)
        .where(
            TranscodeJob.video_id == Video.id,
            TranscodeJob.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)),
        )
        .exists()
    )
    return (
        select(
            Video.language, Video.sha256, Video.duration, Video.origin, Rendition.kind,
            Rendition.mimetype, Rendition.size, Rendition.height, active,
        )
        .outerjoin(
            Rendition, and_(Rendition.video_id == Video.id, Rendition.sha256 == Video.sha256)
        )
        .where(Video.module_id == bindparam("module_id"))
    )  # fmt: skip


def order(preference: Quality, wanted: str | None, save_data: bool) -> tuple[str, bool]:
    """The quality to start from and whether the student chose it on this page."""
    if wanted in QUALITIES:
        return wanted, True
    if preference == Quality.AUDIO:
        return AUDIO.kind, False
    if preference == Quality.LOWEST or save_data:
        return LOW.kind, False
    return MEDIUM.kind, False


def build(
    video: Published,
    course_slug: str,
    module_slug: str,
    preference: Quality,
    wanted: str | None,
    save_data: bool,
) -> Player:
    chosen, explicit = order(preference, wanted, save_data)

    def source(kind: str, **extra: Any) -> Source | None:
        if kind not in video.renditions:
            return None
        mimetype, size, height = video.renditions[kind]
        url = url_for(
            "video.media", course_slug=course_slug, module_slug=module_slug,
            lang=video.language, kind=kind, v=video.sha256[:16], **extra,
        )  # fmt: skip
        return Source(kind, url, mimetype, size, height)

    if chosen == AUDIO.kind and AUDIO.kind not in video.renditions:
        chosen = LOW.kind
    if chosen == AUDIO.kind:
        kinds: tuple[str, ...] = (AUDIO.kind,)
    else:
        kinds = (chosen, *(k for k in VIDEO_KINDS if k != chosen))
    sources = tuple(s for s in (source(k) for k in kinds) if s is not None)
    poster = source(POSTER)
    return Player(
        video=video,
        chosen=chosen,
        explicit=explicit,
        preference=preference,
        sources=sources,
        poster=poster.url if poster else None,
        download=source(LOW.kind, download="1"),
    )
