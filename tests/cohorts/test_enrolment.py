"""CSV enrolment through the admin console and ``flask cohorts enrol``: preview first, nothing
written until confirmed, one idempotent transaction, invitations in each student's language."""

import codecs
import time
from urllib.parse import urlsplit

import pytest

from app.audit.models import AuditEvent
from app.auth.models import RoleGrant, User
from app.cohorts.models import Cohort, Enrolment, EnrolmentImport
from app.db import utcnow
from app.extensions import db
from tests.admin.fixtures import upload
from tests.fixtures.app import post_form

GREETING = {"kk": "Сәлеметсіз бе", "ru": "Здравствуйте", "en": "Hello"}

MIXED = (
    "ФИО;Почта;Язык\n"
    "Әлия Сейітқызы;aliya@example.kz;kk\n"
    "Ирина Ковалёва;irina@example.ru;\n"  # the cohort's default language: ru
    "Daniyar Nurlanuly;daniyar@example.com;en\n"
    "Student A;student-a@example.com;\n"  # already enrolled
    "Reviewer B;rev-b@example.com;\n"  # an existing account, enrolled now
    "Дубль;ALIYA@example.kz;\n"  # duplicate of line 2
    "Плохой;not-an-email;\n"
    "=cmd|'/c calc'!A1;formula@example.com;\n"
)


@pytest.fixture
def app(fresh_app):
    """Some tests here run a second app (other settings) on the same database: real commits."""
    return fresh_app


def counts(app):
    with app.app_context():
        return (
            db.session.scalar(db.select(db.func.count()).select_from(User)),
            db.session.scalar(db.select(db.func.count()).select_from(Enrolment)),
        )


def preview_url(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return urlsplit(response.headers["Location"]).path


def test_preview_reports_every_row_and_writes_nothing(app, as_admin, world):
    before = counts(app)
    url = preview_url(upload(as_admin, world.cohort_id, codecs.BOM_UTF8 + MIXED.encode()))
    html = as_admin.get(url).get_data(as_text=True)
    assert counts(app) == before
    for text in (
        "Әлия Сейітқызы",
        "New account",
        "Existing account",
        "Already enrolled",
        "The same email address is on row 2.",
        "The email address is not valid.",
        "like a spreadsheet formula",
    ):
        assert text in html, text
    with app.app_context():
        preview = db.session.scalar(db.select(EnrolmentImport))
        assert preview.status == "previewed"
        assert preview.counts == {"new": 3, "existing": 1, "enrolled": 1, "error": 3, "total": 8}


def test_confirm_enrols_invites_and_is_idempotent(app, as_admin, world, mailbox):
    url = preview_url(upload(as_admin, world.cohort_id, MIXED))
    users_before, enrolments_before = counts(app)
    response = post_form(as_admin, url + "/confirm", token_from=url)
    assert response.status_code == 302
    assert counts(app) == (users_before + 3, enrolments_before + 4)
    with app.app_context():
        aliya = db.session.scalar(db.select(User).where(User.email == "aliya@example.kz"))
        assert (aliya.locale, aliya.password_hash, aliya.roles) == ("kk", None, {"student"})
        irina = db.session.scalar(db.select(User).where(User.email == "irina@example.ru"))
        assert irina.locale == "ru"
        event = db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "cohort.enrolment_imported")
        )
        assert event.actor_id == world.admin.id and event.details["counts"]["new"] == 3
    sent = {m["To"]: m for m in mailbox.messages}
    assert set(sent) == {"aliya@example.kz", "irina@example.ru", "daniyar@example.com"}
    for address, lang in [
        ("aliya@example.kz", "kk"),
        ("irina@example.ru", "ru"),
        ("daniyar@example.com", "en"),
    ]:
        assert GREETING[lang] in mailbox.text(sent[address]), address
    # Confirming again (a double click, a reload) changes nothing and sends nothing.
    mailbox.clear()
    again = post_form(as_admin, url + "/confirm", token_from=url)
    assert again.status_code == 302
    assert counts(app) == (users_before + 3, enrolments_before + 4)
    assert mailbox.messages == []
    assert "already been imported" in as_admin.get(url).get_data(as_text=True)


