"""No GET request writes anything.

A crawl of every GET route in ``app.url_map``, with its URL parameters filled from a seeded world
(one's own objects, other people's, other cohorts', missing ids), as each kind of visitor. After
every request the database must hold exactly what it held before (every table, every row), no
INSERT, UPDATE or DELETE may have been sent, and no file may have appeared in the upload folder.

The one write a GET may cause is the audit log's note of a refused request (``access.denied``),
which is committed after the refusal's rollback on purpose.

A GET route added later is crawled too: one whose URL takes a parameter this file does not know
fails ``test_every_get_route_is_crawled`` until values are given for it below.
"""

from __future__ import annotations

import io
import itertools
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import event

from app.db import utcnow
from app.extensions import db
from app.homework.models import Status
from app.policy import public
from tests.fixtures.app import post_form
from tests.fixtures.double_marking import make_disputed
from tests.fixtures.homework import (
    as_user,
    fact_check,
    latest_submission,
    make_submission,
    post_homework,
    uploaded,
)
from tests.fixtures.images import png
from tests.fixtures.teaching import make_announcement

WRITE_RE = re.compile(
    r"^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|CREATE|DROP|ALTER|TRUNCATE)\b", re.IGNORECASE
)
AUDIT_TABLE = "audit_event"
MISSING = 999_999
WHO = ["anonymous", "owner", "graduate", "reviewer", "other_reviewer", "admin"]

# Query strings worth crawling on top of the bare URLs (filters, switches, languages).
EXTRA = [
    "/verify?code={code}",
    "/verify?code=nonsense",
    "/certificates/{code}.pdf?lang=kk",
    "/review/?state=accepted",
    "/review/?state=in_review&language=en&wait=24&module={m1}",
    "/admin/?archived=1",
    "/admin/users?q=owner&role=student",
    "/admin/audit?page=1",
    "/admin/cohorts/{a}/students?sort=name&q=owner",
    "/admin/cohorts/{a}/dashboard?stalled=7",
    "/admin/cohorts/{a}/agreement?page=2",
    "/admin/cohorts/{a}/at-risk?days=1&reason=idle&page=2",
    "/announcements?page=2",
    "/courses/demo/modules/m1?lang=kk",
    "/courses/demo/modules/m1?quality=audio",
    "/courses/demo/modules/m1/media/en/low?download=1",
    "/notifications?page=2",
    "/admin/cohorts/{a}/schedule",
    "/admin/cohorts/{a}/extensions",
]


@dataclass
class Seeded:
    values: dict[str, list]  # URL argument name -> values to try
    per_endpoint: dict[tuple[str, str], list]  # (endpoint, argument) -> values
    fill: dict[str, object]  # for EXTRA


