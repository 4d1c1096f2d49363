"""Lesson and homework Markdown and WebVTT captions per language, and what each covers."""

from __future__ import annotations

import re
from pathlib import Path

from app.learning.content import LANGS, markdown, vtt
from app.learning.content.spec.checks import SourceFile
from app.learning.content.spec.models import ModuleSpec, Problem, Text

DOCUMENT_RE = re.compile(r"^(lesson|homework)\.([^.]+)\.md$|^(captions)\.([^.]+)\.vtt$")


def read_documents(here: Path, module: ModuleSpec, problems: list[Problem]) -> None:
    """lesson/homework Markdown and captions, per language; a missing language falls back."""
    for entry in sorted(here.iterdir()):
        if (
            entry.name in ("module.yaml", "quiz.yaml", "rubric.yaml", "reviewer.yaml")
            or entry.name[0] == "."
        ):
            continue
        f = SourceFile(entry, problems)
        match = DOCUMENT_RE.match(entry.name)
        if not match or not entry.is_file():
            f.warn(
                None,
                "unexpected file, ignored (expected module.yaml, quiz.yaml, rubric.yaml, "
                "reviewer.yaml, lesson.<lang>.md, homework.<lang>.md, captions.<lang>.vtt)",
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
            for line, message in vtt.limit_problems(captions):
                f.warn(line, message)
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
            SourceFile(here, problems).error(
                None,
                f"the module has no {piece}: add {piece}.<lang>.md in at least one of kk, ru, en",
            )


def _languages(texts: list[Text]) -> tuple[str, ...]:
    """The languages every one of ``texts`` has (none if there are no texts)."""
    return tuple(lang for lang in LANGS if texts and all(lang in text for text in texts))


def coverage(module: ModuleSpec) -> dict[str, tuple[str, ...]]:
    quiz = [t for q in module.questions for t in (q.text, q.explanation)]
    quiz += [option["text"] for q in module.questions for option in q.options]
    rubric = [c.title for c in module.criteria]
    rubric += [
        level[k] for c in module.criteria for level in c.levels for k in ("label", "description")
    ]
    guide = module.reviewer_guide
    notes = [guide["general"]] if guide.get("general") else []
    notes += [t for o in guide.get("options", []) for t in (o["title"], o["notes"])]
    notes += [t for examples in guide.get("levels", {}).values() for t in examples.values()]
    return {
        "title": _languages([module.title]),
        "lesson": tuple(module.lesson),
        "homework": tuple(module.homework),
        "quiz": _languages(quiz),
        "rubric": _languages(rubric),
        "guide": _languages(notes),
        "captions": tuple(module.captions),
    }
