"""Stored files: uploaded images handled as untrusted input (``images``), one interface over
a folder or an S3-compatible store (``backends``), and the transaction they follow
(``transactions``)."""

from app.storage.backends import Backend, attachment, check_config, check_key
from app.storage.images import (
    MIMETYPES,
    NAME_RE,
    StoredImage,
    UploadError,
    image_exists,
    key_of,
    path_of,
    read_image,
    save_image,
    send_image,
    sniff_format,
    sweep_orphans,
)
from app.storage.selection import backend
from app.storage.transactions import (
    DOOMED,
    WRITTEN,
    delete_key_later,
    on_commit,
    on_rollback,
    written,
)

__all__ = [
    "DOOMED",
    "MIMETYPES",
    "NAME_RE",
    "WRITTEN",
    "Backend",
    "StoredImage",
    "UploadError",
    "attachment",
    "backend",
    "check_config",
    "check_key",
    "delete_key_later",
    "delete_later",
    "image_exists",
    "init_app",
    "key_of",
    "on_commit",
    "on_rollback",
    "path_of",
    "read_image",
    "save_image",
    "send_image",
    "sniff_format",
    "sweep_orphans",
    "written",
]


def delete_later(name: str) -> None:
    """Delete a stored image once the transaction has committed (never if it rolls back);
    a malformed name is refused now, not after the commit."""
    delete_key_later(key_of(name))


def init_app(app) -> None:
    """Check the storage settings and make the folder of the folder backend."""
    from pathlib import Path

    check_config(app.config)
    if (app.config.get("STORAGE_BACKEND") or "folder") == "folder":
        Path(app.config.get("STORAGE_FOLDER") or app.config["UPLOAD_DIR"]).mkdir(
            parents=True, exist_ok=True
        )
