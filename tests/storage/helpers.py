"""What the storage tests look at: the upload folder, a stored image, a refusal's message."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from app import storage
from app.storage import UploadError
from tests.fixtures.images import upload

NOT_AN_IMAGE = "Only PNG, JPEG and WebP images can be uploaded."
UNREADABLE = "The image could not be read."
TOO_MANY_PIXELS = "The image is too large in pixels."


def upload_dir(app) -> Path:
    return Path(app.config["UPLOAD_DIR"])


def stored_files(app) -> list[Path]:
    return sorted(p for p in upload_dir(app).rglob("*") if p.is_file())


def reopen(name: str) -> Image.Image:
    im = Image.open(storage.path_of(name))
    im.load()
    return im


def refused(data: bytes, **kwargs) -> str:
    with pytest.raises(UploadError) as caught:
        storage.save_image(upload(data, **kwargs))
    return str(caught.value)


def stored_keys() -> list[str]:
    """Every key the configured backend holds (folder or bucket)."""
    return sorted(entry.key for entry in storage.backend().entries())
