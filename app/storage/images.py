"""Uploaded screenshots, handled as untrusted input.

A file is accepted only if its bytes start like PNG, JPEG or WebP and Pillow can decode it
within a pixel budget. It is then re-encoded from the decoded pixels alone, so nothing the
client sent besides the picture survives: no EXIF or GPS, no comments, no appended HTML. It is
stored under a name the server makes up, so the client's filename can do nothing.

The bytes go to the configured backend (``app.storage.backends``) before the commit and
follow the request's transaction (``app.storage.transactions``).
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import abort, current_app
from flask_babel import lazy_gettext as _l

from app.storage.selection import backend
from app.storage.transactions import written

if TYPE_CHECKING:
    # Pillow is imported where an upload is decoded, not here: a web worker that only serves
    # pages never needs it (issue 19, a worker's memory).
    from PIL import Image

# Magic bytes -> our format name. Decided from the content, never from the filename or the
# client's content type.
SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}
# What Pillow may call each format; a JPEG with extra pictures (phones, cameras) opens as MPO.
PILLOW_FORMATS = {"png": ("PNG",), "jpeg": ("JPEG", "MPO"), "webp": ("WEBP",)}
EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp"}
MIMETYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
DOWNLOAD_SUFFIXES = {"png": {".png"}, "jpeg": {".jpg", ".jpeg"}, "webp": {".webp"}}
_PILLOW_GLOBALS = threading.Lock()  # guards Pillow's module-level settings while decoding
SAVE_OPTIONS = {
    "png": {"format": "PNG", "optimize": True},
    "jpeg": {"format": "JPEG", "quality": 85, "optimize": True, "progressive": True},
    "webp": {"format": "WEBP", "quality": 85},
}
# fullmatch, not "$": "$" would also accept a trailing newline.
NAME_RE = re.compile(r"[0-9a-f]{32}\.(png|jpg|webp)")
FORMAT_OF_EXTENSION = {ext: fmt for fmt, ext in EXTENSIONS.items()}

NOT_AN_IMAGE = _l("Only PNG, JPEG and WebP images can be uploaded.")
TOO_MANY_PIXELS = _l("The image is too large in pixels.")
UNREADABLE = _l("The image could not be read.")


class UploadError(ValueError):
    """An upload refused; ``str(error)`` is a message for the user, in their language."""


@dataclass(frozen=True)
class StoredImage:
    name: str
    format: str
    width: int
    height: int
    size: int
    sha256: str
    mimetype: str


def save_image(file_storage) -> StoredImage:
    """Check, clean and store an uploaded image; raise ``UploadError`` if it is refused.

    The file is stored when this returns and is deleted again by ``on_rollback`` unless the
    transaction commits.
    """
    max_bytes = current_app.config["UPLOAD_MAX_BYTES"]
    # Read one byte past the limit: enough to know it is too large, never more.
    data = file_storage.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadError(_l("The file is larger than %(mb)d MB.", mb=max(1, max_bytes >> 20)))
    if not data:
        raise UploadError(_l("The file is empty."))
    fmt = sniff_format(data)
    if fmt is None:
        raise UploadError(NOT_AN_IMAGE)
    encoded, width, height = _reencode(data, fmt)
    name = f"{secrets.token_hex(16)}.{EXTENSIONS[fmt]}"
    key = key_of(name)
    backend().put(key, encoded, MIMETYPES[fmt])
    written(key)
    return StoredImage(
        name=name,
        format=fmt,
        width=width,
        height=height,
        size=len(encoded),
        sha256=hashlib.sha256(encoded).hexdigest(),
        mimetype=MIMETYPES[fmt],
    )


def sniff_format(data: bytes) -> str | None:
    """The format the first bytes announce, or None for anything we do not accept."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    for magic, fmt in SIGNATURES.items():
        if data.startswith(magic):
            return fmt
    return None


def _reencode(data: bytes, fmt: str) -> tuple[bytes, int, int]:
    """Decode within the pixel budget and encode the first frame's pixels afresh."""
    from PIL import Image, ImageFile

    config = current_app.config
    max_pixels = config.get("UPLOAD_MAX_PIXELS", 50_000_000)
    max_side = config.get("UPLOAD_MAX_SIDE", 2560)
    # Pillow reads its bomb limit and its "accept truncated files" switch from module globals
    # (and WeasyPrint turns the latter on when imported): set both for this call under a lock,
    # then put them back.
    with _PILLOW_GLOBALS:
        previous = Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES
        Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = max_pixels, False
        try:
            clean = _decode(data, fmt, max_pixels, max_side)
        finally:
            Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = previous
    out = io.BytesIO()
    clean.save(out, **SAVE_OPTIONS[fmt])
    return out.getvalue(), clean.width, clean.height


