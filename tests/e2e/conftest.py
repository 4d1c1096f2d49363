"""End-to-end fixtures: the real app served by gunicorn on a free loopback port, against a fresh
database, sending mail to the test SMTP sink; Debian's Chromium driven by Playwright at phone
size. Elements are found as a person finds them: by role, label and visible text."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
# A browser context's options for a phone (``browser.new_context(**PHONE_CONTEXT, ...)``).
PHONE_CONTEXT = {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DEMO_PASSWORD = "tekser-demo-2026"

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the test script installs it
    sync_playwright = None
    PlaywrightError = Exception


def pytest_collection_modifyitems(config, items):
    missing = []
    if sync_playwright is None:
        missing.append("playwright")
    if not Path(CHROMIUM).exists():
        missing.append("chromium")
    if not AXE.exists():
        missing.append("axe-core (npm ci --prefix tests/e2e)")
    # The admin journey revokes the certificate the student journey earned: run it after.
    items.sort(key=lambda item: "test_admin_journey" in str(item.fspath))
    if missing:
        skip = pytest.mark.skip(reason="end-to-end tools missing: " + ", ".join(missing))
        for item in items:
            if "tests/e2e/" in str(item.fspath):
                item.add_marker(skip)


class LiveServer:
    def __init__(self, url: str, env: dict[str, str], upload_dir: Path):
        self.url = url
        self.env = env
        self.upload_dir = upload_dir

    def flask(self, *args: str) -> str:
        """Run a ``flask`` command against the live server's database."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, smtp_sink):
    tmp = tmp_path_factory.mktemp("live")
    port = free_port()
    env = {
        **os.environ,
        "FLASK_APP": "app:create_app",
        "TEKSER_ENV": "production",
        "SECRET_KEY": "e2e-" + "x" * 60,
        "SESSION_COOKIE_SECURE": "false",
        "DATABASE_URL": os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp / 'e2e.sqlite'}",
        "UPLOAD_DIR": str(tmp / "uploads"),
        "TEKSER_INSTANCE_DIR": str(tmp),
        "BASE_URL": f"http://127.0.0.1:{port}",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_sink[1]),
        "RATELIMIT_ENABLED": "false",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "CERT_SIGNING_KEY_FILE": _signing_key(tmp / "issuer-key.pem"),
    }
    database = _own_database(env["DATABASE_URL"])
    env["DATABASE_URL"] = next(database)
    server = LiveServer(f"http://127.0.0.1:{port}", env, tmp / "uploads")
    server.flask("db", "upgrade")
    server.flask("courses", "import", "courses/fact-checking")
    log = (tmp / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "--threads",
            "4",
            "-k",
            "gthread",
            "-b",
            f"127.0.0.1:{port}",
            "app:create_app()",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # The job worker, as production runs it beside the app (mail goes out through it).
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "huey.bin.huey_consumer",
            "app.tasks.huey",
            "-w",
            "2",
            "-k",
            "thread",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(server.url + "/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError((tmp / "gunicorn.log").read_text()) from None
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        worker.terminate()
        process.wait(timeout=10)
        worker.wait(timeout=10)
        log.close()
        next(database, None)


def _signing_key(path: Path) -> str:
    """A fresh Ed25519 issuer key for the certificates (as ``flask certificates keygen`` makes)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from app.certificates import keys

    path.write_bytes(keys.private_to_pem(Ed25519PrivateKey.generate()))
    path.chmod(0o600)
    return str(path)


def _own_database(url: str):
    """On PostgreSQL, a database of the journeys' own (built by ``flask db upgrade``), dropped
    afterwards; on SQLite the file is already private."""
    if not url.startswith("postgresql"):
        yield url
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"tekser_e2e_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


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


@pytest.fixture(scope="session")
def browsers(tmp_path_factory):
    """One Chromium per font setup, started when first asked for: ``browsers("liberation")``."""
    with sync_playwright() as p:
        started = {}

        def get(setup: str = "default"):
            if setup not in started:
                env = None
                if setup != "default":
                    if font_dirs(setup) is None:
                        pytest.skip(f"the fonts of the {setup!r} setup are not installed")
                    conf = _fonts_conf(setup, tmp_path_factory.mktemp(f"fonts-{setup}"))
                    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
                started[setup] = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, env=env)
            return started[setup]

        yield get
        for browser in started.values():
            browser.close()


@pytest.fixture(scope="session")
def browser(browsers):
    return browsers("default")


@pytest.fixture
def font_setup() -> str:
    """The font setup of a test's phones; journeys parametrize it with ``font_setups()``."""
    return "default"


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


@pytest.fixture
def phone(browsers, font_setup):
    """A new phone-sized browser context factory: ``phone(locale="kk", js=True)``. Every page it
    makes is checked for width on every load (``PageWidths``), under the test's font setup."""
    contexts = []
    widths = PageWidths()
    browser = browsers(font_setup)

    def make(locale: str = "en", js: bool = True):
        context = browser.new_context(
            **PHONE_CONTEXT, locale=locale, java_script_enabled=js, bypass_csp=True
        )
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


def link_in_mail(mailbox, address: str, pattern: str) -> str:
    """The link in the latest mail to ``address``: the job worker sends it within seconds."""
    deadline = time.monotonic() + 15
    while not mailbox.to(address) and time.monotonic() < deadline:
        time.sleep(0.1)
    message = mailbox.last_to(address)
    return next(u for u in mailbox.links(message) if re.search(pattern, u))


def tr(msgid: str, lang: str) -> str:
    """The interface text a person sees for ``msgid`` in ``lang`` (from the compiled catalogs)."""
    if lang == "en":
        return msgid
    from babel.support import Translations

    translations = Translations.load(str(ROOT / "app" / "translations"), [lang])
    return translations.gettext(msgid)


def quiz_answers(module_folder: str) -> dict[str, list[str]]:
    import yaml

    data = yaml.safe_load(
        (ROOT / "courses" / "fact-checking" / module_folder / "quiz.yaml").read_text(
            encoding="utf-8"
        )
    )
    return {q["id"]: q for q in data["questions"]}


def page_weight(page, url: str) -> int:
    """Bytes transferred for ``url`` and everything it loads, from the browser's network log
    (the video itself excepted: it streams only when played)."""
    sizes: list[int] = []

    def on_finished(request):
        response = request.response()
        if response is None or request.resource_type == "media":
            return
        measured = request.sizes()
        sizes.append(measured["responseBodySize"] + measured["responseHeadersSize"])

    page.on("requestfinished", on_finished)
    page.goto(url, wait_until="networkidle")
    page.remove_listener("requestfinished", on_finished)
    return sum(sizes)


LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

# Long, realistic data that a phone layout must hold: a Kazakh double-barrelled name, a claim
# with a long hashtag, and links of 200 characters with no place to break.
LONG_NAME_KK = "Әбдіқаппарова-Нұрсұлтанқызы Гүлжаһан-Айгерім Қайырбекқызы"
LONG_CLAIM_KK = (
    "Алматыда 1 желтоқсаннан бастап студенттерге қоғамдық көлікте тегін жол жүру тоқтатылады, "
    "ал Onay картасындағы жеңілдіктер алдын ала ескертусіз жойылады деген хабарлама WhatsApp "
    "топтарында тарап жүр: #АлматыдаСтуденттергеТегінЖолЖүруТоқтатылады"
)


def long_url(host_and_path: str, n: int = 0) -> str:
    """A realistic 200-character link (tracking parameters, no spaces) to ``host_and_path``."""
    url = (
        f"https://{host_and_path}/{n}?utm_source=whatsapp&utm_medium=forward"
        "&utm_campaign=student_transport_almaty_2027&fbclid="
    )
    assert len(url) < 200
    return url + ("IwAR3xQk9ZbT7hLmN2vYpR5sWcD8fJ0gKuE4aH6iO1tB" * 5)[: 200 - len(url)]


def in_every_language(page, lang: str, check=None) -> None:
    """Switch ``page`` through the other two interface languages with its language switcher and
    back to ``lang``; ``check(code)`` runs in each (the width of every page is checked anyway)."""
    order = [code for code in LANGUAGE_NAMES if code != lang] + [lang]
    for code in order:
        page.get_by_role("button", name=LANGUAGE_NAMES[code]).first.click()
        page.locator(f"html[lang={code}]").wait_for(state="attached")
        page.wait_for_load_state()
        if check is not None:
            check(code)


ADMIN_EMAIL = "admin@example.org"


@pytest.fixture(scope="session")
def admin_account(live_server) -> str:
    """An administrator, made once per session with the CLI (there is no sign-up for admins)."""
    live_server.flask(
        "users", "create", "--email", ADMIN_EMAIL, "--name", "Admin", "--password",
        DEMO_PASSWORD, "--role", "admin", "--locale", "en",
    )  # fmt: skip
    return ADMIN_EMAIL


@pytest.fixture(scope="session")
def journey_state() -> dict:
    """What one journey leaves for a later one (journey 1's certificate for the admin journey)."""
    return {}


def make_reviewer(live_server, email: str, name: str, locale: str = "ru") -> str:
    live_server.flask(
        "users", "create", "--email", email, "--name", name, "--password", DEMO_PASSWORD,
        "--role", "reviewer", "--locale", locale,
    )  # fmt: skip
    return email


def log_in(page, base_url: str, email: str, lang: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(base_url + "/login")
    page.get_by_label(tr("Email", lang)).fill(email)
    page.get_by_label(tr("Password", lang), exact=True).fill(password)
    page.get_by_role("button", name=tr("Log in", lang)).click()
    page.get_by_role("button", name=tr("Log out", lang)).wait_for()


def assign_reviewer_in_ui(admin_page, base_url: str, cohort_name: str, email: str) -> None:
    """As the (logged-in, English) admin: open the group from the admin home, assign ``email``."""
    admin_page.goto(base_url + "/admin/")
    admin_page.get_by_role("link", name=cohort_name, exact=True).first.click()
    admin_page.get_by_label("Reviewer's email address").fill(email)
    admin_page.get_by_role("button", name="Assign", exact=True).click()
    admin_page.get_by_text("now reviews this group").wait_for()


def grade_next(page, base_url: str, lang: str, accept: bool, feedback: str = "") -> str:
    """As a logged-in reviewer: "Review next", fill the rubric, accept or return. Returns the
    heading of the graded submission (student — module)."""
    page.goto(base_url + "/review/")
    page.get_by_role("button", name=tr("Review next", lang)).click()
    page.get_by_role("heading", name=tr("Rubric", lang)).wait_for()
    return grade_open(page, lang, accept, feedback)


def grade_open(page, lang: str, accept: bool, feedback: str = "") -> str:
    """As a reviewer on a claimed submission's page: fill the rubric, check that both decisions
    can be tapped, accept or return. Returns the submission's heading (student — module)."""
    heading = page.get_by_role("heading", level=1).inner_text()
    form = page.locator("form.grade")
    groups = form.get_by_role("group")
    for i in range(groups.count()):
        radios = groups.nth(i).get_by_role("radio")
        (radios.last if accept else radios.first).check()
    if feedback:
        page.get_by_label(tr("Overall feedback", lang)).fill(feedback)
    for label in ("Accept", "Return for revision"):
        assert_tappable(page, page.get_by_role("button", name=tr(label, lang), exact=True))
    label = "Accept" if accept else "Return for revision"
    page.get_by_role("button", name=tr(label, lang), exact=True).click()
    try:
        page.get_by_role("heading", name=tr("Review queue", lang)).wait_for(timeout=5_000)
    except Exception as exc:
        raise AssertionError(page.url + "\n" + page.locator("main").inner_text()[:2000]) from exc
    return heading
