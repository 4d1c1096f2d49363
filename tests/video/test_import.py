"""``flask courses import`` offers the course folder's sources (else a narrated rendering),
and importing again does no work; ``flask video status`` tells where each video is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.extensions import db
from app.video.models import JobStatus, TranscodeJob, Video
from tests.learning.course_fixture import SLUG, edit, write_course


@pytest.fixture
def course_dir(tmp_path, clips):
    course = write_course(tmp_path)
    (course / "media").mkdir()
    shutil.copy(clips[0], course / "media" / "intro.kk.mp4")
    edit(course, "01-intro/module.yaml", "  url: https://www.youtube-nocookie.com/embed/abc123\n"
         "  duration_seconds: 540\n", "  sources:\n    kk: media/intro.kk.mp4\n")  # fmt: skip
    return course


def run(app, *args: str):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def videos(app) -> dict[str, tuple]:
    with app.app_context():
        rows = db.session.scalars(db.select(Video).order_by(Video.language))
        return {v.language: (v.origin, v.sha256) for v in rows}


def test_import_publishes_course_sources_and_reimport_does_nothing(app, course_dir):
    output = run(app, "courses", "import", str(course_dir))
    assert "video kk queued" in output
    first = videos(app)
    assert first["kk"][0] == "course" and first["kk"][1]
    output = run(app, "courses", "import", str(course_dir))
    assert "video kk unchanged" in output
    assert videos(app) == first
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(TranscodeJob.id))) == 1
    status = run(app, "video", "status")
    assert f"{SLUG}/intro" in status and "kk: published from course, 3 s: low " in status
    assert "ru: none" in status


def test_a_narrated_rendering_fills_a_language_without_a_recording(app, course_dir, clips):
    narrated = Path(app.config["MEDIA_WORK_DIR"]) / "narrated" / SLUG / "01-intro"
    narrated.mkdir(parents=True)
    shutil.copy(clips[1], narrated / "ru.mp4")
    shutil.copy(clips[1], narrated / "kk.mp4")  # the recording wins for kk
    run(app, "courses", "import", str(course_dir))
    found = videos(app)
    assert found["kk"][0] == "course" and found["ru"][0] == "narrated"


def test_narration_offers_its_file_through_one_function(app, course_dir, clips, tmp_path):
    from app.unit_of_work import commit
    from app.video import services as video

    run(app, "courses", "import", str(course_dir))
    rendered = Path(shutil.copy(clips[1], tmp_path / "en.mp4"))
    with app.test_request_context():
        assert video.offer_source(SLUG, "01-intro", "en", rendered, "narrated") == "queued"
        commit()
    with app.test_request_context():
        assert video.offer_source(SLUG, "intro", "en", rendered, "narrated") == "unchanged"
        assert video.offer_source(SLUG, "intro", "kk", rendered, "narrated") == "outranked"
        commit()
        module_id = db.session.scalar(db.select(Video.module_id).where(Video.language == "en"))
        assert video.duration_for(module_id, "en") == pytest.approx(3, abs=0.3)
        assert video.duration_for(module_id, "kk") == pytest.approx(3, abs=0.3)
        job = db.session.scalar(db.select(TranscodeJob).order_by(TranscodeJob.id.desc()))
        assert job.status == JobStatus.SUCCEEDED
