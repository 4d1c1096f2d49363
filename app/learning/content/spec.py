"""Reading a course folder (courses/FORMAT.md) into plain dataclasses.

:func:`read_course` never stops at the first problem: it reads everything it can and collects
every problem as ``Problem(path, line, message, level)``, so an author fixes a whole folder in
one round. A spec with errors must not be imported; warnings are advice.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from app.learning.content import LANGS, markdown, vtt, yamlines

ERROR, WARNING = "error", "warning"
PIECES = ("title", "lesson", "homework", "quiz", "rubric", "captions")
SLUG_RE = re.compile(r"^(?=.{1,64}$)[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
DOCUMENT_RE = re.compile(r"^(lesson|homework)\.([^.]+)\.md$|^(captions)\.([^.]+)\.vtt$")
# Embeddable players, by host, with the path an embed URL starts with.
EMBED_HOSTS = {
    "www.youtube-nocookie.com": "/embed/",
    "www.youtube.com": "/embed/",
    "player.vimeo.com": "/video/",
}
VIDEO_SUFFIXES = (".mp4", ".webm")

Text = dict[str, str]


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None  # None when the problem is about a file or folder as a whole
    message: str
    level: str = ERROR

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.level}: {self.message}"


@dataclass
class QuestionSpec:
    key: str
    text: Text
    options: list[dict[str, Any]]  # [{"id": "a", "text": {...}}, ...]
    correct: list[str]
    explanation: Text


@dataclass
class CriterionSpec:
    key: str
    title: Text
    levels: list[dict[str, Any]]  # [{"points": 0, "label": {...}, "description": {...}}, ...]


@dataclass
class ModuleSpec:
    folder: str
    slug: str = ""
    title: Text = field(default_factory=dict)
    summary: Text = field(default_factory=dict)
    video_url: str | None = None
    video_file: str | None = None  # relative to the course folder, with "/"
    video_duration: int | None = None
    lesson: Text = field(default_factory=dict)  # Markdown source per language
    homework: Text = field(default_factory=dict)
    captions: Text = field(default_factory=dict)  # WebVTT source per language
    transcript: dict[str, list[str]] = field(default_factory=dict)
    questions: list[QuestionSpec] = field(default_factory=list)
    criteria: list[CriterionSpec] = field(default_factory=list)


@dataclass
class CourseSpec:
    path: Path
    slug: str = ""
    title: Text = field(default_factory=dict)
    summary: Text = field(default_factory=dict)
    organisation: Text = field(default_factory=dict)
    quiz_pass_mark: int = 70
    video_watched_share: float = 0.9
    sequential: bool = True
    modules: list[ModuleSpec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # module folder -> piece -> the languages it exists in (kk, ru, en order)
    coverage: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARNING]


class _File:
    """One file being read: where it is, and the checks that report into the shared list."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems

    def error(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(str(self.path), line, message, ERROR))

    def warn(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(str(self.path), line, message, WARNING))

    def read(self) -> str | None:
        if not self.path.is_file():
            self.error(None, "the file is missing")
            return None
        try:
            return self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self.error(None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
            return None

    def load_mapping(self) -> yamlines.LineDict | None:
        text = self.read()
        if text is None:
            return None
        data, issues = yamlines.load(text)
        for line, message in issues:
            self.error(line, message)
        if data is None and issues:
            return None
        return self.mapping(data, 1, "the file")

    def mapping(self, value: Any, line: int, what: str) -> yamlines.LineDict | None:
        if isinstance(value, yamlines.LineDict):
            return value
        self.error(line, f"{what} must be a mapping of keys to values")
        return None

    def keys(self, data: yamlines.LineDict, required: tuple, optional: tuple = (), where=""):
        prefix = f"{where}: " if where else ""
        for key in required:
            if key not in data:
                self.error(data.line, f"{prefix}missing key '{key}'")
        for key in data:
            if key not in required and key not in optional:
                close = difflib.get_close_matches(str(key), [*required, *optional], n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.error(data.line_of(key), f"{prefix}unknown key '{key}'{hint}")

    def sequence(self, data: yamlines.LineDict, key: str, what: str) -> yamlines.LineList | None:
        value = data.get(key)
        if value is None and key not in data:
            return None  # reported as a missing key
        if not isinstance(value, yamlines.LineList):
            self.error(data.line_of(key), f"{what} must be a list")
            return None
        return value

    def text(self, data: yamlines.LineDict, key: str, what: str) -> Text:
        """A translated text ``{kk, ru, en}``: errors if unusable, a warning if ``en`` is absent."""
        if key not in data:
            return {}
        value, line = data[key], data.line_of(key)
        if not isinstance(value, yamlines.LineDict):
            self.error(line, f"{what} must be a text: a mapping {{kk: ..., ru: ..., en: ...}}")
            return {}
        found: Text = {}
        for lang, item in value.items():
            if lang not in LANGS:
                self.error(value.line_of(lang), f"{what}: unknown language '{lang}' (kk, ru, en)")
            elif not isinstance(item, str) or not item.strip():
                self.error(value.line_of(lang), f"{what}: '{lang}' must be non-empty text")
            else:
                found[lang] = item.strip()
        if not found:
            self.error(line, f"{what} has no text in any language")
        elif "en" not in found:
            self.warn(line, f"{what} has no English (en) text")
        return {lang: found[lang] for lang in LANGS if lang in found}

    def identifier(self, data: yamlines.LineDict, key: str, what: str, pattern=ID_RE) -> str:
        if key not in data:
            return ""
        value = data[key]
        if not isinstance(value, str) or not pattern.match(value):
            self.error(data.line_of(key), f"{what} {value!r} is not valid: {_RULES[pattern]}")
            return ""
        return value

    def number(self, data, key: str, what: str, low: float, high: float, kind=(int,)) -> Any:
        value = data.get(key)
        ok = isinstance(value, kind) and not isinstance(value, bool) and low <= value <= high
        if key in data and not ok:
            self.error(data.line_of(key), f"{what} must be a number from {low} to {high}")
        return value if ok else None


_RULES = {
    SLUG_RE: "use a-z, 0-9 and single '-' (like fact-checking), at most 64 characters",
    ID_RE: "use letters, digits, '_' or '-', at most 32 characters (quote numbers: '1')",
}


def read_course(path: Path | str) -> CourseSpec:
    """Read the course folder at ``path`` (relative to the current directory, or absolute)."""
    root = Path(path)
    spec = CourseSpec(path=root)
    f = _File(root / "course.yaml", spec.problems)
    if not root.is_dir():
        spec.problems.append(Problem(str(root), None, "no such course folder"))
        return spec
    course = f.load_mapping()
    if course is not None:
        keys = ("slug", "title", "summary", "organisation", "settings", "modules")
        f.keys(course, keys)
        spec.slug = f.identifier(course, "slug", "slug", SLUG_RE)
        spec.title = f.text(course, "title", "title")
        spec.summary = f.text(course, "summary", "summary")
        spec.organisation = f.text(course, "organisation", "organisation")
        _read_settings(f, course, spec)
        slugs: dict[str, str] = {}
        for folder in _module_folders(f, course):
            module = _read_module(root, folder, spec.problems, slugs)
            spec.modules.append(module)
            spec.coverage[folder] = _coverage(module)
        _unlisted_folders(f, root, course)
    order = {p.path: i for i, p in reversed(list(enumerate(spec.problems)))}
    spec.problems.sort(key=lambda p: (order[p.path], p.line or 0))
    return spec


def _read_settings(f: _File, course: yamlines.LineDict, spec: CourseSpec) -> None:
    if "settings" not in course:
        return
    settings = f.mapping(course["settings"], course.line_of("settings"), "settings")
    if settings is None:
        return
    f.keys(settings, ("quiz_pass_mark", "video_watched_share", "sequential"), where="settings")
    mark = f.number(settings, "quiz_pass_mark", "quiz_pass_mark", 1, 100)
    share = f.number(settings, "video_watched_share", "video_watched_share", 0.1, 1, (int, float))
    spec.quiz_pass_mark = mark if mark is not None else spec.quiz_pass_mark
    spec.video_watched_share = float(share) if share is not None else spec.video_watched_share
    if "sequential" in settings:
        if isinstance(settings["sequential"], bool):
            spec.sequential = settings["sequential"]
        else:
            f.error(settings.line_of("sequential"), "sequential must be true or false")


def _module_folders(f: _File, course: yamlines.LineDict) -> list[str]:
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


def _unlisted_folders(f: _File, root: Path, course: yamlines.LineDict) -> None:
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
    f = _File(here / "module.yaml", problems)
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
            _read_video(f, root, data, module)
    _read_quiz(_File(here / "quiz.yaml", problems), module)
    _read_rubric(_File(here / "rubric.yaml", problems), module)
    _read_documents(here, module, problems)
    if (module.video_url or module.video_file) and not module.captions and data is not None:
        f.warn(data.line_of("video"), "the video has no captions (captions.<lang>.vtt)")
    return module


def _read_video(f: _File, root: Path, data: yamlines.LineDict, module: ModuleSpec) -> None:
    video = f.mapping(data["video"], data.line_of("video"), "video")
    if video is None:
        return
    f.keys(video, (), ("url", "file", "duration_seconds"), where="video")
    if "url" in video and "file" in video:
        f.error(data.line_of("video"), "video: give a url or a file, not both")
    elif "url" in video:
        module.video_url = _video_url(f, video["url"], video.line_of("url"))
    elif "file" in video:
        module.video_file = _video_file(f, root, video["file"], video.line_of("file"))
    else:
        f.error(
            data.line_of("video"),
            "video: needs a url or a file (leave video out until there is one)",
        )
    duration = f.number(video, "duration_seconds", "video: duration_seconds", 1, 24 * 3600)
    module.video_duration = duration


def _video_url(f: _File, url: Any, line: int) -> str | None:
    allowed = (
        "www.youtube-nocookie.com/embed/..., www.youtube.com/embed/..., player.vimeo.com/video/..."
    )
    if not isinstance(url, str) or any(c.isspace() for c in url) or len(url) > 500:
        f.error(line, "video: url must be a single https URL of at most 500 characters")
        return None
    parts = urlsplit(url)
    try:
        plain_host = not (parts.username or parts.password or parts.port)
    except ValueError:  # a port that is not a number
        plain_host = False
    prefix = EMBED_HOSTS.get(parts.hostname or "")
    if parts.scheme != "https":
        f.error(line, "video: url must start with https://")
    elif not plain_host or parts.netloc != parts.hostname or prefix is None:
        f.error(line, f"video: url must be an embeddable player URL: {allowed}")
    elif not parts.path.startswith(prefix) or len(parts.path) == len(prefix):
        f.error(line, f"video: url must be an embed URL ({parts.hostname}{prefix}<id>)")
    else:
        if parts.hostname == "www.youtube.com":
            # The site's Content-Security-Policy frames only youtube-nocookie and vimeo.
            f.warn(line, "video: use www.youtube-nocookie.com; www.youtube.com is not framed")
        return url
    return None


def _video_file(f: _File, root: Path, name: Any, line: int) -> str | None:
    if not isinstance(name, str) or not name.strip():
        f.error(line, "video: file must be a path inside the course folder")
        return None
    relative = PurePosixPath(name)
    if "\\" in name or ":" in name or relative.is_absolute() or ".." in relative.parts:
        f.error(
            line,
            f"video: file '{name}' must be a plain path inside the course folder "
            "(no '..', not absolute)",
        )
        return None
    if relative.suffix.lower() not in VIDEO_SUFFIXES:
        f.error(line, f"video: file '{name}' must be .mp4 or .webm")
        return None
    target = root / relative
    if not target.resolve().is_relative_to(root.resolve()):
        f.error(line, f"video: file '{name}' leads outside the course folder")
    elif not target.is_file():
        f.error(line, f"video: file '{name}' does not exist (looked for {target})")
    else:
        return relative.as_posix()
    return None


@dataclass(frozen=True)
class _Listed:
    """A list of things with ids: its key, how many it should hold, the keys of each item."""

    key: str
    noun: str
    owner: str  # what holds the list, for messages
    fields: tuple[str, ...]  # besides "id"
    minimum: int  # fewer is an error
    low: int  # outside low..high is a warning
    high: int

    def count(self, items: list) -> str:
        return f"{len(items)} {self.noun if len(items) == 1 else self.key}"


QUESTIONS = _Listed(
    "questions", "question", "a quiz", ("text", "options", "correct", "explanation"), 1, 5, 8
)
OPTIONS = _Listed("options", "option", "a question", ("text",), 2, 3, 5)
CRITERIA = _Listed("criteria", "criterion", "a rubric", ("title", "levels"), 1, 3, 5)


def _items(f: _File, parent: yamlines.LineDict, rule: _Listed, prefix: str = "") -> list:
    """``(id, mapping)`` for each item listed under ``parent[rule.key]`` with a valid id of its
    own, checking on the way the list's size, every item's keys, and that no id is used twice."""
    items = f.sequence(parent, rule.key, f"{prefix}{rule.key}")
    if items is None:
        return []
    line = parent.line_of(rule.key)
    if len(items) < rule.minimum:
        f.error(line, f"{prefix}{rule.count(items)}; {rule.owner} needs at least {rule.minimum}")
    elif not rule.low <= len(items) <= rule.high:
        f.warn(
            line, f"{prefix}{rule.count(items)}; {rule.owner} should have {rule.low} to {rule.high}"
        )
    found: list[tuple[str, yamlines.LineDict]] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        what = f"{prefix}{rule.noun} {index + 1}"
        mapping = f.mapping(item, items.line_of(index), what)
        if mapping is None:
            continue
        ident = f.identifier(mapping, "id", f"{what}: id")
        f.keys(mapping, ("id", *rule.fields), where=f"{prefix}{rule.noun} {ident or index + 1}")
        if ident in seen:
            f.error(
                mapping.line_of("id"),
                f"{prefix}duplicate {rule.noun} id '{ident}' (first on line {seen[ident]})",
            )
        elif ident:
            seen[ident] = mapping.line_of("id")
            found.append((ident, mapping))
    return found


def _read_quiz(f: _File, module: ModuleSpec) -> None:
    data = f.load_mapping()
    if data is None:
        return
    f.keys(data, ("questions",))
    for key, question in _items(f, data, QUESTIONS):
        where = f"question {key}: "
        options = _items(f, question, OPTIONS, where)
        module.questions.append(
            QuestionSpec(
                key,
                f.text(question, "text", f"{where}text"),
                [{"id": k, "text": f.text(o, "text", f"{where}option {k}")} for k, o in options],
                _read_correct(f, question, where, [k for k, _ in options]),
                f.text(question, "explanation", f"{where}explanation"),
            )
        )


def _read_correct(f: _File, question: yamlines.LineDict, where: str, ids: list[str]) -> list[str]:
    if "correct" not in question:
        return []
    value, line = question["correct"], question.line_of("correct")
    if not isinstance(value, yamlines.LineList):
        f.error(line, f"{where}correct must be a list of option ids, like [b]")
        return []
    if not value:
        f.error(line, f"{where}correct is empty; name at least one option")
    # Without a readable options list every id would look wrong; that list is reported instead.
    check = isinstance(question.get("options"), list)
    correct: list[str] = []
    for index, key in enumerate(value):
        if key in correct:
            f.error(value.line_of(index), f"{where}correct names option '{key}' twice")
        elif check and key not in ids:
            f.error(
                value.line_of(index),
                f"{where}correct names option {key!r}, which does "
                f"not exist (options: {', '.join(ids) or 'none'})",
            )
        else:
            correct.append(key)
    return correct


def _read_rubric(f: _File, module: ModuleSpec) -> None:
    data = f.load_mapping()
    if data is None:
        return
    f.keys(data, ("criteria",))
    for key, criterion in _items(f, data, CRITERIA):
        where = f"criterion {key}: "
        title = f.text(criterion, "title", f"{where}title")
        module.criteria.append(CriterionSpec(key, title, _read_levels(f, criterion, where)))


def _read_levels(f: _File, criterion: yamlines.LineDict, where: str) -> list[dict]:
    items = f.sequence(criterion, "levels", f"{where}levels")
    if items is None:
        return []
    if not 2 <= len(items) <= 4:
        count = f"{len(items)} level{'s' * (len(items) != 1)}"
        f.error(criterion.line_of("levels"), f"{where}{count}; a criterion needs 2 to 4")
    levels: list[dict] = []
    previous = None
    for index, item in enumerate(items):
        at = f"{where}level {index + 1}"
        level = f.mapping(item, items.line_of(index), at)
        if level is None:
            continue
        f.keys(level, ("points", "label", "description"), where=at)
        points = f.number(level, "points", f"{at}: points", 0, 1000)
        if points is not None and previous is not None and points <= previous:
            f.error(
                level.line_of("points"),
                f"{at}: points must rise strictly from the "
                f"weakest level to the strongest ({points} after {previous})",
            )
        previous = points if points is not None else previous
        levels.append(
            {
                "points": points,
                "label": f.text(level, "label", f"{at}: label"),
                "description": f.text(level, "description", f"{at}: description"),
            }
        )
    return levels


def _read_documents(here: Path, module: ModuleSpec, problems: list[Problem]) -> None:
    """lesson/homework Markdown and captions, per language; a missing language falls back."""
    for entry in sorted(here.iterdir()):
        if entry.name in ("module.yaml", "quiz.yaml", "rubric.yaml") or entry.name[0] == ".":
            continue
        f = _File(entry, problems)
        match = DOCUMENT_RE.match(entry.name)
        if not match or not entry.is_file():
            f.warn(
                None,
                "unexpected file, ignored (expected module.yaml, quiz.yaml, "
                "rubric.yaml, lesson.<lang>.md, homework.<lang>.md, captions.<lang>.vtt)",
            )
            continue
        piece, lang = match.group(1) or match.group(3), match.group(2) or match.group(4)
        if lang not in LANGS:
            f.warn(None, f"unknown language '{lang}', ignored (use kk, ru or en)")
            continue
        text = f.read()
        if text is None:
            continue
        if not text.strip():
            f.warn(None, "the file is empty, ignored")
        elif piece == "captions":
            captions = vtt.parse(text)
            for line, message in captions.problems:
                f.error(line, message)
            module.captions[lang] = text
            module.transcript[lang] = vtt.transcript(captions.cues)
        else:
            for line, message in markdown.heading_problems(text):
                f.warn(line, message)
            getattr(module, piece)[lang] = text
    for piece in ("lesson", "homework", "captions", "transcript"):
        found = getattr(module, piece)
        setattr(module, piece, {lang: found[lang] for lang in LANGS if lang in found})
    for piece in ("lesson", "homework"):
        if not getattr(module, piece):
            _File(here, problems).error(
                None,
                f"the module has no {piece}: add {piece}.<lang>.md in at least one of kk, ru, en",
            )


def _languages(texts: list[Text]) -> tuple[str, ...]:
    """The languages every one of ``texts`` has (none if there are no texts)."""
    return tuple(lang for lang in LANGS if texts and all(lang in text for text in texts))


def _coverage(module: ModuleSpec) -> dict[str, tuple[str, ...]]:
    quiz = [t for q in module.questions for t in (q.text, q.explanation)]
    quiz += [option["text"] for q in module.questions for option in q.options]
    rubric = [c.title for c in module.criteria]
    rubric += [
        level[k] for c in module.criteria for level in c.levels for k in ("label", "description")
    ]
    return {
        "title": _languages([module.title]),
        "lesson": tuple(module.lesson),
        "homework": tuple(module.homework),
        "quiz": _languages(quiz),
        "rubric": _languages(rubric),
        "captions": tuple(module.captions),
    }
