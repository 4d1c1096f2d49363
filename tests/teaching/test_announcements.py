"""Announcements: writing in one to three languages, reading with the fallback notice, email
through the queue in batches, sanitised Markdown, history of edits, and who may post."""

from __future__ import annotations

import pytest

from app.audit.models import AuditEvent
from app.extensions import db
from app.policy import Role
from app.teaching import jobs
from app.teaching.models import Announcement, AnnouncementVersion
from tests.fixtures.app import make_user_in, post_form
from tests.fixtures.homework import as_user, audit_events, count
from tests.fixtures.teaching import make_announcement

LIST = "/admin/cohorts/{a}/announcements"


def form(**texts) -> dict:
    data = {f"{part}_{lang}": "" for part in ("title", "body") for lang in ("kk", "ru", "en")}
    data.update(texts)
    return data


def post(client, cohort_id: int, data: dict):
    url = LIST.format(a=cohort_id) + "/new"
    return post_form(client, url, data, token_from=url)


@pytest.fixture
def admin(app, login, world):
    return as_user(app, login, world.admin)


def test_posting_in_two_languages_reaches_each_student_in_theirs(app, login, world, admin, mailbox):
    with app.app_context():
        from app.auth.models import User

        db.session.get(User, world.classmate.id).locale = "kk"
        db.session.commit()
    response = post(
        admin,
        world.cohort_a,
        form(title_kk="Хабарландыру", body_kk="Сәлем, **топ**!", title_ru="Объявление",
             body_ru="Привет, **группа**!"),
    )  # fmt: skip
    assert response.status_code == 302
    # By email, through the outbox, to the students of A only, each in their language (the
    # English reader gets the nearest written: Russian).
    assert "Привет" in mailbox.text(mailbox.last_to(world.owner.email))
    assert "Сәлем" in mailbox.text(mailbox.last_to(world.classmate.email))
    assert mailbox.to(world.outsider.email) == [] and mailbox.to(world.reviewer.email) == []
    assert "http://localhost/announcements" in mailbox.text(mailbox.last_to(world.owner.email))
    # In the app, with the fallback notice.
    student = as_user(app, login, world.owner)
    page = student.get("/announcements").get_data(as_text=True)
    assert "Привет, <strong>группа</strong>!" in page
    assert "is not available in English yet" in page
    assert "Объявление" in student.get("/dashboard").get_data(as_text=True)
    outsider = as_user(app, login, world.outsider)
    assert "Объявление" not in outsider.get("/announcements").get_data(as_text=True)
    assert "Объявление" not in outsider.get("/dashboard").get_data(as_text=True)
    (event,) = audit_events(app, "announcement.posted")
    assert event.details["languages"] == ["kk", "ru"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (form(), "at least one language"),
        (form(title_en="Only a title"), "both a title and a text"),
        (form(body_ru="Only a text"), "both a title and a text"),
        (form(title_en="x" * 201, body_en="text"), "Field cannot be longer than 200"),
    ],
)
def test_bad_input_is_refused_with_nothing_saved(app, world, admin, mailbox, data, message):
    response = post(admin, world.cohort_a, data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(app, Announcement) == 0 and mailbox.messages == []


def test_markdown_is_sanitised_like_the_lessons(app, login, world, admin):
    body = "Hi <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.com)"
    assert post(admin, world.cohort_a, form(title_en="T", body_en=body)).status_code == 302
    page = as_user(app, login, world.owner).get("/announcements").get_data(as_text=True)
    assert "<script>alert(1)" not in page and 'href="javascript' not in page
    assert 'href="https://example.com"' in page


def test_edits_keep_the_history_and_stale_forms_are_refused(app, login, world, admin, mailbox):
    ann = make_announcement(app, world.admin, world.cohort_a, title_en="First", body_en="One")
    url = LIST.format(a=world.cohort_a) + f"/{ann}/edit"
    page = admin.get(url).get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in page
    changed = post_form(
        admin, url, form(title_en="Second", body_en="Two", version="1"), token_from=url
    )
    assert changed.status_code == 302
    assert mailbox.messages == []  # an edit is not emailed again
    stale = post_form(admin, url, form(title_en="Third", body_en="3", version="1"), token_from=url)
    assert stale.status_code == 409
    with app.app_context():
        versions = db.session.scalars(
            db.select(AnnouncementVersion.title).order_by(AnnouncementVersion.version)
        ).all()
    assert versions == [{"en": "First"}, {"en": "Second"}]
    staff_list = admin.get(LIST.format(a=world.cohort_a)).get_data(as_text=True)
    assert "edited" in staff_list
    history = admin.get(LIST.format(a=world.cohort_a) + f"/{ann}/history").get_data(as_text=True)
    assert "First" in history and "Second" in history and "Version 2" in history
    reader = as_user(app, login, world.owner).get("/announcements").get_data(as_text=True)
    assert "Second" in reader and "First" not in reader and "edited" in reader


def test_reviewers_post_only_where_the_cohort_allows_it(app, login, world, admin):
    reviewer = as_user(app, login, world.reviewer)
    new = LIST.format(a=world.cohort_a) + "/new"
    assert reviewer.get(new).status_code == 403
    assert post(reviewer, world.cohort_a, form(title_en="T", body_en="B")).status_code == 403
    settings = LIST.format(a=world.cohort_a) + "/settings"
    assert (
        post_form(admin, settings, {"reviewers_may_announce": "y"}, token_from=LIST.format(
            a=world.cohort_a)).status_code
        == 302
    )  # fmt: skip
    assert post(reviewer, world.cohort_a, form(title_en="T", body_en="B")).status_code == 302
    # Never in another cohort, which answers as if it did not exist.
    other = as_user(app, login, world.other_reviewer)
    assert other.get(new).status_code == 404
    assert post(other, world.cohort_a, form(title_en="T", body_en="B")).status_code == 404
    # A reviewer edits only their own announcements.
    admins = make_announcement(app, world.admin, world.cohort_a)
    edit = LIST.format(a=world.cohort_a) + f"/{admins}/edit"
    assert reviewer.get(edit).status_code == 403
    with app.app_context():
        assert db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "cohort.announce_setting")
        ).details == {"allowed": True}


