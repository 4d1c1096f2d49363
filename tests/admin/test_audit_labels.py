"""The audit log names its events, what they are about and their details in the reader's
language (kk, ru, en); a code without a label is shown as stored."""

import re
from html import unescape
from pathlib import Path

import pytest

from app.audit.events import EVENT_LABELS, detail_items
from app.audit.models import AuditEvent
from app.db import utcnow
from app.extensions import db
from tests.admin.test_audit import listed, shown

APP = Path(__file__).resolve().parents[2] / "app"
NAMES = {
    "en": ("Students enrolled from a file", "Homework graded", "Group"),
    "ru": ("Студенты зачислены из файла", "Домашнее задание оценено", "Поток"),
    "kk": ("Студенттер файлдан тіркелді", "Үй тапсырмасы бағаланды", "Топ"),
}


@pytest.fixture
def logged(app, world):
    with app.app_context():
        db.session.add_all(
            [
                AuditEvent(
                    action="cohort.enrolment_imported",
                    actor_id=world.admin.id,
                    at=utcnow(),
                    target_type="cohort",
                    target_id=world.cohort_id,
                    details={"filename": "x" * 200 + ".csv", "counts": {"new": 3, "error": 1}},
                ),
                AuditEvent(
                    action="homework.graded",
                    actor_id=world.reviewer.id,
                    at=utcnow(),
                    details={"decision": "accept", "points": 7},
                ),
                AuditEvent(action="brand.new_thing", at=utcnow(), details={"mystery": 1}),
            ]
        )
        db.session.commit()


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_event_names_are_translated(as_admin, world, logged, lang):
    as_admin.set_cookie("lang", lang, domain="localhost")
    html = listed(as_admin)
    enrolled, graded, group = NAMES[lang]
    assert {enrolled, graded, "brand.new_thing"} <= set(shown(html))
    assert not [name for name in shown(html) if re.fullmatch(r"[a-z_]+\.[a-z_.]+", name)][1:]
    assert f"{group} {world.cohort_id}" in html
    assert "cohort.enrolment_imported</" not in html and "homework.graded</" not in html
    assert f'<option value="homework.graded">{graded}</option>' in html


def test_details_are_a_list_of_labelled_values(as_admin, world, logged):
    html = listed(as_admin)
    assert '<dl class="details">' in html
    assert "<dt>File</dt><dd>" + "x" * 200 + ".csv</dd>" in html
    assert '<dt>Counts</dt><dd>{"new": 3, "error": 1}</dd>' in unescape(html)
    assert "<dt>mystery</dt><dd>1</dd>" in html  # an unknown key as stored


def test_detail_items():
    assert detail_items({"after": ["admin", "student"], "before": []}) == [
        ("After", "admin, student"),
        ("Before", "—"),
    ]
    assert detail_items(None) == []


def test_every_recorded_event_has_a_label():
    """Each event code the app writes (``record("x.y", ...)``) is named in EVENT_LABELS."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in APP.rglob("*.py"))
    codes = set(re.findall(r'record\(\s*"([a-z_]+\.[a-z_.]+)"', source))
    codes |= set(re.findall(r'"([a-z_]+\.[a-z_]+)" if .+ else "([a-z_]+\.[a-z_]+)"', source)[0])
    codes |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', source))
    assert len(codes) >= 15
    assert codes - set(EVENT_LABELS) == set()


def test_user_page_names_events(as_admin, world, logged):
    html = as_admin.get(f"/admin/users/{world.reviewer.id}").get_data(as_text=True)
    assert '<th scope="row">Homework graded</th>' in html and "<dt>Decision</dt>" in html
