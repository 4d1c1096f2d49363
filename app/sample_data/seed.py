"""A realistic large cohort for trying the dashboards at scale (``flask seed --students N``).

Students drop off module by module as real cohorts do; those who stop midway have read a
lesson, failed or passed a quiz, or have homework waiting, in review or returned. Rows are
inserted in bulk a chunk of students at a time, and the reviews and rubric scores with one
``INSERT ... SELECT`` each at the end, all in one transaction.
"""

from __future__ import annotations

import enum
import random
import secrets
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import JSON, and_, case, insert, literal, select

from app.auth.models import RoleGrant, User
from app.cohorts import services as cohorts
from app.cohorts.models import Cohort, CohortReviewer, Enrolment
from app.db import utcnow
from app.extensions import db
from app.homework.models import Review, ReviewScore, Status, Submission, Verdict
from app.learning.models import Course, ModuleProgress, QuizAttempt, RubricCriterion
from app.policy import Role

CHUNK = 1000
GIVEN = {
    "kk": ["Айгүл", "Әлия", "Ерлан", "Нұрлан", "Дана", "Жанар", "Ғалым", "Ақерке", "Бауыржан"],
    "ru": ["Ирина", "Сергей", "Ольга", "Дмитрий", "Анна", "Алексей", "Татьяна", "Михаил"],
    "en": ["Daniyar", "Amina", "Timur", "Madina", "Arman", "Sofia", "Adil", "Kamila"],
}
FAMILY = {
    "kk": ["Сейітқызы", "Жұмабаев", "Өмірзақова", "Нұрланұлы", "Қасымова", "Әбішев"],
    "ru": ["Ковалёва", "Иванов", "Петрова", "Смирнов", "Ким", "Попова"],
    "en": ["Nurlanuly", "Seitkali", "Omarova", "Bekov", "Akhmetova", "Li"],
}
WAITING_STATES = [Status.SUBMITTED, Status.IN_REVIEW, Status.RETURNED, Status.DRAFT]


def seed_cohort(
    course: Course,
    students: int,
    *,
    name: str | None = None,
    reviewers: int = 2,
    rng: random.Random | None = None,
    progress: Callable[[int], None] | None = None,
) -> Cohort:
    """Create a cohort of ``students`` with progress, quiz attempts and homework; flush only."""
    rng = rng or random.Random()  # noqa: S311 (made-up data)
    now = utcnow()
    cohort = cohorts.create_cohort(
        course,
        name or f"Seed {now:%Y-%m-%d %H:%M}",
        starts_on=(now - timedelta(days=60)).date(),
        default_locale="kk",
    )
    tag = secrets.token_hex(3)
    people = [
        (f"Reviewer {n}", f"seed-{tag}-reviewer{n}@example.com", "ru") for n in range(reviewers)
    ]
    staff = _users(people, Role.REVIEWER)
    _bulk(
        CohortReviewer,
        [{"cohort_id": cohort.id, "user_id": uid, "assigned_at": now} for uid in staff],
    )
    modules = list(course.modules)
    made = 0
    while made < students:
        size = min(CHUNK, students - made)
        people = []
        for n in range(made, made + size):
            lang = rng.choices(("kk", "ru", "en"), weights=(5, 4, 1))[0]
            full = f"{rng.choice(GIVEN[lang])} {rng.choice(FAMILY[lang])}"
            people.append((full, f"seed-{tag}-{n}@example.com", lang))
        story = _Story(cohort, modules, staff, rng, now)
        for user_id in _users(people, Role.STUDENT):
            story.tell(user_id)
        story.save()
        made += size
        if progress:
            progress(size)
    _reviews(cohort, modules)
    cohorts.recount_cohort(cohort.id)
    db.session.flush()
    return cohort


def _users(people: list[tuple[str, str, str]], role: Role) -> list[int]:
    if not people:
        return []
    now = utcnow()
    table = User.__table__
    ids = list(
        db.session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [
                {
                    "name": n,
                    "email": e,
                    "locale": lang,
                    "password_hash": None,
                    "active": True,
                    "email_verified_at": now,
                    "created_at": now,
                }
                for n, e, lang in people
            ],
        ).scalars()
    )
    _bulk(RoleGrant, [{"user_id": uid, "role": role, "granted_at": now} for uid in ids])
    return ids