def test_the_invitation_link_sets_a_password(app, as_admin, world, mailbox):
    url = preview_url(
        upload(as_admin, world.cohort_id, "name,email,language\nDana,dana@example.com,en\n")
    )
    post_form(as_admin, url + "/confirm", token_from=url)
    link = next(
        x for x in mailbox.links(mailbox.last_to("dana@example.com")) if "/invitation/" in x
    )
    student = app.test_client()
    path = urlsplit(link).path
    assert student.get(path).status_code == 200
    response = post_form(
        student,
        path,
        {"password": "a new long password", "confirm": "a new long password"},
        token_from=path,
    )
    assert response.status_code == 302
    assert student.get("/dashboard").status_code == 200
    with app.app_context():
        dana = db.session.scalar(db.select(User).where(User.email == "dana@example.com"))
        assert dana.password_hash and dana.email_verified_at
    assert app.test_client().get(path).status_code == 400  # the link works once


def test_accounts_made_meanwhile_are_found_at_confirm(app, as_admin, world, make_user, mailbox):
    url = preview_url(upload(as_admin, world.cohort_id, "name,email\nLate,late@example.com\n"))
    make_user(email="late@example.com")  # registers between preview and confirm
    assert post_form(as_admin, url + "/confirm", token_from=url).status_code == 302
    with app.app_context():
        preview = db.session.scalar(db.select(EnrolmentImport))
        assert preview.counts["existing"] == 1 and preview.counts["new"] == 0
    assert mailbox.to("late@example.com") == []


def test_a_file_that_cannot_be_read_changes_nothing(app, as_admin, world):
    before = counts(app)
    response = upload(
        as_admin, world.cohort_id, "ФИО;Почта\nИрина;irina@example.ru\n".encode("cp1251")
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "not in UTF-8" in html and "Windows-1251" in html
    missing = upload(as_admin, world.cohort_id, "name;phone\nA;1\n")
    assert missing.status_code == 422 and "email column" in missing.get_data(as_text=True)
    assert counts(app) == before
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(EnrolmentImport)) == 0


def test_fifty_thousand_rows_are_refused(app, as_admin, world):
    data = "name,email\n" + "".join(f"P{n},p{n}@example.com\n" for n in range(50_000))
    response = upload(as_admin, world.cohort_id, data)
    assert response.status_code == 422
    assert "more than 20,000 rows" in response.get_data(as_text=True)


def test_ten_thousand_rows_in_reasonable_time(app_factory, login, world, mailbox, tmp_path):
    """The request only enrols; the invitations wait for the queue."""
    from app import jobs

    app = app_factory(QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite'}", QUEUE_IMMEDIATE=False)
    try:
        client = login(app.test_client(), world.admin)
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        data = "Аты-жөні;Пошта;Тіл\n" + "".join(
            f"Оқушы {n};student{n}@example.kz;{'kk' if n % 2 else 'ru'}\n" for n in range(10_000)
        )
        started = time.perf_counter()
        url = preview_url(upload(client, world.cohort_id, data))
        assert client.get(url).status_code == 200
        response = post_form(client, url + "/confirm", token_from=url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 302
        assert elapsed < 30, elapsed
        with app.app_context():
            enrolled = db.session.scalar(
                db.select(db.func.count())
                .select_from(Enrolment)
                .where(Enrolment.cohort_id == world.cohort_id)
            )
            assert enrolled == 10_001
            grants = db.session.scalar(db.select(db.func.count()).select_from(RoleGrant))
            assert grants >= 10_000
            assert outbox_count() == 0
        assert mailbox.messages == []
        assert jobs.huey.pending_count() == 1  # one job for the whole import
        html = client.get(url).get_data(as_text=True)
        assert "Invitations sent: 0 of 10000. Still to send: 10000." in html
    finally:
        jobs.configure("memory://", immediate=True)


def outbox_count() -> int:
    from app.mail.models import OutboxMessage

    return db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage))


