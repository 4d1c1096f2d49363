"""The app's own gzip (app/compression.py): HTML and captions compressed for a client that
accepts gzip, left alone otherwise, and never a streamed or file response."""

from __future__ import annotations

import gzip

from app import compression, create_app
from config import TestConfig

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_a_page_is_gzipped_for_a_client_that_accepts_it(app, client):
    plain = client.get("/")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    packed = client.get("/", headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"] and "Cookie" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2
    assert int(packed.headers["Content-Length"]) == len(packed.data)
    assert packed.headers["Content-Security-Policy"]  # the security headers stay


def test_static_files_small_answers_and_errors_are_left_alone(app, client):
    css = client.get("/static/css/tekser.css", headers=GZIP)
    assert css.status_code == 200 and "Content-Encoding" not in css.headers
    css.close()
    small = client.get("/healthz", headers=GZIP)
    assert "Content-Encoding" not in small.headers
    missing = client.get("/no-such-page", headers=GZIP)
    assert missing.status_code == 404 and "Content-Encoding" not in missing.headers


def test_it_can_be_turned_off():
    """Behind a proxy that compresses (or for measuring), COMPRESS_RESPONSES=0."""
    assert compression.gzip_response in create_app(TestConfig).after_request_funcs[None]
    off = create_app(TestConfig, COMPRESS_RESPONSES=False)
    assert compression.gzip_response not in off.after_request_funcs[None]
