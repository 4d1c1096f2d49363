"""The phone width check measures a settled page: a check made right after a locator found its
element waits for the page's stylesheets (an unstyled page is not what a phone shows), a
stylesheet that never loads is reported, and a page too wide with its styles still fails."""

from __future__ import annotations

import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.e2e.phone import PHONE_CONTEXT, assert_fits_phone

pytestmark = pytest.mark.e2e

CSS_DELAY = 1.5  # seconds: far longer than parsing the page and finding its heading

# A table with an unbroken 190-character cell: wider than the phone until its stylesheet
# lets the cell wrap (as the admin's enrolment preview with its long email addresses).
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Width</title><link rel="stylesheet" href="{css}"></head>
<body><main><h1>Rows with errors</h1>
<table><tr><td>{word}</td><td>error</td></tr></table></main></body></html>"""
FITTING_CSS = b"td { overflow-wrap: anywhere; } table { width: 100%; table-layout: fixed; }"
USELESS_CSS = b"td { color: #333; }"


class _Site(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.endswith(".html"):
            css = self.path.removesuffix(".html") + ".css"
            body, kind = PAGE.format(css=css, word="x" * 190).encode(), "text/html"
            status = 200
        elif self.path in ("/slow-fitting.css", "/slow-useless.css"):
            time.sleep(CSS_DELAY)
            body = FITTING_CSS if "fitting" in self.path else USELESS_CSS
            status, kind = 200, "text/css"
        else:
            status, body, kind = 404, b"not found", "text/plain"
        with contextlib.suppress(ConnectionError):  # the browser left before the slow answer
            self.send_response(status)
            self.send_header("Content-Type", kind + "; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(**PHONE_CONTEXT)
    yield context.new_page()
    context.close()


def _heading_found_before_styles(page, url: str) -> None:
    page.goto(url, wait_until="commit")
    page.get_by_role("heading", name="Rows with errors").wait_for()
    assert page.evaluate("document.styleSheets.length") == 0  # the race the check must not lose


def test_a_check_right_after_a_locator_measures_the_styled_page(site, phone_page):
    _heading_found_before_styles(phone_page, site + "/slow-fitting.html")
    assert_fits_phone(phone_page)
    assert phone_page.evaluate("document.readyState") == "complete"


def test_a_page_too_wide_with_its_styles_still_fails(site, phone_page):
    _heading_found_before_styles(phone_page, site + "/slow-useless.html")
    with pytest.raises(
        AssertionError, match=r"px wide on a 360 px screen.*too wide: .*'td \(right edge"
    ):
        assert_fits_phone(phone_page)


def test_a_stylesheet_that_does_not_load_is_reported(site, phone_page):
    phone_page.goto(site + "/missing.html")
    with pytest.raises(AssertionError, match=r"stylesheets did not load: \[.*/missing\.css"):
        assert_fits_phone(phone_page)
