"""Journey 4: a due date and its reminder, on a 360 px phone. The admin (English) sets module 1's
homework due tomorrow at 23:59 Almaty time and gives the student an extension on module 2; the
student (Kazakh) sees "due tomorrow" on the dashboard; the hourly reminder (run by hand here)
emails them once, with an RFC 8058 unsubscribe link that works without signing in."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import DEMO_PASSWORD, link_in_mail, log_in, tr
from tests.e2e.phone import assert_fits_phone, check_accessibility

pytestmark = pytest.mark.e2e
STUDENT = "due-phone@example.org"


@pytest.fixture
def cohort(live_server, tmp_path) -> str:
    live_server.flask(
        "users", "create", "--email", STUDENT, "--name", "Дана Асқарқызы",
        "--password", DEMO_PASSWORD, "--locale", "kk",
    )  # fmt: skip
    yesterday = datetime.now(ZoneInfo("Asia/Almaty")).date() - timedelta(days=1)
    output = live_server.flask(
        "cohorts", "create", "--course", "fact-checking", "--name", "Due dates 2027",
        "--locale", "kk", "--starts", yesterday.isoformat(),
    )  # fmt: skip
    cohort = re.search(r"cohort (\d+)", output).group(1)
    csv = tmp_path / "students.csv"
    csv.write_text(f"name,email,language\nДана Асқарқызы,{STUDENT},kk\n", encoding="utf-8")
    live_server.flask("cohorts", "enrol", cohort, str(csv), "--yes", "--no-invite")
    return cohort


def test_a_due_date_a_reminder_and_a_one_click_unsubscribe(
    live_server, phone, admin_account, cohort, mailbox
):
    tomorrow = datetime.now(ZoneInfo("Asia/Almaty")).date() + timedelta(days=1)
    admin = phone(locale="en")
    log_in(admin, live_server.url, admin_account, "en")
    admin.goto(f"{live_server.url}/admin/cohorts/{cohort}/schedule")
    assert admin.get_by_label("Time zone of the group").input_value() == "Asia/Almaty"
    check_accessibility(admin)
    admin.locator("#modules-0-due_on").fill(tomorrow.isoformat())
    admin.get_by_role("button", name="Save the schedule").click()
    admin.get_by_text("The schedule has been saved.").wait_for()
    assert_fits_phone(admin)
    # Two more days for module 2 (module 1's due date, and its reminder, stay).
    admin.goto(f"{live_server.url}/admin/cohorts/{cohort}/extensions")
    admin.get_by_label("Student's email address").fill(STUDENT)
    admin.get_by_label("For").select_option(index=2)
    admin.get_by_label("Extra days").fill("2")
    check_accessibility(admin)
    admin.get_by_role("button", name="Grant the extension").click()
    admin.get_by_text("The extension has been granted.").wait_for()
    admin.get_by_text("2 extra days").wait_for()

    student = phone(locale="kk")
    log_in(student, live_server.url, STUDENT, "kk")
    student.goto(live_server.url + "/dashboard")
    student.get_by_text(tr("Due tomorrow at %(time)s.", "kk") % {"time": "23:59"}).wait_for()
    check_accessibility(student)

    assert "reminded 1 student(s)" in live_server.flask("homework", "remind")
    link = link_in_mail(mailbox, STUDENT, r"/unsubscribe/")
    message = mailbox.last_to(STUDENT)
    assert message["List-Unsubscribe"].strip() == f"<{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "reminded 0 student(s)" in live_server.flask("homework", "remind")
    student.goto(live_server.url + "/notifications")
    student.get_by_text(re.compile("^Еске салу:")).first.wait_for()

    # The link in the email, opened on a phone that is not signed in: a button, then done.
    visitor = phone(locale="kk")
    visitor.goto(link)
    check_accessibility(visitor)
    visitor.get_by_role("button", name=tr("Unsubscribe", "kk")).click()
    visitor.get_by_text(re.compile("^Дайын:")).wait_for()
    assert_fits_phone(visitor)
