"""The module video in Chromium on a 360 px phone: a clip the pipeline transcoded plays, the
default captions track is the page's language and its cues load, ``Save-Data: on`` starts from
the low rendition, the page works without JavaScript (the video's sources, the quality links,
the transcript), and the page stays within its byte budgets with a video on it.

Module 1 carries the bundled course's first module (lesson, homework, captions, transcript), so
the page weighs what a real one does. One clip of a few seconds, transcoded once (the immediate
queue makes the renditions at the commit), checked in several browser contexts."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from app.extensions import db
from app.learning.content import markdown, vtt
from app.learning.content.spec import read_course
from app.learning.models import Module
from app.unit_of_work import commit
from app.video import services as video
from tests.concurrency import live_server
from tests.e2e.conftest import ROOT, tr
from tests.e2e.phone import PHONE_CONTEXT, PageWidths, page_weights

M1 = "/courses/demo/modules/m1"
CLIP_SECONDS = 6
REAL = read_course(ROOT / "courses" / "fact-checking").modules[0]

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is missing")


@pytest.fixture
def published_clip(app, course, tmp_path):
    """Module 1 of the test course with the real module 1's texts and a 6-second clip, offered
    as the Kazakh source and transcoded into every rendition."""
    source = tmp_path / "clip.mp4"
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=440", "-t", str(CLIP_SECONDS),
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac",
            "-movflags", "+faststart", str(source),
        ],
        check=True,
    )  # fmt: skip
    with app.test_request_context():
        module = db.session.scalar(db.select(Module).where(Module.slug == "m1"))
        module.lesson_html = {lang: markdown.render(text) for lang, text in REAL.lesson.items()}
        module.homework_html = {lang: markdown.render(t) for lang, t in REAL.homework.items()}
        module.captions, module.transcript = dict(REAL.captions), dict(REAL.transcript)
        commit()
        assert video.offer_source("demo", "m1", "kk", source, "course") == "queued"
        commit()  # the immediate queue transcodes here
        [status] = video.module_status(module.id, ("kk",))
        assert status.state == "published", status
        return {r.kind: r for r in status.renditions}


@pytest.fixture
def phone_for(app, client, login, browser):
    """A 360 px phone context signed in as ``user`` against the live test app; every page it
    loads is checked for width."""
    contexts = []
    widths = PageWidths()

    def make(user, base_url, *, js=True, headers=None):
        login(client, user)
        name = app.config["SESSION_COOKIE_NAME"]
        cookie = client.get_cookie(name, domain="localhost").value
        context = browser.new_context(
            **PHONE_CONTEXT, locale="kk", java_script_enabled=js, extra_http_headers=headers
        )
        context.add_cookies([{"name": name, "value": cookie, "url": base_url}])
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        widths.watch(page)
        return page

    yield make
    try:
        widths.verify()
    finally:
        for context in contexts:
            context.close()


SHOWING_TRACK_JS = """() => {
  const v = document.querySelector('video');
  const showing = [...v.textTracks].filter((t) => t.mode === 'showing');
  return showing.map((t) => ({lang: t.language, cues: t.cues ? t.cues.length : 0,
                              text: t.cues && t.cues.length ? t.cues[0].text : ''}));
}"""


def test_the_module_video_on_a_phone(app, make_user, enrol, course, published_clip, phone_for):
    kk = "kk"
    student = make_user(locale=kk)
    enrol(student, course[1])
    with live_server(app) as base:
        base = base.replace("127.0.0.1", "localhost")

        # With JavaScript: the video plays, and the Kazakh captions are the ones showing.
        page = phone_for(student, base)
        page.goto(base + M1)
        assert page.locator("html").get_attribute("lang") == kk
        page.wait_for_function(
            "() => [...document.querySelector('video').textTracks]"
            ".some((t) => t.mode === 'showing' && t.cues && t.cues.length)"
        )
        cues = vtt.parse(REAL.captions[kk]).cues
        [showing] = page.evaluate(SHOWING_TRACK_JS)
        assert showing == {"lang": kk, "cues": len(cues), "text": cues[0].text}
        page.evaluate(
            "() => { const v = document.querySelector('video'); v.muted = true; v.play(); }"
        )
        page.wait_for_function("() => document.querySelector('video').currentTime > 1.5")
        playing = page.evaluate("() => document.querySelector('video').currentSrc")
        assert playing.split("?")[0].endswith("/360p"), playing

        # Save-Data: on starts from the low rendition (240p), which the browser then plays.
        saver = phone_for(student, base, headers={"Save-Data": "on"})
        saver.goto(base + M1)
        first = saver.locator("video source").first
        assert first.get_attribute("data-kind") == "low"
        saver.evaluate(
            "() => { const v = document.querySelector('video'); v.muted = true; v.play(); }"
        )
        saver.wait_for_function("() => document.querySelector('video').currentTime > 0.5")
        chosen = saver.evaluate("() => document.querySelector('video').currentSrc")
        assert chosen.split("?")[0].endswith("/low"), chosen
        height = saver.evaluate("() => document.querySelector('video').videoHeight")
        assert height == published_clip["low"].height == 240

        # Without JavaScript: the video with its sources, the quality links, the download
        # link and the transcript are all there.
        plain = phone_for(student, base, js=False)
        plain.goto(base + M1)
        kinds = plain.locator("video source").evaluate_all(
            "(sources) => sources.map((s) => s.dataset.kind)"
        )
        assert kinds == ["360p", "720p", "low"]
        assert plain.locator("video track[default]").get_attribute("srclang") == kk
        quality = plain.get_by_role("navigation", name=tr("Video quality", kk))
        quality.get_by_role("link", name=tr("Lowest (240p)", kk)).click()
        assert plain.locator("video source").first.get_attribute("data-kind") == "low"
        assert plain.get_by_role("link", name=tr("Audio only", kk)).is_visible()
        plain.locator("summary", has_text=tr("Transcript", kk)).click()
        assert plain.get_by_text(REAL.transcript[kk][0][:40]).first.is_visible()

        # The bytes a phone fetches for the page before anything is played.
        weights = page_weights(phone_for(student, base), base + M1)
        # HTML + CSS + JS under 50 KB (the app gzips its HTML: about 50 KB before); the poster
        # (≤ 30 KB) and the captions on their own.
        assert weights["page"] < 50_000, weights
        assert 0 < weights["poster"] <= 30 * 1024, weights
        assert 0 < weights["captions"] <= 12_000, weights
