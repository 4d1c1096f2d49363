"""The player script in Chromium (app/static/js/video-progress.js) against the test app served
by a threaded server: what it reports while playing and on pause, that a seek to the end counts
only what is played there, that leaving the page sends a beacon, and that playback resumes."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from app.extensions import db
from app.learning.models import Module, ModuleProgress
from tests.concurrency import live_server
from tests.e2e.phone import PHONE_CONTEXT

M1 = "/courses/demo/modules/m1"
CLIP_SECONDS = 12

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is missing")


@pytest.fixture
def video_module(app, course, tmp_path):
    """Module 1 of the test course with a real 12-second clip (H.264 + AAC, faststart)."""
    folder = tmp_path / "courses" / "demo"
    folder.mkdir(parents=True)
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=440", "-t", str(CLIP_SECONDS),
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac",
            "-movflags", "+faststart", str(folder / "m1.mp4"),
        ],
        check=True,
    )  # fmt: skip
    app.config["COURSES_DIR"] = str(tmp_path / "courses")
    with app.app_context():
        module = db.session.scalar(db.select(Module).where(Module.slug == "m1"))
        module.video_file, module.video_duration = "m1.mp4", CLIP_SECONDS
        db.session.commit()


@pytest.fixture
def page_of(app, client, login, browser):
    """A phone page signed in as ``user`` against the live test app."""
    contexts = []

    def make(user, base_url):
        login(client, user)
        name = app.config["SESSION_COOKIE_NAME"]
        cookie = client.get_cookie(name, domain="localhost").value
        context = browser.new_context(**PHONE_CONTEXT, locale="en")
        context.add_cookies([{"name": name, "value": cookie, "url": base_url}])
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def played(app) -> dict:
    with app.app_context():
        db.session.expire_all()
        row = db.session.scalar(db.select(ModuleProgress))
        return (row.video_played or {}).get("en", {}) if row is not None else {}


def wait_for(app, check, timeout=10.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = played(app)
        if check(found):
            return found
        time.sleep(0.2)
    raise AssertionError(f"not reported in time: {played(app)}")


def play_for(page, seconds: float) -> None:
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.play(); }")
    page.wait_for_function(
        f"() => document.querySelector('video').currentTime >= {seconds}", timeout=20_000
    )


def test_played_ranges_are_reported_and_playback_resumes(app, student, video_module, page_of):
    with live_server(app) as base:
        base = base.replace("127.0.0.1", "localhost")
        page = page_of(student, base)
        page.goto(base + M1)

        play_for(page, 3)
        page.evaluate("() => document.querySelector('video').pause()")
        first = wait_for(app, lambda e: e.get("ranges"))
        [[start, end]] = first["ranges"]
        assert start == 0 and 2.5 <= end <= 6 and first["at"] >= 2.5

        # A seek to the end: only the second or so played there is added, and the video is
        # not watched.
        page.evaluate("() => { document.querySelector('video').currentTime = 10.5; }")
        page.wait_for_function("() => !document.querySelector('video').seeking")
        play_for(page, 11.9)
        page.wait_for_function("() => document.querySelector('video').ended", timeout=20_000)
        ended = wait_for(app, lambda e: len(e.get("ranges", [])) == 2)
        assert ended["ranges"][0] == [start, end] and ended["ranges"][1][1] == CLIP_SECONDS
        with app.app_context():
            assert db.session.scalar(db.select(ModuleProgress.video_watched_at)) is None

        # Ended near the end: the next visit starts from the beginning; from the middle, it
        # resumes there. Leaving the page mid-play sends a beacon.
        page.goto(base + M1)
        assert page.get_attribute("video", "data-resume") == "0.0"
        page.evaluate("() => { document.querySelector('video').currentTime = 5; }")
        play_for(page, 7)
        page.goto(base + "/dashboard")  # no pause: the beacon on pagehide reports
        left = wait_for(app, lambda e: 5 <= e.get("at", 0) < 10)
        page.goto(base + M1)
        resume = float(page.get_attribute("video", "data-resume"))
        assert resume == left["at"]
        play_for(page, resume)  # the first play jumps to where the student stopped
        assert page.evaluate("() => document.querySelector('video').currentTime") >= resume
