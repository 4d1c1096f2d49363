"""Compressing what a phone downloads (issue 14's page budget: HTML + CSS + JS under 50 KB).

A module page with a video is about 50 KB of HTML as rendered; gzipped it is about 14 KB. The
app compresses its own HTML, captions and JSON when the client accepts gzip, so the budget holds
with or without a proxy in front (nginx passes an already compressed response on as it is, and
compresses the static files: deploy/nginx/tekser.conf). Streamed and file responses (exports,
videos, static files) are left alone: they are sent as they are made.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

TYPES = frozenset({"text/html", "text/vtt", "application/json"})
MIN_BYTES = 1024  # below this, the gzip header and a round of CPU are not worth it
LEVEL = 5  # about as small as 9 for HTML, at a third of the CPU


def compressible(response: Response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype in TYPES
        and not response.direct_passthrough
        and not response.is_streamed
        and "Content-Encoding" not in response.headers
        and "gzip" in request.accept_encodings
        and request.method != "HEAD"
    )


def gzip_response(response: Response) -> Response:
    if response.mimetype in TYPES:
        response.vary.add("Accept-Encoding")  # a cache must keep both forms apart
    if not compressible(response):
        return response
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, LEVEL))
    response.headers["Content-Encoding"] = "gzip"
    return response


def init_app(app: Flask) -> None:
    if app.config.get("COMPRESS_RESPONSES", True):
        app.after_request(gzip_response)
