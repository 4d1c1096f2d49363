"""The transcoding job on the queue, and the sweep that recovers lost ones (both registered in
``app/tasks.py``)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from datetime import timedelta
from typing import Any

from flask import current_app, has_app_context
from huey import crontab
from sqlalchemy import select, update

from app import jobs
from app.db import utcnow
from app.extensions import db
from app.jobs import huey
from app.unit_of_work import in_app_context
from app.video import errors, pipeline
from app.video.models import JobStatus, TranscodeJob

LOST_AFTER = timedelta(minutes=30)  # a queued job nobody took (a crash before the enqueue)


@huey.task(name="video.transcode")
def transcode_video(job_id: int) -> None:
    """Probe, transcode and publish one offered source (``TranscodeJob`` ``job_id``)."""
    context: AbstractContextManager[Any] = (
        nullcontext() if has_app_context() else jobs.consumer_app().app_context()
    )
    with context:
        pipeline.run(job_id)


@huey.periodic_task(crontab(minute="*/10"), name="video.sweep")
@huey.lock_task("video.sweep")
@in_app_context
def sweep_transcodes() -> int:
    """Queue again the jobs whose enqueue was lost (a second delivery of a job is a no-op: it
    runs only while still queued), and fail the ones whose worker died mid-run."""
    now = utcnow()
    stale = timedelta(hours=current_app.config["VIDEO_STALE_HOURS"])
    db.session.execute(
        update(TranscodeJob)
        .where(TranscodeJob.status == JobStatus.RUNNING, TranscodeJob.started_at < now - stale)
        .values(
            status=JobStatus.FAILED,
            error=errors.TRANSCODE,
            detail="the worker stopped before the job finished",
            finished_at=now,
        )
    )
    lost = list(
        db.session.scalars(
            select(TranscodeJob.id).where(
                TranscodeJob.status == JobStatus.QUEUED, TranscodeJob.created_at < now - LOST_AFTER
            )
        )
    )
    for job_id in lost:
        jobs.on_commit(transcode_video, job_id)
    return len(lost)
