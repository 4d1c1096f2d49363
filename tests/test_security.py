import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from app import create_app
from config import ProductionConfig, default_base_url
from tests.auth.conftest import PRODUCTION_ENV, signing_key_env
from tests.fixtures.app import ROOT


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert len(response.headers["X-Request-ID"]) == 16


class InlineCode(HTMLParser):
    """Collects what a strict Content-Security-Policy would block: a ``<script>`` with a body
    (or without ``src``), an ``on...=`` event handler, a ``javascript:`` URL."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if re.fullmatch(r"on\w+", name):
                self.found.append(f"<{tag} {name}=...>")
            # Browsers ignore whitespace and control characters inside a URL's scheme.
            if value and re.sub(r"[\s\x00-\x1f]+", "", value).lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self._script = dict(attrs)
            self._body = ""

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data):
        if self._script is not None:
            self._body += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            if not self._script.get("src") or self._body.strip():
                self.found.append(f"<script {self._script}>{self._body.strip()[:60]}</script>")
            self._script = None


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


def test_the_inline_code_check_finds_what_it_looks_for():
    html = (
        '<script>alert(1)</script><script src="/a.js"></script><script></script>'
        '<script src="/b.js">x()</script><a href=" Java&#09;Script:alert(1)">x</a>'
        '<img src=x onerror="alert(1)"><body ONLOAD=go()><form action="javascript:x">'
    )
    assert len(inline_code(html)) == 7
    assert inline_code('<script src="/a.js" defer></script><a href="/on=1">on=</a>') == []


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_code(template):
    assert inline_code(template.read_text("utf-8")) == []


def test_every_template_folder_is_checked():
    assert len(TEMPLATES) > 40 and {p.parent.name for p in TEMPLATES} >= {
        "admin",
        "auth",
        "certificates",
        "homework",
        "learning",
        "review",
        "mail",
    }


PAGES = {
    None: ["/", "/login", "/register", "/forgot-password", "/verify", "/no-such-page"],
    "owner": [
        "/dashboard",
        "/account",
        "/courses/demo/modules/m1",
        "/courses/demo/modules/m1/quiz",
        "/courses/demo/modules/m1/homework",
        "/notifications",
        "/certificates/mine",
    ],
    "reviewer": ["/review/", "/admin/progress"],
    "admin": ["/admin/", "/admin/users", "/admin/audit", "/admin/mail"],
}


@pytest.mark.parametrize("who", list(PAGES), ids=str)
def test_no_inline_script_in_pages(app, login, world, who):
    """Rendered pages as each kind of user sees them: no inline code anywhere."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    if who:
        login(client, world.people[who])
    for url in PAGES[who]:
        response = client.get(url)
        assert response.status_code == (404 if url == "/no-such-page" else 200), url
        assert inline_code(response.get_data(as_text=True)) == [], url


def test_production_refuses_to_start_without_a_real_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError):
        create_app(ProductionConfig)


def test_production_starts_with_a_real_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    for name, value in signing_key_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    app = create_app(
        ProductionConfig,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.db",
        UPLOAD_DIR=str(tmp_path / "u"),
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_errors_are_pages_in_the_visitors_language(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "ru"})
    assert response.status_code == 404
    assert "Страница не найдена" in response.get_data(as_text=True)


def test_500_shows_a_request_id_and_no_trace(app_factory):
    app = app_factory(PROPAGATE_TEST_ERRORS=False)
    from app.policy import public

    @app.route("/boom")
    @public
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret detail" not in html and "Traceback" not in html
    assert response.headers["X-Request-ID"] in html


def test_json_clients_get_json_errors(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["error"]


def _production_env(tmp_path, **changes) -> dict:
    env = {**PRODUCTION_ENV, **signing_key_env(tmp_path), **changes}
    return {name: value for name, value in env.items() if value is not None}


def test_production_refuses_to_start_without_a_signing_key(tmp_path):
    env = _production_env(tmp_path, CERT_SIGNING_KEY_FILE=None)
    with pytest.raises(RuntimeError, match=r"CERT_SIGNING_KEY .*keygen"):
        ProductionConfig.check(env)
    with pytest.raises(RuntimeError, match="cannot be read"):
        ProductionConfig.check({**env, "CERT_SIGNING_KEY_FILE": str(tmp_path / "missing.pem")})
    ProductionConfig.check({**env, "CERT_SIGNING_KEY": "z3u2...secret"})


def test_production_refuses_per_process_rate_limit_counters(tmp_path):
    env = _production_env(tmp_path, RATELIMIT_SINGLE_PROCESS=None)
    with pytest.raises(
        RuntimeError, match=r"RATELIMIT_STORAGE_URI=redis://.*RATELIMIT_SINGLE_PROCESS"
    ):
        ProductionConfig.check(env)
    with pytest.raises(RuntimeError, match="memory://"):
        ProductionConfig.check({**env, "RATELIMIT_STORAGE_URI": "memory://"})
    with pytest.raises(RuntimeError, match="memory://"):
        ProductionConfig.check({**env, "RATELIMIT_SINGLE_PROCESS": "0"})
    ProductionConfig.check({**env, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"})
    ProductionConfig.check({**env, "RATELIMIT_SINGLE_PROCESS": "1"})
    ProductionConfig.check({**env, "RATELIMIT_ENABLED": "false"})  # nothing to count


def test_trusted_hosts_come_from_base_url_and_the_environment(monkeypatch, tmp_path):
    assert ProductionConfig.trusted_hosts("https://tekser.kz/app", []) == ["tekser.kz"]
    assert ProductionConfig.trusted_hosts("https://tekser.kz:8443", ["a.kz", "tekser.kz"]) == [
        "tekser.kz",
        "a.kz",
    ]
    out = subprocess.run(
        [sys.executable, "-c", "from config import Config; print(Config.EXTRA_TRUSTED_HOSTS)"],
        cwd=ROOT,
        env={"TRUSTED_HOSTS": "a.example, b.example,,", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "['a.example', 'b.example']"


def test_development_base_url_follows_the_port(tmp_path):
    assert default_base_url({}) == "http://127.0.0.1:5000"
    assert default_base_url({"PORT": "5077"}) == "http://127.0.0.1:5077"
    assert default_base_url({"PORT": "5077", "BASE_URL": "https://x.kz"}) == "https://x.kz"
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from app import create_app; print(create_app('development').config['BASE_URL'])",
        ],
        cwd=ROOT,
        env={"PORT": "5077", "PATH": "/usr/bin:/bin", "TEKSER_INSTANCE_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().endswith("http://127.0.0.1:5077")
