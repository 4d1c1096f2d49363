"""The audit log page: filters by actor, action and date; pages; read-only."""

import re
from datetime import timedelta

import pytest

from app.audit.models import AuditEvent
from app.db import utcnow
from app.extensions import db


@pytest.fixture
def events(app, world):
    now = utcnow()
    with app.app_context():
        rows = [
            AuditEvent(
                action="user.roles_changed",
                actor_id=world.admin.id,
                at=now,
                target_type="user",
                target_id=world.student.id,
                details={"after": ["x"]},
            ),
            AuditEvent(
                action="homework.graded",
                actor_id=world.reviewer.id,
                at=now - timedelta(days=3),
                details={"decision": "accept"},
            ),
            AuditEvent(
                action="certificate.revoked",
                actor_id=world.admin.id,
                at=now - timedelta(days=40),
                details={"code": "ABC"},
            ),
        ]
        rows += [
            AuditEvent(action="access.denied", at=now - timedelta(days=20), details={})
            for _ in range(60)
        ]
        db.session.add_all(rows)
        db.session.commit()


def listed(client, query: str = "") -> str:
    response = client.get("/admin/audit" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def shown(html: str) -> list[str]:
    """The events listed, by their (translated) names: each row's header."""
    return re.findall(r'<th scope="row">([^<]+)</th>', html)


def test_filters(as_admin, world, events):
    html = listed(as_admin, "?actor=rev-a@")
    assert shown(html) == ["Homework graded"]
    html = listed(as_admin, "?action=certificate.revoked")
    assert "ABC" in html and "1 event" in html
    html = listed(as_admin, "?action=user.")
    assert shown(html) == ["Roles changed"]
    today = utcnow().date()
    html = listed(as_admin, f"?since={today - timedelta(days=5)}&until={today}")
    assert "Homework graded" in shown(html) and "Certificate revoked" not in shown(html)
    html = listed(as_admin, f"?until={today - timedelta(days=30)}")
    assert "1 event" in html and shown(html) == ["Certificate revoked"]


def test_pages(as_admin, world, events):
    until = utcnow().date() - timedelta(days=10)
    first = listed(as_admin, f"?until={until}")
    assert "61 events" in first and "Page 1 of 2" in first
    second = listed(as_admin, f"?until={until}&page=2")
    assert "Page 2 of 2" in second and "Certificate revoked" in shown(second)


@pytest.mark.parametrize(
    "query",
    [
        "?since=yesterday",
        "?until=2026-13-01",
        "?since=2026-02-01&until=2026-01-01",
        "?action=DROP TABLE",
        "?action=" + "a" * 80,
        "?page=0",
        "?page=x",
        "?actor=%01",
    ],
)
def test_bad_filters_are_refused(as_admin, world, query):
    assert as_admin.get("/admin/audit" + query).status_code == 400


def test_read_only(as_admin, world):
    assert as_admin.post("/admin/audit").status_code in (400, 405)
