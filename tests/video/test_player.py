"""The module page's player: native <video> with sources in the right order, captions, a
quality choice and a data saver that work without JavaScript."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.app import csrf_token

M1 = "/courses/demo/modules/m1"


@pytest.fixture
def page(app, client, login, student):
    login(client, student)

    def get(url: str = M1, **headers) -> str:
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return get


def sources(html: str) -> list[str]:
    return re.findall(r'<source src="[^"]+" type="[^"]+" data-kind="([^"]+)"', html)


def test_no_video_says_so(page):
    html = page()
    assert "There is no video for this module yet" in html and "<video" not in html


def test_a_video_being_prepared_says_so(app, page, offer, clip, monkeypatch):
    from app.video import tasks

    monkeypatch.setattr(tasks.transcode_video, "call_local", None, raising=False)
    monkeypatch.setattr(tasks.pipeline, "run", lambda job_id: None)  # the worker is busy
    assert offer(clip) == "queued"
    html = page()
    assert "being prepared" in html and "<video" not in html


def test_the_player_lists_360p_first_with_poster_captions_and_download(page, offer, clip):
    assert offer(clip) == "queued"
    html = page()
    assert '<video id="module-video" controls preload="none" poster="' in html
    assert sources(html) == ["360p", "720p", "low"]
    assert re.search(r'<track kind="captions" srclang="en"[^>]* default>', html)
    # The tracks' address moves with each import (re-timed captions are never served stale
    # from the browser's hour-long cache).
    assert re.search(
        r'<track kind="captions" srclang="en" [^>]*src="[^"]*/captions/en\.vtt\?v=\d+"', html
    )
    assert "/media/en/low?v=" in html and "download=1" in html
    assert 'data-duration="3.' in html and 'data-video-lang="en"' in html
    assert 'data-quality="360p"' in html and "data-quality-chosen" not in html
    assert "js/video-quality.js" in html and "js/video-progress.js" in html


def test_save_data_puts_the_low_rendition_first(page, offer, clip):
    assert offer(clip) == "queued"
    assert sources(page(**{"Save-Data": "on"}))[0] == "low"


def test_a_quality_link_works_without_javascript(page, offer, clip):
    assert offer(clip) == "queued"
    html = page(M1 + "?quality=720p")
    assert sources(html)[0] == "720p" and 'data-quality-chosen="1"' in html
    assert sources(page(M1 + "?quality=nonsense")) == ["360p", "720p", "low"]
    audio = page(M1 + "?quality=audio")
    assert "<audio" in audio and sources(audio) == ["audio"] and "<video" not in audio


def test_the_data_saver_is_remembered(app, client, page, offer, clip):
    assert offer(clip) == "queued"
    token = csrf_token(client, M1)
    response = client.post(
        "/video/quality", data={"csrf_token": token, "quality": "audio", "next": M1}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(M1)
    html = page()
    assert "<audio" in html and 'id="quality-audio" value="audio" checked' in html
    token = csrf_token(client, M1)
    client.post("/video/quality", data={"csrf_token": token, "quality": "lowest", "next": M1})
    assert sources(page())[0] == "low"


def test_the_data_saver_refuses_bad_values_and_foreign_redirects(client, page):
    token = csrf_token(client, M1)
    bad = client.post("/video/quality", data={"csrf_token": token, "quality": "8k"})
    assert bad.status_code == 400
    away = client.post(
        "/video/quality",
        data={"csrf_token": token, "quality": "lowest", "next": "//evil.example/"},
    )
    assert away.status_code == 302 and "evil" not in away.headers["Location"]


def test_another_language_falls_back_with_a_notice(page, offer, clip):
    assert offer(clip, "ru") == "queued"
    html = page(M1 + "?lang=en")
    assert 'data-video-lang="ru"' in html and "it is shown in" in html


def test_the_module_page_stays_light(page, offer, clip):
    assert offer(clip) == "queued"
    assert len(page().encode()) < 45_000
