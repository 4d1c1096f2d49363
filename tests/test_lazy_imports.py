"""A web worker serving the everyday pages, signed in or not, loads none of the libraries that
only rare paths need (issue 19, a worker's memory): Pillow (an upload), icalendar (the iCal
feed), PyYAML (reading a course), markdown-it and nh3 (rendering Markdown), email-validator
(checking an address), cryptography's Ed25519 (signing or checking a credential), the
narration, and the ``flask`` commands' modules. Those paths import them when they run; their
own tests cover that they still work.

The pages are requested in a fresh interpreter (``sys.modules`` of this one holds whatever the
test run has loaded), on the test database that the fixtures filled here."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from app.cli import COMMANDS
from app.cohorts import services as cohorts
from app.cohorts.models import Cohort
from app.extensions import db
from app.policy import Role

LAZY = (
    "PIL",
    "icalendar",
    "yaml",
    "markdown_it",
    "nh3",
    "email_validator",
    "cryptography.hazmat.primitives.asymmetric.ed25519",
    "app.learning.narration",
    # the ``flask`` commands (registered by every app, imported when the command line uses them)
    *sorted({module for module, _ in COMMANDS.values()}),
)

SCRIPT = """
import json, sys
from app import create_app

pages, cookies = json.loads(sys.argv[1]), json.loads(sys.argv[2])
app = create_app("test")
statuses = {}
for url, who in pages:
    client = app.test_client()
    if who:
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookies[who])
    for _ in range(2):  # the second request is served from the worker's caches
        statuses[url] = client.get(url, headers={"Accept-Language": "kk"}).status_code
print(json.dumps({"statuses": statuses, "loaded": [m for m in %r if m in sys.modules]}))
"""


@pytest.fixture
def signed_in(app, make_user, login, course, enrol):
    """Session cookies of a student, the cohort's reviewer and an admin."""
    _course_id, cohort_id = course
    student, reviewer, admin = (make_user(r) for r in (Role.STUDENT, Role.REVIEWER, Role.ADMIN))
    enrol(student, cohort_id)
    with app.app_context():
        cohorts.assign_reviewer(db.session.get(Cohort, cohort_id), reviewer)
        db.session.commit()
    cookies = {}
    for name, user in (("student", student), ("reviewer", reviewer), ("admin", admin)):
        client = login(app.test_client(), user)
        cookies[name] = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    return cohort_id, cookies


def test_served_pages_load_no_rarely_needed_library(database_url, signed_in):
    cohort_id, cookies = signed_in
    pages = [
        ("/", None),
        ("/login", None),
        ("/dashboard", "student"),
        ("/courses/demo/modules/m1", "student"),
        ("/review/", "reviewer"),
        (f"/admin/cohorts/{cohort_id}/dashboard", "admin"),
        ("/verify/AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA", None),
    ]
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT % (LAZY,), json.dumps(pages), json.dumps(cookies)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"PATH": "/usr/bin:/bin", "TEST_DATABASE_URL": database_url},
    )
    result = json.loads(out.stdout.splitlines()[-1])
    # The verification page answers 404 for a code that names no certificate (it still renders).
    assert result["statuses"] == {url: 404 if "verify" in url else 200 for url, _ in pages}
    assert result["loaded"] == []
