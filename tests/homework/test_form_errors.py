"""A fact-check form with errors, as a student on a phone meets it: the error summary comes
first and links to each field; screenshots that passed the checks are kept with the draft (so
nobody chooses them twice) while nothing the student typed is written; refused files are named
with the reason, in the student's language."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext

from app.homework.models import Screenshot
from tests.fixtures.homework import (
    HW,
    count,
    enrol,
    fact_check,
    latest_submission,
    page_version,
    post_homework,
    snapshot,
    uploaded,
)
from tests.fixtures.images import png

HTML = b"<!doctype html><script>alert(1)</script>"
NOT_AN_IMAGE = "Only PNG, JPEG and WebP images can be uploaded."
SUMMARY_RE = re.compile(r'<div class="error-summary".*?</div>', re.S)


def summary(html: str) -> str:
    found = SUMMARY_RE.search(html)
    assert found, "no error summary"
    return found.group(0)


@pytest.fixture
def owner(client, login, world):
    login(client, world.owner)
    return world.owner


def test_the_summary_comes_before_the_brief_and_links_to_each_field(client, owner):
    response = post_homework(
        client,
        fact_check(
            claim_url="javascript:alert(1)",
            verdict="pants-on-fire",
            **{"evidence-1-url": "ftp://example.org/x"},
        ),
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    box = summary(html)
    # First thing in the page's content: before the heading, the brief and the form.
    assert html.index(box) < html.index("<h1>") < html.index("Homework brief")
    assert html.index("Homework brief") < html.index('enctype="multipart/form-data"')
    assert 'tabindex="-1"' in box and "autofocus" in box and 'role="alert"' in box
    links = re.findall(r'<a href="#([^"]+)">([^<]*)</a>', box)
    assert [target for target, _text in links] == ["claim_url", "verdict-0", "evidence-1-url"]
    # Every link points at an element the page has.
    for target, _text in links:
        assert f'id="{target}"' in html
    assert links[0][1].startswith("Where you saw it (link): Enter a full web address")
    assert links[2][1].startswith("Evidence 2, Link: ")
    # The brief is folded away so the form follows the summary closely.
    assert "<details open" not in html


def test_no_summary_on_a_fresh_page(client, owner):
    html = client.get(HW).get_data(as_text=True)
    assert "error-summary" not in html.replace("homework-form.js", "")
    assert "<details open" in html  # the brief is open for a first attempt


def test_the_page_loads_the_form_script_from_the_site(client, owner):
    html = client.get(HW).get_data(as_text=True)
    assert re.search(
        r'<script src="/static/js/homework-form\.js\?v=[0-9a-f]{10}" defer></script>', html
    )
    assert "<script>" not in html  # CSP: script-src 'self', nothing inline
    assert client.get("/static/js/homework-form.js").status_code == 200


def test_a_good_screenshot_is_kept_when_a_field_is_wrong(app, client, owner, world):
    before = snapshot(app)

    response = post_homework(
        client,
        fact_check(claim="Typed, not saved", claim_url="javascript:alert(1)"),
        shots=[(png(), "good.png"), (HTML, "bad <b>name<b>.png")],
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    box = summary(html)
    assert "“bad &lt;b&gt;name&lt;b&gt;.png” was not attached: " + NOT_AN_IMAGE in box
    assert "<b>name" not in html
    assert "1 screenshot was attached to your draft" in box
    assert "good.png" not in box  # only refused files are named
    # The draft exists with the screenshot and nothing that was typed.
    draft = latest_submission(app, owner, world.modules["m1"])
    assert draft.claim == "" and draft.claim_url is None and draft.evidence == []
    assert [(s.position, s.format) for s in draft.screenshots] == [(1, "png")]
    assert len(uploaded(app)) == 1
    assert "Remove screenshot 1" in html and "Attached to your draft:" in html
    assert "Typed, not saved" in html  # still in the form, to correct and save
    assert snapshot(app)["evidence"] == before["evidence"]
    # The page carries the draft's new version: fixing the error and saving just works.
    version = re.search(r'name="version"[^>]*value="(\d+)"', html).group(1)
    assert version == str(draft.version)
    fixed = post_homework(client, fact_check(claim="Fixed"), version=version)
    assert fixed.status_code == 302
    saved = latest_submission(app, owner, world.modules["m1"])
    assert saved.claim == "Fixed" and len(saved.screenshots) == 1


@pytest.mark.parametrize("submit", [False, True], ids=["save", "submit"])
def test_an_error_writes_no_text_and_undoes_no_removal(app, client, owner, world, submit):
    assert post_homework(client, fact_check(), shots=[(png(), "first.png")]).status_code == 302
    draft = latest_submission(app, owner, world.modules["m1"])
    first = draft.screenshots[0]
    before_files = uploaded(app)

    # Submitting with the reasoning missing: the form is fine, the submission is not.
    response = post_homework(
        client,
        fact_check(claim="Changed claim", reasoning="" if submit else "x", remove=str(first.id))
        | ({} if submit else {"claim_url": "javascript:x"}),
        shots=[(png(color=(0, 200, 0)), "second.png")],
        submit=submit,
    )

    assert response.status_code == 422
    after = latest_submission(app, owner, world.modules["m1"])
    assert after.status == draft.status and after.claim == draft.claim
    assert [(e.url, e.note) for e in after.evidence] == [(e.url, e.note) for e in draft.evidence]
    # The removal was not made (it was part of the refused change); the new file was kept.
    assert [s.id for s in after.screenshots][:1] == [first.id]
    assert len(after.screenshots) == 2
    assert before_files < uploaded(app) and len(uploaded(app)) == 2
    html = response.get_data(as_text=True)
    assert f'id="remove-{first.id}" name="remove" value="{first.id}" checked' in html


def test_only_as_many_as_fit_are_kept_and_the_rest_are_named(app, client, owner, world):
    shots = [(png(color=(i * 40, 0, 0)), f"s{i}.png") for i in range(7)]

    response = post_homework(client, fact_check(claim_url="javascript:x"), shots=shots)

    assert response.status_code == 422
    box = summary(response.get_data(as_text=True))
    assert "“s5.png” was not attached: There is no room for it: at most 5 screenshots." in box
    assert "“s6.png” was not attached" in box and "“s4.png”" not in box
    draft = latest_submission(app, owner, world.modules["m1"])
    assert len(draft.screenshots) == 5 and len(uploaded(app)) == 5


def test_a_valid_form_with_a_refused_file_keeps_the_good_file_only(app, client, owner, world):
    assert post_homework(client, fact_check(claim="Saved before")).status_code == 302

    response = post_homework(
        client,
        fact_check(claim="Typed now"),
        shots=[(HTML, "notes.png"), (png(), "good.png")],
        submit=True,
    )

    assert response.status_code == 422
    assert "“notes.png” was not attached" in summary(response.get_data(as_text=True))
    draft = latest_submission(app, owner, world.modules["m1"])
    assert draft.status == "draft" and draft.claim == "Saved before"
    assert len(draft.screenshots) == 1


def test_a_long_file_name_is_shortened_and_can_wrap(app, client, owner):
    name = "скриншот-" + "ә" * 300 + ".png"
    response = post_homework(client, fact_check(), shots=[(HTML, name)])
    box = summary(response.get_data(as_text=True))
    assert "“скриншот-" + "ә" * 110 + "…” was not attached" in box
    assert ".error-summary" in client.get("/static/css/tekser.css").get_data(as_text=True)


def test_nothing_at_all_is_written_when_no_file_passes(app, client, owner):
    before, files_before = snapshot(app), uploaded(app)
    response = post_homework(client, fact_check(claim_url="javascript:x"), shots=[(HTML, "a.png")])
    assert response.status_code == 422
    assert snapshot(app) == before and uploaded(app) == files_before
    assert count(app, Screenshot) == 0


def test_a_draft_changed_in_another_window_keeps_nothing(app, client, owner, world):
    assert post_homework(client, fact_check()).status_code == 302
    stale = page_version(client)
    assert post_homework(client, fact_check(claim="Other window")).status_code == 302
    before, files_before = snapshot(app), uploaded(app)

    response = post_homework(
        client, fact_check(claim_url="javascript:x"), shots=[(png(), "a.png")], version=stale
    )

    assert response.status_code == 409
    assert snapshot(app) == before and uploaded(app) == files_before


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_the_summary_speaks_the_students_language(app, client, login, make_user, world, lang):
    student = make_user(locale=lang)
    enrol(app, student, world.cohort_a)
    login(client, student)
    with app.test_request_context(), force_locale(lang):
        title = gettext("There is a problem")
        refused = gettext(
            "“%(name)s” was not attached: %(reason)s", name="x.png", reason=gettext(NOT_AN_IMAGE)
        )
        kept = gettext("Nothing else has been saved yet: correct the above, then save again.")
    if lang != "en":
        assert title != "There is a problem" and kept.isascii() is False

    response = post_homework(
        client,
        fact_check(claim_url="javascript:x"),
        shots=[(HTML, "x.png"), (png(), "y.png")],
    )

    box = summary(response.get_data(as_text=True))
    for text in (title, refused, kept):
        assert text.replace("“", "&#8220;") in box or text in box
