"""Running ffprobe and ffmpeg (Debian's packages) as subprocesses: probing a source, encoding
the ladder with ``-progress`` reports, and the poster."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from app.video import errors
from app.video.ladder import LOW, POSTER_MAX_BYTES, RUNGS, Rung

MAX_SECONDS = 3 * 3600
MAX_SIDE = 4096
PROBE_TIMEOUT = 60


@dataclass(frozen=True)
class Probe:
    duration: float
    width: int
    height: int
    fps: float
    has_audio: bool
    bit_rate: int | None
    size: int


def available() -> bool:
    """Whether ffmpeg and ffprobe are installed (the console says so when they are not)."""
    return bool(shutil.which("ffmpeg") and shutil.which("ffprobe"))


def _tool(name: str) -> str:
    """The full path of Debian's ``ffmpeg`` or ``ffprobe``."""
    found = shutil.which(name)
    if found is None:
        raise errors.SourceError(errors.NO_FFMPEG)
    return found


def _run_probe(path: Path) -> dict:
    try:
        done = subprocess.run(  # noqa: S603
            [_tool("ffprobe"), "-v", "error", "-print_format", "json", "-show_format",
             "-show_streams", "--", str(path)],
            capture_output=True, timeout=PROBE_TIMEOUT, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise errors.SourceError(errors.UNREADABLE, "ffprobe timed out") from exc
    if done.returncode != 0:
        raise errors.SourceError(errors.UNREADABLE, done.stderr.decode(errors="replace")[-500:])
    try:
        return json.loads(done.stdout)
    except ValueError as exc:
        raise errors.SourceError(errors.UNREADABLE, "ffprobe gave no answer") from exc


def probe(path: Path) -> Probe:
    """What the source holds, or ``SourceError`` for a file that is broken or not a video.
    Decided by ffprobe reading the content, never by the file's name."""
    if not path.is_file():
        raise errors.SourceError(errors.MISSING, str(path))
    info = _run_probe(path)
    streams = info.get("streams") or []
    pictures = [
        s for s in streams
        if s.get("codec_type") == "video"
        and not (s.get("disposition") or {}).get("attached_pic")
    ]  # fmt: skip
    if not pictures:
        raise errors.SourceError(errors.NO_VIDEO)
    video = pictures[0]
    fmt = info.get("format") or {}
    try:
        duration = float(fmt.get("duration") or video.get("duration") or 0)
        width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    except (TypeError, ValueError) as exc:
        raise errors.SourceError(errors.UNREADABLE, "no duration or size") from exc
    if duration <= 0 or width <= 0 or height <= 0:
        raise errors.SourceError(errors.UNREADABLE, "no duration or size")
    if duration > MAX_SECONDS:
        raise errors.SourceError(errors.TOO_LONG, f"{duration:.0f} s")
    if max(width, height) > MAX_SIDE:
        raise errors.SourceError(errors.TOO_LARGE, f"{width}x{height}")
    return Probe(
        duration=duration,
        width=width,
        height=height,
        fps=_fps(video.get("avg_frame_rate") or video.get("r_frame_rate")),
        has_audio=any(s.get("codec_type") == "audio" for s in streams),
        bit_rate=int(fmt["bit_rate"]) if str(fmt.get("bit_rate", "")).isdigit() else None,
        size=path.stat().st_size,
    )


def _fps(rate: str | None) -> float:
    try:
        value = float(Fraction(rate or "0"))
    except (ValueError, ZeroDivisionError):
        return 25.0
    return value if 0 < value <= 240 else 25.0


def _video_args(rung: Rung, source: Probe, still: bool) -> list[str]:
    fps = min(rung.fps, round(source.fps) or rung.fps)
    height = f"trunc(min(ih\\,{rung.height})/2)*2"
    return [
        "-vf", f"fps={fps},scale=-2:{height}:flags=bicubic,format=yuv420p",
        "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main",
        *(["-tune", "stillimage"] if still else []),
        "-crf", str(rung.crf), "-maxrate", f"{rung.video_kbps}k",
        "-bufsize", f"{rung.video_kbps * 2}k", "-g", str(fps * 4),
    ]  # fmt: skip


def _audio_args(rung: Rung, still: bool) -> list[str]:
    # A narrated source's synthetic voice: ffmpeg's fast AAC coder, which halves the CPU time
    # of the whole ladder (13 s instead of 26 s for a 3.5-minute module, bench/video.py); a
    # real recording gets the default coder's better quality at these low bit rates.
    return [
        "-c:a", "aac", *(["-aac_coder", "fast"] if still else []), "-b:a", f"{rung.audio_kbps}k",
        "-ac", str(rung.audio_channels), "-ar", str(rung.audio_rate),
    ]  # fmt: skip


def ladder_command(source: Path, info: Probe, out: Path, *, still: bool) -> list[str]:
    """One ffmpeg run that decodes the source once and writes every rung."""
    command = [_tool("ffmpeg"), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
               "-progress", "pipe:1", "-stats_period", "1", "-i", str(source)]  # fmt: skip
    for rung in RUNGS:
        if rung.audio_only and not info.has_audio:
            continue
        command += ["-map", "0:v:0"] if not rung.audio_only else ["-vn"]
        if info.has_audio:
            command += ["-map", "0:a:0", *_audio_args(rung, still)]
        else:
            command += ["-an"]
        if not rung.audio_only:
            command += _video_args(rung, info, still)
        target = out / f"{rung.kind}.{rung.extension}"
        command += ["-sn", "-dn", "-map_metadata", "-1", "-threads", "0",
                    "-movflags", "+faststart", str(target)]  # fmt: skip
    return command


def encode_ladder(
    source: Path,
    info: Probe,
    out: Path,
    *,
    still: bool,
    report: Callable[[int], None],
    timeout: float,
) -> None:
    """Encode every rung into ``out``, calling ``report(percent)`` as ffmpeg goes.
    ``SourceError(TRANSCODE)`` when ffmpeg fails."""
    command = ladder_command(source, info, out, still=still)
    stderr_path = out / "ffmpeg.log"
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr)  # noqa: S603
        assert process.stdout is not None
        try:
            for raw in process.stdout:
                name, _, value = raw.decode(errors="replace").strip().partition("=")
                if name == "out_time_us" and value.isdigit():
                    report(min(99, int(int(value) / 1e6 / info.duration * 100)))
            process.wait(timeout=timeout)
        except BaseException:
            process.kill()
            process.wait()
            raise
    if process.returncode != 0:
        detail = stderr_path.read_text(errors="replace")[-500:]
        raise errors.SourceError(errors.TRANSCODE, detail)


