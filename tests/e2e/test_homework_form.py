"""The homework form on a 360×740 phone: after an error the summary is what the student sees
first, with the focus on it; "Add another link" adds rows in place (no reload) up to ten."""

from __future__ import annotations

import re

import pytest
from PIL import Image

from tests.e2e.conftest import DEMO_PASSWORD, log_in
from tests.e2e.phone import check_accessibility

pytestmark = pytest.mark.e2e
HOMEWORK = "/courses/fact-checking/modules/disinformation/homework"


@pytest.fixture
def student(live_server, tmp_path) -> str:
    email = "forms-phone@example.org"
    live_server.flask(
        "users", "create", "--email", email, "--name", "Phone Student",
        "--password", DEMO_PASSWORD, "--locale", "en",
    )  # fmt: skip
    output = live_server.flask(
        "cohorts", "create", "--course", "fact-checking", "--name", "Forms 2027", "--locale", "en"
    )
    cohort = re.search(r"cohort (\d+)", output).group(1)
    csv = tmp_path / "students.csv"
    csv.write_text(f"name,email,language\nPhone Student,{email},en\n", encoding="utf-8")
    live_server.flask("cohorts", "enrol", cohort, str(csv), "--yes", "--no-invite")
    return email


def test_the_error_summary_is_focused_and_in_view_and_rows_are_added_in_place(
    live_server, phone, student, tmp_path
):
    page = phone(locale="en")
    log_in(page, live_server.url, student, "en")
    page.goto(live_server.url + HOMEWORK)

    # Add rows without a round trip, up to the maximum, then a message instead of the button.
    link_inputs = page.get_by_label("Link", exact=True)
    assert link_inputs.count() == 3
    add = page.get_by_role("button", name="Add another link")
    url_before = page.url
    add.click()
    assert link_inputs.count() == 4 and page.url == url_before
    assert page.evaluate("document.activeElement.id") == "evidence-3-url"
    for _ in range(6):
        add.click()
    assert link_inputs.count() == 10
    assert not add.is_visible()
    assert page.get_by_text("You can add at most 10 evidence links.").is_visible()

    # A wrong link in the tenth row, a good and a bad screenshot: one save.
    page.get_by_label("The claim").fill("A claim typed on a phone")
    link_inputs.nth(9).fill("javascript:alert(1)")
    good = tmp_path / "good.png"
    Image.new("RGB", (360, 640), "red").save(good)
    bad = tmp_path / "notes.png"
    bad.write_text("not an image")
    page.get_by_label("Add screenshots").set_input_files([str(good), str(bad)])
    page.get_by_role("button", name="Save draft").click()

    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    box = summary.bounding_box()
    assert box["y"] >= 0 and box["y"] + min(box["height"], 200) <= 740  # in view at once
    assert "“notes.png” was not attached" in summary.inner_text()
    assert page.get_by_label("Remove screenshot 1").count() == 1  # the good one is attached
    assert page.get_by_label("The claim").input_value() == "A claim typed on a phone"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    check_accessibility(page)

    # The summary's link takes the focus to the field in error.
    summary.get_by_role("link", name=re.compile("Evidence 10, Link")).click()
    assert page.evaluate("document.activeElement.id") == "evidence-9-url"
