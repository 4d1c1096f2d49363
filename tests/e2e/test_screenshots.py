"""Screenshots of key pages at 360 px in kk, ru and en for docs/screenshots/ (the README shows a
few). Only when asked: ``SCREENSHOTS=1 .venv/bin/pytest tests/e2e/test_screenshots.py``."""

from __future__ import annotations

import os
import re

import pytest

from tests.e2e.conftest import DEMO_PASSWORD, ROOT, log_in, tr
from tests.e2e.phone import PHONE

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.environ.get("SCREENSHOTS"), reason="set SCREENSHOTS=1"),
]
OUT = ROOT / "docs" / "screenshots"


def test_screenshots(live_server, browser):
    OUT.mkdir(parents=True, exist_ok=True)
    output = live_server.flask(
        "cohorts", "create", "--course", "fact-checking", "--name", "Demo", "--open-all"
    )
    invite = re.search(r"(http://\S+/join/\S+)", output).group(1)
    live_server.flask(
        "users", "create", "--email", "shots@example.org", "--name", "Айгүл Өмірзақова",
        "--password", DEMO_PASSWORD, "--locale", "kk",
    )  # fmt: skip
    # Device scale 1 keeps the files small.
    visitor = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    student = browser.new_context(
        viewport=PHONE, device_scale_factor=1, is_mobile=True, locale="kk"
    )
    page = student.new_page()
    log_in(page, live_server.url, "shots@example.org", "kk")
    page.goto(invite)
    page.get_by_role("button", name=tr("Join the course", "kk")).click()
    for lang in ("kk", "ru", "en"):
        anonymous = visitor.new_page()
        visitor.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])
        anonymous.goto(live_server.url + "/")
        anonymous.screenshot(path=OUT / f"landing-{lang}.png")
        anonymous.close()
        page.goto(live_server.url + "/dashboard")
        page.get_by_role("button", name=LANGUAGE_NAMES[lang]).first.click()
        page.get_by_role("heading", name=tr("My course", lang), exact=True).wait_for()
        page.screenshot(path=OUT / f"dashboard-{lang}.png")
        page.get_by_role("link", name=tr("Watch and read the lesson", lang)).click()
        page.screenshot(path=OUT / f"module-{lang}.png")
        page.get_by_role("link", name=tr("Do the homework", lang)).click()
        page.screenshot(path=OUT / f"homework-{lang}.png")
        page.goto(live_server.url + "/verify")
        page.screenshot(path=OUT / f"verify-{lang}.png")
    visitor.close()
    student.close()


LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
