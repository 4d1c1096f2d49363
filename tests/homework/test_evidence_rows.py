"""More evidence rows without JavaScript: "Add another link" saves the draft (as a draft, not a
submission) and shows one more empty row, up to a maximum of ten, with a clear message."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext

from app.homework.models import MAX_EVIDENCE
from tests.fixtures.app import post_form
from tests.fixtures.homework import (
    HW,
    enrol,
    fact_check,
    latest_submission,
    page_version,
    post_homework,
    snapshot,
)

ROW_RE = re.compile(r'name="evidence-(\d+)-url"')
AT_MOST = f"You can add at most {MAX_EVIDENCE} evidence links."


def rows(html: str) -> int:
    return len(ROW_RE.findall(html))


def evidence(n: int, start: int = 0) -> dict:
    out = {}
    for i in range(start, start + n):
        out[f"evidence-{i}-url"] = f"https://example.org/source/{i}"
        out[f"evidence-{i}-note"] = f"Source {i}"
    return out


def add_row(client, data: dict):
    """Press "Add another link" (the only button a browser sends is the one pressed)."""
    data = dict(data, version=page_version(client), add_row="x")
    return post_form(client, HW, data, token_from=HW, content_type="multipart/form-data")


@pytest.fixture
def owner(client, login, world):
    login(client, world.owner)
    return world.owner


def test_add_another_link_saves_the_draft_and_shows_one_more_row(app, client, owner, world):
    page = client.get(HW).get_data(as_text=True)
    assert rows(page) == 3 and 'name="add_row"' in page and "formnovalidate" in page
    data = fact_check(verdict=None, reasoning="", **evidence(3))  # incomplete: still a draft

    response = add_row(client, data)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(HW + "?rows=4#evidence-3-url")
    draft = latest_submission(app, owner, world.modules["m1"])
    assert draft.status == "draft" and len(draft.evidence) == 3
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Draft saved." in html
    assert rows(html) == 5  # three filled, then the usual two empty ones
    assert 'id="evidence-3-url"' in html and 'value="https://example.org/source/2"' in html


def test_each_press_adds_a_row(app, client, owner):
    response = add_row(client, fact_check(**evidence(5)))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert rows(html) == 7  # five filled + two empty
    data = fact_check(**evidence(5))
    data.update({f"evidence-{i}-url": "" for i in (5, 6)})
    response = add_row(client, data)
    assert response.headers["Location"].endswith("?rows=8#evidence-5-url")
    assert rows(client.get(response.headers["Location"]).get_data(as_text=True)) == 8


def test_the_rows_parameter_is_only_a_display_hint(client, owner):
    assert post_homework(client, fact_check()).status_code == 302
    for raw, expected in [("abc", 4), ("-3", 4), ("99999999999", 4), ("50", MAX_EVIDENCE)]:
        response = client.get(HW, query_string={"rows": raw})
        assert response.status_code == 200
        assert rows(response.get_data(as_text=True)) == expected, raw


def test_at_the_maximum_the_button_goes_and_a_message_says_why(app, client, owner, world):
    response = add_row(client, fact_check(**evidence(MAX_EVIDENCE)))

    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert rows(html) == MAX_EVIDENCE
    assert 'name="add_row"' not in html
    assert AT_MOST in html and "data-max-message hidden" not in html
    assert len(latest_submission(app, owner, world.modules["m1"]).evidence) == MAX_EVIDENCE


def test_below_the_maximum_the_message_waits_hidden(client, owner):
    html = client.get(HW).get_data(as_text=True)
    assert "data-max-message hidden" in html and 'data-max="10"' in html


def test_more_rows_than_the_maximum_are_refused_not_dropped(app, client, owner):
    before = snapshot(app)
    response = post_homework(client, fact_check(**evidence(MAX_EVIDENCE + 1)))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert AT_MOST in html and 'href="#evidence-0-url"' in html
    assert snapshot(app) == before


def test_add_another_link_with_an_error_shows_the_error_and_the_row(app, client, owner):
    before = snapshot(app)
    response = add_row(client, fact_check(claim_url="javascript:x", **evidence(3)))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert rows(html) == 4 and 'href="#claim_url"' in html
    assert snapshot(app) == before


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_row_messages_are_translated(app, client, login, make_user, world, lang):
    student = make_user(locale=lang)
    enrol(app, student, world.cohort_a)
    login(client, student)
    with app.test_request_context(), force_locale(lang):
        button = gettext("Add another link")
        at_most = gettext("You can add at most %(n)d evidence links.", n=MAX_EVIDENCE)
    assert button != "Add another link" and at_most != AT_MOST
    html = client.get(HW).get_data(as_text=True)
    assert button in html and at_most in html
