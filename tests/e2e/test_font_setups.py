"""The second font setup really changes the fonts a page is drawn with: the body text (system-ui)
is in DejaVu Sans by default and in Liberation Sans, with DejaVu Sans for the Kazakh letters it
lacks, under the "liberation" setup."""

from __future__ import annotations

import pytest

from tests.e2e.phone import font_dirs

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(font_dirs("liberation") is None, reason="Liberation fonts not installed"),
]


def fonts_of_body_text(browser) -> list[str]:
    page = browser.new_page()
    page.set_content(
        "<p style='font: 16px system-ui'>Тексеруге жіберу — Әбдіқаппарова Гүлжаһан, Submit</p>"
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "p"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    page.close()
    return [f["familyName"] for f in sorted(fonts, key=lambda f: -f["glyphCount"])]


def test_the_liberation_setup_draws_body_text_in_other_fonts(browsers):
    default = fonts_of_body_text(browsers("default"))
    liberation = fonts_of_body_text(browsers("liberation"))
    assert liberation[0] == "Liberation Sans"
    assert "DejaVu Sans" in liberation  # the Kazakh letters Liberation Sans lacks
    assert default[0] != liberation[0]
