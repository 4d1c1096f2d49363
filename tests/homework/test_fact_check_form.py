"""``FactCheckForm`` turns a post into the services' ``FactCheck`` and shows an attempt back."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from app.homework.forms import FactCheckForm
from app.homework.models import MAX_EVIDENCE, Evidence, Submission, Verdict
from app.homework.services import FactCheck


def posted(app, data: dict) -> FactCheckForm:
    """The form as the route sees a POST of ``data`` (validated; no CSRF token needed)."""
    with app.test_request_context("/", method="POST", data=MultiDict(data)):
        form = FactCheckForm(meta={"csrf": False})
        form.validate()
        return form


def shown(app, submission: Submission | None, rows: int = 0) -> FactCheckForm:
    with app.test_request_context("/"):
        form = FactCheckForm(meta={"csrf": False})
        form.fill_from(submission, rows=rows)
        return form


def attempt(links: int = 1, **fields) -> Submission:
    values = dict(
        claim="Тұз вакцинаны жояды",
        claim_url="https://example.org/post",
        platform="Telegram",
        verdict=Verdict.FALSE,
        method="Reverse image search",
        reasoning="The photo is from 2015.",
        version=4,
    )
    values.update(fields)
    sub = Submission(**values)
    sub.evidence = [
        Evidence(position=n, url=f"https://source.kz/{n}", note=f"Source {n}")
        for n in range(1, links + 1)
    ]
    return sub


def test_to_fact_check_cleans_what_was_typed(app):
    form = posted(
        app,
        {
            "claim": "  Тұз вакцинаны жояды \n",
            "claim_url": "HTTPS://example.org/post",
            "platform": "   ",
            "verdict": "misleading",
            "method": " Ғаламтордан іздеу ",
            "reasoning": "\tБекітілмеген\n",
            "evidence-0-url": "https://a.kz/1",
            "evidence-0-note": "  first  ",
            "evidence-1-url": "",
            "evidence-1-note": "",
            "evidence-2-url": "http://b.ru/2",
        },
    )
    assert form.errors == {}

    data = form.to_fact_check()

    assert data == FactCheck(
        claim="Тұз вакцинаны жояды",
        claim_url="https://example.org/post",  # the scheme lower-cased by the form
        platform=None,  # nothing but spaces
        verdict=Verdict.MISLEADING,
        method="Ғаламтордан іздеу",
        reasoning="Бекітілмеген",
        evidence=[("https://a.kz/1", "first"), ("http://b.ru/2", "")],  # rows without a link out
    )


def test_to_fact_check_of_an_empty_form_is_an_empty_draft(app):
    assert posted(app, {}).to_fact_check() == FactCheck()


def test_fill_from_an_attempt_shows_it_with_empty_rows_after_its_links(app):
    form = shown(app, attempt(links=2))

    assert form.version.data == 4
    assert (form.claim.data, form.claim_url.data, form.platform.data) == (
        "Тұз вакцинаны жояды",
        "https://example.org/post",
        "Telegram",
    )
    assert (form.verdict.data, form.method.data, form.reasoning.data) == (
        "false",
        "Reverse image search",
        "The photo is from 2015.",
    )
    rows = [(e.url.data, e.note.data) for e in form.evidence]
    assert rows == [
        ("https://source.kz/1", "Source 1"),
        ("https://source.kz/2", "Source 2"),
        ("", ""),
        ("", ""),
    ]


@pytest.mark.parametrize(
    ("links", "rows", "expected"),
    [(0, 0, 3), (1, 0, 3), (3, 0, 5), (1, 6, 6), (MAX_EVIDENCE, 0, MAX_EVIDENCE)],
)
def test_fill_from_shows_at_least_three_rows_and_at_most_the_limit(app, links, rows, expected):
    assert len(shown(app, attempt(links=links), rows=rows).evidence.entries) == expected


def test_fill_from_nothing_is_a_blank_first_draft_without_a_version(app):
    form = shown(app, None)
    assert form.version.data == ""
    assert (form.claim.data, form.verdict.data, form.method.data, form.reasoning.data) == (
        "",
        None,
        "",
        "",
    )
    assert [(e.url.data, e.note.data) for e in form.evidence] == [("", "")] * 3


def test_an_attempt_shown_and_sent_back_unchanged_is_the_same_fact_check(app):
    original = attempt(links=2)
    form = shown(app, original)
    data = {"version": str(form.version.data)}
    for f in form:
        if f.type == "FieldList":
            for entry in f.entries:
                data.update({sub.name: sub.data for sub in entry.form})
        elif f.type in ("TextAreaField", "StringField", "URLField", "RadioField") and f.data:
            data[f.name] = f.data

    again = posted(app, data)

    assert again.errors == {}
    assert again.to_fact_check() == FactCheck(
        claim=original.claim,
        claim_url=original.claim_url,
        platform=original.platform,
        verdict=original.verdict,
        method=original.method,
        reasoning=original.reasoning,
        evidence=[(e.url, e.note) for e in original.evidence],
    )
    assert again.loaded_version() == 4


@pytest.mark.parametrize(
    ("raw", "version"), [("7", 7), ("", 0), ("abc", 0), ("-1", 0), ("²", 0), ("9" * 40, 0)]
)
def test_loaded_version_is_a_plain_number_or_zero(app, raw, version):
    assert posted(app, {"version": raw}).loaded_version() == version
