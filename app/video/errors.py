"""Why a source was refused or failed, as codes kept on the job and shown translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

UNREADABLE = "unreadable"
NO_VIDEO = "no_video"
TOO_LONG = "too_long"
TOO_LARGE = "too_large"
TRANSCODE = "transcode"
MISSING = "missing"
NO_FFMPEG = "no_ffmpeg"
STORAGE = "storage"
TOO_BIG_UPLOAD = "too_big_upload"

MESSAGES = {
    UNREADABLE: _l("The file is not a video ffmpeg can read, or it is damaged."),
    NO_VIDEO: _l("The file has no video picture in it."),
    TOO_LONG: _l("The video is longer than the three hours a module's video may last."),
    TOO_LARGE: _l("The picture is larger than 4096 pixels on a side."),
    TRANSCODE: _l("Converting the video failed; the previous video stays published."),
    MISSING: _l("The source file is no longer there."),
    NO_FFMPEG: _l("ffmpeg is not installed on the server, so videos cannot be processed."),
    TOO_BIG_UPLOAD: _l("The file is larger than the upload limit."),
    STORAGE: _l("The converted files could not be stored; the previous video stays published."),
}


class SourceError(Exception):
    """A source refused (``code`` one of the above; ``detail`` ffmpeg's words, for admins)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def message(code: str | None) -> str:
    return str(MESSAGES.get(code or "", MESSAGES[TRANSCODE]))
