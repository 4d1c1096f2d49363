"""Writing a course spec into the database.

Rows are matched by identity (course slug, module slug, question and criterion key), never by
position, so re-importing keeps every id that students' progress, quiz attempts and grades refer
to. Nothing is deleted: what the folder no longer lists is ``retired``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.cohorts import services as cohorts
from app.db import utcnow
from app.extensions import db
from app.learning import progress
from app.learning.content import markdown
from app.learning.content.spec import CourseSpec, ModuleSpec
from app.learning.models import Course, Module, QuizQuestion, RubricCriterion
from app.video import services as video

KINDS = ("course", "module", "question", "criterion")


class ContentError(ValueError):
    """The spec has errors; nothing was written."""


@dataclass
class ImportResult:
    course_id: int
    # kind -> {"created": n, "updated": n, "retired": n, "unchanged": n}
    counts: dict[str, Counter] = field(default_factory=lambda: {k: Counter() for k in KINDS})
    # (module folder, language) -> "queued", "unchanged" or "outranked" (app.video.services)
    videos: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(c[s] for c in self.counts.values() for s in ("created", "updated", "retired"))

    def summary(self) -> list[str]:
        states = ("created", "updated", "retired", "unchanged")
        return [
            f"{kind:<10} " + ", ".join(f"{self.counts[kind][s]} {s}" for s in states)
            for kind in KINDS
        ]


def _assign(row: Any, values: dict[str, Any]) -> bool:
    """Set only what differs, so an unchanged row is not even marked dirty."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def import_course(spec: CourseSpec, *, echo: Callable[[str], None] | None = None) -> ImportResult:
    """Upsert ``spec`` into the caller's transaction (flush only; the caller commits once).

    Modules, questions and criteria are matched by slug/key; the ones no longer listed are
    retired, and listed ones that had been retired come back. ModuleProgress and QuizAttempt
    rows are never touched. Importing the same folder twice changes nothing.
    Raises :class:`ContentError` if the spec has errors.
    """
    if spec.errors:
        raise ContentError(f"{len(spec.errors)} errors in {spec.path}; nothing imported")
    say = echo or (lambda _message: None)
    course = db.session.scalar(select(Course).where(Course.slug == spec.slug))
    relaxed = False
    values = {
        "title": spec.title,
        "summary": spec.summary,
        "organisation": spec.organisation,
        "quiz_pass_mark": spec.quiz_pass_mark,
        "video_watched_share": spec.video_watched_share,
        "sequential": spec.sequential,
        "module_every_days": spec.module_every_days,
        "homework_due_days": spec.homework_due_days,
        "quiz_feedback": spec.quiz_feedback,
        "quiz_retry_cooldown": spec.quiz_retry_cooldown,
        "homework_required": spec.homework_required,
    }
    if course is None:
        course = Course(slug=spec.slug, imported_at=utcnow(), **values)
        db.session.add(course)
        db.session.flush()
        result = ImportResult(course.id)
        result.counts["course"]["created"] += 1
    else:
        was_required = course.homework_required
        result = ImportResult(course.id)
        result.counts["course"]["updated" if _assign(course, values) else "unchanged"] += 1
        relaxed = was_required and not course.homework_required
    say(f"course {spec.slug}: {len(spec.modules)} modules")
    before = _current_modules(course.id)
    _import_modules(course, spec, result, say)
    db.session.flush()
    if relaxed:
        # The rule no longer asks for accepted homework: students it now counts as complete
        # are completed (and get their certificate) at once, not at their next step.
        done = progress.complete_pending(course.id)
        if done:
            say(f"  completion rule relaxed: {done} module completions recorded")
    if _current_modules(course.id) != before:
        # Only current modules count towards "modules complete": recount the students'.
        cohorts.recount_course(course.id)
    if result.changed:
        course.imported_at = utcnow()  # when an import last changed something
    db.session.flush()
    return result


def _current_modules(course_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(Module.id).where(Module.course_id == course_id, Module.retired.is_(False))
        )
    )


