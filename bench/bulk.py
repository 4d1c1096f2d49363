"""Large cohorts, fast: students, enrolments, progress, quiz attempts, submissions and reviews
by COPY.

Rows are generated deterministically from the student's number, one table per COPY stream,
with explicit ids (the sequences are moved past them afterwards). Foreign-key triggers are
skipped for the load (``session_replication_role = replica``; the generator only points at rows
it made or was given); CHECK and UNIQUE constraints still apply to every row.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.auth.models import search_key

CHUNK = 20_000
NAMES = ["Айгүл", "Ерлан", "Динара", "Нұрлан", "Ирина", "Тимур", "Әсел", "Daniyar", "Жанна"]
LOCALES = ["kk", "ru", "en"]
NOW = datetime.now(UTC).replace(microsecond=0)
START = NOW - timedelta(days=90)


@dataclass(frozen=True)
class Cohort:
    cohort_id: int
    course_id: int
    module_ids: list[int]  # in course order
    reviewer_id: int


@dataclass(frozen=True)
class Attempt:
    module: int  # index into module_ids
    attempt_no: int
    status: str
    submitted_at: datetime
    reviewed_at: datetime | None


def _ts(value: datetime | None) -> str:
    return "\\N" if value is None else value.isoformat()


def plan(k: int, per_student: int, modules: int) -> list[Attempt]:
    """Student ``k``'s attempts: ``per_student`` of them over 1..modules modules.

    Every attempt but the last of a module is returned; a module's last attempt is accepted,
    except on the last module touched, which is waiting, expired in review, or accepted.
    """
    touched = 1 + k % modules
    base = START + timedelta(seconds=(k * 7919) % (80 * 86400))
    attempts, n = [], 0
    for m in range(touched):
        count = per_student // touched + (1 if m < per_student % touched else 0)
        for a in range(1, count + 1):
            last = a == count
            if not last:
                status = "returned"
            elif m < touched - 1:
                status = "accepted"
            else:
                status = ("submitted", "submitted", "in_review", "accepted")[k % 4]
            submitted = base + timedelta(hours=6 * n)
            reviewed = (
                submitted + timedelta(hours=1 + (k + n) % 70)
                if status in ("returned", "accepted")
                else None
            )
            attempts.append(Attempt(m, a, status, submitted, reviewed))
            n += 1
    return attempts


TABLES = (
    "user",
    "role_grant",
    "enrolment",
    "module_progress",
    "quiz_attempt",
    "submission",
    "review",
)
BIGGEST_FIRST = (
    "submission",
    "review",
    "module_progress",
    "quiz_attempt",
    "user",
    "enrolment",
    "role_grant",
)
QUIZ_TOTAL = 8  # questions per quiz; a failed first try scores 3 of them
_done = None  # rows copied per table, shared with the worker processes (set before they fork)


def _connect(url: str):
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))


class Loader:
    """Generates and COPYs one cohort's rows; ``ids`` are the tables' max ids before the load."""

    def __init__(self, cohort: Cohort, *, count: int, per_student: int, tag: str, ids) -> None:
        self.cohort, self.count, self.per_student = cohort, count, per_student
        self.tag, self.ids = tag, ids

    def user_id(self, k: int) -> int:
        return self.ids["user"] + 1 + k

    def expected(self) -> int:
        """How many rows the load will write (for the progress bar)."""
        total = 3 * self.count
        for k in range(self.count):
            attempts = self._plan(k)
            modules = len({a.module for a in attempts})
            total += len(attempts) + modules + modules * (2 if self.retakes(k) else 1)
            total += sum(1 for a in attempts if a.reviewed_at)
        return total

    def copy(self, url: str, table: str) -> int:
        columns, lines = getattr(self, "_" + table)()
        with _connect(url) as conn:
            conn.execute("SET session_replication_role = replica")  # no FK triggers
            done, chunk = 0, []
            with conn.cursor().copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for line in lines:
                    chunk.append(line)
                    if len(chunk) >= CHUNK:
                        copy.write("".join(chunk))
                        done += len(chunk)
                        _done[TABLES.index(table)] = done
                        chunk = []
                copy.write("".join(chunk))
                done += len(chunk)
            conn.commit()
        _done[TABLES.index(table)] = done
        return done

    # -- the tables -------------------------------------------------------------------------
    def _user(self):
        cols = (
            "id, email, name, search_name, password_hash, locale, active, email_verified_at, "
            "created_at"
        )

        def rows():
            for k in range(self.count):
                name = f"{NAMES[k % len(NAMES)]} {self.tag}-{k}"
                yield (
                    f"{self.user_id(k)}\t{self.tag}-{k}@bench.tekser.kz\t{name}\t"
                    f"{search_key(name)}\t\\N\t"
                    f"{LOCALES[k % 3]}\tt\t{_ts(START)}\t{_ts(START)}\n"
                )

        return cols, rows()

    def _role_grant(self):
        base = self.ids["role_grant"]
        rows = (
            f"{base + 1 + k}\t{self.user_id(k)}\tstudent\t{_ts(START)}\n" for k in range(self.count)
        )
        return "id, user_id, role, granted_at", rows

    def _enrolment(self):
        """With the progress summary the app keeps (``app.cohorts.summary``): the modules whose
        last attempt was accepted (their progress rows are complete), and the latest of joining,
        the progress rows' activity and the attempts' changes (all at hand-in times)."""
        c, base = self.cohort, self.ids["enrolment"]

        def rows():
            for k in range(self.count):
                attempts = self._plan(k)
                last_of = {a.module: a for a in attempts}
                completed = sum(1 for a in last_of.values() if a.status == "accepted")
                latest = max([START] + [a.submitted_at for a in attempts])
                yield (
                    f"{base + 1 + k}\t{c.cohort_id}\t{c.course_id}\t{self.user_id(k)}\t"
                    f"{_ts(START)}\t{completed}\t{_ts(latest)}\n"
                )

        return (
            "id, cohort_id, course_id, user_id, enrolled_at, completed_modules, last_activity_at",
            rows(),
        )

    def _module_progress(self):
        cols = (
            "id, user_id, module_id, started_at, last_activity_at, lesson_read_at, "
            "video_seconds, video_watched_at, quiz_passed_at, quiz_attempts, completed_at"
        )

        def rows():
            next_id = self.ids["module_progress"]
            for k in range(self.count):
                last_of: dict[int, Attempt] = {}
                for attempt in self._plan(k):
                    last_of[attempt.module] = attempt
                for m, attempt in last_of.items():
                    next_id += 1
                    first = attempt.submitted_at - timedelta(days=1)
                    done = attempt.reviewed_at if attempt.status == "accepted" else None
                    yield (
                        f"{next_id}\t{self.user_id(k)}\t{self.cohort.module_ids[m]}\t{_ts(first)}\t"
                        f"{_ts(attempt.submitted_at)}\t{_ts(first)}\t0\t\\N\t{_ts(first)}\t"
                        f"{2 if self.retakes(k) else 1}\t{_ts(done)}\n"
                    )

        return cols, rows()

    @staticmethod
    def retakes(k: int) -> bool:
        """Every third student failed each quiz once before passing it."""
        return k % 3 == 0

    def _quiz_attempt(self):
        """The quiz passed before each module's homework (``quiz_passed_at`` of the progress
        rows), after one failed try for every third student."""
        cols = "id, user_id, module_id, token, submitted_at, answers, score, total, passed"

        def rows():
            next_id = self.ids["quiz_attempt"]
            for k in range(self.count):
                last_of = {attempt.module: attempt for attempt in self._plan(k)}
                for m, attempt in last_of.items():
                    passed_at = attempt.submitted_at - timedelta(days=1)  # as quiz_passed_at
                    tries = [(passed_at - timedelta(hours=2), 3, "f")] if self.retakes(k) else []
                    for at, score, passed in [*tries, (passed_at, QUIZ_TOTAL, "t")]:
                        next_id += 1
                        yield (
                            f"{next_id}\t{self.user_id(k)}\t{self.cohort.module_ids[m]}\t"
                            f"bench-{next_id:0>37}\t{_ts(at)}\t{{}}\t{score}\t{QUIZ_TOTAL}\t"
                            f"{passed}\n"
                        )

        return cols, rows()

    def _plan(self, k: int) -> list[Attempt]:
        return plan(k, self.per_student, len(self.cohort.module_ids))

    def _submission(self):
        cols = (
            "id, user_id, module_id, cohort_id, attempt_no, status, language, claim, verdict, "
            "method, reasoning, created_at, updated_at, submitted_at, claimed_by_id, claimed_at, "
            "claim_expires_at, reviewer_id, reviewed_at, version"
        )
        c = self.cohort

        def rows():
            next_id = self.ids["submission"]
            for k in range(self.count):
                for a in self._plan(k):
                    next_id += 1
                    claimed = a.status == "in_review"
                    reviewer = c.reviewer_id if a.reviewed_at or claimed else None
                    yield (
                        f"{next_id}\t{self.user_id(k)}\t{c.module_ids[a.module]}\t{c.cohort_id}\t"
                        f"{a.attempt_no}\t{a.status}\t{LOCALES[k % 3]}\t"
                        f"Claim {k}.{a.module}.{a.attempt_no}: a viral post says so\tfalse\t"
                        f"Reverse image search; archived copies.\tThe photo is from 2019.\t"
                        f"{_ts(a.submitted_at)}\t{_ts(a.submitted_at)}\t{_ts(a.submitted_at)}\t"
                        f"{c.reviewer_id if claimed else chr(92) + 'N'}\t"
                        f"{_ts(a.submitted_at if claimed else None)}\t"
                        f"{_ts(a.submitted_at + timedelta(minutes=30) if claimed else None)}\t"
                        f"{reviewer if a.reviewed_at else chr(92) + 'N'}\t{_ts(a.reviewed_at)}\t1\n"
                    )

        return cols, rows()

    def _review(self):
        def rows():
            sub_id, next_id = self.ids["submission"], self.ids["review"]
            for k in range(self.count):
                for a in self._plan(k):
                    sub_id += 1
                    if a.reviewed_at is None:
                        continue
                    next_id += 1
                    decision = "accept" if a.status == "accepted" else "return"
                    yield (
                        f"{next_id}\t{sub_id}\t{self.cohort.reviewer_id}\t{decision}\t"
                        f"Feedback.\t{_ts(a.reviewed_at)}\n"
                    )

        return "id, submission_id, reviewer_id, decision, feedback, created_at", rows()


def _copy_one(loader: Loader, url: str, table: str) -> int:
    return loader.copy(url, table)


def bar(label: str, done: int, total: int, started: float, *, end: bool = False) -> None:
    """A one-line progress bar on stderr (redrawn on a terminal; printed at the end otherwise)."""
    tty = sys.stderr.isatty()
    if not (tty or end):
        return
    share = min(done / total, 1.0) if total else 1.0
    filled = round(30 * share)
    elapsed = time.monotonic() - started
    line = (
        f"  {label} [{'#' * filled}{'.' * (30 - filled)}] {share:4.0%} "
        f"{done:>10,}/{total:,} rows  {elapsed:5.1f}s"
    )
    sys.stderr.write(("\r" if tty else "") + line + ("\n" if end else ""))
    sys.stderr.flush()


def load(url: str, cohort: Cohort, *, count: int, per_student: int, tag: str) -> dict[str, int]:
    """COPY the cohort's rows, two tables at a time, then move the sequences and ANALYZE."""
    global _done
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, wait

    with _connect(url) as conn:
        ids = {
            t: conn.execute(f'SELECT coalesce(max(id), 0) FROM "{t}"').fetchone()[0] for t in TABLES
        }
    loader = Loader(cohort, count=count, per_student=per_student, tag=tag, ids=ids)
    total, started = loader.expected(), time.monotonic()
    _done = multiprocessing.Array("q", len(TABLES), lock=False)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        futures = {t: pool.submit(_copy_one, loader, url, t) for t in BIGGEST_FIRST}
        while wait(futures.values(), timeout=0.5).not_done:
            bar(f"{tag}: COPY", sum(_done), total, started)
        counts = {t: f.result() for t, f in futures.items()}
    bar(f"{tag}: COPY", sum(counts.values()), total, started, end=True)
    with _connect(url) as conn:
        for table in TABLES:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT max(id) FROM "{table}"))'
            )
        conn.commit()
        conn.autocommit = True  # VACUUM: the visibility map a settled database has, so
        for table in TABLES:  # index-only scans work as they would in production
            conn.execute(f'VACUUM ANALYZE "{table}"')
    return counts
