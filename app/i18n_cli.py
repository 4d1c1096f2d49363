"""``flask translate``: extract, update and compile the kk/ru/en catalogs (wraps pybabel)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
POT = ROOT / "messages.pot"

translate = AppGroup("translate", help="Extract, update and compile the kk/ru/en catalogs.")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)  # noqa: S603


@translate.command("extract")
def extract() -> None:
    """Collect the translatable strings into messages.pot."""
    _pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        "-k",
        "_l",
        "-k",
        "lazy_gettext",
        "--no-location",
        "--sort-output",
        "--omit-header",
        "-o",
        str(POT),
        str(ROOT),
    )


@translate.command("update")
def update() -> None:
    """Extract, then merge new strings into the kk and ru catalogs."""
    extract.callback()
    _pybabel(
        "update",
        "-i",
        str(POT),
        "-d",
        str(TRANSLATIONS),
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )


@translate.command("compile")
def compile_() -> None:
    """Compile the catalogs into .mo files."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--use-fuzzy")


@translate.command("init")
@click.argument("lang")
def init(lang: str) -> None:
    """Start a catalog for a new language."""
    extract.callback()
    _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang)