def test_an_archived_cohort_takes_no_file(app, as_admin, world):
    url = preview_url(upload(as_admin, world.cohort_id, "name,email\nX,x@example.com\n"))
    with app.app_context():
        db.session.get(Cohort, world.cohort_id).archived_at = utcnow()
        db.session.commit()
    before = counts(app)
    assert upload(as_admin, world.cohort_id, "name,email\nY,y@example.com\n").status_code == 302
    assert post_form(as_admin, url + "/confirm", token_from=url).status_code == 302
    assert counts(app) == before


def test_the_report_lists_every_row(as_admin, world):
    url = preview_url(upload(as_admin, world.cohort_id, MIXED))
    body = as_admin.get(url + "/report.csv").get_data(as_text=True)
    assert body.startswith("\ufeff")
    assert "'=cmd|'/c calc'!A1" in body  # neutralised in the report too
    assert len(body.strip().splitlines()) == 9


def test_cli_enrol(app, world, tmp_path, mailbox):
    path = tmp_path / "group.csv"
    path.write_bytes(codecs.BOM_UTF8 + MIXED.encode())
    runner = app.test_cli_runner()
    result = runner.invoke(args=["cohorts", "enrol", str(world.cohort_id), str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert "3 new accounts" in result.output and "line 7" in result.output
    assert {m["To"] for m in mailbox.messages} == {
        "aliya@example.kz",
        "irina@example.ru",
        "daniyar@example.com",
    }
    assert "Сәлеметсіз бе" in mailbox.text(mailbox.last_to("aliya@example.kz"))
    again = runner.invoke(args=["cohorts", "enrol", str(world.cohort_id), str(path), "--yes"])
    assert again.exit_code == 0 and "0 new accounts" in again.output


def test_cli_enrol_refuses_a_bad_file(app, world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes("ФИО;Почта\nИрина;i@example.ru\n".encode("cp1251"))
    result = app.test_cli_runner().invoke(
        args=["cohorts", "enrol", str(world.cohort_id), str(path)]
    )
    assert result.exit_code != 0 and "UTF-8" in result.output


def test_a_conflict_at_confirm_rolls_everything_back(app, as_admin, world, monkeypatch):
    """If an account appears between the check and the insert, nothing is half-imported."""
    from app.cohorts import enrolment

    url = preview_url(
        upload(as_admin, world.cohort_id, "name,email\nA,a@example.com\nB,b@example.com\n")
    )
    real = enrolment.classify

    def stale(cohort, rows):  # pretend the check ran before student-a@ registered
        real(cohort, rows)
        rows[1][enrolment.EMAIL] = "student-a@example.com"

    monkeypatch.setattr(enrolment, "classify", stale)
    before = counts(app)
    response = post_form(as_admin, url + "/confirm", token_from=url)
    assert response.status_code == 302
    assert counts(app) == before
    with app.app_context():
        assert db.session.scalar(db.select(EnrolmentImport.status)) == "previewed"
    monkeypatch.setattr(enrolment, "classify", real)
    assert post_form(as_admin, url + "/confirm", token_from=url).status_code == 302
    assert counts(app) == (before[0] + 2, before[1] + 2)


def test_cli_sends_waiting_invitations(app, world, tmp_path, mailbox):
    path = tmp_path / "group.csv"
    path.write_text("name,email\nA,a@example.com\nB,b@example.com\nC,c@example.com\n")
    runner = app.test_cli_runner()
    args = ["cohorts", "enrol", str(world.cohort_id), str(path), "--yes", "--no-invite"]
    assert runner.invoke(args=args).exit_code == 0
    assert mailbox.messages == []
    result = runner.invoke(args=["cohorts", "send-invitations"])
    assert result.exit_code == 0, result.output
    assert {m["To"] for m in mailbox.messages} == {
        "a@example.com",
        "b@example.com",
        "c@example.com",
    }
    assert runner.invoke(args=["cohorts", "send-invitations"]).exit_code == 0
    assert len(mailbox.messages) == 3