def test_emails_go_in_batches_exactly_once(app, login, world, admin, mailbox, monkeypatch):
    make_user = make_user_in(app)
    from tests.fixtures.homework import enrol

    for n in range(3):
        enrol(app, make_user(name=f"Extra {n}", email=f"extra{n}@example.com"), world.cohort_a)
    monkeypatch.setattr(jobs, "MAIL_BATCH", 2)
    assert post(admin, world.cohort_a, form(title_en="T", body_en="B")).status_code == 302
    addresses = sorted(m["To"] for m in mailbox.messages)
    assert addresses == sorted(
        [world.owner.email, world.classmate.email] + [f"extra{n}@example.com" for n in range(3)]
    )
    with app.app_context():
        ann = db.session.scalar(db.select(Announcement))
        assert ann.mail_done
        # Run again (a retried job): nobody gets it twice.
        assert jobs.send_announcement.call_local(ann.id) == 0
    assert len(mailbox.messages) == 5


def test_reading_costs_the_same_queries_for_one_or_many(app, login, world, count_queries):
    student = as_user(app, login, world.owner)
    make_announcement(app, world.admin, world.cohort_a)
    student.get("/announcements")  # the identity is cached from here on (ADR 0024)
    with count_queries() as one:
        assert student.get("/announcements").status_code == 200
    for _ in range(5):
        make_announcement(app, world.admin, world.cohort_a)
    with count_queries() as many:
        assert student.get("/announcements").status_code == 200
    assert many.count == one.count


def test_a_reviewer_role_alone_does_not_show_staff_views_of_another_cohort(app, login, world):
    ann = make_announcement(app, world.admin, world.cohort_a)
    other = as_user(app, login, world.other_reviewer)
    for path in ("", f"/{ann}/history", f"/{ann}/edit"):
        assert other.get(LIST.format(a=world.cohort_a) + path).status_code == 404
    # And an announcement of A through B's address is not found either.
    assert other.get(LIST.format(a=world.cohort_b) + f"/{ann}/history").status_code == 404


def test_role_check_for_students(app, login, world):
    student = make_user_in(app)(Role.STUDENT, name="S", email="s@example.com")
    client = as_user(app, login, student)
    assert client.get(LIST.format(a=world.cohort_a)).status_code == 403
