"""Seed a benchmark database with the app's own services, plus bulk cohorts.

    python -m bench.seed main   # cohorts of 20 and 10,000 students, sign-in cookies (JSON out)
    python -m bench.seed scale --students 100000 --per-student 10

Reads the same environment as the servers (DATABASE_URL, SECRET_KEY, TEKSER_ENV=production), so
the session cookies it prints are valid for them. Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import time

from bench import bulk
from bench.infra import ROOT, VENV_BIN, say
from bench.targets import USER_AGENT

LOGIN_PASSWORD = "bench-Login-2026!"  # noqa: S105 (a throwaway account on a throwaway database)
PROBE_MODULE = 3  # the probe student has modules 1-2 complete and works on this one


def flask(*args: str) -> None:
    subprocess.run(
        [str(VENV_BIN / "flask"), *args],
        cwd=ROOT,
        env={**os.environ, "FLASK_APP": "app:create_app"},
        check=True,
        stdout=sys.stderr,
        timeout=600,
    )


def prepare() -> list[str]:
    """Migrate (the app's migrations, so its real indexes) and import the bundled course.

    Tables the models have but no migration creates yet (a domain still being built) are
    created from the models, and named in the results, so the gap is visible, not fatal.
    """
    flask("db", "upgrade")
    missing = schema_gaps()
    flask("courses", "import", "courses/fact-checking")
    return missing


def schema_gaps() -> list[str]:
    from sqlalchemy import inspect

    from app import create_app
    from app.extensions import db

    app = create_app()
    with app.app_context():
        present = set(inspect(db.engine).get_table_names())
        missing = [t for t in db.metadata.sorted_tables if t.name not in present]
        if missing:
            say(f"not in any migration yet, created from the models: {[t.name for t in missing]}")
            db.metadata.create_all(db.engine, tables=missing)
        db.engine.dispose()
    return [t.name for t in missing]


def login_cookie(app, user) -> str:
    """The ``tekser_session`` cookie of a real sign-in: a LoginSession row plus the signed
    session Flask-Login would have written (token, freshness, session-protection id, CSRF)."""
    from flask_login.utils import _create_identifier

    from app.auth.models import LoginSession
    from app.auth.sessions import _hash
    from app.extensions import db

    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(token_hash=_hash(token), user_id=user.id, user_agent=USER_AGENT))
    headers = {"User-Agent": USER_AGENT}
    with app.test_request_context(headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        ident = _create_identifier()
    data = {
        "_permanent": True,
        "_user_id": token,
        "_fresh": True,
        "_id": ident,
        "csrf_token": secrets.token_hex(20),
    }
    return app.session_interface.get_signing_serializer(app).dumps(data)


class Seeder:
    """People and progress through the services, as the app itself would make them."""

    def __init__(self, app) -> None:
        from app.extensions import db
        from app.learning.models import Course

        self.app = app
        self.course = db.session.scalar(db.select(Course).where(Course.slug == "fact-checking"))
        self.modules = list(self.course.modules)
        self.n = 0

    def user(self, role, tag: str, password: str | None = None):
        from app.auth.services import create_user

        self.n += 1
        locale = ("kk", "ru", "en")[self.n % 3]
        return create_user(
            email=f"{tag}@bench.tekser.kz",
            name=f"Бенч {tag}",
            password=password,
            roles=[role],
            locale=locale,
            verified=True,
        )

    def cohort(self, name: str, reviewer):
        from app.cohorts import services as cohorts

        cohort = cohorts.create_cohort(self.course, name)
        cohorts.assign_reviewer(cohort, reviewer)
        return cohort

    def student(self, tag: str, cohort, reviewer, *, complete: int, then: str | None):
        """A student with ``complete`` modules done and the next one at ``then`` (``submitted``,
        ``lesson`` or None)."""
        from app.cohorts import services as cohorts
        from app.policy import Role

        student = self.user(Role.STUDENT, tag)
        cohorts.enrol(student, cohort)
        for module in self.modules[:complete]:
            self.work(student, module, cohort, reviewer, accept=True)
        if then and complete < len(self.modules):
            nxt = self.modules[complete]
            if then == "lesson":
                from app.learning import progress

                progress.mark_lesson_read(student.id, nxt)
            else:
                self.work(student, nxt, cohort, reviewer, accept=False)
        return student

    def work(self, student, module, cohort, reviewer, *, accept: bool) -> None:
        from app.homework import services as homework
        from app.homework.models import Decision, Verdict
        from app.learning import progress, quiz
        from app.review import services as review

        progress.mark_lesson_read(student.id, module)
        answers = {q.key: list(q.correct) for q in module.questions}
        quiz.submit_quiz(student.id, module, answers, quiz.new_token())
        fact_check = homework.FactCheck(
            claim="A viral photo shows the flood in Almaty this week.",
            claim_url="https://example.org/post/1",
            platform="Telegram",
            verdict=Verdict.FALSE,
            method="Reverse image search; the archived original.",
            reasoning="The photo was published in 2019 in another country.",
            evidence=[("https://example.org/archive/1", "the 2019 original")],
        )
        sub = homework.save_draft(student, module, cohort.id, fact_check, language="kk")
        homework.submit(student, sub)
        if accept:
            scores = {c.id: (c.levels[-1]["points"], "") for c in module.criteria}
            review.grade(
                reviewer,
                sub,
                version=sub.version,
                decision=Decision.ACCEPT,
                scores=scores,
                feedback="Well argued.",
            )


def certificate_code(student, cohort) -> str | None:
    """The student's certificate code: one issued on completion, or by ``issue_certificate``."""
    from bench import certs

    return certs.code_for(student, cohort)


def _bulk(app, s: Seeder, cohort, reviewer, *, count: int, per_student: int, tag: str):
    """COPY ``count`` more students into ``cohort``; returns the rows written per table."""
    from app.extensions import db

    target = bulk.Cohort(cohort.id, s.course.id, [m.id for m in s.modules], reviewer.id)
    db.session.commit()
    db.session.close()
    db.engine.dispose()  # no pooled connection is inherited by the loader's processes
    return bulk.load(
        app.config["SQLALCHEMY_DATABASE_URI"],
        target,
        count=count,
        per_student=per_student,
        tag=tag,
    )


def seed_main(app, *, light: bool = False) -> dict:
    from app import jobs
    from app.auth.models import User
    from app.cohorts.models import Cohort
    from app.extensions import db
    from app.policy import Role

    out: dict = {"cohorts": {}, "cookies": {}, "codes": {}}
    people: dict[int, tuple[int, int, int, int]] = {}
    with app.test_request_context():
        s = Seeder(app)
        out["course"] = s.course.slug
        out["module"] = s.modules[PROBE_MODULE - 1].slug
        admin = s.user(Role.ADMIN, "admin")
        login = s.user(Role.STUDENT, "login", password=LOGIN_PASSWORD)
        out["login"] = {
            "email": login.email,
            "password": LOGIN_PASSWORD,
            "method": login.password_hash.split("$", 1)[0],  # e.g. scrypt:32768:8:1
        }
        admin_id = admin.id
        for size in (20, 10_000):
            reviewer = s.user(Role.REVIEWER, f"reviewer-{size}")
            cohort = s.cohort(f"Bench cohort of {size}", reviewer)
            probe = s.student(f"probe-{size}", cohort, reviewer, complete=2, then="submitted")
            done = s.student(f"complete-{size}", cohort, reviewer, complete=6, then=None)
            for i in range(18 if size == 20 else 0):
                then = ("submitted", "lesson", None)[i % 3]
                done_modules = 0 if light else i % 3  # light: a quicker seed for --quick
                s.student(f"s{size}-{i}", cohort, reviewer, complete=done_modules, then=then)
            db.session.flush()
            out["cohorts"][str(size)] = {"id": cohort.id, "reviewer_id": reviewer.id}
            people[size] = (cohort.id, reviewer.id, probe.id, done.id)
        jobs.discard()  # the seed asks for no mail delivery (its outbox rows stay unsent)
        say("bulk-loading the other 9,998 students of the 10,000 cohort...")
        _bulk(app, s, cohort, reviewer, count=10_000 - 2, per_student=10, tag="c10k")

        for size, (cohort_id, reviewer_id, probe_id, done_id) in people.items():
            cohort = db.session.get(Cohort, cohort_id)
            out["codes"][str(size)] = certificate_code(db.session.get(User, done_id), cohort)
            probe, reviewer = db.session.get(User, probe_id), db.session.get(User, reviewer_id)
            out["cookies"][f"student-{size}"] = login_cookie(app, probe)
            out["cookies"][f"reviewer-{size}"] = login_cookie(app, reviewer)
        out["cookies"]["admin"] = login_cookie(app, db.session.get(User, admin_id))
        jobs.discard()  # the seed asks for no mail delivery (its outbox rows stay unsent)
        db.session.commit()
    return out


def seed_scale(app, students: int, per_student: int) -> dict:
    """One cohort of ``students`` with ``per_student`` submissions each, by COPY."""
    from app.auth.models import User
    from app.extensions import db
    from app.policy import Role

    with app.test_request_context():
        s = Seeder(app)
        admin = s.user(Role.ADMIN, "admin")
        reviewer = s.user(Role.REVIEWER, "reviewer")
        cohort = s.cohort(f"Scale cohort of {students}", reviewer)
        ids = (admin.id, reviewer.id, cohort.id)
        started = time.monotonic()
        counts = _bulk(
            app, s, cohort, reviewer, count=students, per_student=per_student, tag="scale"
        )
        seconds = time.monotonic() - started
        admin, reviewer = db.session.get(User, ids[0]), db.session.get(User, ids[1])
        cookies = {"admin": login_cookie(app, admin), "reviewer": login_cookie(app, reviewer)}
        db.session.commit()
        return {
            "cohort_id": ids[2],
            "cookies": cookies,
            "rows": counts,
            "seed_seconds": round(seconds, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["main", "scale"])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--per-student", type=int, default=10)
    parser.add_argument("--light", action="store_true", help="less progress in the cohort of 20")
    args = parser.parse_args()
    gaps = prepare()
    from app import create_app

    app = create_app()
    with app.app_context():
        if args.what == "main":
            result = seed_main(app, light=args.light)
        else:
            result = seed_scale(app, args.students, args.per_student)
    result["schema_gaps"] = gaps
    print(json.dumps(result))


if __name__ == "__main__":
    main()
