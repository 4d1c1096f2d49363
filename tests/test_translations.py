"""A fresh extract must find every string translated in the kk and ru catalogs: singular and
plural messages alike, every plural form filled, and every placeholder kept."""

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("kk", "ru")
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
PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sdfr]")


def extracted() -> dict[tuple, object]:
    """(context, first msgid) -> the message as extracted (a str, or a tuple if plural)."""
    found = {}
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT),
        METHODS,
        keywords=KEYWORDS,
        directory_filter=lambda d: Path(d).name not in {".venv", "node_modules", ".git"},
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found[(context, msgid)] = message
    return found


def catalog(lang: str) -> Catalog:
    with (ROOT / "app" / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


def problems(cat: Catalog, wanted: dict[tuple, object]) -> dict[str, list]:
    """What is missing, untranslated or broken in ``cat`` for the ``wanted`` messages."""
    found = {"missing": [], "untranslated": [], "not plural": [], "plural forms": []}
    for (context, msgid), source in sorted(wanted.items(), key=str):
        message = cat.get(msgid, context=context)
        if message is None:
            found["missing"].append(msgid)
        elif message.fuzzy or not message.string:
            found["untranslated"].append(msgid)
        elif isinstance(source, tuple) and not message.pluralizable:
            found["not plural"].append(msgid)
        elif message.pluralizable:
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            if len(forms) != cat.num_plurals or not all(form.strip() for form in forms):
                found["plural forms"].append((msgid, len(forms), cat.num_plurals))
    return {kind: items for kind, items in found.items() if items}


def placeholder_problems(cat: Catalog) -> list[tuple]:
    """Messages whose translation (each plural form) lost or invented a placeholder."""
    bad = []
    for message in cat:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.pluralizable:
            # Every form names the number and whatever else either source form names.
            wanted = set().union(*(PLACEHOLDER_RE.findall(i) for i in ids))
            bad += [(ids[0], f) for f in forms if f and set(PLACEHOLDER_RE.findall(f)) != wanted]
        elif sorted(PLACEHOLDER_RE.findall(ids[0])) != sorted(PLACEHOLDER_RE.findall(forms[0])):
            bad.append((ids[0], forms[0]))
    return bad


@pytest.fixture(scope="module")
def wanted():
    return extracted()


def test_the_extract_finds_plural_messages(wanted):
    """The checks below cover plurals only if the extract yields them."""
    assert any(isinstance(message, tuple) for message in wanted.values())


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_is_complete(lang, wanted):
    assert problems(catalog(lang), wanted) == {}, f"run `flask translate update`, translate {lang}"


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_survive_translation(lang):
    assert placeholder_problems(catalog(lang)) == []


def test_the_checks_catch_a_missing_plural_form_and_a_lost_placeholder():
    cat = Catalog(locale="ru")
    assert cat.num_plurals == 3
    source = ("%(num)d file", "%(num)d files")
    cat.add(source, ("%(num)d файл", "%(num)d файла", ""))
    cat.add(("%(num)d day", "%(num)d days"), ("один день", "%(num)d дня", "%(num)d дней"))
    cat.add("Hello %(name)s", "Привет")
    wanted = {(None, source[0]): source, (None, "Gone"): "Gone"}
    assert problems(cat, wanted) == {
        "missing": ["Gone"],
        "plural forms": [("%(num)d file", 3, 3)],
    }
    assert placeholder_problems(cat) == [
        ("%(num)d day", "один день"),
        ("Hello %(name)s", "Привет"),
    ]