def _import_modules(course: Course, spec: CourseSpec, result: ImportResult, say) -> None:
    rows = {
        m.slug: m for m in db.session.scalars(select(Module).where(Module.course_id == course.id))
    }
    listed = {m.slug for m in spec.modules}
    # Listed modules take 1..n; retired ones follow in their old order, so positions stay
    # distinct within the course even though no constraint demands it (yet).
    gone = sorted((m for s, m in rows.items() if s not in listed), key=lambda m: (m.position, m.id))
    final = {m.slug: i for i, m in enumerate(spec.modules, 1)}
    final.update({m.slug: i for i, m in enumerate(gone, len(spec.modules) + 1)})
    _make_room(rows, final)
    counts = result.counts["module"]
    for number, mspec in enumerate(spec.modules, 1):
        values = _module_values(mspec) | {"position": number, "retired": False}
        module = rows.get(mspec.slug)
        if module is None:
            module = Module(course_id=course.id, slug=mspec.slug, **values)
            db.session.add(module)
            db.session.flush()
            state = "created"
        else:
            state = "updated" if _assign(module, values) else "unchanged"
        counts[state] += 1
        questions = _sync(QuizQuestion, module.id, _question_rows(mspec), result.counts["question"])
        criteria = _sync(
            RubricCriterion, module.id, _criterion_rows(mspec), result.counts["criterion"]
        )
        videos = video.offer_module_sources(
            spec.slug,
            module,
            mspec.folder,
            {k: spec.path / v for k, v in mspec.video_sources.items()},
        )
        result.videos.update({(mspec.folder, lang): outcome for lang, outcome in videos.items()})
        say(
            f"  [{number}/{len(spec.modules)}] {mspec.folder}: {state}; "
            f"{_told(len(mspec.questions), 'questions', questions)}, "
            f"{_told(len(mspec.criteria), 'criteria', criteria)}"
            + "".join(f"; video {lang} {outcome}" for lang, outcome in sorted(videos.items()))
        )
    _retire_modules(gone, final, counts, say)


def _retire_modules(gone: list[Module], final: dict[str, int], counts: Counter, say) -> None:
    for module in gone:
        was_retired = module.retired
        module.position = final[module.slug]
        module.retired = True
        if not was_retired:
            counts["retired"] += 1
            say(f"  retired module {module.slug} (no longer listed)")


def _make_room(rows: dict[str, Module], final: dict[str, int]) -> None:
    """Park the modules that move on free positions first, so a swap never has two rows on
    one position at any flush (safe even under a unique constraint on position)."""
    moving = [m for slug, m in rows.items() if m.position != final[slug]]
    if not moving:
        return
    top = max([m.position for m in rows.values()] + list(final.values()))
    for offset, module in enumerate(moving, 1):
        module.position = top + offset
    db.session.flush()


def _module_values(m: ModuleSpec) -> dict[str, Any]:
    return {
        "title": m.title,
        "summary": m.summary,
        "lesson_html": {lang: markdown.render(text) for lang, text in m.lesson.items()},
        "homework_html": {lang: markdown.render(text) for lang, text in m.homework.items()},
        "captions": dict(m.captions),
        "transcript": dict(m.transcript),
        "video_url": m.video_url,
        "video_duration": m.video_duration,
        "reviewer_guide": _guide_html(m.reviewer_guide),
    }


def _html(text: dict[str, str]) -> dict[str, str]:
    return {lang: markdown.render(value) for lang, value in text.items()}


def _guide_html(guide: dict[str, Any]) -> dict[str, Any]:
    """The reviewer guide with its Markdown rendered (and sanitised) once, at import."""
    if not guide:
        return {}
    return {
        "general": _html(guide.get("general") or {}),
        "options": [
            {"id": o["id"], "title": o["title"], "notes": _html(o["notes"])}
            for o in guide.get("options", [])
        ],
        "levels": {
            key: {points: _html(text) for points, text in examples.items()}
            for key, examples in guide.get("levels", {}).items()
        },
    }


def _question_rows(m: ModuleSpec) -> list[dict[str, Any]]:
    return [
        {
            "key": q.key,
            "text": q.text,
            "options": q.options,
            "correct": q.correct,
            "explanation": q.explanation,
        }
        for q in m.questions
    ]


def _criterion_rows(m: ModuleSpec) -> list[dict[str, Any]]:
    return [{"key": c.key, "title": c.title, "levels": c.levels} for c in m.criteria]


def _told(total: int, noun: str, changes: Counter) -> str:
    told = ", ".join(f"{n} {state}" for state, n in changes.items() if n and state != "unchanged")
    return f"{total} {noun}" + (f" ({told})" if told else "")


def _sync(model: type, module_id: int, items: list[dict[str, Any]], counts: Counter) -> Counter:
    """Upsert ``items`` by key under one module and retire the rows they no longer include."""
    rows = {
        row.key: row
        for row in db.session.scalars(select(model).where(model.module_id == module_id))
    }
    here: Counter = Counter()
    for position, item in enumerate(items, 1):
        values = item | {"position": position, "retired": False}
        row = rows.pop(item["key"], None)
        if row is None:
            db.session.add(model(module_id=module_id, **values))
            here["created"] += 1
        else:
            here["updated" if _assign(row, values) else "unchanged"] += 1
    for row in rows.values():
        if not row.retired:
            row.retired = True
            here["retired"] += 1
    counts.update(here)
    return here
