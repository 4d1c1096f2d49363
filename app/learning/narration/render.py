"""Narrating a course: for each module and language, the source MP4 and its re-timed captions.

Outputs go to ``MEDIA_WORK_DIR/narrated/<course-slug>/<module-folder>/<lang>.mp4`` with
``<lang>.vtt`` (the captions timed to that video) and ``manifest.json`` (the hash of what each
video was made from). A module and language whose script, titles and voice are unchanged is not
made again. The re-timed captions are written back to the course folder, so the transcript and
the captions stay one source; an author's real recording (``video`` in module.yaml) wins, and
that module is not narrated.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from flask_babel import force_locale
from flask_babel import gettext as _

from app.learning.content import LANGS, pick
from app.learning.content.spec import CourseSpec, ModuleSpec
from app.learning.narration import slides, speech, timeline, video
from app.video import services as pipeline

log = logging.getLogger(__name__)

# Bump when the look or the way of speaking changes: every video is made again.
RENDER_VERSION = 1


@dataclass(frozen=True)
class Outcome:
    folder: str
    lang: str
    status: str  # rendered | unchanged | recorded | no-captions
    path: Path | None = None
    seconds: float = 0.0  # the video's length
    took: float = 0.0  # seconds spent making it
    captions_changed: bool = False

    def describe(self) -> str:
        if self.status == "rendered":
            minutes, seconds = divmod(round(self.seconds), 60)
            line = (
                f"{self.folder} {self.lang}: narrated, {minutes}:{seconds:02d} in {self.took:.1f} s"
            )
            return line + (" (captions re-timed)" if self.captions_changed else "")
        reasons = {
            "unchanged": "unchanged, kept",
            "recorded": "has a real recording (module.yaml video), not narrated",
            "no-captions": "no captions in this language, nothing to narrate",
        }
        restored = " (captions' timings put back)" if self.captions_changed else ""
        return f"{self.folder} {self.lang}: {reasons[self.status]}{restored}"


def output_dir(work_dir: Path, course_slug: str, folder: str) -> Path:
    return Path(work_dir) / "narrated" / course_slug / folder


def real_recording(module: ModuleSpec, lang: str) -> bool:
    """Whether the author supplied the module's video in ``lang`` (a real one is preferred)."""
    return bool(module.video_sources.get(lang) or module.video_url)


def _offer(course_slug: str, module_folder: str, lang: str, path: Path) -> None:
    """Hand a new narrated source to the video pipeline, which makes its renditions once the
    caller commits (a course not imported yet gets it from ``flask courses import``)."""
    try:
        outcome = pipeline.offer_source(course_slug, module_folder, lang, path, "narrated")
    except LookupError:
        log.info("narrated %s/%s %s: course not imported yet", course_slug, module_folder, lang)
        return
    log.info("narrated source %s/%s %s: %s", course_slug, module_folder, lang, outcome)


def _labels(lang: str, number: int, count: int) -> tuple[str, str]:
    with force_locale(lang):
        return (
            _("Module %(number)s of %(count)s", number=number, count=count),
            _("Synthetic voice: this narration is computer-generated"),
        )


