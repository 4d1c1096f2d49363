"""Journey: teaching a group on a 360 px phone. The admin marks homework for double marking;
two reviewers grade one blind and disagree (the second never sees the first grade); the admin
compares the two grades and settles. The admin then posts
an announcement in Kazakh only, which a Russian-speaking student reads with the notice."""

from __future__ import annotations

import re
import secrets

import pytest

from tests.e2e.conftest import DEMO_PASSWORD, grade_next, grade_open, log_in, make_reviewer, tr
from tests.e2e.phone import check_accessibility

pytestmark = pytest.mark.e2e
RU = "ru"


def test_double_marking_and_an_announcement(live_server, phone, admin_account, tmp_path):
    out = live_server.flask(
        "seed", "--students", "12", "--reviewers", "0", "--name", "Тараз 2027",
        "--random-seed", "11",
    )  # fmt: skip
    cohort_id = int(re.search(r"cohort (\d+)", out).group(1))
    # Addresses of its own: the journeys share one live server and database.
    tag = secrets.token_hex(3)
    first = make_reviewer(live_server, f"first.{tag}@example.org", "Первый Проверяющий", RU)
    second = make_reviewer(live_server, f"second.{tag}@example.org", "Второй Проверяющий", RU)
    student = f"dana.{tag}@example.org"
    live_server.flask(
        "users", "create", "--email", student, "--name", "Дана Ахметова", "--password",
        DEMO_PASSWORD, "--role", "student", "--locale", RU,
    )  # fmt: skip
    roster = tmp_path / "roster.csv"
    roster.write_text(f"name,email\nДана Ахметова,{student}\n", encoding="utf-8")
    live_server.flask("cohorts", "enrol", str(cohort_id), str(roster), "--yes", "--no-invite")

    admin = phone(locale="en")
    log_in(admin, live_server.url, admin_account, "en")
    for email in (first, second):
        admin.goto(f"{live_server.url}/admin/cohorts/{cohort_id}")
        admin.get_by_label("Reviewer's email address").fill(email)
        admin.get_by_role("button", name="Assign", exact=True).click()
        admin.get_by_text("now reviews this group").wait_for()

    # Mark everything waiting (100 %), with a seed kept in the audit log.
    admin.goto(f"{live_server.url}/admin/cohorts/{cohort_id}/dashboard")
    admin.get_by_role("link", name="Reviewer agreement").click()
    check_accessibility(admin)
    admin.get_by_label("Share to double-mark (%)").fill("100")
    admin.get_by_label("Seed (optional)").fill("e2e")
    admin.get_by_role("button", name="Mark for double marking").click()
    admin.get_by_text("marked for double marking").wait_for()

    # The first reviewer accepts; the grade is held back.
    one = phone(locale=RU)
    log_in(one, live_server.url, first, RU)
    heading = grade_next(one, live_server.url, RU, accept=True, feedback="Принято первым.")
    one.get_by_text(tr("Your grade is recorded. This homework is double-marked: the student will "
                       "see the outcome when both grades are in.", RU)).wait_for()  # fmt: skip
    # The second reviewer gets the same homework next (the oldest waiting), without the first
    # grade, and returns it.
    two = phone(locale=RU)
    log_in(two, live_server.url, second, RU)
    two.goto(live_server.url + "/review/")
    two.get_by_role("button", name=tr("Review next", RU)).click()
    two.get_by_role("heading", name=tr("Rubric", RU)).wait_for()
    assert two.get_by_role("heading", level=1).inner_text() == heading
    assert "Принято первым." not in two.content()
    grade_open(two, RU, accept=False, feedback="Нужно доработать.")

    # The admin compares and settles: the second grade stands.
    admin.goto(f"{live_server.url}/admin/cohorts/{cohort_id}/agreement")
    admin.get_by_role("link", name="Compare and settle").first.click()
    admin.get_by_role("table", name="The two grades, side by side").wait_for()
    assert "Принято первым." in admin.content() and "Нужно доработать." in admin.content()
    check_accessibility(admin)
    admin.get_by_label("Second grade").check()
    admin.get_by_role("button", name="Settle and publish").click()
    admin.get_by_text("Published. The student has been notified of the outcome.").wait_for()
    admin.get_by_role("table", name="Agreement per rubric criterion").wait_for()

    # An announcement in Kazakh only.
    admin.goto(f"{live_server.url}/admin/cohorts/{cohort_id}/announcements")
    admin.get_by_role("link", name="New announcement").click()
    check_accessibility(admin)
    admin.get_by_label("Title (Kazakh)").fill("Ертең вебинар")
    admin.get_by_label("Text (Kazakh, Markdown)").fill("Сағат **19:00**-де кездесеміз.")
    admin.get_by_role("button", name="Publish").click()
    admin.get_by_text("Announcement published.").wait_for()
    check_accessibility(admin)

    # Students at risk: the seeded group has some; the list reads as cards on a phone.
    admin.goto(f"{live_server.url}/admin/cohorts/{cohort_id}/at-risk?days=1")
    admin.get_by_role("heading", name="Students at risk", exact=False).first.wait_for()
    check_accessibility(admin)

    reader = phone(locale=RU)
    log_in(reader, live_server.url, student, RU)
    reader.goto(live_server.url + "/dashboard")
    reader.get_by_role("heading", name="Ертең вебинар").first.wait_for()
    reader.goto(live_server.url + "/announcements")
    reader.get_by_role("heading", name="Ертең вебинар").wait_for()
    assert reader.locator("strong", has_text="19:00").count() == 1
    reader.get_by_role("note").first.wait_for()  # shown in Kazakh: the fallback notice
    check_accessibility(reader)
