"""A fresh extract must find every string translated in the kk and ru catalogs."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
METHODS = [
    ("app/**.py", "python"),
    ("config.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "pgettext": ((1, "c"), 2),
}


def extracted_ids() -> set:
    ids = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT),
        METHODS,
        keywords=KEYWORDS,
        directory_filter=lambda d: Path(d).name not in {".venv", "node_modules", ".git"},
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        ids.add((context, msgid))
    return ids


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_catalog_is_complete(lang):
    path = ROOT / "app" / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f)
    missing, untranslated = [], []
    for context, msgid in sorted(extracted_ids(), key=str):
        message = catalog.get(msgid, context=context)
        if message is None:
            missing.append(msgid)
        elif (
            message.fuzzy
            or not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
        ):
            untranslated.append(msgid)
    assert missing == [], f"run `flask translate update`; missing in {lang}"
    assert untranslated == [], f"untranslated in {lang}"


def test_placeholders_survive_translation():
    for lang in ("kk", "ru"):
        path = ROOT / "app" / "translations" / lang / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as f:
            for message in read_po(f):
                if message.id and message.string and not message.pluralizable:
                    import re

                    wanted = sorted(re.findall(r"%\(\w+\)[sd]", message.id))
                    got = sorted(re.findall(r"%\(\w+\)[sd]", message.string))
                    assert wanted == got, (lang, message.id)
