"""Build hooks (the project's metadata is in pyproject.toml).

Every way of installing Tekser goes through ``build_py``: ``pip install .``, a wheel, an
editable install. So that each of them serves Kazakh and Russian, not English:

- the translation catalogs are compiled (``.po`` -> ``.mo``) next to their sources, where the
  package data rules pick them up (an editable install reads them there);
- a wheel also carries ``templates/`` and ``migrations/``, which live at the top of the
  repository, inside the package (``app/templates``, ``app/migrations``), where
  ``create_app`` looks first.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
TRANSLATIONS = ROOT / "app" / "translations"
SHIPPED_DIRS = ("templates", "migrations")  # repository folder -> app/<folder> in a wheel


def compile_catalogs() -> list[Path]:
    """Compile every ``app/translations/<lang>/LC_MESSAGES/*.po``, as ``flask translate
    compile`` does (fuzzy entries included); return the ``.mo`` files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.po")):
        locale = po.parent.parent.name
        with po.open("rb") as source:
            catalog = read_po(source, locale=locale)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=True)
        written.append(mo)
    if not written:
        raise RuntimeError(f"no translation catalogs found under {TRANSLATIONS}")
    return written


class BuildPy(build_py):
    def run(self) -> None:
        compile_catalogs()
        self.__dict__.pop("data_files", None)  # found again, now with the .mo files
        super().run()
        if self.editable_mode:  # the checkout's own folders are used in place
            return
        for name in SHIPPED_DIRS:
            target = Path(self.build_lib) / "app" / name
            shutil.rmtree(target, ignore_errors=True)  # nothing stale from an earlier build
            shutil.copytree(
                ROOT / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.py[co]")
            )


setup(cmdclass={"build_py": BuildPy})
