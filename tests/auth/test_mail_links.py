"""Every email, in kk, ru and en: its links start with BASE_URL (never the request's Host), and
its subject reads back exactly as rendered when a mail client parses the bytes we sent, long
module and course titles included."""

from __future__ import annotations

import re
from datetime import timedelta
from email.utils import make_msgid

import pytest

from app import mail
from app.auth import services as accounts
from app.cohorts import services as cohorts
from app.cohorts.models import Cohort, CohortModuleDate
from app.db import utcnow
from app.extensions import db
from app.homework import reminders
from app.learning.models import Course, Module
from app.mail.models import OutboxMessage
from tests.fixtures.app import ROOT, post_form
from tests.fixtures.homework import enrol, grading, make_submission, post_grade

BASE = "https://tekser.example/school"
LOCALES = ("kk", "ru", "en")
TEMPLATES = sorted(
    path.name.removesuffix(".subject.txt")
    for path in (ROOT / "templates" / "mail").glob("*.subject.txt")
)
LINK_RE = re.compile(r"""https?://[^\s"'<>]+""")
HREF_RE = re.compile(r"""href="([^"]+)\"""")
# Long titles in each script: they make the subject fold over several header lines.
LONG = {
    "kk": "Фактчекті қалай жазып, жариялау керек: дереккөздер, дәлелдер және аудиторияға қорытынды",
    "ru": "Как написать фактчек и опубликовать его: источники, доказательства и выводы",
    "en": "Writing up a fact-check — publishing it for your audience, with sources and evidence",
}


@pytest.fixture
def rendered(monkeypatch):
    """Every mail rendered during the test: (template, locale, subject, text, html)."""
    seen: list[tuple] = []
    original = mail.render_mail

    def spy(template, locale, **context):
        subject, text, html = original(template, locale, **context)
        seen.append((template, locale, subject, text, html))
        return subject, text, html

    monkeypatch.setattr(mail, "render_mail", spy)
    return seen


def _long_titles(app, world) -> None:
    with app.app_context():
        course = db.session.get(Course, world.course_id)
        course.title = {lang: f"{LONG[lang]} ({lang})" for lang in LOCALES}
        for n, module in enumerate(
            db.session.scalars(db.select(Module).where(Module.course_id == course.id)), 1
        ):
            module.title = {lang: f"{n}. {LONG[lang]}" for lang in LOCALES}
        db.session.get(Cohort, world.cohort_a).name = "Көктем 2026 — Весна 2026 — Spring 2026"
        db.session.commit()


def _browser(app, locale):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = locale
    return client


