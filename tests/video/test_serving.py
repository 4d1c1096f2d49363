"""Renditions are served with Range requests, privately, and only to who may watch."""

from __future__ import annotations

import pytest

from tests.video.conftest import state

M1 = "/courses/demo/modules/m1"


@pytest.fixture
def published(app, offer, clip):
    assert offer(clip, "en") == "queued"
    return state(app, "en")


@pytest.fixture
def watcher(app, client, login, student):
    login(client, student)
    return client


def test_a_range_request_gets_206_with_its_content_range(watcher, published):
    size = published["renditions"]["low"].size
    response = watcher.get(M1 + "/media/en/low", headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 100-199/{size}"
    assert len(response.get_data()) == 100
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.mimetype == "video/mp4"
    cache = response.headers["Cache-Control"]
    assert "private" in cache and "public" not in cache
    assert response.headers["Content-Disposition"].startswith("inline")


def test_an_open_ended_range_runs_to_the_end(watcher, published):
    size = published["renditions"]["low"].size
    response = watcher.get(M1 + "/media/en/low", headers={"Range": f"bytes={size - 10}-"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes {size - 10}-{size - 1}/{size}"


def test_a_range_past_the_end_gets_416(watcher, published):
    size = published["renditions"]["low"].size
    response = watcher.get(M1 + "/media/en/low", headers={"Range": f"bytes={size + 10}-"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{size}"


def test_the_whole_file_and_the_download(watcher, published):
    response = watcher.get(M1 + "/media/en/low")
    assert response.status_code == 200
    assert len(response.get_data()) == published["renditions"]["low"].size
    download = watcher.get(M1 + "/media/en/low?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "demo-m1-en-low.mp4" in download.headers["Content-Disposition"]
    poster = watcher.get(M1 + "/media/en/poster")
    assert poster.status_code == 200 and poster.mimetype == "image/jpeg"


@pytest.mark.parametrize(
    "url",
    [
        M1 + "/media/ru/low",  # no video in that language
        M1 + "/media/en/1080p",  # no such rendition
        M1 + "/media/xx/low",
        "/courses/demo/modules/nope/media/en/low",
        "/courses/other/modules/m1/media/en/low",
    ],
)
def test_unknown_videos_are_not_found(watcher, published, url):
    assert watcher.get(url).status_code == 404


def test_a_range_request_costs_one_statement_once_allowed(app, watcher, published):
    from sqlalchemy import event

    from app.extensions import db

    watcher.get(M1 + "/media/en/low", headers={"Range": "bytes=0-1"})  # the access check
    statements = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = watcher.get(M1 + "/media/en/low", headers={"Range": "bytes=2-3"})
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 206
    video_statements = [s for s in statements if "video_rendition" in s]
    assert len(video_statements) == 1
    assert len(statements) <= 4, statements  # the login session, the user, the rendition


def test_on_s3_a_rendition_is_a_short_lived_redirect_played_inline(
    app, client, login, student, offer, clip, monkeypatch, s3_server
):
    from urllib.parse import parse_qs, urlsplit

    from tests.fixtures.s3 import use_s3

    use_s3(app, monkeypatch, s3_server)
    assert offer(clip, "en") == "queued"
    assert state(app, "en")["sha256"]
    login(client, student)
    response = client.get(M1 + "/media/en/low")
    assert response.status_code == 302
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["response-content-disposition"][0].startswith("inline")
    assert query["response-content-type"] == ["video/mp4"]
