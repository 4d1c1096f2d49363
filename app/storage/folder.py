"""The folder backend: a local directory or a volume every node mounts (NFS and the like).

Writes go to a temporary file in the same directory, are fsynced, then renamed into place and
the directory fsynced, so a crash leaves either the whole file or none (at worst a ``.*.tmp``
that ``sweep_temporaries`` removes later); readers on other nodes never see half a file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from flask import Response, abort, send_file

from app.storage.backends import Entry, attachment, check_key

CHUNK = 1 << 20
FILE_MODE = 0o640  # the app's user writes, its group (nginx's user joins it) reads


class FolderBackend:
    def __init__(self, root: Path, accel_redirect: str | None = None) -> None:
        self.root = root
        self.accel_redirect = accel_redirect or None

    @classmethod
    def from_config(cls, config) -> FolderBackend:
        root = config.get("STORAGE_FOLDER") or config["UPLOAD_DIR"]
        return cls(Path(root).resolve(), config.get("STORAGE_ACCEL_REDIRECT"))

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes | BinaryIO, mimetype: str | None = None) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            # mkstemp makes 0600: nginx, in the app's group, sends the file (X-Accel-Redirect).
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "wb") as out:
                if isinstance(data, bytes | bytearray | memoryview):
                    out.write(data)
                else:
                    shutil.copyfileobj(data, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_directory(path.parent)

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int:
        return self.path(key).stat().st_size

    def entries(self, prefix: str = "") -> Iterator[Entry]:
        """Every stored file whose key starts with ``prefix`` (temporaries left out)."""
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            base = Path(folder).relative_to(self.root).as_posix()
            for name in sorted(files):
                key = name if base == "." else f"{base}/{name}"
                if name.startswith(".") or not key.startswith(prefix):
                    continue
                try:
                    yield Entry(key, (Path(folder) / name).stat().st_mtime)
                except FileNotFoundError:
                    continue  # removed meanwhile

    def sweep_temporaries(self, cutoff: float) -> list[str]:
        """Remove the ``.*.tmp`` files of writes that never finished (a crash, a killed node),
        once older than ``cutoff``; returns their names."""
        removed = []
        for folder, _dirs, files in os.walk(self.root):
            for name in sorted(files):
                if not (name.startswith(".") and name.endswith(".tmp")):
                    continue
                path = Path(folder) / name
                try:
                    if path.stat().st_mtime < cutoff:
                        path.unlink()
                        removed.append(name)
                except FileNotFoundError:
                    continue
        return removed

    def serve(self, key: str, download_name: str, mimetype: str) -> Response:
        """The file as an attachment; with ``STORAGE_ACCEL_REDIRECT`` nginx sends the bytes
        from its ``internal`` location, so no app worker is held by a large download."""
        try:
            path = self.path(key)
        except FileNotFoundError:
            abort(404)
        if not path.is_file():
            abort(404)
        if self.accel_redirect:
            response = Response(mimetype=mimetype)
            response.headers["X-Accel-Redirect"] = self.accel_redirect + key
            response.headers["Content-Disposition"] = attachment(download_name)
            return response
        return send_file(path, mimetype=mimetype, as_attachment=True, download_name=download_name)

    def ready(self) -> bool:
        """The folder exists and this process may create files in it (checked by permission,
        not by writing: a probe leaves no trace)."""
        return self.root.is_dir() and os.access(self.root, os.W_OK | os.X_OK)


def _fsync_directory(folder: Path) -> None:
    """Make the rename itself durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass  # some network filesystems refuse fsync on a directory; the data is synced
    finally:
        os.close(fd)
