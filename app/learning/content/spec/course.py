"""The course and its modules: ``course.yaml``, each ``module.yaml``, and the folder layout."""

from __future__ import annotations

import re
from pathlib import Path

from app.learning.content import yamlines
from app.learning.content.spec.bias import check_quizzes
from app.learning.content.spec.checks import SourceFile
from app.learning.content.spec.completion import SETTINGS, read_completion, read_quiz_settings
from app.learning.content.spec.documents import coverage, read_documents
from app.learning.content.spec.glossary import check_glossary
from app.learning.content.spec.guide import read_guide
from app.learning.content.spec.models import SLUG_RE, CourseSpec, ModuleSpec, Problem
from app.learning.content.spec.quiz import read_quiz, read_rubric
from app.learning.content.spec.video import read_video


def read_course(path: Path | str) -> CourseSpec:
    """Read the course folder at ``path`` (relative to the current directory, or absolute)."""
    root = Path(path)
    spec = CourseSpec(path=root)
    f = SourceFile(root / "course.yaml", spec.problems)
    if not root.is_dir():
        spec.problems.append(Problem(str(root), None, "no such course folder"))
        return spec
    course = f.load_mapping()
    if course is not None:
        keys = ("slug", "title", "summary", "organisation", "settings", "modules")
        f.keys(course, keys, ("schedule", "completion"))
        spec.slug = f.identifier(course, "slug", "slug", SLUG_RE)
        spec.title = f.text(course, "title", "title")
        spec.summary = f.text(course, "summary", "summary")
        spec.organisation = f.text(course, "organisation", "organisation")
        _read_settings(f, course, spec)
        _read_schedule(f, course, spec)
        read_completion(f, course, spec)
        slugs: dict[str, str] = {}
        for folder in _module_folders(f, course):
            module = _read_module(root, folder, spec.problems, slugs)
            spec.modules.append(module)
            spec.coverage[folder] = coverage(module)
        _unlisted_folders(f, root, course)
        check_quizzes(spec)
        spec.glossary_hits = check_glossary(spec)
    order = {p.path: i for i, p in reversed(list(enumerate(spec.problems)))}
    spec.problems.sort(key=lambda p: (order[p.path], p.line or 0))
    return spec


def _read_settings(f: SourceFile, course: yamlines.LineDict, spec: CourseSpec) -> None:
    if "settings" not in course:
        return
    settings = f.mapping(course["settings"], course.line_of("settings"), "settings")
    if settings is None:
        return
    f.keys(settings, (), SETTINGS, where="settings")
    mark = f.number(settings, "quiz_pass_mark", "quiz_pass_mark", 1, 100)
    share = f.number(settings, "video_watched_share", "video_watched_share", 0.1, 1, (int, float))
    spec.quiz_pass_mark = mark if mark is not None else spec.quiz_pass_mark
    spec.video_watched_share = float(share) if share is not None else spec.video_watched_share
    read_quiz_settings(f, settings, spec)
    if "sequential" in settings:
        if isinstance(settings["sequential"], bool):
            spec.sequential = settings["sequential"]
        else:
            f.error(settings.line_of("sequential"), "sequential must be true or false")


def _read_schedule(f: SourceFile, course: yamlines.LineDict, spec: CourseSpec) -> None:
    """``schedule: {module_every_days: 7, homework_due_days: 6}``: a cohort's default dates
    from its start date (admins may change them per cohort)."""
    if "schedule" not in course:
        return
    schedule = f.mapping(course["schedule"], course.line_of("schedule"), "schedule")
    if schedule is None:
        return
    f.keys(schedule, ("module_every_days",), ("homework_due_days",), where="schedule")
    spec.module_every_days = f.number(schedule, "module_every_days", "module_every_days", 0, 365)
    spec.homework_due_days = f.number(schedule, "homework_due_days", "homework_due_days", 0, 365)


def _module_folders(f: SourceFile, course: yamlines.LineDict) -> list[str]:
    """The listed module folders that exist, each once; the rest are reported."""
    folders = f.sequence(course, "modules", "modules")
    if folders is None:
        return []
    if not folders:
        f.error(course.line_of("modules"), "modules lists no module folders")
    found: dict[str, int] = {}
    for index, folder in enumerate(folders):
        line = folders.line_of(index)
        if not isinstance(folder, str) or not re.match(r"^[A-Za-z0-9][A-Za-z0-9_-]*$", folder):
            f.error(line, f"module {folder!r} must be a folder name next to course.yaml")
        elif folder in found:
            f.error(
                line, f"module folder '{folder}' is listed twice (first on line {found[folder]})"
            )
        elif not (f.path.parent / folder).is_dir():
            f.error(line, f"module folder '{folder}' does not exist")
            found[folder] = line
        else:
            found[folder] = line
    return [folder for folder in found if (f.path.parent / folder).is_dir()]


def _unlisted_folders(f: SourceFile, root: Path, course: yamlines.LineDict) -> None:
    modules = course.get("modules")
    listed = {m for m in modules if isinstance(m, str)} if isinstance(modules, list) else set()
    for entry in sorted(root.iterdir()):
        if entry.is_dir() and (entry / "module.yaml").is_file() and entry.name not in listed:
            f.warn(
                course.line_of("modules"),
                f"folder '{entry.name}' has a module.yaml but is not listed in modules "
                "(an imported module that is no longer listed is retired)",
            )


def _read_module(root: Path, folder: str, problems: list[Problem], slugs: dict) -> ModuleSpec:
    module = ModuleSpec(folder=folder)
    here = root / folder
    f = SourceFile(here / "module.yaml", problems)
    data = f.load_mapping()
    if data is not None:
        f.keys(data, ("slug", "title", "summary"), ("video",))
        module.slug = f.identifier(data, "slug", "slug", SLUG_RE)
        if module.slug in slugs:
            f.error(
                data.line_of("slug"),
                f"module slug '{module.slug}' is also used by "
                f"{slugs[module.slug]}; each module needs its own",
            )
        elif module.slug:
            slugs[module.slug] = folder
        module.title = f.text(data, "title", "title")
        module.summary = f.text(data, "summary", "summary")
        if "video" in data:
            read_video(f, root, data, module)
    read_quiz(SourceFile(here / "quiz.yaml", problems), module)
    read_rubric(SourceFile(here / "rubric.yaml", problems), module)
    read_documents(here, module, problems)
    if (here / "reviewer.yaml").is_file():
        read_guide(SourceFile(here / "reviewer.yaml", problems), module)
    else:
        SourceFile(here, problems).warn(None, "the module has no reviewer guide (reviewer.yaml)")
    if (module.video_url or module.video_sources) and not module.captions and data is not None:
        f.warn(data.line_of("video"), "the video has no captions (captions.<lang>.vtt)")
    return module
