"""A service's refusal (``app.errors.DomainError``) left to the app becomes a page: its status,
its message in the user's language, nothing saved, and a 403 written to the audit log."""

from __future__ import annotations

import pytest
from flask_babel import lazy_gettext as _l

from app.audit.models import AuditEvent
from app.errors import ConflictError, DomainError, NotFoundError, RefusedError
from app.extensions import db
from app.homework.services import Conflict, HomeworkError
from app.learning.services import CourseNotFound, ModuleLocked
from app.policy import public
from tests.fixtures.app import csrf_token

REFUSALS = {
    "conflict": ConflictError(_l("This homework has already been graded.")),
    "homework-conflict": Conflict(_l("Another reviewer is reviewing this homework.")),
    "rule": HomeworkError(_l("Only a returned homework can be revised.")),
    "plain": DomainError(),
    "missing": NotFoundError(),
    "course": CourseNotFound(),
    "locked": ModuleLocked("module 7 locked"),
    "refused": RefusedError("not today", _l("You do not have access to this page.")),
}


@pytest.fixture
def raising(app):
    """``/raise/<name>`` raises ``REFUSALS[name]`` after writing an audit row (which the
    refusal must not keep)."""

    @public
    def view(name):
        db.session.add(AuditEvent(action="test.written"))
        db.session.flush()
        raise REFUSALS[name]

    app.add_url_rule("/raise/<name>", "raise", view, methods=["GET", "POST"])
    return app


def events(app, action):
    with app.app_context():
        return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize(
    ("name", "status", "text"),
    [
        ("conflict", 409, "This homework has already been graded."),
        ("homework-conflict", 409, "Another reviewer is reviewing this homework."),
        ("rule", 422, "Only a returned homework can be revised."),
        ("plain", 422, "The request could not be understood."),
        ("missing", 404, "There is no page at this address."),
        ("course", 404, "There is no page at this address."),
        ("locked", 403, "You do not have access to this page."),
        ("refused", 403, "You do not have access to this page."),
    ],
)
def test_a_refusal_is_its_status_and_message_and_saves_nothing(raising, client, name, status, text):
    response = client.post(f"/raise/{name}", data={"csrf_token": csrf_token(client), "a": "1"})
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert text in page
    # Sending the same form again cannot change a refusal: no "Send again" form.
    assert "Send again" not in page and 'name="a"' not in page
    assert events(raising, "test.written") == []


@pytest.mark.parametrize(
    ("name", "reason"), [("locked", "module 7 locked"), ("refused", "not today")]
)
def test_a_403_is_written_to_the_audit_log(raising, client, name, reason):
    assert client.get(f"/raise/{name}").status_code == 403
    [event] = events(raising, "access.denied")
    assert event.details["reason"] == reason and event.details["endpoint"] == "raise"


@pytest.mark.parametrize(
    ("language", "title", "text"),
    [
        ("kk", "Бұл арада өзгертілді", "Бұл үй тапсырмасы бұрын бағаланған."),
        ("ru", "Уже изменено", "Это домашнее задание уже оценено."),
    ],
)
def test_the_page_is_in_the_users_language(raising, language, title, text):
    client = raising.test_client()
    response = client.get("/raise/conflict", headers={"Accept-Language": language})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert text in page and title in page


def test_api_clients_get_json(raising):
    response = raising.test_client().get(
        "/raise/conflict", headers={"Accept": "application/json", "Accept-Language": "en"}
    )
    assert response.status_code == 409
    assert response.json["message"] == "This homework has already been graded."
