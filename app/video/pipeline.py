"""One transcoding job from claim to publication.

The job claims its row, probes the source, encodes every rung into a scratch folder under
``MEDIA_WORK_DIR``, stores the files, and only then switches the video to the new renditions,
in one transaction; the old files are deleted after that commit. Until then the module keeps
its previous video; a failure leaves it untouched and says why on the job.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select, update

from app import metrics, storage
from app.db import utcnow
from app.extensions import db
from app.unit_of_work import commit, rollback
from app.video import errors, ffmpeg
from app.video.ladder import KINDS, POSTER, RUNGS, key_of, mimetype_of
from app.video.models import JobStatus, Origin, Rendition, TranscodeJob, Video

PROGRESS_EVERY = 2.0  # seconds between progress writes


def work_dir() -> Path:
    return Path(current_app.config["MEDIA_WORK_DIR"])


def run(job_id: int) -> None:
    """Run job ``job_id`` if it is still queued (a second delivery of the same job does
    nothing)."""
    claimed: Any = db.session.execute(
        update(TranscodeJob)
        .where(TranscodeJob.id == job_id, TranscodeJob.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, started_at=utcnow(), progress=0)
    )
    commit()
    if not claimed.rowcount:
        return
    job = db.session.get(TranscodeJob, job_id)
    assert job is not None
    scratch = work_dir() / "scratch" / f"job-{job_id}"
    started = time.monotonic()
    metrics.TRANSCODES_RUNNING.inc()
    try:
        _transcode_and_publish(job, scratch)
        metrics.TRANSCODE_JOBS.labels("succeeded").inc()
    except errors.SourceError as exc:
        rollback()
        _fail(job_id, exc.code, exc.detail)
        metrics.TRANSCODE_JOBS.labels("failed").inc()
    except Exception as exc:
        rollback()
        current_app.logger.exception("transcoding job %s failed", job_id)
        _fail(job_id, errors.TRANSCODE, repr(exc)[-500:])
        metrics.TRANSCODE_JOBS.labels("failed").inc()
    finally:
        metrics.TRANSCODES_RUNNING.dec()
        metrics.TRANSCODE_SECONDS.observe(time.monotonic() - started)
        shutil.rmtree(scratch, ignore_errors=True)


def _fail(job_id: int, code: str, detail: str) -> None:
    db.session.execute(
        update(TranscodeJob)
        .where(TranscodeJob.id == job_id, TranscodeJob.status == JobStatus.RUNNING)
        .values(status=JobStatus.FAILED, error=code, detail=detail, finished_at=utcnow())
    )
    commit()


def _transcode_and_publish(job: TranscodeJob, scratch: Path) -> None:
    sha, video_id = job.sha256, job.video_id
    reused = _renditions_made_before(sha)
    if reused:
        duration = _duration_of(sha)
        made = [
            Rendition(
                video_id=video_id, sha256=sha, kind=r.kind, key=r.key, mimetype=r.mimetype,
                size=r.size, bit_rate=r.bit_rate, width=r.width, height=r.height,
            )
            for r in reused
        ]  # fmt: skip
    else:
        duration, made = _encode(job, scratch)
    _publish(job.id, video_id, sha, Origin(job.origin), duration, made)


def _renditions_made_before(sha: str) -> list[Rendition]:
    """Another video's renditions of the same source (the same file in two languages, or a
    re-offered one): no need to encode it again."""
    rows = db.session.scalars(
        select(Rendition)
        .join(Video, Video.id == Rendition.video_id)
        .where(Rendition.sha256 == sha, Video.sha256 == sha)
        .order_by(Rendition.video_id)
    ).all()
    first: dict[str, Rendition] = {}
    for row in rows:
        first.setdefault(row.kind, row)
    if set(first) >= {POSTER, "low"} and all(
        storage.backend().exists(r.key) for r in first.values()
    ):
        return list(first.values())
    return []


def _duration_of(sha: str) -> float | None:
    return db.session.scalar(select(func.max(Video.duration)).where(Video.sha256 == sha))


def _encode(job: TranscodeJob, scratch: Path) -> tuple[float, list[Rendition]]:
    source = Path(job.source_path)
    info = ffmpeg.probe(source)
    scratch.mkdir(parents=True, exist_ok=True)
    job_id = job.id
    last = [time.monotonic(), 0]

    def report(percent: int) -> None:
        now = time.monotonic()
        if percent > last[1] and now - last[0] >= PROGRESS_EVERY:
            last[:] = [now, percent]
            db.session.execute(
                update(TranscodeJob).where(TranscodeJob.id == job_id).values(progress=percent)
            )
            commit()

    still = Origin(job.origin) == Origin.NARRATED
    timeout = max(600.0, info.duration * current_app.config["VIDEO_TRANSCODE_FACTOR"])
    ffmpeg.encode_ladder(source, info, scratch, still=still, report=report, timeout=timeout)
    ffmpeg.make_poster(source, info, scratch)
    store = storage.backend()
    made = []
    for kind in KINDS:
        extension = "jpg" if kind == POSTER else next(r.extension for r in RUNGS if r.kind == kind)
        path = scratch / f"{kind}.{extension}"
        if not path.is_file():
            continue  # no audio in the source: no audio rendition
        bit_rate, width, height = ffmpeg.probe_file(path) if kind != POSTER else (None, None, None)
        key = key_of(job.sha256, kind)
        try:
            with path.open("rb") as stream:
                store.put(key, stream, mimetype_of(kind))
        except OSError as exc:
            raise errors.SourceError(errors.STORAGE, str(exc)) from exc
        storage.written(key)
        made.append(
            Rendition(
                video_id=job.video_id, sha256=job.sha256, kind=kind, key=key,
                mimetype=mimetype_of(kind), size=path.stat().st_size, bit_rate=bit_rate,
                width=width, height=height,
            )
        )  # fmt: skip
    return info.duration, made


def _publish(
    job_id: int, video_id: int, sha: str, origin: Origin, duration: float | None,
    made: list[Rendition],
) -> None:  # fmt: skip
    """Switch the video to the new renditions in one transaction, unless a newer source took
    the job's place meanwhile (then the new files are dropped again)."""
    job = db.session.get(TranscodeJob, job_id, populate_existing=True)
    if job is None or job.status != JobStatus.RUNNING:
        rollback()  # removes the files this job stored
        return
    video = db.session.get(Video, video_id, populate_existing=True)
    assert video is not None
    old = db.session.scalars(
        select(Rendition).where(Rendition.video_id == video_id, Rendition.sha256 != sha)
    ).all()
    db.session.execute(
        delete(Rendition).where(Rendition.video_id == video_id, Rendition.sha256 == sha)
    )
    db.session.add_all(made)
    for row in old:
        db.session.delete(row)
    video.sha256, video.origin, video.duration = sha, origin, duration
    video.published_at = utcnow()
    job.status, job.progress, job.finished_at = JobStatus.SUCCEEDED, 100, utcnow()
    job.error = job.detail = None
    db.session.flush()
    still_used = set(
        db.session.scalars(select(Rendition.key).where(Rendition.key.in_([r.key for r in old])))
    )
    for row in old:
        if row.key not in still_used:
            storage.delete_key_later(row.key)
    commit()