def _decode(data: bytes, fmt: str, max_pixels: int, max_side: int) -> Image.Image:
    from PIL import Image, ImageOps

    try:
        # Only the plugin for the announced format may parse the bytes.
        with Image.open(io.BytesIO(data), formats=PILLOW_FORMATS[fmt][:1]) as im:
            # Pillow only warns between the limit and twice it; refuse before decoding anything.
            if im.width * im.height > max_pixels:
                raise UploadError(TOO_MANY_PIXELS)
            if im.format not in PILLOW_FORMATS[fmt]:
                raise UploadError(NOT_AN_IMAGE)
            im.load()  # the first frame only; later frames of an animation are never decoded
            im = ImageOps.exif_transpose(im)
            if im.mode.startswith("I;16") or im.mode == "I":  # 16-bit grey: scale, do not clip
                im = im.convert("I").point(lambda v: v / 256)
            im = im.convert(_target_mode(im, fmt))
            im.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            # A new image from the raw pixels carries no info dict: Pillow's encoders fall back
            # to im.info for some metadata (a JPEG comment, a PNG's ICC profile).
            clean = Image.frombytes(im.mode, im.size, im.tobytes())
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UploadError(TOO_MANY_PIXELS) from error
    except Exception as error:
        # Pillow's decoders raise many kinds of errors on hostile or broken input.
        raise UploadError(UNREADABLE) from error
    return clean


def _target_mode(im: Image.Image, fmt: str) -> str:
    """RGB(A) for colour, L kept where the format has it; JPEG has no alpha, CMYK becomes RGB."""
    grey = im.mode in ("L", "I")
    if fmt == "jpeg":
        return "L" if grey else "RGB"
    if im.has_transparency_data:
        return "RGBA"
    return "L" if grey and fmt == "png" else "RGB"


def key_of(name: str) -> str:
    """The storage key of an image name; only names this module makes are accepted, so a name
    from a URL or the database cannot reach anything else."""
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise FileNotFoundError(name)
    return f"{name[:2]}/{name}"


def name_of(key: str) -> str | None:
    """The image name a key holds, or None for any other key."""
    folder, _, name = key.partition("/")
    return name if NAME_RE.fullmatch(name) and folder == name[:2] else None


def path_of(name: str) -> Path:
    """Where an image lies in the folder backend (``STORAGE_FOLDER``, else ``UPLOAD_DIR``)."""
    config = current_app.config
    return Path(config.get("STORAGE_FOLDER") or config["UPLOAD_DIR"]).resolve() / key_of(name)


def read_image(name: str) -> bytes:
    """A stored image's bytes, from whichever backend holds it."""
    return backend().read(key_of(name))


def image_exists(name: str) -> bool:
    return backend().exists(key_of(name))


def send_image(name: str, download_name: str):
    """Serve a stored image as a download that a browser will neither sniff nor render inline
    (from the app, through nginx's X-Accel-Redirect, or by a presigned redirect to the store).

    Access checks are the caller's job; this answers 404 for an unknown or missing name.
    """
    try:
        key = key_of(name)
    except FileNotFoundError:
        abort(404)
    ext = name.rsplit(".", 1)[1]
    fmt = FORMAT_OF_EXTENSION[ext]
    # The download should open as what it is, whatever name the caller passes.
    download_name = "".join(ch for ch in download_name if ch.isprintable()).strip() or "image"
    if Path(download_name).suffix.lower() not in DOWNLOAD_SUFFIXES[fmt]:
        download_name = f"{download_name}.{ext}"
    response = backend().serve(key, download_name, MIMETYPES[fmt])
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def sweep_orphans(referenced: set[str], older_than_seconds: int = 3600) -> list[str]:
    """Delete stored images no row references, and leftover temporaries, once they are older
    than ``older_than_seconds`` (younger ones may belong to a request still running).

    Returns the names removed. Keys this module did not make are left alone.
    """
    store = backend()
    cutoff = time.time() - older_than_seconds
    removed = store.sweep_temporaries(cutoff)
    for entry in list(store.entries()):
        name = name_of(entry.key)
        if name is not None and name not in referenced and entry.modified < cutoff:
            store.delete(entry.key)
            removed.append(name)
    return removed
