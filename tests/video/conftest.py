"""A few-second clip made once per run by ffmpeg (``testsrc`` + ``sine``), a broken file, and
a helper that offers a source for module m1 and runs its job (the queue is immediate)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from app.extensions import db
from app.learning.models import Module
from app.unit_of_work import commit
from app.video import services as video
from app.video.models import Rendition, TranscodeJob, Video

needs_ffmpeg = pytest.mark.skipif(
    not (shutil.which("ffmpeg") and shutil.which("ffprobe")), reason="needs Debian's ffmpeg"
)


def make_clip(path: Path, *, seconds: int = 3, frequency: int = 440, size: str = "640x360"):
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc=size={size}:rate=10",
         "-f", "lavfi", "-i", f"sine=frequency={frequency}:sample_rate=44100",
         "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "64k", "-shortest", str(path)],
        check=True,
    )  # fmt: skip
    return path


@pytest.fixture(scope="session")
def clips(tmp_path_factory):
    """Two different clips (a new source, and another one to replace it)."""
    if not shutil.which("ffmpeg"):
        pytest.skip("needs Debian's ffmpeg")
    folder = tmp_path_factory.mktemp("clips")
    return make_clip(folder / "clip.mp4"), make_clip(folder / "other.mp4", frequency=660)


@pytest.fixture
def clip(clips, tmp_path):
    """The first clip, copied where a test may do with it what it likes."""
    return Path(shutil.copy(clips[0], tmp_path / "clip.mp4"))


@pytest.fixture
def broken(tmp_path, clips):
    """The clip's first 4 KB: it starts like an MP4 and then stops."""
    path = tmp_path / "broken.mp4"
    path.write_bytes(clips[0].read_bytes()[:4096])
    return path


@pytest.fixture
def offer(app, course):
    """``offer(path, language="en", origin="course")`` for module m1 of the demo course; the
    job runs when the offer commits (immediate queue). Returns the outcome."""

    def do(path: Path, language: str = "en", origin: str = "course", module: str = "m1") -> str:
        with app.test_request_context():
            outcome = video.offer_source("demo", module, language, path, origin)
            commit()
            return outcome

    return do


def state(app, language: str = "en", module: str = "m1") -> dict:
    """The video's published hash, renditions and jobs, read fresh."""
    with app.app_context():
        module_id = db.session.scalar(db.select(Module.id).where(Module.slug == module))
        row = db.session.scalar(
            db.select(Video).where(Video.module_id == module_id, Video.language == language)
        )
        if row is None:
            return {"sha256": None, "renditions": {}, "jobs": []}
        renditions = {
            r.kind: r
            for r in db.session.scalars(
                db.select(Rendition).where(
                    Rendition.video_id == row.id, Rendition.sha256 == row.sha256
                )
            )
        }
        jobs = list(
            db.session.scalars(
                db.select(TranscodeJob)
                .where(TranscodeJob.video_id == row.id)
                .order_by(TranscodeJob.id)
            )
        )
        for item in [row, *renditions.values(), *jobs]:
            db.session.expunge(item)
        return {"video": row, "sha256": row.sha256, "renditions": renditions, "jobs": jobs}