class _Story:
    """The rows of a chunk of students: each completes modules in order until they stop; the
    module they stop in is left part-done."""

    def __init__(self, cohort, modules, staff, rng, now) -> None:
        self.cohort, self.modules, self.staff, self.rng, self.now = (
            cohort,
            modules,
            staff,
            rng,
            now,
        )
        self.enrolments, self.progress, self.quizzes, self.submissions = [], [], [], []

    def tell(self, user_id: int) -> None:
        rng = self.rng
        at = self.now - timedelta(days=rng.uniform(3, 60))
        self.enrolments.append(
            {
                "cohort_id": self.cohort.id,
                "course_id": self.cohort.course_id,
                "user_id": user_id,
                "enrolled_at": at,
            }
        )
        for module in self.modules:
            at += timedelta(hours=rng.uniform(2, 96))
            step = 5 if rng.random() < 0.8 else rng.randrange(5)
            if at > self.now or step == 0:
                return  # not started (yet)
            row = {
                "user_id": user_id,
                "module_id": module.id,
                "started_at": at,
                "last_activity_at": at,
                "lesson_read_at": at,
                "video_seconds": 0,
                "quiz_passed_at": None,
                "quiz_attempts": 0,
                "completed_at": None,
            }
            self.progress.append(row)
            if step >= 2:
                passed = step > 2 or rng.random() < 0.5
                tries = rng.randint(1, 3)
                for attempt in range(tries):
                    ok = passed and attempt == tries - 1
                    self.quizzes.append(
                        {
                            "user_id": user_id,
                            "module_id": module.id,
                            "token": secrets.token_urlsafe(16),
                            "submitted_at": at,
                            "answers": {},
                            "score": 2 if ok else 0,
                            "total": 2,
                            "passed": ok,
                        }
                    )
                row["quiz_passed_at"] = at if passed else None
                row["quiz_attempts"] = tries
            if step >= 3:
                at = self._homework(user_id, module.id, step == 5, at)
                row["completed_at"] = at if step == 5 and self.staff else None
            row["last_activity_at"] = at
            if row["completed_at"] is None:
                return

    def _homework(self, user_id: int, module_id: int, accepted: bool, at):
        """The attempts of one module's homework; returns the time of the last event."""
        rng, now = self.rng, self.now
        reviewer = rng.choice(self.staff) if self.staff else None
        state = Status.ACCEPTED if accepted else rng.choice(WAITING_STATES)
        if reviewer is None and state != Status.DRAFT:
            state = Status.SUBMITTED
        attempt_no = 1
        if state == Status.ACCEPTED and rng.random() < 0.3:  # returned once first
            returned = min(at + timedelta(hours=rng.lognormvariate(2.5, 0.8)), now)
            self.submissions.append(
                self._attempt(user_id, module_id, 1, Status.RETURNED, at, reviewer, returned)
            )
            at, attempt_no = min(returned + timedelta(hours=rng.uniform(2, 48)), now), 2
        reviewed = None
        if state in (Status.ACCEPTED, Status.RETURNED):
            reviewed = min(at + timedelta(hours=rng.lognormvariate(2.5, 0.8)), now)
        self.submissions.append(
            self._attempt(user_id, module_id, attempt_no, state, at, reviewer, reviewed)
        )
        return reviewed or at

    def _attempt(self, user_id, module_id, attempt_no, state, at, reviewer, reviewed) -> dict:
        claimed = state == Status.IN_REVIEW
        return {
            "user_id": user_id,
            "module_id": module_id,
            "cohort_id": self.cohort.id,
            "attempt_no": attempt_no,
            "status": state,
            "language": "kk",
            "claim": "Ыстық су тұмауды емдейді.",
            "claim_url": "https://example.com/post",
            "platform": "Telegram",
            "method": "Reverse image search",
            "reasoning": "…",
            "verdict": None if state == Status.DRAFT else self.rng.choice(list(Verdict)),
            "created_at": at,
            "updated_at": reviewed or at,
            "submitted_at": None if state == Status.DRAFT else at,
            "claimed_by_id": reviewer if claimed else None,
            "claimed_at": at if claimed else None,
            "claim_expires_at": self.now + timedelta(minutes=30) if claimed else None,
            "reviewer_id": reviewer if reviewed else None,
            "reviewed_at": reviewed,
            "version": 1,
        }

    def save(self) -> None:
        _bulk(Enrolment, self.enrolments)
        _bulk(ModuleProgress, self.progress)
        _bulk(QuizAttempt, self.quizzes)
        _bulk(Submission, self.submissions)


def _reviews(cohort: Cohort, modules) -> None:
    """A review for every graded attempt, and rubric scores for it: two statements."""
    graded = (Submission.status == Status.ACCEPTED) | (Submission.status == Status.RETURNED)
    decision = case((Submission.status == Status.ACCEPTED, literal("accept")), else_="return")
    db.session.execute(
        insert(Review.__table__).from_select(
            ["submission_id", "reviewer_id", "decision", "feedback", "created_at"],
            select(
                Submission.id, Submission.reviewer_id, decision, literal(""), Submission.reviewed_at
            ).where(Submission.cohort_id == cohort.id, graded),
        )
    )
    criteria = db.session.scalars(
        select(RubricCriterion).where(
            RubricCriterion.module_id.in_([m.id for m in modules]),
            RubricCriterion.retired.is_(False),
        )
    ).all()
    if not criteria:
        return
    levels = {c.id: sorted(level["points"] for level in c.levels) for c in criteria}
    top = case({cid: p[-1] for cid, p in levels.items()}, value=RubricCriterion.id)
    middle = case({cid: p[len(p) // 2] for cid, p in levels.items()}, value=RubricCriterion.id)
    low = case({cid: p[0] for cid, p in levels.items()}, value=RubricCriterion.id)
    points = case(
        (Review.decision == "return", low),
        ((Review.id + RubricCriterion.id) % 4 == 0, middle),
        else_=top,
    )
    db.session.execute(
        insert(ReviewScore.__table__).from_select(
            ["review_id", "criterion_id", "points", "feedback"],
            select(Review.id, RubricCriterion.id, points, literal(""))
            .join(Submission, Submission.id == Review.submission_id)
            .join(
                RubricCriterion,
                and_(
                    RubricCriterion.module_id == Submission.module_id,
                    RubricCriterion.retired.is_(False),
                ),
            )
            .where(Submission.cohort_id == cohort.id),
        )
    )


def _bulk(model, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts with the same keys): COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        for start in range(0, len(rows), CHUNK):
            connection.execute(insert(model.__table__), rows[start : start + CHUNK])
        return
    # Lazy: the PostgreSQL driver is loaded only where it is used (not on SQLite).
    from psycopg.types.json import Json

    table = model.__table__
    names = list(rows[0])
    json_columns = {name for name in names if isinstance(table.c[name].type, JSON)}
    statement = f'COPY "{table.name}" ({", ".join(names)}) FROM STDIN'
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([Json(row[n]) if n in json_columns else _plain(row[n]) for n in names])


def _plain(value):
    return value.value if isinstance(value, enum.Enum) else value
