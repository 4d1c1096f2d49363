"""The transcoding job on the queue (registered in ``app/tasks.py``)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from flask import has_app_context

from app import jobs
from app.jobs import huey
from app.video import pipeline


@huey.task(name="video.transcode")
def transcode_video(job_id: int) -> None:
    """Probe, transcode and publish one offered source (``TranscodeJob`` ``job_id``)."""
    context: AbstractContextManager[Any] = (
        nullcontext() if has_app_context() else jobs.consumer_app().app_context()
    )
    with context:
        pipeline.run(job_id)
