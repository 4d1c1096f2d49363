"""Narrated videos (ADR 0020) with the real espeak-ng and ffmpeg, on a two-cue script: the
captions re-timed to the speech, a playable MP4, no work for an unchanged script, and a real
recording left alone."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from app.learning.content import vtt
from app.learning.content.spec import read_course
from app.learning.narration import render, speech, timeline, video
from app.learning.narration.cues import CLAUSE_PAUSE, SENTENCE_PAUSE
from tests.learning.course_fixture import edit, module_yaml, write, write_course

pytestmark = pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("ffmpeg")),
    reason="needs espeak-ng and ffmpeg (Debian packages; scripts/test.sh installs them)",
)

SCRIPT = (
    "WEBVTT\n\n"
    "1\n00:00:00.000 --> 00:00:09.000\nСәлеметсіз бе! Бұл — қысқа сабақ.\n\n"
    "2\n00:00:09.000 --> 00:00:20.000\n"
    "Дереккөзді тексеріңіз, содан кейін ғана бөлісіңіз.\n"
)


@pytest.fixture
def course(tmp_path):
    """The fixture course, 01-intro without its video and with a two-cue Kazakh script."""
    folder = write_course(tmp_path)
    write(folder, "01-intro/module.yaml", module_yaml("intro"))
    write(folder, "01-intro/captions.kk.vtt", SCRIPT)
    return folder


@pytest.fixture
def media(app, tmp_path):
    app.config["MEDIA_WORK_DIR"] = str(tmp_path / "media")
    return tmp_path / "media"


def probe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,codec_type:format=duration",
         "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(out)


def test_cues_are_timed_to_the_speech():
    with tempfile.TemporaryDirectory() as scratch:
        voice = speech.Voice("kk", Path(scratch))
        narration = timeline.narrate(timeline.script_of(SCRIPT), voice)
    assert narration.cues[0].start == pytest.approx(timeline.LEAD_IN)
    spoken = [voice.measure(text) for text in voice._spoken]
    assert all(seconds > 0.3 for seconds in spoken)
    # Cue by cue: the speech of its pieces and the pauses between them, nothing else.
    texts = [" ".join(cue.lines) for cue in narration.cues]
    assert " ".join(texts) == timeline.script_of(SCRIPT)
    for cue in narration.cues:
        assert cue.end - cue.start <= vtt.MAX_CUE_SECONDS
    for before, after in zip(narration.cues, narration.cues[1:], strict=False):
        assert after.start - before.end in (
            pytest.approx(SENTENCE_PAUSE, abs=1e-4),
            pytest.approx(CLAUSE_PAUSE, abs=1e-4),
        )
    pauses = sum(b.start - a.end for a, b in zip(narration.cues, narration.cues[1:], strict=False))
    inner = sum(cue.end - cue.start for cue in narration.cues) - sum(spoken)
    assert inner >= 0  # pauses inside a cue between its pieces
    assert narration.seconds == pytest.approx(
        timeline.LEAD_IN + sum(spoken) + inner + pauses + timeline.TAIL, abs=1e-3
    )
    assert narration.cues[-1].end == pytest.approx(narration.seconds - timeline.TAIL, abs=1e-3)


def test_render_videos_makes_a_playable_mp4_and_retimes_the_captions(
    app, course, media, monkeypatch
):
    offered = []
    monkeypatch.setattr(render, "_offer", lambda *args: offered.append(args))
    result = app.test_cli_runner().invoke(
        args=["courses", "render-videos", str(course), "--language", "kk"]
    )
    assert result.exit_code == 0, result.output
    assert "01-intro kk: narrated" in result.output
    assert "02-sources kk: no captions in this language, nothing to narrate" in result.output
    assert "1 of 2 videos made" in result.output
    assert "captions re-timed: import the course again" in result.output

    target = media / "narrated" / "demo-course" / "01-intro" / "kk.mp4"
    assert offered == [("demo-course", "01-intro", "kk", target)]
    info = probe(target)
    assert sorted(s["codec_name"] for s in info["streams"]) == ["aac", "h264"]
    manifest = json.loads((target.parent / "manifest.json").read_text())
    assert float(info["format"]["duration"]) == pytest.approx(manifest["kk"]["seconds"], abs=0.25)

    # The course's captions are the re-timed ones, the same words, within the limits.
    written = (course / "01-intro" / "captions.kk.vtt").read_text(encoding="utf-8")
    assert written == (target.parent / "kk.vtt").read_text(encoding="utf-8")
    parsed = vtt.parse(written)
    assert parsed.ok and vtt.limit_problems(parsed) == []
    assert timeline.script_of(written) == timeline.script_of(SCRIPT)
    assert parsed.cues[-1].end <= manifest["kk"]["seconds"]
    assert not [str(p) for p in read_course(course).warnings if "captions.kk" in p.path]


def test_an_unchanged_script_is_not_rendered_again(app, course, media, monkeypatch):
    spec = read_course(course)
    module = spec.modules[0]
    with app.app_context():
        first = render.render_module(spec, module, "kk", media)
        made = first.path.stat().st_mtime_ns

        def refuse(*args):
            raise AssertionError("rendered again")

        monkeypatch.setattr(video, "assemble", refuse)
        # The course's captions now hold the re-timed text: the same words, so the same video.
        retimed = read_course(course)
        again = render.render_module(retimed, retimed.modules[0], "kk", media)
        assert again.status == "unchanged"
        assert first.path.stat().st_mtime_ns == made
        # Timings an author edited by hand come back to the video's.
        edit(course, "01-intro/captions.kk.vtt", "00:00:00.500", "00:00:00.900")
        edited = read_course(course)
        fixed = render.render_module(edited, edited.modules[0], "kk", media)
        assert fixed.status == "unchanged" and fixed.captions_changed
        assert "00:00:00.500" in (course / "01-intro/captions.kk.vtt").read_text()
        # New words are a new video.
        monkeypatch.undo()
        edit(course, "01-intro/captions.kk.vtt", "қысқа", "өте қысқа")
        changed = read_course(course)
        assert render.render_module(changed, changed.modules[0], "kk", media).status == "rendered"


def test_a_real_recording_is_not_narrated(app, tmp_path, media):
    folder = write_course(tmp_path / "recorded")  # 01-intro has its video in module.yaml
    spec = read_course(folder)
    before = (folder / "01-intro" / "captions.en.vtt").read_text()
    with app.app_context():
        outcome = render.render_module(spec, spec.modules[0], "en", media)
    assert outcome.status == "recorded"
    assert not (media / "narrated").exists()
    assert (folder / "01-intro" / "captions.en.vtt").read_text() == before


def test_the_slides_have_every_kazakh_letter():
    from PIL import ImageFont

    font = ImageFont.truetype(str(render.slides.FONTS / "NotoSans-Regular.ttf"), 40)
    missing = font.getmask("\U0010fffd").getbbox()  # the "no glyph" box
    for letter in "әғқңөұүһіӘҒҚҢӨҰҮҺІ":
        assert font.getmask(letter).getbbox() not in (None, missing), letter


def test_the_job_narrates_and_imports_the_retimed_captions(app, course, media, monkeypatch):
    from app.extensions import db
    from app.learning import jobs
    from app.learning.content.importer import import_course
    from app.learning.jobs import render_course_videos
    from app.learning.models import Module

    # Each video's offer is committed before the next video is made: its transcoding starts
    # at once, and no write transaction is held for the whole course.
    steps: list[str] = []
    make, commit = render._make, jobs.commit
    monkeypatch.setattr(render, "_make", lambda *a: steps.append("make") or make(*a))
    monkeypatch.setattr(jobs, "commit", lambda: steps.append("commit") or commit())
    with app.app_context():
        import_course(read_course(course))
        db.session.commit()
        assert render_course_videos.call_local(str(course)) == 3  # 01-intro in kk, ru, en
        assert steps.count("make") == 3
        assert all(steps[i + 1] == "commit" for i, step in enumerate(steps) if step == "make")
        module = db.session.scalar(db.select(Module).where(Module.slug == "intro"))
        retimed = (course / "01-intro" / "captions.kk.vtt").read_text(encoding="utf-8")
        assert module.captions["kk"] == retimed != SCRIPT
        # Nothing changed since: nothing is made, nothing imported.
        assert render_course_videos.call_local(str(course)) == 0


def test_demo_load_asks_the_queue_for_the_narrated_videos(app, monkeypatch):
    from app.learning import services as learning

    asked = []
    monkeypatch.setattr(learning, "render_course_videos", lambda path: asked.append(path))
    app.config["NARRATE_ON_LOAD"] = True
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Narrated videos: being made in the background" in result.output
    assert asked == [str(Path(app.config["COURSES_DIR"]) / "fact-checking")]


def test_render_videos_refuses_an_unknown_module(app, course, media):
    result = app.test_cli_runner().invoke(
        args=["courses", "render-videos", str(course), "--module", "09-nowhere"]
    )
    assert result.exit_code == 2
    assert "no such module folder: 09-nowhere" in result.output
    assert not media.exists()
