"""Bad input to the fact-check form: each case gets a clear message, and leaves the database and
the upload folder exactly as they were."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from app.homework.models import CLAIM_MAX, NOTE_MAX, PLATFORM_MAX, REASONING_MAX
from tests.fixtures.homework import (
    HW,
    fact_check,
    latest_submission,
    post_homework,
    snapshot,
    uploaded,
)
from tests.fixtures.images import jpeg, png, png_declaring

BAD_URL = "Enter a full web address starting with http:// or https://."
NOT_AN_IMAGE = "Only PNG, JPEG and WebP images can be uploaded."
TOO_MANY_PIXELS = "The image is too large in pixels."
BAD_NAME = "The file name is not allowed."


def too_long(limit: int) -> str:
    return f"This text is too long (at most {limit} characters)."


HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'

# (form changes, screenshots, the message that must be shown)
CASES = {
    "javascript-url": ({"claim_url": "javascript:alert(1)"}, [], BAD_URL),
    "data-url": ({"evidence-0-url": "data:text/html,<script>alert(1)</script>"}, [], BAD_URL),
    "mixed-case-scheme": ({"evidence-1-url": "JaVaScRiPt:alert(1)"}, [], BAD_URL),
    "leading-spaces": ({"claim_url": "   javascript:alert(1)"}, [], BAD_URL),
    "tab-in-scheme": ({"evidence-0-url": "java\tscript:alert(1)"}, [], BAD_URL),
    "credentials": ({"evidence-0-url": "http://user:pass@example.com/"}, [], BAD_URL),
    "no-host": ({"claim_url": "https:/example.com"}, [], BAD_URL),
    "overlong-claim": ({"claim": "x" * (CLAIM_MAX + 1)}, [], too_long(CLAIM_MAX)),
    "overlong-reasoning": ({"reasoning": "y" * (REASONING_MAX + 1)}, [], too_long(REASONING_MAX)),
    "overlong-note": ({"evidence-0-note": "z" * (NOTE_MAX + 1)}, [], too_long(NOTE_MAX)),
    "overlong-platform": ({"platform": "p" * (PLATFORM_MAX + 1)}, [], too_long(PLATFORM_MAX)),
    "control-characters": ({"claim": "bell\x07"}, [], "The text contains control characters."),
    "unknown-verdict": ({"verdict": "pants-on-fire"}, [], "Not a valid choice"),
    "html-renamed-png": ({}, [(HTML, "shot.png")], NOT_AN_IMAGE),
    "svg-renamed-png": ({}, [(SVG, "shot.png")], NOT_AN_IMAGE),
    "polyglot": ({}, [(b"<html><!--" + png(), "shot.png")], NOT_AN_IMAGE),
    "bomb": ({}, [(png_declaring(30_000, 30_000), "bomb.png")], TOO_MANY_PIXELS),
    "path-trick": ({}, [(png(), "../../etc/passwd.png")], BAD_NAME),
    # Doubled: the multipart parser unescapes the quoted name to ..\..\boot.jpg.
    "backslash-path-trick": ({}, [(jpeg(), "..\\\\..\\\\boot.jpg")], BAD_NAME),
}


@pytest.fixture
def draft(app, client, login, world):
    """The owner, signed in, with a draft holding one screenshot."""
    login(client, world.owner)
    assert post_homework(client, fact_check(), shots=[(png(), "first.png")]).status_code == 302
    return latest_submission(app, world.owner, world.modules["m1"])


@pytest.mark.parametrize("submit", [False, True], ids=["save", "submit"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gets_a_message_and_changes_nothing(app, client, draft, case, submit):
    changes, shots, message = CASES[case]
    before, files_before = snapshot(app), uploaded(app)

    response = post_homework(client, fact_check(**changes), shots=shots, submit=submit)

    assert response.status_code in (400, 422), case
    assert message in response.get_data(as_text=True), case
    assert snapshot(app) == before, case
    assert uploaded(app) == files_before, case


@pytest.mark.parametrize("case", ["html-renamed-png", "bomb", "path-trick"])
def test_a_refused_first_save_leaves_no_row_and_no_file(app, client, login, world, case):
    login(client, world.owner)
    changes, shots, message = CASES[case]
    before = snapshot(app)

    response = post_homework(client, fact_check(**changes), shots=shots)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert snapshot(app) == before
    assert uploaded(app) == set()


def test_the_page_keeps_what_was_typed_after_an_error(client, draft):
    response = post_homework(client, fact_check(claim="Kept text", claim_url="javascript:x"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Kept text" in html and "There is a problem" in html


def test_a_missing_csrf_token_changes_nothing(app, client, draft):
    before = snapshot(app)
    data = fact_check(claim="No token", version=str(draft.version), save="x")
    response = client.post(HW, data=data)
    assert response.status_code in (400, 422)
    assert snapshot(app) == before


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_messages_are_in_the_students_language(app, client, login, make_user, world, lang):
    from flask_babel import force_locale, gettext

    from tests.fixtures.homework import enrol

    with app.test_request_context(), force_locale(lang):
        expected = [gettext(BAD_URL), gettext("There is a problem")]
    student = make_user(locale=lang)
    enrol(app, student, world.cohort_a)
    login(client, student)
    before = snapshot(app)

    response = post_homework(client, fact_check(claim_url="javascript:alert(1)"))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert all(message in html for message in expected)
    assert snapshot(app) == before


def test_urls_are_normalised_not_just_checked(app, client, draft):
    response = post_homework(client, fact_check(claim_url="  HTTPS://Example.com/a  "))
    assert response.status_code == 302
    assert latest_submission(app, draft_owner(draft), draft.module_id).claim_url == (
        "https://Example.com/a"
    )


def draft_owner(draft):
    class Owner:
        id = draft.user_id

    return Owner


def test_a_removal_with_a_refused_upload_keeps_the_file(app, client, draft):
    before, files_before = snapshot(app), uploaded(app)
    shot = draft.screenshots[0]

    response = post_homework(client, fact_check(remove=str(shot.id)), shots=[(SVG, "x.png")])

    assert response.status_code == 422
    assert NOT_AN_IMAGE in response.get_data(as_text=True)
    assert snapshot(app) == before and uploaded(app) == files_before


def test_a_file_over_the_size_limit_is_refused(app, client, draft):
    app.config["UPLOAD_MAX_BYTES"] = 1000
    noisy = io.BytesIO()
    Image.effect_noise((200, 200), 80).convert("RGB").save(noisy, "PNG")
    assert len(noisy.getvalue()) > 1000
    before, files_before = snapshot(app), uploaded(app)

    response = post_homework(client, fact_check(), shots=[(noisy.getvalue(), "big.png")])

    assert response.status_code == 422
    assert "The file is larger than 1 MB." in response.get_data(as_text=True)
    assert snapshot(app) == before and uploaded(app) == files_before


def test_a_request_over_the_content_length_limit_is_refused(app, client, draft):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    before, files_before = snapshot(app), uploaded(app)
    response = post_homework(client, fact_check(), shots=[(b"\x89PNG" + b"\0" * 20_000, "a.png")])
    assert response.status_code == 413
    assert snapshot(app) == before and uploaded(app) == files_before


def test_a_crash_after_the_upload_leaves_no_file_and_no_row(app, client, login, world, monkeypatch):
    from app.homework import services

    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    app.config["PROPAGATE_TEST_ERRORS"] = False
    monkeypatch.setattr(services, "submit", crash)
    login(client, world.owner)
    before = snapshot(app)

    response = post_homework(client, fact_check(), shots=[(png(), "a.png")], submit=True)

    assert response.status_code == 500
    assert snapshot(app) == before
    assert uploaded(app) == set()
