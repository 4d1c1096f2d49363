"""Shared by the homework and review tests: a course with a rubric and two cohorts of the same
course, the people of the access matrices, images made in memory, and helpers that post the
fact-check and grading forms like a browser and take snapshots of what a request may change."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from app.audit.models import AuditEvent
from app.cohorts import services as cohorts
from app.cohorts.models import Cohort
from app.db import utcnow
from app.extensions import db
from app.homework.models import (
    Evidence,
    Notification,
    Review,
    ReviewScore,
    Screenshot,
    Status,
    Submission,
    Verdict,
)
from app.learning.models import Module, ModuleProgress, RubricCriterion
from app.policy import Role
from tests.conftest import post_form
from tests.learning.conftest import _t, build_course

HW = "/courses/demo/modules/m1/homework"
VERSION_RE = re.compile(r'name="version"[^>]*value="(\d*)"')
CSRF_VALUE_RE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+"')
LEVELS = (0, 1, 2)


# --- images made in memory --------------------------------------------------------------------


def image_bytes(fmt: str = "PNG", size=(40, 30), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def png(size=(40, 30), color=(200, 30, 30)) -> bytes:
    return image_bytes("PNG", size, color)


def jpeg(size=(30, 40), color=(30, 30, 200)) -> bytes:
    return image_bytes("JPEG", size, color)


def files(*items: tuple[bytes, str]) -> list[tuple[io.BytesIO, str]]:
    """Fresh streams for one request (a stream is consumed by the request that sends it)."""
    return [(io.BytesIO(data), name) for data, name in items]


# --- the world --------------------------------------------------------------------------------


@dataclass
class World:
    course_id: int
    cohort_a: int
    cohort_b: int
    modules: dict[str, int]
    criteria: dict[str, list[int]]
    people: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["people"][name]
        except KeyError:
            raise AttributeError(name) from None


def add_rubric(module: Module, count: int = 2) -> list[RubricCriterion]:
    made = []
    for n in range(1, count + 1):
        criterion = RubricCriterion(
            module_id=module.id,
            key=f"c{n}",
            position=n,
            title=_t(f"Criterion {n}"),
            levels=[
                {
                    "points": p,
                    "label": _t(f"Level {p}"),
                    "description": _t(f"Criterion {n} at level {p}"),
                }
                for p in LEVELS
            ],
        )
        db.session.add(criterion)
        made.append(criterion)
    db.session.flush()
    return made


@pytest.fixture
def world(app, make_user) -> World:
    """One course (m1..m3, two criteria each) taken by cohorts A and B, and:

    owner and classmate (students in A), outsider (a student in B), reviewer (of A),
    other_reviewer (of B), admin."""
    with app.app_context():
        course = build_course(3)
        criteria = {m.slug: [c.id for c in add_rubric(m)] for m in course.modules}
        a = cohorts.create_cohort(course, "Cohort A")
        b = cohorts.create_cohort(course, "Cohort B")
        db.session.commit()
        w = World(course.id, a.id, b.id, {m.slug: m.id for m in course.modules}, criteria)
    # English speakers, so pages and emails read the same whatever the catalogs hold.
    w.people = {
        "owner": make_user(name="Owner Student", locale="en"),
        "classmate": make_user(name="Classmate Student", locale="en"),
        "outsider": make_user(name="Outsider Student", locale="en"),
        "reviewer": make_user(Role.REVIEWER, name="Reviewer A", locale="en"),
        "other_reviewer": make_user(Role.REVIEWER, name="Reviewer B", locale="en"),
        "admin": make_user(Role.ADMIN, name="Admin", locale="en"),
    }
    enrol(app, w.owner, w.cohort_a)
    enrol(app, w.classmate, w.cohort_a)
    enrol(app, w.outsider, w.cohort_b)
    assign(app, w.reviewer, w.cohort_a)
    assign(app, w.other_reviewer, w.cohort_b)
    return w


def enrol(app, user, cohort_id: int) -> None:
    with app.app_context():
        cohorts.enrol(user, db.session.get(Cohort, cohort_id))
        db.session.commit()


def assign(app, user, cohort_id: int) -> None:
    with app.app_context():
        cohorts.assign_reviewer(db.session.get(Cohort, cohort_id), user)
        db.session.commit()


# --- submissions made straight in the database ------------------------------------------------


def make_submission(
    app,
    user,
    cohort_id: int,
    *,
    module_id: int,
    status: Status = Status.SUBMITTED,
    attempt_no: int = 1,
    language: str = "en",
    waited: timedelta = timedelta(hours=1),
    claim: str = "Drinking hot water cures the flu.",
    **fields,
) -> int:
    values = {
        "claim_url": "https://example.com/post/1",
        "platform": "Telegram",
        "verdict": Verdict.FALSE,
        "method": "Reverse image search",
        "reasoning": "The WHO says otherwise.",
        "submitted_at": None if status == Status.DRAFT else utcnow() - waited,
        **fields,
    }
    with app.app_context():
        sub = Submission(
            user_id=user.id,
            module_id=module_id,
            cohort_id=cohort_id,
            attempt_no=attempt_no,
            status=status,
            language=language,
            claim=claim,
            evidence=[Evidence(position=1, url="https://who.int/flu", note="WHO page")],
            **values,
        )
        db.session.add(sub)
        db.session.commit()
        return sub.id


def get_submission(app, submission_id: int) -> Submission:
    with app.app_context():
        sub = db.session.get(Submission, submission_id)
        db.session.expunge(sub)
        return sub


def set_fields(app, submission_id: int, **values) -> None:
    with app.app_context():
        db.session.execute(
            db.update(Submission).where(Submission.id == submission_id).values(**values)
        )
        db.session.commit()


# --- what a request may change ----------------------------------------------------------------

SNAPSHOT_MODELS = (
    Submission,
    Evidence,
    Screenshot,
    Review,
    ReviewScore,
    Notification,
    ModuleProgress,
)


def snapshot(app) -> dict[str, list[tuple]]:
    """Every row of the tables homework and review write, to compare before and after."""
    out = {}
    with app.app_context():
        for model in SNAPSHOT_MODELS:
            columns = list(model.__table__.columns)
            rows = db.session.execute(db.select(*columns).order_by(*model.__table__.primary_key))
            out[model.__tablename__] = [tuple(row) for row in rows]
    return out


def uploaded(app) -> set[Path]:
    """Every file under UPLOAD_DIR (temporary ones included)."""
    root = Path(app.config["UPLOAD_DIR"])
    return {p for p in root.rglob("*") if p.is_file()}


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def audit_events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        events = list(
            db.session.scalars(
                db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )
        for event in events:
            db.session.expunge(event)
        return events


# --- forms posted like a browser --------------------------------------------------------------


def fact_check(**changes) -> dict:
    """A complete, valid fact-check form."""
    data = {
        "claim": "Drinking hot water cures the flu.",
        "claim_url": "https://example.com/post/1",
        "platform": "Telegram",
        "verdict": "false",
        "evidence-0-url": "https://www.who.int/news-room/fact-sheets/detail/influenza",
        "evidence-0-note": "WHO fact sheet",
        "evidence-1-url": "https://example.org/study",
        "evidence-1-note": "A study",
        "method": "Reverse image search, then the WHO site.",
        "reasoning": "The WHO fact sheet lists no such cure.",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def page_version(client, url: str = HW) -> str:
    found = VERSION_RE.search(client.get(url).get_data(as_text=True))
    return found.group(1) if found else ""


def post_homework(
    client, data: dict, *, shots=(), submit: bool = False, version=None, url: str = HW
):
    """Save (or submit) the homework form, with the version the page shows unless given."""
    data = dict(data)
    data["version"] = page_version(client, url) if version is None else version
    data["submit" if submit else "save"] = "x"
    if shots:
        data["screenshots"] = files(*shots)
    return post_form(client, url, data, token_from=url, content_type="multipart/form-data")


def grading(
    world: World,
    module: str = "m1",
    *,
    points=(2, 2),
    decision: str | None = "accept",
    feedback: str = "Well argued.",
    notes=("Clear claim.", "Good sources."),
) -> dict:
    data = {"feedback": feedback}
    if decision is not None:
        data["decision"] = decision
    for cid, p, note in zip(world.criteria[module], points, notes, strict=False):
        if p is not None:
            data[f"c-{cid}"] = str(p)
        data[f"f-{cid}"] = note
    return data


def review_url(submission_id: int, action: str = "") -> str:
    return f"/review/submissions/{submission_id}" + (f"/{action}" if action else "")


def open_for_review(client, submission_id: int) -> tuple[int, str]:
    """Open the review page and press "Start reviewing" when it is offered (a GET claims
    nothing); the page's status and the version its grading form carries."""
    url = review_url(submission_id)
    response = client.get(url)
    if response.status_code == 200 and review_url(submission_id, "claim") in response.text:
        claimed = post_form(client, review_url(submission_id, "claim"), token_from=url)
        assert claimed.status_code == 302, claimed.status_code
        response = client.get(url)
    found = VERSION_RE.search(response.get_data(as_text=True))
    return response.status_code, found.group(1) if found else ""


def post_grade(client, submission_id: int, data: dict, version: str | int | None = None):
    data = dict(data)
    if version is None:
        _status, version = open_for_review(client, submission_id)
    data["version"] = str(version)
    return post_form(client, review_url(submission_id, "grade"), data, token_from="/")


def as_shown(response, url: str) -> str:
    """A page as compared between two requests: without its per-request CSRF tokens and the
    address asked for (which the language switcher echoes back, whatever the answer)."""
    return CSRF_VALUE_RE.sub(r'\1"', response.get_data(as_text=True)).replace(url, "URL")


def as_user(app, login, user):
    """A fresh English-speaking browser signed in as ``user``."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return login(client, user)


def latest_submission(app, user, module_id: int) -> Submission | None:
    with app.app_context():
        sub = db.session.scalar(
            db.select(Submission)
            .where(Submission.user_id == user.id, Submission.module_id == module_id)
            .order_by(Submission.attempt_no.desc())
        )
        if sub is not None:
            # Load what the tests read, then detach.
            _ = [sub.evidence, sub.screenshots, sub.review and sub.review.scores]
            db.session.expunge_all()
        return sub
