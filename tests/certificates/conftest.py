"""Certificate fixtures: a small course, enrolled students, and a way to complete it.

Completing a course means every module has its lesson read, its quiz passed and its homework
accepted; the homework domain's answer is replaced by ``accepted`` (its own tests cover it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from app.db import utcnow
from app.extensions import db
from app.learning import progress
from app.learning.models import Module

ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "interop" / "verifier"
KAZAKH = "ӘҒҚҢӨҰҮҺІ әғқңөұүһі"


@pytest.fixture
def app_factory(app_factory):
    """The app as the factory makes it, plus this domain if the factory does not wire it yet."""

    def factory(**overrides):
        app = app_factory(**overrides)
        if "certificates" not in app.blueprints:
            from app.certificates import bp, routes  # noqa: F401 (routes add the views)
            from app.certificates.cli import certificates

            app.register_blueprint(bp)
            app.cli.add_command(certificates)
        return app

    return factory


@pytest.fixture
def course(make_course):
    """(course_id, cohort_id) of a three-module course in order."""
    return make_course()


@pytest.fixture
def accepted(monkeypatch):
    """Every homework of the users in this set counts as accepted."""
    from app.homework.services import HomeworkState

    users: set[int] = set()
    real = progress.homework_states

    def fake(user_id, module_ids):
        if user_id in users:
            return dict.fromkeys(module_ids, HomeworkState.ACCEPTED)
        return real(user_id, module_ids)

    monkeypatch.setattr(progress, "homework_states", fake)
    return users


@pytest.fixture
def titles(app, course):
    """Give the course real titles with Kazakh letters (the shared builder's are placeholders)."""
    from app.learning.models import Course

    with app.app_context():
        row = db.session.get(Course, course[0])
        row.title = {
            "kk": "Телефонмен ақпаратты тексеру",
            "ru": "Проверка информации с телефона",
            "en": "Checking information with a phone",
        }
        row.organisation = {"kk": "Tekser мектебі", "ru": "Школа Tekser", "en": "Tekser School"}
        db.session.commit()
        return dict(row.title)


@pytest.fixture
def complete(app, accepted):
    """``complete(user, course_id, modules=None)``: every part of the first N modules (or all)."""

    def do(user, course_id, modules: int | None = None):
        accepted.add(user.id)
        with app.app_context():
            rows = db.session.scalars(
                db.select(Module).where(Module.course_id == course_id).order_by(Module.position)
            ).all()
            for module in rows[:modules]:
                progress.mark_lesson_read(user.id, module)
                progress.mark_quiz_passed(user.id, module)
                # Set directly, not through refresh_completion, so these tests do not depend
                # on the completion hook (test_hook.py covers it).
                row = progress.mark_lesson_read(user.id, module)
                row.completed_at = utcnow()
            db.session.commit()

    return do


@pytest.fixture
def issue(app):
    """``issue(user, course)`` → the certificate's code (issued through the service)."""
    from app.certificates import services

    def do(user, course):
        with app.app_context():
            certificate = services.issue_certificate(user.id, course[0], course[1])
            db.session.commit()
            return certificate.code

    return do


@pytest.fixture
def graduate(make_user, enrol, course, complete, issue, titles):
    """A student with a Kazakh name who completed the course and holds its certificate."""

    def make(**kwargs):
        kwargs.setdefault("name", f"Айгерім {KAZAKH}")
        kwargs.setdefault("locale", "kk")
        user = make_user(**kwargs)
        enrol(user, course[1])
        complete(user, course[0])
        return user, issue(user, course)

    return make


def run_verifier(credential: dict, controller: dict, status: dict | None) -> dict:
    """The independent JS verifier, offline, on files written for it."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name, document in (("vc", credential), ("ctrl", controller), ("sl", status)):
            if document is not None:
                paths[name] = Path(tmp) / f"{name}.json"
                paths[name].write_text(json.dumps(document, ensure_ascii=False), "utf-8")
        args = [
            "node",
            str(VERIFIER / "verify.mjs"),
            str(paths["vc"]),
            "--controller",
            str(paths["ctrl"]),
        ]
        if "sl" in paths:
            args += ["--status-list", str(paths["sl"])]
        done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.strip(), done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def js_verifier():
    """Skip only when node/npm are absent; otherwise install the pinned packages if needed."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node/npm not installed: the independent JS verifier cannot run")
    if not (VERIFIER / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        subprocess.run(
            ["npm", "ci", "--prefix", str(VERIFIER), "--no-audit", "--no-fund"],
            check=True,
            capture_output=True,
            timeout=600,
        )
    return run_verifier
