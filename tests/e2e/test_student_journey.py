"""Journey 1: a student, in Kazakh, on a 360 px phone, from the landing page to reviewed homework
(and the certificate once all modules are accepted)."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from PIL import Image

from tests.e2e.conftest import (
    DEMO_PASSWORD,
    LONG_CLAIM_KK,
    LONG_NAME_KK,
    assign_reviewer_in_ui,
    grade_next,
    grade_open,
    in_every_language,
    link_in_mail,
    log_in,
    long_url,
    make_reviewer,
    quiz_answers,
    tr,
)
from tests.e2e.course_copy import COOLDOWN_SECONDS
from tests.e2e.phone import (
    assert_tappable,
    check_accessibility,
    font_setups,
    page_weight,
    page_weights,
)

pytestmark = pytest.mark.e2e
MODULES = [
    "01-disinformation",
    "02-sources",
    "03-images",
    "04-video-deepfakes",
    "05-geolocation",
    "06-writing-fact-check",
]


def screenshot_file(tmp_path, name: str, color: str):
    path = tmp_path / name
    Image.new("RGB", (360, 640), color).save(path)
    return str(path)


def answer_quiz(page, module_folder: str, lang: str, correct: bool) -> None:
    for question in quiz_answers(module_folder).values():
        wanted = set(question["correct"])
        options = question["options"]
        chosen = wanted if correct else {next(o["id"] for o in options if o["id"] not in wanted)}
        for option in options:
            if option["id"] in chosen:
                page.get_by_label(option["text"][lang], exact=True).check()


def new_cohort(live_server, name: str) -> str:
    """A Kazakh group made with the CLI; returns its invite link."""
    output = live_server.flask(
        "cohorts", "create", "--course", "fact-checking", "--name", name, "--locale", "kk"
    )
    return re.search(r"(http://\S+/join/\S+)", output).group(1)


def tappable(page, name: str, lang: str) -> None:
    assert_tappable(page, page.get_by_role("button", name=tr(name, lang), exact=True))


def do_homework(page, tmp_path, kk: str, n: int) -> None:
    page.get_by_label(tr("The claim", kk)).fill(LONG_CLAIM_KK)
    page.get_by_label(tr("Where you saw it (link)", kk)).fill(
        long_url("t.me/s/almaty_kala_zhanalyktary_resmi_emes", n)
    )
    page.get_by_label(tr("Platform", kk)).fill("Telegram")
    page.get_by_label(tr("False", kk), exact=True).check()
    links = page.get_by_label(tr("Link", kk), exact=True)
    notes = page.get_by_label(tr("What it shows", kk))
    links.nth(0).fill(long_url("www.gov.kz/memleket/entities/almaty/press/news/details", n))
    notes.nth(0).fill("Әкімдіктің ресми хабарламалары: жеңілдіктер 2027 жылы да сақталады")
    links.nth(1).fill(long_url("tengrinews.kz/kazakhstan_news/studentterge-tegin-zhol", n))
    notes.nth(1).fill("Жаңалықтар сайты әкімдіктің баспасөз қызметіне сілтеме жасайды")
    page.get_by_label(tr("Method and tools", kk)).fill("Ресми сайттарды және жаңалықтарды іздедім.")
    page.get_by_label(tr("Reasoning", kk)).fill("Ресми дереккөздер мұны растамайды.")
    page.get_by_label(tr("Add screenshots", kk)).set_input_files(
        [
            screenshot_file(tmp_path, f"{n}-one.png", "red"),
            screenshot_file(tmp_path, f"{n}-two.png", "blue"),
        ]
    )


def work_through_module(page, tmp_path, folder: str, n: int, kk: str, scan: bool) -> None:
    """From the dashboard: lesson, a failed then a passed quiz, homework with two screenshots.
    With ``scan``, each page is also scanned by axe and shown in all three languages."""
    tour = in_every_language if scan else (lambda *args: None)
    page.get_by_role("link", name=tr("My course", kk)).first.click()
    tour(page, kk)
    page.get_by_role("link", name=tr("Watch and read the lesson", kk)).click()
    tour(page, kk)
    if scan:
        check_accessibility(page)
    page.get_by_role("button", name=tr("I have read the lesson", kk)).click()
    tour(page, kk)
    answer_quiz(page, folder, kk, correct=False)
    if scan:
        check_accessibility(page)
    page.get_by_role("button", name=tr("Submit answers", kk)).click()
    page.get_by_text(tr("Try again", kk)).first.wait_for()
    tour(page, kk)
    if scan:
        check_accessibility(page)
    page.wait_for_timeout(COOLDOWN_SECONDS * 1000 + 500)  # the course's retry cooldown
    page.get_by_role("link", name=tr("Try again", kk)).click()
    answer_quiz(page, folder, kk, correct=True)
    page.get_by_role("button", name=tr("Submit answers", kk)).click()
    page.get_by_text(tr("You passed the quiz.", kk)).wait_for()

    page.get_by_role("link", name=tr("My course", kk)).first.click()
    page.get_by_role("link", name=tr("Do the homework", kk)).click()
    tour(page, kk, lambda code: tappable(page, "Submit for review", code))
    do_homework(page, tmp_path, kk, n)
    if scan:
        check_accessibility(page)
    page.get_by_role("button", name=tr("Submit for review", kk)).click()
    page.get_by_text(tr("Submitted, waiting for review", kk)).first.wait_for()
    tour(page, kk)
    if scan:
        check_accessibility(page)


def register_and_join(
    page,
    live_server,
    mailbox,
    invite: str,
    kk: str,
    scan: bool = True,
    email: str = "aigerim@example.kz",
    name: str = LONG_NAME_KK,
) -> None:
    page.goto(invite)
    if scan:
        check_accessibility(page)
    page.get_by_role("link", name=tr("Create an account", kk)).first.click()
    page.get_by_label(tr("Full name", kk)).fill(name)
    page.get_by_label(tr("Email", kk)).fill(email)
    page.get_by_label(tr("Password", kk), exact=True).fill("менің құпиясөзім 2027")
    page.get_by_label(tr("Repeat the password", kk)).fill("менің құпиясөзім 2027")
    if scan:
        check_accessibility(page)
    page.get_by_role("button", name=tr("Create account", kk)).click()
    page.get_by_role("heading", name=tr("Check your email", kk)).wait_for()

    page.goto(link_in_mail(mailbox, email, "/confirm/"))
    page.get_by_role("button", name=tr("Confirm my email", kk)).click()
    page.get_by_role("button", name=tr("Join the course", kk)).click()
    page.get_by_role("heading", name=tr("My course", kk), exact=True).wait_for()
    if scan:
        check_accessibility(page)


def qr_target(pdf: bytes, tmp_path) -> str:
    """The URL in the certificate's QR code: page 1 rendered and decoded, as a phone would."""
    (tmp_path / "certificate.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile",
         str(tmp_path / "certificate.pdf"), str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return out.stdout.strip()


@pytest.mark.parametrize("font_setup", font_setups())
def test_student_in_kazakh_completes_the_course(
    live_server, phone, mailbox, tmp_path, admin_account, journey_state, font_setup
):
    kk = "kk"
    # Each font setup runs the journey with its own group and people.
    tag = "" if font_setup == "default" else f"-{font_setup}"
    cohort_name = f"Алматы 2027{tag}"
    invite = new_cohort(live_server, cohort_name)
    page = phone(locale=kk)
    assert page_weight(page, live_server.url + "/") < 50_000
    assert page.locator("html").get_attribute("lang") == kk
    check_accessibility(page)
    register_and_join(page, live_server, mailbox, invite, kk, email=f"aigerim{tag}@example.kz")
    lesson = page.get_by_role("link", name=tr("Watch and read the lesson", kk))
    module_url = live_server.url + lesson.get_attribute("href")
    weights = page_weights(page, module_url)
    # HTML + CSS + JS under 50 KB; a poster (≤ 30 KB) and the default captions on their own.
    assert weights["page"] < 50_000 and weights["poster"] <= 30 * 1024, weights
    assert weights["captions"] <= 12_000, weights

    # The group's reviewer, assigned by an admin through the admin pages.
    reviewer = make_reviewer(live_server, f"dana{tag}@example.org", "Дана Серикова", "kk")
    admin = phone(locale="en")
    log_in(admin, live_server.url, admin_account, "en")
    assign_reviewer_in_ui(admin, live_server.url, cohort_name, reviewer)
    review = phone(locale=kk)
    log_in(review, live_server.url, reviewer, kk)

    for n, folder in enumerate(MODULES, start=1):
        work_through_module(page, tmp_path, folder, n, kk, scan=n == 1)
        if n == 1:
            # Returned once, revised, then accepted.
            grade_next(review, live_server.url, kk, accept=False, feedback="Дереккөз аз.")
            page.get_by_role("link", name=tr("My course", kk)).first.click()
            page.get_by_role("link", name=tr("Revise your homework", kk)).click()
            in_every_language(page, kk, lambda code: tappable(page, "Revise and resubmit", code))
            check_accessibility(page)
            page.get_by_role("button", name=tr("Revise and resubmit", kk)).click()
            in_every_language(page, kk, lambda code: tappable(page, "Submit for review", code))
            page.get_by_label(tr("Reasoning", kk)).fill(
                "Ресми дереккөздер мен екі жаңалық сайты мұны растамайды."
            )
            page.get_by_role("button", name=tr("Submit for review", kk)).click()
            page.get_by_text(tr("Submitted, waiting for review", kk)).first.wait_for()
            review.goto(live_server.url + "/review/")
            in_every_language(review, kk)
            check_accessibility(review)
            # The reviewer's page of the long fact-check, in every language: decisions tappable.
            review.get_by_role("button", name=tr("Review next", kk)).click()
            review.get_by_role("heading", name=tr("Rubric", kk)).wait_for()
            in_every_language(
                review,
                kk,
                lambda code: [tappable(review, x, code) for x in ("Accept", "Return for revision")],
            )
            check_accessibility(review)
            heading = grade_open(review, kk, accept=True)
        else:
            heading = grade_next(review, live_server.url, kk, accept=True)
        assert LONG_NAME_KK in heading
        if n == 1:
            check_accessibility(review)
            page.reload()
            page.get_by_text(tr("Accepted", kk), exact=True).first.wait_for()
            in_every_language(page, kk)
            check_accessibility(page)

    page.get_by_role("link", name=tr("My course", kk)).first.click()
    page.get_by_text(tr("You have completed the course. Congratulations!", kk)).wait_for()
    in_every_language(page, kk)
    check_accessibility(page)
    page.get_by_role("link", name=tr("My certificates", kk)).first.click()
    in_every_language(page, kk)
    check_accessibility(page)
    pdf_link = page.get_by_role("link", name=re.compile(re.escape(tr("PDF certificate", kk))))
    response = page.request.get(live_server.url + pdf_link.first.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"].startswith("application/pdf")
    target = qr_target(response.body(), tmp_path)
    assert target.startswith(live_server.url + "/verify/")
    if font_setup == "default":
        journey_state["certificate_url"] = target

    page.goto(target)
    page.get_by_role("status").get_by_text(tr("Valid", kk), exact=True).wait_for()
    in_every_language(page, kk)
    check_accessibility(page)


@pytest.mark.parametrize("font_setup", font_setups())
def test_core_student_steps_work_without_javascript(
    live_server, phone, mailbox, tmp_path, font_setup
):
    kk = "kk"
    tag = "" if font_setup == "default" else f"-{font_setup}"
    invite = new_cohort(live_server, f"Астана 2027{tag}")
    page = phone(locale=kk, js=False)
    email = f"erlan{tag}@example.kz"
    register_and_join(page, live_server, mailbox, invite, kk, scan=False, email=email)
    work_through_module(page, tmp_path, MODULES[0], 1, kk, scan=False)


def test_landing_and_module_pages_are_light(live_server, phone):
    page = phone(locale="ru")
    assert page_weight(page, live_server.url + "/") < 50_000
    _ = io  # images are generated on disk above
    _ = DEMO_PASSWORD
