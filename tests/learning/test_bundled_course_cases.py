"""The bundled course's lessons each end with one real, dated, linked regional fact-check."""

from __future__ import annotations

import re

import pytest

from tests.fixtures.app import ROOT

COURSE = ROOT / "courses" / "fact-checking"
MODULES = sorted(p.name for p in COURSE.iterdir() if p.is_dir())
HEADING = {
    "en": "## A real case from the region",
    "ru": "## Реальный случай из региона",
    "kk": "## Өңірден нақты мысал",
}
LABEL = {"en": "*A real case: ", "ru": "*Реальный случай: ", "kk": "*Нақты оқиға: "}
LINK = re.compile(r"\]\((https://[^)\s]+)\)")


def real_case(module: str, lang: str) -> str:
    """The text of the lesson's real-case section, up to the next heading of its level."""
    lesson = (COURSE / module / f"lesson.{lang}.md").read_text(encoding="utf-8")
    assert lesson.count(HEADING[lang] + "\n") == 1, f"{module} {lang}: one real-case section"
    section = lesson.split(HEADING[lang] + "\n", 1)[1]
    return section.split("\n## ", 1)[0].strip()


def test_every_module_is_covered():
    assert len(MODULES) == 6


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("lang", sorted(HEADING))
def test_the_case_is_labelled_real_dated_and_linked(module, lang):
    section = real_case(module, lang)
    label, _, body = section.partition("\n\n")
    assert label.startswith(LABEL[lang]) and label.endswith("*"), label
    assert re.search(r"\b20\d\d\b", label), f"{module} {lang}: the label dates the case"
    assert LINK.search(body), f"{module} {lang}: the case links its source"
    assert "**" in body, f"{module} {lang}: the case states a verdict on the course's scale"


@pytest.mark.parametrize("module", MODULES)
def test_the_three_languages_cite_the_same_sources(module):
    links = {lang: LINK.findall(real_case(module, lang)) for lang in HEADING}
    assert links["kk"] == links["ru"] == links["en"]
