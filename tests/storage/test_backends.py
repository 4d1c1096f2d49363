"""The storage interface on both backends, and what only one of them does: nginx's
X-Accel-Redirect and Range requests for the folder; presigned downloads for S3."""

from __future__ import annotations

import io
import urllib.request
from urllib.parse import quote

import pytest
from werkzeug.exceptions import NotFound

from app import storage
from tests.fixtures.images import encode, halves, upload


@pytest.mark.parametrize("as_stream", [False, True], ids=["bytes", "stream"])
def test_put_read_size_delete_on_either_backend(stored_in, ctx, as_stream):
    store = storage.backend()
    expected = b"y" * 3_000_000 if as_stream else b"x" * 10  # a stream is copied in chunks
    payload = io.BytesIO(expected) if as_stream else expected

    store.put("videos/m1/kk/240p.mp4", payload, "video/mp4")

    assert store.exists("videos/m1/kk/240p.mp4") and store.size("videos/m1/kk/240p.mp4") == len(
        expected
    )
    assert store.read("videos/m1/kk/240p.mp4") == expected
    with store.open("videos/m1/kk/240p.mp4") as stream:
        assert stream.read(3) == expected[:3]
    assert [e.key for e in store.entries("videos/")] == ["videos/m1/kk/240p.mp4"]
    store.delete("videos/m1/kk/240p.mp4")
    store.delete("videos/m1/kk/240p.mp4")  # twice is harmless
    assert not store.exists("videos/m1/kk/240p.mp4")
    with pytest.raises(FileNotFoundError):
        store.read("videos/m1/kk/240p.mp4")


@pytest.mark.parametrize("key", ["../x", "/etc/passwd", "a/../../b", ".hidden", "a//b", "", "a\\b"])
def test_keys_the_app_could_not_make_are_refused(stored_in, ctx, key):
    store = storage.backend()
    for call in (lambda: store.put(key, b"x"), lambda: store.read(key), lambda: store.delete(key)):
        with pytest.raises(FileNotFoundError):
            call()


def test_the_folder_answers_range_requests(ctx):
    name = storage.save_image(upload(encode(halves(), "PNG"))).name
    data = storage.read_image(name)

    with ctx.test_request_context(headers={"Range": "bytes=0-7"}):
        response = storage.send_image(name, "shot.png")
        response.direct_passthrough = False
        assert response.status_code == 206 and response.get_data() == data[:8]
        assert response.headers["Content-Range"] == f"bytes 0-7/{len(data)}"


def test_the_folder_hands_large_files_to_nginx_with_x_accel_redirect(ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "STORAGE_ACCEL_REDIRECT", "/protected/")
    name = storage.save_image(upload(encode(halves(), "PNG"))).name

    response = storage.send_image(name, "үй жұмысы.png")

    assert response.headers["X-Accel-Redirect"] == f"/protected/{name[:2]}/{name}"
    assert response.get_data() == b"" and response.mimetype == "image/png"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and quote("үй жұмысы.png") in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_s3_serves_through_a_short_lived_presigned_redirect(ctx, monkeypatch, s3_server):
    from tests.fixtures.s3 import use_s3

    use_s3(ctx, monkeypatch, s3_server)
    monkeypatch.setitem(ctx.config, "S3_PRESIGN_SECONDS", 30)
    name = storage.save_image(upload(encode(halves(), "PNG"))).name

    response = storage.send_image(name, "үй жұмысы.png")

    assert response.status_code == 302 and response.location.startswith(s3_server)
    assert "X-Amz-Expires=30" in response.location
    assert response.headers["Cache-Control"] == "private, no-store"
    with urllib.request.urlopen(response.location, timeout=10) as download:  # noqa: S310
        assert download.read() == storage.read_image(name)
        assert download.headers["Content-Type"] == "image/png"
        disposition = download.headers["Content-Disposition"]
    assert disposition == storage.attachment("үй жұмысы.png")
    assert f"filename*=UTF-8''{quote('үй жұмысы.png')}" in disposition


def test_s3_answers_404_for_a_missing_object_instead_of_redirecting(ctx, monkeypatch, s3_server):
    from tests.fixtures.s3 import use_s3

    use_s3(ctx, monkeypatch, s3_server)
    with pytest.raises(NotFound):
        storage.send_image("0" * 32 + ".png", "x.png")


def test_a_wrong_backend_name_or_a_missing_bucket_stops_the_app(app_factory):
    with pytest.raises(RuntimeError, match="STORAGE_BACKEND"):
        app_factory(STORAGE_BACKEND="ftp")
    with pytest.raises(RuntimeError, match="S3_BUCKET"):
        app_factory(STORAGE_BACKEND="s3", S3_BUCKET="")
