"""Stored images are served as attachments that are never sniffed, under a safe name."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from werkzeug.exceptions import NotFound

from app import storage
from tests.fixtures.images import (
    encode,
    halves,
    upload,
)


def test_send_image_is_an_attachment_that_is_never_sniffed(ctx):
    name = storage.save_image(upload(encode(halves(), "PNG"))).name

    response = storage.send_image(name, "homework.png")

    response.direct_passthrough = False
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == "attachment; filename=homework.png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.get_data() == storage.path_of(name).read_bytes()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("shot", "attachment; filename=shot.jpg"),
        ("shot.html", "attachment; filename=shot.html.jpg"),
        ("shot.JPEG", "attachment; filename=shot.JPEG"),
        ("bad\r\nSet-Cookie: x=1.jpg", 'attachment; filename="badSet-Cookie: x=1.jpg"'),
        ("", "attachment; filename=image.jpg"),
    ],
)
def test_send_image_download_name_opens_as_what_it_is(ctx, given, expected):
    name = storage.save_image(upload(encode(halves(), "JPEG"))).name

    response = storage.send_image(name, given)

    response.close()
    assert response.headers["Content-Disposition"] == expected


def test_send_image_keeps_a_kazakh_download_name(ctx):
    name = storage.save_image(upload(encode(halves(), "WEBP"))).name

    response = storage.send_image(name, "үй жұмысы.webp")

    response.close()
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('үй жұмысы.webp')}" in disposition


@pytest.mark.parametrize("name", ["0" * 32 + ".png", "../../config.py", "config.py"])
def test_send_image_answers_404_for_unknown_names(ctx, name):
    with pytest.raises(NotFound):
        storage.send_image(name, "x.png")
