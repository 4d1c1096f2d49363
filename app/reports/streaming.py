"""Pieces for responses that stream: spreadsheet-safe CSV text, a cohort read up front, and
the students of a cohort merged from three row streams.

A streamed body is generated after the request's commit, which expires every ORM object, so
generators work from a ``CohortInfo`` read beforehand and from fresh queries only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from app.auth.models import User
from app.cohorts.models import Cohort
from app.db import utcnow
from app.extensions import db
from app.homework.models import Submission
from app.learning.models import ModuleProgress
from app.reports import queries, students

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Server-side cursors where the database has them: rows arrive a thousand at a time.
STREAM = {"yield_per": 1000, "stream_results": True}


def neutralise(value) -> str | int | float:
    """A cell as text, with formula-looking text made inert (numbers are left as numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV text in pieces: the BOM and header first, then a chunk every few hundred rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    yield BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for n, row in enumerate(rows, 1):
        writer.writerow([neutralise(cell) for cell in row])
        if n % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@dataclass(frozen=True)
class ModuleInfo:
    id: int
    slug: str
    position: int
    title: dict


@dataclass(frozen=True)
class CohortInfo:
    id: int
    course_id: int
    course_slug: str
    name: str
    starts_on: date | None
    ends_on: date | None
    default_locale: str
    sequential: bool
    archived: bool
    ordered: bool
    modules: tuple[ModuleInfo, ...]
    homework_required: bool = True  # the course's completion rule


def snapshot(cohort: Cohort) -> CohortInfo:
    return CohortInfo(
        id=cohort.id,
        course_id=cohort.course_id,
        course_slug=cohort.course.slug,
        name=cohort.name,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        default_locale=cohort.default_locale,
        sequential=cohort.sequential,
        archived=cohort.archived_at is not None,
        ordered=queries.in_order(cohort),
        modules=tuple(
            ModuleInfo(m.id, m.slug, m.position, dict(m.title)) for m in queries.modules_of(cohort)
        ),
        homework_required=cohort.course.homework_required,
    )


def student_records(info: CohortInfo) -> Iterator[tuple]:
    """(student row, module states, progress rows, homework states) per student, by id: three
    streamed queries merged by student id, whatever the cohort size."""
    ids = [m.id for m in info.modules]
    people = db.session.execute(
        students.base_query(info, ids).order_by(User.id).execution_options(**STREAM)
    )
    progress = queries.Grouped(
        db.session.execute(
            queries.progress_rows(info, ids)
            .order_by(ModuleProgress.user_id)
            .execution_options(**STREAM)
        ),
        lambda row: row.user_id,
    )
    homework = queries.Grouped(
        db.session.execute(
            queries.homework_rows(info)
            .order_by(Submission.user_id, Submission.module_id, Submission.attempt_no)
            .execution_options(**STREAM)
        )
    )
    now = utcnow()
    for person in people:
        rows = {row.module_id: row for row in progress.take(person.user_id)}
        hw = queries.homework_state(homework.take(person.user_id), now)
        yield (
            person,
            queries.module_states(info.modules, rows, hw, info.ordered, info.homework_required),
            rows,
            hw,
        )
