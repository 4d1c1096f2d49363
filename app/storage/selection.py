"""Which backend stores the files: the one ``STORAGE_BACKEND`` names."""

from __future__ import annotations

from flask import current_app

from app.storage.backends import BACKENDS, Backend
from app.storage.folder import FolderBackend


def backend() -> Backend:
    """The configured backend for the current app (read at each call: tests and the CLI may
    point ``UPLOAD_DIR`` elsewhere; the S3 client itself is made once per app and settings)."""
    config = current_app.config
    kind = config.get("STORAGE_BACKEND") or "folder"
    if kind == "folder":
        return FolderBackend.from_config(config)
    if kind == "s3":
        from app.storage.s3 import S3Backend  # boto3 loads only where S3 is configured

        return S3Backend.from_app(current_app)
    raise RuntimeError(f"STORAGE_BACKEND must be one of {', '.join(BACKENDS)}, not {kind!r}")
