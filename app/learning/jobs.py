"""Narrating a course's videos on the queue (ADR 0020), so ``make run`` serves at once.

``flask demo load`` asks for it after its commit; each module page says its video is being
prepared until the video pipeline has the renditions. Two runs at once are safe (each video
and manifest is written beside its place and renamed in), they only repeat work, so there is no
lock that a killed worker could leave behind.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from app.jobs import huey
from app.unit_of_work import commit, in_app_context


@huey.task(name="learning.render_course_videos")
@in_app_context
def render_course_videos(path: str) -> int:
    """Narrate what is new or changed in the course folder at ``path``; how many videos were
    made. If the captions were re-timed, the course is imported again, so the transcript and
    the caption tracks the module pages serve match the new videos."""
    # Imported here, on the queue's consumer: a web worker that only enqueues this never loads
    # the course reader (PyYAML) or the narration (Pillow) (issue 19, a worker's memory).
    from app.learning.content.importer import import_course
    from app.learning.content.spec import read_course
    from app.learning.narration import render_course
    from app.learning.narration.speech import SpeechError
    from app.learning.narration.video import VideoError

    spec = read_course(path)
    if spec.errors:
        current_app.logger.error(
            "not narrating %s: the course has %d errors (flask courses validate %s)",
            path,
            len(spec.errors),
            path,
        )
        return 0
    work_dir = Path(current_app.config["MEDIA_WORK_DIR"])
    try:
        outcomes = render_course(
            spec, work_dir, echo=current_app.logger.info, after_each=lambda _made: commit()
        )
    except (SpeechError, VideoError) as exc:  # no espeak-ng or ffmpeg here: retrying won't help
        current_app.logger.warning("not narrating %s: %s", path, exc)
        return 0
    if any(outcome.captions_changed for outcome in outcomes):
        import_course(read_course(path))
    return sum(outcome.status == "rendered" for outcome in outcomes)