def _seed(app, login, w) -> Seeded:
    """Everything a GET could touch: submissions in every state with screenshots, a review and
    its notification, quiz attempts, a certificate, a pending enrolment upload, live tokens."""
    from app.auth import invitations, tokens
    from app.auth.models import User
    from app.certificates import services as certificates
    from app.cohorts import services as cohorts
    from app.cohorts.models import Cohort
    from app.learning import progress, quiz
    from app.learning.models import Module
    from app.review import services as review
    from tests.fixtures.homework import enrol

    # The owner: m1 submitted (with a screenshot), graded through the service, lesson and quiz
    # done, so m2 opens and holds a draft with a screenshot of its own.
    owner = as_user(app, login, w.owner)
    assert post_homework(owner, fact_check(), shots=[(png(), "a.png")], submit=True).status_code
    m2 = "/courses/demo/modules/m2/homework"
    classmate = as_user(app, login, w.classmate)
    assert post_homework(classmate, fact_check(), shots=[(png(), "b.png")], submit=True)
    with app.test_request_context():
        m1 = db.session.get(Module, w.modules["m1"])
        reviewer = db.session.get(User, w.reviewer.id)
        sub = latest_submission(app, w.owner, m1.id)
        sub = db.session.merge(sub)
        assert review.claim(reviewer, sub)
        criteria = {c.id: (2, "Good.") for c in m1.criteria}
        review.grade(
            reviewer,
            sub,
            version=sub.version,
            decision=review.Decision.ACCEPT,
            scores=criteria,
            feedback="Well done.",
        )
        progress.mark_lesson_read(w.owner.id, m1)
        quiz.submit_quiz(w.owner.id, m1, {"q1": ["a"], "q2": ["b", "c"]}, quiz.new_token())
        quiz.submit_quiz(w.classmate.id, m1, {"q1": ["b"], "q2": ["a"]}, quiz.new_token())
        progress.refresh_completion(w.owner.id, m1)
        db.session.commit()
    assert post_homework(owner, fact_check(), shots=[(png(), "c.png")], url=m2).status_code == 302
    outsider = as_user(app, login, w.outsider)
    assert post_homework(outsider, fact_check(), shots=[(png(), "d.png")], submit=True)

    # A graduate of cohort A with a certificate; a submission claimed by the reviewer; one
    # whose claim has expired (opening it must not take it over).
    graduate = w.people["graduate"]
    enrol(app, graduate, w.cohort_a)
    for module_id in w.modules.values():
        make_submission(
            app, graduate, w.cohort_a, module_id=module_id, status=Status.ACCEPTED,
            reviewer_id=w.reviewer.id, reviewed_at=utcnow(),
        )  # fmt: skip
    with app.test_request_context():
        for module_id in w.modules.values():
            module = db.session.get(Module, module_id)
            progress.mark_lesson_read(graduate.id, module)
            progress.mark_quiz_passed(graduate.id, module)
        db.session.commit()
        certificate = certificates.issue_certificate(graduate.id, w.course_id, w.cohort_a)
        db.session.commit()
        code = certificate.code
        invite = db.session.get(Cohort, w.cohort_a).invite_code
        confirm = tokens.make(tokens.VERIFY, {"u": w.owner.id, "e": w.owner.email, "n": ""})
        owner_row = db.session.get(User, w.owner.id)
        reset = tokens.make(
            tokens.RESET,
            {"u": w.owner.id, "h": tokens.password_fingerprint(owner_row.password_hash)},
        )
        assert cohorts.cohort_for_invite(invite) is not None
        invited = db.session.get(User, w.classmate.id)
        invitation = invitations.issue_invitation_token(invited)
        # A live calendar feed (with dates in it) and an unsubscribe link.
        from app.auth.services import new_calendar_token
        from app.cohorts.models import CohortModuleDate
        from app.mail import Kind, optout

        feed = new_calendar_token(owner_row)
        db.session.add(
            CohortModuleDate(
                cohort_id=w.cohort_a,
                module_id=w.modules["m1"],
                opens_at=utcnow() - timedelta(days=1),
                due_at=utcnow() + timedelta(days=1),
            )
        )
        unsubscribe = optout.make_token(w.owner.id, Kind.REMINDERS)
        db.session.commit()
    claimed = make_submission(
        app, w.classmate, w.cohort_a, module_id=w.modules["m2"], status=Status.IN_REVIEW,
        claimed_by_id=w.reviewer.id, claimed_at=utcnow(),
        claim_expires_at=utcnow() + timedelta(minutes=20),
    )  # fmt: skip
    expired = make_submission(
        app, w.outsider, w.cohort_b, module_id=w.modules["m2"], status=Status.IN_REVIEW,
        claimed_by_id=w.other_reviewer.id, claimed_at=utcnow() - timedelta(hours=2),
        claim_expires_at=utcnow() - timedelta(hours=1),
    )  # fmt: skip

    # A pending enrolment upload (a file in the upload folder).
    admin = as_user(app, login, w.admin)
    response = post_form(
        admin,
        f"/admin/cohorts/{w.cohort_a}/enrol",
        {"file": (io.BytesIO(b"name,email\nNew,new@example.com\n"), "s.csv")},
        token_from=f"/admin/cohorts/{w.cohort_a}",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.status_code
    enrol_token = response.headers["Location"].rsplit("/", 1)[1]

    # A double-marked attempt whose two grades disagree, waiting for an admin.
    marking = make_disputed(app, w.classmate, w.cohort_a, w.modules["m3"], w.reviewer, w.admin)
    announcement = make_announcement(app, w.admin, w.cohort_a, title_ru="Т", body_ru="Текст")

    with app.app_context():
        from app.homework.models import Screenshot, Submission
        from app.learning.models import QuizAttempt

        submissions = list(db.session.scalars(db.select(Submission.id)))
        shots = list(db.session.scalars(db.select(Screenshot.id)))
        attempts = list(db.session.scalars(db.select(QuizAttempt.id)))
    assert claimed in submissions and expired in submissions
    return Seeded(
        values={
            "submission_id": [*submissions, MISSING],
            "shot_id": [*shots, MISSING],
            "attempt_id": [*attempts, MISSING],
            "cohort_id": [w.cohort_a, w.cohort_b, 999_999],
            "user_id": [w.owner.id, w.reviewer.id, 999_999],
            "course_slug": ["demo", "missing"],
            "module_slug": ["m1", "m2", "m3"],
            "lang": ["en", "kk", "xx"],
            "list_id": [1, 2],
            "filename": ["css/tekser.css"],
            "kind": ["low", "poster", "1080p"],
            "marking_id": [marking, MISSING],
            "announcement_id": [announcement, MISSING],
        },
        per_endpoint={
            ("certificates.verify", "code"): [code, code.lower(), "NOPE-0000"],
            ("certificates.certificate_pdf", "code"): [code, "NOPE-0000"],
            ("certificates.certificate_json", "code"): [code, "NOPE-0000"],
            ("cohorts.join", "code"): [invite, "nope"],
            ("auth.confirm_email", "token"): [confirm, "bad"],
            ("auth.reset_password", "token"): [reset, "bad"],
            ("auth.accept_invitation", "token"): [invitation, "bad"],
            ("admin.enrolment_preview", "token"): [enrol_token, "bad"],
            ("admin.enrolment_report", "token"): [enrol_token, "bad"],
            ("learning.calendar_feed", "token"): [feed, "bad"],
            ("auth.unsubscribe", "token"): [unsubscribe, "bad"],
        },
        fill={"code": code, "a": w.cohort_a, "m1": w.modules["m1"]},
    )


def get_rules(app):
    return sorted(
        (r for r in app.url_map.iter_rules() if "GET" in r.methods),
        key=lambda r: (r.endpoint, r.rule),
    )


def urls_of(app, seeded: Seeded) -> tuple[list[str], list[str]]:
    """Every GET URL to crawl, and the (endpoint, argument) pairs nobody gave values for."""
    urls, unknown = [], []
    for rule in get_rules(app):
        names = sorted(rule.arguments)
        choices = []
        for name in names:
            values = seeded.per_endpoint.get((rule.endpoint, name), seeded.values.get(name))
            if values is None:
                unknown.append(f"{rule.endpoint}:{name}")
                break
            choices.append(values)
        else:
            with app.test_request_context():
                from flask import url_for

                for combo in itertools.product(*choices):
                    urls.append(url_for(rule.endpoint, **dict(zip(names, combo, strict=True))))
    urls += [extra.format(**seeded.fill) for extra in EXTRA]
    return urls, unknown


def dump(app) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    out = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(db.select(table).order_by(*table.primary_key.columns))
            out[table.name] = sorted((tuple(map(repr, row)) for row in rows), key=str)
        db.session.rollback()
    return out


@contextmanager
def recording_writes(app):
    seen: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if WRITE_RE.match(statement):
            seen.append(" ".join(statement.split())[:160])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def check_get(app, client, url: str, before: dict | None = None) -> tuple[list[str], dict]:
    """The writes a GET of ``url`` made (beyond the audit note of a refusal), described; and
    the database as it is now (the next request's "before")."""
    before = dump(app) if before is None else before
    files_before = uploaded(app)
    with recording_writes(app) as writes:
        response = client.get(url)
    after = dump(app)
    problems = []
    if response.status_code >= 500:
        problems.append(f"{url}: {response.status_code}")
    refused = response.status_code in (403, 404)
    for statement in writes:
        audit_insert = statement.upper().startswith(f"INSERT INTO {AUDIT_TABLE.upper()}")
        if not (refused and audit_insert):
            problems.append(f"{url} [{response.status_code}]: {statement}")
    for table in before:
        if table == AUDIT_TABLE:
            continue
        if before[table] != after[table]:
            problems.append(f"{url} [{response.status_code}]: table {table} changed")
    new_audit = len(after[AUDIT_TABLE]) - len(before[AUDIT_TABLE])
    if new_audit and (not refused or new_audit != 1):
        problems.append(f"{url} [{response.status_code}]: {new_audit} audit event(s)")
    if uploaded(app) != files_before:
        problems.append(f"{url} [{response.status_code}]: files in the upload folder changed")
    return problems, after


@pytest.fixture
def seeded(app, login, world, make_user):
    world.people["graduate"] = make_user(name="Graduate Student", locale="en")
    return _seed(app, login, world)


def test_every_get_route_is_crawled(app, seeded):
    urls, unknown = urls_of(app, seeded)
    assert unknown == [], "give the crawl values for these URL arguments"
    endpoints = {r.endpoint for r in get_rules(app)}
    with app.test_request_context():
        crawled = {app.url_map.bind("localhost").match(u.split("?")[0])[0] for u in urls}
    assert endpoints <= crawled


@pytest.mark.parametrize("who", WHO)
def test_no_get_writes(app, login, world, seeded, who):
    urls, _unknown = urls_of(app, seeded)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    if who != "anonymous":
        login(client, world.people[who])
    problems, state = [], dump(app)
    for url in urls:
        found, state = check_get(app, client, url, state)
        problems += found
    assert problems == [], "\n".join(problems)


def test_the_crawl_catches_a_get_that_writes(app):
    """The check itself: a GET route that writes is reported (a row, and an uploaded file)."""

    @app.route("/probe")
    @public
    def probe():
        from app.auth import services

        services.create_user(
            email="probe@example.com", name="Probe", password="x" * 12, roles=[], verified=True
        )
        from pathlib import Path

        (Path(app.config["UPLOAD_DIR"]) / "probe.txt").write_text("x")
        return "ok"

    problems, _after = check_get(app, app.test_client(), "/probe")
    assert any("INSERT INTO" in p for p in problems)
    assert any("table user changed" in p for p in problems)
    assert any("upload folder" in p for p in problems)
