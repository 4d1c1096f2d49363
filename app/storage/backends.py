"""One interface for stored files, two backends chosen by ``STORAGE_BACKEND``.

``folder`` keeps files in a directory (local, or a volume shared by every node: NFS, the way
many Moodle sites share their dataroot); ``s3`` keeps them in an S3-compatible object store
(MinIO, Ceph, AWS). Keys are relative, slash-separated paths made by the app
(``ab/ab12...png``); a key a client could shape is refused before it reaches either backend.

Serving stays behind the app's access checks: a route checks the policy, then calls
``serve``, which answers with the file (``send_file``, Range requests included), with an
``X-Accel-Redirect`` for nginx to send it, or with a redirect to a short-lived presigned URL.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol
from urllib.parse import quote

from werkzeug.datastructures import Headers

KEY_RE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*")
BACKENDS = ("folder", "s3")


@dataclass(frozen=True)
class Entry:
    key: str
    modified: float  # seconds since the epoch


class Backend(Protocol):
    def put(self, key: str, data: bytes | BinaryIO, mimetype: str | None = None) -> None: ...
    def open(self, key: str) -> BinaryIO: ...
    def read(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...
    def size(self, key: str) -> int: ...
    def entries(self, prefix: str = "") -> Iterator[Entry]: ...
    def sweep_temporaries(self, cutoff: float) -> list[str]: ...
    def serve(self, key: str, download_name: str, mimetype: str, *, inline: bool = False): ...
    def ready(self) -> bool: ...


def check_key(key: str) -> str:
    """The key itself, if the app could have made it; FileNotFoundError otherwise (no ``..``,
    no absolute path, no hidden or temporary file)."""
    if not isinstance(key, str) or len(key) > 512 or not KEY_RE.fullmatch(key):
        raise FileNotFoundError(key)
    return key


def attachment(download_name: str) -> str:
    """A ``Content-Disposition: attachment`` value, built as ``send_file`` builds it: plain
    ASCII as ``filename``, anything else also as RFC 5987 ``filename*=UTF-8''...``."""
    try:
        download_name.encode("ascii")
        names = {"filename": download_name}
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", download_name).encode("ascii", "ignore").decode()
        quoted = quote(download_name, safe="!#$&+-.^_`|~")
        names = {"filename": simple, "filename*": f"UTF-8''{quoted}"}
    headers = Headers()
    headers.set("Content-Disposition", "attachment", **names)
    return headers["Content-Disposition"]


def disposition(download_name: str, inline: bool) -> str:
    """``attachment`` (a download) or ``inline`` (played in the page), with the file's name."""
    value = attachment(download_name)
    return "inline" + value.removeprefix("attachment") if inline else value


def check_config(config) -> None:
    """Refuse a configuration that cannot work, when the app starts rather than at an upload."""
    kind = config.get("STORAGE_BACKEND") or "folder"
    if kind not in BACKENDS:
        raise RuntimeError(f"STORAGE_BACKEND must be one of {', '.join(BACKENDS)}, not {kind!r}")
    if kind == "s3" and not config.get("S3_BUCKET"):
        raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET")
    accel = config.get("STORAGE_ACCEL_REDIRECT")
    if accel and not (accel.startswith("/") and accel.endswith("/")):
        raise RuntimeError("STORAGE_ACCEL_REDIRECT must start and end with '/', e.g. /protected/")
