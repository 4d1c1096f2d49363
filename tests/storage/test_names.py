"""Stored names are made by the server; the client's filename and any other path are refused."""

from __future__ import annotations

import pytest

from app import storage
from tests.fixtures.images import (
    encode,
    halves,
    upload,
)
from tests.storage.helpers import (
    stored_files,
    upload_dir,
)


@pytest.mark.parametrize(
    "filename", ["../../etc/passwd.png", "/etc/passwd", "..\\..\\boot.ini", "a\0b.png", ""]
)
def test_the_client_filename_is_ignored(ctx, filename, tmp_path):
    image = storage.save_image(upload(encode(halves(), "PNG"), filename=filename))

    assert storage.NAME_RE.fullmatch(image.name)
    root = upload_dir(ctx).resolve()
    assert stored_files(ctx) == [root / image.name[:2] / image.name]
    assert {p.name for p in tmp_path.iterdir()} == {"uploads"}


def test_names_are_unique(ctx):
    data = encode(halves(), "PNG")

    assert len({storage.save_image(upload(data)).name for _ in range(5)}) == 5


@pytest.mark.parametrize(
    "name",
    [
        "../../config.py",
        "0" * 32 + ".png/../../x",
        "0" * 32 + ".png\n",
        "0" * 32 + ".svg",
        "0" * 32 + ".PNG",
        "A" * 32 + ".png",
        "0" * 31 + ".png",
        "/etc/passwd",
        "",
    ],
)
def test_path_of_refuses_anything_but_a_stored_name(ctx, name):
    with pytest.raises(FileNotFoundError):
        storage.path_of(name)


def test_path_of_is_absolute_and_inside_the_upload_folder(ctx):
    name = "ab" + "0" * 30 + ".webp"

    path = storage.path_of(name)

    assert path.is_absolute() and path == upload_dir(ctx).resolve() / "ab" / name
