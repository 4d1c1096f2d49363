"""What a phone shows, checked: the two font setups the journeys run under, the page-width check
that runs on every page a phone loads, tap targets, and the accessibility scans (axe-core and the
phone details axe does not check). Imported by tests/e2e/conftest.py and the journeys."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
from pathlib import Path

import pytest

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # pragma: no cover - the test script installs it
    PlaywrightError = Exception

PHONE = {"width": 360, "height": 740}
# A browser context's options for a phone (``browser.new_context(**PHONE_CONTEXT, ...)``).
PHONE_CONTEXT = {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"

# Font setups the journeys run under: the machine's own fontconfig, and one whose system fonts
# (and so every text width) differ: Liberation Sans first (Arial's metrics), DejaVu Sans only as
# the fallback for the Kazakh letters Liberation lacks. Chromium reads FONTCONFIG_FILE at start,
# so no root is needed at test time; scripts/test.sh installs the Debian packages.
FONT_DIRS = {
    "liberation": [
        ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation"),
        ("/usr/share/fonts/truetype/dejavu",),
    ],
}
FONT_FAMILIES = {
    "liberation": {
        "sans-serif": ["Liberation Sans", "DejaVu Sans"],
        "serif": ["Liberation Serif", "DejaVu Serif"],
        "monospace": ["Liberation Mono", "DejaVu Sans Mono"],
    },
}


def font_dirs(setup: str) -> list[str] | None:
    """The font directories of ``setup`` (the first existing of each alternative), or None when
    one is missing."""
    found = []
    for alternatives in FONT_DIRS[setup]:
        present = [d for d in alternatives if Path(d).is_dir()]
        if not present:
            return None
        found.append(present[0])
    return found


def font_setups() -> list:
    """The font setups to run the journeys under. The second runs on SQLite only: fonts do not
    depend on the database, and the journeys are the slow part of the suite."""
    params = [pytest.param("default", id="fonts-default")]
    if os.environ.get("TEST_DATABASE_URL"):
        return params
    missing = font_dirs("liberation") is None
    params.append(
        pytest.param(
            "liberation",
            id="fonts-liberation",
            marks=pytest.mark.skipif(
                missing,
                reason="fonts-liberation2 (or fonts-liberation) and fonts-dejavu-core are not "
                "installed: scripts/test.sh installs them",
            ),
        )
    )
    return params


# As the system's 49-sansserif.conf: a request naming no generic family (Chromium's system-ui
# on Linux) falls back to sans-serif, and so to the setup's first sans-serif font.
_NO_GENERIC_MEANS_SANS = (
    '  <match target="pattern">'
    + "".join(
        f'<test qual="all" name="family" compare="not_eq"><string>{g}</string></test>'
        for g in ("sans-serif", "serif", "monospace")
    )
    + '<edit name="family" mode="append_last"><string>sans-serif</string></edit></match>\n'
)


def _fonts_conf(setup: str, folder: Path) -> Path:
    dirs = "".join(f"  <dir>{d}</dir>\n" for d in font_dirs(setup))
    aliases = "".join(
        f'  <alias binding="strong"><family>{generic}</family><prefer>'
        + "".join(f"<family>{f}</family>" for f in families)
        + "</prefer></alias>\n"
        for generic, families in FONT_FAMILIES[setup].items()
    )
    path = folder / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig>\n{dirs}  <cachedir>{folder / 'cache'}</cachedir>\n"
        f"{_NO_GENERIC_MEANS_SANS}{aliases}</fontconfig>\n",
        encoding="utf-8",
    )
    return path


# The page is settled before it is measured: parsed and loaded (so every stylesheet has arrived:
# the static files are revalidated on each page, and a check right after a locator found its
# element could otherwise measure the unstyled page, table rows and all), and its fonts ready.
# A stylesheet that failed to load is a problem of its own, not a reason to measure later.
_SETTLED_JS = """async () => {
  await document.fonts.ready;
  const failed = (link) => {
    const timing = performance.getEntriesByName(link.href, 'resource').at(-1);
    return !link.sheet || (timing && timing.responseStatus >= 400);
  };
  return [...document.querySelectorAll('link[rel~=stylesheet]')]
    .filter((link) => !link.disabled && failed(link)).map((link) => link.href);
}"""

# Is the page as wide as the phone? The widest elements are named to say what to fix.
_WIDTH_JS = """(limit) => {
  const root = document.documentElement;
  const wide = [];
  for (const el of document.body ? document.body.querySelectorAll('*') : []) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > limit + 0.5) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.classList.length ? '.' + [...el.classList].join('.') : '');
      wide.push(`${name} (right edge ${Math.round(box.right)} px)`);
    }
  }
  return {url: location.href, scrollWidth: root.scrollWidth, innerWidth: window.innerWidth,
          wide: wide.slice(-6)};
}"""


SHOTS = Path(os.environ["E2E_SCREENSHOTS"]) if os.environ.get("E2E_SCREENSHOTS") else None
_shot_numbers = itertools.count(1)


class PageWidths:
    """Checks every page a phone shows: on each ``load`` of the main frame the document must be no
    wider than the 360 px screen (``scrollWidth <= innerWidth``, and the viewport not zoomed out
    to fit), measured once the page has loaded with all its stylesheets and fonts. Problems are
    collected and asserted when the test ends (the ``phone`` fixture does it), so no page
    escapes; ``check(page)`` checks the current page once it has loaded."""

    def __init__(self):
        self.problems: list[str] = []
        self.pending: list[tuple] = []  # (page, url) of documents shown and not yet checked
        self.checked = 0

    def watch(self, page) -> None:
        page.on("framenavigated", lambda frame: self._on_navigated(page, frame))
        page.on("load", lambda loaded: self._on_load(loaded))

    def _on_navigated(self, page, frame) -> None:
        if frame == page.main_frame and "#" not in frame.url:
            self.pending.append((page, frame.url))

    def _on_load(self, page) -> None:
        # Navigated away already? ``verify`` reports the page as not checked.
        with contextlib.suppress(PlaywrightError):
            self.check(page)

    def check(self, page) -> None:
        page.wait_for_load_state("load")
        unloaded = page.evaluate(_SETTLED_JS)
        result = page.evaluate(_WIDTH_JS, PHONE["width"])
        self.checked += 1
        if SHOTS:  # E2E_SCREENSHOTS=folder: every page checked, to look at (slower)
            name = re.sub(r"[^\w-]+", "_", result["url"].split("/", 3)[-1])[:80]
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SHOTS / f"{next(_shot_numbers):03d}-{name}.png", full_page=True)
        if (page, result["url"]) in self.pending:
            self.pending.remove((page, result["url"]))
        if unloaded:
            self.problems.append(f"{result['url']}: stylesheets did not load: {unloaded}")
        if result["innerWidth"] != PHONE["width"] or result["scrollWidth"] > PHONE["width"]:
            self.problems.append(
                f"{result['url']}: {result['scrollWidth']} px wide on a "
                f"{PHONE['width']} px screen (innerWidth {result['innerWidth']}); "
                f"too wide: {result['wide']}"
            )

    def check_missed(self) -> None:
        """Pages the test left before their check could run (a tap right after the load) are
        loaded again, in a new tab of the same browser context, and checked there."""
        missed, self.pending = self.pending, []
        for page, url in missed:
            again = page.context.new_page()
            again.goto(url)
            self.check(again)
            again.close()

    def verify(self) -> None:
        self.check_missed()
        assert not self.problems, "pages wider than the phone:\n" + "\n".join(self.problems)


def assert_fits_phone(page) -> None:
    """Assert that ``page`` is no wider than the phone, as soon as it has loaded (the ``phone``
    fixture also checks every page it loads, automatically)."""
    widths = PageWidths()
    widths.check(page)
    assert not widths.problems, widths.problems[0]


def assert_tappable(page, locator) -> None:
    """``locator`` is visible, inside the screen's width, and what a tap at its centre hits
    (nothing lies over it)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not visible"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{locator} is off screen"
    # bounding_box() is in the viewport's coordinates, as elementFromPoint() wants them
    hit = locator.evaluate(
        "(el, [x, y]) => { const top = document.elementFromPoint(x, y);"
        " return top === el || el.contains(top); }",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert hit, f"{locator}: another element receives a tap at its centre"


def check_accessibility(page) -> None:
    """axe-core, WCAG 2.0/2.1/2.2 A and AA: no violations; and the phone details axe does not
    see (``check_phone_details``)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
    )
    problems = [
        f"{v['id']}: {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert problems == [], f"{page.url}: {problems}"
    check_phone_details(page)


_DETAILS_JS = """() => {
  const problems = [];
  const visible = (el) => { const b = el.getBoundingClientRect(); return b.width && b.height; };
  for (const input of document.querySelectorAll('input[type=radio], input[type=checkbox]')) {
    const box = input.getBoundingClientRect();
    if (visible(input) && (box.width < 24 || box.height < 24))
      problems.push(`${input.id || input.name}: a ${box.width}x${box.height} px target`);
  }
  for (const legend of document.querySelectorAll('fieldset > legend')) {
    const fieldset = legend.parentElement;
    if (!visible(legend) || getComputedStyle(fieldset).borderTopStyle === 'none') continue;
    if (legend.getBoundingClientRect().top < fieldset.getBoundingClientRect().top + 1)
      problems.push(`legend "${legend.textContent.trim().slice(0, 40)}" sits on the border`);
  }
  for (const li of document.querySelectorAll('main li')) {
    const text = li.textContent.trim();
    if (/^[✓✗○●◦•]/.test(text) && getComputedStyle(li).listStyleType !== 'none')
      problems.push(`"${text.slice(0, 30)}" has a list marker and its own`);
  }
  return problems;
}"""


def check_phone_details(page) -> None:
    """Radio buttons and checkboxes are targets of at least 24 x 24 px (WCAG 2.2, 2.5.8), no
    fieldset border runs through its legend, no list item shows two markers."""
    problems = page.evaluate(_DETAILS_JS)
    assert problems == [], f"{page.url}: {problems}"


def page_weights(page, url: str) -> dict[str, int]:
    """Bytes transferred for ``url`` and everything it loads, from the browser's network log,
    in three budgets: ``page`` (HTML, CSS, JavaScript, fonts), ``poster`` (images: Chromium
    fetches a video's poster even with preload="none") and ``captions`` (the default <track>,
    fetched on load too). The video itself is left out: it streams only when played."""
    sizes = {"page": 0, "poster": 0, "captions": 0}
    budget = {"image": "poster", "texttrack": "captions"}

    def on_finished(request):
        response = request.response()
        if response is None or request.resource_type == "media":
            return
        measured = request.sizes()
        part = budget.get(request.resource_type, "page")
        sizes[part] += measured["responseBodySize"] + measured["responseHeadersSize"]

    page.on("requestfinished", on_finished)
    page.goto(url, wait_until="networkidle")
    page.remove_listener("requestfinished", on_finished)
    return sizes


def page_weight(page, url: str) -> int:
    """Every byte ``url`` costs before anything is played (all three budgets together)."""
    return sum(page_weights(page, url).values())
