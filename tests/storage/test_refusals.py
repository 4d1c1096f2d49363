"""Refused uploads: too large, empty, not an image, disguised, truncated, too many pixels;
each with its message, and nothing stored."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from app import storage
from app.storage import UploadError
from tests.fixtures.images import (
    encode,
    halves,
    png_declaring,
    upload,
)
from tests.storage.helpers import (
    NOT_AN_IMAGE,
    TOO_MANY_PIXELS,
    UNREADABLE,
    refused,
    stored_files,
)


def test_too_many_bytes_is_refused_without_reading_the_rest(app_factory):
    app = app_factory(UPLOAD_MAX_BYTES=1024 * 1024)
    stream = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(UploadError) as caught:
            storage.save_image(FileStorage(stream=stream, filename="big.png"))
        assert str(caught.value) == "The file is larger than 1 MB."
        assert stream.tell() == 1024 * 1024 + 1
        # Exactly at the limit is not "too large" (it is refused for its content here).
        assert refused(b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024 - 8)) == UNREADABLE
    assert stored_files(app) == []


def test_an_empty_file_is_refused(ctx):
    assert refused(b"") == "The file is empty."


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"<!doctype html><script>alert(1)</script>", id="html"),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>', id="svg"
        ),
        pytest.param(encode(Image.new("RGB", (8, 8)), "GIF"), id="gif"),
        pytest.param(b"%PDF-1.7\n1 0 obj<<>>endobj\n", id="pdf"),
        pytest.param(b"<html><!--" + encode(Image.new("RGB", (8, 8)), "PNG"), id="polyglot"),
        pytest.param(b"RIFF\0\0\0\0WAVEfmt ", id="riff-not-webp"),
        pytest.param(b"\x89PN", id="short"),
    ],
)
def test_anything_but_png_jpeg_webp_is_refused(ctx, data):
    assert refused(data, filename="innocent.png", content_type="image/png") == NOT_AN_IMAGE
    assert stored_files(ctx) == []


def test_jpeg_magic_on_a_png_body_is_refused(ctx):
    data = b"\xff\xd8\xff" + encode(halves(), "PNG")

    assert refused(data, filename="photo.jpg", content_type="image/jpeg") == UNREADABLE


def test_webp_magic_on_a_png_body_is_refused(ctx):
    png = encode(halves(), "PNG")
    data = b"RIFF" + struct.pack("<I", len(png) + 4) + b"WEBP" + png

    assert refused(data, filename="shot.webp") == UNREADABLE


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_truncated_image_is_refused(ctx, fmt):
    data = encode(Image.effect_noise((64, 64), 64).convert("RGB"), fmt)

    assert refused(data[: len(data) // 2]) == UNREADABLE
    assert stored_files(ctx) == []


def test_a_decompression_bomb_is_refused_before_decoding(ctx):
    data = png_declaring(30_000, 30_000)
    assert len(data) < 100

    assert refused(data) == TOO_MANY_PIXELS


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_the_pixel_limit_comes_from_the_config(app_factory):
    app = app_factory(UPLOAD_MAX_PIXELS=1000)
    before = Image.MAX_IMAGE_PIXELS
    with app.test_request_context(headers={"Accept-Language": "en"}):
        # 1,600 pixels: over the limit, but under twice it, where Pillow only warns.
        assert refused(encode(Image.new("RGB", (40, 40)), "PNG")) == TOO_MANY_PIXELS
        assert refused(encode(Image.new("RGB", (100, 100)), "PNG")) == TOO_MANY_PIXELS
        assert storage.save_image(upload(encode(Image.new("RGB", (25, 40)), "PNG")))
    assert before == Image.MAX_IMAGE_PIXELS  # the process-wide setting is left as it was


def test_a_solid_huge_image_compressed_small_is_refused(app_factory):
    # The real shape of a bomb: few bytes on the wire, many pixels once decoded.
    data = encode(Image.new("L", (4000, 4000)), "PNG")
    assert len(data) < 50_000
    app = app_factory(UPLOAD_MAX_PIXELS=1_000_000)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert refused(data) == TOO_MANY_PIXELS
