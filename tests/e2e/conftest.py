"""End-to-end fixtures: the real app served by gunicorn on a free loopback port, against a fresh
database, sending mail to the test SMTP sink; Debian's Chromium driven by Playwright at phone
size. Elements are found as a person finds them: by role, label and visible text."""

from __future__ import annotations

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
from tests.e2e.course_copy import journey_course
from tests.e2e.phone import (
    AXE,
    PHONE_CONTEXT,
    PageWidths,
    _fonts_conf,
    assert_tappable,
    font_dirs,
)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
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
        # Its own media folder: no narrated videos from a developer's cache.
        "MEDIA_WORK_DIR": str(tmp / "media"),
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
    server.flask("courses", "import", journey_course(tmp))
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
    account = ["--email", email, "--name", name, "--password", DEMO_PASSWORD, "--locale", locale]
    live_server.flask("users", "create", *account, "--role", "reviewer")
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
    groups = form.locator("fieldset")  # one per criterion (a <details> is a group too)
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