def make_poster(source: Path, info: Probe, out: Path) -> Path:
    """A JPEG from a tenth of the way in, at the low rung's size or smaller, ≤ 30 KB."""
    target = out / "poster.jpg"
    at = f"{min(info.duration * 0.1, 30):.3f}"
    for height, quality in ((360, 6), (LOW.height, 8), (LOW.height, 14), (180, 20), (120, 28)):
        done = subprocess.run(  # noqa: S603
            [_tool("ffmpeg"), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-ss", at,
             "-i", str(source), "-frames:v", "1", "-an",
             "-vf", f"scale=-2:trunc(min(ih\\,{height})/2)*2", "-q:v", str(quality),
             str(target)],
            capture_output=True, timeout=PROBE_TIMEOUT, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise errors.SourceError(errors.TRANSCODE, done.stderr.decode(errors="replace")[-500:])
        if target.stat().st_size <= POSTER_MAX_BYTES:
            return target
    raise errors.SourceError(errors.TRANSCODE, "the poster stays above 30 KB")


def probe_file(path: Path) -> tuple[int | None, int | None, int | None]:
    """Bit rate, width and height of an encoded rendition (for the console and the tests)."""
    info = _run_probe(path)
    fmt = info.get("format") or {}
    streams: list[dict] = info.get("streams") or []
    video: dict = next((s for s in streams if s.get("codec_type") == "video"), {})
    bit_rate = int(fmt["bit_rate"]) if str(fmt.get("bit_rate", "")).isdigit() else None
    return bit_rate, video.get("width"), video.get("height")
