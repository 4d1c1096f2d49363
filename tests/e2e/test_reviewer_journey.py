"""Journey 2: a reviewer, in Russian, on a 360 px phone: only their group's queue, "Review next",
the rubric, one returned and one accepted; a second reviewer of the group does not see the claimed
homework as waiting."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import (
    assign_reviewer_in_ui,
    grade_next,
    in_every_language,
    log_in,
    make_reviewer,
    tr,
)
from tests.e2e.phone import assert_tappable, check_accessibility, font_setups

pytestmark = pytest.mark.e2e
RU = "ru"


def submission_links(page) -> set[str]:
    """The submissions listed in the queue on ``page`` (their review URLs' paths)."""
    table = page.get_by_role("table")
    if table.count() == 0:
        return set()
    hrefs = table.get_by_role("link").evaluate_all("links => links.map(a => a.pathname)")
    return set(hrefs)


@pytest.mark.parametrize("font_setup", font_setups())
def test_reviewer_in_russian_grades_only_their_group(live_server, phone, admin_account, font_setup):
    # Each font setup runs the journey with its own groups and people.
    tag = "" if font_setup == "default" else f"-{font_setup}"
    group_a, group_b = f"Группа А{tag}", f"Группа Б{tag}"
    for name in (group_a, group_b):
        live_server.flask(
            "seed", "--students", "40", "--reviewers", "0", "--name", name, "--random-seed", "7"
        )
    mine = make_reviewer(live_server, f"olga{tag}@example.org", "Ольга Ким", RU)
    colleague = make_reviewer(live_server, f"sergey{tag}@example.org", "Сергей Иванов", RU)
    other = make_reviewer(live_server, f"aliya{tag}@example.org", "Әлия Қасымова", "kk")
    admin = phone(locale="en")
    log_in(admin, live_server.url, admin_account, "en")
    assign_reviewer_in_ui(admin, live_server.url, group_a, mine)
    assign_reviewer_in_ui(admin, live_server.url, group_a, colleague)
    assign_reviewer_in_ui(admin, live_server.url, group_b, other)

    # What waits in the other group.
    elsewhere = phone(locale="kk")
    log_in(elsewhere, live_server.url, other, "kk")
    elsewhere.get_by_role("link", name=tr("Review", "kk"), exact=True).click()
    # The queue is read once it is the page shown (a loaded machine was still on the last one).
    elsewhere.get_by_role("heading", name=tr("Review queue", "kk")).wait_for()
    theirs = submission_links(elsewhere)
    assert theirs

    page = phone(locale=RU)
    log_in(page, live_server.url, mine, RU)
    page.get_by_role("link", name=tr("Review", RU), exact=True).click()
    page.get_by_role("heading", name=tr("Review queue", RU)).wait_for()
    in_every_language(page, RU)
    check_accessibility(page)
    waiting = submission_links(page)
    assert waiting, "the seeded group has homework waiting"
    assert not waiting & theirs, "another group's homework is listed"

    # Return one.
    returned = grade_next(page, live_server.url, RU, accept=False, feedback="Нужны источники.")
    page.get_by_text(tr("Returned for revision. The student has been notified.", RU)).wait_for()
    assert returned

    # Claim the next one and keep it open; the colleague does not see it as waiting.
    page.get_by_role("button", name=tr("Review next", RU)).click()
    page.get_by_role("heading", name=tr("Rubric", RU)).wait_for()
    in_every_language(
        page,
        RU,
        lambda code: [
            assert_tappable(page, page.get_by_role("button", name=tr(label, code), exact=True))
            for label in ("Accept", "Return for revision")
        ],
    )
    check_accessibility(page)
    claimed = re.search(r"/review/submissions/\d+", page.url).group(0)
    second = phone(locale=RU)
    log_in(second, live_server.url, colleague, RU)
    second.goto(live_server.url + "/review/")
    assert claimed not in submission_links(second)
    second.goto(live_server.url + claimed)
    second.get_by_text(tr("Another reviewer is reviewing this homework.", RU)).wait_for()
    assert second.get_by_role("button", name=tr("Accept", RU), exact=True).count() == 0
    # The colleague opens a waiting one from the queue: read-only until "Start reviewing".
    second.goto(live_server.url + "/review/")
    second.get_by_role("table").get_by_role("link").first.click()
    second.get_by_role("button", name=tr("Start reviewing", RU)).click()
    second.get_by_role("heading", name=tr("Rubric", RU)).wait_for()

    # Accept it.
    form = page.locator("form.grade")
    groups = form.locator("fieldset")  # one per criterion (a <details> is a group too)
    for i in range(groups.count()):
        groups.nth(i).get_by_role("radio").last.check()
    page.get_by_label(tr("Overall feedback", RU)).fill("Отличная работа.")
    accept = page.get_by_role("button", name=tr("Accept", RU), exact=True)
    assert_tappable(page, accept)
    accept.click()
    page.get_by_text(tr("Accepted. The student has been notified.", RU)).wait_for()
    assert claimed not in submission_links(page)
    check_accessibility(page)
