"""The video of a module: an embeddable player URL, or a source file per language inside the
course folder (the platform transcodes it; ADR 0019)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from app.languages import LANGUAGES
from app.learning.content import yamlines
from app.learning.content.spec.checks import SourceFile
from app.learning.content.spec.models import ModuleSpec

# Embeddable players, by host, with the path an embed URL starts with.
EMBED_HOSTS = {
    "www.youtube-nocookie.com": "/embed/",
    "www.youtube.com": "/embed/",
    "player.vimeo.com": "/video/",
}
VIDEO_SUFFIXES = (".mp4", ".webm", ".mov", ".mkv", ".m4v")


def read_video(f: SourceFile, root: Path, data: yamlines.LineDict, module: ModuleSpec) -> None:
    video = f.mapping(data["video"], data.line_of("video"), "video")
    if video is None:
        return
    f.keys(video, (), ("url", "sources", "file", "duration_seconds"), where="video")
    files = "sources" in video or "file" in video
    if "url" in video and files:
        f.error(data.line_of("video"), "video: give a url or sources, not both")
    elif "url" in video:
        module.video_url = _video_url(f, video["url"], video.line_of("url"))
    elif "sources" in video and "file" in video:
        f.error(video.line_of("file"), "video: give sources per language, not also a file")
    elif "sources" in video:
        module.video_sources = _sources(f, root, video["sources"], video.line_of("sources"))
    elif "file" in video:
        # The older form: one file for every language.
        f.warn(video.line_of("file"), "video: file is one source for all languages; "
               "prefer sources: {kk: ..., ru: ..., en: ...}")  # fmt: skip
        name = _video_file(f, root, video["file"], video.line_of("file"))
        module.video_sources = {lang: name for lang in LANGUAGES} if name else {}
    else:
        f.error(
            data.line_of("video"),
            "video: needs a url or sources (leave video out until there is one)",
        )
    if "duration_seconds" in video and "url" not in video:
        f.warn(video.line_of("duration_seconds"), "video: duration_seconds is read from the "
               "files themselves; it only applies to a url")  # fmt: skip
    duration = f.number(video, "duration_seconds", "video: duration_seconds", 1, 24 * 3600)
    module.video_duration = duration


def _sources(f: SourceFile, root: Path, value: Any, line: int) -> dict[str, str]:
    sources = f.mapping(value, line, "video: sources")
    if sources is None:
        return {}
    found = {}
    for lang, name in sources.items():
        if lang not in LANGUAGES:
            f.error(sources.line_of(lang), f"video: sources: unknown language '{lang}' "
                    f"(use {', '.join(LANGUAGES)})")  # fmt: skip
            continue
        path = _video_file(f, root, name, sources.line_of(lang))
        if path:
            found[str(lang)] = path
    if not found and not sources:
        f.error(line, "video: sources needs at least one language")
    return found


def _video_url(f: SourceFile, url: Any, line: int) -> str | None:
    allowed = (
        "www.youtube-nocookie.com/embed/..., www.youtube.com/embed/..., player.vimeo.com/video/..."
    )
    if not isinstance(url, str) or any(c.isspace() for c in url) or len(url) > 500:
        f.error(line, "video: url must be a single https URL of at most 500 characters")
        return None
    parts = urlsplit(url)
    try:
        plain_host = not (parts.username or parts.password or parts.port)
    except ValueError:  # a port that is not a number
        plain_host = False
    prefix = EMBED_HOSTS.get(parts.hostname or "")
    if parts.scheme != "https":
        f.error(line, "video: url must start with https://")
    elif not plain_host or parts.netloc != parts.hostname or prefix is None:
        f.error(line, f"video: url must be an embeddable player URL: {allowed}")
    elif not parts.path.startswith(prefix) or len(parts.path) == len(prefix):
        f.error(line, f"video: url must be an embed URL ({parts.hostname}{prefix}<id>)")
    else:
        if parts.hostname == "www.youtube.com":
            # The site's Content-Security-Policy frames only youtube-nocookie and vimeo.
            f.warn(line, "video: use www.youtube-nocookie.com; www.youtube.com is not framed")
        return url
    return None


def _video_file(f: SourceFile, root: Path, name: Any, line: int) -> str | None:
    if not isinstance(name, str) or not name.strip():
        f.error(line, "video: file must be a path inside the course folder")
        return None
    relative = PurePosixPath(name)
    if "\\" in name or ":" in name or relative.is_absolute() or ".." in relative.parts:
        f.error(
            line,
            f"video: file '{name}' must be a plain path inside the course folder "
            "(no '..', not absolute)",
        )
        return None
    if relative.suffix.lower() not in VIDEO_SUFFIXES:
        f.error(line, f"video: file '{name}' must be one of {', '.join(VIDEO_SUFFIXES)}")
        return None
    target = root / relative
    if not target.resolve().is_relative_to(root.resolve()):
        f.error(line, f"video: file '{name}' leads outside the course folder")
    elif not target.is_file():
        f.error(line, f"video: file '{name}' does not exist (looked for {target})")
    else:
        return relative.as_posix()
    return None