def _send_every_mail(app, world, make_user, login, locale):
    """Cause each kind of email once, for a person who reads ``locale``."""
    visitor = _browser(app, locale)
    form = {"name": "Әлия Сейітқызы", "email": f"new-{locale}@example.com"}
    form |= {"password": "a long new password", "confirm": "a long new password"}
    assert post_form(visitor, "/register", form, token_from="/register").status_code == 302
    assert post_form(visitor, "/register", form, token_from="/register").status_code == 302

    student = make_user(locale=locale, email=f"student-{locale}@example.com")
    enrol(app, student, world.cohort_a)
    form = {"email": student.email}
    assert post_form(visitor, "/forgot-password", form, token_from="/forgot-password").status_code
    with app.app_context():
        invited = accounts.create_user(
            email=f"invited-{locale}@example.com", name="Дана", password=None, locale=locale
        )
        cohorts.enrol(invited, db.session.get(Cohort, world.cohort_a))
        db.session.commit()
        invited_id = invited.id
    admin = login(_browser(app, "en"), world.admin)
    response = post_form(admin, f"/admin/users/{invited_id}/invitation", token_from="/")
    assert response.status_code == 302

    reviewer = login(_browser(app, "en"), world.reviewer)
    m1 = make_submission(app, student, world.cohort_a, module_id=world.modules["m1"])
    m2 = make_submission(app, student, world.cohort_a, module_id=world.modules["m2"])
    assert post_grade(reviewer, m1, grading(world, "m1")).status_code == 302
    returned = grading(world, "m2", decision="return", points=(1, 1))
    assert post_grade(reviewer, m2, returned).status_code == 302
    with app.app_context():
        reviewer_user = db.session.get(type(student), world.reviewer.id)
        reviewer_user.locale = locale
        db.session.commit()
    make_submission(app, world.classmate, world.cohort_a, module_id=world.modules["m3"])
    result = app.test_cli_runner().invoke(args=["review", "digest"])
    assert result.exit_code == 0, result.output
    # A due date tomorrow: the student, who has not handed m3 in, is reminded.
    with app.app_context():
        db.session.add(
            CohortModuleDate(
                cohort_id=world.cohort_a,
                module_id=world.modules["m3"],
                opens_at=utcnow() - timedelta(days=1),
                due_at=utcnow() + timedelta(days=1),
            )
        )
        db.session.commit()
        assert reminders.send_due_reminders() >= 1

    # An announcement to the cohort, and a nudge to the student.
    url = f"/admin/cohorts/{world.cohort_a}/announcements/new"
    texts = {f"{part}_{lang}": "" for part in ("title", "body") for lang in LOCALES}
    texts |= {f"title_{locale}": LONG[locale], f"body_{locale}": "**Сәлем** — hello"}
    assert post_form(admin, url, texts, token_from=url).status_code == 302
    url = f"/admin/cohorts/{world.cohort_a}/at-risk"
    nudge = {"student": str(student.id), "days": "7"}
    assert post_form(admin, url + "/nudge", nudge, token_from=url).status_code == 302

    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("locale", LOCALES)
def test_every_mail_links_to_base_url_and_its_subject_survives_a_mail_client(
    app, world, make_user, login, mailbox, rendered, locale
):
    app.config["BASE_URL"] = BASE
    _long_titles(app, world)
    _send_every_mail(app, world, make_user, login, locale)

    seen = {template for template, lang, *_ in rendered if lang == locale}
    assert seen == set(TEMPLATES), "every mail template is covered"
    by_subject = {}
    for template, lang, subject, text, html in rendered:
        if lang != locale:
            continue
        links = LINK_RE.findall(text) + HREF_RE.findall(html)
        assert links, template
        for link in links:
            assert link.startswith(BASE + "/"), (template, link)
        by_subject[subject] = template
    sent = [m for m in mailbox.messages if m["Subject"] in by_subject]
    assert {by_subject[m["Subject"]] for m in sent} == set(TEMPLATES)
    for message in sent:
        assert message["Subject"] == message["Subject"].strip()
    # The titles came through whole: the words around every fold keep their one space.
    module_subjects = [s for s, t in by_subject.items() if t.startswith("homework_")]
    assert len(module_subjects) == 3  # accepted, returned, due soon
    for subject in module_subjects:
        assert LONG[locale] in subject


def test_a_long_non_ascii_subject_round_trips_through_smtp(app, mailbox):
    """The fold that lost the space: a Russian subject with the break between two words."""
    subjects = [
        "Ваше домашнее задание нужно доработать: Модуль 6. Как написать фактчек и опубликовать"
        " его результаты для аудитории",
        "Your homework needs a revision: Module 6. Writing up a fact-check — publishing it for"
        " your audience",
        "Short and plain",
    ]
    with app.app_context():
        for text in subjects:
            mail.send(
                OutboxMessage(
                    message_id=make_msgid(),
                    to_address="reader@example.com",
                    subject=text,
                    text_body="x",
                    created_at=utcnow(),
                )
            )
    assert [m["Subject"] for m in mailbox.to("reader@example.com")] == subjects


def test_a_line_break_in_a_title_stays_inside_the_subject(app):
    with app.test_request_context():
        subject, _text, _html = mail.render_mail(
            "homework_returned",
            "en",
            user=type("U", (), {"name": "A"})(),
            module_title="1.\nBcc: x",
            url=BASE,
        )
    assert "\n" not in subject and subject.endswith("1. Bcc: x")