def _fingerprint(
    spec: CourseSpec, module: ModuleSpec, number: int, lang: str, script: str, engine: str
) -> str:
    made_from = {
        "version": RENDER_VERSION,
        "engine": engine,
        "voice": speech.VOICES[lang],
        "rate": speech.RATE,
        "script": script,
        "course": pick(spec.title, lang).value,
        "title": pick(module.title, lang).value,
        "labels": _labels(lang, number, len(spec.modules)),
    }
    encoded = json.dumps(made_from, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()


def _read_manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_manifest(folder: Path, manifest: dict) -> None:
    partial = folder / ".manifest.partial.json"
    partial.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    partial.replace(folder / "manifest.json")


def _write_back(course_file: Path, captions: str) -> bool:
    """Put the re-timed captions in the course folder; True if they changed."""
    try:
        if course_file.read_text(encoding="utf-8") == captions:
            return False
        course_file.write_text(captions, encoding="utf-8")
    except OSError as exc:  # a read-only course folder: the video still has its own copy
        log.warning("could not write the re-timed captions to %s: %s", course_file, exc)
        return False
    return True


def render_module(
    spec: CourseSpec,
    module: ModuleSpec,
    lang: str,
    work_dir: Path,
    *,
    force: bool = False,
    engine: str | None = None,
) -> Outcome:
    """Narrate one module in one language (or say why not)."""
    if real_recording(module, lang):
        return Outcome(module.folder, lang, "recorded")
    if lang not in module.captions:
        return Outcome(module.folder, lang, "no-captions")
    number = spec.modules.index(module) + 1
    script = timeline.script_of(module.captions[lang])
    key = _fingerprint(spec, module, number, lang, script, engine or speech.engine())
    out = output_dir(work_dir, spec.slug, module.folder)
    out.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(out)
    course_file = spec.path / module.folder / f"captions.{lang}.vtt"
    target, captions_file = out / f"{lang}.mp4", out / f"{lang}.vtt"
    done = manifest.get(lang, {})
    if not force and done.get("key") == key and target.is_file() and captions_file.is_file():
        # Same words, same video: only the course's captions may need their timings back.
        changed = _write_back(course_file, captions_file.read_text(encoding="utf-8"))
        return Outcome(
            module.folder,
            lang,
            "unchanged",
            target,
            done.get("seconds", 0.0),
            captions_changed=changed,
        )
    began = time.monotonic()
    scratch_root = Path(work_dir) / "tmp"  # not beside the outputs: a killed run leaves no mess
    scratch_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"narrate-{lang}-", dir=scratch_root) as scratch:
        narration = _make(spec, module, number, lang, Path(scratch), target)
    captions = timeline.to_vtt(narration.cues)
    captions_file.write_text(captions, encoding="utf-8")
    manifest[lang] = {"key": key, "seconds": round(narration.seconds, 3), "file": target.name}
    _write_manifest(out, manifest)
    changed = _write_back(course_file, captions)
    _offer(spec.slug, module.folder, lang, target)
    return Outcome(
        module.folder,
        lang,
        "rendered",
        target,
        narration.seconds,
        time.monotonic() - began,
        changed,
    )


def _make(
    spec: CourseSpec, module: ModuleSpec, number: int, lang: str, scratch: Path, target: Path
) -> timeline.Narration:
    voice = speech.Voice(lang, scratch)
    narration = timeline.narrate(timeline.script_of(module.captions[lang]), voice)
    audio = scratch / "speech.wav"
    speech.write_wav(audio, narration.audio)
    module_label, synthetic = _labels(lang, number, len(spec.modules))
    course, title = pick(spec.title, lang).value, pick(module.title, lang).value
    shown: list[tuple[Path, float]] = []
    # Each slide from its cue's start to the next one's, on frame boundaries, so rounding
    # each duration to whole frames does not add up to a drift between slides and speech.
    starts = [0.0] + [cue.start for cue in narration.cues[1:]] + [narration.seconds]
    starts = [round(start * video.FPS) / video.FPS for start in starts]
    for index, cue in enumerate(narration.cues):
        picture = scratch / f"slide-{index:04d}.png"
        slide = slides.Slide(
            course,
            number,
            len(spec.modules),
            title,
            cue.lines,
            (index + 1) / len(narration.cues),
            module_label,
            synthetic,
        )
        slides.draw(slide, picture)
        shown.append((picture, starts[index + 1] - starts[index]))
    video.assemble(shown, audio, narration.seconds, target)
    return narration


def render_course(
    spec: CourseSpec,
    work_dir: Path,
    *,
    folders: Iterable[str] = (),
    languages: Iterable[str] = (),
    force: bool = False,
    echo: Callable[[str], None] = log.info,
    after_each: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Narrate the course's modules (all, or ``folders``) in its languages (all, or
    ``languages``), skipping what is unchanged; ``echo`` hears one line per video.
    ``after_each(outcome)`` runs after each video: the queue's job and the CLI commit there, so
    each video's transcoding starts while the next one is narrated, and no write transaction
    stays open for the whole course (SQLite would make every other writer wait)."""
    wanted_folders, wanted_langs = set(folders), set(languages)
    engine = speech.engine()
    outcomes = []
    for module in spec.modules:
        if wanted_folders and module.folder not in wanted_folders:
            continue
        for lang in LANGS:
            if wanted_langs and lang not in wanted_langs:
                continue
            outcome = render_module(spec, module, lang, work_dir, force=force, engine=engine)
            echo(outcome.describe())
            outcomes.append(outcome)
            if after_each is not None:
                after_each(outcome)
    return outcomes
