"""The renditions made from every source: what phones on slow, metered links need.

The low rendition is the floor: 240p, ≤ 200 kbit/s in total, H.264 Main + AAC in MP4 with the
index at the front (``faststart``), which every phone browser plays natively. The audio-only
rendition is AAC in MP4 (``.m4a``) at ≤ 48 kbit/s, the poster a JPEG of ≤ 30 KB.
Video uses CRF with a ceiling (``maxrate``): a narrated slide costs almost nothing, a busy
recording stays under the cap.
"""

from __future__ import annotations

from dataclasses import dataclass

POSTER_MAX_BYTES = 30 * 1024


@dataclass(frozen=True)
class Rung:
    kind: str
    height: int  # 0 for audio only
    fps: int
    video_kbps: int  # the ceiling (maxrate); bufsize is twice this
    crf: int
    audio_kbps: int
    audio_channels: int
    audio_rate: int
    extension: str
    mimetype: str

    @property
    def audio_only(self) -> bool:
        return self.height == 0


LOW = Rung("low", 240, 15, 140, 30, 32, 1, 24000, "mp4", "video/mp4")
MEDIUM = Rung("360p", 360, 25, 400, 28, 64, 1, 44100, "mp4", "video/mp4")
HIGH = Rung("720p", 720, 30, 1200, 26, 96, 2, 44100, "mp4", "video/mp4")
# ffmpeg's AAC encoder overshoots its target on speech: asked for 40 kbit/s it gave 50-54 kbit/s
# on the narrated course, so 32 (42-46 kbit/s measured, bench/video.py) keeps the file ≤ 48.
AUDIO = Rung("audio", 0, 0, 0, 0, 32, 1, 24000, "m4a", "audio/mp4")
RUNGS = (LOW, MEDIUM, HIGH, AUDIO)
POSTER = "poster"
POSTER_MIMETYPE = "image/jpeg"
KINDS = (*(r.kind for r in RUNGS), POSTER)
# Best first, as a normal page lists its sources; the data saver turns it round.
VIDEO_KINDS = (MEDIUM.kind, HIGH.kind, LOW.kind)
BY_KIND = {r.kind: r for r in RUNGS}


def key_of(sha256: str, kind: str) -> str:
    """The storage key of a rendition: shared by every video with the same source."""
    extension = BY_KIND[kind].extension if kind in BY_KIND else "jpg"
    return f"videos/{sha256}/{kind}.{extension}"


def mimetype_of(kind: str) -> str:
    return BY_KIND[kind].mimetype if kind in BY_KIND else POSTER_MIMETYPE
