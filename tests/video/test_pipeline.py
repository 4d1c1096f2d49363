"""Sources become a published ladder: probed, transcoded, stored, switched at once; a broken
file is refused and the previous video kept; an unchanged source does no work."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.storage import backend
from app.video import ffmpeg
from app.video.ladder import POSTER_MAX_BYTES
from app.video.models import JobStatus
from tests.video.conftest import state

pytestmark = pytest.mark.usefixtures("course")


def stored_path(app, key: str) -> Path:
    with app.app_context():
        return backend().path(key)


def test_a_source_becomes_every_rendition_within_its_budget(app, offer, clip):
    assert offer(clip) == "queued"
    found = state(app)
    assert found["jobs"][-1].status == JobStatus.SUCCEEDED, found["jobs"][-1].detail
    assert found["jobs"][-1].progress == 100
    assert set(found["renditions"]) == {"low", "360p", "720p", "audio", "poster"}
    assert found["video"].duration == pytest.approx(3, abs=0.3)
    sizes = {}
    for kind, rendition in found["renditions"].items():
        path = stored_path(app, rendition.key)
        assert path.is_file() and path.stat().st_size == rendition.size
        assert rendition.key.startswith(f"videos/{found['sha256']}/")
        sizes[kind] = ffmpeg.probe_file(path)
    low_rate, _width, low_height = sizes["low"]
    assert low_height == 240 and low_rate <= 200_000, sizes["low"]
    assert sizes["360p"][2] == 360
    assert sizes["720p"][2] == 360  # never upscaled past the 360p source
    assert sizes["audio"][0] <= 48_000 and sizes["audio"][2] is None
    assert found["renditions"]["poster"].size <= POSTER_MAX_BYTES
    # faststart: the index (moov) comes before the media data (mdat).
    head = stored_path(app, found["renditions"]["low"].key).read_bytes()[:4096]
    assert head.find(b"moov") != -1 and (
        head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat")
    )


def test_an_unchanged_source_does_no_work(app, offer, clip, monkeypatch):
    assert offer(clip) == "queued"
    before = state(app)
    calls = []
    monkeypatch.setattr(ffmpeg, "encode_ladder", lambda *a, **k: calls.append(a))
    assert offer(clip) == "unchanged"
    copy = clip.with_name("same-bytes.mp4")
    shutil.copy(clip, copy)
    assert offer(copy) == "unchanged"  # the hash decides, not the name
    after = state(app)
    assert calls == [] and len(after["jobs"]) == len(before["jobs"]) == 1
    assert after["sha256"] == before["sha256"]


def test_the_same_source_in_another_language_reuses_the_files(app, offer, clip, monkeypatch):
    assert offer(clip, "en") == "queued"
    monkeypatch.setattr(ffmpeg, "encode_ladder", lambda *a, **k: pytest.fail("encoded again"))
    assert offer(clip, "ru") == "queued"
    en, ru = state(app, "en"), state(app, "ru")
    assert ru["sha256"] == en["sha256"] and ru["jobs"][-1].status == JobStatus.SUCCEEDED
    assert {k: r.key for k, r in ru["renditions"].items()} == {
        k: r.key for k, r in en["renditions"].items()
    }


def test_a_broken_file_is_refused_and_the_previous_video_kept(app, offer, clip, broken):
    assert offer(clip) == "queued"
    published = state(app)
    assert offer(broken) == "queued"
    after = state(app)
    failed = after["jobs"][-1]
    assert failed.status == JobStatus.FAILED and failed.error == "unreadable"
    assert after["sha256"] == published["sha256"]
    for rendition in after["renditions"].values():
        assert stored_path(app, rendition.key).is_file()
    # Offered again unchanged: refused once is enough.
    assert offer(broken) == "unchanged"


def test_a_new_source_replaces_the_old_files_only_once_published(app, offer, clips, tmp_path):
    first = Path(shutil.copy(clips[0], tmp_path / "a.mp4"))
    second = Path(shutil.copy(clips[1], tmp_path / "b.mp4"))
    assert offer(first) == "queued"
    old = state(app)
    assert offer(second) == "queued"
    new = state(app)
    assert new["sha256"] != old["sha256"]
    assert set(new["renditions"]) == set(old["renditions"])
    for rendition in old["renditions"].values():
        assert not stored_path(app, rendition.key).exists()
    for rendition in new["renditions"].values():
        assert stored_path(app, rendition.key).is_file()


def test_a_weaker_source_never_replaces_a_stronger_one(app, offer, clips, tmp_path):
    recording = Path(shutil.copy(clips[0], tmp_path / "recording.mp4"))
    narrated = Path(shutil.copy(clips[1], tmp_path / "narrated.mp4"))
    assert offer(recording, origin="course") == "queued"
    assert offer(narrated, origin="narrated") == "outranked"
    assert offer(narrated, origin="upload") == "outranked"
    assert state(app)["video"].origin == "course"


def test_a_narrated_video_gives_way_to_a_real_recording(app, offer, clips, tmp_path):
    narrated = Path(shutil.copy(clips[1], tmp_path / "narrated.mp4"))
    recording = Path(shutil.copy(clips[0], tmp_path / "recording.mp4"))
    assert offer(narrated, origin="narrated") == "queued"
    assert offer(recording, origin="course") == "queued"
    assert state(app)["video"].origin == "course"


def test_an_unknown_module_or_language_is_refused(app, offer, clip):
    with pytest.raises(LookupError):
        offer(clip, module="nope")
    with pytest.raises(ValueError):
        offer(clip, language="de")


def test_the_sweep_recovers_lost_and_dead_jobs(app, offer, clip, monkeypatch):
    from datetime import timedelta

    from app.db import utcnow
    from app.extensions import db
    from app.video import tasks
    from app.video.models import TranscodeJob

    monkeypatch.setattr(tasks.pipeline, "run", lambda job_id: None)  # the enqueue is lost
    assert offer(clip) == "queued"
    monkeypatch.undo()
    with app.app_context():
        job = db.session.scalar(db.select(TranscodeJob))
        job.created_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    with app.test_request_context():
        assert tasks.sweep_transcodes.call_local() == 1
    found = state(app)
    assert found["jobs"][-1].status == JobStatus.SUCCEEDED and found["sha256"]
    with app.app_context():
        job = db.session.scalar(db.select(TranscodeJob))
        job.status, job.started_at = JobStatus.RUNNING, utcnow() - timedelta(hours=7)
        db.session.commit()
    with app.test_request_context():
        tasks.sweep_transcodes.call_local()
    assert state(app)["jobs"][-1].status == JobStatus.FAILED


def test_transcoding_jobs_are_counted_for_prometheus(app, offer, clip, broken):
    from prometheus_client import REGISTRY

    def value(outcome: str) -> float:
        return REGISTRY.get_sample_value("tekser_transcode_jobs_total", {"outcome": outcome}) or 0

    succeeded, failed = value("succeeded"), value("failed")
    assert offer(clip) == "queued"
    assert offer(broken) == "queued"
    assert (value("succeeded"), value("failed")) == (succeeded + 1, failed + 1)
    assert REGISTRY.get_sample_value("tekser_transcodes_running") == 0
