"""Installing Tekser any way but scripts/bootstrap.sh still gives a complete app: the wheel
carries the compiled translations, the templates, the static files and the migrations, and an
installed wheel (or an editable install) serves Kazakh, from any working folder.

The build runs without a network: ``pip wheel --no-build-isolation`` with the setuptools and
Babel already installed (setuptools>=77 is in the ``test`` extra). The scratch environments
reuse the test environment's dependencies through a folder of links to them, leaving out the
checkout's own editable ``tekser``, so ``app`` can only come from what was just installed.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIP = (sys.executable, "-m", "pip", "--disable-pip-version-check")
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])
# What a build does not need (and what must not leak into it: compiled catalogs, old builds).
NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "instance",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.py[co]",
    "*.mo",
    "messages.pot",
    ".ruff_cache",
    ".pytest_cache",
    "tests",
    "interop",
    "bench",
)
KAZAKH = ("Басты бет", "Сертификатты тексеру")  # "Home", "Verify a certificate"
ENGLISH = ("Verify a certificate", ">Home<")


def _backend_missing() -> str | None:
    """Why the wheel cannot be built here without a network, or None."""
    try:
        import babel  # noqa: F401
        import setuptools
    except ImportError as exc:
        return f"the build backend is not installed ({exc.name}); pip install -e '.[test]'"
    if int(setuptools.__version__.split(".")[0]) < 77:
        return (
            f"setuptools {setuptools.__version__} is older than the build needs (>=77); "
            "pip install -e '.[test]' installs it"
        )
    return None


MISSING = _backend_missing()
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


def _run(args: list, *, cwd: Path, env: dict | None = None, timeout: int = 120) -> str:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _clean_env(instance: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "DATABASE_URL", "TEST_DATABASE_URL", "COURSES_DIR")
        and not k.startswith("FLASK_")
    }
    env["TEKSER_INSTANCE_DIR"] = str(instance)
    env["DATABASE_URL"] = f"sqlite:///{instance / 'tekser.sqlite'}"
    return env


def _scratch_env(where: Path) -> Path:
    """A new environment with the test environment's dependencies but no tekser."""
    _run([sys.executable, "-m", "venv", "--without-pip", where], cwd=where.parent)
    deps = where / "deps"
    deps.mkdir()
    for entry in SITE_PACKAGES.iterdir():
        name = entry.name.lower()
        if name in ("app", "config.py") or name.startswith(("tekser", "__editable__")):
            continue  # the checkout's editable install
        if name.endswith(".pth"):
            continue
        (deps / entry.name).symlink_to(entry)
    python = where / "bin" / "python"
    purelib = _run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=where
    ).strip()
    Path(purelib, "_tekser_test_deps.pth").write_text(f"{deps}\n")
    return python


# Run inside the installed environment, from a folder that holds no part of the checkout.
SERVE = textwrap.dedent(
    """
    import json, app
    from flask_migrate import upgrade
    flask_app = app.create_app("development")
    with flask_app.app_context():
        upgrade()
    client = flask_app.test_client()
    kk = client.get("/", headers={"Accept-Language": "kk"})
    default = client.get("/")
    css = client.get("/static/css/tekser.css")
    print(json.dumps({
        "app": app.__file__,
        "templates": flask_app.template_folder,
        "migrations": flask_app.extensions["migrate"].directory,
        "kk": [kk.status_code, kk.get_data(as_text=True)],
        "default": [default.status_code, default.get_data(as_text=True)],
        "css": css.status_code,
    }))
    """
)


def _serve(python: Path, tmp: Path) -> dict:
    run_dir = tmp / "elsewhere"
    run_dir.mkdir(exist_ok=True)
    instance = tmp / "instance"
    out = _run([python, "-c", SERVE], cwd=run_dir, env=_clean_env(instance))
    return json.loads(out.strip().splitlines()[-1])


def _assert_serves_kazakh(result: dict) -> None:
    for status, html in (result["kk"], result["default"]):  # kk is also the default language
        assert status == 200
        assert '<html lang="kk">' in html
        for text in KAZAKH:
            assert text in html
        for text in ENGLISH:
            assert text not in html
    assert result["css"] == 200


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A clean copy of the project: no compiled catalogs, no earlier build."""
    target = tmp_path_factory.mktemp("packaging") / "src"
    shutil.copytree(ROOT, target, ignore=NOT_COPIED, symlinks=True)
    assert not list(target.rglob("*.mo"))
    return target


@pytest.fixture(scope="module")
def wheel(source) -> Path:
    dist = source.parent / "dist"
    _run(
        [*PIP, "wheel", "--no-deps", "--no-index", "--no-build-isolation", "-w", dist, "."],
        cwd=source,
    )
    [built] = dist.glob("tekser-*.whl")
    return built


def test_the_wheel_carries_what_the_app_reads(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())

    for expected in (
        "config.py",
        "app/templates/base.html",
        "app/templates/learning/module.html",
        "app/templates/mail/account_exists.subject.txt",
        "app/static/css/tekser.css",
        "app/migrations/env.py",
        "app/migrations/alembic.ini",
        "app/migrations/script.py.mako",
        "app/migrations/versions/0001_accounts_roles_sessions_audit.py",
        "app/certificates/fonts/NotoSans-Regular.ttf",
        "app/translations/kk/LC_MESSAGES/messages.mo",
        "app/translations/ru/LC_MESSAGES/messages.mo",
    ):
        assert expected in names, expected
    assert not any(n.startswith(("templates/", "migrations/", "tests/")) for n in names)
    assert not any("__pycache__" in n for n in names)


@pytest.mark.parametrize(
    ("lang", "home"), [("kk", "Басты бет"), ("ru", "Главная")], ids=["kk", "ru"]
)
def test_the_wheel_has_the_catalogs_compiled_from_the_sources(wheel, lang, home):
    from babel.messages.mofile import read_mo

    with zipfile.ZipFile(wheel) as archive:
        data = archive.read(f"app/translations/{lang}/LC_MESSAGES/messages.mo")
    catalog = read_mo(io.BytesIO(data))
    assert catalog.get("Home").string == home
    assert len(catalog) > 300


def test_an_installed_wheel_serves_kazakh(wheel, tmp_path):
    python = _scratch_env(tmp_path / "venv")
    _run([*PIP, "--python", python, "install", "--no-deps", "--no-index", wheel], cwd=tmp_path)

    result = _serve(python, tmp_path)

    installed = Path(result["app"]).resolve()
    assert installed.is_relative_to((tmp_path / "venv").resolve()), installed
    assert not installed.is_relative_to(ROOT)
    assert Path(result["templates"]).is_relative_to(installed.parent)
    assert Path(result["migrations"]).is_relative_to(installed.parent)
    _assert_serves_kazakh(result)
    # The database went where the settings said, not into site-packages.
    assert (tmp_path / "instance" / "tekser.sqlite").is_file()


def test_an_editable_install_compiles_the_catalogs_and_works_anywhere(source, tmp_path):
    for mo in source.rglob("*.mo"):  # left by the wheel's build: start from sources only
        mo.unlink()
    python = _scratch_env(tmp_path / "venv")
    _run(
        [
            *PIP,
            "--python",
            python,
            "install",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "-e",
            source,
        ],
        cwd=tmp_path,
    )

    result = _serve(python, tmp_path)

    assert Path(result["app"]).resolve() == (source / "app" / "__init__.py").resolve()
    assert Path(result["templates"]).resolve() == (source / "templates").resolve()
    assert (source / "app/translations/kk/LC_MESSAGES/messages.mo").is_file()
    _assert_serves_kazakh(result)
